from __future__ import annotations

import math
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyodo.challenges.workflow import IssueStatus
from kyodo.core.fields import fold_digits
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
    latitude = forms.CharField(
        label=_("Latitude (optional)"),
        required=False,
        max_length=40,
        help_text=_(
            "Decimal degrees, e.g. 35.9251. Filled in when you place the marker on the map."
        ),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    longitude = forms.CharField(
        label=_("Longitude (optional)"),
        required=False,
        max_length=40,
        help_text=_("Decimal degrees, e.g. 139.4858."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    near_home = forms.BooleanField(
        label=_("The place is at or near a home (mine or someone else's)"),
        required=False,
        help_text=_(
            "Then the public map shows the point rounded to about 200 m, not the exact spot. "
            "The city's staff see the exact point."
        ),
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

    def _degrees(self, name: str, limit: int) -> float | None:
        text = fold_digits(self.cleaned_data.get(name) or "").rstrip("°")
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not -limit <= value <= limit:
            raise forms.ValidationError(
                _("Enter a number of degrees between -%(limit)s and %(limit)s, e.g. 35.9251.")
                % {"limit": limit},
                code="degrees",
            )
        return value

    def clean_latitude(self) -> float | None:
        return self._degrees("latitude", 90)

    def clean_longitude(self) -> float | None:
        return self._degrees("longitude", 180)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("photo") and not (data.get("photo_alt") or "").strip():
            self.add_error("photo_alt", _("Describe what the photo shows."))
        lat, lon = data.get("latitude"), data.get("longitude")
        coordinate_errors = "latitude" in self.errors or "longitude" in self.errors
        if (lat is None) != (lon is None) and not coordinate_errors:
            missing = "longitude" if lon is None else "latitude"
            self.add_error(missing, _("Give both the latitude and the longitude, or neither."))
        return data


class IssueFilterForm(KyodoForm):
    district = forms.ChoiceField(label=_("District"), required=False)
    field = forms.ChoiceField(label=_("Field"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *list(IssueStatus.choices)]
    )
    tier = forms.ChoiceField(label=_("Who should act"), required=False)
    sort = forms.ChoiceField(
        label=pgettext_lazy("sort", "Order"),
        required=False,
        choices=[("new", _("Newest first")), ("supported", _("Most supported first"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_ = [("", _("All"))]
        cast(Any, self.fields["district"]).choices = all_ + [
            (d.code, str(d)) for d in District.objects.order_by("order")
        ]
        cast(Any, self.fields["field"]).choices = all_ + [
            (f.code, str(f)) for f in Field.objects.order_by("order")
        ]
        cast(Any, self.fields["tier"]).choices = all_ + [
            (t.code, str(t)) for t in Tier.objects.order_by("order")
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
