"""Settings: one TOML file plus `WATTBOARD_<SECTION>__<KEY>` environment overrides.

See the README, "Configuration".
"""

from __future__ import annotations

import difflib
import os
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from wattboard.energy.netting import Netting
from wattboard.energy.records import Phase, Role
from wattboard.energy.tariff import (
    Component,
    Fee,
    Tariff,
    TariffBook,
    Window,
    parse_clock,
    parse_days,
    parse_months,
)
from wattboard.exceptions import ConfigError

APP_NAME = "wattboard"


def redact_url(url: str) -> str:
    """Return `url` without any user info (`user:password@`), for logs and messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def system_timezone() -> str:
    """Return the IANA name of the host's zone, or UTC when it cannot be told."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and _is_zone(tz):
        return tz
    try:
        target = Path("/etc/localtime").resolve(strict=True)
    except OSError:
        return "UTC"
    parts = target.parts
    if "zoneinfo" in parts:
        name = "/".join(parts[parts.index("zoneinfo") + 1 :])
        if _is_zone(name):
            return name
    return "UTC"


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class _Section(BaseModel):
    """A config section: an unknown key is an error, since a misspelt one would be ignored."""

    model_config = ConfigDict(extra="forbid")


class SiteSettings(_Section):
    id: str = Field(default="home", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    timezone: str = Field(default_factory=system_timezone)
    netting: Netting = "minute"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not _is_zone(value):
            raise ValueError(f"unknown IANA time zone {value!r}; use a name like 'Europe/Helsinki'")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class StoreSettings(_Section):
    backend: Literal["sqlite", "mongodb"] = "sqlite"
    path: Path = Path("wattboard.db")
    # Minute records older than this many days are deleted once a day; the quarter and day
    # rollups are kept forever. None keeps every minute.
    minute_retention_days: int | None = Field(default=None, ge=1)

    def resolved_path(self) -> Path:
        """Return the SQLite path, relative paths taken from the user data directory."""
        if self.path.is_absolute():
            return self.path
        return Path(platformdirs.user_data_dir(APP_NAME)) / self.path


class ApiSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)  # 0: any free port (tests)
    token: SecretStr = SecretStr("")
    cors_origins: list[str] = Field(default_factory=list)
    web_dir: Path | None = None  # the app's web build; default: packaged, or mobile/dist
    # A cloud API serving several homes: `?site=<id>` picks one, each locked by its own token.
    site_tokens: dict[str, SecretStr] = Field(default_factory=dict)


class CollectorSettings(_Section):
    live_interval: float = Field(default=1.0, ge=0.2, le=60.0)
    request_timeout: float = Field(default=5.0, gt=0, le=120.0)


# The name of an environment variable holding a secret (`password_env`, `token_env`).
_ENV_NAME = r"^([A-Za-z_][A-Za-z0-9_]*)?$"


def _secret_from_env(secret: SecretStr, env: str, field: str) -> SecretStr:
    """Return `secret`, or the value of environment variable `env` when `secret` is empty."""
    if not env or secret.get_secret_value():
        return secret
    value = os.environ.get(env)
    if value is None:
        raise ValueError(
            f"{field}_env: environment variable {env} is not set; set it (the systemd unit "
            f"reads /etc/wattboard/wattboard.env) or put the value in `{field}`"
        )
    return SecretStr(value)


class MeterSettings(_Section):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,32}$")
    role: Role
    url: str = Field(pattern=r"^https?://[^\s/]+")
    password: SecretStr = SecretStr("")
    invert_phases: list[Phase] = Field(default_factory=list)

    @field_validator("url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        # A password in the URL would be printed wherever the URL is, and never used for the
        # meter's digest auth: refuse it (without echoing it) and point at the right keys.
        if "@" in urlsplit(value).netloc:
            raise ValueError(
                "user info (user:password@) in a meter URL is not used and would be logged; "
                "put the password in `password` or `password_env` and give the URL as "
                f"{redact_url(value)!r} without it"
            )
        return value.rstrip("/")

    @field_validator("invert_phases")
    @classmethod
    def _unique_phases(cls, value: list[Phase]) -> list[Phase]:
        if len(set(value)) != len(value):
            raise ValueError("each phase may be listed once, e.g. ['b'] or ['a', 'c']")
        return sorted(value)

    # The name of an environment variable holding the password. `WATTBOARD_METERS__0__PASSWORD`
    # does not work: pydantic-settings cannot address one item of a list, and a JSON
    # `WATTBOARD_METERS` replaces every meter. So the secret is referenced by name instead.
    password_env: str = Field(default="", pattern=_ENV_NAME)

    @model_validator(mode="after")
    def _password_from_env(self) -> MeterSettings:
        self.password = _secret_from_env(self.password, self.password_env, "password")
        return self


# A topic level: no wildcards, no empty level, no leading or trailing slash.
_TOPIC = r"^[^#+/\s]+(/[^#+/\s]+)*$"


class MqttSettings(_Section):
    """`[mqtt]`: Home Assistant discovery and live figures on an MQTT broker."""

    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)  # None: 8883 with TLS, else 1883
    tls: bool = False
    ca_file: Path | None = None  # a private CA for the broker's certificate; None: the system's
    username: str = ""
    password: SecretStr = SecretStr("")
    password_env: str = Field(default="", pattern=_ENV_NAME)
    topic_prefix: str = Field(default="", pattern=rf"({_TOPIC})|^$")  # "": wattboard/<site id>
    discovery_prefix: str = Field(default="homeassistant", pattern=_TOPIC)
    # Live power is sent at most once a second, and only when it moved by this many watts
    # (or a minute passed), so a busy broker is not flooded with noise.
    power_deadband: float = Field(default=5.0, ge=0.0, le=10_000.0)

    @field_validator("ca_file")
    @classmethod
    def _readable_ca(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}; give the PEM file of the broker's CA")
        return value

    @model_validator(mode="after")
    def _password_from_env(self) -> MqttSettings:
        if self.ca_file is not None and not self.tls:
            raise ValueError("ca_file is only used with tls = true; set tls = true or drop it")
        self.password = _secret_from_env(self.password, self.password_env, "password")
        return self

    @property
    def broker_port(self) -> int:
        return self.port or (8883 if self.tls else 1883)

    def prefix(self, site_id: str) -> str:
        """Return the topic prefix of the site's own topics."""
        return self.topic_prefix or f"wattboard/{site_id}"


class WindowSettings(_Section):
    """A time-of-use window of a tariff component: its price replaces the component's."""

    days: str = "all"
    months: str = "all"
    from_: str = Field(default="00:00", alias="from")
    to: str = "24:00"
    price: float

    @field_validator("days")
    @classmethod
    def _days(cls, value: str) -> str:
        parse_days(value)
        return value

    @field_validator("months")
    @classmethod
    def _months(cls, value: str) -> str:
        parse_months(value)
        return value

    @field_validator("from_", "to")
    @classmethod
    def _clock(cls, value: str) -> str:
        parse_clock(value)
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> WindowSettings:
        if parse_clock(self.from_) == parse_clock(self.to):
            raise ValueError(f"from and to are both {self.to!r}: the window would be empty")
        return self

    def window(self) -> Window:
        return Window(
            days=parse_days(self.days),
            months=parse_months(self.months),
            start=parse_clock(self.from_),
            end=parse_clock(self.to) % 1440 or 1440,
            price=self.price,
        )


class ComponentSettings(_Section):
    """A per-kWh tariff component: fixed `price`, or the spot price plus `price`."""

    name: str = Field(min_length=1)
    spot: bool = False
    price: float = 0.0
    vat: float = Field(default=0.0, ge=0, le=100)
    windows: list[WindowSettings] = Field(default_factory=list)

    def component(self) -> Component:
        return Component(
            name=self.name,
            price=self.price,
            vat=self.vat,
            spot=self.spot,
            windows=tuple(w.window() for w in self.windows),
        )


class FeeSettings(_Section):
    name: str = Field(min_length=1)
    price: float
    vat: float = Field(default=0.0, ge=0, le=100)


class TariffSettings(_Section):
    """One tariff of `[[tariffs]]`, valid from its local date until the next one's."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    valid_from: date
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    monthly_fees: list[FeeSettings] = Field(default_factory=list)
    import_: list[ComponentSettings] = Field(default_factory=list, alias="import")
    export: list[ComponentSettings] = Field(default_factory=list)

    def tariff(self) -> Tariff:
        return Tariff(
            valid_from=self.valid_from,
            currency=self.currency,
            imports=tuple(c.component() for c in self.import_),
            exports=tuple(c.component() for c in self.export),
            monthly_fees=tuple(Fee(f.name, f.price, f.vat) for f in self.monthly_fees),
        )


class MongoSettings(_Section):
    uri: SecretStr
    database: str = "wattboard"


class _ChannelSettings(_Section):
    # Each attempt may take `timeout_s`; a failed one is retried `retries` times with backoff
    # (2 s doubling to 60 s), then the message is dropped and logged.
    timeout_s: float = Field(default=10.0, gt=0, le=120.0)
    retries: int = Field(default=5, ge=0, le=20)


class NtfySettings(_ChannelSettings):
    """An ntfy topic: `url` is the topic's URL, e.g. https://ntfy.sh/my-wattboard-4f2a."""

    url: str = Field(pattern=r"^https?://[^\s/]+/[^\s]+$")
    token: SecretStr = SecretStr("")
    token_env: str = Field(default="", pattern=_ENV_NAME)
    priority: Literal["min", "low", "default", "high", "urgent"] = "high"
    tags: list[str] = Field(default_factory=lambda: ["electric_plug"])

    @model_validator(mode="after")
    def _token_from_env(self) -> NtfySettings:
        self.token = _secret_from_env(self.token, self.token_env, "token")
        return self


class WebhookSettings(_ChannelSettings):
    """A URL that receives each alert as a JSON POST (README, "Alerts")."""

    url: str = Field(pattern=r"^https?://[^\s/]+")
    token: SecretStr = SecretStr("")  # sent as `Authorization: Bearer <token>` when set
    token_env: str = Field(default="", pattern=_ENV_NAME)

    @model_validator(mode="after")
    def _token_from_env(self) -> WebhookSettings:
        self.token = _secret_from_env(self.token, self.token_env, "token")
        return self


class EmailSettings(_ChannelSettings):
    """E-mail over SMTP, upgraded to TLS with STARTTLS unless `starttls = false`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    host: str = Field(min_length=1)
    port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True
    # A CA file for a server with a self-signed certificate; default: the system's CAs.
    ca_file: Path | None = None
    username: str = ""
    password: SecretStr = SecretStr("")
    password_env: str = Field(default="", pattern=_ENV_NAME)
    sender: str = Field(alias="from", pattern=r"^[^@\s]+@[^@\s]+$")
    to: list[str] = Field(min_length=1)

    @field_validator("to")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        bad = [a for a in value if "@" not in a or any(c.isspace() for c in a)]
        if bad:
            raise ValueError(f"not e-mail addresses: {', '.join(map(repr, bad))}")
        return value

    @field_validator("ca_file")
    @classmethod
    def _ca_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"CA file {value} does not exist")
        return value

    @model_validator(mode="after")
    def _password_from_env(self) -> EmailSettings:
        self.password = _secret_from_env(self.password, self.password_env, "password")
        if self.password.get_secret_value() and not self.username:
            raise ValueError("a password needs a username: set `username` too")
        return self


class AlertSettings(_Section):
    """Rules and channels of the alerts (README, "Alerts"); a 0 turns a rule off."""

    check_seconds: float = Field(default=30.0, ge=0.1, le=3600.0)
    repeat_hours: float = Field(default=24.0, ge=0)  # 0: never repeat while a problem lasts
    meter_offline_minutes: float = Field(default=10.0, ge=0)
    replication_failing_minutes: float = Field(default=30.0, ge=0)
    # Minutes the meter can no longer give (older than its memory, never recorded, or dropped
    # as implausible); the alert ends after this many hours without another loss.
    lost_minutes_hours: float = Field(default=24.0, ge=0)
    reversed_clamp: bool = True  # the doctor's wiring rules on the stored minutes, daily
    disk_free_mb: float = Field(default=1024.0, ge=0)
    store_failing: bool = True  # database writes failing (disk full, damaged file)
    import_above_w: float = Field(default=0.0, ge=0)
    import_minutes: float = Field(default=15.0, gt=0)
    export_above_w: float = Field(default=0.0, ge=0)
    export_minutes: float = Field(default=15.0, gt=0)
    ntfy: NtfySettings | None = None
    webhook: WebhookSettings | None = None
    email: EmailSettings | None = None
    # With `[mqtt]` set, alerts also go to `<topic prefix>/alert` on that broker.
    mqtt: bool = True
    mqtt_timeout_s: float = Field(default=10.0, gt=0, le=120.0)
    mqtt_retries: int = Field(default=5, ge=0, le=20)


class PriceSettings(_Section):
    """Where day-ahead spot prices come from (`[prices]`); see the README, "Spot prices"."""

    source: Literal["entsoe", "elering", "none"] = "none"
    area: str = ""  # bidding zone: FI, SE3, DE-LU, ... (Elering: FI, EE, LV, LT)
    token: SecretStr = SecretStr("")  # ENTSO-E security token
    token_env: str = Field(default="", pattern=_ENV_NAME)
    url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+")  # tests, the emulator

    @model_validator(mode="after")
    def _complete(self) -> PriceSettings:
        # Imported here: the area lists are the sources' own, and config loads for every command.
        from wattboard.prices.areas import ELERING_AREAS, ENTSOE_AREAS  # noqa: PLC0415

        if self.source == "none":
            return self
        areas = ENTSOE_AREAS if self.source == "entsoe" else ELERING_AREAS
        if self.area not in areas:
            given = f"{self.area!r} is not" if self.area else "is missing:"
            raise ValueError(
                f"area: {given} a bidding zone of {self.source}; use one of {', '.join(areas)}"
            )
        self.token = _secret_from_env(self.token, self.token_env, "token")
        if self.source == "entsoe" and not self.token.get_secret_value():
            raise ValueError(
                "token: ENTSO-E needs a security token (free: register at "
                "transparency.entsoe.eu and ask for RESTful API access); set `token` or "
                "`token_env`"
            )
        return self


class Settings(BaseSettings):
    """Every setting of Wattboard; built by `load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="WATTBOARD_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    site: SiteSettings = Field(default_factory=SiteSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    collector: CollectorSettings = Field(default_factory=CollectorSettings)
    meters: list[MeterSettings] = Field(default_factory=list)
    mongo: MongoSettings | None = None
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    prices: PriceSettings = Field(default_factory=PriceSettings)
    mqtt: MqttSettings | None = None
    tariffs: list[TariffSettings] = Field(default_factory=list)

    def tariff_book(self) -> TariffBook:
        """Return the site's tariffs in its zone (empty: money is not shown)."""
        return TariffBook([t.tariff() for t in self.tariffs], self.site.zone)

    @model_validator(mode="after")
    def _consistent_meters(self) -> Settings:
        ids = [m.id for m in self.meters]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"meter ids must be unique; repeated: {', '.join(duplicates)}")
        grids = [m.id for m in self.meters if m.role == "grid"]
        if len(grids) > 1:
            raise ValueError(f"at most one meter may have role 'grid'; found {', '.join(grids)}")
        dates = [t.valid_from for t in self.tariffs]
        if len(set(dates)) != len(dates):
            raise ValueError("tariffs: each tariff needs its own valid_from date")
        currencies = sorted({t.currency for t in self.tariffs})
        if len(currencies) > 1:
            raise ValueError(f"tariffs: all must use one currency, got {', '.join(currencies)}")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],  # noqa: ARG003 - part of the override's signature
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - no .env files are read
        file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - secrets come from env
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file arrives as init values; the environment overrides it key by key.
        return env_settings, init_settings


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "wattboard.toml"


def load_settings(path: Path | None = None, *, required: bool = False) -> Settings:
    """Read the TOML file (when present) and the environment into validated settings."""
    config_path = path or default_config_path()
    data: dict[str, Any] = {}
    if config_path.exists():
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise ConfigError(f"cannot read config {config_path}: {err}") from err
    elif required or path is not None:
        raise ConfigError(f"config file {config_path} does not exist")
    try:
        return Settings(**data)
    except ValidationError as err:
        raise ConfigError(describe_validation_error(err, config_path)) from err


def describe_validation_error(err: ValidationError, source: Path) -> str:
    """Turn pydantic's report into lines naming each bad key and what was expected."""
    lines = [f"invalid configuration in {source} (or WATTBOARD_* environment):"]
    for problem in err.errors():
        where = _where(problem["loc"])
        message = problem["msg"]
        if problem["type"] == "extra_forbidden":
            message = _unknown_key(problem["loc"])
        lines.append(f"  {where}: {message}")
    return "\n".join(lines)


def _where(loc: tuple[int | str, ...]) -> str:
    """Name a key as written in the file's terms: `tariffs[1].import[0].windows[0].days`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text or "(top level)"


def _unknown_key(loc: tuple[int | str, ...]) -> str:
    """Say that a key is unknown, and which known key of its section it is closest to."""
    model: type[BaseModel] = Settings
    for part in loc[:-1]:
        if isinstance(part, int):
            continue  # an item of [[meters]]
        fields = _keys(model)
        if str(part) not in fields:
            break
        annotation = model.model_fields[fields[str(part)]].annotation
        inner = getattr(annotation, "__args__", None) or (annotation,)
        nested = [t for t in inner if isinstance(t, type) and issubclass(t, BaseModel)]
        if not nested:
            break
        model = nested[0]
    known = list(_keys(model))
    close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"
    return f"unknown key {str(loc[-1])!r}{hint}"


def _keys(model: type[BaseModel]) -> dict[str, str]:
    """Return the model's keys as written in the file (aliases: `import`, `from`) → field names."""
    return {info.alias or name: name for name, info in model.model_fields.items()}
