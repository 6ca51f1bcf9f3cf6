"""Write the TOML configuration and, when secrets stay out of it, an env file.

See the README, "Configuration".
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from wattboard.energy.records import Phase, Role
from wattboard.exceptions import ConfigError

NETTING_HELP: Final = "phase | minute | 15min | hour"
ENV_FILE: Final = "wattboard.env"
ENV_HELP: Final = "KEY=value file of secrets (default: wattboard.env beside the config, if any)."
# TOML basic strings forbid raw control characters and DEL; \uXXXX is valid for every one.
_TOML_ESCAPE: Final = re.compile(r'["\\\x00-\x1f\x7f]')
# Inside double quotes, systemd's EnvironmentFile= and the shell both honour these escapes.
_ENV_ESCAPE: Final = re.compile(r'(["\\$`])')
_ENV_UNESCAPE: Final = re.compile(r'\\(["\\$`])')


@dataclass(frozen=True, slots=True)
class MeterEntry:
    """One `[[meters]]` table; `password` is written only when secrets go into the file."""

    id: str
    role: Role
    url: str
    password: str = ""
    password_env: str = ""
    invert_phases: tuple[Phase, ...] = ()
    comment: str = ""


@dataclass(frozen=True, slots=True)
class SiteEntry:
    """The `[site]`, `[store]` and `[api]` tables."""

    timezone: str
    netting: str = "minute"
    site_id: str = "home"
    store_path: str | None = None
    api_host: str = "0.0.0.0"  # noqa: S104 - the dashboard is meant for the phones on the LAN
    api_port: int = 8000


def toml_string(value: str) -> str:
    """Return `value` as a TOML basic string."""
    return '"' + _TOML_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04X}", value) + '"'


def env_name(meter_id: str) -> str:
    """Return the conventional variable holding a meter's password, e.g. WATTBOARD_GRID_PASSWORD."""
    return "WATTBOARD_" + re.sub(r"[^A-Z0-9]", "_", meter_id.upper()) + "_PASSWORD"


def render(site: SiteEntry, meters: Sequence[MeterEntry], *, header: str) -> str:
    """Return the whole configuration file."""
    parts = [f"# {line}\n" if line else "#\n" for line in header.splitlines()]
    parts.append("\n" + _site(site))
    parts.extend("\n" + _meter(meter) for meter in meters)
    return "".join(parts)


def render_env(values: Mapping[str, str]) -> str:
    """Return `KEY="value"` lines that systemd's EnvironmentFile= and `sh` read alike."""
    lines = []
    for key, value in values.items():
        if "\n" in value or "\r" in value:
            raise ConfigError(f"{key}: a line break cannot be kept in an environment file")
        escaped = _ENV_ESCAPE.sub(r"\\\1", value)
        lines.append(f'{key}="{escaped}"\n')
    return "".join(lines)


def write_private(path: Path, text: str, group: str | None = None) -> None:
    """Write `text` readable by its owner (and `group`) only, replacing `path` in one step."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        # Created 0600 from the start: a password must never sit in a world-readable file.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        if group is not None:
            # Written by root for the service user: the group may read, nobody else.
            shutil.chown(temporary, group=group)
            temporary.chmod(0o640)
        temporary.replace(path)
    except (OSError, LookupError) as err:
        raise ConfigError(f"cannot write {path}: {err}") from err


def load_env_file(path: Path) -> list[str]:
    """Put the `KEY="value"` lines of an env file into this process's environment.

    Variables already set win, as they would over systemd's EnvironmentFile=. Returns the keys set.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise ConfigError(f"cannot read {path}: {err}") from err
    loaded = []
    for line in lines:
        key, sep, raw = line.strip().partition("=")
        key = key.removeprefix("export ").strip()
        if not sep or not key or key.startswith("#") or key in os.environ:
            continue
        os.environ[key] = _env_value(raw.strip())
        loaded.append(key)
    return loaded


def load_env_beside(config: Path, env_file: Path | None) -> None:
    """Load `env_file`, or the wattboard.env next to `config` when there is one."""
    if env_file is not None:
        load_env_file(env_file)
    elif (beside := config.with_name(ENV_FILE)).is_file():
        load_env_file(beside)


def _env_value(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return _ENV_UNESCAPE.sub(r"\1", raw[1:-1])
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1]
    return raw


def merge_env_file(path: Path, values: Mapping[str, str], group: str | None = None) -> None:
    """Set `values` in an env file, keeping the other lines it holds."""
    kept: list[str] = []
    if path.exists():
        try:
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        except OSError as err:
            raise ConfigError(f"cannot read {path}: {err}") from err
        kept = [line for line in lines if line.split("=", 1)[0].strip() not in values]
    write_private(path, "".join(kept) + render_env(values), group)


def _site(site: SiteEntry) -> str:
    lines = [
        "[site]",
        f"id = {toml_string(site.site_id)}",
        f"timezone = {toml_string(site.timezone)}",
        f"netting = {toml_string(site.netting)}  # {NETTING_HELP}",
        "",
        "[store]",
        'backend = "sqlite"',
    ]
    if site.store_path is not None:
        lines.append(f"path = {toml_string(site.store_path)}")
    else:
        lines.append('path = "wattboard.db"  # relative to the user data directory')
    lines += [
        "# minute_retention_days = 730  # delete older minute records; rollups stay forever",
        "",
        "[api]",
        f"host = {toml_string(site.api_host)}  # 0.0.0.0: phones on the LAN; 127.0.0.1: here only",
        f"port = {site.api_port}",
    ]
    return "\n".join(lines) + "\n"


def _meter(meter: MeterEntry) -> str:
    lines = [
        "[[meters]]",
        f"id = {toml_string(meter.id)}",
        f"role = {toml_string(meter.role)}",
        f"url = {toml_string(meter.url)}",
    ]
    if meter.password_env:
        lines.append(
            f"password_env = {toml_string(meter.password_env)}  # the password is in this variable"
        )
    elif meter.password:
        lines.append(f"password = {toml_string(meter.password)}")
    phases = ", ".join(toml_string(p) for p in meter.invert_phases)
    comment = f"  # {meter.comment}" if meter.comment else ""
    lines.append(f"invert_phases = [{phases}]{comment}")
    return "\n".join(lines) + "\n"
