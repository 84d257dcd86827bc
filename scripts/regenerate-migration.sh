#!/usr/bin/env bash
# Delete the single initial migration and regenerate it from casework.models (Alembic
# autogenerate against an empty SQLite database). Run after adding or changing tables, then
# run tests/casework/test_migrations.py to check the result matches the models.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f casework/persistence/migrations/versions/[0-9]*.py
"$PY" -m casework.persistence.migrate "sqlite:///$tmp/empty.db"
ls casework/persistence/migrations/versions/[0-9]*.py
