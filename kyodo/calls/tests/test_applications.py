from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kyodo.calls import selectors, services
from kyodo.calls.models import Application, ApplicationDocument
from kyodo.calls.tests.factories import (
    make_applicant,
    make_application,
    make_call,
    pdf_upload,
    submitted_application,
)
from kyodo.calls.workflow import ApplicationStatus
from kyodo.core.models import AuditEvent
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import OrganizationFactory, make_coordinator, make_member

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=9))
OPENS = dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
CLOSES = dt.datetime(2026, 12, 28, 17, 0, tzinfo=TZ)


@pytest.fixture
def windowed_call():
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=TZ), tick=False):
        coordinator = make_coordinator()
        call = make_call(coordinator=coordinator, opens_at=OPENS, closes_at=CLOSES)
        app = make_application(call)
    return call, app


def test_create_call_copies_rubric_and_defaults():
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator, publish=False)
    assert call.criteria.count() == 9
    assert (
        call.adoption_threshold == 60
        and call.normalise_to == 100
        and call.conflict_policy == "exclude"
    )
    rules = list(call.funding_rules.order_by("continuation_year"))
    assert [(r.continuation_year, r.rate_basis_points, r.cap_yen) for r in rules] == [
        (1, 9000, 500000),
        (2, 7000, 400000),
        (3, 5000, 300000),
    ]
    assert "報償費" in call.eligible_categories and call.minimum_members == 5


@pytest.mark.parametrize(
    ("moment", "ok"),
    [
        (OPENS - dt.timedelta(seconds=1), False),
        (OPENS, True),
        (CLOSES - dt.timedelta(seconds=1), True),
        (CLOSES, False),
        (CLOSES + dt.timedelta(days=1), False),
    ],
)
def test_submission_window_uses_server_time(windowed_call, moment, ok):
    _call, app = windowed_call
    with time_machine.travel(moment, tick=False):
        if ok:
            services.submit_application(actor=app.created_by, application=app)
            app.refresh_from_db()
            assert app.status == ApplicationStatus.SUBMITTED
            assert app.submitted_at == moment
        else:
            with pytest.raises(ValidationError) as exc:
                services.submit_application(actor=app.created_by, application=app)
            app.refresh_from_db()
            assert app.status == ApplicationStatus.DRAFT  # the draft is kept
            assert exc.value.code == "window_closed"
            assert any(w in " ".join(exc.value.messages) for w in ("下書き", "draft"))


def test_drafts_can_be_saved_after_the_window(windowed_call):
    _call, app = windowed_call
    with time_machine.travel(CLOSES + dt.timedelta(days=2), tick=False):
        services.update_application(
            actor=app.created_by, application=app, changes={"place": "ウェスタ川越"}
        )
    app.refresh_from_db()
    assert app.place == "ウェスタ川越" and app.status == ApplicationStatus.DRAFT


def test_double_submit_is_idempotent():
    call = make_call()
    app = make_application(call)
    first = services.submit_application(actor=app.created_by, application=app)
    second = services.submit_application(actor=app.created_by, application=app)
    assert first.submitted_at == second.submitted_at
    assert Application.objects.filter(call=call).count() == 1
    assert AuditEvent.objects.filter(verb="calls.application.submit").count() == 1


def test_paper_application_entered_by_coordinator():
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator)
    org = OrganizationFactory()
    rnd = call.rounds.get()
    app = services.create_application(
        actor=coordinator,
        call=call,
        round=rnd,
        organization=org,
        title="紙の申請",
        on_paper=True,
        paper_received_on=timezone.localdate(),
    )
    assert app.entered_on_paper and app.entered_by == coordinator
    services.update_application(
        actor=coordinator, application=app, changes={"purpose": "目的", "content": "内容"}
    )
    services.save_budget(
        actor=coordinator,
        application=app,
        income=[
            {"source": "subsidy", "amount_yen": 90_000},
            {"source": "own_funds", "amount_yen": 10_000},
        ],
        expenses=[
            {
                "category": "印刷製本費",
                "unit_price_yen": 100_000,
                "quantity": 1,
                "is_eligible": True,
            }
        ],
    )
    services.submit_application(actor=coordinator, application=app)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and app.submitted_by == coordinator


def test_paper_received_date_outside_window_is_refused():
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator)
    app = services.create_application(
        actor=coordinator,
        call=call,
        round=call.rounds.get(),
        organization=OrganizationFactory(),
        title="紙",
        on_paper=True,
        paper_received_on=timezone.localdate() - dt.timedelta(days=30),
    )
    with pytest.raises(ValidationError):
        services.submit_application(actor=coordinator, application=app)


def test_resident_cannot_enter_paper_or_apply_for_another_group():
    call = make_call()
    org = OrganizationFactory()
    member = make_member(org)  # plain member, not an officer
    with pytest.raises(PermissionDenied):
        services.create_application(
            actor=member, call=call, round=call.rounds.get(), organization=org, title="x"
        )
    with pytest.raises(PermissionDenied):
        services.create_application(
            actor=member,
            call=call,
            round=call.rounds.get(),
            organization=org,
            title="x",
            on_paper=True,
        )
    _other_org, other_rep = make_applicant()
    with pytest.raises(PermissionDenied):
        services.create_application(
            actor=other_rep, call=call, round=call.rounds.get(), organization=org, title="x"
        )


def _problems(app):
    return " ".join(selectors.budget_problems(app))


def test_budget_rules_edge_cases():
    call = make_call()
    # eligible 400,000 × 90% = 360,000: exactly at the limit is accepted
    app = make_application(call, requested=360_000)
    assert selectors.budget_problems(app) == []
    # one unit above the limit
    app2 = make_application(call, requested=361_000)
    assert "360,000円" in _problems(app2)
    # not a multiple of the 1,000 yen unit
    app3 = make_application(call, requested=300_500)
    assert "1,000円" in _problems(app3)
    # income ≠ expenses
    app4 = make_application(call, requested=300_000, own=50_000)
    assert "50,000円" in _problems(app4)
    # above the cap (year 1 cap 500,000)
    big = [{"category": "委託料", "unit_price_yen": 1_000_000, "quantity": 1, "is_eligible": True}]
    app5 = make_application(call, requested=600_000, expenses=big)
    assert "500,000円" in _problems(app5)
    # an excluded category cannot be eligible
    meals = [
        {
            "category": "会議の飲食費",
            "description": "弁当",
            "unit_price_yen": 400_000,
            "quantity": 1,
            "is_eligible": True,
        }
    ]
    app6 = make_application(call, requested=300_000, expenses=meals)
    assert "会議の飲食費" in _problems(app6)
    # ineligible lines do not count toward the eligible cost
    mixed = [
        {"category": "報償費", "unit_price_yen": 100_000, "quantity": 1, "is_eligible": True},
        {
            "category": "会議の飲食費",
            "unit_price_yen": 300_000,
            "quantity": 1,
            "is_eligible": False,
        },
    ]
    app7 = make_application(call, requested=100_000, expenses=mixed)
    assert "90,000円" in _problems(app7)


def test_continuation_year_uses_the_tapered_rule():
    call = make_call()
    app = make_application(call, requested=300_000)
    services.update_application(
        actor=app.created_by, application=app, changes={"continuation_year": 3}
    )
    app.refresh_from_db()
    # year 3: 50% of 400,000 = 200,000
    assert "200,000円" in _problems(app)
    services.update_application(
        actor=app.created_by, application=app, changes={"continuation_year": 4}
    )
    app.refresh_from_db()
    assert "4" in _problems(app)


def test_submit_refuses_invalid_budget_and_keeps_draft():
    call = make_call()
    app = make_application(call, requested=999_000)
    with pytest.raises(ValidationError) as exc:
        services.submit_application(actor=app.created_by, application=app)
    assert exc.value.messages
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT


def test_eligibility_rules_block_submission():
    call = make_call(minimum_members=20, requires_base_in_city=True)
    org = OrganizationFactory(
        member_count=3, based_in_city=False, registration_status="provisional"
    )
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    app = make_application(call, org=org, rep=rep)
    problems = selectors.eligibility_problems(app)
    assert len(problems) == 3
    with pytest.raises(ValidationError):
        services.submit_application(actor=rep, application=app)


def test_required_documents_upload_and_check():
    call = make_call(required_documents=True)
    app = make_application(call)
    assert any("事業計画書" in p for p in selectors.eligibility_problems(app))
    for req in call.required_documents.all():
        services.upload_document(
            actor=app.created_by, application=app, requirement=req, upload=pdf_upload()
        )
    assert selectors.eligibility_problems(app) == []
    assert ApplicationDocument.objects.filter(application=app).count() == 5
    services.submit_application(actor=app.created_by, application=app)


def test_upload_refuses_unknown_file_type():
    call = make_call(required_documents=True)
    app = make_application(call)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError):
        services.upload_document(
            actor=app.created_by,
            application=app,
            requirement=None,
            upload=SimpleUploadedFile("x.html", b"<script>alert(1)</script>"),
        )


def test_eligibility_check_outcomes():
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator)
    app = submitted_application(call)
    with pytest.raises(ValidationError):
        services.check_eligibility(actor=coordinator, application=app, outcome="return", reasons="")
    services.check_eligibility(
        actor=coordinator, application=app, outcome="return", reasons="役員名簿が不足しています。"
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RETURNED and app.is_editable
    services.submit_application(actor=app.created_by, application=app)
    services.check_eligibility(
        actor=coordinator, application=app, outcome="ineligible", reasons="市外の団体です。"
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.INELIGIBLE
    with pytest.raises(ValidationError):
        services.check_eligibility(actor=coordinator, application=app, outcome="pass")
    with pytest.raises(PermissionDenied):
        services.check_eligibility(
            actor=app.created_by, application=submitted_application(call), outcome="pass"
        )


def test_withdraw():
    call = make_call()
    app = submitted_application(call)
    services.withdraw_application(actor=app.created_by, application=app)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.WITHDRAWN


def test_joint_application_co_applicants_see_it():
    call = make_call()
    app = make_application(call)
    partner = OrganizationFactory()
    partner_member = make_member(partner)
    services.update_application(
        actor=app.created_by, application=app, changes={}, co_applicants=[partner]
    )
    assert partner_member.has_perm("calls.view_application", app)
    assert not partner_member.has_perm("calls.change_application", app)
