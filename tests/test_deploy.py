"""The systemd unit: what it promises, and `systemd-analyze verify` where systemd is."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
UNIT = DEPLOY / "wattboard.service"
INSTALLED_AT = "/opt/wattboard/bin/wattboard"


def settings() -> list[tuple[str, str]]:
    pairs = []
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            pairs.append((key, value))
    return pairs


def test_deploy_unit_runs_unprivileged_with_state_and_restarts() -> None:
    unit = settings()
    assert ("User", "wattboard") in unit
    assert ("StateDirectory", "wattboard") in unit
    assert ("Environment", "WATTBOARD_STORE__PATH=/var/lib/wattboard/wattboard.db") in unit
    assert ("EnvironmentFile", "-/etc/wattboard/wattboard.env") in unit
    assert ("Environment", "MALLOC_ARENA_MAX=2") in unit
    assert ("Restart", "on-failure") in unit
    assert ("ExecStart", f"{INSTALLED_AT} run --config /etc/wattboard/wattboard.toml") in unit
    assert ("StandardOutput", "journal") in unit
    for hardening in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp"):
        assert hardening in dict(unit)


def verify_unit(source: Path, tmp_path: Path) -> None:
    """Run `systemd-analyze verify` on a unit file whose ExecStart is this environment's."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian: apt-get install systemd)")
    # verify insists that ExecStart exists: point it at this environment's wattboard.
    executable = Path(sys.executable).parent / "wattboard"
    if not executable.exists():
        pytest.skip(f"no wattboard script beside {sys.executable} (not installed with pip?)")
    unit = tmp_path / source.name
    unit.write_text(source.read_text(encoding="utf-8").replace(INSTALLED_AT, str(executable)))
    result = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=120, cwd=tmp_path,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert source.name not in result.stderr, result.stderr


def test_deploy_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    verify_unit(UNIT, tmp_path)


def test_deploy_sysusers_declares_the_service_user() -> None:
    lines = (DEPLOY / "wattboard.sysusers.conf").read_text(encoding="utf-8").splitlines()
    entries = [line.split() for line in lines if line and not line.startswith("#")]
    assert entries[0][:3] == ["u", "wattboard", "-"]
    assert entries[0][-1] == "/var/lib/wattboard"
