"""Journey: a group proposes a project; a department consults; both sign the agreement; then
they report and evaluate. Two browsers (the group's representative and the department's staff)
drive the real pages, in Japanese and in English. Only the people, the group and the department
are built directly; everything else is typed into the forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from kyodo.guideline.models import EvaluationItem, Principle, Tier
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import DepartmentFactory, OrganizationFactory, make_member
from kyodo.projects.models import Evaluation, Project
from kyodo.projects.workflow import Phase, ProjectStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "仙波の子ども食堂ネットワーク"


def text(lang: str, message: Any) -> str:
    """A UI string as the person reading the page in `lang` sees it."""
    with translation.override(lang):
        if isinstance(message, tuple):  # (context, message): a word with a pgettext context
            return translation.pgettext(*message)
        return translation.gettext(message) if isinstance(message, str) else str(message)


def submit(page: Any, form: str = "main form[method=post]", button: str = "button") -> None:
    with page.expect_navigation():
        page.locator(form).last.locator(f"{button}[type=submit]").last.click()


def press_button(page: Any, action: str) -> None:
    """Click a workflow button on the project page (a one-button POST form)."""
    submit(page, f"main form[action$='/do/{action}/']")


def status_of(page: Any) -> str:
    return page.locator("main .badge").first.inner_text()


def tab_to(page: Any, element_id: str, limit: int = 120) -> None:
    """Press Tab from where the focus is until `element_id` has it (it must be reachable)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with the Tab key")


def second_browser(browser: Any, live_url: Any, lang: str) -> Any:
    """The other side's own browser, with the same UI language as `page`/`page_en`."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 800},
        locale="ja-JP" if lang == "ja" else "en-US",
        extra_http_headers={"Accept-Language": lang},
    )
    if lang == "en":
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_url("/")}])
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_group_proposes_department_consults_both_sign_report_and_evaluate(
    request, browser, live_url, login, axe_check, lang
):
    group_page = request.getfixturevalue("page" if lang == "ja" else "page_en")
    group = OrganizationFactory(name="仙波子ども食堂の会")
    department = DepartmentFactory(name="こども政策課")
    rep = make_member(group, MembershipRole.REPRESENTATIVE, display_name="仙波 花子")
    staff = make_member(department, MembershipRole.MEMBER, display_name="川越 一郎")
    dept_page = second_browser(browser, live_url, lang)
    login(group_page, rep)
    login(dept_page, staff)
    label = {s: text(lang, s.label) for s in ProjectStatus}

    # 1. The group's representative proposes the project (構想) through the form.
    group_page.goto(live_url("/projects/"))
    with group_page.expect_navigation():
        group_page.click("main a[href='/projects/new/']")
    axe_check(group_page, "/projects/new/", name=f"journey-{lang}-project-form")
    group_page.fill("#id_title", TITLE)
    group_page.fill("#id_purpose", "地域の子どもが安心して食事できる場を増やす")
    group_page.fill("#id_summary", "月2回、公民館で子ども食堂を開く。")
    group_page.select_option("#id_lead_organization", str(group.pk))
    group_page.select_option("#id_departments", [str(department.pk)])
    group_page.check("[name=forms_][value=cooperation]")
    group_page.check("[name=fields_][value=childcare]")
    group_page.check("[name=districts][value=honcho]")
    group_page.fill("#id_city_share_yen", "300000")
    group_page.fill("#id_lead_share_yen", "50000")
    submit(group_page)
    project = Project.objects.get(title=TITLE)
    assert project.status == ProjectStatus.DRAFT
    assert group_page.locator("main h1").inner_text() == TITLE
    assert status_of(group_page) == label[ProjectStatus.DRAFT]
    assert department.name in group_page.inner_text("main")

    # ... and opens the consultation with the department, with a first message.
    press_button(group_page, "consult")
    assert status_of(group_page) == label[ProjectStatus.CONSULTATION]
    with group_page.expect_navigation():
        group_page.click("nav.project-tabs a[href$='/consultation/']")
    group_page.fill("#id_body", "会場は公民館を考えています。広報に協力していただけますか。")
    submit(group_page)
    assert "会場は公民館を考えています" in group_page.inner_text("main ol.thread")

    # 2. Department staff find it in their notifications, read the thread and respond.
    dept_page.goto(live_url("/notifications/"))
    started = text(lang, "Consultation has started on “%(title)s”") % {"title": TITLE}
    notice = dept_page.locator("main li", has_text=started)
    assert notice.count() == 1
    with dept_page.expect_navigation():
        notice.locator("form:has(input[name=open]) button").click()
    assert dept_page.locator("main h1").inner_text() == TITLE
    assert status_of(dept_page) == label[ProjectStatus.CONSULTATION]
    with dept_page.expect_navigation():
        dept_page.click("nav.project-tabs a[href$='/consultation/']")
    thread = dept_page.inner_text("main ol.thread")
    assert "会場は公民館を考えています" in thread and group.name in thread
    dept_page.fill("#id_body", "市報と学校へのチラシ配布で協力できます。協定書の案を作ります。")
    submit(dept_page, "main form[enctype]")
    assert "市報と学校へのチラシ配布" in dept_page.inner_text("main ol.thread")
    axe_check(dept_page, f"/projects/{project.pk}/consultation/", name=f"journey-{lang}-consult")

    # 3. The department starts the agreement and writes its role-division table.
    dept_page.goto(live_url(f"/projects/{project.pk}/"))
    press_button(dept_page, "draft_agreement")
    assert status_of(dept_page) == label[ProjectStatus.AGREEMENT_DRAFTING]
    with dept_page.expect_navigation():
        dept_page.locator(f"main a[href='/projects/{project.pk}/agreement/edit/']").first.click()
    axe_check(dept_page, None, name=f"journey-{lang}-agreement-form")
    roles = [
        ("広報チラシの作成", department, Phase.PLANNING, "public", None),
        ("会場の運営と調理", group, Phase.IMPLEMENTATION, "mutual", rep),
        ("参加者アンケート", group, Phase.EVALUATION, "self", None),
    ]
    for i, (task, party, phase, tier, person) in enumerate(roles):
        dept_page.fill(f"#id_roles-{i}-task", task)
        dept_page.select_option(f"#id_roles-{i}-party", str(party.pk))
        dept_page.select_option(f"#id_roles-{i}-phase", phase.value)
        dept_page.select_option(f"#id_roles-{i}-tier", tier)
        if person is not None:
            dept_page.select_option(f"#id_roles-{i}-person", str(person.pk))
    dept_page.fill(f"#id_inkind_{group.pk}", "公民館の調理室の手配")
    dept_page.fill("#id_change_note", "役割分担表を記入")
    submit(dept_page)
    assert dept_page.url.endswith(f"/projects/{project.pk}/agreement/")
    table = dept_page.locator("#roles-title + .table-wrap table")
    for task, party, phase, tier_code, person in roles:
        row = table.locator("tbody tr", has_text=task).inner_text()
        tier = Tier.objects.get(code=tier_code)
        assert text(lang, phase.label) in row and party.name in row, row
        assert (tier.name if lang == "ja" else tier.name_en or tier.name) in row, row
        if person is not None:
            assert person.public_name in row
    if lang == "ja":
        tiers = table.inner_text()
        assert "自助" in tiers and "共助" in tiers and "公助" in tiers

    # 4. The group answers the 7-principle checklist, using only the keyboard.
    group_page.goto(live_url(f"/projects/{project.pk}/agreement/"))
    assert "役割分担表を記入" in group_page.inner_text("main")
    with group_page.expect_navigation():
        group_page.click(f"main a[href='/projects/{project.pk}/checklist/']")
    axe_check(group_page, None, name=f"journey-{lang}-checklist")
    principles = list(Principle.objects.all())
    assert len(principles) == 7
    group_page.focus("body")
    tab_to(group_page, f"id_p{principles[0].pk}")
    for principle in principles:
        assert group_page.evaluate("document.activeElement.id") == f"id_p{principle.pk}"
        group_page.keyboard.type(f"{principle.short_name}: 月1回の定例会で確認する")
        group_page.keyboard.press("Tab")
    assert group_page.evaluate("document.activeElement.type") == "submit"
    with group_page.expect_navigation():
        group_page.keyboard.press("Enter")
    assert group_page.url.endswith(f"/projects/{project.pk}/agreement/")
    checklist = group_page.inner_text("#checklist-title + dl")
    assert all(f"{p.short_name}: 月1回の定例会で確認する" in checklist for p in principles)

    # 5. Equal sign-off: the group approves first; the department still has to.
    axe_check(group_page, None, name=f"journey-{lang}-agreement-approve")
    group_page.select_option("#id_organization", str(group.pk))
    group_page.check("#id_confirm")
    submit(group_page, "main form[action$='/agreement/approve/']")
    parties = group_page.inner_text("#parties-title + .table-wrap")
    approved, waiting = text(lang, "Approved"), text(lang, "Waiting")
    group_row = group_page.locator("#parties-title + .table-wrap tr", has_text=group.name)
    dept_row = group_page.locator("#parties-title + .table-wrap tr", has_text=department.name)
    assert approved in group_row.inner_text() and waiting in dept_row.inner_text(), parties
    assert text(lang, "Your approval was recorded.") in group_page.inner_text("main .messages")
    assert group_page.locator("main > div.notice--success").count() == 0  # not signed yet
    project.refresh_from_db()
    assert project.status == ProjectStatus.AGREEMENT_DRAFTING

    # The department approves with the keyboard only (select, tick, Enter).
    dept_page.goto(live_url(f"/projects/{project.pk}/agreement/"))
    dept_page.focus("body")
    tab_to(dept_page, "id_organization")
    dept_page.keyboard.press("ArrowDown")
    assert dept_page.input_value("#id_organization") == str(department.pk)
    dept_page.keyboard.press("Tab")
    assert dept_page.evaluate("document.activeElement.id") == "id_confirm"
    dept_page.keyboard.press("Space")
    assert dept_page.is_checked("#id_confirm")
    dept_page.keyboard.press("Tab")
    assert dept_page.evaluate("document.activeElement.type") == "submit"
    with dept_page.expect_navigation():
        dept_page.keyboard.press("Enter")
    signed = dept_page.locator("main > div.notice--success").inner_text()
    assert signed.startswith(
        text(lang, "Every party approved this version. Signed on %(wareki)s (%(date)s).").split(
            "%"
        )[0]
    ), signed
    rows = dept_page.locator("#parties-title + .table-wrap tbody tr")
    assert rows.count() == 2
    assert all(approved in rows.nth(i).inner_text() for i in range(2))
    with dept_page.expect_navigation():
        dept_page.click(f"nav.project-tabs a[href='/projects/{project.pk}/']")
    assert status_of(dept_page) == label[ProjectStatus.AGREED]

    # 6. The project runs: the department starts it, the group reports progress.
    press_button(dept_page, "start")
    assert status_of(dept_page) == label[ProjectStatus.IN_PROGRESS]
    group_page.goto(live_url(f"/projects/{project.pk}/"))
    with group_page.expect_navigation():
        group_page.click(f"main a[href='/projects/{project.pk}/progress/new/']")
    group_page.fill("#id_title", "第1回 子ども食堂")
    group_page.fill("#id_reported_on", "2026-06-14")
    group_page.fill("#id_body", "公民館で32人の子どもが食事をした。")
    group_page.fill("#id_participants", "32")
    submit(group_page)
    assert "第1回 子ども食堂" in group_page.inner_text("#reports-title ~ article")

    # 7. The group ends the project and files the completion report.
    press_button(group_page, "finish")
    assert status_of(group_page) == label[ProjectStatus.COMPLETION_REPORT]
    with group_page.expect_navigation():
        group_page.click(f"main a[href='/projects/{project.pk}/completion/']")
    axe_check(group_page, None, name=f"journey-{lang}-completion-form")
    group_page.fill("#id_summary", "公民館で全12回開催し、延べ240人が参加した。")
    group_page.fill("#id_results", "毎回の参加者数の目標20人を上回った。")
    group_page.fill("#id_participants", "240")
    group_page.fill("#id_actual_city_yen", "280000")
    group_page.fill("#id_actual_partner_yen", "60000")
    submit(group_page, button="button[name=submit]")
    assert status_of(group_page) == label[ProjectStatus.EVALUATION]
    assert "全12回開催し" in group_page.inner_text("#completion-title + *")
    assert "280,000" in group_page.inner_text("#completion-title ~ dl")

    # 8. Mutual evaluation: the group submits; nobody sees its scores yet.
    items = list(EvaluationItem.objects.all())
    assert items
    with group_page.expect_navigation():
        group_page.click(f"main a[href='/projects/{project.pk}/evaluation/final/']")
    axe_check(group_page, None, name=f"journey-{lang}-evaluation-form")
    group_page.select_option("#id_organization", str(group.pk))
    for item in items:
        group_page.check(f"[name=score_{item.pk}][value='4']")
    group_page.check("[name=overall_satisfaction][value='4']")
    group_page.fill("#id_lessons", "早めの情報共有が大切だった。")
    submit(group_page)
    assert group_page.url.endswith(f"/projects/{project.pk}/evaluation/final/")
    status_box = group_page.inner_text("#status-title + ul")
    assert f"{group.name}: {text(lang, 'Submitted')}" in status_box
    assert f"{department.name}: {text(lang, ('evaluation', 'Not yet'))}" in status_box
    assert group_page.locator("#compare-title").count() == 0
    assert group_page.locator("svg.chart__svg").count() == 0

    # A visitor (the project is public) sees who has submitted, not the scores.
    visitor = second_browser(browser, live_url, lang)
    visitor.goto(live_url(f"/projects/{project.pk}/evaluation/final/"))
    assert f"{department.name}: {text(lang, ('evaluation', 'Not yet'))}" in visitor.inner_text(
        "#status-title + ul"
    )
    assert visitor.locator("#compare-title, svg.chart__svg, main form[method=post]").count() == 0
    assert "早めの情報共有が大切だった" not in visitor.inner_text("main")

    dept_page.goto(live_url(f"/projects/{project.pk}/evaluation/final/"))
    assert dept_page.locator("#compare-title").count() == 0
    assert "早めの情報共有が大切だった" not in dept_page.inner_text("main")
    assert f"{group.name}: {text(lang, 'Submitted')}" in dept_page.inner_text("#status-title + ul")
    # The department scores the first item 2 (with the reason it needs), the rest 4.
    dept_page.select_option("#id_organization", str(department.pk))
    for n, item in enumerate(items):
        dept_page.check(f"[name=score_{item.pk}][value='{2 if n == 0 else 4}']")
    dept_page.fill(f"#id_reason_{items[0].pk}", "情報共有が遅れることがあった。")
    dept_page.check("[name=overall_satisfaction][value='5']")
    dept_page.fill("#id_lessons", "会場の確保を早めに始める。")
    submit(dept_page)
    assert Evaluation.objects.filter(project=project, submitted_at__isnull=False).count() == 2

    # 9. Both have submitted: the scores appear side by side, for both sides.
    for side in (dept_page, group_page):
        side.goto(live_url(f"/projects/{project.pk}/evaluation/final/"))
        assert side.locator("#compare-title").inner_text() == text(lang, "Scores side by side")
        compared = side.inner_text("#compare-title ~ figure table")
        assert group.name in compared and department.name in compared
        gap_row = side.locator("#compare-title ~ figure table tbody tr.gap-high")
        assert gap_row.count() == 1  # 4 against 2: the gap is highlighted
        first = items[0].name if lang == "ja" else items[0].name_en or items[0].name
        assert first in gap_row.locator("th").inner_text()
        assert sorted(gap_row.locator("td").all_inner_texts()) == ["2", "2", "4"]
        comments = side.inner_text("#comments-title ~ article >> nth=0") + side.inner_text(
            "#comments-title ~ article >> nth=1"
        )
        assert "早めの情報共有が大切だった" in comments and "会場の確保を早めに始める" in comments
        assert "情報共有が遅れることがあった" in comments
    visitor.reload()
    assert group.name in visitor.inner_text("#compare-title ~ figure table")
    visitor.context.close()
    axe_check(group_page, f"/projects/{project.pk}/evaluation/final/", name=f"journey-{lang}-eval")
    assert group_page.get_attribute("html", "lang") == lang
    dept_page.context.close()
