"""Alembic migration scripts, shipped inside the package so `upgrade` works when installed."""
