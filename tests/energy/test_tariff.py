"""The tariff model: components, windows on DST days, VAT, history, monthly fees."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from wattboard.energy.periods import local_midnight, period
from wattboard.energy.tariff import (
    Component,
    Fee,
    Tariff,
    TariffBook,
    Window,
    parse_clock,
    parse_days,
    parse_months,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
DAY_TRANSFER = 0.0421
NIGHT_TRANSFER = 0.0264


def local(text):
    return int(datetime.fromisoformat(text).timestamp())


def transfer(days="all", months="all"):
    window = Window(parse_days(days), parse_months(months), 7 * 60, 22 * 60, DAY_TRANSFER)
    return Component("transfer", NIGHT_TRANSFER, windows=(window,))


def book(*tariffs):
    return TariffBook(tariffs, HELSINKI)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-sat", {0, 1, 2, 3, 4, 5}),
        ("sat,sun", {5, 6}),
        ("fri-mon", {4, 5, 6, 0}),  # wraps the week
        ("Sun", {6}),
        ("all", set(range(7))),
    ],
)
def test_parse_days_ranges(text, expected):
    assert parse_days(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("11-3", {11, 12, 1, 2, 3}), ("6,7,8", {6, 7, 8}), ("4-9", {4, 5, 6, 7, 8, 9})],
)
def test_parse_months_wraps_the_year(text, expected):
    assert parse_months(text) == expected


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_days, "mon-sad"),
        (parse_days, "monday"),
        (parse_months, "0-3"),
        (parse_months, "13"),
        (parse_clock, "7:00"),
        (parse_clock, "24:30"),
        (parse_clock, "12:60"),
    ],
)
def test_parse_bad_text_says_what_is_expected(parse, text):
    with pytest.raises(ValueError, match="expected"):
        parse(text)


# Helsinki: 2025-03-30 clocks go 03:00 → 04:00 (+02 → +03); 2025-10-26 04:00 → 03:00.
@pytest.mark.parametrize(
    ("start", "price"),
    [
        ("2025-03-30T06:45:00+03:00", NIGHT_TRANSFER),
        ("2025-03-30T07:00:00+03:00", DAY_TRANSFER),  # 04:00 UTC, an hour earlier than a day ago
        ("2025-03-29T07:00:00+02:00", DAY_TRANSFER),  # 05:00 UTC
        ("2025-03-30T21:45:00+03:00", DAY_TRANSFER),
        ("2025-03-30T22:00:00+03:00", NIGHT_TRANSFER),
        ("2025-10-26T03:30:00+03:00", NIGHT_TRANSFER),  # the first 03:30
        ("2025-10-26T03:30:00+02:00", NIGHT_TRANSFER),  # the repeated 03:30
        ("2025-10-26T07:00:00+02:00", DAY_TRANSFER),  # 05:00 UTC
        ("2025-10-25T07:00:00+03:00", DAY_TRANSFER),  # 04:00 UTC the day before
        ("2025-10-26T06:45:00+02:00", NIGHT_TRANSFER),
    ],
)
def test_windows_follow_local_time_across_dst_days(start, price):
    tariff = Tariff(date(2025, 1, 1), "EUR", imports=(transfer(),))
    assert book(tariff).prices(local(start), None) == (pytest.approx(price), 0.0)


@pytest.mark.parametrize(
    ("start", "price"),
    [
        ("2025-11-03T12:00:00+02:00", DAY_TRANSFER),  # Monday in November
        ("2025-11-09T12:00:00+02:00", NIGHT_TRANSFER),  # Sunday
        ("2025-03-31T12:00:00+03:00", DAY_TRANSFER),  # Monday, March: in "11-3"
        ("2025-04-01T12:00:00+03:00", NIGHT_TRANSFER),  # April: summer, one price all day
        ("2026-01-03T07:00:00+02:00", DAY_TRANSFER),  # Saturday, January
    ],
)
def test_windows_by_weekday_and_winter_months(start, price):
    tariff = Tariff(date(2025, 1, 1), "EUR", imports=(transfer("mon-sat", "11-3"),))
    assert book(tariff).prices(local(start), None)[0] == pytest.approx(price)


def test_window_wrapping_midnight_covers_the_early_hours():
    night = Window(parse_days("all"), parse_months("all"), 22 * 60, 7 * 60, 0.01)
    tariff = Tariff(date(2025, 1, 1), "EUR", imports=(Component("t", 0.05, windows=(night,)),))
    prices = book(tariff)
    assert prices.prices(local("2025-05-05T23:00:00+03:00"), None)[0] == pytest.approx(0.01)
    assert prices.prices(local("2025-05-05T06:45:00+03:00"), None)[0] == pytest.approx(0.01)
    assert prices.prices(local("2025-05-05T07:00:00+03:00"), None)[0] == pytest.approx(0.05)


def test_vat_on_some_components_only():
    tariff = Tariff(
        date(2025, 1, 1),
        "EUR",
        imports=(
            Component("energy", 0.0049, vat=25.5, spot=True),
            Component("tax", 0.0224),  # no VAT, e.g. priced VAT-inclusive elsewhere
        ),
        exports=(Component("sale", -0.003, spot=True),),
    )
    import_price, export_price = book(tariff).prices(local("2025-05-05T12:00:00+03:00"), 0.10)
    assert import_price == pytest.approx((0.10 + 0.0049) * 1.255 + 0.0224)
    assert export_price == pytest.approx(0.097)


def test_negative_spot_prices_lower_import_and_make_export_cost():
    tariff = Tariff(
        date(2025, 1, 1),
        "EUR",
        imports=(Component("energy", 0.0049, vat=25.5, spot=True),),
        exports=(Component("sale", -0.003, spot=True),),
    )
    import_price, export_price = book(tariff).prices(local("2025-06-01T13:00:00+03:00"), -0.05)
    assert import_price == pytest.approx((-0.05 + 0.0049) * 1.255)
    assert export_price == pytest.approx(-0.053)  # selling costs money


def test_missing_spot_leaves_the_period_unpriced_not_free():
    tariff = Tariff(
        date(2025, 1, 1),
        "EUR",
        imports=(Component("energy", 0.0049, spot=True), Component("transfer", 0.03)),
        exports=(Component("sale", 0.05),),  # a fixed export price needs no spot
    )
    assert book(tariff).prices(local("2025-06-01T13:00:00+03:00"), None) == (None, 0.05)


def test_tariff_change_mid_month_prices_each_period_with_the_tariff_valid_then():
    old = Tariff(
        date(2025, 1, 1),
        "EUR",
        imports=(Component("energy", 0.10),),
        monthly_fees=(Fee("basic", 3.10, vat=0),),
    )
    new = Tariff(
        date(2025, 1, 15),
        "EUR",
        imports=(Component("energy", 0.20),),
        monthly_fees=(Fee("basic", 6.20, vat=0),),
    )
    prices = book(new, old)  # in any order
    assert prices.prices(local("2025-01-14T23:45:00+02:00"), None)[0] == pytest.approx(0.10)
    assert prices.prices(local("2025-01-15T00:00:00+02:00"), None)[0] == pytest.approx(0.20)
    assert prices.prices(local("2024-12-31T23:45:00+02:00"), None) == (None, None)
    january = period("month", "2025-01", HELSINKI)
    # 14 days at 3.10 / 31 and 17 days at 6.20 / 31.
    assert prices.fees(january.start, january.end) == pytest.approx(14 * 0.1 + 17 * 0.2)
    february = period("month", "2025-02", HELSINKI)
    assert prices.fees(february.start, february.end) == pytest.approx(6.20)


def test_fees_carry_vat_and_share_a_month_by_days_and_hours():
    tariff = Tariff(
        date(2025, 1, 1),
        "EUR",
        monthly_fees=(Fee("energy basic fee", 4.95, vat=25.5), Fee("transfer basic", 10.0)),
    )
    prices = book(tariff)
    month = 4.95 * 1.255 + 10.0
    march = period("month", "2025-03", HELSINKI)
    assert prices.fees(march.start, march.end) == pytest.approx(month)
    short = period("day", "2025-03-30", HELSINKI)  # 23 hours, still a 31st of the month
    assert prices.fees(short.start, short.end) == pytest.approx(month / 31)
    hour = local("2025-03-30T12:00:00+03:00")
    assert prices.fees(hour, hour + 3600) == pytest.approx(month / 31 / 23)
    year = period("year", "2025", HELSINKI)
    assert prices.fees(year.start, year.end) == pytest.approx(12 * month)
    # A span from mid-day to mid-month: the pieces add up.
    cut = local_midnight(date(2025, 3, 10), HELSINKI) + 5 * 3600
    whole = prices.fees(march.start, cut) + prices.fees(cut, march.end)
    assert whole == pytest.approx(month)


def test_tariff_book_refuses_two_currencies():
    with pytest.raises(ValueError, match="one currency"):
        book(Tariff(date(2025, 1, 1), "EUR"), Tariff(date(2025, 2, 1), "SEK"))
