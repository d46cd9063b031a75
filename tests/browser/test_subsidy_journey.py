"""Journey: a group's application is scored by a reviewer in the browser; a reviewer who belongs
to the applicant group is refused; the coordinator sees the ranking and the decision page."""

from __future__ import annotations

import pytest

from kyodo.calls.models import ScoreSheet
from kyodo.calls.tests.factories import eligible_application, make_call, make_reviewer
from kyodo.organizations.tests.factories import MembershipFactory, make_coordinator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_score(page, name: str, value: str) -> None:
    field = page.locator(f"[name={name}]").first
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(value)
    else:
        page.check(f"[name={name}][value='{value}']")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_reviewer_scores_conflicted_reviewer_is_refused(request, live_url, login, browser, lang):
    page = request.getfixturevalue("page" if lang == "ja" else "page_en")
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator, budget=700_000)
    rnd = call.rounds.get()
    app = eligible_application(call, coordinator)
    reviewer = make_reviewer(rnd, coordinator)
    conflicted = make_reviewer(rnd, coordinator)
    MembershipFactory(user=conflicted, organization=app.organization)

    login(page, reviewer)
    page.goto(live_url(f"/calls/applications/{app.pk}/score/"))
    for criterion in call.criteria.all():
        fill_score(page, f"score_{criterion.pk}", "4")
    with page.expect_navigation():
        page.locator("main form").last.locator("button[type=submit]").last.click()
    assert ScoreSheet.objects.filter(application=app, reviewer=reviewer).exists()

    other = browser.new_context(locale="ja-JP" if lang == "ja" else "en-US")
    other_page = other.new_page()
    login(other_page, conflicted)
    response = other_page.goto(live_url(f"/calls/applications/{app.pk}/score/"))
    assert response.status in (403, 404)
    assert other_page.locator("[name^=score_]").count() == 0
    assert not ScoreSheet.objects.filter(application=app, reviewer=conflicted).exists()
    other.close()

    login(page, coordinator)
    assert page.goto(live_url(f"/calls/rounds/{rnd.pk}/ranking/")).status == 200
    assert app.title in page.inner_text("main")
    assert page.goto(live_url(f"/calls/applications/{app.pk}/decision/")).status == 200
