"""`wattboard init`: find the meters, check them and their clamps, write the configuration."""

from __future__ import annotations

import asyncio
import os
import tomllib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from wattboard.config import Settings, default_config_path, describe_validation_error, redact_url
from wattboard.config import system_timezone as host_timezone
from wattboard.energy.netting import NETTING_MODES
from wattboard.energy.records import Phase, Role
from wattboard.exceptions import ConfigError, DeviceAuthError, DeviceUnreachableError
from wattboard.setup import configfile, discovery, probe, wiring
from wattboard.shelly.client import ShellyClient

console = Console()
PASSWORD_TRIES: Final = 3
PROBE_TIMEOUT: Final = 5.0


def register(app: typer.Typer) -> None:
    app.command("init")(init)


@dataclass(frozen=True, slots=True)
class Flags:
    """The answers given on the command line; `interactive` asks for the rest."""

    grid: str | None = None
    solar: tuple[str, ...] = ()
    password: str | None = None
    password_env: str | None = None
    secrets: str | None = None
    env_file: Path = Path("wattboard.env")
    sample_seconds: float = 30.0
    discover_seconds: float = 5.0
    interactive: bool = True
    group: str | None = None


@dataclass(slots=True)
class Meter:
    """A meter being set up: where it is, what it is, how to get in, how to read its clamps."""

    id: str
    role: Role
    url: str
    facts: probe.DeviceFacts | None = None
    password: str | None = None
    invert: list[Phase] = field(default_factory=list)
    comment: str = ""


def init(
    grid: str | None = typer.Option(None, help="Address or URL of the grid meter."),
    solar: list[str] = typer.Option([], help="Address or URL of a solar meter (repeatable)."),
    password: str | None = typer.Option(
        None, help="Password of the meters that ask for one (user admin)."
    ),
    password_env: str | None = typer.Option(
        None, help="Read the password from this variable; the config only names it."
    ),
    secrets: str | None = typer.Option(
        None, help="Where a given password goes: 'config' (file only you can read) or 'env'."
    ),
    env_file: Path | None = typer.Option(
        None, help="Env file for --secrets env (default: wattboard.env beside the config)."
    ),
    timezone: str | None = typer.Option(None, help="IANA zone of the site (default: this host's)."),
    netting: str | None = typer.Option(
        None, help="phase | minute | 15min | hour (default minute)."
    ),
    site_id: str = typer.Option("home", help="Site id carried by every replicated document."),
    store_path: str | None = typer.Option(None, help="SQLite file (default: user data dir)."),
    api_host: str = typer.Option(
        "0.0.0.0",  # noqa: S104 - the dashboard is for the phones on the LAN
        help="Address the API listens on; 127.0.0.1 keeps it to this computer.",
    ),
    api_port: int = typer.Option(8000, min=1, max=65535, help="Port of the API and dashboard."),
    config: Path | None = typer.Option(None, "--config", help="Where to write the TOML file."),
    sample_seconds: float = typer.Option(
        30.0, min=0, help="Seconds of live power to judge the clamps by; 0 skips the check."
    ),
    discover_timeout: float = typer.Option(
        5.0, min=0, help="Seconds to look for meters by mDNS; 0 skips discovery."
    ),
    yes: bool = typer.Option(
        False, "--yes", "-y", "--non-interactive", help="Ask nothing; accept the proposals."
    ),
    force: bool = typer.Option(False, help="Overwrite an existing configuration file."),
    group: str | None = typer.Option(
        None, help="Group that may read the written files (the service user's, e.g. wattboard)."
    ),
) -> None:
    """Find and check the meters, propose clamp inversions, and write the configuration."""
    path = config or default_config_path()
    _check_choice("--secrets", secrets, ("config", "env"))
    _check_choice("--netting", netting, NETTING_MODES)
    _confirm_overwrite(path, force=force, interactive=not yes)
    flags = Flags(
        grid=grid,
        solar=tuple(solar),
        password=password,
        password_env=password_env,
        secrets=secrets,
        env_file=env_file or path.with_name(configfile.ENV_FILE),
        sample_seconds=sample_seconds,
        discover_seconds=discover_timeout,
        interactive=not yes,
        group=group,
    )
    meters = asyncio.run(_set_up_meters(flags))
    site = configfile.SiteEntry(
        timezone=_ask(flags, "Time zone of the site", timezone, host_timezone()),
        netting=_ask_netting(flags, netting),
        site_id=site_id,
        store_path=store_path,
        api_host=api_host,
        api_port=api_port,
    )
    entries, env_values = _entries(meters, flags)
    _write(path, site, entries, env_values, flags)


# -- choosing the meters -------------------------------------------------------------------------


async def _set_up_meters(flags: Flags) -> list[Meter]:
    meters = await _choose_meters(flags)
    for meter in meters:
        await _check_meter(meter, flags)
    if flags.sample_seconds > 0:
        await _check_wiring(meters, flags)
    return meters


async def _choose_meters(flags: Flags) -> list[Meter]:
    if flags.grid is None:
        if not flags.interactive:
            raise typer.BadParameter(
                "give the grid meter's address with --yes", param_hint="--grid"
            )
        return await _ask_meters(flags)
    return _named_meters(flags.grid, flags.solar)


def _named_meters(grid: str, solar: tuple[str, ...]) -> list[Meter]:
    meters = [Meter("grid", "grid", normalize_url(grid))]
    for index, url in enumerate(solar):
        meters.append(
            Meter("solar" if index == 0 else f"solar{index + 1}", "solar", normalize_url(url))
        )
    return meters


def normalize_url(text: str) -> str:
    """Return `http://host[:port]` for an address typed with or without its scheme."""
    text = text.strip().rstrip("/")
    url = text if "://" in text else f"http://{text}"
    if redact_url(url) != url:
        raise ConfigError(
            f"give the meter address without user info ({redact_url(url)}); "
            "the password goes in --password"
        )
    return url


async def _ask_meters(flags: Flags) -> list[Meter]:
    found: list[discovery.Discovered] = []
    if flags.discover_seconds > 0:
        with console.status(f"Looking for Shelly devices for {flags.discover_seconds:g} s…"):
            found = await discovery.discover(flags.discover_seconds)
    _show_found(found)
    meters = [p for p in found if p.is_pro_3em]
    grid = typer.prompt(
        "Grid meter (number from the list, or address)",
        default="1" if meters else None,
    )
    solar = typer.prompt(
        "Solar meter(s) (numbers or addresses, comma-separated; '-' for none)",
        default="2" if len(meters) > 1 else "-",
    )
    solar_urls = tuple(_pick(found, s) for s in solar.split(",") if s.strip() not in ("", "-"))
    return _named_meters(_pick(found, grid), solar_urls)


def _show_found(found: list[discovery.Discovered]) -> None:
    if not found:
        console.print("No Shelly device found by mDNS; type the meters' addresses.")
        return
    table = Table("#", "device", "address", "kind", "firmware")
    for index, device in enumerate(found, start=1):
        kind = device.app or "?"
        kind += " ✔" if device.is_pro_3em else " (not a Pro 3EM)"
        table.add_row(str(index), device.device_id, device.url, kind, device.version or "?")
    console.print(table)


def _pick(found: list[discovery.Discovered], answer: str) -> str:
    answer = answer.strip()
    if answer.isdigit() and 1 <= int(answer) <= len(found):
        return found[int(answer) - 1].url
    return normalize_url(answer)


# -- checking each meter -------------------------------------------------------------------------


async def _check_meter(meter: Meter, flags: Flags) -> None:
    async with ShellyClient(meter.url, meter=meter.id, timeout=PROBE_TIMEOUT) as client:
        try:
            facts = meter.facts = await probe.identify(client)
        except DeviceUnreachableError as err:
            raise DeviceUnreachableError(
                f"the {meter.id} meter does not answer at {meter.url}: check the address and "
                f"that the meter is on the network ({err})",
                url=meter.url,
            ) from err
    if not facts.is_pro_3em:
        raise ConfigError(f"{meter.id} meter at {meter.url} is a {facts.model}, not a Pro 3EM")
    auth = "password required" if facts.auth_required else "no password"
    console.print(
        f"[green]✔[/green] {meter.id}: {facts.model}, firmware {facts.firmware}, "
        f"{facts.profile or 'triphase'}, {auth} ({meter.url})"
    )
    if facts.auth_required:
        meter.password = await _password(meter, flags)
    async with _client(meter) as client:
        reverse = await probe.device_reverse(client)
    if reverse:
        console.print(
            f"  note: the meter itself reverses phase(s) {', '.join(reverse)} (its EM `reverse` "
            "setting); readings below already include that"
        )


async def _password(meter: Meter, flags: Flags) -> str:
    for attempt in range(PASSWORD_TRIES):
        candidate = _password_candidate(meter, flags, first=attempt == 0)
        async with ShellyClient(meter.url, password=candidate, timeout=PROBE_TIMEOUT) as client:
            try:
                await probe.check_access(client)
            except DeviceAuthError:
                if not flags.interactive or flags.password_env:
                    raise
                console.print(f"[red]✘[/red] {meter.id}: the meter refused this password")
                continue
        return candidate
    raise DeviceAuthError(f"{meter.url}: the meter refused the password {PASSWORD_TRIES} times")


def _password_candidate(meter: Meter, flags: Flags, *, first: bool) -> str:
    if flags.password_env:
        value = os.environ.get(flags.password_env)
        if value is None:
            raise typer.BadParameter(
                f"environment variable {flags.password_env} is not set", param_hint="--password-env"
            )
        return value
    if first and flags.password is not None:
        return flags.password
    if not flags.interactive:
        raise typer.BadParameter(
            f"meter {meter.id} ({meter.url}) asks for a password: give --password or "
            "--password-env",
            param_hint="--password",
        )
    return str(typer.prompt(f"Password of meter {meter.id} (user admin)", hide_input=True))


def _client(meter: Meter) -> ShellyClient:
    return ShellyClient(meter.url, password=meter.password, meter=meter.id, timeout=PROBE_TIMEOUT)


# -- wiring --------------------------------------------------------------------------------------


async def _check_wiring(meters: list[Meter], flags: Flags) -> None:
    clients = {m.id: _client(m) for m in meters}
    try:
        with _progress() as bar:
            task = bar.add_task("Reading live power", total=flags.sample_seconds)

            def report(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            samples = await probe.sample_power(clients, {}, flags.sample_seconds, progress=report)
    finally:
        for client in clients.values():
            await client.aclose()
    verdict = wiring.judge({m.id: m.role for m in meters}, samples)
    _show_wiring(verdict, meters)
    for meter in meters:
        _decide_inversion(meter, verdict, flags)


def _show_wiring(verdict: wiring.Verdict, meters: list[Meter]) -> None:
    table = Table("meter", "phase a", "phase b", "phase c", title="Median live power (W)")
    for meter in meters:
        powers = verdict.medians.get(meter.id)
        if powers is None:
            table.add_row(meter.id, "—", "—", "—")
            continue
        flips = verdict.flips(meter.id)
        cells = [
            f"[red]{w:.0f}[/red]" if phase in flips else f"{w:.0f}"
            for phase, w in zip(("a", "b", "c"), powers, strict=True)
        ]
        table.add_row(meter.id, *cells)
    console.print(table)
    for suspect in verdict.suspects:
        console.print(f"[yellow]![/yellow] {suspect.meter}: {suspect.reason}")
    for note in verdict.notes:
        console.print(f"  note: {note}")


def _decide_inversion(meter: Meter, verdict: wiring.Verdict, flags: Flags) -> None:
    proposal = verdict.proposed_inversion(meter.id)
    if not proposal:
        return
    phases = ", ".join(proposal)
    question = f"Invert phase(s) {phases} of meter {meter.id} (clamps mounted backwards)?"
    if flags.interactive and not typer.confirm(question, default=True):
        return
    meter.invert = proposal
    meter.comment = f"clamp(s) {phases} reversed, found by wattboard init"
    console.print(f"Proposed: invert_phases = {proposal} for meter {meter.id}")


# -- writing -------------------------------------------------------------------------------------


def _entries(
    meters: list[Meter], flags: Flags
) -> tuple[list[configfile.MeterEntry], dict[str, str]]:
    env_values: dict[str, str] = {}
    entries = []
    for meter in meters:
        entry = configfile.MeterEntry(
            meter.id,
            meter.role,
            meter.url,
            invert_phases=tuple(meter.invert),
            comment=meter.comment,
        )
        if meter.password is not None:
            entry, env_values = _with_secret(entry, meter.password, flags, env_values)
        entries.append(entry)
    return entries, env_values


def _with_secret(
    entry: configfile.MeterEntry, password: str, flags: Flags, env_values: dict[str, str]
) -> tuple[configfile.MeterEntry, dict[str, str]]:
    if flags.password_env:
        return replace(entry, password_env=flags.password_env), env_values
    if _secrets_in_env(entry, flags):
        name = configfile.env_name(entry.id)
        return replace(entry, password_env=name), {**env_values, name: password}
    return replace(entry, password=password), env_values


def _secrets_in_env(entry: configfile.MeterEntry, flags: Flags) -> bool:
    if flags.secrets is not None or not flags.interactive:
        return flags.secrets == "env"
    return typer.confirm(
        f"Keep the password of meter {entry.id} out of the config file (in {flags.env_file})?",
        default=False,
    )


def _write(
    path: Path,
    site: configfile.SiteEntry,
    entries: list[configfile.MeterEntry],
    env_values: dict[str, str],
    flags: Flags,
) -> None:
    written = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        f"Wattboard configuration, written by `wattboard init` on {written}.\n"
        "Every key can be overridden by an environment variable WATTBOARD_<SECTION>__<KEY>."
    )
    text = configfile.render(site, entries, header=header)
    _validate(text, path, {**env_values, **_given_env(flags)})
    configfile.write_private(path, text, flags.group)
    readers = "you only" if flags.group is None else f"you and group {flags.group}"
    console.print(f"[green]✔[/green] wrote {path} (readable by {readers})")
    options = f"--config {path}"
    if env_values:
        configfile.merge_env_file(flags.env_file, env_values, flags.group)
        console.print(
            f"[green]✔[/green] wrote the password(s) to {flags.env_file} (readable by {readers}); "
            "`wattboard run`, `doctor`, `export` and `import` read it; the systemd unit reads "
            "/etc/wattboard/wattboard.env"
        )
        if flags.env_file != path.with_name(configfile.ENV_FILE):
            options += f" --env-file {flags.env_file}"
    console.print(f"Next: `wattboard doctor {options}`, then `wattboard run {options}`.")


def _given_env(flags: Flags) -> dict[str, str]:
    if flags.password_env and flags.password_env in os.environ:
        return {flags.password_env: os.environ[flags.password_env]}
    return {}


def _validate(text: str, path: Path, env_values: dict[str, str]) -> None:
    """Refuse to write a file `wattboard run` would refuse to read."""
    data: dict[str, Any] = tomllib.loads(text)
    for meter in data.get("meters", []):
        # The variables may not be set in this shell yet; check with the values they will hold.
        if meter.get("password_env") in env_values:
            meter["password"] = env_values[meter["password_env"]]
    try:
        Settings(**data)
    except ValidationError as err:
        raise ConfigError(describe_validation_error(err, path)) from err


# -- small helpers -------------------------------------------------------------------------------


def _ask(flags: Flags, question: str, given: str | None, default: str) -> str:
    if given is not None or not flags.interactive:
        return given or default
    return str(typer.prompt(question, default=default))


NETTING_GUIDE: Final = """\
Netting: how the grid meter's import and export are counted. Pick the way your bill counts:
  phase   each phase on its own (the meter's own import and export totals): utilities that
          bill per phase, with meters that do not net the phases
  minute  the phases netted each minute (default): meters that net the phases as they go,
          e.g. the "saldierende" meters of German utilities
  15min   net energy over each quarter hour in local time: utilities that settle per quarter
          hour (Finnish network companies, for example)
  hour    net energy over each hour in local time: utilities that settle per hour (hourly net
          balance in Spain, for example)
Changing it later recomputes the day totals from the stored minutes."""


def _ask_netting(flags: Flags, given: str | None) -> str:
    if given is None and flags.interactive:
        console.print(NETTING_GUIDE, highlight=False, markup=False)
    while True:
        answer = _ask(flags, f"Netting ({configfile.NETTING_HELP})", given, "minute")
        if answer in NETTING_MODES:
            return answer
        console.print(f"Expected one of {', '.join(NETTING_MODES)}.")


def _check_choice(option: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise typer.BadParameter(f"expected one of {', '.join(allowed)}", param_hint=option)


def _confirm_overwrite(path: Path, *, force: bool, interactive: bool) -> None:
    if not path.exists() or force:
        return
    if interactive and typer.confirm(f"{path} exists. Replace it?", default=False):
        return
    raise typer.BadParameter(f"{path} exists; pass --force to replace it", param_hint="--config")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} s"),
        transient=True,
        console=console,
    )
