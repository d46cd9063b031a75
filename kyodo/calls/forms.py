"""Forms of the calls app. They validate input; services do every write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyodo.calls import money
from kyodo.calls.models import (
    Application,
    Call,
    CityDecisionChoice,
    Conclusion,
    EligibilityOutcome,
    IncomeSource,
    Phase,
    RequiredDocument,
    Round,
    Track,
)
from kyodo.core.fields import MAX_YEN, AsciiIntegerField, YenField
from kyodo.core.text import KyodoForm, KyodoModelForm
from kyodo.guideline.models import OrganizationType
from kyodo.organizations.models import Organization

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YEN_ATTRS = {"inputmode": "numeric", "min": "0", "step": "1"}


def yen_field(label: Any, required: bool = True, **kwargs: Any) -> YenField:
    """Every yen input of the calls app: one bound (MAX_YEN), full-width digits and 円 accepted,
    a Japanese field error for anything else (never an overflow at the database)."""
    return YenField(label=label, required=required, **kwargs)


def count_field(label: Any, *, min_value: int = 0, max_value: int = 32767, **kwargs: Any) -> Any:
    return AsciiIntegerField(
        label=label,
        min_value=min_value,
        max_value=max_value,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CallForm(KyodoModelForm):
    total_budget_yen = yen_field(_("Total budget (yen)"))
    eligible_categories_text = forms.CharField(
        label=_("Eligible expense categories"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("One category per line, e.g. 報償費."),
    )
    excluded_categories_text = forms.CharField(
        label=_("Expenses that are never eligible"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line, e.g. 会議の飲食費."),
    )

    class Meta:
        model = Call
        fields = [
            "kind",
            "fiscal_year",
            "title",
            "summary",
            "department",
            "total_budget_yen",
            "eligible_org_types",
            "minimum_members",
            "requires_base_in_city",
            "requires_verified",
            "normalise_to",
            "adoption_threshold",
            "conflict_policy",
        ]
        widgets = {
            "eligible_org_types": forms.CheckboxSelectMultiple,
            "conflict_policy": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Organization.objects.departments()  # type: ignore[attr-defined]
        self.fields["eligible_org_types"].queryset = OrganizationType.objects.filter(  # type: ignore[attr-defined]
            actor_type__is_government=False
        )
        if self.instance.pk:
            self.fields["eligible_categories_text"].initial = "\n".join(
                self.instance.eligible_categories
            )
            self.fields["excluded_categories_text"].initial = "\n".join(
                self.instance.excluded_categories
            )

    def changes(self) -> dict[str, Any]:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k in self.Meta.fields and k != "eligible_org_types"
        }
        data["eligible_categories"] = _lines(self.cleaned_data.get("eligible_categories_text", ""))
        data["excluded_categories"] = _lines(self.cleaned_data.get("excluded_categories_text", ""))
        return data


class CallCreateForm(KyodoModelForm):
    total_budget_yen = yen_field(_("Total budget (yen)"))

    class Meta:
        model = Call
        fields = ["kind", "fiscal_year", "title", "summary", "department", "total_budget_yen"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Organization.objects.departments()  # type: ignore[attr-defined]


class RoundForm(KyodoModelForm):
    class Meta:
        model = Round
        fields = ["name", "order", "opens_at", "closes_at", "presentation_date", "decision_date"]
        widgets = {
            "opens_at": DATETIME,
            "closes_at": DATETIME,
            "presentation_date": DATE,
            "decision_date": DATE,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        return data


class FundingRuleForm(KyodoForm):
    # Every select has an initial value equal to what a browser sends for an untouched row,
    # so empty extra rows of a formset count as unchanged and are skipped.
    track = forms.ChoiceField(label=_("Track"), choices=Track.choices, initial=Track.CITIZEN)
    continuation_year = forms.IntegerField(
        label=_("Year of continuation"), min_value=1, max_value=10
    )
    rate_percent = forms.CharField(
        label=_("Rate (%)"), max_length=6, help_text=_("e.g. 90 or 66.67")
    )
    cap_yen = yen_field(_("Cap (yen)"))
    rounding_unit_yen = YenField(
        label=_("Rounded down to (yen)"), min_value=1, max_value=MAX_YEN, initial=1000
    )

    def clean_rate_percent(self) -> int:
        try:
            bp = money.percent_to_basis_points(self.cleaned_data["rate_percent"])
        except ValueError:
            raise ValidationError(_("Enter the rate as a number from 0 to 100, e.g. 90.")) from None
        if bp > 10000:
            raise ValidationError(_("The rate cannot be above 100%."))
        return bp


class CriterionForm(KyodoForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.SlugField(label=_("Code"), max_length=50)
    order = forms.IntegerField(label=_("Order"), min_value=1)
    name = forms.CharField(label=_("Criterion"), max_length=60)
    description = forms.CharField(
        label=_("What reviewers look for"), required=False, max_length=500
    )
    max_score = forms.IntegerField(label=_("Maximum score"), min_value=1, max_value=100)
    weight = forms.IntegerField(label=_("Weight"), min_value=0, max_value=100)


class RequiredDocumentForm(KyodoForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=1)
    name = forms.CharField(label=_("Document"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, max_length=300)
    is_required = forms.BooleanField(label=_("Required"), required=False, initial=True)


FundingRuleFormSet = forms.formset_factory(FundingRuleForm, extra=1, can_delete=True)
CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True)
RequiredDocumentFormSet = forms.formset_factory(RequiredDocumentForm, extra=1, can_delete=True)


class ApplicationStartForm(KyodoForm):
    organization = forms.ModelChoiceField(
        label=_("Applying group"), queryset=Organization.objects.none()
    )
    round = forms.ModelChoiceField(label=_("Review round"), queryset=Round.objects.none())
    title = forms.CharField(label=_("Project title"), max_length=200)
    on_paper = forms.BooleanField(
        label=_("This is a paper application I am entering for the group"), required=False
    )
    paper_received_on = forms.DateField(
        label=_("Date the paper application was received"), required=False, widget=DATE
    )

    def __init__(
        self, *args: Any, call: Call, organizations: Any, coordinator: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["round"].queryset = call.rounds.all()  # type: ignore[attr-defined]
        if not coordinator:
            del self.fields["on_paper"]
            del self.fields["paper_received_on"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("on_paper") and not data.get("paper_received_on"):
            self.add_error(
                "paper_received_on", _("Enter the date the city received the paper application.")
            )
        return data


class ApplicationForm(KyodoModelForm):
    class Meta:
        model = Application
        fields = [
            "title",
            "round",
            "theme",
            "track",
            "continuation_year",
            "purpose",
            "content",
            "target_people",
            "place",
            "schedule",
            "targets",
            "co_applicants",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "content": forms.Textarea(attrs={"rows": 6}),
            "target_people": forms.Textarea(attrs={"rows": 3}),
            "schedule": forms.Textarea(attrs={"rows": 4}),
            "targets": forms.Textarea(attrs={"rows": 4}),
            "track": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        app: Application = self.instance
        self.fields["round"].queryset = app.call.rounds.all()  # type: ignore[attr-defined]
        self.fields["round"].label = _("Review round")  # the model field has no translated name
        self.fields["co_applicants"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.groups()
            .public()
            .exclude(pk=app.organization_id)
            .only("id", "name", "kana")
        )
        self.fields["co_applicants"].required = False
        self.fields["co_applicants"].help_text = _("Only for joint applications.")
        self.fields["theme"].required = False
        from kyodo.projects.models import Theme

        theme_field: Any = self.fields["theme"]
        theme_field.queryset = Theme.objects.filter(fiscal_year__gte=app.call.fiscal_year - 1)


class IncomeLineForm(KyodoForm):
    source = forms.ChoiceField(
        label=pgettext_lazy("budget income", "Source"),
        choices=IncomeSource.choices,
        initial=IncomeSource.SUBSIDY,
    )
    description = forms.CharField(label=_("Details"), max_length=200, required=False)
    amount_yen = yen_field(_("Amount (yen)"))


class ExpenseLineForm(KyodoForm):
    category = forms.ChoiceField(label=pgettext_lazy("budget line", "Category"), choices=())
    description = forms.CharField(label=_("Details"), max_length=200, required=False)
    unit_price_yen = yen_field(_("Unit price (yen)"))
    quantity = count_field(_("Quantity"), min_value=1, max_value=1_000_000, initial=1)
    is_eligible = forms.BooleanField(
        label=_("Eligible for the subsidy"), required=False, initial=True
    )

    def __init__(self, *args: Any, categories: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = list(dict.fromkeys([*(categories or []), "その他"]))
        self.fields["category"].choices = [(n, n) for n in names]  # type: ignore[attr-defined]
        self.fields["category"].initial = names[0]


IncomeFormSet = forms.formset_factory(IncomeLineForm, extra=2, can_delete=True)
ExpenseFormSet = forms.formset_factory(ExpenseLineForm, extra=3, can_delete=True)


class RoleForm(KyodoForm):
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices, initial=Phase.PLANNING)
    party = forms.CharField(label=_("Who"), max_length=100)
    role = forms.CharField(label=_("What they do"), max_length=300)


RoleFormSet = forms.formset_factory(RoleForm, extra=3, can_delete=True)


class DocumentForm(KyodoForm):
    requirement = forms.ModelChoiceField(
        label=_("Which document"), queryset=RequiredDocument.objects.none(), required=False
    )
    file = forms.FileField(label=_("File (PDF, Office document or image)"))

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = call.required_documents.all()  # type: ignore[attr-defined]


class EligibilityCheckForm(KyodoForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=EligibilityOutcome.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when returning or refusing: the group sees them."),
    )


class AssignReviewerForm(KyodoForm):
    email = forms.EmailField(label=_("Reviewer's e-mail address"))

    def clean_email(self) -> Any:
        from kyodo.accounts.models import User

        user = User.objects.filter(email__iexact=self.cleaned_data["email"], is_active=True).first()
        if user is None:
            raise ValidationError(
                _(
                    "Nobody has an account with this e-mail address. Ask the reviewer to sign up first."
                )
            )
        return user


class ConflictForm(KyodoForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, help_text=_("e.g. I advise this group.")
    )


class ScoreForm(KyodoForm):
    comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, criteria: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=c.name,
                coerce=int,
                choices=[(i, str(i)) for i in range(c.max_score + 1)],
                widget=forms.RadioSelect,
                help_text=c.description,
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Comment on “%(name)s”") % {"name": c.name}, required=False, max_length=500
            )

    def scores(self) -> dict[int, tuple[int, str]]:
        return {
            c.pk: (
                int(self.cleaned_data[f"score_{c.pk}"]),
                self.cleaned_data.get(f"comment_{c.pk}", ""),
            )
            for c in self.criteria
        }


class PresentationForm(KyodoForm):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=120, initial=15)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class CommitteeForm(KyodoForm):
    conclusion = forms.ChoiceField(
        label=_("Committee's conclusion"), choices=Conclusion.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comments (講評)"), widget=forms.Textarea(attrs={"rows": 4}))
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CityDecisionForm(KyodoForm):
    decision = forms.ChoiceField(
        label=_("City's decision"), choices=CityDecisionChoice.choices, widget=forms.RadioSelect
    )
    amount_yen = yen_field(_("Amount allocated (yen)"), required=False)
    reason = forms.CharField(
        label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class GrantForm(KyodoForm):
    amount_yen = yen_field(_("Grant amount (yen)"))
    conditions = forms.CharField(
        label=_("Conditions of the grant"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ChangeRequestForm(KyodoForm):
    description = forms.CharField(label=_("What changes"), widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))
    new_amount_yen = yen_field(
        _("New grant amount (yen)"),
        required=False,
        help_text=_("Leave empty if the amount does not change."),
    )


class ChangeDecisionForm(KyodoForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Approve")), ("no", _("Do not approve"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the group"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SettlementForm(KyodoForm):
    results = forms.CharField(
        label=_("Results of the project"), widget=forms.Textarea(attrs={"rows": 6})
    )
    participants = count_field(
        _("Number of participants"), min_value=0, max_value=1_000_000, required=False
    )


class SettlementLineForm(KyodoForm):
    keep = forms.IntegerField(widget=forms.HiddenInput, required=False)
    category = forms.ChoiceField(label=pgettext_lazy("budget line", "Category"), choices=())
    description = forms.CharField(label=_("Details"), max_length=200, required=False)
    amount_yen = yen_field(_("Amount spent (yen)"))
    is_eligible = forms.BooleanField(
        label=_("Eligible for the subsidy"), required=False, initial=True
    )
    receipt = forms.FileField(label=_("Receipt"), required=False)

    def __init__(self, *args: Any, categories: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = list(dict.fromkeys([*(categories or []), "その他"]))
        self.fields["category"].choices = [(n, n) for n in names]  # type: ignore[attr-defined]
        self.fields["category"].initial = names[0]


SettlementLineFormSet = forms.formset_factory(SettlementLineForm, extra=2, can_delete=True)


class ReturnForm(KyodoForm):
    reason = forms.CharField(
        label=_("What the group should correct"), widget=forms.Textarea(attrs={"rows": 3})
    )


class PaymentForm(KyodoForm):
    amount_yen = yen_field(_("Amount paid (yen)"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
