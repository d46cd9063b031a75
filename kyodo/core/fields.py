"""Form fields for what Japanese people type: full-width digits, commas, 円, hyphens, spaces.

One rule for every channel: the site's forms use these fields, the API's schemas use the same
bounds (`MAX_YEN`) and the same folding (`fold_digits`), so a value refused on one is refused on
the other with the same words, and a value accepted is stored in one form.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The largest amount of money Kyodo stores, in yen. Every yen column is at least a 32-bit integer
# on both databases (PostgreSQL `integer` holds up to 2,147,483,647), so a bound below that keeps
# every write in range; 20億円 is far above any collaboration project or subsidy.
MAX_YEN = 2_000_000_000

# Dashes and minus signs people type for a hyphen (NFKC already folds full-width －).
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−ー－ｰ"), "-")
_SEPARATORS = re.compile(r"[\s,、，]")


def fold_digits(value: str) -> str:
    """Full-width and other Unicode digits → ASCII, full-width spaces → spaces, dashes → '-'.

    Only characters that NFKC maps to an ASCII digit are digits here: `int()` also reads
    superscripts such as ², which NFKC turns into 2 as well, so the result is always ASCII."""
    return unicodedata.normalize("NFKC", value).translate(_DASHES).strip()


def parse_yen(value: str) -> int:
    """'１２，３４５円' → 12345. Raises ValidationError (Japanese) for anything else."""
    text = _SEPARATORS.sub("", fold_digits(value)).removesuffix("円").removeprefix("¥")
    if not text.isascii() or not text.isdigit():
        raise ValidationError(
            _("Enter the amount in whole yen, using digits only (for example 150000)."),
            code="invalid",
        )
    amount = int(text)
    if amount > MAX_YEN:
        raise ValidationError(
            _("The amount is too large: at most %(max)s yen."),
            code="max_value",
            params={"max": f"{MAX_YEN:,}"},
        )
    return amount


class YenField(forms.Field):
    """A whole number of yen, 0 ≤ amount ≤ MAX_YEN (or a narrower `max_value`).

    Rendered as a text input with a numeric keyboard, so a browser never drops what was typed
    in full-width digits before the server can read it."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def __init__(self, *, max_value: int | None = None, min_value: int = 0, **kwargs: Any):
        self.max_value = MAX_YEN if max_value is None else min(max_value, MAX_YEN)
        self.min_value = min_value
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        amount = value if isinstance(value, int) else parse_yen(str(value))
        if amount > self.max_value:
            raise ValidationError(
                _("The amount is too large: at most %(max)s yen."),
                code="max_value",
                params={"max": f"{self.max_value:,}"},
            )
        if amount < self.min_value:
            raise ValidationError(
                _("The amount must be at least %(min)s yen."),
                code="min_value",
                params={"min": f"{self.min_value:,}"},
            )
        return amount


class AsciiIntegerField(forms.IntegerField):
    """An integer typed with any digits people use (１２３ → 123), never one `int()` alone reads
    differently (²), and a clear error past the bounds rather than an overflow."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = _SEPARATORS.sub("", fold_digits(value))
            if value and not (value.lstrip("-").isascii() and value.lstrip("-").isdigit()):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


_PHONE_ALLOWED = re.compile(r"^\+?[0-9()\-]{6,30}$")


def normalise_phone(value: str) -> str:
    """'０４９－２２４－８８１１' or '049 224 8811' → '049-224-8811' (spaces become hyphens);
    '' stays ''. Raises ValidationError (Japanese) for anything that is not a phone number."""
    text = re.sub(r"\s+", "-", fold_digits(value or "")).strip("-")
    text = re.sub(r"-{2,}", "-", text)
    if not text:
        return ""
    if not _PHONE_ALLOWED.match(text) or sum(c.isdigit() for c in text) < 6:
        raise ValidationError(
            _("Enter the phone number with digits and hyphens, e.g. 049-224-8811."),
            code="invalid_phone",
        )
    return text


def normalise_postal_code(value: str) -> str:
    """'３５０－８６０１', '3508601', '〒350 8601' → '350-8601'; '' stays ''."""
    text = re.sub(r"[\s\-〒]", "", fold_digits(value or ""))
    if not text:
        return ""
    if not (text.isascii() and text.isdigit() and len(text) == 7):
        raise ValidationError(
            _("Enter the postal code as 7 digits, e.g. 350-8601."), code="invalid_postal_code"
        )
    return f"{text[:3]}-{text[3:]}"
