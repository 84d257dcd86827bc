"""Revisions: one initial revision generated from casework.models (scripts/regenerate-migration.sh)."""
