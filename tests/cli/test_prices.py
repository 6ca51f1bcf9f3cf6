"""`wattboard prices import FILE.csv` as a user types it: all rows stored, or none."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.setup_cli import invoke
from tests.cli.test_backup_cli import config_for, store_at
from wattboard.energy.prices import PricePoint
from wattboard.exceptions import ConfigError, InvalidInputError

T0 = 1_759_266_000  # 2025-10-01 00:00+03:00


async def test_prices_import_stores_every_row(tmp_path: Path) -> None:
    csv = tmp_path / "prices.csv"
    csv.write_text(
        "start,price\n2025-10-01T00:00+03:00,0.0534\n2025-10-01T00:15+03:00,-0.0012\n",
        encoding="utf-8",
    )
    result = await invoke("prices", "import", str(csv), "--config", str(config_for(tmp_path, "h")))
    assert result.exit_code == 0, result.output
    assert "Imported 2 price periods from 2025-10-01T00:00+03:00 to 2025-10-01T00:30+03:00" in (
        result.output
    )
    store = store_at(tmp_path / "h.db")
    assert store.prices(0, 2**40) == [
        PricePoint(T0, T0 + 900, 0.0534),
        PricePoint(T0 + 900, T0 + 1800, -0.0012),
    ]
    store.close()


async def test_prices_import_with_a_bad_row_stores_nothing(tmp_path: Path) -> None:
    csv = tmp_path / "prices.csv"
    csv.write_text(
        "start,price\n2025-10-01T00:00+03:00,0.05\n2025-10-01T00:15+03:00,5,3\n", encoding="utf-8"
    )
    config = config_for(tmp_path, "h")
    result = await invoke("prices", "import", str(csv), "--config", str(config))
    assert isinstance(result.exception, InvalidInputError)
    assert str(result.exception) == "row: line 3: expected 2 fields (start,price), got 3"
    assert not (tmp_path / "h.db").exists()  # checked before the store was even opened


async def test_prices_import_without_a_config_names_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    csv = tmp_path / "prices.csv"
    csv.write_text("start,price\n2025-10-01T00:00+03:00,0.05\n", encoding="utf-8")
    result = await invoke("prices", "import", str(csv))
    assert isinstance(result.exception, ConfigError)
    assert f"found none at {tmp_path / 'config' / 'wattboard' / 'wattboard.toml'}" in str(
        result.exception
    )


async def test_prices_refuses_an_unknown_action(tmp_path: Path) -> None:
    result = await invoke("prices", "show", str(tmp_path / "x.csv"))
    assert result.exit_code == 2
    assert "expected one of import" in result.output
