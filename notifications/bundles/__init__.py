"""Case bundles: a case's papers as one indexed, paginated PDF (`assemble.build`), built in
the background with its progress kept on the `Bundle` row (`jobs`), and the link sent to the
panel before its hearing (`panel`)."""
