"""The written configuration loads back: strings, secrets by reference, env files."""

from __future__ import annotations

import os
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wattboard.config import load_settings
from wattboard.exceptions import ConfigError
from wattboard.setup.configfile import (
    MeterEntry,
    SiteEntry,
    env_name,
    load_env_file,
    merge_env_file,
    render,
    render_env,
    toml_string,
    write_private,
)

SITE = SiteEntry(timezone="Europe/Helsinki", store_path="/var/lib/wattboard/wattboard.db")


@given(st.text())
def test_configfile_toml_string_round_trips_any_text(value: str) -> None:
    assert tomllib.loads(f"key = {toml_string(value)}")["key"] == value


def test_configfile_env_name_is_a_valid_variable() -> None:
    assert env_name("grid") == "WATTBOARD_GRID_PASSWORD"
    assert env_name("solar-2.roof") == "WATTBOARD_SOLAR_2_ROOF_PASSWORD"


def test_configfile_rendered_file_loads(tmp_path: Path) -> None:
    meters = [
        MeterEntry("grid", "grid", "http://192.168.1.50", password='p"a\\ss', invert_phases=("b",)),
        MeterEntry("solar", "solar", "http://192.168.1.51", comment="none reversed"),
    ]
    path = tmp_path / "wattboard.toml"
    write_private(path, render(SITE, meters, header="written by a test\n\nsecond line"))
    settings = load_settings(path)
    assert [m.id for m in settings.meters] == ["grid", "solar"]
    assert settings.meters[0].password.get_secret_value() == 'p"a\\ss'
    assert settings.meters[0].invert_phases == ["b"]
    assert settings.store.path == Path("/var/lib/wattboard/wattboard.db")
    assert (settings.api.host, settings.api.port) == ("0.0.0.0", 8000)  # noqa: S104 - the LAN default
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_configfile_password_env_loads_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "wattboard.toml"
    meters = [MeterEntry("grid", "grid", "http://10.0.0.2", password_env="WATTBOARD_GRID_PASSWORD")]
    path.write_text(render(SITE, meters, header="h"), encoding="utf-8")
    assert "secret" not in path.read_text(encoding="utf-8")
    monkeypatch.setenv("WATTBOARD_GRID_PASSWORD", "s3cret")
    assert load_settings(path).meters[0].password.get_secret_value() == "s3cret"
    monkeypatch.delenv("WATTBOARD_GRID_PASSWORD")
    with pytest.raises(ConfigError, match=r"meters\[0\].*password_env.*WATTBOARD_GRID_PASSWORD"):
        load_settings(path)


def test_configfile_env_file_round_trips_through_the_shell_syntax(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tricky = "a b\"c$d`e\\f'g"
    path = tmp_path / "wattboard.env"
    path.write_text("# comment\nOTHER=kept\n", encoding="utf-8")
    merge_env_file(path, {"WATTBOARD_GRID_PASSWORD": tricky})
    merge_env_file(path, {"WATTBOARD_GRID_PASSWORD": tricky})  # replaced, not repeated
    text = path.read_text(encoding="utf-8")
    assert text.count("WATTBOARD_GRID_PASSWORD") == 1
    assert "OTHER=kept" in text
    monkeypatch.delenv("WATTBOARD_GRID_PASSWORD", raising=False)
    monkeypatch.delenv("OTHER", raising=False)
    assert sorted(load_env_file(path)) == ["OTHER", "WATTBOARD_GRID_PASSWORD"]
    assert os.environ["WATTBOARD_GRID_PASSWORD"] == tricky
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_configfile_env_file_does_not_override_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "wattboard.env"
    path.write_text('WATTBOARD_GRID_PASSWORD="from-file"\n', encoding="utf-8")
    monkeypatch.setenv("WATTBOARD_GRID_PASSWORD", "from-env")
    assert load_env_file(path) == []
    assert os.environ["WATTBOARD_GRID_PASSWORD"] == "from-env"


def test_configfile_env_file_refuses_line_breaks() -> None:
    with pytest.raises(ConfigError, match="WATTBOARD_GRID_PASSWORD: a line break"):
        render_env({"WATTBOARD_GRID_PASSWORD": "two\nlines"})


def test_configfile_env_file_reads_the_same_in_sh(tmp_path: Path) -> None:
    tricky = "a b\"c$d`e\\f'g"
    path = tmp_path / "wattboard.env"
    path.write_text(render_env({"WATTBOARD_GRID_PASSWORD": tricky}), encoding="utf-8")
    result = subprocess.run(
        ["sh", "-c", f'. "{path}"; printf %s "$WATTBOARD_GRID_PASSWORD"'],
        capture_output=True, text=True, check=True, timeout=10,
    )  # fmt: skip
    assert result.stdout == tricky
