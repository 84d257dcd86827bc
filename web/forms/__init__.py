"""GOV.UK forms: shared inputs, action pages built from the workflow tables, the
administrators' pages and the time limits page, a module each."""
