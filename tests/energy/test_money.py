"""Money of buckets: settlement follows netting, prices per settlement period, sums add up."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wattboard.energy.money import Money, Pricer, combine_money, day_money, energy_money
from wattboard.energy.netting import NETTING_MODES
from wattboard.energy.periods import buckets, period
from wattboard.energy.prices import PricePoint
from wattboard.energy.sums import quarter_sums, site_minute_totals
from wattboard.energy.tariff import Component, Fee, Tariff, TariffBook

HELSINKI = ZoneInfo("Europe/Helsinki")
FLAT = Tariff(
    date(2025, 1, 1),
    "EUR",
    imports=(Component("energy", 0.0, spot=True),),
    exports=(Component("sale", 0.0, spot=True),),
)


def local(text):
    return int(datetime.fromisoformat(text).timestamp())


def minutes(start, nets, solar=0.0):
    """Site minutes from `start`, one per net Wh (+ import, − export), each with `solar` Wh."""
    return [
        (start + 60 * i, site_minute_totals((max(n, 0.0), max(-n, 0.0)), [(0.0, solar)]))
        for i, n in enumerate(nets)
    ]


def hourly(start, prices):
    return [PricePoint(start + 3600 * i, start + 3600 * (i + 1), p) for i, p in enumerate(prices)]


def quarterly(start, prices):
    return [PricePoint(start + 900 * i, start + 900 * (i + 1), p) for i, p in enumerate(prices)]


def money(quarters, start, end, netting, points, tariff=FLAT):
    pricer = Pricer(points, TariffBook([tariff], HELSINKI))
    return energy_money(quarters, start, end, netting=netting, pricer=pricer)


# An hour: 15 minutes importing 4 Wh a minute, then 45 minutes exporting 1 Wh a minute.
HOUR = local("2025-05-05T12:00:00+03:00")
NETS = [4.0] * 15 + [-1.0] * 45


@pytest.mark.parametrize(
    ("netting", "points", "cost", "revenue"),
    [
        # Per minute, 15-minute prices: 60 Wh at 1.00/kWh; 45 Wh exported at 0.20.
        ("minute", quarterly(HOUR, [1.0, 0.2, 0.2, 0.2]), 0.060, 0.009),
        ("15min", quarterly(HOUR, [1.0, 0.2, 0.2, 0.2]), 0.060, 0.009),
        # Hourly netting nets 60 − 45 = 15 Wh, at the mean of the quarters: 0.40.
        ("hour", quarterly(HOUR, [1.0, 0.2, 0.2, 0.2]), 0.006, 0.0),
        # Hourly prices: each quarter takes its hour's price under 15-minute netting.
        ("15min", hourly(HOUR, [0.5]), 0.030, 0.0225),
        ("hour", hourly(HOUR, [0.5]), 0.0075, 0.0),
    ],
)
def test_settlement_follows_netting(netting, points, cost, revenue):
    quarters = quarter_sums(minutes(HOUR, NETS))
    result = money(quarters, HOUR, HOUR + 3600, netting, points)
    assert result.import_cost == pytest.approx(cost)
    assert result.export_revenue == pytest.approx(revenue)
    assert result.priced == 1.0


def test_self_consumed_solar_is_valued_at_the_full_import_price_of_its_period():
    # 2 Wh of solar each minute; the house takes 3 Wh, 1 of them from the grid.
    quarters = quarter_sums(minutes(HOUR, [1.0] * 60, solar=2.0))
    tariff = Tariff(
        date(2025, 1, 1), "EUR", imports=(Component("energy", 0.01, vat=25.5, spot=True),)
    )
    result = money(quarters, HOUR, HOUR + 3600, "minute", hourly(HOUR, [0.09]), tariff)
    assert result.solar_savings == pytest.approx(0.120 * 0.10 * 1.255)
    assert result.import_cost == pytest.approx(0.060 * 0.10 * 1.255)


def test_a_period_without_price_is_unpriced_not_free():
    quarters = quarter_sums(minutes(HOUR, NETS))
    # Only the first quarter has a price: 60 Wh imported priced, 45 Wh exported not.
    result = money(quarters, HOUR, HOUR + 3600, "15min", quarterly(HOUR, [1.0]))
    assert result.import_cost == pytest.approx(0.06)
    assert result.export_revenue == 0.0
    assert result.priced == pytest.approx(60 / 105)
    hourly_netting = money(quarters, HOUR, HOUR + 3600, "hour", quarterly(HOUR, [1.0]))
    assert hourly_netting.priced == 0.0  # an hour with a quarter unpriced has no mean price
    assert Money().priced is None


def test_a_15_minute_day_next_to_an_hourly_day():
    # 2025-09-30 was priced per hour, 2025-10-01 per 15 minutes (the market changed).
    first, second = period("day", "2025-09-30", HELSINKI), period("day", "2025-10-01", HELSINKI)
    points = hourly(first.start, [0.1] * 24) + quarterly(second.start, [0.1, 0.3] * 48)
    nets = [1.0] * (48 * 60)
    quarters = quarter_sums(minutes(first.start, nets))
    pricer = Pricer(points, TariffBook([FLAT], HELSINKI))
    spans = [(first.start, first.end), (second.start, second.end)]
    for netting in NETTING_MODES:
        one, two = day_money(quarters, spans, netting=netting, pricer=pricer)
        assert one.import_cost == pytest.approx(1.440 * 0.1)
        # Quarters alternate 0.1 and 0.3: per quarter or per hour, the mean is 0.2.
        assert two.import_cost == pytest.approx(1.440 * 0.2)


def test_netting_hour_with_quarter_prices_uses_their_mean_per_hour():
    quarters = quarter_sums(minutes(HOUR, [1.0] * 60))
    result = money(quarters, HOUR, HOUR + 3600, "hour", quarterly(HOUR, [0.1, 0.2, 0.3, 0.6]))
    assert result.import_cost == pytest.approx(0.060 * 0.3)


def test_a_tariff_change_mid_month_prices_days_with_their_tariff():
    cheap = Tariff(date(2025, 1, 1), "EUR", imports=(Component("energy", 0.10),))
    dear = Tariff(date(2025, 1, 15), "EUR", imports=(Component("energy", 0.20),))
    pricer = Pricer([], TariffBook([cheap, dear], HELSINKI))
    january = period("month", "2025-01", HELSINKI)
    days = buckets(january.start, january.end, "day", HELSINKI)
    quarters = quarter_sums(
        (ts, site_minute_totals((1.0, 0.0))) for ts in range(january.start, january.end, 60)
    )
    results = day_money(quarters, [(d.start, d.end) for d in days], netting="15min", pricer=pricer)
    assert results[13].import_cost == pytest.approx(1.44 * 0.10)
    assert results[14].import_cost == pytest.approx(1.44 * 0.20)
    assert combine_money(results).import_cost == pytest.approx(1.44 * (14 * 0.1 + 17 * 0.2))


nets = st.lists(st.integers(-3000, 3000).map(lambda n: n / 100), min_size=1, max_size=200)


@settings(max_examples=40, deadline=None)
@given(
    day=st.sampled_from(["2025-03-30", "2025-10-26", "2025-05-16"]),
    offset=st.integers(0, 60 * 24),
    values=nets,
    solar=st.integers(0, 500).map(lambda n: n / 100),
    prices=st.lists(st.integers(-200, 900).map(lambda n: n / 1000), min_size=1, max_size=100),
    quarter_prices=st.booleans(),
)
def test_money_buckets_sum_to_their_period_in_every_netting_mode(
    day, offset, values, solar, prices, quarter_prices
):
    span = period("day", day, HELSINKI)
    start = span.start + 60 * offset
    quarters = quarter_sums((ts, m) for ts, m in minutes(start, values, solar) if ts < span.end)
    make = quarterly if quarter_prices else hourly
    points = make(span.start, prices)
    tariff = Tariff(
        date(2025, 1, 1),
        "EUR",
        imports=(Component("energy", 0.005, vat=25.5, spot=True), Component("tax", 0.02)),
        exports=(Component("sale", -0.003, spot=True),),
        monthly_fees=(Fee("basic", 4.95, vat=25.5),),
    )
    book = TariffBook([tariff], HELSINKI)
    for netting in NETTING_MODES:
        pricer = Pricer(points, book)
        whole = energy_money(quarters, span.start, span.end, netting=netting, pricer=pricer)
        for unit in ("hour", "15m"):
            if unit == "15m" and netting == "hour":
                continue  # 15-minute buckets cut hourly periods: shown minute-netted
            cut = buckets(span.start, span.end, unit, HELSINKI)
            parts = [
                energy_money(quarters, b.start, b.end, netting=netting, pricer=pricer)
                + Money(fixed_fees=book.fees(b.start, b.end))
                for b in cut
            ]
            summed = combine_money(parts)
            tolerance = 0.0001 * len(cut)
            assert summed.import_cost == pytest.approx(whole.import_cost, abs=tolerance)
            assert summed.export_revenue == pytest.approx(whole.export_revenue, abs=tolerance)
            assert summed.solar_savings == pytest.approx(whole.solar_savings, abs=tolerance)
            assert summed.fixed_fees == pytest.approx(book.fees(span.start, span.end), abs=1e-9)
            assert summed.priced_wh == pytest.approx(whole.priced_wh, abs=1e-6)
