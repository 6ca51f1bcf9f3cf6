"""ENTSO-E A44 documents: 15-minute and hourly, A03 gaps, DST days, several series, "no data"."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from wattboard.exceptions import PriceSourceError
from wattboard.prices.areas import ENTSOE_AREAS
from wattboard.prices.entsoe import EntsoeSource, parse_a44

FIXTURES = Path(__file__).parent / "fixtures"


def _utc(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())  # type: ignore[misc]


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_parse_a44_quarter_hours_fill_omitted_a03_positions() -> None:
    points = parse_a44(_fixture("entsoe_fi_pt15m_a03.xml"))
    start = _utc(2025, 10, 1, 22)  # 2025-10-02 00:00 CET
    assert len(points) == 96
    assert [p.start for p in points] == [start + 900 * i for i in range(96)]
    assert all(p.end - p.start == 900 for p in points)
    prices = [p.price for p in points]
    assert prices[0] == pytest.approx(0.02402)  # 24.02 EUR/MWh
    assert prices[1] == prices[2] == prices[0]  # positions 2 and 3 omitted: repeat position 1
    assert prices[39] == pytest.approx(0.06827)
    assert prices[40] == prices[41] == prices[42] == pytest.approx(-0.00125)  # negative, repeated
    assert prices[43] == pytest.approx(0.07278)
    # The last three positions are omitted: the price runs to the period's end.
    assert prices[92] == prices[93] == prices[94] == prices[95] == pytest.approx(0.03179)
    assert sum(prices) == pytest.approx(4.87766)


def test_parse_a44_hourly_spring_dst_day_has_23_hours() -> None:
    points = parse_a44(_fixture("entsoe_se3_pt60m_dst.xml"))
    assert len(points) == 23  # 2025-03-30 CET: 02:00 does not exist
    assert points[0].start == _utc(2025, 3, 29, 23)
    assert points[-1].end == _utc(2025, 3, 30, 22)
    assert all(p.end - p.start == 3600 for p in points)
    assert points[0].price == pytest.approx(0.01402)
    assert points[5].price == points[4].price == pytest.approx(0.02002)  # position 6 omitted


def test_parse_a44_autumn_dst_day_has_100_quarters() -> None:
    points = parse_a44(_fixture("entsoe_fi_pt15m_fall_dst.xml"))
    assert len(points) == 100  # 2025-10-26 CET lasts 25 hours
    assert points[0].start == _utc(2025, 10, 25, 22)
    assert points[-1].end == _utc(2025, 10, 26, 23)


def test_parse_a44_several_series_keep_the_finer_where_they_overlap() -> None:
    points = parse_a44(_fixture("entsoe_delu_two_days.xml"))
    first, second = _utc(2025, 9, 29, 22), _utc(2025, 9, 30, 22)
    hourly = [p for p in points if p.start < second]
    quarters = [p for p in points if p.start >= second]
    assert len(hourly) == 24
    assert all(p.end - p.start == 3600 for p in hourly)
    assert hourly[0].start == first
    # The second day came as 15-minute and hourly series: only the quarters are kept.
    assert len(quarters) == 96
    assert all(p.end - p.start == 900 for p in quarters)
    assert [p.start for p in points] == sorted({p.start for p in points})
    assert points[-1].end == second + 86400


def test_parse_a44_acknowledgement_no_data_is_an_empty_answer() -> None:
    assert parse_a44(_fixture("entsoe_ack_no_data.xml")) == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"<html>502 Bad Gateway", "not XML"),
        (b"<GL_MarketDocument/>", "a GL_MarketDocument, not a Publication_MarketDocument"),
        (
            (
                b'<Acknowledgement_MarketDocument xmlns="urn:x"><Reason><code>999</code>'
                b"<text>Amount of requested data exceeds allowed limit</text></Reason>"
                b"</Acknowledgement_MarketDocument>"
            ),
            "refused the request: 999 Amount of requested data",
        ),
        (
            (
                b"<Publication_MarketDocument><TimeSeries><Period><timeInterval>"
                b"<start>2025-10-01T22:00Z</start><end>2025-10-02T22:00Z</end></timeInterval>"
                b"<resolution>PT30M</resolution></Period></TimeSeries></Publication_MarketDocument>"
            ),
            "unsupported resolution 'PT30M'",
        ),
        (
            (
                b"<Publication_MarketDocument><TimeSeries><Period><timeInterval>"
                b"<start>2025-10-01T22:00Z</start><end>2025-10-01T23:00Z</end></timeInterval>"
                b"<resolution>PT15M</resolution><Point><position>5</position>"
                b"<price.amount>1</price.amount></Point></Period></TimeSeries>"
                b"</Publication_MarketDocument>"
            ),
            "position 5 outside 1..4",
        ),
    ],
)
def test_parse_a44_refuses_what_is_not_a_price_document(body: bytes, words: str) -> None:
    with pytest.raises(PriceSourceError, match=words):
        parse_a44(body)


def test_entsoe_areas_hold_the_documented_bidding_zones() -> None:
    wanted = {"FI", "EE", "LV", "LT", "SE1", "SE2", "SE3", "SE4", "NO1", "NO2", "NO3", "NO4"}
    wanted |= {"NO5", "DK1", "DK2", "DE-LU", "NL", "BE", "FR", "AT", "PL"}
    assert wanted <= ENTSOE_AREAS.keys()
    assert ENTSOE_AREAS["FI"] == "10YFI-1--------U"
    assert ENTSOE_AREAS["SE3"] == "10Y1001A1001A46L"
    assert ENTSOE_AREAS["DE-LU"] == "10Y1001A1001A82H"
    assert all(len(code) == 16 for code in ENTSOE_AREAS.values())  # EIC codes are 16 characters


def test_entsoe_source_refuses_an_unknown_zone() -> None:
    with pytest.raises(PriceSourceError, match="no bidding zone 'XX'"):
        EntsoeSource("XX", "token")


async def test_entsoe_source_unreachable_keeps_the_token_out_of_the_error() -> None:
    source = EntsoeSource("FI", "s3cret-token", "http://127.0.0.1:9/api")  # discard: refused
    async with httpx.AsyncClient(timeout=2) as client:
        with pytest.raises(httpx.ConnectError) as caught:
            await source.fetch(client, 1_759_269_600, 1_759_356_000)
    assert "s3cret-token" not in str(caught.value)
