from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kyodo.accounts.tests.factories import UserFactory
from kyodo.core.models import AuditEvent
from kyodo.events import services
from kyodo.events.models import Event, Feedback, Question, Registration
from kyodo.events.tests.factories import EventFactory
from kyodo.events.workflow import EventStatus, RegistrationStatus
from kyodo.notifications.models import Notification
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import OrganizationFactory, make_member

pytestmark = pytest.mark.django_db


def test_confirmed_while_seats_remain_then_waitlisted():
    event = EventFactory(capacity=2)
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    ra = services.register_for_event(actor=a, event=event)
    rb = services.register_for_event(actor=b, event=event)
    rc = services.register_for_event(actor=c, event=event)
    assert (ra.status, rb.status, rc.status) == ("confirmed", "confirmed", "waitlisted")
    event.refresh_from_db()
    assert (event.confirmed_count, event.waitlist_count) == (2, 1)
    assert AuditEvent.objects.filter(verb="events.registration.create").count() == 3


def test_confirmation_is_emailed_always(django_capture_on_commit_callbacks):
    event = EventFactory()
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.register_for_event(actor=user, event=event)
    assert Notification.objects.filter(recipient=user, kind="events.registration").exists()
    assert any(user.email in m.to for m in mail.outbox)


def test_double_submit_returns_the_same_registration():
    event = EventFactory(capacity=1)
    user = UserFactory()
    first = services.register_for_event(actor=user, event=event)
    second = services.register_for_event(actor=user, event=event)
    assert first.pk == second.pk
    event.refresh_from_db()
    assert event.confirmed_count == 1
    assert Registration.objects.filter(event=event).count() == 1


def test_cancellation_promotes_the_first_on_the_waitlist_and_tells_them():
    event = EventFactory(capacity=1)
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    ra = services.register_for_event(actor=a, event=event)
    services.register_for_event(actor=b, event=event)
    services.register_for_event(actor=c, event=event)
    services.cancel_registration(actor=a, registration=ra)
    statuses = dict(Registration.objects.filter(event=event).values_list("user_id", "status"))
    assert statuses == {a.pk: "cancelled", b.pk: "confirmed", c.pk: "waitlisted"}
    assert Notification.objects.filter(recipient=b, kind="events.registration_promoted").exists()
    assert not Notification.objects.filter(
        recipient=c, kind="events.registration_promoted"
    ).exists()
    event.refresh_from_db()
    assert (event.confirmed_count, event.waitlist_count) == (1, 1)
    # Cancelling twice changes nothing.
    services.cancel_registration(actor=a, registration=ra)
    event.refresh_from_db()
    assert event.confirmed_count == 1


def test_re_registering_after_cancelling_joins_the_end_of_the_queue():
    event = EventFactory(capacity=1)
    a, b = UserFactory(), UserFactory()
    ra = services.register_for_event(actor=a, event=event)
    services.register_for_event(actor=b, event=event)
    services.cancel_registration(actor=a, registration=ra)
    again = services.register_for_event(actor=a, event=event)
    assert again.pk == ra.pk
    assert again.status == RegistrationStatus.WAITLISTED


def test_the_database_refuses_overbooking_even_without_the_service():
    event = EventFactory(capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(confirmed_count=2)


def test_registration_window_is_enforced():
    now = timezone.now()
    event = EventFactory(opens_at=now + dt.timedelta(days=1), closes_at=now + dt.timedelta(days=2))
    with pytest.raises(ValidationError):
        services.register_for_event(actor=UserFactory(), event=event)
    with time_machine.travel(now + dt.timedelta(days=1, hours=1)):
        assert services.register_for_event(actor=UserFactory(), event=event).status == "confirmed"
    with time_machine.travel(now + dt.timedelta(days=3)), pytest.raises(ValidationError):
        services.register_for_event(actor=UserFactory(), event=event)


def test_drafts_and_cancelled_events_refuse_registration():
    with pytest.raises(PermissionDenied):
        services.register_for_event(
            actor=UserFactory(), event=EventFactory(status=EventStatus.DRAFT)
        )
    with pytest.raises(PermissionDenied):
        services.register_for_event(
            actor=UserFactory(), event=EventFactory(status=EventStatus.CANCELLED)
        )


def test_required_questions_and_choices_are_checked():
    event = EventFactory()
    q1 = Question.objects.create(event=event, label="アレルギー", required=True)
    q2 = Question.objects.create(event=event, label="昼食", choices="要\n不要")
    with pytest.raises(ValidationError):
        services.register_for_event(actor=UserFactory(), event=event, answers={q2.pk: "要"})
    with pytest.raises(ValidationError):
        services.register_for_event(
            actor=UserFactory(), event=event, answers={q1.pk: "なし", q2.pk: "たぶん"}
        )
    reg = services.register_for_event(
        actor=UserFactory(), event=event, answers={q1.pk: "なし", q2.pk: "不要"}
    )
    assert dict(reg.answers.values_list("question_id", "value")) == {q1.pk: "なし", q2.pk: "不要"}


def test_consent_is_only_recorded_for_what_the_event_asks():
    event = EventFactory(asks_real_name=True, asks_phone=False)
    reg = services.register_for_event(
        actor=UserFactory(), event=event, share_real_name=True, share_phone=True
    )
    assert reg.share_real_name and not reg.share_phone


def test_bigger_capacity_moves_people_up_smaller_below_confirmed_is_refused():
    org = OrganizationFactory()
    manager = make_member(org, MembershipRole.REPRESENTATIVE)
    event = EventFactory(organization=org, capacity=1)
    services.register_for_event(actor=UserFactory(), event=event)
    waiting = UserFactory()
    services.register_for_event(actor=waiting, event=event)
    values = {"capacity": 2, "place_name": event.place_name}
    services.update_event(actor=manager, event=event, values=values)
    assert Registration.objects.get(user=waiting).status == "confirmed"
    with pytest.raises(ValidationError):
        services.update_event(actor=manager, event=event, values={"capacity": 1, "place_name": "x"})


def test_check_in_only_by_organisers_and_only_confirmed():
    org = OrganizationFactory()
    manager = make_member(org, MembershipRole.OFFICER)
    event = EventFactory(organization=org, capacity=1)
    reg = services.register_for_event(actor=UserFactory(), event=event)
    waiting = services.register_for_event(actor=UserFactory(), event=event)
    with pytest.raises(PermissionDenied):
        services.check_in(actor=make_member(org), registration=reg)
    assert services.check_in(actor=manager, registration=reg).checked_in_at is not None
    assert services.check_in(actor=manager, registration=reg, present=False).checked_in_at is None
    with pytest.raises(ValidationError):
        services.check_in(actor=manager, registration=waiting)


def test_message_registrants_reaches_confirmed_and_optionally_the_waitlist():
    org = OrganizationFactory()
    manager = make_member(org, MembershipRole.REPRESENTATIVE)
    event = EventFactory(organization=org, capacity=1)
    services.register_for_event(actor=UserFactory(), event=event)
    services.register_for_event(actor=UserFactory(), event=event)
    assert (
        services.message_registrants(actor=manager, event=event, subject="持ち物", body="水筒") == 1
    )
    assert (
        services.message_registrants(
            actor=manager, event=event, subject="持ち物", body="水筒", include_waitlist=True
        )
        == 2
    )
    with pytest.raises(PermissionDenied):
        services.message_registrants(actor=UserFactory(), event=event, subject="x", body="y")


def test_reminders_go_out_the_day_before_once():
    start = timezone.localtime(timezone.now()).replace(
        hour=10, minute=0, second=0, microsecond=0
    ) + dt.timedelta(days=1)
    tomorrow = EventFactory(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        opens_at=start - dt.timedelta(days=10),
        closes_at=start - dt.timedelta(hours=1),
    )
    later = EventFactory(
        starts_at=start + dt.timedelta(days=3), ends_at=start + dt.timedelta(days=3, hours=2)
    )
    u1, u2 = UserFactory(), UserFactory()
    services.register_for_event(actor=u1, event=tomorrow)
    services.register_for_event(actor=u2, event=later)
    assert services.send_event_reminders() == 1
    assert services.send_event_reminders() == 0
    assert Notification.objects.filter(recipient=u1, kind="events.reminder").count() == 1
    assert not Notification.objects.filter(recipient=u2, kind="events.reminder").exists()


def test_cancel_event_tells_registrants():
    org = OrganizationFactory()
    manager = make_member(org, MembershipRole.REPRESENTATIVE)
    event = EventFactory(organization=org)
    user = UserFactory()
    services.register_for_event(actor=user, event=event)
    with pytest.raises(ValidationError):
        services.cancel_event(actor=manager, event=event, reason=" ")
    services.cancel_event(actor=manager, event=event, reason="台風のため")
    assert Notification.objects.filter(recipient=user, kind="events.event_cancelled").exists()
    event.refresh_from_db()
    assert event.status == "cancelled"


def test_feedback_after_the_event_by_participants_only():
    event = EventFactory()
    participant, stranger = UserFactory(), UserFactory()
    services.register_for_event(actor=participant, event=event)
    with pytest.raises(PermissionDenied):
        services.give_feedback(actor=participant, event=event, rating=5)
    with time_machine.travel(event.ends_at + dt.timedelta(hours=1)):
        participant = type(participant).objects.get(pk=participant.pk)
        services.give_feedback(actor=participant, event=event, rating=4, comment="楽しかった")
        services.give_feedback(actor=participant, event=event, rating=5)
        with pytest.raises(PermissionDenied):
            services.give_feedback(actor=stranger, event=event, rating=5)
        with pytest.raises(ValidationError):
            services.give_feedback(actor=participant, event=event, rating=6)
    assert list(Feedback.objects.values_list("rating", flat=True)) == [5]


def test_create_and_publish_event_by_a_group_manager():
    org = OrganizationFactory()
    manager = make_member(org, MembershipRole.CLERK)
    now = timezone.now()
    values = {
        "title": "防災訓練",
        "kind": "volunteer",
        "summary": "地域の防災訓練",
        "starts_at": now + dt.timedelta(days=5),
        "ends_at": now + dt.timedelta(days=5, hours=2),
        "place_name": "公民館",
        "capacity": 20,
        "opens_at": now,
        "closes_at": now + dt.timedelta(days=4),
        "cost_yen": 0,
    }
    with pytest.raises(PermissionDenied):
        services.create_event(actor=make_member(org), organization=org, values=values)
    event = services.create_event(actor=manager, organization=org, values=values)
    assert event.status == EventStatus.DRAFT
    with pytest.raises(ValidationError):
        services.create_event(actor=manager, organization=org, values={**values, "ends_at": now})
    services.publish_event(actor=manager, event=event)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_waitlist_position_given_at_registration_is_the_counted_one():
    from kyodo.events.selectors import waitlist_position

    event = EventFactory(capacity=1)
    services.register_for_event(actor=UserFactory(), event=event)
    given = [
        waitlist_position(services.register_for_event(actor=UserFactory(), event=event))
        for _ in range(3)
    ]
    counted = [
        waitlist_position(r)
        for r in Registration.objects.filter(
            event=event, status=RegistrationStatus.WAITLISTED
        ).order_by("queued_at", "id")
    ]
    assert given == counted == [1, 2, 3]
