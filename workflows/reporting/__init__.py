"""Compact compliance reporting: metrics M1-M18 computed from recorded history (no Flask)."""
