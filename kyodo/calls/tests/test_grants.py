from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from kyodo.calls import pdf, services
from kyodo.calls.models import Grant
from kyodo.calls.tests.factories import (
    eligible_application,
    full_scores,
    make_call,
    make_reviewer,
    pdf_upload,
)
from kyodo.calls.workflow import GrantStatus
from kyodo.core.formatting import wareki
from kyodo.organizations.tests.factories import make_coordinator

pytestmark = pytest.mark.django_db


def adopted(requested=300_000):
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator, budget=1_000_000)
    rnd = call.rounds.get()
    app = eligible_application(call, coordinator, requested=requested)
    reviewer = make_reviewer(rnd, coordinator)
    services.save_scores(actor=reviewer, application=app, scores=full_scores(call, 4))
    services.record_committee_conclusion(
        actor=coordinator, application=app, conclusion="adopt", comment="良い計画。"
    )
    services.record_city_decision(
        actor=coordinator, application=app, decision="adopt", amount_yen=requested
    )
    app.refresh_from_db()
    return coordinator, app


def test_grant_lifecycle_to_payment():
    coordinator, app = adopted()
    rep = app.created_by
    with pytest.raises(ValidationError):
        services.decide_grant(
            actor=coordinator, application=app, amount_yen=300_500
        )  # not a unit multiple
    with pytest.raises(ValidationError):
        services.decide_grant(
            actor=coordinator, application=app, amount_yen=400_000
        )  # above allocation
    grant = services.decide_grant(
        actor=coordinator,
        application=app,
        amount_yen=300_000,
        conditions="報告書を期限内に提出すること。",
    )
    assert (grant.rate_basis_points, grant.cap_yen, grant.rounding_unit_yen) == (
        9000,
        500_000,
        1000,
    )
    # a change request approved by the city lowers the amount
    change = services.request_change(
        actor=rep,
        grant=grant,
        description="講座を1回減らす",
        reason="会場の都合",
        new_amount_yen=280_000,
    )
    with pytest.raises(PermissionDenied):
        services.decide_change(actor=rep, change=change, approve=True)
    services.decide_change(actor=coordinator, change=change, approve=True, note="承認します。")
    grant.refresh_from_db()
    assert grant.decided_amount_yen == 280_000
    # settlement: actual eligible costs 310,000 → 90% = 279,000 < 280,000
    with pytest.raises(ValidationError):
        services.submit_settlement(actor=rep, grant=grant)
    services.save_settlement(
        actor=rep,
        grant=grant,
        results="講座を9回開き、延べ58人が参加した。",
        participants=58,
        lines=[
            {
                "category": "報償費",
                "description": "講師謝礼",
                "amount_yen": 180_000,
                "is_eligible": True,
                "receipt": pdf_upload("r1.pdf"),
            },
            {
                "category": "消耗品費",
                "description": "道具",
                "amount_yen": 130_000,
                "is_eligible": True,
                "receipt": pdf_upload("r2.pdf"),
            },
            {
                "category": "会議の飲食費",
                "description": "弁当",
                "amount_yen": 20_000,
                "is_eligible": False,
            },
        ],
    )
    services.submit_settlement(actor=rep, grant=grant)
    with pytest.raises(PermissionDenied):
        services.confirm_amount(actor=rep, grant=grant)
    services.confirm_amount(actor=coordinator, grant=grant)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.CONFIRMED and grant.confirmed_amount_yen == 279_000
    with pytest.raises(ValidationError):
        services.record_payment(
            actor=coordinator, grant=grant, amount_yen=280_000, paid_on=timezone.localdate()
        )
    services.record_payment(
        actor=coordinator, grant=grant, amount_yen=279_000, paid_on=timezone.localdate()
    )
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PAID and grant.paid_amount_yen == 279_000


def test_settlement_needs_receipts_and_can_be_returned():
    coordinator, app = adopted()
    rep = app.created_by
    grant = services.decide_grant(actor=coordinator, application=app, amount_yen=300_000)
    services.save_settlement(
        actor=rep,
        grant=grant,
        results="実施しました。",
        participants=10,
        lines=[{"category": "報償費", "amount_yen": 100_000, "is_eligible": True}],
    )
    with pytest.raises(ValidationError):
        services.submit_settlement(actor=rep, grant=grant)
    line = grant.settlement_lines.get()
    services.save_settlement(
        actor=rep,
        grant=grant,
        results="実施しました。",
        participants=10,
        lines=[
            {
                "category": "報償費",
                "amount_yen": 100_000,
                "is_eligible": True,
                "receipt": pdf_upload(),
            }
        ],
    )
    services.submit_settlement(actor=rep, grant=grant)
    services.return_settlement(
        actor=coordinator, grant=grant, reason="領収書の宛名を確認してください。"
    )
    grant.refresh_from_db()
    assert grant.status == GrantStatus.DECIDED
    # saving again keeps the uploaded receipt
    line = grant.settlement_lines.get()
    services.save_settlement(
        actor=rep,
        grant=grant,
        results="実施しました。",
        participants=11,
        lines=[
            {
                "category": "報償費",
                "amount_yen": 90_000,
                "is_eligible": True,
                "keep_receipt_from": line.pk,
            }
        ],
    )
    assert grant.settlement_lines.get().receipt


def test_grant_notice_pdf_reads_back_in_japanese():
    coordinator, app = adopted()
    grant = services.decide_grant(actor=coordinator, application=app, amount_yen=300_000)
    data = pdf.grant_notice(grant)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "交付決定通知書" in compact
    assert "300,000円" in compact
    assert app.title in compact
    assert wareki(timezone.localtime(grant.decided_at)) in compact


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(costs=st.lists(st.integers(min_value=0, max_value=400_000), min_size=1, max_size=4))
def test_confirmed_amount_property_through_the_service(costs):
    grant = Grant.objects.select_related("application").first()
    if grant is None:
        coordinator, app = adopted()
        grant = services.decide_grant(actor=coordinator, application=app, amount_yen=300_000)
    coordinator = grant.decided_by
    Grant.objects.filter(pk=grant.pk).update(
        status=GrantStatus.SETTLEMENT_SUBMITTED, confirmed_amount_yen=None
    )
    grant.settlement_lines.all().delete()
    grant.settlement_lines.bulk_create(
        [
            type(grant.settlement_lines.model())(
                grant=grant, category="報償費", amount_yen=c, is_eligible=True, order=i
            )
            for i, c in enumerate(costs)
        ]
    )
    grant.refresh_from_db()
    services.confirm_amount(actor=coordinator, grant=grant)
    grant.refresh_from_db()
    assert grant.confirmed_amount_yen <= grant.decided_amount_yen <= grant.cap_yen
    assert grant.confirmed_amount_yen % grant.rounding_unit_yen == 0
    assert grant.confirmed_amount_yen * 10_000 <= sum(costs) * grant.rate_basis_points


def test_decided_dates_are_wareki():
    assert wareki(dt.date(2026, 11, 25)) == "令和8年11月25日"
