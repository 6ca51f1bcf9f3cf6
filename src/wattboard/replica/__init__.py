"""Store-to-store sync: the SQLite store's change log copied to the MongoDB replica.

It talks to the SQLite store's async facade and to the MongoDB store only; nothing of the
collector.
"""
