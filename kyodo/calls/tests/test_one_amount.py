"""One subsidy, one amount at each stage; pages that do not contradict themselves; notices a
clerk can file (docs/calls.md, "Invariants"). Each test fails if its enforcement is removed."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from kyodo.calls import invariants, pdf, selectors, services
from kyodo.calls.models import Decision, Grant
from kyodo.calls.tests.factories import (
    eligible_application,
    full_scores,
    make_application,
    make_call,
    make_reviewer,
)
from kyodo.core.formatting import wareki
from kyodo.organizations.tests.factories import make_coordinator
from kyodo.projects.models import Project

pytestmark = pytest.mark.django_db


def concluded(requested: int = 300_000):
    """An eligible application with the committee's conclusion: the city decides next.
    Eligible costs 400,000; rule 90%, cap 500,000, 1,000円 units → at most 360,000."""
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator, budget=1_000_000)
    app = eligible_application(call, coordinator, requested=requested)
    reviewer = make_reviewer(call.rounds.get(), coordinator)
    services.save_scores(actor=reviewer, application=app, scores=full_scores(call, 4))
    services.record_committee_conclusion(
        actor=coordinator, application=app, conclusion="adopt", comment="良い計画。"
    )
    return coordinator, app, reviewer


def test_a_decision_off_the_rounding_unit_is_refused_with_a_japanese_field_error():
    coordinator, app, _ = concluded(requested=350_000)
    with pytest.raises(ValidationError) as exc:
        services.record_city_decision(
            actor=coordinator, application=app, decision="adopt", amount_yen=300_500
        )
    assert "amount_yen" in exc.value.error_dict
    assert "1,000円単位" in " ".join(exc.value.messages)
    assert not Decision.objects.filter(application=app, city_decision="adopt").exists()


def test_a_decision_above_the_rate_of_the_eligible_costs_is_refused():
    coordinator, app, _ = concluded(requested=300_000)
    # within the request is not enough: 90% of 400,000 is 360,000, and 300,000 was asked
    with pytest.raises(ValidationError):
        services.record_city_decision(
            actor=coordinator, application=app, decision="adopt", amount_yen=301_000
        )
    assert selectors.decision_amount_problems(app, 360_000)  # above the request
    assert not selectors.decision_amount_problems(app, 300_000)


def test_the_grant_project_and_results_show_the_one_decided_amount():
    coordinator, app, _ = concluded()
    services.record_city_decision(
        actor=coordinator, application=app, decision="adopt", amount_yen=280_000
    )
    app.refresh_from_db()
    project = Project.objects.get(pk=app.project_id_created)
    assert project.city_share_yen == 280_000
    with pytest.raises(ValidationError) as exc:
        services.decide_grant(actor=coordinator, application=app, amount_yen=270_000)
    assert "280,000円" in " ".join(exc.value.messages)
    grant = services.decide_grant(actor=coordinator, application=app)
    assert grant.decided_amount_yen == 280_000 == selectors.subsidy_amount_of(app)
    # an approved change moves the grant and the project's city share together
    change = services.request_change(
        actor=app.created_by,
        grant=grant,
        description="講座を減らす",
        reason="会場",
        new_amount_yen=250_000,
    )
    services.decide_change(actor=coordinator, change=change, approve=True)
    project.refresh_from_db()
    grant.refresh_from_db()
    assert grant.decided_amount_yen == project.city_share_yen == 250_000
    assert invariants.violations() == []


def test_a_change_off_the_unit_is_refused_when_asked():
    coordinator, app, _ = concluded()
    services.record_city_decision(
        actor=coordinator, application=app, decision="adopt", amount_yen=300_000
    )
    grant = services.decide_grant(actor=coordinator, application=app)
    with pytest.raises(ValidationError):
        services.request_change(
            actor=app.created_by, grant=grant, description="x", reason="y", new_amount_yen=250_500
        )


def test_the_database_refuses_a_grant_off_its_unit_and_an_amount_without_adoption():
    from django.db import IntegrityError, transaction

    coordinator, app, _ = concluded()
    services.record_city_decision(
        actor=coordinator, application=app, decision="adopt", amount_yen=300_000
    )
    grant = services.decide_grant(actor=coordinator, application=app)
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.filter(pk=grant.pk).update(decided_amount_yen=299_500)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(application=app).update(city_decision="reject")


@pytest.mark.parametrize(
    "typed", ["400,500", "４００，５００", "12345678901234567890", "abc", "-5"]
)
def test_the_decision_page_answers_every_amount_with_a_field_error(client, typed):
    coordinator, app, _ = concluded(requested=350_000)
    client.force_login(coordinator)
    response = client.post(
        reverse("calls:application-decide", args=[app.pk]),
        {"step": "city", "city-decision": "adopt", "city-amount_yen": typed},
    )
    assert response.status_code == 200
    assert "error" in response.content.decode()
    assert not Decision.objects.filter(application=app, city_decision="adopt").exists()


def test_full_width_digits_are_accepted_on_the_decision_page(client):
    coordinator, app, _ = concluded(requested=350_000)
    client.force_login(coordinator)
    response = client.post(
        reverse("calls:application-decide", args=[app.pk]),
        {"step": "city", "city-decision": "adopt", "city-amount_yen": "３００，０００"},
        follow=True,
    )
    assert Decision.objects.get(application=app).city_amount_yen == 300_000
    assert "採択" in response.content.decode()  # the message names the new state


def test_a_twenty_digit_amount_on_the_budget_form_is_a_field_error_not_a_500(client):
    call = make_call()
    app = make_application(call)
    client.force_login(app.created_by)
    response = client.post(
        reverse("calls:application-budget", args=[app.pk]),
        {
            "income-TOTAL_FORMS": "1",
            "income-INITIAL_FORMS": "0",
            "income-0-source": "subsidy",
            "income-0-description": "本補助金",
            "income-0-amount_yen": "12345678901234567890",
            "expense-TOTAL_FORMS": "1",
            "expense-INITIAL_FORMS": "0",
            "expense-0-category": "報償費",
            "expense-0-unit_price_yen": "99999999999999999999",
            "expense-0-quantity": "１",
        },
    )
    assert response.status_code == 200
    assert "金額が大きすぎます" in response.content.decode() or "以下" in response.content.decode()


def test_the_page_says_ready_only_when_submitting_succeeds(client):
    call = make_call()
    app = make_application(call)
    rep = app.created_by
    services.update_application(actor=rep, application=app, changes={"purpose": "", "content": ""})
    app.refresh_from_db()
    client.force_login(rep)
    page = client.get(reverse("calls:application-detail", args=[app.pk])).content.decode()
    assert "提出の準備ができています" not in page
    assert selectors.submission_problems(app)
    with pytest.raises(ValidationError) as exc:
        services.submit_application(actor=rep, application=app)
    assert exc.value.messages == selectors.submission_problems(app)
    for message in exc.value.messages:
        assert message in page
    services.update_application(
        actor=rep, application=app, changes={"purpose": "目的", "content": "内容"}
    )
    page = client.get(reverse("calls:application-detail", args=[app.pk])).content.decode()
    assert "提出の準備ができています" in page
    services.submit_application(actor=rep, application=app)


def test_the_workbook_marks_a_conflicted_reviewers_scores_as_excluded(client):
    coordinator, app, reviewer = concluded()
    other = make_reviewer(app.round, coordinator)
    services.save_scores(actor=other, application=app, scores=full_scores(app.call, 2))
    services.declare_conflict(actor=reviewer, application=app, reason="親族が会員")
    client.force_login(coordinator)
    response = client.get(reverse("calls:round-ranking", args=[app.round_id]) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[1]
    rows = list(sheet.iter_rows(values_only=True))
    marks = {row[1]: row[-1] for row in rows[1:]}
    assert marks[reviewer.public_name].startswith("除外（利益相反")
    assert marks[other.public_name] == "算入"


def _text(data: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace(" ", "").replace("\n", "").replace("\u3000", "")


def test_the_notices_name_the_addressee_and_the_year_once(client):
    coordinator, app, _ = concluded()
    services.record_city_decision(
        actor=coordinator, application=app, decision="adopt", amount_yen=300_000
    )
    grant = services.decide_grant(actor=coordinator, application=app)
    text = _text(pdf.grant_notice(grant))
    assert "令和8年度令和8年度" not in text
    assert "令和8年度提案型協働事業補助金交付決定通知書" in text
    assert "代表者様" not in text
    rep_name = app.created_by.display_name
    assert rep_name in text or app.created_by.private_profile.real_name in text
    assert wareki(timezone.localtime(grant.decided_at)) in text


def test_the_confirmed_amount_notice_follows_the_rule_and_is_linked(client):
    coordinator, app, _ = concluded()
    services.record_city_decision(
        actor=coordinator, application=app, decision="adopt", amount_yen=300_000
    )
    grant = services.decide_grant(actor=coordinator, application=app)
    rep = app.created_by
    url = reverse("calls:grant-confirmed-notice", args=[grant.pk])
    client.force_login(rep)
    assert client.get(url).status_code == 404  # not confirmed yet
    services.save_settlement(
        actor=rep,
        grant=grant,
        results="講座を10回開いた。",
        participants=60,
        lines=[{"category": "報償費", "amount_yen": 287_000, "is_eligible": True}],
    )
    Grant.objects.filter(pk=grant.pk).update(status="settlement_submitted")
    grant = services.confirm_amount(actor=coordinator, grant=grant)
    assert grant.confirmed_amount_yen == 258_000  # 90% of 287,000 rounded down to 1,000円
    page = client.get(reverse("calls:application-detail", args=[app.pk])).content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    text = _text(response.content)
    assert "額の確定通知書" in text and "258,000円" in text and "287,000円" in text
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    from kyodo.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert invariants.violations() == []
