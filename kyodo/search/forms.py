from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.core.formatting import current_fiscal_year, fiscal_year_label
from kyodo.core.text import KyodoForm
from kyodo.guideline.models import District, Field
from kyodo.search.models import DocType
from kyodo.search.providers import active_providers

MAX_PAGE = 50


def status_choices() -> list[tuple[str, str]]:
    """The status values of every searchable model, with their labels (no query)."""
    seen: dict[str, str] = {}
    for provider in active_providers():
        model = provider.model
        if model is None:
            continue
        for name in ("status", "registration_status"):
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: S112 - the model has no such field
                continue
            for value, label in getattr(field, "choices", None) or []:
                seen.setdefault(str(value), str(label))
    return sorted(seen.items(), key=lambda kv: kv[1])


class SearchForm(KyodoForm):
    q = forms.CharField(label=_("Words to search for"), required=False, max_length=200)
    type = forms.ChoiceField(label=_("Type"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    field = forms.ChoiceField(label=_("Field"), required=False)
    fy = forms.TypedChoiceField(
        label=_("Fiscal year"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    page = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, Any]] = [("", _("All"))]
        self._choices("type", everything + list(DocType.choices))
        self._choices(
            "district", everything + [(d.code, str(d)) for d in District.objects.order_by("order")]
        )
        self._choices(
            "field", everything + [(f.code, f.name) for f in Field.objects.order_by("order")]
        )
        this_year = current_fiscal_year()
        years = range(this_year + 1, this_year - 11, -1)
        self._choices("fy", everything + [(str(y), fiscal_year_label(y)) for y in years])
        self._choices("status", everything + status_choices())
        self.fields["q"].widget.attrs.update(
            {"type": "search", "autocomplete": "off", "id": "search-q"}
        )

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
