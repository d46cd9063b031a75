"""Events, activity bases and the かわごえ steps, checked with axe-core at 360px and 1280px."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_event_pages_are_accessible(page, axe_check):  # type: ignore[no-untyped-def]
    from kyodo.events.tests.factories import EventFactory, RoomFactory

    event = EventFactory(accessibility="車いすでご来場いただけます。")
    room = RoomFactory()
    axe_check(page, "/events/", name="events-list")
    axe_check(page, f"/events/{event.pk}/", name="event-detail")
    axe_check(page, "/events/steps/", name="events-steps-stats")
    axe_check(page, "/events/bases/", name="facility-list")
    axe_check(page, f"/events/bases/{room.facility.pk}/", name="facility-detail")


def test_resident_and_organiser_pages_are_accessible(page, axe_check, login):  # type: ignore[no-untyped-def]
    from kyodo.accounts.tests.factories import UserFactory
    from kyodo.events import services
    from kyodo.events.models import Question
    from kyodo.events.tests.factories import EventFactory, RoomFactory
    from kyodo.organizations.models import MembershipRole
    from kyodo.organizations.tests.factories import OrganizationFactory, make_member

    org = OrganizationFactory()
    manager = make_member(org, MembershipRole.REPRESENTATIVE)
    event = EventFactory(organization=org, asks_real_name=True)
    Question.objects.create(event=event, label="参加人数", required=True)
    resident = UserFactory()
    login(page, resident)
    axe_check(page, f"/events/{event.pk}/", name="event-detail-register-form")
    page.click("form[action$='/register/'] button[type=submit]")
    axe_check(page, None, name="event-register-errors", widths=(360,))
    services.register_for_event(
        actor=resident, event=event, answers={event.questions.get().pk: "2"}
    )
    axe_check(page, "/events/my-steps/", name="events-journey")
    login(page, manager)
    axe_check(page, f"/events/{event.pk}/manage/", name="event-manage")
    axe_check(page, "/events/new/", name="event-create")
    room = RoomFactory()
    axe_check(page, f"/events/bases/rooms/{room.pk}/book/", name="booking-request")
    axe_check(page, "/events/bases/bookings/", name="booking-list")
