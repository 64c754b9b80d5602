"""Alert records arrive with the deadline-alerts capability."""
