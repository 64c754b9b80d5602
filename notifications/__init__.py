"""Deadline alerts: rules, the sweep, channels, the record of what was sent to whom."""
