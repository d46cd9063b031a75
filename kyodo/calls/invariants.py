"""What must hold in every reachable state of calls, screening and grants (docs/calls.md,
"Invariants"). `violations()` lists every breach in plain words; the state-machine test runs
it after every step, and a test runs it over what `seed_demo` produces.

The services hold these under their locks (and the database holds the ones a constraint can
express); this module only reads."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

from kyodo.calls import money, selectors
from kyodo.calls.models import (
    Application,
    Call,
    ChangeRequest,
    CityDecisionChoice,
    Decision,
    Grant,
)
from kyodo.calls.workflow import ApplicationStatus, ChangeRequestStatus, GrantStatus


def violations() -> list[str]:
    problems: list[str] = []
    decisions = Decision.objects.select_related("application__call")
    for d in decisions:
        app = d.application
        if d.city_decision != CityDecisionChoice.ADOPT:
            if d.city_amount_yen:
                problems.append(f"decision {d.pk}: an amount without adoption")
            continue
        if app.status not in (ApplicationStatus.ADOPTED, ApplicationStatus.WITHDRAWN):
            problems.append(f"decision {d.pk}: adopted but the application is {app.status}")
        rule_problems = selectors.decision_amount_problems(app, int(d.city_amount_yen))
        if rule_problems:
            problems.append(f"decision {d.pk}: {d.city_amount_yen} breaks the call's rule")
    for call in Call.objects.all():
        used = (
            Decision.objects.filter(
                application__call=call, city_decision=CityDecisionChoice.ADOPT
            ).aggregate(s=Sum("city_amount_yen"))["s"]
            or 0
        )
        if used > call.total_budget_yen:
            problems.append(f"call {call.pk}: {used} allocated, over its budget")
    approved: dict[int, int] = {}
    for change in ChangeRequest.objects.filter(
        status=ChangeRequestStatus.APPROVED, new_amount_yen__isnull=False
    ).order_by("decided_at", "pk"):
        approved[change.grant_id] = int(change.new_amount_yen or 0)
    for grant in Grant.objects.select_related("application__decision"):
        app = grant.application
        decision = getattr(app, "decision", None)
        if decision is None or decision.city_decision != CityDecisionChoice.ADOPT:
            problems.append(f"grant {grant.pk}: no adoption behind it")
            continue
        expected = approved.get(grant.pk, int(decision.city_amount_yen))
        if grant.decided_amount_yen != expected:
            problems.append(
                f"grant {grant.pk}: {grant.decided_amount_yen}, but the decision (or the "
                f"approved change) says {expected}"
            )
        if grant.decided_amount_yen % grant.rounding_unit_yen:
            problems.append(f"grant {grant.pk}: not in units of {grant.rounding_unit_yen}")
        if grant.confirmed_amount_yen is not None:
            rule = money.confirmed_amount(
                decided_amount=grant.decided_amount_yen,
                actual_eligible_cost=selectors.settlement_eligible_cost(grant),
                rate_basis_points=grant.rate_basis_points,
                unit=grant.rounding_unit_yen,
            )
            if grant.confirmed_amount_yen != rule:
                problems.append(
                    f"grant {grant.pk}: confirmed {grant.confirmed_amount_yen}, the rule "
                    f"gives {rule}"
                )
            if grant.status not in (GrantStatus.CONFIRMED, GrantStatus.PAID):
                problems.append(f"grant {grant.pk}: confirmed amount in status {grant.status}")
        if grant.status == GrantStatus.PAID and grant.paid_amount_yen != grant.confirmed_amount_yen:
            problems.append(f"grant {grant.pk}: paid differs from the confirmed amount")
    problems += project_share_violations()
    return problems


def project_share_violations() -> list[str]:
    """The project an adoption created holds the subsidy's one amount as its city share."""
    from kyodo.projects.models import Project

    apps = list(
        Application.objects.filter(project_id_created__isnull=False).select_related("decision")
    )
    grants = {
        g.application_id: int(g.decided_amount_yen)
        for g in Grant.objects.filter(application__in=apps)
    }
    shares = dict(
        Project.objects.filter(pk__in=[a.project_id_created for a in apps]).values_list(
            "pk", "city_share_yen"
        )
    )
    problems = []
    for app in apps:
        decision = getattr(app, "decision", None)
        amount = grants.get(app.pk, int(decision.city_amount_yen) if decision else 0)
        share = shares.get(app.project_id_created or 0)
        if share is not None and share != amount:
            problems.append(
                f"application {app.pk}: project {app.project_id_created} holds {share}, "
                f"the subsidy is {amount}"
            )
    return problems


def published_adoption_counts() -> dict[int, int]:
    """Adoptions per fiscal year as the published results list them (the report's funnel
    must show the same)."""
    counts: dict[int, int] = defaultdict(int)
    for fy in (
        selectors.published_decisions()
        .filter(city_decision="adopt")
        .values_list("application__call__fiscal_year", flat=True)
    ):
        counts[fy] += 1
    return dict(counts)
