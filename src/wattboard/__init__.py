"""Wattboard: a self-hosted energy monitor for homes with solar panels."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wattboard")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
