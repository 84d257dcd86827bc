"""Blueprints: pages (static and personal pages), cases (everything about cases), admin."""
