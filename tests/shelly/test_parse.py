"""Stored minute history → MinuteRecord, from real GetData pages, CSV and EM1Data rows."""

from __future__ import annotations

import copy
import itertools
import math
from typing import Any

import pytest

from tests.shelly.payloads import PAGE_TS
from wattboard.energy.plausible import implausible_field
from wattboard.energy.records import RECORD_FIELDS
from wattboard.exceptions import DeviceProtocolError
from wattboard.shelly import models, parse

FIRST = 1739876580


def _csv(page: dict[str, Any], *, header: bool = True, newline: str = "\r\n") -> str:
    """Render a GetData page the way `/emdata/0/data.csv` sends it."""
    lines = ["timestamp," + ",".join(page["keys"])] if header else []
    for block in page["data"]:
        for offset, row in enumerate(block["values"]):
            ts = block["ts"] + offset * block["period"]
            lines.append(",".join(str(value) for value in [ts, *row]))
    return newline.join(lines) + newline


def _channel_page(page: dict[str, Any], phase: str) -> Any:
    """Cut one phase out of a triphase page as an EM1Data.GetData page of that channel."""
    keys = [f"{phase}_{key}" for key in models.MONOPHASE_KEYS]
    columns = [page["keys"].index(key) for key in keys]
    block = page["data"][0]
    values = [[row[index] for index in columns] for row in block["values"]]
    return {"keys": list(models.MONOPHASE_KEYS), "data": [{**block, "values": values}]}


def test_record_keys_map_every_value_field_to_a_device_key() -> None:
    assert len(parse.RECORD_KEYS) == len(RECORD_FIELDS) - 2  # all but meter and ts
    assert parse.RECORD_KEYS[:6] == (
        "a_total_act_energy",
        "a_total_act_ret_energy",
        "a_max_act_power",
        "a_min_act_power",
        "a_avg_voltage",
        "a_avg_current",
    )


def test_page_records_first_real_minute_maps_each_field(pages: list[Any]) -> None:
    record = parse.page_records(pages[0], meter="grid")[0]
    assert (record.meter, record.ts) == ("grid", FIRST)
    assert record.a_import_wh == 60.7312
    assert record.a_export_wh == 0.0
    assert (record.a_min_w, record.a_max_w) == (3099.6, 4379.4)
    assert record.a_min_w <= record.a_import_wh * 60 <= record.a_max_w  # 60.7312 Wh × 60 = 3643.9 W
    assert (record.a_avg_v, record.a_avg_a) == (226.503, 17.237)
    assert record.b_import_wh == 31.561
    assert record.c_import_wh == 33.8612
    assert record.import_wh == pytest.approx(126.1534)  # 60.7312 + 31.561 + 33.8612


@pytest.mark.parametrize("index", range(4))
def test_page_records_real_page_has_six_minutes_60_s_apart(pages: list[Any], index: int) -> None:
    records = parse.page_records(pages[index], meter="grid")
    start = PAGE_TS[index]
    assert [r.ts for r in records] == [start + 60 * j for j in range(6)]  # ts + j × period


def test_page_records_pages_chain_by_next_record_ts(pages: list[Any]) -> None:
    for page, following in itertools.pairwise(pages):
        last = parse.page_records(page, meter="grid")[-1]
        assert page["next_record_ts"] == following["data"][0]["ts"] == last.ts + 60
    every = [r.ts for page in pages for r in parse.page_records(page, meter="grid")]
    assert every == list(range(FIRST, FIRST + 24 * 60, 60))  # 4 pages × 6 minutes, no gap


def test_page_records_reads_columns_by_name_not_position(pages: list[Any]) -> None:
    page = pages[1]
    shuffled = copy.deepcopy(page)
    shuffled["keys"].reverse()
    for row in shuffled["data"][0]["values"]:
        row.reverse()
    assert parse.page_records(shuffled, meter="m") == parse.page_records(page, meter="m")


def test_page_records_without_keys_uses_device_order(pages: list[Any]) -> None:
    bare = copy.deepcopy(pages[2])
    del bare["keys"]  # add_keys=false
    assert parse.page_records(bare, meter="m") == parse.page_records(pages[2], meter="m")


def test_page_records_several_blocks_keep_their_own_ts(pages: list[Any]) -> None:
    page = copy.deepcopy(pages[0])
    later = {"ts": FIRST + 3600, "period": 60, "values": pages[1]["data"][0]["values"][:2]}
    page["data"].append(later)  # power loss: a second block an hour later
    ts = [r.ts for r in parse.page_records(page, meter="m")]
    assert ts[5:] == [FIRST + 300, FIRST + 3600, FIRST + 3660]  # 5 × 60, then 3600 + 0, + 60


def test_page_records_short_row_names_ts_and_missing_column(pages: list[Any]) -> None:
    page = copy.deepcopy(pages[0])
    page["data"][0]["values"][2].pop()
    # Row 2: 1739876580 + 2 × 60 = 1739876700.
    with pytest.raises(
        DeviceProtocolError,
        match="row ts=1739876700: 50 values for 51 keys, column n_avg_current missing",
    ):
        parse.page_records(page, meter="m")


def test_page_records_long_row_names_ts(pages: list[Any]) -> None:
    page = copy.deepcopy(pages[0])
    page["data"][0]["values"][0].append(1.0)
    with pytest.raises(DeviceProtocolError, match="row ts=1739876580: 52 values for 51 keys"):
        parse.page_records(page, meter="m")


def test_page_records_non_numeric_cell_names_ts_and_column(pages: list[Any]) -> None:
    page = copy.deepcopy(pages[0])
    page["data"][0]["values"][1][12] = "227.033"
    # Row 1: 1739876580 + 60 = 1739876640; column 12 is a_avg_voltage.
    with pytest.raises(DeviceProtocolError, match="row ts=1739876640 column a_avg_voltage"):
        parse.page_records(page, meter="m")


def test_page_records_missing_key_is_named(pages: list[Any]) -> None:
    page = copy.deepcopy(pages[0])
    page["keys"][2] = "a_renamed"
    with pytest.raises(DeviceProtocolError, match="a_total_act_ret_energy"):
        parse.page_records(page, meter="m")


def test_csv_records_equal_page_records(pages: list[Any]) -> None:
    for page in pages:
        assert parse.csv_records(_csv(page), meter="m") == parse.page_records(page, meter="m")


def test_csv_records_without_header_and_with_lf(pages: list[Any]) -> None:
    text = _csv(pages[3], header=False, newline="\n")
    assert parse.csv_records(text, meter="m") == parse.page_records(pages[3], meter="m")


def test_csv_records_reads_columns_by_header_name(pages: list[Any]) -> None:
    page = copy.deepcopy(pages[0])
    page["keys"].reverse()
    for row in page["data"][0]["values"]:
        row.reverse()
    assert parse.csv_records(_csv(page), meter="m") == parse.page_records(pages[0], meter="m")


def test_csv_records_empty_body_is_no_records() -> None:
    assert parse.csv_records("", meter="m") == []
    assert (
        parse.csv_records("timestamp," + ",".join(models.TRIPHASE_KEYS) + "\r\n", meter="m") == []
    )


def test_csv_records_float_timestamp_and_integer_values_accepted(
    pages: list[Any],
) -> None:
    text = _csv(pages[0], header=False).replace("1739876580,", "1739876580.0,", 1)
    record = parse.csv_records(text, meter="m")[0]
    assert record.ts == FIRST
    assert record.a_export_wh == 0.0  # sent as the integer 0


def test_csv_records_non_numeric_cell_names_ts_and_column(pages: list[Any]) -> None:
    text = _csv(pages[0]).replace(",4147.3,", ",n/a,", 1)  # a_max_act_power of row 1
    with pytest.raises(
        DeviceProtocolError, match="row ts=1739876640 column a_max_act_power: 'n/a'"
    ):
        parse.csv_records(text, meter="m")


@pytest.mark.parametrize("cell", ["nan", "inf", "1e400", "1e300"])
def test_csv_records_pass_absurd_numbers_on_for_the_plausibility_check(
    pages: list[Any], cell: str
) -> None:
    # Refusing the whole answer would stop every later minute; the collector drops this one.
    text = _csv(pages[0]).replace(",4147.3,", f",{cell},", 1)
    record = parse.csv_records(text, meter="m")[1]
    assert math.isnan(record.a_max_w) if cell == "nan" else record.a_max_w == float(cell)
    found = implausible_field(record)
    assert found is not None
    assert found[0] == "a_max_w"


def test_csv_records_short_row_names_ts_and_column(pages: list[Any]) -> None:
    text = _csv(pages[0]).replace(",0.026,0.027\r\n", ",0.026\r\n", 1)  # drop row 0's last value
    with pytest.raises(
        DeviceProtocolError, match=r"row ts=1739876580: 50 values .* column n_avg_current"
    ):
        parse.csv_records(text, meter="m")


def test_csv_records_bad_timestamp_is_named(pages: list[Any]) -> None:
    text = _csv(pages[0]).replace("\r\n1739876580,", "\r\n17398765x0,", 1)
    with pytest.raises(DeviceProtocolError, match="row ts='17398765x0' column timestamp"):
        parse.csv_records(text, meter="m")


def test_csv_records_unknown_header_is_refused() -> None:
    with pytest.raises(DeviceProtocolError, match="CSV header starts with 'time'"):
        parse.csv_records("time,a_total_act_energy\r\n", meter="m")


def test_channel_values_picks_the_six_record_keys(pages: list[Any]) -> None:
    values = parse.channel_values(_channel_page(pages[0], "a"))
    # total_act_energy, total_act_ret_energy, max/min_act_power, avg_voltage, avg_current
    assert values[FIRST] == [60.7312, 0.0, 4379.4, 3099.6, 226.503, 17.237]


def test_monophase_records_merge_three_channels_like_triphase(pages: list[Any]) -> None:
    channels = {phase: [_channel_page(page, phase) for page in pages] for phase in "abc"}
    merged = parse.monophase_records(channels, meter="m")
    assert merged == [r for page in pages for r in parse.page_records(page, meter="m")]
    assert len(merged) == 24  # 4 pages × 6 minutes


def test_monophase_records_skip_a_minute_missing_on_one_channel(
    pages: list[Any],
) -> None:
    channels = {phase: [_channel_page(pages[0], phase)] for phase in "abc"}
    channels["c"][0]["data"][0]["values"].pop()  # channel c has not flushed its last minute
    ts = [r.ts for r in parse.monophase_records(channels, meter="m")]
    assert ts == [FIRST + 60 * j for j in range(5)]  # minute 1739876880 waits for the next fetch


def test_monophase_records_need_all_three_channels(pages: list[Any]) -> None:
    channels = {phase: [_channel_page(pages[0], phase)] for phase in "ab"}
    with pytest.raises(DeviceProtocolError, match="channels a, b, c"):
        parse.monophase_records(channels, meter="m")
