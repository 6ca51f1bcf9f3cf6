"""`wattboard prices import FILE.csv` (all rows stored, or none) and `prices show` as typed."""

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
    result = await invoke("prices", "list", str(tmp_path / "x.csv"))
    assert result.exit_code == 2
    assert "expected one of import, show" in result.output


TARIFF_TOML = """
[[tariffs]]
valid_from = "2025-01-01"
currency = "EUR"
import = [{ name = "energy", spot = true, price = 0.005, vat = 25.5 }]
export = [{ name = "sale", spot = true, price = -0.003 }]
"""
DST_END = 1_761_426_000  # 2025-10-26 00:00+03:00, a 25-hour day in Helsinki


async def test_prices_show_lists_a_day_with_full_prices(tmp_path: Path) -> None:
    config = config_for(tmp_path, "h")
    config.write_text(config.read_text(encoding="utf-8") + TARIFF_TOML, encoding="utf-8")
    store = store_at(tmp_path / "h.db")
    # Every quarter of the 25-hour day but the last hour; the next day's first is not shown.
    quarters = [PricePoint(DST_END + 900 * i, DST_END + 900 * (i + 1), i / 1000) for i in range(96)]
    following = DST_END + 25 * 3600
    store.put_prices([*quarters, PricePoint(following, following + 900, 9.0)])
    store.close()
    result = await invoke("prices", "show", "--day", "2025-10-26", "--config", str(config))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Spot prices for 2025-10-26 (Europe/Helsinki), EUR/kWh:"
    assert lines[1].split() == ["period", "spot", "import", "export"]
    rows = lines[2:-1]
    assert len(rows) == 96
    # The hour 03:00 comes twice: first in summer time (+03), then in winter time (+02).
    assert rows[1].split() == ["00:15+0300–00:30+0300", "0.00100", "0.00753", "-0.00200"]
    # Each heading ends where its column's numbers end.
    for heading, number in (("spot", "0.00100"), ("import", "0.00753"), ("export", "-0.00200")):
        assert lines[1].index(heading) + len(heading) == rows[1].index(number) + len(number)
    assert rows[12].split()[0] == "03:00+0300–03:15+0300"
    assert rows[16].split()[0] == "03:00+0200–03:15+0200"
    # Quarter 95 (22:45 winter time): spot 0.095; import (0.095 + 0.005) x 1.255; export - 0.003.
    assert rows[95].split() == ["22:45+0200–23:00+0200", "0.09500", "0.12550", "0.09200"]
    assert lines[-1] == (
        "96 periods covering 24 of 25 hours; "
        "spot lowest 0.00000 at 00:00, highest 0.09500 at 22:45."
    )


async def test_prices_show_a_day_without_prices_or_tariff(tmp_path: Path) -> None:
    config = config_for(tmp_path, "h")
    store_at(tmp_path / "h.db").close()
    result = await invoke("prices", "show", "--day", "2025-03-30", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Spot prices for 2025-03-30 (Europe/Helsinki), per kWh:",
        "no prices stored for this day (23 hours).",
    ]


async def test_prices_show_refuses_a_bad_day_naming_the_option(tmp_path: Path) -> None:
    config = config_for(tmp_path, "h")
    result = await invoke("prices", "show", "--day", "2025-13-01", "--config", str(config))
    assert isinstance(result.exception, InvalidInputError)
    assert str(result.exception) == "--day: '2025-13-01' is not a date (YYYY-MM-DD)"


async def test_prices_import_needs_a_file_and_show_takes_none(tmp_path: Path) -> None:
    config = str(config_for(tmp_path, "h"))
    result = await invoke("prices", "import", "--config", config)
    assert result.exit_code == 2
    assert "import needs the CSV file to read" in result.output
    result = await invoke("prices", "show", str(tmp_path / "x.csv"), "--config", config)
    assert result.exit_code == 2
    assert "show takes no FILE" in result.output
