"""Reads: lists, fetch-and-authorise helpers, budget and eligibility checks, aggregation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kyodo.calls import money, scoring
from kyodo.calls.models import (
    Application,
    Call,
    CallCriterion,
    ConflictDeclaration,
    Decision,
    FundingRule,
    Grant,
    IncomeSource,
    ReviewerAssignment,
    Round,
    ScoreSheet,
    percent_label,
)
from kyodo.calls.workflow import ApplicationStatus, CallStatus
from kyodo.core.formatting import yen
from kyodo.core.pagination import KeysetPage, keyset_paginate
from kyodo.organizations.models import Membership, MembershipStatus

# --- permissions -------------------------------------------


def allowed(user: Any, perm: str, obj: Any = None) -> bool:
    """Check a calls rule exactly as written. Unlike `user.has_perm`, a superuser does not
    pass every rule automatically: administrators are granted explicitly through
    `is_admin`, and no one bypasses the conflict-of-interest rules."""
    if getattr(user, "is_authenticated", False) and not user.is_active:
        return False
    return bool(rules.has_perm(perm, user, obj))


# --- calls ------------------------------------------------------------------------------


def call_list(*, user: Any, cursor: str | None, page_size: int = 20) -> KeysetPage[Call]:
    qs = Call.objects.public().select_related("department").prefetch_related("rounds")
    if allowed(user, "calls.manage_call"):
        qs = Call.objects.select_related("department").prefetch_related("rounds")
    return keyset_paginate(qs, ordering=("-fiscal_year", "-id"), cursor=cursor, page_size=page_size)


def get_call_for(user: Any, pk: int, perm: str = "calls.view_call") -> Call:
    call = (
        Call.objects.select_related("department")
        .prefetch_related(
            "rounds", "funding_rules", "criteria", "required_documents", "eligible_org_types"
        )
        .filter(pk=pk)
        .first()
    )
    if call is None or not allowed(user, "calls.view_call", call):
        raise Http404
    if perm != "calls.view_call" and not allowed(user, perm, call):
        raise PermissionDenied
    return call


def get_round_for(user: Any, pk: int) -> Round:
    rnd = Round.objects.select_related("call").filter(pk=pk).first()
    if rnd is None or not allowed(user, "calls.view_call", rnd.call):
        raise Http404
    if not allowed(user, "calls.manage_call", rnd.call):
        raise PermissionDenied
    return rnd


def open_rounds(call: Call, now: Any) -> list[Round]:
    return [r for r in call.rounds.all() if r.opens_at <= now < r.closes_at]


# --- applications -------------------------------------------------------------------------


def _application_qs() -> QuerySet[Application]:
    return Application.objects.select_related(
        "call", "call__department", "round", "organization", "organization__org_type__actor_type"
    ).prefetch_related("co_applicants")


def get_application_for(user: Any, pk: int, perm: str = "calls.view_application") -> Application:
    """404 when the user may not even see the application, 403 when they may not act."""
    application = _application_qs().filter(pk=pk).first()
    if application is None or not allowed(user, "calls.view_application", application):
        if (
            application is not None
            and perm in ("calls.score_application", "calls.declare_conflict")
            and allowed(user, "calls.declare_conflict", application)
        ):
            # An assigned reviewer with a conflict knows the application exists.
            raise PermissionDenied
        raise Http404
    if perm != "calls.view_application" and not allowed(user, perm, application):
        raise PermissionDenied
    return application


def my_applications_queryset(user: Any) -> QuerySet[Application]:
    """Applications of the groups `user` is an active member of (applicant or joint applicant)."""
    org_ids = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
        "organization_id"
    )
    return (
        Application.objects.filter(Q(organization_id__in=org_ids) | Q(co_applicants__in=org_ids))
        .distinct()
        .select_related("call", "round", "organization")
    )


def my_applications(
    *, user: Any, cursor: str | None, page_size: int = 20
) -> KeysetPage[Application]:
    qs = my_applications_queryset(user)
    return keyset_paginate(qs, ordering=("-id",), cursor=cursor, page_size=page_size)


def call_applications(call: Call) -> QuerySet[Application]:
    return (
        Application.objects.filter(call=call)
        .select_related("round", "organization")
        .prefetch_related("co_applicants")
        .order_by("round__order", "id")
    )


def funding_rule_for(application: Application) -> FundingRule | None:
    return FundingRule.objects.filter(
        call_id=application.call_id,
        track=application.track,
        continuation_year=application.continuation_year,
    ).first()


def budget_of(application: Application) -> money.BudgetTotals:
    return money.budget_totals(
        income=[(i.source, i.amount_yen) for i in application.income_lines.all()],
        expenses=[
            (e.unit_price_yen, e.quantity, e.is_eligible) for e in application.expense_lines.all()
        ],
        subsidy_source=IncomeSource.SUBSIDY,
    )


def budget_problems(application: Application) -> list[str]:
    """Every reason the budget cannot be submitted, in plain Japanese, most useful first."""
    problems: list[str] = []
    totals = budget_of(application)
    expenses = list(application.expense_lines.all())
    if not expenses:
        problems.append(_("Add at least one expense line to the budget."))
    if totals.requested <= 0:
        problems.append(
            _("Enter the amount you request as an income line of the source “This subsidy”.")
        )
    if totals.income_total != totals.expense_total:
        problems.append(
            _(
                "Income (%(income)s) and expenses (%(expense)s) must be equal. "
                "The difference is %(diff)s."
            )
            % {
                "income": yen(totals.income_total),
                "expense": yen(totals.expense_total),
                "diff": yen(abs(totals.difference)),
            }
        )
    eligible_categories = set(application.call.eligible_categories or [])
    for line in expenses:
        if line.is_eligible and eligible_categories and line.category not in eligible_categories:
            problems.append(
                _(
                    "“%(category)s” (%(details)s) cannot be an eligible cost in this call. Untick “eligible” for it."
                )
                % {"category": line.category, "details": line.description or "-"}
            )
    rule = funding_rule_for(application)
    if rule is None:
        problems.append(
            _(
                "This call has no funding rule for the %(track)s track in year %(year)s of continuation."
            )
            % {"track": application.get_track_display(), "year": application.continuation_year}
        )
        return problems
    if totals.requested % rule.rounding_unit_yen:
        problems.append(
            _("Request the subsidy in units of %(unit)s (you entered %(requested)s).")
            % {"unit": yen(rule.rounding_unit_yen), "requested": yen(totals.requested)}
        )
    if totals.requested > rule.cap_yen:
        problems.append(
            _("The requested amount (%(requested)s) is above the cap of %(cap)s.")
            % {"requested": yen(totals.requested), "cap": yen(rule.cap_yen)}
        )
    limit = money.round_down(
        money.rate_of(totals.eligible_cost, rule.rate_basis_points), rule.rounding_unit_yen
    )
    if totals.requested > limit:
        problems.append(
            _(
                "The requested amount (%(requested)s) is above %(rate)s of the eligible costs "
                "(%(eligible)s), rounded down to %(unit)s: at most %(limit)s."
            )
            % {
                "requested": yen(totals.requested),
                "rate": rule.rate_percent_label,
                "eligible": yen(totals.eligible_cost),
                "unit": yen(rule.rounding_unit_yen),
                "limit": yen(limit),
            }
        )
    return problems


def content_problems(application: Application) -> list[str]:
    """What the plan itself still lacks before it can be submitted."""
    if not application.purpose.strip() or not application.content.strip():
        return [_("Fill in the purpose and what you will do.")]
    return []


def submission_problems(application: Application) -> list[str]:
    """The one answer to "can this application be submitted?": the application page shows
    these (or 「提出の準備ができています」 when empty) and `submit_application` refuses with
    exactly these, so the page never promises what the action then refuses. The round's
    window is checked separately (it depends on the moment, not on the content)."""
    return (
        content_problems(application)
        + budget_problems(application)
        + (eligibility_problems(application))
    )


def decision_amount_problems(application: Application, amount_yen: int) -> list[str]:
    """Why `amount_yen` cannot be the city's decided amount for this application: the call's
    rule (rounding unit, rate of the eligible costs, cap) and the amount requested. The one
    check behind the decision, the grant and an approved change of amount."""
    if amount_yen <= 0:
        return [_("Enter the amount allocated.")]
    rule = funding_rule_for(application)
    if rule is None:
        return [_("This call has no funding rule for the application's track and year.")]
    return amount_rule_problems(
        amount_yen,
        rate_basis_points=rule.rate_basis_points,
        cap_yen=rule.cap_yen,
        unit_yen=rule.rounding_unit_yen,
        eligible_cost=budget_of(application).eligible_cost,
        requested=budget_of(application).requested,
    )


def amount_rule_problems(
    amount_yen: int,
    *,
    rate_basis_points: int,
    cap_yen: int,
    unit_yen: int,
    eligible_cost: int,
    requested: int | None = None,
) -> list[str]:
    problems: list[str] = []
    if amount_yen % unit_yen:
        problems.append(
            _("The amount must be in units of %(unit)s: %(amount)s is not (for example %(lower)s).")
            % {
                "unit": yen(unit_yen),
                "amount": yen(amount_yen),
                "lower": yen(money.round_down(amount_yen, unit_yen)),
            }
        )
    limit = money.maximum_request(
        eligible_cost=eligible_cost, rate_basis_points=rate_basis_points, cap=cap_yen, unit=unit_yen
    )
    if amount_yen > limit:
        problems.append(
            _(
                "The amount cannot be more than %(limit)s (the cap of %(cap)s and %(rate)s of "
                "the eligible costs of %(eligible)s, rounded down to %(unit)s)."
            )
            % {
                "limit": yen(limit),
                "cap": yen(cap_yen),
                "rate": percent_label(rate_basis_points),
                "eligible": yen(eligible_cost),
                "unit": yen(unit_yen),
            }
        )
    if requested is not None and amount_yen > requested:
        problems.append(
            _(
                "The amount allocated (%(amount)s) cannot be more than the amount requested (%(requested)s)."
            )
            % {"amount": yen(amount_yen), "requested": yen(requested)}
        )
    return problems


def subsidy_amount_of(application: Application) -> int:
    """The one amount of a subsidy now: the grant's (which moves only by an approved change
    request) once decided, else the city's decision. Published results, the project's city
    share, the grant page and the API read this."""
    grant = Grant.objects.filter(application=application).only("decided_amount_yen").first()
    if grant is not None:
        return int(grant.decided_amount_yen)
    decision = Decision.objects.filter(application=application).only("city_amount_yen").first()
    return int(decision.city_amount_yen) if decision is not None else 0


def member_count_of(application: Application) -> int:
    org = application.organization
    active = Membership.objects.filter(organization=org, status=MembershipStatus.ACTIVE).count()
    return max(int(org.member_count or 0), active)


def eligibility_problems(application: Application) -> list[str]:
    """The call's eligibility rules checked against the applicant organization."""
    call = application.call
    org = application.organization
    problems: list[str] = []
    if org.org_type.actor_type.is_government:
        problems.append(_("A city department cannot apply to a call."))
    if call.requires_verified and not org.is_verified:
        problems.append(
            _("“%(org)s” must be a registered group verified by the city before it can apply.")
            % {"org": org.name}
        )
    allowed = list(call.eligible_org_types.all())
    if allowed and org.org_type_id not in {t.pk for t in allowed}:
        problems.append(
            _("Groups of the type “%(type)s” cannot apply to this call. Accepted: %(allowed)s.")
            % {"type": org.org_type.name, "allowed": "、".join(t.name for t in allowed)}
        )
    members = member_count_of(application)
    if members < call.minimum_members:
        problems.append(
            _("The group needs at least %(minimum)s members (it has %(count)s).")
            % {"minimum": call.minimum_members, "count": members}
        )
    if call.requires_base_in_city and not org.based_in_city:
        problems.append(_("The group must be based in the city."))
    missing = [
        d.name
        for d in call.required_documents.all()
        if d.is_required and not application.documents.filter(requirement=d).exists()
    ]
    if missing:
        problems.append(
            _("Upload the required documents: %(names)s.") % {"names": "、".join(missing)}
        )
    return problems


# --- reviewers and conflicts ---------------------------------------------------------------


def is_reviewer_for_round(user: Any, round_id: int) -> bool:
    return ReviewerAssignment.objects.filter(round_id=round_id, reviewer_id=user.pk).exists()


def conflict_reasons(user: Any, application: Application) -> list[str]:
    """Why `user` has a conflict with `application` (empty: none). Always read fresh."""
    reasons: list[str] = []
    declared = (
        ConflictDeclaration.objects.filter(application=application, reviewer_id=user.pk)
        .values_list("reason", flat=True)
        .first()
    )
    if declared is not None:
        reasons.append(_("Declared: %(reason)s") % {"reason": declared})
    org_ids = [application.organization_id, *application.co_applicants.values_list("pk", flat=True)]
    memberships = Membership.objects.filter(
        user_id=user.pk, status=MembershipStatus.ACTIVE, organization_id__in=org_ids
    ).select_related("organization")
    reasons.extend(
        _("Member of the applicant organization “%(org)s”") % {"org": m.organization.name}
        for m in memberships
    )
    return reasons


def conflicts_for_round(rnd: Round, application_ids: list[int]) -> dict[int, set[int]]:
    """application id → ids of assigned reviewers with a conflict (2 queries + 1)."""
    reviewer_ids = list(rnd.assignments.values_list("reviewer_id", flat=True))
    result: dict[int, set[int]] = {pk: set() for pk in application_ids}
    for app_id, reviewer_id in ConflictDeclaration.objects.filter(
        application_id__in=application_ids, reviewer_id__in=reviewer_ids
    ).values_list("application_id", "reviewer_id"):
        result[app_id].add(reviewer_id)
    orgs: dict[int, set[int]] = {pk: set() for pk in application_ids}
    for pk, org_id in Application.objects.filter(pk__in=application_ids).values_list(
        "pk", "organization_id"
    ):
        orgs[pk].add(org_id)
    for pk, org_id in Application.co_applicants.through.objects.filter(
        application_id__in=application_ids
    ).values_list("application_id", "organization_id"):
        orgs[pk].add(org_id)
    members: dict[int, set[int]] = {}
    for user_id, org_id in Membership.objects.filter(
        user_id__in=reviewer_ids, status=MembershipStatus.ACTIVE
    ).values_list("user_id", "organization_id"):
        members.setdefault(user_id, set()).add(org_id)
    for pk in application_ids:
        for reviewer_id in reviewer_ids:
            if members.get(reviewer_id, set()) & orgs[pk]:
                result[pk].add(reviewer_id)
    return result


@dataclass
class ReviewItem:
    application: Application
    conflicted: bool
    scored: bool


def my_review_items(user: Any) -> list[tuple[ReviewerAssignment, list[ReviewItem]]]:
    assignments = list(
        ReviewerAssignment.objects.filter(reviewer_id=user.pk)
        .select_related("round", "round__call")
        .order_by("-round__call__fiscal_year", "round__order", "id")
    )
    out = []
    for a in assignments:
        apps = list(
            a.round.applications.filter(
                status__in=[
                    ApplicationStatus.ELIGIBLE,
                    ApplicationStatus.ADOPTED,
                    ApplicationStatus.REJECTED,
                ]
            )
            .select_related("organization")
            .order_by("id")
        )
        conflicts = conflicts_for_round(a.round, [x.pk for x in apps])
        scored = set(
            ScoreSheet.objects.filter(reviewer_id=user.pk, application__in=apps).values_list(
                "application_id", flat=True
            )
        )
        out.append(
            (
                a,
                [ReviewItem(x, user.pk in conflicts[x.pk], x.pk in scored) for x in apps],
            )
        )
    return out


# --- aggregation ---------------------------------------------------------------------------


@dataclass
class RankingRow:
    application: Application
    aggregate: scoring.Aggregate
    requested: int
    allocation: scoring.Allocation
    conflicted_reviewers: set[int]
    decision: Decision | None


def criteria_of(call: Call) -> list[CallCriterion]:
    return list(CallCriterion.objects.filter(call=call).order_by("order", "id"))


def round_ranking(rnd: Round) -> tuple[list[CallCriterion], list[RankingRow]]:
    """Aggregate every eligible (or decided) application of the round, rank, allocate."""
    call = rnd.call
    criteria = criteria_of(call)
    crit = [scoring.Criterion(c.pk, c.weight, c.max_score) for c in criteria]
    apps = list(
        rnd.applications.filter(
            status__in=[
                ApplicationStatus.ELIGIBLE,
                ApplicationStatus.ADOPTED,
                ApplicationStatus.REJECTED,
            ]
        )
        .select_related("organization")
        .prefetch_related(
            "income_lines",
            Prefetch("score_sheets", queryset=ScoreSheet.objects.prefetch_related("scores")),
        )
    )
    decisions = {d.application_id: d for d in Decision.objects.filter(application__in=apps)}
    conflicts = conflicts_for_round(rnd, [a.pk for a in apps])
    assigned = set(rnd.assignments.values_list("reviewer_id", flat=True))
    aggregates: dict[int, scoring.Aggregate] = {}
    candidates = []
    requested: dict[int, int] = {}
    for a in apps:
        sheets = {
            s.reviewer_id: {sc.criterion_id: sc.score for sc in s.scores.all()}
            for s in a.score_sheets.all()
        }
        conflicted = conflicts[a.pk] & (assigned | set(sheets))
        agg = scoring.aggregate(
            criteria=crit,
            sheets=sheets,
            conflicted=conflicted,
            policy=call.conflict_policy,
            normalise_to=call.normalise_to,
        )
        aggregates[a.pk] = agg
        requested[a.pk] = sum(
            i.amount_yen for i in a.income_lines.all() if i.source == IncomeSource.SUBSIDY
        )
        candidates.append(
            scoring.Candidate(
                a.pk, agg.normalised, requested[a.pk], (a.submitted_at or a.created_at,)
            )
        )
    allocations = scoring.rank_and_allocate(
        candidates, threshold=call.adoption_threshold, budget=call.total_budget_yen
    )
    by_id = {a.pk: a for a in apps}
    rows = [
        RankingRow(
            application=by_id[al.id],
            aggregate=aggregates[al.id],
            requested=requested[al.id],
            allocation=al,
            conflicted_reviewers=conflicts[al.id],
            decision=decisions.get(al.id),
        )
        for al in allocations
    ]
    return criteria, rows


def published_decisions() -> QuerySet[Decision]:
    """Decisions the public can see: published, in a round whose results are published, of a
    public call. The one source of the results page and of every count of adoptions (the
    annual report's funnel counts `published_adoptions`)."""
    return Decision.objects.filter(
        published_at__isnull=False,
        application__round__results_published_at__isnull=False,
        application__call__status__in=[CallStatus.PUBLISHED, CallStatus.ARCHIVED],
    )


def published_adoptions(fiscal_year: int) -> QuerySet[Decision]:
    """The adoptions a fiscal year's published results list (the call's fiscal year)."""
    return published_decisions().filter(
        city_decision="adopt", application__call__fiscal_year=fiscal_year
    )


def published_results(call: Call) -> list[tuple[Round, list[Decision]]]:
    rounds = [r for r in call.rounds.all() if r.results_published_at is not None]
    decisions = (
        published_decisions()
        .filter(application__round__in=rounds)
        .select_related("application", "application__organization")
        .order_by("published_rank", "application_id")
    )
    grouped: dict[int, list[Decision]] = {r.pk: [] for r in rounds}
    for d in decisions:
        grouped[d.application.round_id].append(d)
    return [(r, grouped[r.pk]) for r in rounds]


# --- grants --------------------------------------------------------------------------------


def get_grant_for(user: Any, pk: int, perm: str = "calls.view_grant") -> Grant:
    grant = (
        Grant.objects.select_related(
            "application", "application__call", "application__organization"
        )
        .filter(pk=pk)
        .first()
    )
    if grant is None or not allowed(user, "calls.view_grant", grant):
        raise Http404
    if perm != "calls.view_grant" and not allowed(user, perm, grant):
        raise PermissionDenied
    return grant


def settlement_eligible_cost(grant: Grant) -> int:
    return sum(line.amount_yen for line in grant.settlement_lines.all() if line.is_eligible)


def adopted_applications(call: Call) -> QuerySet[Application]:
    return (
        Application.objects.filter(call=call, status=ApplicationStatus.ADOPTED)
        .select_related("organization", "round", "decision")
        .order_by("round__order", "id")
    )


def is_call_listed(call: Call) -> bool:
    return call.status != CallStatus.DRAFT
