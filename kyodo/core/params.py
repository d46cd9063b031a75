"""The one parsing layer for query parameters (and the few raw POST values views read):
typed parsers with calendar bounds and ASCII-digit integers, so a hostile but well-formed value
(`9999-12-31`, `0001-01-01`, `١٢`, `１２`, `1e400`, 40 digits) is a 400 with a message, or the
field error of a form, never a 500 (issue 21, finding 5; ASVS 5.0 V2.2 input validation).

    from kyodo.core import params
    fiscal_year = params.fiscal_year(request.GET, "fy")          # int | None
    start = params.date(request.GET, "from", default=today)        # dt.date
    offer_id = params.pk(request.GET, "offer")                     # int | None
    status = params.choice(request.GET, "status", BookingStatus.values)

Missing or empty → `default`. Anything else that does not parse, or lies outside the bounds →
`InvalidParameter` (Django's BadRequest: the 400 page says which parameter). Forms use the
bounded fields below (`BoundedDateField`, `BoundedDateTimeField`, or
`kyodo.core.fields.AsciiIntegerField`), which give the same bounds as a field error.

Why the bounds: dates near the ends of the calendar overflow as soon as a view adds a day or
converts to Japan time (`date.max + 1 day`, `datetime.min` in UTC+9), and SQLite compares
dates as text; integers beyond 64 bits overflow the databases; `int()` reads digits (², ١)
that nobody types as a number.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Collection, Mapping
from typing import Any, overload

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kyodo.core.fields import fold_digits

# The calendar the site works in: wide enough for any real record or plan, far enough from
# the ends of Python's and the databases' calendars that date arithmetic cannot overflow.
MIN_DATE = _dt.date(1900, 1, 1)
MAX_DATE = _dt.date(2199, 12, 31)
MIN_FISCAL_YEAR = MIN_DATE.year
MAX_FISCAL_YEAR = MAX_DATE.year - 1
BIGINT_MAX = 2**63 - 1
# A number longer than this is refused before `int()` (CPython's int() of a huge string costs
# quadratic time, and no id or amount is this long).
MAX_DIGITS = 19


class InvalidParameter(BadRequest):
    """A query parameter that does not parse: answered with 400 (core.views.bad_request)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            _("The value of “%(name)s” in the address is not valid.") % {"name": name[:40]}
        )


def _raw(source: Mapping[str, Any], name: str) -> str:
    value = source.get(name)
    if value is None:
        return ""
    return str(value).strip()


def ascii_int(text: str) -> int | None:
    """'１２３' → 123: digits folded to ASCII by NFKC, as `kyodo.core.fields.fold_digits` does
    for every form (so ² is 2, as AsciiIntegerField reads it). None for digits NFKC does not
    fold (١٢, which `int()` alone would read), signs other than a leading '-', decimals,
    exponents, and numbers longer than MAX_DIGITS."""
    folded = fold_digits(text)
    digits = folded.removeprefix("-")
    if not digits or len(digits) > MAX_DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    return int(folded)


def integer(
    source: Mapping[str, Any],
    name: str,
    *,
    default: int | None = None,
    min_value: int = -BIGINT_MAX,
    max_value: int = BIGINT_MAX,
) -> int | None:
    raw = _raw(source, name)
    if not raw:
        return default
    value = ascii_int(raw)
    if value is None or not min_value <= value <= max_value:
        raise InvalidParameter(name)
    return value


def pk(source: Mapping[str, Any], name: str, *, default: int | None = None) -> int | None:
    """A database id: 1 … 2⁶³−1."""
    return integer(source, name, default=default, min_value=1)


def fiscal_year(source: Mapping[str, Any], name: str, *, default: int | None = None) -> int | None:
    return integer(
        source, name, default=default, min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR
    )


def parse_date(text: str) -> _dt.date | None:
    """An ISO date (YYYY-MM-DD, full-width digits accepted) within MIN_DATE … MAX_DATE."""
    folded = fold_digits(text)
    if not folded.isascii() or len(folded) != 10:
        return None
    try:
        value = _dt.date.fromisoformat(folded)
    except ValueError:
        return None
    return value if MIN_DATE <= value <= MAX_DATE else None


@overload
def date(source: Mapping[str, Any], name: str, *, default: _dt.date) -> _dt.date: ...
@overload
def date(source: Mapping[str, Any], name: str, *, default: None = None) -> _dt.date | None: ...
def date(
    source: Mapping[str, Any], name: str, *, default: _dt.date | None = None
) -> _dt.date | None:
    raw = _raw(source, name)
    if not raw:
        return default
    value = parse_date(raw)
    if value is None:
        raise InvalidParameter(name)
    return value


def choice(
    source: Mapping[str, Any], name: str, choices: Collection[str], *, default: str = ""
) -> str:
    raw = _raw(source, name)
    if not raw:
        return default
    if raw not in choices:
        raise InvalidParameter(name)
    return raw


def text(source: Mapping[str, Any], name: str, *, max_length: int = 200) -> str:
    """Free text (a search query): control characters removed, at most max_length."""
    from kyodo.core.text import strip_control_characters

    return strip_control_characters(_raw(source, name))[:max_length]


# --- Form fields with the same bounds ------------------------------------------------------------

_DATE_RANGE_ERROR = gettext_lazy("Enter a date between %(min)s and %(max)s.")


def _check_date_range(value: _dt.date) -> None:
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValidationError(
            _DATE_RANGE_ERROR,
            code="date_range",
            params={"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()},
        )


class BoundedDateField(forms.DateField):
    """A DateField limited to MIN_DATE … MAX_DATE (a field error, never an overflow later)."""

    def to_python(self, value: Any) -> _dt.date | None:
        if isinstance(value, str):
            value = fold_digits(value)
        result = super().to_python(value)
        if result is not None:
            _check_date_range(result)
        return result


class BoundedDateTimeField(forms.DateTimeField):
    """A DateTimeField limited to MIN_DATE … MAX_DATE (year 0001 cannot become aware)."""

    def to_python(self, value: Any) -> _dt.datetime | None:
        if isinstance(value, str):
            value = fold_digits(value)
        if isinstance(value, _dt.datetime | _dt.date):
            _check_date_range(value if not isinstance(value, _dt.datetime) else value.date())
        try:
            parsed = super().to_python(value)
        except OverflowError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if parsed is not None:
            _check_date_range(parsed.date())
        return parsed
