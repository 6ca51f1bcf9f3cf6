"""MQTT: a reusable broker link, and Home Assistant discovery with live figures over it.

Loaded only when `[mqtt]` is configured: the client library is not imported otherwise.
"""
