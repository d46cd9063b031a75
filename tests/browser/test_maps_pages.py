"""Places and time (issue 29) in Chromium: a resident places an issue on the map with the
tile server unreachable, sees it on the map view and on a neighbour's page; the events
month; keyboard only and 360 px; axe on every page with a map or the calendar."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# ~170 m from the centre the map shows when 本庁 is chosen (the guideline's district centre).
NEIGHBOUR_POINT = (35.9235, 139.4865)


def _block_tiles(page) -> None:
    """No network: the tile server cannot be reached (as in CI)."""
    page.context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"), lambda r: r.abort())


def _neighbour():
    from kyodo.accounts.tests.factories import UserFactory
    from kyodo.challenges import services
    from kyodo.guideline.models import District, Field

    return services.raise_issue(
        actor=UserFactory(),
        title="市役所前の歩道の段差が大きい",
        description="車いすで通れません。",
        district=District.objects.get(code="honcho"),
        field=Field.objects.get(code="welfare"),
        latitude=NEIGHBOUR_POINT[0],
        longitude=NEIGHBOUR_POINT[1],
    )


def _events_this_month():
    from django.utils import timezone

    from kyodo.events.tests.factories import EventFactory

    today = timezone.localdate()
    day = today.replace(day=min(today.day + 1, 28)) if today.day < 28 else today
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return [
        EventFactory(
            title=f"川越まちあるき（{i}）", starts_at=start, ends_at=start + dt.timedelta(hours=2)
        )
        for i in range(3)
    ]


def test_resident_places_an_issue_on_the_map_and_finds_it_again(page, live_url, login):
    from kyodo.accounts.tests.factories import UserFactory
    from kyodo.challenges.models import Issue

    neighbour = _neighbour()
    resident = UserFactory()
    _block_tiles(page)
    login(page, resident)
    page.goto(live_url("/issues/new/"))
    # The tiles cannot load: the page says so, and the map still works.
    page.wait_for_selector("#pick-map-tiles:not([hidden])")
    page.fill("#id_title", "市役所の前の街灯が切れている")
    page.fill("#id_description", "夜になると真っ暗です。")
    page.select_option("#id_district", label="本庁")
    page.select_option("#id_field", index=1)
    page.locator("#pick-map").scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # the map's move to the district ends
    box = page.locator("#pick-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lat = float(page.input_value("#id_latitude"))
    lon = float(page.input_value("#id_longitude"))
    assert 35.8 < lat < 36.0 and 139.3 < lon < 139.6
    page.locator("#pick-map .leaflet-marker-icon").wait_for()
    assert "緯度" in page.text_content("#pick-map-status")
    with page.expect_navigation():
        page.click("button:has-text('課題を投稿する')")
    issue = Issue.objects.get(title="市役所の前の街灯が切れている")
    assert issue.latitude == pytest.approx(lat, abs=1e-6)
    # On the map view of the list (few issues: each is a marker named by its title).
    page.goto(live_url("/issues/"))
    page.wait_for_selector(f"#issues-map img[alt='{issue.title}']")
    assert page.is_visible("#issues-map-tiles")
    # On the neighbour's page: the map, and the list of issues nearby.
    page.goto(live_url(neighbour.get_absolute_url()))
    assert page.locator(".issue-place .list__title a", has_text=issue.title).count() == 1
    page.wait_for_selector("#issue-map[data-loaded]")
    assert not page.kyodo_console_errors or all(
        "ERR_FAILED" in e or "Failed to load resource" in e for e in page.kyodo_console_errors
    )


def test_raise_with_keyboard_only_at_360px_with_typed_coordinates(page, live_url, login):
    from kyodo.accounts.tests.factories import UserFactory
    from kyodo.challenges.models import Issue

    neighbour = _neighbour()
    _block_tiles(page)
    page.set_viewport_size({"width": 360, "height": 800})
    login(page, UserFactory())
    page.goto(live_url("/issues/new/"))
    page.focus("#id_title")
    page.keyboard.type("市役所前の歩道の段差が大きくて危ない")
    page.keyboard.press("Tab")
    page.keyboard.type("ベビーカーが通れません。")
    page.focus("#id_district")
    page.keyboard.press("ArrowDown")
    page.focus("#id_field")
    page.keyboard.press("ArrowDown")
    page.focus("#id_latitude")
    page.keyboard.type("35.92360")
    page.keyboard.press("Tab")
    page.keyboard.type("139.48660")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # near a home
    # Enter in a field checks first (確認): what will be public, and similar issues nearby.
    page.focus("#id_title")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "ぼかした位置" in page.text_content(".preview-point")
    assert page.locator("#similar a", has_text=neighbour.title).count() == 1
    assert Issue.objects.filter(title="市役所前の歩道の段差が大きくて危ない").count() == 0
    # Posting: Tab to the button and press Enter (the similar issues were shown).
    page.focus("button:has-text('課題を投稿する')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    issue = Issue.objects.get(title="市役所前の歩道の段差が大きくて危ない")
    assert issue.location_coarsened and issue.latitude == pytest.approx(35.9236)
    assert page.url.endswith(issue.get_absolute_url())
    assert "ぼかした位置" in page.text_content(".issue-place")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1


def test_event_month_shows_the_demo_events_and_works_by_keyboard(page, live_url):
    events = _events_this_month()
    page.goto(live_url("/events/month/"))
    for e in events:
        assert page.locator("table.calendar a", has_text=e.title).count() == 1
    link = page.locator("table.calendar a.calendar__date").first
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/events/?date_from=" in page.url
    assert page.locator("a", has_text=events[0].title).count() >= 1
    # On a phone: the weeks as a list, no table, no sideways scrolling.
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_url("/events/month/"))
    assert not page.is_visible("table.calendar")
    assert page.locator(".calendar-weeks a", has_text=events[0].title).first.is_visible()


def test_map_and_calendar_pages_are_accessible(page, axe_check, live_url, login):
    from kyodo.accounts.tests.factories import UserFactory
    from kyodo.challenges.tests.factories import IssueFactory

    neighbour = _neighbour()
    for i in range(5):
        IssueFactory(
            latitude=35.92 + i * 0.002,
            longitude=139.48,
            public_latitude=35.92 + i * 0.002,
            public_longitude=139.48,
        )
    _events_this_month()
    _block_tiles(page)
    axe_check(page, "/issues/", name="issue-list-map")
    axe_check(page, neighbour.get_absolute_url(), name="issue-detail-map")
    axe_check(page, "/events/month/", name="events-month")
    login(page, UserFactory())
    axe_check(page, "/issues/new/", name="issue-form-map")
