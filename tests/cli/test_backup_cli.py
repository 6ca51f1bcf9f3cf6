"""`wattboard export` and `import` as a user types them."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.cli.setup_cli import invoke
from tests.store.test_backup import days_of_records
from wattboard.exceptions import ConfigError, StoreError, WattboardError
from wattboard.setup.configfile import MeterEntry, SiteEntry, render
from wattboard.store.sqlite import MeterSpec, SqliteStore


def config_for(tmp_path: Path, name: str) -> Path:
    site = SiteEntry(timezone="Europe/Helsinki", store_path=str(tmp_path / f"{name}.db"))
    meters = [
        MeterEntry("grid", "grid", "http://127.0.0.1:9"),
        MeterEntry("solar", "solar", "http://127.0.0.1:9"),
    ]
    path = tmp_path / f"{name}.toml"
    path.write_text(render(site, meters, header=name), encoding="utf-8")
    return path


def store_at(path: Path) -> SqliteStore:
    specs = (MeterSpec("grid", "grid"), MeterSpec("solar", "solar"))
    return SqliteStore(path, zone=ZoneInfo("Europe/Helsinki"), netting="minute", meters=specs)


async def test_export_then_import_through_the_cli(tmp_path: Path) -> None:
    source = store_at(tmp_path / "home.db")
    source.upsert(days_of_records(1))
    source.close()
    home, fresh = config_for(tmp_path, "home"), config_for(tmp_path, "fresh")
    backup, csv = tmp_path / "backup.db", tmp_path / "grid.csv"

    result = await invoke("export", str(backup), "--config", str(home))
    assert result.exit_code == 0, result.output
    result = await invoke("export", str(csv), "--meter", "grid", "--config", str(home))
    assert result.exit_code == 0, result.output
    assert "1440 minute records written" in result.output
    result = await invoke("import", str(backup), "--config", str(fresh))
    assert result.exit_code == 0, result.output
    assert "Imported 2820 minute records, 0 gap records" in result.output

    restored = store_at(tmp_path / "fresh.db")
    assert restored.count("grid") == 1440
    assert restored.count("solar") == 1440 - 60
    restored.close()


async def test_import_of_a_shelly_csv_needs_a_configured_meter(tmp_path: Path) -> None:
    csv = tmp_path / "emdata.csv"
    csv.write_text("timestamp,a_total_act_energy\n", encoding="utf-8")
    result = await invoke(
        "import", str(csv), "--meter", "attic", "--config", str(config_for(tmp_path, "c"))
    )
    assert "no meter 'attic' in the configuration (known: grid, solar)" in str(result.exception)


async def test_import_without_a_config_refuses_and_names_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    source = store_at(tmp_path / "backup.db")
    source.upsert(days_of_records(1))
    source.close()
    result = await invoke("import", str(tmp_path / "backup.db"))
    expected = tmp_path / "config" / "wattboard" / "wattboard.toml"
    assert isinstance(result.exception, ConfigError)
    assert f"found none at {expected}" in str(result.exception)
    assert not (tmp_path / "data").exists()  # no store was made anywhere


async def test_import_names_the_store_it_wrote_to(tmp_path: Path) -> None:
    source = store_at(tmp_path / "home.db")
    source.upsert(days_of_records(1))
    source.close()
    backup = tmp_path / "backup.db"
    assert (
        await invoke("export", str(backup), "--config", str(config_for(tmp_path, "home")))
    ).exit_code == 0
    fresh = config_for(tmp_path, "fresh")
    result = await invoke("import", str(backup), "--config", str(fresh))
    assert result.exit_code == 0, result.output
    assert f"into {tmp_path / 'fresh.db'} (from {fresh})." in result.output


async def test_export_output_starts_with_its_message(tmp_path: Path) -> None:
    source = store_at(tmp_path / "home.db")
    source.upsert(days_of_records(1))
    source.close()
    home = config_for(tmp_path, "home")
    result = await invoke("export", str(tmp_path / "b.db"), "--config", str(home))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Backup written to ")
    result = await invoke(
        "export", str(tmp_path / "g.csv"), "--meter", "grid", "--config", str(home)
    )
    assert result.output == f"1440 minute records written to {tmp_path / 'g.csv'}\n"


async def test_export_into_an_unwritable_place_is_one_line(tmp_path: Path) -> None:
    home = config_for(tmp_path, "home")
    store_at(tmp_path / "home.db").close()
    (tmp_path / "a-file").write_text("not a directory", encoding="utf-8")
    for target in ("a-file/out.csv", "a-file/out.db"):
        result = await invoke("export", str(tmp_path / target), "--config", str(home))
        assert result.exit_code != 0
        assert isinstance(result.exception, WattboardError)  # `main` prints it as one line
        assert f"cannot write {tmp_path / target}" in str(result.exception) or (
            f"cannot back up {tmp_path / 'home.db'} to {tmp_path / target}" in str(result.exception)
        )


async def test_import_of_a_truncated_backup_is_one_line_and_changes_nothing(
    tmp_path: Path,
) -> None:
    source = store_at(tmp_path / "home.db")
    source.upsert(days_of_records(1))
    source.close()
    home, fresh = config_for(tmp_path, "home"), config_for(tmp_path, "fresh")
    backup = tmp_path / "backup.db"
    assert (await invoke("export", str(backup), "--config", str(home))).exit_code == 0
    backup.write_bytes(backup.read_bytes()[:50_000])
    result = await invoke("import", str(backup), "--config", str(fresh))
    assert isinstance(result.exception, StoreError)
    assert "is damaged or incomplete" in str(result.exception)
    assert "nothing was imported" in str(result.exception)
    restored = store_at(tmp_path / "fresh.db")
    assert restored.count() == 0
    restored.close()
