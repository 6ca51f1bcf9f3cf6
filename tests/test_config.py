"""Settings: TOML file, environment overrides, and clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from wattboard.config import load_settings, redact_url, system_timezone
from wattboard.exceptions import ConfigError

TOML = """
[site]
id = "home"
timezone = "Europe/Helsinki"
netting = "15min"

[api]
port = 8100

[[meters]]
id = "grid"
role = "grid"
url = "http://192.0.2.50/"
invert_phases = ["c", "b"]

[[meters]]
id = "solar"
role = "solar"
url = "http://192.0.2.51"
"""
GRID = '[[meters]]\nid = "g"\nrole = "grid"\nurl = "http://x"\n'


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "wattboard.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_settings_reads_toml(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, TOML))
    assert settings.site.netting == "15min"
    assert settings.api.port == 8100
    assert [m.id for m in settings.meters] == ["grid", "solar"]
    assert settings.meters[0].url == "http://192.0.2.50"  # trailing slash removed
    assert settings.meters[0].invert_phases == ["b", "c"]  # sorted
    assert settings.mongo is None


def test_load_settings_env_overrides_one_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATTBOARD_API__TOKEN", "s3cret")
    monkeypatch.setenv("WATTBOARD_SITE__NETTING", "hour")
    settings = load_settings(_write(tmp_path, TOML))
    assert settings.api.token.get_secret_value() == "s3cret"
    assert settings.api.port == 8100  # the rest of [api] still comes from the file
    assert settings.site.netting == "hour"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("fragment", "named"),
    [
        ('[site]\ntimezone = "Mars/Olympus"\n', "site.timezone"),
        ('[site]\nnetting = "daily"\n', "site.netting"),
        ("[api]\nport = 70000\n", "api.port"),
        ('[[meters]]\nid = "g"\nrole = "grid"\nurl = "ftp://x"\n', "meters[0].url"),
        (
            '[[meters]]\nid = "g"\nrole = "grid"\nurl = "http://x"\ninvert_phases = ["d"]\n',
            "meters[0].invert_phases",
        ),
        (
            GRID + '[[meters]]\nid = "g"\nrole = "solar"\nurl = "http://y"\n',
            "unique",
        ),
        (
            GRID + '[[meters]]\nid = "b"\nrole = "grid"\nurl = "http://y"\n',
            "at most one",
        ),
        ("[sight]\nid = 1\n", "sight"),
    ],
)
def test_load_settings_names_bad_key(tmp_path: Path, fragment: str, named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, fragment))
    assert named in str(caught.value)


def test_load_settings_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_load_settings_broken_toml_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config"):
        load_settings(_write(tmp_path, "[site\n"))


def test_system_timezone_honours_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert system_timezone() == "America/New_York"


@pytest.mark.parametrize(
    ("fragment", "named", "hint"),
    [
        ('password = "x"\npasword = "y"\n', "meters[0].pasword", "did you mean 'password'?"),
        ('invert_phase = ["b"]\n', "meters[0].invert_phase", "did you mean 'invert_phases'?"),
        ('\n[api]\ntokn = "t"\n', "api.tokn", "did you mean 'token'?"),
        ('\n[site]\ncolour = "red"\n', "site.colour", "known keys: id, timezone, netting"),
    ],
)
def test_load_settings_refuses_unknown_keys_in_sections(
    tmp_path: Path, fragment: str, named: str, hint: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, GRID + fragment))
    assert f"{named}: unknown key" in str(caught.value)
    assert hint in str(caught.value)


def test_load_settings_refuses_a_password_in_the_meter_url(tmp_path: Path) -> None:
    text = '[[meters]]\nid = "g"\nrole = "grid"\nurl = "http://admin:s3cret@192.0.2.7"\n'
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, text))
    message = str(caught.value)
    assert "meters[0].url" in message
    assert "`password` or `password_env`" in message
    assert "'http://192.0.2.7'" in message
    assert "s3cret" not in message


def test_redact_url_drops_user_info() -> None:
    assert redact_url("http://admin:pw@10.0.0.5:8080/x") == "http://10.0.0.5:8080/x"
    assert redact_url("http://10.0.0.5") == "http://10.0.0.5"


FINNISH_TARIFF = """
[site]
timezone = "Europe/Helsinki"

[[tariffs]]
valid_from = 2025-01-01
currency = "EUR"
monthly_fees = [{ name = "energy basic fee", price = 4.95, vat = 25.5 }]

[[tariffs.import]]
name = "energy"
spot = true
price = 0.0049
vat = 25.5

[[tariffs.import]]
name = "transfer"
price = 0.0264
vat = 25.5
windows = [{ days = "mon-sat", from = "07:00", to = "22:00", months = "11-3", price = 0.0421 }]

[[tariffs.export]]
name = "sale"
spot = true
price = -0.003
vat = 0
"""


def test_load_settings_tariffs_give_a_tariff_book(tmp_path):
    path = tmp_path / "w.toml"
    path.write_text(FINNISH_TARIFF)
    book = load_settings(path).tariff_book()
    assert book.currency == "EUR"
    monday_noon = 1762164000  # 2025-11-03T12:00+02:00
    import_price, export_price = book.prices(monday_noon, 0.10)
    assert import_price == pytest.approx((0.10 + 0.0049 + 0.0421) * 1.255)
    assert export_price == pytest.approx(0.097)
    assert book.tariffs[0].monthly_total == pytest.approx(4.95 * 1.255)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (('days = "mon-sat"', 'days = "mon-sad"'), "tariffs[0].import[1].windows[0].days"),
        (('months = "11-3"', 'months = "13"'), "tariffs[0].import[1].windows[0].months"),
        (('from = "07:00"', 'from = "7am"'), "tariffs[0].import[1].windows[0].from"),
        (('name = "sale"', 'name = "sale"\nmargin = 1'), "tariffs[0].export[0].margin"),
        (('currency = "EUR"', 'currency = "euro"'), "tariffs[0].currency"),
        (("vat = 0\n", "vat = 250\n"), "tariffs[0].export[0].vat"),
    ],
)
def test_load_settings_bad_tariff_names_the_field(tmp_path, change, where):
    path = tmp_path / "w.toml"
    path.write_text(FINNISH_TARIFF.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert f"  {where}:" in str(caught.value)


def test_load_settings_two_tariffs_on_one_date_are_refused(tmp_path):
    path = tmp_path / "w.toml"
    second = FINNISH_TARIFF[FINNISH_TARIFF.index("[[tariffs]]") :]
    path.write_text(FINNISH_TARIFF + second)
    with pytest.raises(ConfigError, match="its own valid_from"):
        load_settings(path)


def test_load_settings_readme_tariff_examples_are_valid(tmp_path):
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in readme.split("```toml\n")[1:]]
    examples = [b for b in blocks if "[[tariffs]]" in b]
    assert len(examples) == 2  # the Finnish spot contract and the fixed-price one
    for number, text in enumerate(examples):
        path = tmp_path / f"tariff{number}.toml"
        path.write_text('[site]\ntimezone = "Europe/Helsinki"\n' + text)
        book = load_settings(path).tariff_book()
        assert book.currency == "EUR"
        assert book.tariffs[0].imports


def test_load_settings_readme_spot_example_is_the_demo_tariff(tmp_path):
    from dataclasses import replace  # noqa: PLC0415

    from wattboard.cli.serve import DEMO_TARIFF  # noqa: PLC0415
    from wattboard.config import Settings  # noqa: PLC0415

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    spot = next(b.split("```", 1)[0] for b in readme.split("```toml\n") if "spot = true" in b)
    path = tmp_path / "spot.toml"
    path.write_text(spot)
    documented = load_settings(path).tariff_book().tariffs[0]
    demo = Settings(tariffs=[DEMO_TARIFF]).tariff_book().tariffs[0]
    assert replace(demo, valid_from=documented.valid_from) == documented
