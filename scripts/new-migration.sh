#!/usr/bin/env bash
# Autogenerate the next Alembic revision from casework.models, against an empty SQLite
# database brought to the latest revision first. Run after adding or changing tables, with a
# short description; read the new file, then run tests/casework/test_migrations.py.
#   scripts/new-migration.sh "index people by organisation"
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ $# -eq 1 ] || { echo "usage: $0 \"what the revision does\"" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PY" -m casework.persistence.migrate "sqlite:///$tmp/empty.db" "$1"
ls -t casework/persistence/migrations/versions/[0-9]*.py | head -1
