"""Calls (公募: 提案型協働事業補助金, 協働委託事業, 行政提案型), their published decisions, and
the applications groups make to them.

Reads use kyodo.calls.selectors and the `calls.*` rules (checked with `selectors.allowed`,
like the website: a superuser passes only the rules that name administrators). Writes go
through kyodo.calls.services, and every value is validated by the website's own forms
(`ApplicationStartForm`, `ApplicationForm`, `IncomeLineForm`, `ExpenseLineForm`,
`RoleForm`), so what the API accepts and refuses is exactly what the pages accept and refuse.

Public output never contains people: applicants appear as their organization, reviewers
never appear, and scores only as the snapshot published with a round's results
(per-criterion averages and the total), never a reviewer's own scores."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, field_validator

from kyodo.api.auth import SIGNED_IN, caller
from kyodo.api.errors import error_responses
from kyodo.api.schemas import PageQuery, page_schema, paginate
from kyodo.calls import forms, selectors, services
from kyodo.calls.models import (
    Application,
    ApplicationDocument,
    Call,
    CallKind,
    Decision,
    Round,
)
from kyodo.calls.selectors import allowed
from kyodo.calls.workflow import ApplicationStatus
from kyodo.organizations.models import Organization
from kyodo.organizations.predicates import is_coordinator, manages

router = Router(tags=["calls"])
applications_router = Router(tags=["applications"])

# Ids are 64-bit (BigAutoField): larger numbers are refused with 422 rather than reaching
# the database.
MAX_ID = 2**63 - 1
# Amounts in yen and quantities: whole numbers in the range the database columns hold.
MAX_YEN = 10**12
MAX_QUANTITY = 10**6

CallId = Annotated[int, Path(ge=1, le=MAX_ID, description="id of the call")]
ApplicationId = Annotated[int, Path(ge=1, le=MAX_ID, description="id of the application")]

WindowStatus = Literal["open", "upcoming", "closed"]


# --- shared small shapes ---------------------------------------------------------------------


class IdName(Schema):
    id: int
    name: str


class RoundOut(Schema):
    id: int
    name: str = Field(description="e.g. 早期審査, 通常審査")
    order: int
    opens_at: dt.datetime
    closes_at: dt.datetime = Field(description="applications are accepted until (not at) this")
    status: WindowStatus = Field(description="by server time: open, upcoming or closed")
    presentation_date: dt.date | None
    decision_date: dt.date | None
    results_published_at: dt.datetime | None


def _window(opens_at: dt.datetime, closes_at: dt.datetime, now: dt.datetime) -> str:
    if opens_at <= now < closes_at:
        return "open"
    return "upcoming" if now < opens_at else "closed"


def round_out(rnd: Round, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": rnd.pk,
        "name": rnd.name,
        "order": rnd.order,
        "opens_at": rnd.opens_at,
        "closes_at": rnd.closes_at,
        "status": _window(rnd.opens_at, rnd.closes_at, now),
        "presentation_date": rnd.presentation_date,
        "decision_date": rnd.decision_date,
        "results_published_at": rnd.results_published_at,
    }


def _call_window(rounds: list[Round], now: dt.datetime) -> str:
    """open: a round accepts applications now; upcoming: none does, one will; closed: else."""
    windows = {_window(r.opens_at, r.closes_at, now) for r in rounds}
    if "open" in windows:
        return "open"
    return "upcoming" if "upcoming" in windows else "closed"


# --- calls ---------------------------------------------------------------------------------


class CallOut(Schema):
    id: int
    title: str
    kind: str = Field(
        description="subsidy (提案型協働事業補助金), commission (協働委託事業), city_theme"
    )
    kind_label: str
    form: str = Field(description="code of the collaboration form in /guideline/forms")
    fiscal_year: int = Field(description="fiscal year (年度), e.g. 2026 = 令和8年度")
    summary: str
    department: IdName | None = Field(description="the responsible department (organization)")
    publication: str = Field(
        description="published or archived (coordinators also see calls being prepared: draft)"
    )
    status: WindowStatus = Field(
        description="open: a round accepts applications now; upcoming: one will; closed"
    )
    total_budget_yen: int
    published_at: dt.datetime | None
    results_published: bool = Field(description="a round's decisions are published")
    rounds: list[RoundOut]


class FundingRuleOut(Schema):
    track: str = Field(description="citizen (市民提案型) or city (行政提案型)")
    continuation_year: int = Field(description="1 for a first application, 2 for the second…")
    rate_basis_points: int = Field(description="10000 = 100%")
    rate_percent: str
    cap_yen: int
    rounding_unit_yen: int = Field(description="the subsidy is a multiple of this")


class EligibilityOut(Schema):
    organization_types: list[str] = Field(
        description="codes in /guideline/organization-types; empty: every kind of group"
    )
    minimum_members: int
    requires_base_in_city: bool
    requires_verified: bool = Field(description="must be a registered group verified by the city")
    eligible_categories: list[str] = Field(description="expense categories the subsidy may pay")
    excluded_categories: list[str]


class RequiredDocumentOut(Schema):
    id: int
    order: int
    name: str
    description: str
    required: bool


class CriterionOut(Schema):
    code: str
    order: int
    name: str
    name_en: str
    description: str
    max_score: int
    weight: int


class CallDetailOut(CallOut):
    eligibility: EligibilityOut
    funding_rules: list[FundingRuleOut]
    required_documents: list[RequiredDocumentOut]
    criteria: list[CriterionOut] = Field(description="the screening rubric (審査基準)")
    normalise_to: int = Field(description="totals are out of this")
    adoption_threshold: int
    conflict_policy: str = Field(description="exclude or mean_of_others (conflicts of interest)")
    accepting_applications: bool = Field(description="a round is open now (server time)")


CallPage = page_schema(CallOut, "CallPage")


def _form_of(kind: str) -> str:
    return "commission" if kind == CallKind.COMMISSION else "subsidy"


def _funding_rule_out(rule: Any) -> dict[str, Any]:
    return {
        "track": rule.track,
        "continuation_year": rule.continuation_year,
        "rate_basis_points": rule.rate_basis_points,
        "rate_percent": rule.rate_percent_label,
        "cap_yen": rule.cap_yen,
        "rounding_unit_yen": rule.rounding_unit_yen,
    }


def call_out(call: Call, now: dt.datetime) -> dict[str, Any]:
    rounds = list(call.rounds.all())
    return {
        "id": call.pk,
        "title": call.title,
        "kind": call.kind,
        "kind_label": str(call.get_kind_display()),
        "form": _form_of(call.kind),
        "fiscal_year": call.fiscal_year,
        "summary": call.summary,
        "department": {"id": call.department.pk, "name": call.department.name}
        if call.department
        else None,
        "publication": call.status,
        "status": _call_window(rounds, now),
        "total_budget_yen": call.total_budget_yen,
        "published_at": call.published_at,
        "results_published": any(r.results_published_at for r in rounds),
        "rounds": [round_out(r, now) for r in rounds],
    }


def call_detail_out(call: Call, now: dt.datetime) -> dict[str, Any]:
    data = call_out(call, now)
    data.update(
        {
            "eligibility": {
                "organization_types": [t.code for t in call.eligible_org_types.all()],
                "minimum_members": call.minimum_members,
                "requires_base_in_city": call.requires_base_in_city,
                "requires_verified": call.requires_verified,
                "eligible_categories": [str(c) for c in call.eligible_categories or []],
                "excluded_categories": [str(c) for c in call.excluded_categories or []],
            },
            "funding_rules": [_funding_rule_out(r) for r in call.funding_rules.all()],
            "required_documents": [
                {
                    "id": d.pk,
                    "order": d.order,
                    "name": d.name,
                    "description": d.description,
                    "required": d.is_required,
                }
                for d in call.required_documents.all()
            ],
            "criteria": [
                {
                    "code": c.code,
                    "order": c.order,
                    "name": c.name,
                    "name_en": c.name_en,
                    "description": c.description,
                    "max_score": c.max_score,
                    "weight": c.weight,
                }
                for c in call.criteria.all()
            ],
            "normalise_to": call.normalise_to,
            "adoption_threshold": call.adoption_threshold,
            "conflict_policy": call.conflict_policy,
            "accepting_applications": data["status"] == "open",
        }
    )
    return data


class CallFilters(Schema):
    status: WindowStatus | None = Field(
        None, description="open (accepting applications now), upcoming or closed (server time)"
    )
    kind: Literal["subsidy", "commission", "city_theme"] | None = None
    form: str | None = Field(
        None,
        description="collaboration form code (/guideline/forms): subsidy (subsidy and "
        "city_theme calls) or commission",
    )
    fiscal_year: int | None = Field(None, ge=1, le=9999)
    field: str | None = Field(
        None,
        description="field code (/guideline/fields): calls whose responsible department "
        "works in that field (calls have no field of their own)",
    )


def _visible_calls(user: Any) -> QuerySet[Call]:
    """The calls `calls.view_call` lets the user see: published and archived ones, and
    also drafts for coordinators (same as selectors.call_list)."""
    qs = Call.objects.all() if allowed(user, "calls.manage_call") else Call.objects.public()
    return qs.select_related("department").prefetch_related("rounds")


@router.get("", response={200: CallPage, **error_responses(422, 429)})
def list_calls(request: HttpRequest, filters: Query[CallFilters], page: Query[PageQuery]) -> Any:
    """Calls for collaboration projects, latest fiscal year first."""
    now = timezone.now()
    qs = _visible_calls(caller(request))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.form:
        kinds = {
            "commission": [CallKind.COMMISSION],
            "subsidy": [CallKind.SUBSIDY, CallKind.CITY_THEME],
        }.get(filters.form, [])
        qs = qs.filter(kind__in=kinds)
    if filters.fiscal_year:
        qs = qs.filter(fiscal_year=filters.fiscal_year)
    if filters.field:
        qs = qs.filter(department__fields__code=filters.field)
    if filters.status:
        rounds = Round.objects.filter(call=OuterRef("pk"))
        is_open = Exists(rounds.filter(opens_at__lte=now, closes_at__gt=now))
        is_upcoming = Exists(rounds.filter(opens_at__gt=now))
        if filters.status == "open":
            qs = qs.filter(is_open)
        elif filters.status == "upcoming":
            qs = qs.filter(~is_open & is_upcoming)
        else:
            qs = qs.filter(~is_open & ~is_upcoming)
    return paginate(
        qs,
        ordering=("-fiscal_year", "-id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=lambda call: call_out(call, now),
    )


@router.get("/{call_id}", response={200: CallDetailOut, **error_responses(404, 422, 429)})
def get_call(request: HttpRequest, call_id: CallId) -> Any:
    """One call: its rounds and windows, funding rules (rate, cap, unit), eligibility,
    required documents and screening criteria."""
    return call_detail_out(selectors.get_call_for(caller(request), call_id), timezone.now())


# --- published decisions -------------------------------------------------------------------


class CriterionMeanOut(Schema):
    code: str
    name: str
    mean: str | None = Field(description="average over the counted reviewers (decimal string)")
    max: int


class DecisionOut(Schema):
    application: int = Field(description="id of the application")
    title: str
    organization: IdName = Field(description="the applicant group")
    co_applicants: list[IdName]
    round: IdName
    rank: int | None
    total_score: str | None = Field(description="published total (decimal string)")
    out_of: int
    criteria: list[CriterionMeanOut] = Field(
        description="per-criterion averages as published; never a reviewer's own scores"
    )
    committee_conclusion: str = Field(description="adopt, adopt_with_conditions, reject")
    committee_conclusion_label: str
    committee_conditions: str
    committee_comment: str = Field(description="講評")
    city_decision: str = Field(description="adopt or reject (the city's own decision)")
    city_decision_label: str
    city_reason: str
    adopted: bool
    amount_yen: int = Field(description="amount the city allocated (0 when not adopted)")
    published_at: dt.datetime


DecisionPage = page_schema(DecisionOut, "DecisionPage")


class DecisionFilters(Schema):
    adopted: bool | None = Field(None, description="only adopted (true) or not adopted (false)")


def decision_out(decision: Decision, out_of: int) -> dict[str, Any]:
    application = decision.application
    return {
        "application": application.pk,
        "title": application.title,
        "organization": {"id": application.organization.pk, "name": application.organization.name},
        "co_applicants": [{"id": o.pk, "name": o.name} for o in application.co_applicants.all()],
        "round": {"id": application.round.pk, "name": application.round.name},
        "rank": decision.published_rank,
        "total_score": str(decision.published_total)
        if decision.published_total is not None
        else None,
        "out_of": out_of,
        "criteria": [
            {
                "code": str(c.get("code", "")),
                "name": str(c.get("name", "")),
                "mean": str(c["mean"]) if c.get("mean") is not None else None,
                "max": int(c.get("max") or 0),
            }
            for c in decision.published_criteria or []
            if isinstance(c, dict)
        ],
        "committee_conclusion": decision.committee_conclusion,
        "committee_conclusion_label": str(decision.get_committee_conclusion_display()),
        "committee_conditions": decision.committee_conditions,
        "committee_comment": decision.committee_comment,
        "city_decision": decision.city_decision,
        "city_decision_label": str(decision.get_city_decision_display()),
        "city_reason": decision.city_reason,
        "adopted": decision.city_decision == "adopt",
        "amount_yen": decision.city_amount_yen if decision.city_decision == "adopt" else 0,
        "published_at": decision.published_at,
    }


@router.get("/{call_id}/decisions", response={200: DecisionPage, **error_responses(404, 422, 429)})
def list_call_decisions(
    request: HttpRequest,
    call_id: CallId,
    filters: Query[DecisionFilters],
    page: Query[PageQuery],
) -> Any:
    """The published results (審査結果): for every decided application of a round whose
    results are published, the committee's conclusion and the city's decision, the amount,
    the rank, the total and the per-criterion averages. By round, then rank. Only what the
    results page publishes (the snapshot taken at publication), to everyone alike."""
    call = selectors.get_call_for(caller(request), call_id)
    qs = (
        Decision.objects.filter(
            application__call=call,
            application__round__results_published_at__isnull=False,
            published_at__isnull=False,
        )
        .select_related("application__organization", "application__round")
        .prefetch_related("application__co_applicants")
        .annotate(rank_key=Coalesce("published_rank", Value(32767), output_field=IntegerField()))
    )
    if filters.adopted is True:
        qs = qs.filter(city_decision="adopt")
    elif filters.adopted is False:
        qs = qs.exclude(city_decision="adopt")
    return paginate(
        qs,
        ordering=("application__round__order", "application__round_id", "rank_key", "id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=lambda d: decision_out(d, call.normalise_to),
    )


# --- applications: shapes ------------------------------------------------------------------


class IncomeLineIn(Schema):
    source: str = Field(
        description="subsidy (本補助金: the amount you request), own_funds, fees, donations, "
        "other_grants"
    )
    description: str = ""
    amount_yen: int = Field(ge=0, le=MAX_YEN)


class ExpenseLineIn(Schema):
    category: str = Field(
        description="one of the call's eligible or excluded categories, or その他"
    )
    description: str = ""
    unit_price_yen: int = Field(ge=0, le=MAX_YEN)
    quantity: int = Field(1, ge=1, le=MAX_QUANTITY)
    is_eligible: bool = Field(True, description="counts as an eligible cost of the subsidy")


class BudgetIn(Schema):
    """収支予算書. Replaces every line. A draft may be incomplete; what still blocks the
    submission is listed in the application's `problems`."""

    income: list[IncomeLineIn] = Field(default_factory=list, max_length=100)
    expenses: list[ExpenseLineIn] = Field(default_factory=list, max_length=100)


class RoleIn(Schema):
    phase: str = Field(description="planning, implementation or evaluation")
    party: str = Field(description="who (your group, the city, a partner …)")
    role: str = Field(description="what they do")


class ApplicationChangesIn(Schema):
    """Fields of the plan. Only the fields you send are changed."""

    title: str | None = None
    round: int | None = Field(None, ge=1, le=MAX_ID, description="id of a round of this call")
    theme: int | None = Field(
        None, ge=1, le=MAX_ID, description="id of the city's theme it answers (null: none)"
    )
    track: str | None = Field(None, description="citizen or city")
    continuation_year: int | None = Field(None, ge=1, le=32767)
    purpose: str | None = None
    content: str | None = None
    target_people: str | None = None
    place: str | None = None
    schedule: str | None = None
    targets: str | None = None
    co_applicants: list[int] | None = Field(
        None, max_length=50, description="ids of joint applicant groups (replaces the list)"
    )
    budget: BudgetIn | None = None
    roles: list[RoleIn] | None = Field(
        None, max_length=100, description="役割分担 (replaces the list)"
    )


class ApplicationCreateIn(ApplicationChangesIn):
    organization: int = Field(ge=1, le=MAX_ID, description="id of the applying group")
    round: int = Field(ge=1, le=MAX_ID, description="id of a round of this call")  # type: ignore[assignment]
    title: str  # type: ignore[assignment]
    on_paper: bool = Field(
        False, description="coordinators: a paper application entered for the group"
    )
    paper_received_on: dt.date | None = Field(
        None, description="coordinators: date the city received the paper application"
    )


class IncomeLineOut(Schema):
    source: str
    description: str
    amount_yen: int


class ExpenseLineOut(Schema):
    category: str
    description: str
    unit_price_yen: int
    quantity: int
    amount_yen: int
    is_eligible: bool


class BudgetOut(Schema):
    income: list[IncomeLineOut]
    expenses: list[ExpenseLineOut]
    income_total_yen: int
    expense_total_yen: int
    eligible_cost_yen: int
    requested_yen: int = Field(description="the income lines of source subsidy")
    funding_rule: FundingRuleOut | None = Field(description="the rule for this track and year")


class RoleOut(Schema):
    phase: str
    party: str
    role: str


class DocumentOut(Schema):
    id: int
    name: str
    requirement: int | None = Field(description="id of the required document it answers")
    uploaded_at: dt.datetime


class ApplicationSummaryOut(Schema):
    id: int
    title: str
    status: str = Field(
        description="draft, submitted, returned, eligible, ineligible, adopted, rejected, withdrawn"
    )
    status_label: str
    call: IdName
    round: IdName
    organization: IdName
    submitted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class PermissionsOut(Schema):
    change: bool
    submit: bool
    withdraw: bool


class ApplicationOut(ApplicationSummaryOut):
    co_applicants: list[IdName]
    theme: int | None
    track: str
    continuation_year: int
    purpose: str
    content: str
    target_people: str
    place: str
    schedule: str
    targets: str
    entered_on_paper: bool
    paper_received_on: dt.date | None
    eligibility_outcome: str = Field(description="pass, return, ineligible or empty")
    city_comments: str = Field(description="the city's reasons when returned or ineligible")
    budget: BudgetOut
    roles: list[RoleOut]
    documents: list[DocumentOut]
    problems: list[str] = Field(
        description="what still blocks the submission (while it can be edited), in plain words"
    )
    window: RoundOut = Field(description="the round's window (server time)")
    can: PermissionsOut = Field(description="what you may do with it now")


class SubmitOut(Schema):
    changed: bool = Field(description="false when it was already submitted (nothing done)")
    application: ApplicationOut


ApplicationPage = page_schema(ApplicationSummaryOut, "ApplicationPage")


def application_summary_out(application: Application) -> dict[str, Any]:
    return {
        "id": application.pk,
        "title": application.title,
        "status": application.status,
        "status_label": str(application.get_status_display()),
        "call": {"id": application.call.pk, "name": application.call.title},
        "round": {"id": application.round.pk, "name": application.round.name},
        "organization": {"id": application.organization.pk, "name": application.organization.name},
        "submitted_at": application.submitted_at,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
    }


def application_out(user: Any, application: Application) -> dict[str, Any]:
    totals = selectors.budget_of(application)
    rule = selectors.funding_rule_for(application)
    editable = allowed(user, "calls.change_application", application)
    data = application_summary_out(application)
    data.update(
        {
            "co_applicants": [
                {"id": o.pk, "name": o.name} for o in application.co_applicants.all()
            ],
            "theme": application.theme_id,
            "track": application.track,
            "continuation_year": application.continuation_year,
            "purpose": application.purpose,
            "content": application.content,
            "target_people": application.target_people,
            "place": application.place,
            "schedule": application.schedule,
            "targets": application.targets,
            "entered_on_paper": application.entered_on_paper,
            "paper_received_on": application.paper_received_on,
            "eligibility_outcome": application.eligibility_outcome,
            "city_comments": application.eligibility_reasons
            if application.status in (ApplicationStatus.RETURNED, ApplicationStatus.INELIGIBLE)
            else "",
            "budget": {
                "income": [
                    {"source": i.source, "description": i.description, "amount_yen": i.amount_yen}
                    for i in application.income_lines.all()
                ],
                "expenses": [
                    {
                        "category": e.category,
                        "description": e.description,
                        "unit_price_yen": e.unit_price_yen,
                        "quantity": e.quantity,
                        "amount_yen": e.amount_yen,
                        "is_eligible": e.is_eligible,
                    }
                    for e in application.expense_lines.all()
                ],
                "income_total_yen": totals.income_total,
                "expense_total_yen": totals.expense_total,
                "eligible_cost_yen": totals.eligible_cost,
                "requested_yen": totals.requested,
                "funding_rule": _funding_rule_out(rule) if rule else None,
            },
            "roles": [
                {"phase": r.phase, "party": r.party, "role": r.role}
                for r in application.roles.all()
            ],
            "documents": [
                {
                    "id": d.pk,
                    "name": d.original_name,
                    "requirement": d.requirement_id,
                    "uploaded_at": d.uploaded_at,
                }
                for d in application.documents.all()
            ],
            "problems": (
                selectors.budget_problems(application) + selectors.eligibility_problems(application)
            )
            if editable
            else [],
            "window": round_out(application.round, timezone.now()),
            "can": {
                "change": editable,
                "submit": allowed(user, "calls.submit_application", application),
                "withdraw": allowed(user, "calls.withdraw_application", application),
            },
        }
    )
    return data


# --- applications: validation with the website's forms ---------------------------------------


def _form_errors(prefix: str, form: Any) -> dict[str, list[ValidationError]]:
    return {
        (f"{prefix}.{name}" if prefix else name): list(errors)
        for name, errors in form.errors.as_data().items()
    }


def _form_value(value: Any) -> Any:
    return "" if value is None else value


def _plan_changes(
    application: Application, payload: ApplicationChangesIn, sent: set[str]
) -> tuple[dict[str, Any], list[Organization] | None, dict[str, list[ValidationError]]]:
    """Validate the sent plan fields with the website's ApplicationForm (the unsent ones
    keep their current values)."""
    plan_fields = [f for f in forms.ApplicationForm.Meta.fields if f in sent]
    if not plan_fields:
        return {}, None, {}
    data: dict[str, Any] = {
        "title": application.title,
        "round": application.round_id,
        "theme": _form_value(application.theme_id),
        "track": application.track,
        "continuation_year": application.continuation_year,
        "purpose": application.purpose,
        "content": application.content,
        "target_people": application.target_people,
        "place": application.place,
        "schedule": application.schedule,
        "targets": application.targets,
        "co_applicants": [o.pk for o in application.co_applicants.all()],
    }
    for name in plan_fields:
        value = getattr(payload, name)
        data[name] = value if name == "co_applicants" else _form_value(value)
    if data["co_applicants"] is None:
        data["co_applicants"] = []
    form = forms.ApplicationForm(data, instance=application)
    if not form.is_valid():
        return {}, None, _form_errors("", form)
    changes = {
        name: form.cleaned_data[name] for name in plan_fields if name in services.APPLICATION_FIELDS
    }
    co_applicants = (
        list(form.cleaned_data.get("co_applicants") or []) if "co_applicants" in sent else None
    )
    return changes, co_applicants, {}


def _budget_rows(
    call: Call, budget: BudgetIn
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, list[ValidationError]]]:
    categories = [*call.eligible_categories, *call.excluded_categories]
    errors: dict[str, list[ValidationError]] = {}
    income: list[dict[str, Any]] = []
    expenses: list[dict[str, Any]] = []
    for i, line in enumerate(budget.income):
        income_form = forms.IncomeLineForm(line.dict())
        if income_form.is_valid():
            income.append(dict(income_form.cleaned_data))
        else:
            errors.update(_form_errors(f"budget.income[{i}]", income_form))
    for i, expense in enumerate(budget.expenses):
        expense_form = forms.ExpenseLineForm(expense.dict(), categories=categories)
        if expense_form.is_valid():
            expenses.append(dict(expense_form.cleaned_data))
        else:
            errors.update(_form_errors(f"budget.expenses[{i}]", expense_form))
    return income, expenses, errors


def _role_rows(
    roles: list[RoleIn],
) -> tuple[list[dict[str, Any]], dict[str, list[ValidationError]]]:
    rows: list[dict[str, Any]] = []
    errors: dict[str, list[ValidationError]] = {}
    for i, role in enumerate(roles):
        form = forms.RoleForm(role.dict())
        if form.is_valid():
            rows.append(dict(form.cleaned_data))
        else:
            errors.update(_form_errors(f"roles[{i}]", form))
    return rows, errors


def _apply_changes(
    actor: Any, application: Application, payload: ApplicationChangesIn, sent: set[str]
) -> None:
    """Validate everything first, then save through the services (one transaction)."""
    changes, co_applicants, errors = _plan_changes(application, payload, sent)
    budget_rows = None
    if "budget" in sent and payload.budget is not None:
        income, expenses, budget_errors = _budget_rows(application.call, payload.budget)
        errors.update(budget_errors)
        budget_rows = (income, expenses)
    role_rows = None
    if "roles" in sent and payload.roles is not None:
        role_rows, role_errors = _role_rows(payload.roles)
        errors.update(role_errors)
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    if changes or co_applicants is not None:
        services.update_application(
            actor=actor, application=application, changes=changes, co_applicants=co_applicants
        )
    if budget_rows is not None:
        services.save_budget(
            actor=actor, application=application, income=budget_rows[0], expenses=budget_rows[1]
        )
    if role_rows is not None:
        services.save_roles(actor=actor, application=application, rows=role_rows)


def _refuse_when_locked(actor: Any, application: Application) -> None:
    """The applicant's managers (and coordinators) are told why an application that is no
    longer a draft cannot be changed (409) instead of a bare 403."""
    if application.is_editable:
        return
    if manages(actor, application.organization_id) or allowed(actor, "calls.manage_call"):
        raise ValidationError(
            _(
                "This application is no longer a draft (%(status)s): it cannot be changed "
                "or submitted again."
            )
            % {"status": application.get_status_display()},
            code="invalid_state",
        )


def _fresh(user: Any, application_id: int) -> Application:
    return selectors.get_application_for(user, application_id)


# --- applications: endpoints ---------------------------------------------------------------


@router.post(
    "/{call_id}/applications",
    auth=SIGNED_IN,
    response={
        200: ApplicationOut,
        201: ApplicationOut,
        **error_responses(401, 403, 404, 409, 422, 429),
    },
)
def create_application(request: HttpRequest, call_id: CallId, payload: ApplicationCreateIn) -> Any:
    """Start an application (a draft) for a group you represent or run (代表者・役員・事務担当),
    optionally with the plan, the budget and the roles. Coordinators may enter a paper
    application for a group (`on_paper`, `paper_received_on`). Same rules as the website
    (`calls.apply_to_call`, `services.create_application`).

    Sending the same group, round and title again returns the existing application (200)
    instead of creating a second one."""
    actor = request.auth  # type: ignore[attr-defined]
    call = selectors.get_call_for(actor, call_id, perm="calls.apply_to_call")
    coordinator = bool(is_coordinator(actor))
    start = forms.ApplicationStartForm(
        {
            "organization": payload.organization,
            "round": payload.round,
            "title": payload.title,
            "on_paper": payload.on_paper,
            "paper_received_on": _form_value(payload.paper_received_on),
        },
        call=call,
        organizations=Organization.objects.groups().public(),
        coordinator=coordinator,
    )
    if not start.is_valid():
        raise ValidationError(_form_errors("", start))  # type: ignore[arg-type]
    organization = start.cleaned_data["organization"]
    on_paper = bool(start.cleaned_data.get("on_paper"))
    # The service checks these again; checked first here so that the existence of another
    # group's application is never revealed by the duplicate check below.
    if on_paper and not coordinator:
        raise PermissionDenied
    if not on_paper and not manages(actor, organization):
        raise PermissionDenied
    sent = set(payload.model_fields_set) - {"organization", "round", "title"}
    with transaction.atomic():
        # One request at a time per group: a resent request finds the first one's draft.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        existing = (
            Application.objects.filter(
                call=call,
                round=start.cleaned_data["round"],
                organization=organization,
                title=start.cleaned_data["title"],
            )
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .order_by("id")
            .first()
        )
        if existing is not None:
            return Status(200, application_out(actor, _fresh(actor, existing.pk)))
        application = services.create_application(
            actor=actor,
            call=call,
            round=start.cleaned_data["round"],
            organization=organization,
            title=start.cleaned_data["title"],
            on_paper=on_paper,
            paper_received_on=start.cleaned_data.get("paper_received_on"),
        )
        _apply_changes(actor, _fresh(actor, application.pk), payload, sent)
    return Status(201, application_out(actor, _fresh(actor, application.pk)))


class MyApplicationFilters(Schema):
    call: int | None = Field(None, ge=1, le=MAX_ID, description="id of a call")
    status: str | None = Field(None, description="application status, e.g. draft")


@applications_router.get(
    "/mine", auth=SIGNED_IN, response={200: ApplicationPage, **error_responses(401, 422, 429)}
)
def list_my_applications(
    request: HttpRequest, filters: Query[MyApplicationFilters], page: Query[PageQuery]
) -> Any:
    """The applications of the groups you are an active member of (as applicant or joint
    applicant), newest first: the website's "my applications"."""
    user = request.auth  # type: ignore[attr-defined]
    qs = selectors.my_applications_queryset(user)
    if filters.call:
        qs = qs.filter(call_id=filters.call)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(
        qs,
        ordering=("-id",),
        cursor=page.cursor,
        limit=page.limit,
        serialize=application_summary_out,
    )


@applications_router.get(
    "/{application_id}",
    auth=SIGNED_IN,
    response={200: ApplicationOut, **error_responses(401, 404, 422, 429)},
)
def get_application(request: HttpRequest, application_id: ApplicationId) -> Any:
    """One application, for those the website shows it to (`calls.view_application`: the
    members of the applicant and joint applicant groups, coordinators, the call's
    department once submitted, reviewers without a conflict once submitted)."""
    user = request.auth  # type: ignore[attr-defined]
    return application_out(user, _fresh(user, application_id))


@applications_router.patch(
    "/{application_id}",
    auth=SIGNED_IN,
    response={200: ApplicationOut, **error_responses(401, 403, 404, 409, 422, 429)},
)
def update_application(
    request: HttpRequest, application_id: ApplicationId, payload: ApplicationChangesIn
) -> Any:
    """Save a draft (or an application returned for correction): only the fields you send
    change; `budget` and `roles`, when sent, replace every line. Same rule as the website
    (`calls.change_application`)."""
    actor = request.auth  # type: ignore[attr-defined]
    application = _fresh(actor, application_id)
    _refuse_when_locked(actor, application)
    if not allowed(actor, "calls.change_application", application):
        raise PermissionDenied
    with transaction.atomic():
        _apply_changes(actor, application, payload, set(payload.model_fields_set))
    return application_out(actor, _fresh(actor, application_id))


@applications_router.post(
    "/{application_id}/submit",
    auth=SIGNED_IN,
    response={200: SubmitOut, **error_responses(401, 403, 404, 409, 422, 429)},
)
def submit_application(request: HttpRequest, application_id: ApplicationId) -> Any:
    """Submit, inside the round's window by server time (`calls.submit_application`). The
    budget, the eligibility rules and the required documents are checked; every problem is
    listed in `details`. Submitting again does nothing (`changed: false`)."""
    actor = request.auth  # type: ignore[attr-defined]
    application = _fresh(actor, application_id)
    with transaction.atomic():
        # Read the status under the row lock the service takes too: of two simultaneous
        # submits, exactly one reports `changed: true` (and records the event).
        locked = Application.objects.select_for_update().get(pk=application.pk)
        before = locked.status
        if before != ApplicationStatus.SUBMITTED:
            _refuse_when_locked(actor, locked)
        try:
            submitted = services.submit_application(actor=actor, application=application)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "window_closed":
                # The round's window is not open: the state (time) does not allow it.
                raise ValidationError(exc.messages[0], code="closed") from exc
            raise
    changed = before != ApplicationStatus.SUBMITTED and submitted.status == "submitted"
    return {"changed": changed, "application": application_out(actor, _fresh(actor, submitted.pk))}


class DocumentIn(Schema):
    # A multipart form has no null: omitted, empty, "null" and 0 all mean "none".
    requirement: int | None = Field(
        None,
        ge=0,
        le=MAX_ID,
        description="id of the call's required document it answers (omit, null or 0: none)",
    )

    @field_validator("requirement", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value in (None, "", "null") else value


def _editable_for(actor: Any, application_id: int) -> Application:
    """The application, if `actor` may change it: 404 / 409 / 403 like PATCH."""
    application = _fresh(actor, application_id)
    _refuse_when_locked(actor, application)
    if not allowed(actor, "calls.change_application", application):
        raise PermissionDenied
    return application


@applications_router.post(
    "/{application_id}/documents",
    auth=SIGNED_IN,
    response={201: DocumentOut, **error_responses(401, 403, 404, 409, 422, 429)},
    # An empty file is not a document (Django's multipart parser drops a 0-byte part).
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {"schema": {"properties": {"file": {"minLength": 1}}}}
            }
        }
    },
)
def upload_application_document(
    request: HttpRequest,
    application_id: ApplicationId,
    data: Form[DocumentIn],
    file: File[UploadedFile],
) -> Any:
    """Upload a document (multipart/form-data: `file`, optional `requirement`): PDF, Office
    document or image, checked like on the website (`services.upload_document`)."""
    actor = request.auth  # type: ignore[attr-defined]
    application = _editable_for(actor, application_id)
    form = forms.DocumentForm(
        {"requirement": data.requirement or ""}, {"file": file}, call=application.call
    )
    if not form.is_valid():
        raise ValidationError(_form_errors("", form))  # type: ignore[arg-type]
    try:
        document = services.upload_document(
            actor=actor,
            application=application,
            requirement=form.cleaned_data["requirement"],
            upload=form.cleaned_data["file"],
        )
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    return Status(
        201,
        {
            "id": document.pk,
            "name": document.original_name,
            "requirement": document.requirement_id,
            "uploaded_at": document.uploaded_at,
        },
    )


DocumentId = Annotated[int, Path(ge=1, le=MAX_ID, description="id of the document")]


@applications_router.delete(
    "/{application_id}/documents/{document_id}",
    auth=SIGNED_IN,
    response={200: ApplicationOut, **error_responses(401, 403, 404, 409, 422, 429)},
)
def delete_application_document(
    request: HttpRequest, application_id: ApplicationId, document_id: DocumentId
) -> Any:
    """Remove an uploaded document (`services.delete_document`); answers the application."""
    actor = request.auth  # type: ignore[attr-defined]
    application = _editable_for(actor, application_id)
    document = ApplicationDocument.objects.filter(pk=document_id, application=application).first()
    if document is None:
        raise Http404
    services.delete_document(actor=actor, document=document)
    return application_out(actor, _fresh(actor, application_id))
