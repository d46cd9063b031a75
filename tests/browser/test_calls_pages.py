"""Calls, applications, screening and grants pages, checked with axe-core at 360px and 1280px."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def screening(live_url):  # live_url reloads the guideline for transactional tests
    from kyodo.calls import services
    from kyodo.calls.tests.factories import (
        eligible_application,
        full_scores,
        make_call,
        make_reviewer,
    )
    from kyodo.organizations.tests.factories import make_coordinator

    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator)
    rnd = call.rounds.get()
    app = eligible_application(call, coordinator)
    reviewer = make_reviewer(rnd, coordinator)
    services.save_scores(actor=reviewer, application=app, scores=full_scores(call, 4))
    services.record_committee_conclusion(
        actor=coordinator, application=app, conclusion="adopt", comment="地域への波及が期待できる。"
    )
    services.record_city_decision(
        actor=coordinator, application=app, decision="adopt", amount_yen=300_000
    )
    services.publish_round_results(actor=coordinator, round=rnd)
    app.refresh_from_db()
    grant = services.decide_grant(actor=coordinator, application=app, amount_yen=300_000)
    return {
        "coordinator": coordinator,
        "call": call,
        "round": rnd,
        "app": app,
        "reviewer": reviewer,
        "grant": grant,
    }


def test_public_calls_pages(page, axe_check, screening):
    call = screening["call"]
    axe_check(page, "/calls/", name="calls-list")
    axe_check(page, f"/calls/{call.pk}/", name="call-detail")
    axe_check(page, f"/calls/{call.pk}/results/", name="call-results")


def test_applicant_pages(page, axe_check, login, live_url, screening):
    from kyodo.calls.tests.factories import make_application

    call = screening["call"]
    draft = make_application(call, title="子ども食堂ネットワークづくり事業")
    login(page, draft.created_by)
    axe_check(page, "/calls/applications/mine/", name="my-applications")
    axe_check(page, f"/calls/{call.pk}/apply/", name="call-apply")
    axe_check(page, f"/calls/applications/{draft.pk}/", name="application-detail")
    axe_check(page, f"/calls/applications/{draft.pk}/edit/", name="application-edit")
    axe_check(page, f"/calls/applications/{draft.pk}/budget/", name="application-budget")
    axe_check(page, f"/calls/applications/{draft.pk}/roles/", name="application-roles")
    axe_check(page, f"/calls/applications/{draft.pk}/documents/", name="application-documents")
    page.goto(live_url(f"/calls/applications/{draft.pk}/budget/"))
    page.fill("#id_income-0-amount_yen", "-5")
    page.click("form button[type=submit]")
    axe_check(page, None, name="application-budget-errors", widths=(360,))


def test_grant_pages(page, axe_check, login, screening):
    grant = screening["grant"]
    login(page, screening["app"].created_by)
    axe_check(page, f"/calls/grants/{grant.pk}/", name="grant-detail")
    axe_check(page, f"/calls/grants/{grant.pk}/settlement/", name="grant-settlement")
    axe_check(page, f"/calls/grants/{grant.pk}/change/", name="grant-change")


def test_coordinator_pages(page, axe_check, login, screening):
    call, rnd, app = screening["call"], screening["round"], screening["app"]
    login(page, screening["coordinator"])
    axe_check(page, f"/calls/{call.pk}/manage/", name="call-manage")
    axe_check(page, f"/calls/{call.pk}/edit/", name="call-edit")
    axe_check(page, f"/calls/{call.pk}/funding-rules/", name="call-funding-rules")
    axe_check(page, f"/calls/{call.pk}/criteria/", name="call-criteria")
    axe_check(page, f"/calls/{call.pk}/rounds/new/", name="round-create")
    axe_check(page, f"/calls/rounds/{rnd.pk}/reviewers/", name="round-reviewers")
    axe_check(page, f"/calls/rounds/{rnd.pk}/ranking/", name="round-ranking")
    axe_check(page, f"/calls/applications/{app.pk}/decision/", name="application-decide")
    axe_check(page, "/calls/new/", name="call-create")


def test_reviewer_pages(page, axe_check, login, screening):
    from kyodo.calls.tests.factories import eligible_application

    other = eligible_application(
        screening["call"], screening["coordinator"], title="新河岸川の水辺清掃と環境学習"
    )
    login(page, screening["reviewer"])
    axe_check(page, "/calls/reviews/", name="my-reviews")
    axe_check(page, f"/calls/applications/{other.pk}/score/", name="application-score")
    axe_check(page, f"/calls/applications/{other.pk}/conflict/", name="application-conflict")
