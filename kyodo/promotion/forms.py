from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import User
from kyodo.core.text import KyodoForm, KyodoModelForm
from kyodo.guideline.models import Principle
from kyodo.organizations.models import Membership, MembershipStatus, Organization
from kyodo.promotion.models import SurveyRecord


def _public_name(user: User) -> str:
    return user.public_name


class LiaisonForm(KyodoForm):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Organization.objects.none())
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments
        staff_ids = Membership.objects.filter(
            organization__in=departments, status=MembershipStatus.ACTIVE
        ).values("user_id")
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = User.objects.filter(
            pk__in=staff_ids
        ).order_by("display_name")
        cast(forms.ModelChoiceField, self.fields["user"]).label_from_instance = _public_name  # type: ignore[method-assign,assignment]


class CoordinationRequestForm(KyodoForm):
    from_department = forms.ModelChoiceField(
        label=_("Your department"), queryset=Organization.objects.none()
    )
    to_department = forms.ModelChoiceField(
        label=_("Department to ask"), queryset=Organization.objects.none()
    )
    subject = forms.CharField(label=_("Subject"), max_length=150)
    message = forms.CharField(label=_("What you are asking"), widget=forms.Textarea)
    due_on = forms.DateField(
        label=_("Answer needed by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, own_departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["from_department"]).queryset = own_departments
        cast(
            forms.ModelChoiceField, self.fields["to_department"]
        ).queryset = Organization.objects.departments().order_by("kana")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from_department") and data.get("from_department") == data.get("to_department"):
            self.add_error("to_department", _("Choose another department to ask."))
        return data


class AnswerForm(KyodoForm):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("We will join")), ("decline", _("We cannot join"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Required when you decline: say why, and who else could help."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Please give a reason when you decline."))
        return data


class SelfCheckForm(KyodoForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(i, str(i)) for i in range(1, 6)]
        for p in Principle.objects.all():
            self.fields[f"p{p.pk}"] = forms.TypedChoiceField(
                label=f"{p.circled_number} {p.name}",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=p.evaluation_question,
            )

    def scores(self) -> dict[int, int]:
        return {int(k[1:]): v for k, v in self.cleaned_data.items()}


class SurveyOpenForm(KyodoForm):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    closes_on = forms.DateField(
        label=_("Answers due by"), widget=forms.DateInput(attrs={"type": "date"})
    )


class SurveyRecordForm(KyodoModelForm):
    class Meta:
        model = SurveyRecord
        fields = [
            "title",
            "form",
            "partner_name",
            "partner_type",
            "field",
            "district",
            "is_new",
            "city_share_yen",
            "partner_share_yen",
            "participants",
            "note",
        ]


class SurveyImportForm(KyodoForm):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or Excel)"),
        help_text=_(
            "The first row must hold the column names: 事業名, 協働の形態, 相手方, 相手方の種類 (and optionally 分野, 地区, 新規・継続, 市の負担額, 相手方の負担額, 参加者数, 備考)."
        ),
    )
    valid_only = forms.BooleanField(
        label=_("Import only the rows without problems"), required=False
    )
    confirm = forms.BooleanField(
        label=_("Import now (leave unticked to check the file first)"), required=False
    )
