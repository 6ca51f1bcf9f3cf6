"""A built wheel holds the whole product: the package, the app's web build, the unit file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
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
        assert "wattboard = wattboard.console:main" in archive.read(entry_points).decode()
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


def _node_ok() -> bool:
    node = shutil.which("node")
    if node is None:
        return False
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    major, minor = (int(p) for p in version.stdout.strip().lstrip("v").split(".")[:2])
    return (major, minor) >= (20, 19)


CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
DAY = "2025-06-02"  # a fixed day in the past: nothing here depends on today's date
NOON = int(datetime(2025, 6, 2, 12, tzinfo=UTC).timestamp())
TOKEN = "packaging-test-token-1234"


def test_dist_without_node_stops_and_says_why(tmp_path: Path) -> None:
    result = subprocess.run(
        ["make", "-s", "dist", "NODE_OK=no", f"DIST={tmp_path / 'dist'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Node.js >= 20.19 is needed" in result.stderr
    assert not (tmp_path / "dist").exists()


def _reading(minute: int) -> dict[str, object]:
    phase = {"import_wh": 0.0, "export_wh": 0.0, "max_w": 0.0, "min_w": 0.0, "avg_v": 230.0}
    values = {f"{p}_{k}": v for p in "abc" for k, v in {**phase, "avg_a": 0.0}.items()}
    values["a_import_wh"] = 20.0  # 1.2 kW for the hour: 1.2 kWh imported
    values["a_max_w"] = values["a_min_w"] = 1200.0
    return {"meter": "grid", "ts": NOON + 60 * minute, **values}


@pytest.mark.slow
def test_dist_wheel_serves_the_app_from_a_fresh_venv(tmp_path: Path) -> None:
    if not _node_ok():
        pytest.skip("make dist needs Node.js >= 20.19 for the app's web build")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} missing (the app's e2e installs it: make mobile-test)")
    dist = tmp_path / "dist"
    subprocess.run(["make", "-s", "dist", f"DIST={dist}"], cwd=ROOT, check=True, timeout=1800)
    (wheel,) = dist.glob("wattboard-*.whl")
    (sdist,) = dist.glob("wattboard-*.tar.gz")
    pages = ("index.html", "day.html", "history.html", "settings.html", "+not-found.html")
    shell = ("sw.js", "manifest.webmanifest", "icons/icon-512.png", "icons/maskable-512.png")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for name in (*pages, *shell):
        assert f"wattboard/web/{name}" in names, name
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    assert "src/wattboard/web/index.html" in members
    assert not any(m.startswith(("mobile/", "tests/")) for m in members)

    # A fresh venv, no dev extras: what a Pi gets from `pip install wattboard-*.whl`.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
         "--retries", "3", "--timeout", "60", str(wheel)],
        check=True, timeout=1200,
    )  # fmt: skip
    assert not (venv / "bin" / "pytest").exists()
    config = tmp_path / "wattboard.toml"
    config.write_text(
        f'[site]\nid = "pkg"\ntimezone = "UTC"\n[store]\npath = "{tmp_path / "w.db"}"\n'
        f'[api]\nhost = "127.0.0.1"\nport = 0\ntoken = "{TOKEN}"\n'
        '[[meters]]\nid = "grid"\nrole = "grid"\nurl = "http://127.0.0.1:9"\n',
        encoding="utf-8",
    )
    # Run from elsewhere, so nothing is found beside a source checkout.
    with subprocess.Popen(
        [str(venv / "bin" / "wattboard"), "serve", "--config", str(config)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "COLUMNS": "300"},
    ) as server:  # fmt: skip
        assert server.stdout is not None
        url = _announced_url(server)
        # Keep reading its log, so a full pipe never blocks the server.
        drain = threading.Thread(target=server.stdout.read, daemon=True)
        drain.start()
        try:
            _check_served_app(url, tmp_path / "chromium-profile")
        finally:
            server.terminate()
            server.wait(timeout=30)
            drain.join(timeout=30)


def _check_served_app(url: str, profile: Path) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        readings = [_reading(m) for m in range(60)]
        stored = client.post("/api/v1/readings", json=readings, headers=headers)
        assert stored.json()["stored"] == 60
        energy = client.get(f"/api/v1/energy/day/{DAY}").json()
        assert energy["totals"]["grid_import"] == pytest.approx(1200)
        for path, title in (
            ("/", "Now"),
            ("/day", "Day"),
            ("/history", "History"),
            ("/settings", "Settings"),
            ("/prices", "Prices"),
        ):
            page = client.get(path)
            assert page.status_code == 200, path
            assert f'<title data-rh="true">{title} · Wattboard</title>' in page.text
    dom = _chromium_dom(f"{url}/day?date={DAY}", profile)
    assert 'data-testid="screen-day"' in dom
    assert re.search(r'aria-label="Imported: 1\.2\d* kWh"', dom), dom[-2000:]


def _announced_url(server: subprocess.Popen[str]) -> str:
    assert server.stdout is not None
    for line in server.stdout:
        found = re.search(r"Wattboard at (http://\S+)", line)
        if found:
            return found.group(1)
    raise AssertionError(f"wattboard serve exited with {server.wait()} before listening")


def _chromium_dom(url: str, profile: Path) -> str:
    """The page after the app ran in headless Chromium (it fetches, then renders)."""
    result = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=15000",
         "--dump-dom", url],
        capture_output=True, text=True, timeout=180, check=True,
    )  # fmt: skip
    return result.stdout
