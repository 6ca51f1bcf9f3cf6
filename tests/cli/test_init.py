"""`wattboard init` against emulated meters: a config `run` accepts, reversed clamps found."""

from __future__ import annotations

import asyncio
import os
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.setup_cli import ingest_once, init_args, inject, invoke
from tests.sunlight import daytime, night
from wattboard.cli import init as init_cli
from wattboard.config import load_settings
from wattboard.exceptions import ConfigError, DeviceAuthError, DeviceUnreachableError
from wattboard.setup.configfile import load_env_file
from wattboard.simulator import EmulatorOptions, Emulators, start_emulators

PASSWORD = "hunter2-3em"


@pytest.fixture(autouse=True)
def wide_console() -> Iterator[None]:
    # Rich wraps at 80 columns when not on a terminal; messages are asserted whole.
    width = init_cli.console.width
    init_cli.console.width = 300
    yield
    init_cli.console.width = width


def _meters(config: Path) -> dict[str, dict[str, Any]]:
    data = tomllib.loads(config.read_text(encoding="utf-8"))
    return {m["id"]: m for m in data["meters"]}


@pytest.mark.slow
async def test_init_writes_a_config_that_run_accepts(emulators: Emulators, tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "wattboard", *init_args(emulators, tmp_path, "--yes"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "COLUMNS": "300"},
    )  # fmt: skip
    output = (await asyncio.wait_for(process.communicate(), timeout=60))[0].decode()
    assert process.returncode == 0, output
    config = tmp_path / "wattboard.toml"
    assert "SPEM-003CEBEU, firmware 1.6.1, triphase, no password" in output
    settings = load_settings(config)
    assert [(m.id, m.role, m.invert_phases) for m in settings.meters] == [
        ("grid", "grid", []),
        ("solar", "solar", []),
    ]
    assert settings.site.timezone == "Europe/Helsinki"
    assert settings.site.netting == "minute"
    assert await ingest_once(config) >= 2 * 240  # two meters × 4 h of minutes


@pytest.mark.dates
async def test_init_proposes_a_reversed_solar_phase_in_daylight(tmp_path: Path) -> None:
    async with start_emulators(daytime(history_days=0, seed=3)) as sim:
        await inject(sim, "solar", {"kind": "reverse_ct", "phase": "b"})
        result = await invoke(*init_args(sim, tmp_path, "--yes"))
    assert result.exit_code == 0, result.output
    assert "solar: phase b imports" in result.output
    assert "invert_phases = ['b'] for meter solar" in result.output
    meters = _meters(tmp_path / "wattboard.toml")
    assert meters["solar"]["invert_phases"] == ["b"]
    assert meters["grid"]["invert_phases"] == []


async def test_init_proposes_a_reversed_grid_phase_at_night(tmp_path: Path) -> None:
    async with start_emulators(night(history_days=0, seed=3)) as sim:
        await inject(sim, "grid", {"kind": "reverse_ct", "phase": "a"})
        result = await invoke(*init_args(sim, tmp_path, "--yes"))
    assert result.exit_code == 0, result.output
    assert "grid: phase a exports" in result.output
    assert "while the panels produce 0 W" in result.output
    meters = _meters(tmp_path / "wattboard.toml")
    assert meters["grid"]["invert_phases"] == ["a"]
    assert meters["solar"]["invert_phases"] == []


@pytest.fixture
async def locked() -> Any:
    options = EmulatorOptions(port=0, history_days=1 / 24, password=PASSWORD, seed=5)
    async with start_emulators(options) as sim:
        yield sim


async def test_init_password_from_env_stays_out_of_the_file(
    locked: Emulators, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHELLY_PASSWORD", PASSWORD)
    args = init_args(locked, tmp_path, "--yes", "--password-env", "SHELLY_PASSWORD")
    result = await invoke(*args, "--sample-seconds", "1")
    assert result.exit_code == 0, result.output
    config = tmp_path / "wattboard.toml"
    assert PASSWORD not in config.read_text(encoding="utf-8")
    assert {m["password_env"] for m in _meters(config).values()} == {"SHELLY_PASSWORD"}
    assert await ingest_once(config) >= 2 * 60  # run can read the meters with it
    monkeypatch.delenv("SHELLY_PASSWORD")
    with pytest.raises(ConfigError, match="password_env: environment variable SHELLY_PASSWORD"):
        load_settings(config)


async def test_init_secrets_to_an_env_file(
    locked: Emulators, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = init_args(locked, tmp_path, "--yes", "--password", PASSWORD, "--secrets", "env")
    result = await invoke(*args, "--sample-seconds", "0")
    assert result.exit_code == 0, result.output
    config, env_file = tmp_path / "wattboard.toml", tmp_path / "wattboard.env"
    assert PASSWORD not in config.read_text(encoding="utf-8")
    # The command it proposes works as printed: run reads the env file beside the config.
    assert f"then `wattboard run --config {config}`." in result.output
    meters = _meters(config)
    assert meters["grid"]["password_env"] == "WATTBOARD_GRID_PASSWORD"
    assert meters["solar"]["password_env"] == "WATTBOARD_SOLAR_PASSWORD"
    for name in ("WATTBOARD_GRID_PASSWORD", "WATTBOARD_SOLAR_PASSWORD"):
        monkeypatch.setenv(name, "")  # records the variable, so it is removed after the test
        del os.environ[name]
    load_env_file(env_file)
    assert os.environ["WATTBOARD_GRID_PASSWORD"] == PASSWORD
    assert await ingest_once(config) >= 2 * 60


async def test_init_wrong_password_fails_without_writing(locked: Emulators, tmp_path: Path) -> None:
    result = await invoke(*init_args(locked, tmp_path, "--yes", "--password", "wrong"))
    assert isinstance(result.exception, DeviceAuthError)
    assert "refused the password" in str(result.exception)
    assert not (tmp_path / "wattboard.toml").exists()


async def test_init_missing_password_non_interactive_says_which_flag(
    locked: Emulators, tmp_path: Path
) -> None:
    result = await invoke(*init_args(locked, tmp_path, "--yes"))
    assert result.exit_code == 2
    assert "--password" in result.output


async def test_init_interactive_asks_again_after_a_wrong_password(
    locked: Emulators, tmp_path: Path
) -> None:
    answers = [
        "wrong",  # password of grid: refused
        PASSWORD,  # grid again
        PASSWORD,  # solar
        "UTC",  # time zone
        "hour",  # netting
        "n",  # grid's password into the config file
        "y",  # solar's password into the env file
    ]
    args = init_args(locked, tmp_path)
    args.remove("--timezone")
    args.remove("Europe/Helsinki")
    result = await invoke(*args, "--sample-seconds", "1", stdin="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "grid: the meter refused this password" in result.output
    # The netting question says what each mode counts and who bills that way.
    assert "minute  the phases netted each minute (default)" in result.output
    assert "utilities that settle per quarter" in result.output
    assert "hour    net energy over each hour in local time" in result.output
    config = tmp_path / "wattboard.toml"
    meters = _meters(config)
    assert meters["grid"]["password"] == PASSWORD
    assert meters["solar"]["password_env"] == "WATTBOARD_SOLAR_PASSWORD"
    assert f'WATTBOARD_SOLAR_PASSWORD="{PASSWORD}"' in (tmp_path / "wattboard.env").read_text()
    site = tomllib.loads(config.read_text(encoding="utf-8"))["site"]
    assert (site["timezone"], site["netting"]) == ("UTC", "hour")


async def test_init_keeps_an_existing_config_without_force(
    emulators: Emulators, tmp_path: Path
) -> None:
    (tmp_path / "wattboard.toml").write_text("# mine\n", encoding="utf-8")
    result = await invoke(*init_args(emulators, tmp_path, "--yes"))
    assert result.exit_code == 2
    assert "--force" in result.output
    assert (tmp_path / "wattboard.toml").read_text(encoding="utf-8") == "# mine\n"


async def test_init_without_grid_non_interactive_is_a_usage_error(tmp_path: Path) -> None:
    result = await invoke("init", "--yes", "--config", str(tmp_path / "w.toml"))
    assert result.exit_code == 2
    assert "--grid" in result.output


async def test_init_names_a_meter_that_does_not_answer(tmp_path: Path) -> None:
    result = await invoke(
        "init", "--grid", "127.0.0.1:9", "--yes", "--discover-timeout", "0",
        "--config", str(tmp_path / "w.toml"),
    )  # fmt: skip
    assert isinstance(result.exception, DeviceUnreachableError)
    assert "the grid meter does not answer at http://127.0.0.1:9" in str(result.exception)
    assert not (tmp_path / "w.toml").exists()


def test_init_progress_counts_the_sample_seconds_from_the_start() -> None:
    bar = init_cli._progress()
    task = bar.add_task("Reading live power", total=30.0)
    rendered = [str(column.render(bar.tasks[task])) for column in bar.columns]
    assert "0/30 s" in rendered  # not "0/None s"


def test_init_refuses_a_password_in_a_meter_address() -> None:
    assert init_cli.normalize_url("192.0.2.7/") == "http://192.0.2.7"
    with pytest.raises(ConfigError) as caught:
        init_cli.normalize_url("http://admin:hunter2@192.0.2.7")
    assert "hunter2" not in str(caught.value)
    assert "(http://192.0.2.7)" in str(caught.value)
    assert "--password" in str(caught.value)
