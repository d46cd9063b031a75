"""One rule for control characters in text people send, and output encoders that cannot fail
on what is stored (issue 21, finding 3; ASVS 5.0 V1.3/V2.2).

The rule: C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F) are refused, except a
tab anywhere and line breaks (CR, LF) in multi-line text. It is applied

- by every form: each form class derives from `KyodoForm` / `KyodoModelForm` (or uses
  `ControlCharacterRuleMixin`), which checks every text value after the fields are cleaned and
  puts a Japanese error on the field (tests/security/test_control_characters.py finds every
  form and checks it);
- by every API operation: `kyodo.api.schemas.unstorable_values` (run on every operation's
  arguments by `kyodo.api.v1.reject_unstorable_values`) refuses them with 422 using
  `find_control_character` (multi-line rule: the API cannot know which fields are one line);
- by query parameters read as text: `kyodo.core.params.text` removes them.

Text already stored (from before the rule, imports, the admin) must still never break an
output: `xml_safe` removes what XML 1.0 cannot hold (Atom feeds use `SafeAtom1Feed`), and the
CSV/Excel exports (kyodo.core.exports) pass every cell through `xml_safe` as well (openpyxl
refuses the same characters).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters except TAB; and except CR/LF for multi-line text.
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
# Characters XML 1.0 cannot hold at all (C0 except TAB/LF/CR, surrogates, U+FFFE/U+FFFF).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

CONTROL_CHARACTER_MESSAGE = _(
    "This text contains invisible control characters. Please remove them (retype the text "
    "rather than pasting it)."
)


def find_control_character(value: str, *, multiline: bool = True) -> str | None:
    """The first character the rule refuses, or None."""
    match = (_CONTROL_MULTILINE if multiline else _CONTROL_SINGLE_LINE).search(value)
    return match.group(0) if match else None


def validate_text(value: str, *, multiline: bool = True) -> None:
    character = find_control_character(value, multiline=multiline)
    if character is not None:
        raise ValidationError(
            CONTROL_CHARACTER_MESSAGE,
            code="control_characters",
            params={"codepoint": f"U+{ord(character):04X}"},
        )


def strip_control_characters(value: str, *, multiline: bool = True) -> str:
    return (_CONTROL_MULTILINE if multiline else _CONTROL_SINGLE_LINE).sub("", value)


def xml_safe(value: str) -> str:
    """`value` without the characters XML 1.0 (and so Atom, and xlsx cells) cannot hold."""
    return _XML_ILLEGAL.sub("", value)


def is_multiline(field: forms.Field) -> bool:
    return isinstance(field.widget, forms.Textarea)


class ControlCharacterRuleMixin:
    """Every text value of the form passes the control-character rule (multi-line for
    Textarea widgets, single-line otherwise). Checked after the fields and the form's own
    clean methods ran, so subclasses need do nothing; errors go on the field."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        cleaned = getattr(self, "cleaned_data", None)
        if cleaned is None:
            return
        fields = self.fields  # type: ignore[attr-defined]
        for name in list(cleaned):
            value = cleaned.get(name)
            field = fields.get(name)
            if field is None:
                continue
            values = value if isinstance(value, list | tuple) else [value]
            for item in values:
                if not isinstance(item, str):
                    continue
                try:
                    validate_text(item, multiline=is_multiline(field))
                except ValidationError as exc:
                    self.add_error(name, exc)  # type: ignore[attr-defined]
                    break


class KyodoForm(ControlCharacterRuleMixin, forms.Form):
    """The base of every Kyodo form."""


class KyodoModelForm(ControlCharacterRuleMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The base of every Kyodo model form."""


def _xml_clean(value: Any) -> Any:
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_clean(v) for v in value)
    return value


class SafeAtom1Feed(Atom1Feed):
    """An Atom feed that cannot fail on stored text: every string given to it is made
    XML-safe (Django's XML writer raises on control characters)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            *[_xml_clean(a) for a in args], **{k: _xml_clean(v) for k, v in kwargs.items()}
        )

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(
            *[_xml_clean(a) for a in args], **{k: _xml_clean(v) for k, v in kwargs.items()}
        )
