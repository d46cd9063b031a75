"""Japanese formats: dates with weekday, 和暦, yen, fiscal years (年度, April–March)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation
from django.utils.translation import gettext as _

WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# (start date, era name in Japanese, era name in English)
ERAS = (
    (dt.date(2019, 5, 1), "令和", "Reiwa"),
    (dt.date(1989, 1, 8), "平成", "Heisei"),
    (dt.date(1926, 12, 25), "昭和", "Showa"),
)


def _is_ja() -> bool:
    return (translation.get_language() or "ja").startswith("ja")


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def japan_date(value: dt.date | dt.datetime) -> dt.date:
    """The Japan date of an instant (timezone.localtime, then .date()); a date stays as is.
    Use it for every date a person reads on a document: 23:30 UTC is the next day in Japan."""
    return _as_date(value)


def date_ja(value: dt.date | dt.datetime | None) -> str:
    """2026年11月25日(水) in Japanese, 25 Nov 2026 (Wed) in English."""
    if value is None:
        return ""
    d = _as_date(value)
    if _is_ja():
        return f"{d.year}年{d.month}月{d.day}日({WEEKDAYS_JA[d.weekday()]})"
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year} ({WEEKDAYS_EN[d.weekday()]})"


def datetime_ja(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{date_ja(local)} {local:%H:%M}"


def era_year(year: int, month: int = 4, day: int = 1) -> tuple[str, int]:
    d = dt.date(year, month, day)
    for start, name_ja, _name_en in ERAS:
        if d >= start:
            return name_ja, d.year - start.year + 1
    return "", year


def wareki(value: dt.date | dt.datetime | None) -> str:
    """令和8年11月25日 (元年 for the first year of an era)."""
    if value is None:
        return ""
    d = _as_date(value)
    era, n = era_year(d.year, d.month, d.day)
    year = "元" if n == 1 else str(n)
    return f"{era}{year}年{d.month}月{d.day}日"


def fiscal_year_of(value: dt.date | dt.datetime) -> int:
    """The Japanese fiscal year (年度) runs April to March: 2027-03-31 is in FY2026."""
    d = _as_date(value)
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def fiscal_year_label(fiscal_year: int) -> str:
    """令和8年度 in Japanese, FY2026 in English."""
    if _is_ja():
        era, n = era_year(fiscal_year, 4, 1)
        return f"{era}{'元' if n == 1 else n}年度"
    return f"FY{fiscal_year}"


def fiscal_year_long(fiscal_year: int) -> str:
    """令和8年度 (2026年4月〜2027年3月)."""
    if _is_ja():
        return f"{fiscal_year_label(fiscal_year)}（{fiscal_year}年4月〜{fiscal_year + 1}年3月）"
    return _("FY%(year)s (April %(year)s to March %(next)s)") % {
        "year": fiscal_year,
        "next": fiscal_year + 1,
    }


def yen(amount: int | None) -> str:
    """1,234,567円 in Japanese; ¥1,234,567 in English. Money is always integer yen."""
    if amount is None:
        return ""
    if _is_ja():
        return f"{int(amount):,}円"
    return f"¥{int(amount):,}"


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())
