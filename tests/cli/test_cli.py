"""The command line's help: plain, every option name whole, values named as click names them."""

from __future__ import annotations

import pytest

from wattboard.cli import command


def _help(name: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert command().main([name, "--help"], prog_name="wattboard", standalone_mode=False) == 0
    return capsys.readouterr().out


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


COMMANDS = (
    "simulate", "run", "backfill", "rebuild", "serve", "demo", "init", "doctor", "export",
    "import",
)  # fmt: skip


@pytest.mark.parametrize("name", COMMANDS)
def test_cli_help_is_plain_with_whole_option_names(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output = _help(name, capsys)
    assert output.startswith(f"Usage: wattboard {name} [OPTIONS]")
    for placeholder in ("<bool>", "<str>", "<path>", "<int", "<float", "<list"):
        assert placeholder not in output
    assert "╭" not in output  # no Rich panel, which cut the names at 80 columns
    for param in command().commands[name].params:
        for option in (*param.opts, *param.secondary_opts):
            if option.startswith("-"):  # an argument's name is its metavar
                assert option in output, option


def test_cli_help_names_value_types(capsys: pytest.CaptureFixture[str]) -> None:
    output = _help("init", capsys)
    assert "--grid TEXT" in output
    assert "--api-port INTEGER" in output
    assert "--discover-timeout FLOAT" in output
    assert "--config PATH" in output
    assert "-y, --yes, --non-interactive  Ask nothing" in output
