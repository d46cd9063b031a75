"""Every page type of the foundation, checked with axe-core at 360px and 1280px."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/", "home"),
        ("/about/", "about"),
        ("/accessibility/", "accessibility"),
        ("/no-such-page/", None),
    ],
)
def test_core_pages_have_no_axe_violations(page, axe_check, live_url, path, name):
    if name is None:
        response = page.goto(live_url(path))
        assert response.status == 404
        assert "ページが見つかりません" in page.content()
        axe_check(page, None, name="404")
    else:
        axe_check(page, path, name=name)


def test_home_shows_the_guideline_in_japanese_and_english(page, page_en, live_url):
    page.goto(live_url("/"))
    text = page.inner_text("main")
    assert "人がつながり、魅力があふれ、だれもが住み続けたいまち 川越" in text
    for word in (
        "市民",
        "民間団体",
        "事業者",
        "行政",
        "自助",
        "共助",
        "公助",
        "情報公開・情報共有",
        "加",
        "輪",
        "互",
        "笑",
    ):
        assert word in text
    page_en.goto(live_url("/"))
    assert "Self-help" in page_en.inner_text("main")
    assert page_en.get_attribute("html", "lang") == "en"


def test_skip_link_and_keyboard_navigation(page, live_url):
    page.goto(live_url("/"))
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_language_switch_works_without_javascript(browser, live_url):
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    page.goto(live_url("/"))
    assert page.get_attribute("html", "lang") == "ja"
    page.click("form.lang-switch button")
    assert page.get_attribute("html", "lang") == "en"
    page.click("form.lang-switch button")
    assert page.get_attribute("html", "lang") == "ja"
    context.close()
