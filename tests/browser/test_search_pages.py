"""The search page, checked with axe-core at 360px and 1280px, with and without JavaScript."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed() -> None:
    from kyodo.search.tests.factories import make_doc

    make_doc("川越防災ネットワーク", "地域の防災訓練を毎年行っています。", doc_type="organization")
    make_doc("南古谷防災訓練のお知らせ", "南古谷地区で防災訓練を行います。" * 5, doc_type="event")
    make_doc("防災マップづくり事業", "子どもと一緒に防災マップをつくります。", doc_type="project")


def test_search_pages_are_accessible(page, axe_check) -> None:  # type: ignore[no-untyped-def]
    _seed()
    axe_check(page, "/search/", name="search-empty")
    axe_check(page, "/search/?q=防災", name="search-results")
    axe_check(page, "/search/?q=防災&type=event&district=minamifuruya", name="search-filtered")
    axe_check(page, "/search/?q=見つからない言葉", name="search-nothing", widths=(360,))
    # Only another spelling matches: the "did you mean" line and the marked results.
    axe_check(page, "/search/?q=こども", name="search-other-spelling")


def test_search_suggestions_and_no_js(browser, page, live_url) -> None:  # type: ignore[no-untyped-def]
    _seed()
    page.goto(live_url("/search/"))
    page.fill("#search-q", "防災")
    # (wait_for_function would need 'unsafe-eval', which the CSP rightly refuses)
    page.wait_for_selector("#search-suggestions option", state="attached")
    options = page.eval_on_selector_all(
        "#search-suggestions option", "els => els.map(e => e.value)"
    )
    assert "川越防災ネットワーク" in options
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert "川越防災ネットワーク" in page.inner_text("main")

    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(live_url("/search/"))
    plain.fill("#search-q", "防災訓練")
    plain.click(".search-form__row button")
    assert "南古谷防災訓練のお知らせ" in plain.inner_text("main")
    context.close()
