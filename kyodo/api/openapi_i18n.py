"""The OpenAPI document and the 422 details in the reader's language (Accept-Language or the
language cookie, as the pages).

The operation summaries and descriptions, the parameter and field descriptions are English in
the code (docstrings, `Field(description=…)`), so the endpoint modules stay as they are. Each
such text is a msgid of the api catalogue through kyodo/api/openapi_messages.py, a list that
`manage.py api_messages` writes from the document; KyodoAPI.get_openapi_schema translates a
copy of the document for every request. kyodo/api/tests/test_openapi_i18n.py fails when a
text in the document is missing from the list (run `manage.py api_messages`, then
`translations extract api` and translate)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext as _

TRANSLATED_KEYS = frozenset({"summary", "description"})


def _texts(node: Any) -> Iterator[tuple[dict[str, Any], str]]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in TRANSLATED_KEYS and isinstance(value, str):
                    yield item, key
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def schema_texts(schema: Any) -> set[str]:
    """Every summary and description in the document (the msgids to translate)."""
    return {node[key] for node, key in _texts(schema) if node[key].strip()}


def _translated(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: gettext(value)
            if key in TRANSLATED_KEYS and isinstance(value, str) and value.strip()
            else _translated(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_translated(item) for item in node]
    return node


def translate_schema(schema: Any) -> Any:
    """The document with its summaries and descriptions in the active language. Nested dicts
    and lists are copied (ninja may share them between documents), never changed in place."""
    for key in list(schema):
        schema[key] = _translated(schema[key])
    return schema


# --- 422: pydantic's English messages, by error type ----------------------------------------


def _pydantic_messages() -> dict[str, str]:
    whole_number = _("Enter a whole number.")
    number = _("Enter a number.")
    date = _("Enter a date as YYYY-MM-DD.")
    moment = _("Enter a date and time (ISO 8601, for example 2026-04-01T09:00:00+09:00).")
    an_object = _("Send an object (JSON with named fields).")
    return {
        "missing": _("This value is required."),
        "string_type": _("Enter text."),
        "string_too_short": _("Enter at least %(min_length)s characters."),
        "string_too_long": _("Enter at most %(max_length)s characters."),
        "string_pattern_mismatch": _("The text is not in the expected form."),
        "string_nul": _("Text cannot contain NUL characters."),
        "string_unicode": _("Text must be valid Unicode (no lone surrogates)."),
        "int_type": whole_number,
        "int_parsing": whole_number,
        "int_from_float": whole_number,
        "int_out_of_range": _("The number is too large or too small to store."),
        "float_type": number,
        "float_parsing": number,
        "finite_number": _("Enter a finite number."),
        "decimal_parsing": number,
        "decimal_type": number,
        "bool_type": _("Enter true or false."),
        "bool_parsing": _("Enter true or false."),
        "greater_than": _("Enter a value greater than %(gt)s."),
        "greater_than_equal": _("Enter a value of %(ge)s or more."),
        "less_than": _("Enter a value less than %(lt)s."),
        "less_than_equal": _("Enter a value of %(le)s or less."),
        "date_type": date,
        "date_parsing": date,
        "date_from_datetime_parsing": date,
        "date_from_datetime_inexact": date,
        "datetime_type": moment,
        "datetime_parsing": moment,
        "datetime_from_date_parsing": moment,
        "enum": _("Choose one of: %(expected)s."),
        "literal_error": _("Choose one of: %(expected)s."),
        "list_type": _("Send a list."),
        "too_short": _("Send at least %(min_length)s items."),
        "too_long": _("Send at most %(max_length)s items."),
        "dict_type": an_object,
        "model_type": an_object,
        "model_attributes_type": an_object,
        "extra_forbidden": _("This field is not accepted."),
        "json_invalid": _("The body is not valid JSON."),
        "uuid_parsing": _("Enter a UUID."),
        "url_parsing": _("Enter a URL."),
    }


def pydantic_message(error: dict[str, Any]) -> str:
    """pydantic's message for one error, in the active language (by its `type`)."""
    kind = str(error.get("type", ""))
    ctx = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    if kind == "value_error" and "error" in ctx:
        # Our own validators raise ValueError with a msgid ("Enter a date as YYYY-MM-DD.").
        return gettext(ctx["error"])
    template = _pydantic_messages().get(kind)
    if template is None:
        return str(error.get("msg", "")) or _("This value is not valid.")
    try:
        return template % ctx if "%(" in template else template
    except (KeyError, ValueError):
        return str(error.get("msg", ""))
