"""Forms of the privacy app."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyodo.core.params import BoundedDateField
from kyodo.core.text import KyodoForm
from kyodo.privacy.models import RequestKind
from kyodo.privacy.selectors import AuditFilter, audit_target_types


class ContentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.app_label}: {obj.name}"


class AuditFilterForm(KyodoForm):
    actor = forms.CharField(
        label=pgettext_lazy("audit", "Who"),
        required=False,
        max_length=200,
        help_text=_("Part of the e-mail address, or “system”."),
    )
    verb = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=100,
        help_text=_("For example “calls” or “calls.application.submit”."),
    )
    target_type: ContentTypeChoiceField = ContentTypeChoiceField(
        label=_("Kind of record"),
        required=False,
        queryset=ContentType.objects.none(),
        empty_label=_("All"),
    )
    date_from = BoundedDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["target_type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = audit_target_types()

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data

    def to_filter(self) -> AuditFilter:
        if not self.is_valid():
            return AuditFilter()
        d = self.cleaned_data
        return AuditFilter(
            actor=d["actor"].strip(),
            verb=d["verb"].strip(),
            target_type=d["target_type"],
            date_from=d["date_from"],
            date_to=d["date_to"],
        )


class PrivacyRequestForm(KyodoForm):
    kind = forms.ChoiceField(
        label=_("What you ask for"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Which data, and what should change. You will get an answer by e-mail."),
    )
    # Generated when the form is shown: a second submit of the same form files nothing new.
    submission_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
