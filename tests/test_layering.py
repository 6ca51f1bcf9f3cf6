"""The layers of docs/architecture.md, read from the source: energy/ does no I/O, api/ stays
out of the collector, the replicator and the emulator, the replicator out of the collector, and
nothing but the emulator's commands loads the emulator."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "wattboard"

# energy/ is arithmetic on values it is given: these are all the modules it may import.
ENERGY_MAY_IMPORT = {
    "__future__",
    "bisect",
    "collections",
    "dataclasses",
    "datetime",
    "math",
    "operator",
    "re",
    "typing",
    "zoneinfo",
    "wattboard.energy",
    "wattboard.exceptions",
}
# Calls that read a clock, a file or the console.
ENERGY_MAY_NOT_CALL = {"open", "print", "input", "now", "today", "utcnow", "time", "monotonic"}
# The API reads live state through its own protocol (api/live.py), which the collector
# implements; it imports neither of these.
API_MAY_NOT_IMPORT = {"wattboard.collector", "wattboard.simulator", "wattboard.replica"}
# The replicator is store-to-store sync: the SQLite facade and the MongoDB store, no collector.
REPLICA_MAY_NOT_IMPORT = {"wattboard.collector", "wattboard.simulator"}
# Only the emulator's own commands (and its package) may load it: it is the `sim` extra.
SIMULATOR_USERS = {"cli/simulate.py", "cli/serve.py"}


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
    return found


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _within(module: str, allowed: set[str]) -> bool:
    return any(module == a or module.startswith(f"{a}.") for a in allowed)


@pytest.mark.parametrize("path", _modules("energy"), ids=_name)
def test_layering_energy_imports_nothing_that_does_io(path: Path) -> None:
    foreign = [m for m in _imports(path) if not _within(m, ENERGY_MAY_IMPORT)]
    assert foreign == []


@pytest.mark.parametrize("path", _modules("energy"), ids=_name)
def test_layering_energy_reads_no_clock_file_or_console(path: Path) -> None:
    calls = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ENERGY_MAY_NOT_CALL:
                calls.append(f"{name}() on line {node.lineno}")
    assert calls == []


@pytest.mark.parametrize("path", _modules("api"), ids=_name)
def test_layering_api_imports_neither_emulator_nor_collector(path: Path) -> None:
    wrong = [m for m in _imports(path) if _within(m, API_MAY_NOT_IMPORT)]
    assert wrong == []


@pytest.mark.parametrize("path", _modules("replica"), ids=_name)
def test_layering_replica_imports_nothing_of_the_collector(path: Path) -> None:
    wrong = [m for m in _imports(path) if _within(m, REPLICA_MAY_NOT_IMPORT)]
    assert wrong == []


def test_layering_only_the_emulator_commands_load_the_emulator() -> None:
    users = {
        _name(path)
        for path in PACKAGE.rglob("*.py")
        if not _name(path).startswith("simulator/")
        and any(_within(m, {"wattboard.simulator"}) for m in _imports(path))
    }
    assert users == SIMULATOR_USERS


def test_layering_comments_cite_documents_in_this_repository() -> None:
    # Design notes outside the repository are not something a reader of the code can open.
    root = PACKAGE.parent.parent
    cited = [
        f"{path.relative_to(root)}:{number}"
        for folder in ("src", "tests", "bench")
        for path in (root / folder).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(f"{document} §" in line for document in ("DESIGN", "FACTS"))
    ]
    assert cited == []
    assert (root / "docs" / "architecture.md").is_file()
    assert (root / "docs" / "shelly-wire.md").is_file()
