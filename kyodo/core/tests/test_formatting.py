import datetime as dt

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kyodo.core import formatting as f


def test_japanese_dates_and_wareki():
    with translation.override("ja"):
        assert f.date_ja(dt.date(2026, 11, 25)) == "2026年11月25日(水)"
        assert f.wareki(dt.date(2026, 11, 25)) == "令和8年11月25日"
        assert f.wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
        assert f.wareki(dt.date(2019, 4, 30)) == "平成31年4月30日"
        assert f.fiscal_year_label(2026) == "令和8年度"
        assert f.fiscal_year_long(2026) == "令和8年度（2026年4月〜2027年3月）"
        assert f.yen(1234567) == "1,234,567円"
    with translation.override("en"):
        assert f.date_ja(dt.date(2026, 11, 25)) == "25 Nov 2026 (Wed)"
        assert f.fiscal_year_label(2026) == "FY2026"
        assert f.yen(1234567) == "¥1,234,567"


def test_fiscal_year_runs_april_to_march():
    assert f.fiscal_year_of(dt.date(2027, 3, 31)) == 2026
    assert f.fiscal_year_of(dt.date(2027, 4, 1)) == 2027


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_fiscal_year_bounds_contain_the_date(day):
    start, end = f.fiscal_year_bounds(f.fiscal_year_of(day))
    assert start <= day <= end
