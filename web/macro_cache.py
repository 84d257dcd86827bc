"""GOV.UK Frontend macros called with the same parameters on every page (the skip link, the
service navigation for a menu, the phase banner, a start button): each is rendered once per
process for each set of parameters and its markup reused, because calling the
govuk-frontend-jinja macros cost more than the rest of a short page. The markup is the
macro's own, so nothing a person sees changes; a macro's output depends only on its
parameters, which are the cache's key."""
from functools import lru_cache

from flask import Flask
from markupsafe import Markup

#: Different sets of parameters kept per process (menus differ only by the page that is
#: current and whether the person administers, so a few dozen are ever used).
KEPT = 512


def init_app(app: Flask) -> None:
    env = app.jinja_env

    @lru_cache(maxsize=KEPT)
    def rendered(template: str, macro: str, key: tuple) -> Markup:
        return Markup(getattr(env.get_template(template).module, macro)(_thawed(key)))

    def cached_macro(template: str, macro: str, params: dict) -> Markup:
        """`{% from template import macro %}{{ macro(params) }}`, rendered once per process for
        these params (plain strings, numbers, booleans and lists or dicts of them)."""
        return rendered(template, macro, _frozen(params))

    env.globals["cached_macro"] = cached_macro


def _frozen(value):
    """A hashable copy that tells str from Markup (the one is escaped, the other is not)."""
    if isinstance(value, dict):
        return dict, tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return list, tuple(_frozen(v) for v in value)
    if isinstance(value, str | int | float | bool | None):
        return type(value), value
    raise TypeError(f"cached_macro cannot use a {type(value).__name__} as a parameter")


def _thawed(key: tuple):
    kind, value = key
    if kind is dict:
        return {k: _thawed(v) for k, v in value}
    if kind is list:
        return [_thawed(v) for v in value]
    return value
