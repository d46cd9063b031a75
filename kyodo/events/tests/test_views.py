"""Every view: success and refusal per role; list query counts independent of rows."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import pytest
import time_machine
from django.utils import timezone

from kyodo.accounts.models import PrivateProfile
from kyodo.accounts.tests.factories import UserFactory
from kyodo.core.models import AuditEvent
from kyodo.events import services
from kyodo.events.models import Registration
from kyodo.events.tests.factories import EventFactory, RoomFactory
from kyodo.events.workflow import EventStatus
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import OrganizationFactory, make_coordinator, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_and_manager():  # type: ignore[no-untyped-def]
    org = OrganizationFactory()
    return org, make_member(org, MembershipRole.REPRESENTATIVE)


def test_list_is_public_and_query_count_does_not_depend_on_rows(
    client, django_assert_max_num_queries
):
    EventFactory.create_batch(2)
    with django_assert_max_num_queries(8):
        assert client.get("/events/").status_code == 200
    EventFactory.create_batch(28)
    with django_assert_max_num_queries(8):
        response = client.get("/events/")
    assert response.status_code == 200
    assert response.content.decode().count('class="list__item"') == 20


def test_list_filters_and_pagination(client):
    from kyodo.guideline.models import District, Field

    district = District.objects.order_by("order").first()
    field = Field.objects.order_by("order").first()
    hit = EventFactory(kind="volunteer", district=district)
    hit.fields.add(field)
    EventFactory(kind="course")
    body = client.get(
        f"/events/?kind=volunteer&district={district.code}&field={field.code}"
    ).content.decode()
    assert hit.title in body and body.count('class="list__item"') == 1
    EventFactory.create_batch(25)
    first = client.get("/events/").content.decode()
    match = re.search(r'href="\?cursor=([^"]+)" rel="next"', first)
    assert match is not None
    second = client.get(f"/events/?cursor={html.unescape(match.group(1))}").content.decode()
    firsts = set(re.findall(r'href="/events/(\d+)/"', first))
    seconds = set(re.findall(r'href="/events/(\d+)/"', second))
    assert len(seconds) == 7 and not firsts & seconds


def test_drafts_are_hidden_from_everyone_but_organisers(client, org_and_manager):
    org, manager = org_and_manager
    draft = EventFactory(organization=org, status=EventStatus.DRAFT)
    assert client.get(f"/events/{draft.pk}/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/events/{draft.pk}/").status_code == 404
    client.force_login(manager)
    assert client.get(f"/events/{draft.pk}/").status_code == 200


def test_register_and_cancel_through_the_pages(client):
    event = EventFactory(capacity=1)
    assert client.post(f"/events/{event.pk}/register/").status_code == 302  # to the login page
    user = UserFactory()
    client.force_login(user)
    assert client.get(f"/events/{event.pk}/").status_code == 200
    assert client.post(f"/events/{event.pk}/register/").status_code == 302
    assert Registration.objects.get(user=user).status == "confirmed"
    client.post(f"/events/{event.pk}/register/")  # double submit
    assert Registration.objects.filter(user=user).count() == 1
    client.post(f"/events/{event.pk}/cancel-registration/")
    assert Registration.objects.get(user=user).status == "cancelled"


def test_registration_form_errors_are_shown(client):
    event = EventFactory()
    from kyodo.events.models import Question

    Question.objects.create(event=event, label="参加人数", required=True)
    client.force_login(UserFactory())
    response = client.post(f"/events/{event.pk}/register/", {})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_create_event_page_per_role(client, org_and_manager):
    org, manager = org_and_manager
    assert client.get("/events/new/").status_code == 302
    client.force_login(make_member(org))  # a plain member
    assert client.get("/events/new/").status_code == 403
    client.force_login(manager)
    assert client.get("/events/new/").status_code == 200
    now = timezone.localtime(timezone.now())
    fmt = "%Y-%m-%dT%H:%M"
    response = client.post(
        "/events/new/",
        {
            "organization": org.pk,
            "title": "ごみゼロ運動",
            "kind": "volunteer",
            "summary": "河川敷の清掃",
            "starts_at": (now + dt.timedelta(days=9)).strftime(fmt),
            "ends_at": (now + dt.timedelta(days=9, hours=2)).strftime(fmt),
            "opens_at": now.strftime(fmt),
            "closes_at": (now + dt.timedelta(days=8)).strftime(fmt),
            "place_name": "入間川河川敷",
            "capacity": 30,
            "cost_yen": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = org.events.get()
    assert event.status == "draft"
    assert client.post(f"/events/{event.pk}/publish/").status_code == 302
    event.refresh_from_db()
    assert event.status == "published"


def test_department_staff_organise_for_their_department(client):
    from kyodo.organizations.tests.factories import DepartmentFactory, make_staff

    dept = DepartmentFactory()
    staff = make_staff(dept)
    event = EventFactory(organization=dept)
    client.force_login(staff)
    assert client.get(f"/events/{event.pk}/manage/").status_code == 200


def test_manage_page_per_role(client, org_and_manager):
    org, manager = org_and_manager
    event = EventFactory(organization=org)
    for user, status in (
        (UserFactory(), 403),
        (make_member(org), 403),
        (make_coordinator(), 403),
        (manager, 200),
    ):
        client.force_login(user)
        assert client.get(f"/events/{event.pk}/manage/").status_code == status


def test_manage_page_adds_questions_messages_and_checks_in(client, org_and_manager):
    org, manager = org_and_manager
    event = EventFactory(organization=org)
    participant = UserFactory()
    reg = services.register_for_event(actor=participant, event=event)
    client.force_login(manager)
    client.post(f"/events/{event.pk}/manage/", {"add_question": "1", "label": "所属"})
    assert event.questions.count() == 1
    response = client.post(
        f"/events/{event.pk}/manage/",
        {"send_message": "1", "subject": "集合場所", "body": "正門前"},
    )
    assert response.status_code == 302
    client.post(f"/events/{event.pk}/registrants/{reg.pk}/check-in/")
    reg.refresh_from_db()
    assert reg.attended
    client.force_login(UserFactory())
    assert client.post(f"/events/{event.pk}/registrants/{reg.pk}/check-in/").status_code == 403


def test_export_contains_only_consented_fields_and_audits_the_views(client, org_and_manager):
    org, manager = org_and_manager
    event = EventFactory(organization=org, asks_real_name=True, asks_phone=True)
    agreed, refused = UserFactory(display_name="同意さん"), UserFactory(display_name="非同意さん")
    PrivateProfile.objects.create(user=agreed, real_name="川越 花子", phone="049-111-1111")
    PrivateProfile.objects.create(user=refused, real_name="川越 次郎", phone="049-222-2222")
    services.register_for_event(actor=agreed, event=event, share_real_name=True, share_phone=False)
    services.register_for_event(actor=refused, event=event)
    client.force_login(manager)
    response = client.get(f"/events/{event.pk}/registrants/export/")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert "川越 花子" in text
    assert "049-111-1111" not in text and "川越 次郎" not in text and "049-222-2222" not in text
    assert len(rows) == 3
    assert (
        AuditEvent.objects.filter(
            verb="accounts.private_data.view", target_id=str(agreed.pk)
        ).count()
        == 1
    )
    assert not AuditEvent.objects.filter(
        verb="accounts.private_data.view", target_id=str(refused.pk)
    ).exists()
    xlsx = client.get(f"/events/{event.pk}/registrants/export/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    client.force_login(make_member(org))
    assert client.get(f"/events/{event.pk}/registrants/export/").status_code == 403


def test_feedback_page_and_results(client, org_and_manager):
    org, manager = org_and_manager
    event = EventFactory(organization=org)
    participant = UserFactory()
    services.register_for_event(actor=participant, event=event)
    with time_machine.travel(event.ends_at + dt.timedelta(hours=2)):
        client.force_login(participant)
        assert (
            client.post(
                f"/events/{event.pk}/feedback/", {"rating": "4", "comment": "また来たい"}
            ).status_code
            == 302
        )
        client.force_login(UserFactory())
        assert client.post(f"/events/{event.pk}/feedback/", {"rating": "4"}).status_code == 403
        client.force_login(manager)
        body = client.get(f"/events/{event.pk}/manage/").content.decode()
    assert "また来たい" in body and "4.0" in body


def test_journey_and_stats_pages(client, django_assert_max_num_queries):
    user = UserFactory()
    assert client.get("/events/my-steps/").status_code == 302
    client.force_login(user)
    body = client.get("/events/my-steps/").content.decode()
    assert "加" in body
    with django_assert_max_num_queries(20):
        assert client.get("/events/steps/").status_code == 200
    assert client.get("/events/steps/?fy=2026").status_code == 200


def test_facility_pages_and_booking_request(client):
    room = RoomFactory()
    assert client.get("/events/bases/").status_code == 200
    assert client.get(f"/events/bases/{room.facility.pk}/").status_code == 200
    client.force_login(UserFactory())
    assert client.get(f"/events/bases/rooms/{room.pk}/book/").status_code == 403
    assert client.get("/events/bases/bookings/").status_code == 403
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    client.force_login(rep)
    with time_machine.travel(dt.datetime(2026, 5, 10, 1, 0, tzinfo=dt.UTC)):
        response = client.post(
            f"/events/bases/rooms/{room.pk}/book/",
            {
                "organization": org.pk,
                "date": "2026-06-02",
                "slot": "afternoon",
                "purpose": "総会",
                "expected_people": 12,
            },
        )
        assert response.status_code == 302
        assert client.get("/events/bases/bookings/").status_code == 200
        booking = room.bookings.get()
        # A group cannot confirm its own request.
        assert client.post(f"/events/bases/bookings/{booking.pk}/confirm/").status_code == 403
        booking.refresh_from_db()
        assert booking.status == "requested"
        client.force_login(make_member(room.facility.managed_by))
        client.post(f"/events/bases/bookings/{booking.pk}/confirm/")
        booking.refresh_from_db()
        assert booking.status == "confirmed"
