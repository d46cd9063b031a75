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
