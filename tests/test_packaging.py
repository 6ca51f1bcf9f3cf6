"""A built wheel holds the whole product: the package, the app's web build, the unit file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def project_copy(tmp_path: Path) -> Path:
    """Copy what a wheel is built from, with a web build that version control ignores."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "src", project / "src", ignore=ignore)
    shutil.copytree(ROOT / "deploy", project / "deploy", ignore=ignore)
    web = project / "src" / "wattboard" / "web"
    shutil.rmtree(web, ignore_errors=True)
    (web / "_expo" / "static" / "js").mkdir(parents=True)
    (web / "index.html").write_text("<!doctype html><title>Wattboard</title>", encoding="utf-8")
    (web / "_expo" / "static" / "js" / "entry.js").write_text("console.log(1)", encoding="utf-8")
    # A build output is usually ignored; the wheel must carry it all the same.
    (project / ".gitignore").write_text("src/wattboard/web/\n__pycache__/\n", encoding="utf-8")
    return project


def test_wheel_contains_package_web_build_and_deploy_files(tmp_path: Path) -> None:
    pytest.importorskip("hatchling", reason="hatchling (a dev dependency) builds the wheel offline")
    project, dist = project_copy(tmp_path), tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--quiet", "--wheel-dir", str(dist), str(project)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = dist.glob("wattboard-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "wattboard = wattboard.cli:main" in archive.read(entry_points).decode()
    for name in (
        "wattboard/__init__.py",
        "wattboard/cli/init.py",
        "wattboard/setup/wiring.py",
        "wattboard/store/backup.py",
        "wattboard/web/index.html",
        "wattboard/web/_expo/static/js/entry.js",
        "wattboard/deploy/wattboard.service",
        "wattboard/deploy/README.md",
    ):
        assert name in names, name
    assert not any("__pycache__" in n for n in names)
