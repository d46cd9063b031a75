from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyodo.core.text import KyodoForm
from kyodo.guideline.models import Field
from kyodo.organizations.models import Organization


class MeetingForm(KyodoForm):
    title = forms.CharField(label=pgettext_lazy("meeting", "Title"), max_length=150)
    held_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("Place"), max_length=150, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea)


class RecordForm(KyodoForm):
    record = forms.CharField(label=_("Record of the meeting (議事録)"), widget=forms.Textarea)
    decisions = forms.CharField(
        label=_("Decisions in short"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Shown in the district's “what was decided” list and in the digest."),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, Office document or image, up to 10 MB."),
    )


class MemberForm(KyodoForm):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none()
    )
    role = forms.CharField(label=_("Role in the council"), max_length=60, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["organization"]
        ).queryset = Organization.objects.groups().order_by("kana")


class SubcommitteeForm(KyodoForm):
    name = forms.CharField(label=pgettext_lazy("subcommittee", "Name"), max_length=60)
    theme = forms.CharField(label=_("Theme"), max_length=200)
    field = forms.ModelChoiceField(label=_("Field"), queryset=Field.objects.all(), required=False)
    lead = forms.ModelChoiceField(
        label=_("Lead organization"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args: Any, council: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["lead"]).queryset = Organization.objects.filter(
            council_memberships__council=council
        ).order_by("kana")


class AssignIssueForm(KyodoForm):
    issue = forms.IntegerField(
        label=_("Issue number"),
        min_value=1,
        help_text=_("The number shown on the local issue's page."),
    )


class StartProjectForm(KyodoForm):
    issue = forms.ModelChoiceField(label=_("Local issue"), queryset=Organization.objects.none())
    organization = forms.ModelChoiceField(
        label=_("Acting organization"), queryset=Organization.objects.none()
    )
    title = forms.CharField(label=_("Project title"), max_length=150)
    purpose = forms.CharField(label=_("Purpose you share"), widget=forms.Textarea)

    def __init__(self, *args: Any, subcommittee: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["issue"]).queryset = subcommittee.issues.all()
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations


class StartEventForm(KyodoForm):
    issue = forms.ModelChoiceField(label=_("Local issue"), queryset=Organization.objects.none())
    organization = forms.ModelChoiceField(
        label=_("Acting organization"), queryset=Organization.objects.none()
    )
    title = forms.CharField(label=_("Event title"), max_length=150)
    summary = forms.CharField(label=_("Summary"), max_length=300)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place_name = forms.CharField(label=_("Place"), max_length=150)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1)

    def __init__(self, *args: Any, subcommittee: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["issue"]).queryset = subcommittee.issues.all()
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
