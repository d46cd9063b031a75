"""Collaboration project pages, checked with axe-core at 360px and 1280px."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_project_pages_are_accessible(page, axe_check, login, live_url):
    from kyodo.projects.tests.factories import advance, make_cast, make_project
    from kyodo.projects.workflow import ProjectStatus

    cast = make_cast()
    closed = advance(cast, make_project(cast, title="子ども食堂ネットワーク"), ProjectStatus.CLOSED)
    drafting = advance(cast, make_project(cast, title="防災訓練"), ProjectStatus.AGREEMENT_DRAFTING)
    axe_check(page, "/projects/", name="projects-list")
    axe_check(page, f"/projects/{closed.pk}/", name="project-detail")
    axe_check(page, f"/projects/{closed.pk}/agreement/", name="project-agreement")
    axe_check(page, f"/projects/{closed.pk}/evaluation/final/", name="project-evaluation-compare")
    axe_check(page, "/projects/themes/", name="project-themes")
    login(page, cast.staff)
    axe_check(page, f"/projects/{drafting.pk}/consultation/", name="project-consultation")
    axe_check(page, f"/projects/{drafting.pk}/agreement/edit/", name="project-agreement-form")
    axe_check(page, f"/projects/{drafting.pk}/checklist/", name="project-checklist")
    login(page, cast.rep)
    axe_check(page, "/projects/new/", name="project-form")
    page.click("main button[type=submit]")
    axe_check(page, None, name="project-form-errors", widths=(360,))


def test_partner_invite_blockers_and_change_agreement_pages(page, axe_check, login, live_url):
    """Issue 20: a city-only draft shows why it cannot be approved and offers groups in the
    invite form (as department staff); a change agreement shows what changed (as the group's
    representative)."""
    from kyodo.projects import services
    from kyodo.projects.tests.factories import advance, make_cast, make_project
    from kyodo.projects.tests.test_invariants import _city_only_project
    from kyodo.projects.workflow import ProjectStatus

    cast = make_cast()
    city_only = _city_only_project(cast)
    running = advance(cast, make_project(cast, title="子ども食堂"), ProjectStatus.IN_PROGRESS)
    change = services.request_change(
        actor=cast.rep,
        project=running,
        summary="市負担額の増額",
        reason="参加者が増えた",
        new_city_share_yen=370_000,
    )
    services.decide_change(
        actor=cast.staff, change_request=change, organization=cast.department, approve=True
    )
    login(page, cast.staff)
    axe_check(page, f"/projects/{city_only.pk}/agreement/", name="project-agreement-blockers")
    assert page.locator("#blockers-title").count() == 1
    axe_check(page, f"/projects/{city_only.pk}/consultation/", name="project-invite-partner")
    assert page.locator("#invite-title").count() == 1
    login(page, cast.rep)
    axe_check(page, f"/projects/{running.pk}/agreement/", name="project-change-agreement")
    assert page.locator("#changes-title").count() == 1
