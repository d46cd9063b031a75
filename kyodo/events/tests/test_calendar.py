"""The events month (issue 29): a grid and weeks in Japan dates, the list's filters, and the
iCal subscription of the same filter."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kyodo.events import selectors
from kyodo.events.models import EventKind
from kyodo.events.tests.factories import EventFactory
from kyodo.events.workflow import EventStatus
from kyodo.guideline.tests import codes

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


def _at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=JST)


def test_month_grid_puts_events_on_japan_dates():
    # 2027-03-01 08:00 in Japan is still 2027-02-28 in UTC: it belongs on 1 March.
    early = EventFactory(starts_at=_at(2027, 3, 1, 8), ends_at=_at(2027, 3, 1, 9))
    long = EventFactory(starts_at=_at(2027, 3, 10), ends_at=_at(2027, 3, 12, 16))
    weeks = selectors.month_calendar(selectors.EventFilters(), dt.date(2027, 3, 1))
    days = {d.day: d for w in weeks for d in w}
    assert all(len(w) == 7 for w in weeks)
    assert weeks[0][0].day.weekday() == 6  # Sunday first
    assert min(days) <= dt.date(2027, 3, 1) and max(days) >= dt.date(2027, 3, 31)
    assert days[dt.date(2027, 3, 1)].events == [early]
    assert days[dt.date(2027, 2, 28)].events == []
    assert [d.day.day for d in days.values() if long in d.events] == [10, 11, 12]
    assert not days[dt.date(2027, 2, 28)].in_month


def test_month_uses_the_lists_filters_and_hides_drafts():
    district = codes.district(0, "honcho")
    hit = EventFactory(
        kind=EventKind.VOLUNTEER,
        district=district,
        starts_at=_at(2027, 3, 5),
        ends_at=_at(2027, 3, 5, 12),
    )
    EventFactory(kind=EventKind.COURSE, starts_at=_at(2027, 3, 5), ends_at=_at(2027, 3, 5, 12))
    EventFactory(status=EventStatus.DRAFT, starts_at=_at(2027, 3, 5), ends_at=_at(2027, 3, 5, 12))
    weeks = selectors.month_calendar(
        selectors.EventFilters(kind=EventKind.VOLUNTEER, district=district.code),
        dt.date(2027, 3, 1),
    )
    assert [e for w in weeks for d in w for e in d.events] == [hit]


def test_calendar_page_links_days_to_the_filtered_list_and_the_feed(
    client, django_assert_max_num_queries
):
    for i in range(10):
        EventFactory(
            kind=EventKind.VOLUNTEER, starts_at=_at(2027, 3, 1 + i), ends_at=_at(2027, 3, 1 + i, 12)
        )
    url = reverse("events:calendar")
    with django_assert_max_num_queries(8):
        response = client.get(url, {"month": "２０２７-０３", "kind": "volunteer"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "date_from=2027-03-05&amp;date_to=2027-03-05" in page
    assert "kind=volunteer" in page
    assert reverse("events:ical-list") + "?kind=volunteer" in page
    assert 'aria-current="date"' in client.get(url).content.decode()


@pytest.mark.parametrize("month", ["abc", "2027-13", "1999-01", "-"])
def test_bad_month_falls_back_to_this_month(client, month):
    assert client.get(reverse("events:calendar"), {"month": month}).status_code == 200


def test_ical_list_feed(client):
    volunteer = EventFactory(kind=EventKind.VOLUNTEER, title="河川清掃ボランティア")
    EventFactory(kind=EventKind.COURSE, title="パソコン講座")
    EventFactory(kind=EventKind.VOLUNTEER, title="下書きの催し", status=EventStatus.DRAFT)
    response = client.get(reverse("events:ical-list"), {"kind": "volunteer"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert volunteer.title in body
    assert "パソコン講座" not in body and "下書きの催し" not in body
    assert body.count("BEGIN:VEVENT") == 1
