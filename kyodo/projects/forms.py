"""Forms for projects. They validate input shape only; rules live in the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyodo.accounts.models import User
from kyodo.core.fields import YenField
from kyodo.core.formatting import current_fiscal_year
from kyodo.core.text import KyodoForm
from kyodo.guideline.models import (
    CollaborationForm,
    District,
    EvaluationItem,
    Field,
    Principle,
    Tier,
)
from kyodo.organizations.models import Organization
from kyodo.projects.models import DEPARTMENT_ORG_TYPE, AgreementVersion, Project
from kyodo.projects.workflow import Origin, Phase, ProjectStatus


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _departments() -> Any:
    return Organization.objects.filter(org_type__code=DEPARTMENT_ORG_TYPE).order_by("kana", "id")


class FilterForm(KyodoForm):
    q = forms.CharField(label=_("Words"), required=False)
    status = forms.ChoiceField(label=_("Stage"), required=False, choices=[])
    form = forms.ChoiceField(label=_("Form of collaboration"), required=False, choices=[])
    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None, choices=[]
    )
    district = forms.ChoiceField(label=_("District"), required=False, choices=[])
    field = forms.ChoiceField(label=_("Field"), required=False, choices=[])
    fiscal_year = forms.TypedChoiceField(
        label=_("Fiscal year"), required=False, coerce=int, empty_value=None, choices=[]
    )
    origin = forms.ChoiceField(label=_("Origin"), required=False, choices=[])

    def __init__(self, *args: Any, departments: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kyodo.core.formatting import fiscal_year_label

        anything = [("", _("Any"))]
        _choices(self, "status").choices = anything + [
            c for c in ProjectStatus.choices if c[0] != ProjectStatus.DRAFT
        ]
        _choices(self, "form").choices = anything + [
            (f.code, str(f)) for f in CollaborationForm.objects.all()
        ]
        _choices(self, "department").choices = anything + [(d.pk, d.name) for d in departments]
        _choices(self, "district").choices = anything + [
            (d.code, str(d)) for d in District.objects.all()
        ]
        _choices(self, "field").choices = anything + [(f.code, str(f)) for f in Field.objects.all()]
        fy = current_fiscal_year()
        _choices(self, "fiscal_year").choices = anything + [
            (y, fiscal_year_label(y)) for y in range(fy + 1, fy - 8, -1)
        ]
        _choices(self, "origin").choices = anything + list(Origin.choices)


class ProjectForm(KyodoForm):
    title = forms.CharField(label=_("Title"), max_length=150)
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the partners want to achieve together (目的共有)."),
    )
    summary = forms.CharField(
        label=_("What the project does"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    origin = forms.ChoiceField(label=_("Origin"), choices=Origin.choices, initial=Origin.CITIZEN)
    lead_organization = forms.ModelChoiceField(
        label=_("Proposing organization"), queryset=Organization.objects.none()
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Responsible departments"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    fiscal_year = forms.IntegerField(label=_("First fiscal year"), min_value=2000, max_value=2100)
    fiscal_year_end = forms.IntegerField(
        label=_("Last fiscal year"), min_value=2000, max_value=2100
    )
    forms_ = forms.MultipleChoiceField(
        label=_("Forms of collaboration"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    fields_ = forms.MultipleChoiceField(
        label=_("Fields"), choices=[], widget=forms.CheckboxSelectMultiple, required=False
    )
    districts = forms.MultipleChoiceField(
        label=_("Districts"), choices=[], widget=forms.CheckboxSelectMultiple, required=False
    )
    city_share_yen = YenField(label=_("City's share (yen)"), initial=0)
    lead_share_yen = YenField(label=_("Proposer's share (yen)"), initial=0)
    predecessor = forms.IntegerField(widget=forms.HiddenInput, required=False)
    theme = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kyodo.organizations.predicates import active_memberships, is_admin, is_coordinator
        from kyodo.projects.rules import MANAGER_ROLES

        if is_coordinator(user) or is_admin(user):
            leads = Organization.objects.public().order_by("kana", "id")
        else:
            ids = [
                m.organization_id
                for m in active_memberships(user)
                if m.role in MANAGER_ROLES or m.organization.org_type.actor_type.is_government
            ]
            leads = Organization.objects.filter(pk__in=ids).order_by("kana", "id")
        self.fields["lead_organization"].queryset = leads  # type: ignore[attr-defined]
        self.fields["departments"].queryset = _departments()  # type: ignore[attr-defined]
        _choices(self, "forms_").choices = [
            (f.code, str(f)) for f in CollaborationForm.objects.all()
        ]
        _choices(self, "fields_").choices = [(f.code, str(f)) for f in Field.objects.all()]
        _choices(self, "districts").choices = [(d.code, str(d)) for d in District.objects.all()]
        fy = current_fiscal_year()
        self.fields["fiscal_year"].initial = fy
        self.fields["fiscal_year_end"].initial = fy
        if editing:
            for name in (
                "origin",
                "lead_organization",
                "departments",
                "fiscal_year",
                "lead_share_yen",
                "predecessor",
                "theme",
            ):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("fiscal_year"), data.get("fiscal_year_end")
        if first and last and last < first:
            self.add_error("fiscal_year_end", _("The last fiscal year cannot be before the first."))
        return data


class CancelForm(KyodoForm):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MessageForm(KyodoForm):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(
        label=_("Attach a document"),
        required=False,
        help_text=_(
            "PDF, Word, Excel or an image. Only the partners and coordinators can open it."
        ),
    )


class InviteForm(KyodoForm):
    """Invite a partner. Before the agreement is signed the choice also holds registered
    groups, businesses and universities (`with_groups`), so a city-proposed project can
    find the partner a collaboration needs; afterwards only departments (関係課)."""

    organization = forms.ModelChoiceField(
        label=_("Organization to invite"), queryset=Organization.objects.none()
    )
    role_label = forms.CharField(label=_("Its role"), max_length=60, required=False)

    def __init__(self, *args: Any, project: Project, with_groups: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Organization.objects.filter(org_type__code=DEPARTMENT_ORG_TYPE)
        if with_groups:
            qs = Organization.objects.filter(
                Q(org_type__code=DEPARTMENT_ORG_TYPE)
                | Q(registration_status__in=("verified", "provisional"))
            )
        field = cast(forms.ModelChoiceField, self.fields["organization"])
        field.queryset = (
            qs.exclude(project_partners__project=project)
            .select_related("org_type")
            .order_by("org_type__actor_type__is_government", "kana", "id")
        )
        field.label_from_instance = lambda o: f"{o.name}（{o.org_type.name}）"  # type: ignore[method-assign,assignment]


class AgreementForm(KyodoForm):
    based_on = forms.IntegerField(widget=forms.HiddenInput)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    cost_note = forms.CharField(
        label=_("Cost sharing"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    clause_information = forms.CharField(
        label=_("Information sharing and publication"), widget=forms.Textarea(attrs={"rows": 3})
    )
    clause_responsibility = forms.CharField(
        label=_("Responsibility and insurance"), widget=forms.Textarea(attrs={"rows": 3})
    )
    clause_change = forms.CharField(
        label=_("Change and termination"), widget=forms.Textarea(attrs={"rows": 3})
    )
    clause_results = forms.CharField(
        label=_("Ownership of results"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    change_note = forms.CharField(label=_("What you changed"), max_length=200, required=False)

    def __init__(
        self, *args: Any, version: AgreementVersion, partners: list[Any], **kwargs: Any
    ) -> None:
        initial = {
            "based_on": version.number,
            "purpose": version.purpose,
            "period_start": version.period_start,
            "period_end": version.period_end,
            "cost_note": version.cost_note,
            "clause_information": version.clause_information,
            "clause_responsibility": version.clause_responsibility,
            "clause_change": version.clause_change,
            "clause_results": version.clause_results,
        }
        shares = {p.organization_id: p for p in version.parties.all()}
        for partner in partners:
            party = shares.get(partner.organization_id)
            initial[f"share_{partner.organization_id}"] = party.share_yen if party else 0
            initial[f"inkind_{partner.organization_id}"] = party.in_kind if party else ""
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for partner in partners:
            self.fields[f"share_{partner.organization_id}"] = YenField(
                label=_("Cost share of %(name)s (yen)") % {"name": partner.organization.name},
            )
            self.fields[f"inkind_{partner.organization_id}"] = forms.CharField(
                label=_("In-kind contribution of %(name)s") % {"name": partner.organization.name},
                max_length=200,
                required=False,
            )


class RoleForm(KyodoForm):
    task = forms.CharField(label=_("Task"), max_length=200, required=False)
    party = forms.ModelChoiceField(
        label=_("Responsible party"), queryset=Organization.objects.none(), required=False
    )
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices, required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=[], required=False)
    person = forms.ModelChoiceField(
        label=_("Person in charge"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            project_partners__project=project
        )
        _choices(self, "tier").choices = [(t.code, str(t)) for t in Tier.objects.all()]
        self.fields["person"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            memberships__organization__project_partners__project=project,
            memberships__status="active",
        ).distinct()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("task") and not data.get("party"):
            self.add_error("party", _("Choose who is responsible for this task."))
        return data


RoleFormSet = forms.formset_factory(RoleForm, extra=3, max_num=60)


class ChecklistForm(KyodoForm):
    def __init__(self, *args: Any, answers: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for p in Principle.objects.all():
            self.fields[f"p{p.pk}"] = forms.CharField(
                label=str(p),
                help_text=p.planning_prompt,
                required=False,
                initial=answers.get(p.pk, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )


class ApproveForm(KyodoForm):
    organization = forms.ModelChoiceField(
        label=_("Approve for"), queryset=Organization.objects.none()
    )
    version_number = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I have read this version and approve it on behalf of the organization")
    )

    def __init__(self, *args: Any, org_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=org_ids)  # type: ignore[attr-defined]


class ProgressReportForm(KyodoForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    reported_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    body = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 5}))
    participants = forms.IntegerField(
        label=pgettext_lazy("count", "Participants"), min_value=0, required=False
    )
    photo = forms.ImageField(label=_("Photo"), required=False)
    photo_alt = forms.CharField(label=_("What the photo shows"), max_length=200, required=False)
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("photo") and not (data.get("photo_alt") or "").strip():
            self.add_error("photo_alt", _("Describe what the photo shows."))
        return data


class MilestoneForm(KyodoForm):
    title = forms.CharField(label=_("Milestone"), max_length=120)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))


class TargetForm(KyodoForm):
    description = forms.CharField(label=_("Outcome target"), max_length=200)
    target_value = forms.CharField(label=_("Target"), max_length=100, required=False)


class IndicatorForm(KyodoForm):
    name = forms.CharField(label=_("Activity indicator"), max_length=120)
    target_value = forms.IntegerField(label=_("Target value"), min_value=0)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)


class ChangeRequestForm(KyodoForm):
    summary = forms.CharField(label=pgettext_lazy("change request", "Change"), max_length=200)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    new_period_end = forms.DateField(
        label=_("New end date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    new_city_share_yen = YenField(label=_("New city share (yen)"), required=False)


class DecideChangeForm(KyodoForm):
    organization = forms.ModelChoiceField(
        label=_("Decide for"), queryset=Organization.objects.none()
    )
    decision = forms.ChoiceField(
        label=pgettext_lazy("change request", "Decision"),
        choices=[("approve", _("Agree to the change")), ("reject", _("Do not agree"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, org_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=org_ids)  # type: ignore[attr-defined]


class CompletionForm(KyodoForm):
    summary = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}))
    results = forms.CharField(
        label=_("Results against the targets"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    participants = forms.IntegerField(label=pgettext_lazy("count", "Participants"), min_value=0)
    actual_city_yen = YenField(label=_("Actual city spending (yen)"))
    actual_partner_yen = YenField(label=_("Actual partner spending (yen)"))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = list(project.indicators.all())
        self.targets = list(project.targets.all())
        for ind in self.indicators:
            self.fields[f"ind_{ind.pk}"] = forms.IntegerField(
                label=_("Actual: %(name)s (target %(target)s%(unit)s)")
                % {"name": ind.name, "target": ind.target_value, "unit": ind.unit},
                min_value=0,
                initial=ind.actual_value,
            )
        for tgt in self.targets:
            self.fields[f"tgt_{tgt.pk}"] = forms.CharField(
                label=_("Result: %(name)s") % {"name": tgt.description},
                max_length=100,
                required=False,
                initial=tgt.actual_value,
            )
            self.fields[f"ach_{tgt.pk}"] = forms.TypedChoiceField(
                label=_("Achieved: %(name)s") % {"name": tgt.description},
                choices=[("", _("Not judged")), ("yes", _("Achieved")), ("no", _("Not achieved"))],
                coerce=lambda v: {"yes": True, "no": False}.get(v),
                empty_value=None,
                required=False,
                initial="yes" if tgt.achieved is True else ("no" if tgt.achieved is False else ""),
            )


SCORE_CHOICES = [
    (5, _("5 far above expectations")),
    (4, _("4 somewhat above")),
    (3, _("3 as expected")),
    (2, _("2 somewhat below")),
    (1, _("1 far below")),
]


class EvaluationForm(KyodoForm):
    organization = forms.ModelChoiceField(
        label=_("Evaluate for"), queryset=Organization.objects.none()
    )
    overall_satisfaction = forms.TypedChoiceField(
        label=_("Overall satisfaction"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    lessons = forms.CharField(
        label=_("Lessons for the next project"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args: Any, org_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=org_ids)  # type: ignore[attr-defined]
        self.items = list(EvaluationItem.objects.all())
        for item in self.items:
            self.fields[f"score_{item.pk}"] = forms.TypedChoiceField(
                label=item.name,
                help_text=item.question,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=_("Comment on “%(item)s”") % {"item": item.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"reason_{item.pk}"] = forms.CharField(
                label=_("Reason (required for 1 or 2)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )


class LessonsForm(KyodoForm):
    lessons = forms.CharField(label=_("Agreed lessons"), widget=forms.Textarea(attrs={"rows": 4}))


class ThemeForm(KyodoForm):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Title"), max_length=120)
    problem = forms.CharField(label=_("Problem to solve"), widget=forms.Textarea(attrs={"rows": 4}))
    target = forms.CharField(
        label=_("Who it is for"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    expected_outcome = forms.CharField(
        label=_("Expected outcome"), widget=forms.Textarea(attrs={"rows": 3})
    )
    budget_ceiling_yen = YenField(
        label=_("Budget ceiling (yen)"),
        help_text=_("0 means no ceiling. A proposal's city share cannot exceed it."),
    )
    deadline = forms.DateField(
        label=_("Deadline for proposals"), widget=forms.DateInput(attrs={"type": "date"})
    )
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kyodo.organizations.predicates import department_ids, is_admin, is_coordinator

        qs = _departments()
        if not (is_coordinator(user) or is_admin(user)):
            qs = qs.filter(pk__in=department_ids(user))
        self.fields["department"].queryset = qs  # type: ignore[attr-defined]
        self.fields["fiscal_year"].initial = current_fiscal_year() + 1


class ThemeAnswerForm(KyodoForm):
    organization = forms.ModelChoiceField(
        label=_("Proposing organization"), queryset=Organization.objects.none()
    )
    title = forms.CharField(label=_("Title of your proposal"), max_length=150)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    summary = forms.CharField(
        label=_("What you propose to do"), widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kyodo.organizations.predicates import active_memberships
        from kyodo.projects.rules import MANAGER_ROLES

        ids = [
            m.organization_id
            for m in active_memberships(user)
            if m.role in MANAGER_ROLES and not m.organization.org_type.actor_type.is_government
        ]
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
