"""Alerts: rules over the collector's facts, start/repeat/end messages, and their channels."""
