"""Each command loads what it uses: the emulator's numpy/aiohttp, mDNS and the API stay out."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from wattboard.cli import COMMANDS, command_module, root_help

# Each of these costs 3–15 MiB of RSS on a Pi (bench_run_steady, bench_cli_help).
HEAVY = (
    "numpy",
    "aiohttp",
    "zeroconf",
    "pymongo",
    "fastapi",
    "uvicorn",
    "starlette",
    "pygments",
)
SERVING = {"fastapi", "uvicorn", "starlette"}

# Runs `wattboard <args>` in this interpreter, then prints which heavy modules it imported.
PROBE = """
import json, sys
from wattboard.cli import main
heavy = json.loads(sys.argv[2])
sys.argv = ["wattboard", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as exit_:
    code = exit_.code
else:
    code = 0
print(json.dumps({"code": code, "loaded": sorted(m for m in heavy if m in sys.modules)}))
"""


def _loaded(*args: str, block: tuple[str, ...] = ()) -> tuple[int, list[str], str]:
    """Run the CLI in a child; return its exit code, the heavy modules it loaded, stderr."""
    code = PROBE
    if block:  # as if these packages were not installed
        code = f"import sys\nfor m in {block!r}: sys.modules[m] = None\n" + PROBE
    env = {**os.environ, "COLUMNS": "200"}
    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(list(args)), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    return answer["code"], answer["loaded"], result.stderr + result.stdout


def test_cli_help_lists_every_command_and_loads_nothing_heavy() -> None:
    code, loaded, output = _loaded("--help")
    assert code == 0
    assert loaded == []
    for name in COMMANDS:
        assert name in output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_cli_command_module_loads_nothing_heavy(name: str) -> None:
    # `<command> --help` imports the command's module (and what it imports at the top).
    code, loaded, output = _loaded(name, "--help")
    assert code == 0, output
    assert loaded == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_cli_command_list_help_is_its_docstring(name: str) -> None:
    # The command list shows COMMANDS' copy without importing; it must say what --help says.
    holder = typer.Typer()
    command_module(name).register(holder)
    [callback] = [i.callback for i in holder.registered_commands if i.name == name]
    doc = inspect.getdoc(callback) or ""
    assert COMMANDS[name].help == doc.splitlines()[0]


def test_cli_rebuild_runs_without_the_api_or_the_emulator(tmp_path: Path) -> None:
    config = tmp_path / "wattboard.toml"
    config.write_text(
        f'[site]\ntimezone = "Europe/Helsinki"\n[store]\npath = "{tmp_path / "w.db"}"\n',
        encoding="utf-8",
    )
    code, loaded, output = _loaded("rebuild", "--config", str(config))
    assert code == 0, output
    assert "Rollups rebuilt." in output
    assert loaded == []


@pytest.mark.parametrize("name", ["simulate", "demo"])
def test_cli_emulator_without_the_sim_extra_says_how_to_install_it(name: str) -> None:
    code, loaded, output = _loaded(name, block=("numpy",))
    assert code == 1
    assert "pip install 'wattboard[sim]'" in output
    assert "numpy" in output
    assert not SERVING & set(loaded)


def test_cli_serving_loads_the_api_only_when_it_serves() -> None:
    # What `run` and `serve` import once they serve: the API, never the emulator or mDNS.
    probe = (
        "import sys\nfrom wattboard.runtime import run_home\n"
        "from wattboard.api import app, server\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert set(result.stdout.strip().split(",")) == SERVING


@pytest.mark.parametrize("columns", [40, 60, 80, 200])
def test_cli_root_help_is_clicks_page_without_click(columns: int) -> None:
    # Click's page in a fresh process, as `wattboard --help` would build it through Typer: in
    # this one, other tests have registered every command for real (then click shortens their
    # docstrings itself), which the root help never does.
    probe = (
        "from wattboard.cli import command\n"
        "command(['--help']).main(['--help'], prog_name='wattboard')"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": str(columns)},
    )
    assert result.returncode == 0, result.stderr
    assert root_help(columns) == result.stdout


def test_cli_help_imports_neither_typer_nor_click() -> None:
    probe = (
        "import sys\nsys.argv = ['wattboard', '--help']\n"
        "from wattboard.console import main\nmain()\n"
        "print(sorted(m for m in ('typer', 'click', 'pydantic') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.splitlines()[0] == "Usage: wattboard [OPTIONS] COMMAND [ARGS]..."
    assert result.stdout.splitlines()[-1] == "[]"


def test_cli_serve_loads_neither_the_collector_nor_the_meter_client() -> None:
    # `serve` opens the store and serves the API; the collector's HTTP client is for `run`.
    probe = (
        "import sys\nimport wattboard.cli.serve\nfrom wattboard.api import app, server\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'httpcore')"
        " or m.startswith(('wattboard.collector.', 'wattboard.shelly'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    # The live view and the once-per-episode logger (the energy counters' too) are small
    # modules of collector/ with no client behind them.
    assert result.stdout.strip() == (
        "['httpx._main', 'wattboard.collector.episodes', 'wattboard.collector.view']"
    )
