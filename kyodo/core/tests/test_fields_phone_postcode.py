"""Phone numbers and postal codes as Japanese people type them are stored in one form."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kyodo.core.fields import normalise_phone, normalise_postal_code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("０４９－２２４－８８１１", "049-224-8811"),
        ("049 224 8811", "049-224-8811"),
        ("０４９ー２２４ー８８１１", "049-224-8811"),
        ("0492248811", "0492248811"),
        ("+81-49-224-8811", "+81-49-224-8811"),
        ("", ""),
    ],
)
def test_phone(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("３５０－８６０１", "350-8601"),
        ("3508601", "350-8601"),
        ("〒350 8601", "350-8601"),
        ("350ー8601", "350-8601"),
        ("", ""),
    ],
)
def test_postal_code(typed, stored):
    assert normalise_postal_code(typed) == stored


@pytest.mark.parametrize("bad", ["電話", "12", "049-224-8811 内線3", "abc-defg-hijk"])
def test_bad_phones_get_a_field_error(bad):
    with pytest.raises(ValidationError):
        normalise_phone(bad)


@pytest.mark.parametrize("bad", ["350-860", "35086011", "ABC-DEFG"])
def test_bad_postal_codes_get_a_field_error(bad):
    with pytest.raises(ValidationError):
        normalise_postal_code(bad)


@given(st.text(max_size=40))
def test_either_a_clean_ascii_value_or_a_field_error(text):
    for fn in (normalise_phone, normalise_postal_code):
        try:
            out = fn(text)
        except ValidationError:
            continue
        assert out.isascii()
        assert fn(out) == out  # stored once, the same on the next save
