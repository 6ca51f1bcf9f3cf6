"""Scheduling: live power polling, minute ingestion with gap repair, and the service around them."""
