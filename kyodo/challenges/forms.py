from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.challenges.workflow import IssueStatus
from kyodo.core.text import KyodoForm
from kyodo.guideline.models import District, Field, Tier
from kyodo.organizations.models import Organization


class IssueForm(KyodoForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_(
            "In one line, what is the problem? e.g. 「小仙波公園の街灯が切れていて夜道が暗い」"
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text=_(
            "What happens, since when, and who is affected. Do not write anyone's personal details."
        ),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.order_by("order"),
        empty_label=_("Choose a district"),
    )
    field = forms.ModelChoiceField(
        label=_("Field"), queryset=Field.objects.order_by("order"), empty_label=_("Choose a field")
    )
    place_description = forms.CharField(
        label=_("Place (optional)"),
        max_length=200,
        required=False,
        help_text=_("e.g. 「○○公園の北側入口」. Please do not write a private home's address."),
    )
    photo = forms.ImageField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP. Location data in the photo is removed."),
    )
    photo_alt = forms.CharField(
        label=_("What the photo shows"),
        max_length=200,
        required=False,
        help_text=_("Needed when you add a photo, for people who cannot see it."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("photo") and not (data.get("photo_alt") or "").strip():
            self.add_error("photo_alt", _("Describe what the photo shows."))
        return data


class IssueFilterForm(KyodoForm):
    district = forms.ChoiceField(label=_("District"), required=False)
    field = forms.ChoiceField(label=_("Field"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *list(IssueStatus.choices)]
    )
    tier = forms.ChoiceField(label=_("Who should act"), required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("new", _("Newest first")), ("supported", _("Most supported first"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_ = [("", _("All"))]
        cast(Any, self.fields["district"]).choices = all_ + [
            (d.code, d.name) for d in District.objects.order_by("order")
        ]
        cast(Any, self.fields["field"]).choices = all_ + [
            (f.code, f.name) for f in Field.objects.order_by("order")
        ]
        cast(Any, self.fields["tier"]).choices = all_ + [
            (t.code, t.name) for t in Tier.objects.order_by("order")
        ]


class CommentForm(KyodoForm):
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class TriageForm(KyodoForm):
    tier = forms.ModelChoiceField(
        label=_("Who should act"),
        queryset=Tier.objects.order_by("order"),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    tier_explanation = forms.CharField(
        label=_("Why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in public. e.g. 「地域の見守りで対応できるため共助としました」"),
    )
    responsible_department = forms.ModelChoiceField(
        label=_("Responsible department"),
        queryset=Organization.objects.departments().order_by("kana", "id"),
        required=False,
        empty_label=_("Not decided yet"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("tier") and not (data.get("tier_explanation") or "").strip():
            self.add_error("tier_explanation", _("Explain the choice in a sentence or two."))
        return data


class StatusForm(KyodoForm):
    to_status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason (required when not taking it up)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, allowed: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["to_status"]).choices = [(s, IssueStatus(s).label) for s in allowed]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to_status") == IssueStatus.DECLINED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason; it is shown in public."))
        return data


class AnswerForm(KyodoForm):
    answer = forms.CharField(
        label=_("Official answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Published at once with today's date, and sent to everyone who follows the issue."
        ),
    )


class ReportForm(KyodoForm):
    reason = forms.CharField(
        label=_("What is wrong with this content?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "e.g. personal information, insults, advertising. Coordinators of the city read every report."
        ),
    )


class HideForm(KyodoForm):
    reason = forms.CharField(
        label=_("Reason for hiding (shown in public)"),
        max_length=300,
        help_text=_("e.g. 「個人が特定できる情報が含まれていたため」"),
    )
