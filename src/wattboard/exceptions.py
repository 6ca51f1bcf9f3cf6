"""The exceptions Wattboard raises; foreign errors are translated at the I/O boundary.

WattboardError
├── ConfigError                 a setting is missing or unsafe; the message says which
├── DeviceError                 anything that went wrong talking to a meter
│   ├── DeviceUnreachableError  connection refused, timeout, DNS: the meter did not answer
│   ├── DeviceAuthError         the meter wants a password, or refused the one given
│   ├── DeviceProtocolError     the answer was not what a Pro 3EM sends (bad JSON, bad shape)
│   └── DeviceRpcError          the meter answered with an RPC error (code, message)
├── StoreError                  the database failed or holds something unexpected
│   ├── MigrationError          the schema is newer than this program or a migration failed
│   └── ReplicaError            MongoDB (the replica) failed: unreachable, refused, unexpected
├── PriceSourceError            a spot price source failed or answered something unexpected
└── InvalidInputError           a value from a user or a client is out of range (field named)
"""

from __future__ import annotations


class WattboardError(Exception):
    """Base of every error Wattboard raises on purpose."""


class ConfigError(WattboardError):
    """A setting is missing, malformed or unsafe."""


class DeviceError(WattboardError):
    """Talking to a meter failed."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class DeviceUnreachableError(DeviceError):
    """The meter did not answer (refused, timed out, unknown host)."""


class DeviceAuthError(DeviceError):
    """The meter requires a password or refused the one given."""


class DeviceProtocolError(DeviceError):
    """The meter's answer does not have the shape of a Pro 3EM answer."""


class DeviceRpcError(DeviceError):
    """The meter answered an RPC call with an error object."""

    def __init__(self, code: int, message: str, *, url: str | None = None) -> None:
        super().__init__(f"RPC error {code}: {message}", url=url)
        self.code = code
        self.rpc_message = message


class StoreError(WattboardError):
    """The store failed or holds unexpected data."""


class MigrationError(StoreError):
    """The schema could not be brought to this program's version."""


class SchemaVersionError(StoreError):
    """A file's schema is not this program's, and whoever found it may not migrate it."""

    def __init__(self, path: object, found: int, expected: int) -> None:
        self.found = found
        self.expected = expected
        age = "older" if found < expected else "newer"
        super().__init__(f"{path} has schema {found}, {age} than this Wattboard's ({expected})")


class ReplicaError(StoreError):
    """MongoDB failed or refused; the message never holds the connection string."""


class PriceSourceError(WattboardError):
    """A spot price source (ENTSO-E, Elering) failed, refused, or sent an unexpected answer."""


class InvalidInputError(WattboardError):
    """A value given by a user or client is invalid; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.detail = message
