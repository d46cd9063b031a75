from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyodo.core.params import BoundedDateField, BoundedDateTimeField
from kyodo.core.text import KyodoForm, KyodoModelForm
from kyodo.events.models import Event, EventKind, Facility, Question, Room, Slot
from kyodo.guideline.models import District, Field
from kyodo.organizations.models import Organization
from kyodo.projects.models import Project

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventFilterForm(KyodoForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *EventKind.choices], required=False
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    field = forms.ChoiceField(label=_("Field"), required=False)
    date_from = BoundedDateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = BoundedDateField(label=_("Until"), required=False, widget=DATE_WIDGET)
    past = forms.BooleanField(label=_("Show past events"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["district"]).choices = [("", _("All districts"))] + [
            (d.code, str(d)) for d in District.objects.order_by("order")
        ]
        cast(forms.ChoiceField, self.fields["field"]).choices = [("", _("All fields"))] + [
            (f.code, str(f)) for f in Field.objects.order_by("order")
        ]


class EventForm(KyodoModelForm):
    organization = forms.ModelChoiceField(
        label=_("Organiser"), queryset=Organization.objects.none()
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Fields"),
        queryset=Field.objects.order_by("order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "project",
            "summary",
            "description",
            "starts_at",
            "ends_at",
            "room",
            "place_name",
            "address",
            "district",
            "capacity",
            "opens_at",
            "closes_at",
            "cost_yen",
            "accessibility",
            "asks_real_name",
            "asks_phone",
        ]
        # Within the site's calendar (kyodo.core.params): year 0001 is a field error.
        field_classes = dict.fromkeys(
            ("starts_at", "ends_at", "opens_at", "closes_at"), BoundedDateTimeField
        )
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "opens_at": DATETIME_WIDGET,
            "closes_at": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 6}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "room": _(
                "If the event is at an activity base, choose the room; otherwise enter the place below."
            ),
            "accessibility": _("e.g. wheelchair access, sign language, childcare, hearing loop."),
            "cost_yen": _("0 if free of charge."),
        }

    def __init__(
        self, *args: Any, organizations: list[Organization] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at", "opens_at", "closes_at"):
            cast(forms.DateTimeField, self.fields[name]).input_formats = [
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%d %H:%M",
            ]
        cast(forms.ModelChoiceField, self.fields["room"]).queryset = Room.objects.select_related(
            "facility"
        ).order_by("facility__kana", "name")
        org_ids = (
            [self.instance.organization_id]
            if self.instance.pk
            else [o.pk for o in organizations or []]
        )
        cast(forms.ModelChoiceField, self.fields["project"]).queryset = (
            Project.objects.filter(partners__organization_id__in=org_ids).distinct().order_by("-id")
        )
        self.fields["project"].help_text = _(
            "If the event is part of a collaboration project, choose it."
        )
        if self.instance.pk:
            del self.fields["organization"]
            self.initial["topics"] = list(self.instance.fields.all())
        else:
            cast(
                forms.ModelChoiceField, self.fields["organization"]
            ).queryset = Organization.objects.filter(pk__in=[o.pk for o in organizations or []])

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("organization", "topics")}


class QuestionForm(KyodoModelForm):
    class Meta:
        model = Question
        fields = ["label", "help_text", "required", "choices"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}


class RegistrationForm(KyodoForm):
    """Built from the event's questions; consent per item of personal data."""

    share_real_name = forms.BooleanField(
        label=_("Share my real name with the organiser"),
        required=False,
        help_text=_("Only if you agree. The organiser sees it on the list of participants."),
    )
    share_phone = forms.BooleanField(
        label=_("Share my phone number with the organiser"),
        required=False,
        help_text=_("Only if you agree. Used to contact you about this event."),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        if not event.asks_real_name:
            del self.fields["share_real_name"]
        if not event.asks_phone:
            del self.fields["share_phone"]
        for question in event.questions.all():
            name = f"q{question.pk}"
            if question.choice_list:
                self.fields[name] = forms.ChoiceField(
                    label=question.label,
                    required=question.required,
                    help_text=question.help_text,
                    choices=[(c, c) for c in question.choice_list],
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.label,
                    required=question.required,
                    help_text=question.help_text,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def answers(self) -> dict[int, str]:
        return {
            int(name[1:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("q") and value
        }


class FeedbackForm(KyodoForm):
    rating = forms.TypedChoiceField(
        label=_("How satisfied were you?"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (5, _("5 — very satisfied")),
            (4, _("4 — satisfied")),
            (3, _("3 — neither")),
            (2, _("2 — not very satisfied")),
            (1, _("1 — not satisfied")),
        ],
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MessageForm(KyodoForm):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    include_waitlist = forms.BooleanField(label=_("Also send to the waiting list"), required=False)


class CancelEventForm(KyodoForm):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)


class BookingRequestForm(KyodoForm):
    organization = forms.ModelChoiceField(label=_("Group"), queryset=Organization.objects.none())
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    slot = forms.ChoiceField(label=_("Time slot"), choices=Slot.choices, widget=forms.RadioSelect)
    purpose = forms.CharField(label=pgettext_lazy("room booking", "Purpose"), max_length=200)
    expected_people = forms.IntegerField(label=_("Expected number of people"), min_value=1)

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["organization"]
        ).queryset = Organization.objects.filter(pk__in=[o.pk for o in organizations])


class RefuseBookingForm(KyodoForm):
    note = forms.CharField(label=_("Reason"), max_length=200)


class LotteryForm(KyodoForm):
    facility = forms.ModelChoiceField(
        label=_("Activity base"), queryset=Facility.objects.order_by("kana")
    )
    opening_day = forms.DateField(label=_("Opening day"), widget=DATE_WIDGET)
