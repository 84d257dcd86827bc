"""Revisions, one after another: 0001 the initial schema, then each change (new ones by
scripts/new-migration.sh)."""
