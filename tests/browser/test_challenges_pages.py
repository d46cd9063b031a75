"""Local issues, themes, moderation, news and notifications: axe-core at 360px and 1280px."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _data():
    from kyodo.accounts.tests.factories import UserFactory
    from kyodo.challenges import services
    from kyodo.challenges.moderation import hide_content, report_content
    from kyodo.challenges.tests.factories import IssueCommentFactory, IssueFactory
    from kyodo.news.tests.factories import NewsItemFactory
    from kyodo.notifications.services import notify
    from kyodo.organizations.tests.factories import make_coordinator

    coordinator = make_coordinator()
    resident = UserFactory()
    places = ["小仙波公園", "霞ケ関駅", "名細小学校", "南古谷駅"]
    titles = [
        "{p}の街灯が切れていて夜道が暗い",
        "{p}のごみ集積所でカラス被害が続いている",
        "{p}付近の通学路の見通しが悪い交差点",
    ]
    issues = [IssueFactory(title=titles[i % 3].format(p=places[i % 4])) for i in range(24)]
    issue = issues[0]
    services.publish_official_answer(
        actor=coordinator, issue=issue, answer="来月、街灯を交換します。"
    )
    IssueCommentFactory(issue=issue, body="私も困っています。")
    hidden = IssueCommentFactory(issue=issue, body="不適切なコメント")
    hide_content(actor=coordinator, target=hidden, reason="個人名が含まれていたため")
    report_content(actor=resident, target=issues[1], reason="重複しています")
    services.build_theme_maps()
    news = NewsItemFactory()
    notify(
        recipients=[resident],
        kind="test",
        subject="「街灯」の検討を始めました",
        url=issue.get_absolute_url(),
    )
    return coordinator, resident, issue, news


def test_issue_and_news_pages_are_accessible(page, axe_check, login):
    _coordinator, resident, issue, news = _data()
    axe_check(page, "/issues/", name="issue-list")
    axe_check(
        page, "/issues/?district=honcho&status=received", name="issue-list-filtered", widths=(360,)
    )
    axe_check(page, f"/issues/{issue.pk}/", name="issue-detail")
    axe_check(page, "/issues/themes/", name="theme-map")
    axe_check(page, "/news/", name="news-list")
    axe_check(page, f"/news/{news.pk}/", name="news-detail")
    login(page, resident)
    axe_check(page, "/issues/new/", name="issue-form")
    page.click("main button[type=submit]")
    axe_check(page, None, name="issue-form-errors", widths=(360,))
    axe_check(page, f"/issues/{issue.pk}/", name="issue-detail-signed-in")
    axe_check(page, f"/issues/report/?target=challenges.issue&id={issue.pk}", name="report-form")
    axe_check(page, "/notifications/", name="inbox")
    axe_check(page, "/notifications/settings/", name="notification-settings")


def test_staff_pages_are_accessible(page, axe_check, login):
    coordinator, _resident, issue, _news = _data()
    login(page, coordinator)
    axe_check(page, f"/issues/{issue.pk}/manage/", name="issue-manage")
    axe_check(page, "/issues/moderation/", name="moderation-queue")
    axe_check(page, "/news/new/", name="news-form")


def test_support_works_with_keyboard_only(page, live_url, login):
    _c, resident, issue, _n = _data()
    login(page, resident)
    page.goto(live_url(f"/issues/{issue.pk}/"))
    page.focus("button[value=support]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "1人が共感しています" in page.inner_text("main")
