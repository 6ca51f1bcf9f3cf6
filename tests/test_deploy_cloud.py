"""The cloud API's deployment files: a read-only MongoDB store, secrets from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_deploy import INSTALLED_AT, verify_unit
from wattboard.config import load_settings

CLOUD = Path(__file__).resolve().parents[1] / "deploy" / "cloud"
UNIT = CLOUD / "wattboard-serve.service"


def _unit() -> list[tuple[str, str]]:
    lines = UNIT.read_text(encoding="utf-8").splitlines()
    return [
        (key, value)
        for key, _, value in (line.partition("=") for line in lines)
        if key and not key.startswith(("#", "["))
    ]


def test_deploy_cloud_unit_serves_as_a_throwaway_user_with_secrets_from_env() -> None:
    unit = _unit()
    serve = f"{INSTALLED_AT} serve --config /etc/wattboard/wattboard-serve.toml"
    assert ("ExecStart", serve) in unit
    assert ("DynamicUser", "yes") in unit  # stateless: no user or files of its own
    assert ("EnvironmentFile", "/etc/wattboard/wattboard-serve.env") in unit
    assert ("Restart", "on-failure") in unit
    for hardening in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp"):
        assert hardening in dict(unit)


def test_deploy_cloud_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    verify_unit(UNIT, tmp_path)


def test_deploy_cloud_config_is_a_mongodb_store_with_secrets_from_env(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = (CLOUD / "wattboard-serve.toml").read_text(encoding="utf-8")
    assert "uri" not in text.replace("WATTBOARD_MONGO__URI", "")  # no connection string here
    monkeypatch.setenv("WATTBOARD_MONGO__URI", "mongodb+srv://api:s3cret@cluster0.example.net/")
    monkeypatch.setenv("WATTBOARD_API__TOKEN", "t" * 32)
    settings = load_settings(CLOUD / "wattboard-serve.toml")
    assert settings.store.backend == "mongodb"
    assert settings.mongo is not None
    assert settings.mongo.database == "wattboard"
    assert settings.mongo.uri.get_secret_value().endswith("@cluster0.example.net/")
    assert settings.meters == []  # no meters: nothing to collect, nothing to write


def test_deploy_cloud_image_runs_serve_unprivileged_without_test_tools() -> None:
    dockerfile = (CLOUD / "Dockerfile").read_text(encoding="utf-8")
    assert '".[mongo]"' in dockerfile  # pymongo, not the dev extras
    assert "secantus" not in dockerfile.lower()  # the GPL test server is never shipped
    assert "\nUSER wattboard\n" in dockerfile
    assert dockerfile.rstrip().endswith(
        'CMD ["wattboard", "serve", "--config", "/etc/wattboard/wattboard-serve.toml"]'
    )
    example = (CLOUD / "wattboard-serve.env.example").read_text(encoding="utf-8")
    keys = {line.partition("=")[0] for line in example.splitlines() if line[:1].isalpha()}
    assert keys == {"WATTBOARD_MONGO__URI", "WATTBOARD_API__TOKEN"}
