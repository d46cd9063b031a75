from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kyodo.calls import selectors, services
from kyodo.calls.models import Decision, ScoreSheet
from kyodo.calls.tests.factories import (
    eligible_application,
    full_scores,
    make_call,
    make_reviewer,
)
from kyodo.calls.workflow import ApplicationStatus
from kyodo.organizations.models import Membership, MembershipStatus
from kyodo.organizations.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    make_coordinator,
    make_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator, budget=700_000)
    rnd = call.rounds.get()
    app = eligible_application(call, coordinator)
    return coordinator, call, rnd, app


def test_reviewer_scores_and_aggregation(setup):
    coordinator, call, rnd, app = setup
    r1 = make_reviewer(rnd, coordinator)
    r2 = make_reviewer(rnd, coordinator)
    services.save_scores(actor=r1, application=app, scores=full_scores(call, 5))
    services.save_scores(actor=r2, application=app, scores=full_scores(call, 3))
    _criteria, rows = selectors.round_ranking(rnd)
    assert rows[0].aggregate.normalised == 80  # mean of 100 and 60
    assert rows[0].allocation.outcome == "allocated"
    # re-scoring replaces the sheet, never duplicates it
    services.save_scores(actor=r2, application=app, scores=full_scores(call, 5))
    assert ScoreSheet.objects.filter(application=app).count() == 2


def test_scores_are_validated(setup):
    coordinator, call, rnd, app = setup
    r1 = make_reviewer(rnd, coordinator)
    bad = full_scores(call, 6)
    with pytest.raises(ValidationError):
        services.save_scores(actor=r1, application=app, scores=bad)
    partial = dict(list(full_scores(call, 3).items())[:3])
    with pytest.raises(ValidationError):
        services.save_scores(actor=r1, application=app, scores=partial)


def test_unassigned_user_cannot_score(setup):
    _coordinator, call, _rnd, app = setup
    outsider = make_member(OrganizationFactory())
    with pytest.raises(PermissionDenied):
        services.save_scores(actor=outsider, application=app, scores=full_scores(call, 5))


def test_member_of_applicant_is_blocked(setup):
    coordinator, call, rnd, app = setup
    insider = make_reviewer(rnd, coordinator)
    MembershipFactory(user=insider, organization=app.organization)
    assert not insider.has_perm("calls.score_application", app)
    assert not insider.has_perm("calls.view_scores", app)
    with pytest.raises(PermissionDenied):
        services.save_scores(actor=insider, application=app, scores=full_scores(call, 5))
    assert selectors.conflict_reasons(insider, app)


def test_member_of_co_applicant_is_blocked(setup):
    coordinator, _call, rnd, app = setup
    partner = OrganizationFactory()
    app.status = ApplicationStatus.DRAFT  # co-applicants are set by the applicant while editing
    app.co_applicants.add(partner)
    app.status = ApplicationStatus.ELIGIBLE
    reviewer = make_reviewer(rnd, coordinator)
    MembershipFactory(user=reviewer, organization=partner)
    assert not reviewer.has_perm("calls.score_application", app)


def test_reviewer_who_joins_after_assignment_is_blocked_immediately(setup):
    coordinator, call, rnd, app = setup
    reviewer = make_reviewer(rnd, coordinator)
    other = make_reviewer(rnd, coordinator)
    assert reviewer.has_perm("calls.score_application", app)
    services.save_scores(actor=reviewer, application=app, scores=full_scores(call, 5))
    services.save_scores(actor=other, application=app, scores=full_scores(call, 2))
    # the reviewer now joins the applicant organization (same user object: no stale cache)
    MembershipFactory(user=reviewer, organization=app.organization)
    assert not reviewer.has_perm("calls.score_application", app)
    assert not reviewer.has_perm("calls.view_scores", app)
    assert reviewer.has_perm(
        "calls.view_application", app
    )  # as a member of the group, not as a reviewer
    with pytest.raises(PermissionDenied):
        services.save_scores(actor=reviewer, application=app, scores=full_scores(call, 5))
    with pytest.raises(PermissionDenied):
        selectors.get_application_for(reviewer, app.pk, perm="calls.score_application")
    # the earlier sheet is kept (raw scores are kept) but no longer counted
    assert ScoreSheet.objects.filter(application=app, reviewer=reviewer).exists()
    _criteria, rows = selectors.round_ranking(rnd)
    assert rows[0].aggregate.counted_reviewers == 1
    assert rows[0].aggregate.normalised == 40
    assert reviewer.pk in rows[0].conflicted_reviewers
    # leaving the organization lifts the automatic conflict
    Membership.objects.filter(user=reviewer, organization=app.organization).update(
        status=MembershipStatus.LEFT
    )
    assert reviewer.has_perm("calls.score_application", app)


def test_declared_conflict_blocks_and_counts_under_each_policy(setup):
    coordinator, call, rnd, app = setup
    r1, r2, r3 = (make_reviewer(rnd, coordinator) for _ in range(3))
    services.save_scores(actor=r1, application=app, scores=full_scores(call, 5))
    services.save_scores(actor=r2, application=app, scores=full_scores(call, 1))
    services.save_scores(actor=r3, application=app, scores=full_scores(call, 1))
    services.declare_conflict(actor=r1, application=app, reason="この団体の顧問です。")
    assert not r1.has_perm("calls.score_application", app)
    _c, rows = selectors.round_ranking(rnd)
    assert rows[0].aggregate.normalised == 20 and rows[0].aggregate.counted_reviewers == 2
    services.update_call(
        actor=coordinator, call=call, changes={"conflict_policy": "mean_of_others"}
    )
    rnd.refresh_from_db()
    _c, rows = selectors.round_ranking(rnd)
    assert rows[0].aggregate.normalised == 20 and rows[0].aggregate.imputed_seats == 1
    assert rows[0].aggregate.raw_total == 3 * 9  # three seats × (9 criteria × 1 point)


def test_declare_conflict_needs_assignment_and_reason(setup):
    coordinator, _call, rnd, app = setup
    outsider = make_member(OrganizationFactory())
    with pytest.raises(PermissionDenied):
        services.declare_conflict(actor=outsider, application=app, reason="x")
    reviewer = make_reviewer(rnd, coordinator)
    with pytest.raises(ValidationError):
        services.declare_conflict(actor=reviewer, application=app, reason=" ")


def test_reviewer_without_conflict_cannot_see_drafts(setup):
    coordinator, call, rnd, app = setup
    from kyodo.calls.tests.factories import make_application

    draft = make_application(call)
    reviewer = make_reviewer(rnd, coordinator)
    with pytest.raises(Http404):
        selectors.get_application_for(reviewer, draft.pk)
    assert selectors.get_application_for(reviewer, app.pk) == app


def _score_and_conclude(coordinator, call, rnd, apps_scores):
    reviewer = make_reviewer(rnd, coordinator)
    for app, score in apps_scores:
        services.save_scores(actor=reviewer, application=app, scores=full_scores(call, score))
    return reviewer


def test_allocation_when_budget_runs_out_and_decisions():
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator, budget=700_000)
    rnd = call.rounds.get()
    a = eligible_application(call, coordinator, requested=360_000, title="A")
    b = eligible_application(call, coordinator, requested=360_000, title="B")
    c = eligible_application(call, coordinator, requested=300_000, title="C")
    d = eligible_application(call, coordinator, requested=100_000, title="D")
    _score_and_conclude(coordinator, call, rnd, [(a, 5), (b, 4), (c, 4), (d, 2)])
    _criteria, rows = selectors.round_ranking(rnd)
    outcome = {r.application.title: (r.allocation.outcome, r.allocation.amount) for r in rows}
    # A (100) takes 360k; B (80, earlier) does not fit the remaining 340k → skipped; C fits
    assert outcome["A"] == ("allocated", 360_000)
    assert outcome["B"] == ("budget_exhausted", 0)
    assert outcome["C"] == ("allocated", 300_000)
    assert outcome["D"] == ("below_threshold", 0)  # 40 < 60


def test_two_decisions_publish_and_budget_guard():
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator, budget=500_000)
    rnd = call.rounds.get()
    a = eligible_application(call, coordinator, requested=300_000, title="A")
    b = eligible_application(call, coordinator, requested=300_000, title="B")
    reviewer = _score_and_conclude(coordinator, call, rnd, [(a, 5), (b, 4)])
    with pytest.raises(ValidationError):
        services.record_city_decision(
            actor=coordinator, application=a, decision="adopt", amount_yen=300_000
        )
    services.record_committee_conclusion(
        actor=coordinator, application=a, conclusion="adopt", comment="地域への波及が期待できる。"
    )
    services.record_committee_conclusion(
        actor=coordinator,
        application=b,
        conclusion="adopt_with_conditions",
        comment="計画は良い。",
        conditions="広報計画を具体化すること。",
    )
    with pytest.raises(ValidationError):
        services.publish_round_results(actor=coordinator, round=rnd)  # city decisions missing
    services.record_city_decision(
        actor=coordinator, application=a, decision="adopt", amount_yen=300_000
    )
    a.refresh_from_db()
    assert a.status == ApplicationStatus.ADOPTED and a.project_id_created
    from kyodo.projects.models import Project

    project = Project.objects.get(pk=a.project_id_created)
    assert project.status == "agreement_drafting" and project.source == f"calls.application:{a.pk}"
    # the city may differ from the committee, but never beyond the budget
    with pytest.raises(ValidationError):
        services.record_city_decision(
            actor=coordinator, application=b, decision="adopt", amount_yen=300_000
        )
    with pytest.raises(ValidationError):
        services.record_city_decision(
            actor=coordinator, application=b, decision="reject", amount_yen=0, reason=""
        )
    services.record_city_decision(
        actor=coordinator, application=b, decision="reject", reason="予算の範囲を超えるため。"
    )
    assert services.publish_round_results(actor=coordinator, round=rnd) == 2
    d = Decision.objects.get(application=a)
    assert d.published_total is not None and d.published_rank == 1
    assert len(d.published_criteria) == 9 and all("mean" in c for c in d.published_criteria)
    assert str(reviewer.pk) not in str(d.published_criteria)


def test_only_coordinators_decide(setup):
    coordinator, _call, rnd, app = setup
    reviewer = make_reviewer(rnd, coordinator)
    with pytest.raises(PermissionDenied):
        services.record_committee_conclusion(
            actor=reviewer, application=app, conclusion="adopt", comment="x"
        )
    with pytest.raises(PermissionDenied):
        services.assign_reviewer(actor=reviewer, round=rnd, reviewer=reviewer)
