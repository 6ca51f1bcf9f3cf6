"""Persistence: the embedded SQLite store and its asynchronous facade."""
