from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from kyodo.accounts.tests.factories import UserFactory
from kyodo.events import services
from kyodo.events.selectors import journey_for, steps_funnel
from kyodo.events.tests.factories import EventFactory
from kyodo.guideline.models import District, Step
from kyodo.organizations.tests.factories import OrganizationFactory, make_member

pytestmark = pytest.mark.django_db


def _steps() -> list[Step]:
    """The loaded file's steps in order (Kawagoe: 加・輪・互・笑; another city: its own)."""
    return list(Step.objects.order_by("order"))


def _step_with(evidence: str) -> Step:
    return next(s for s in _steps() if evidence in s.evidence)


def test_a_new_person_has_no_step_and_is_told_to_take_part():
    journey = journey_for(UserFactory())
    assert [s.code for s in journey.steps] == [s.code for s in _steps()]
    assert journey.reached_count == 0
    assert journey.next_step is not None and journey.next_step.code == _steps()[0].code
    assert journey.next_step.next_url == "/events/"


def test_taking_part_joining_and_feedback_are_counted(django_assert_max_num_queries):
    user = UserFactory()
    event = EventFactory()
    services.register_for_event(actor=user, event=event)
    assert not journey_for(user).steps[0].reached  # confirmed, but the event is not over
    with time_machine.travel(event.ends_at + dt.timedelta(hours=1)):
        user = type(user).objects.get(pk=user.pk)
        assert journey_for(user).steps[0].reached
        services.give_feedback(actor=user, event=event, rating=5)
        from kyodo.organizations.tests.factories import MembershipFactory

        MembershipFactory(user=user, organization=OrganizationFactory())
        with django_assert_max_num_queries(12):
            journey = journey_for(user)
    # Took part, gave feedback and joined a group; no role yet (Kawagoe: 加 輪 笑, not 互).
    done = {"took_part", "feedback", "membership"}
    expected = [bool(done & set(s.evidence)) for s in _steps()]
    assert [s.reached for s in journey.steps] == expected
    if False in expected:  # Kawagoe: the next step is 互, the first not reached
        first_missing = _steps()[expected.index(False)]
        assert journey.next_step is not None and journey.next_step.code == first_missing.code
    else:  # a file whose steps all count these records: nothing left to suggest
        assert journey.next_step is None and journey.reached_count == len(expected)


def test_checked_in_counts_even_before_the_end():
    org = OrganizationFactory()
    manager = make_member(org, "representative")
    event = EventFactory(organization=org)
    user = UserFactory()
    reg = services.register_for_event(actor=user, event=event)
    services.check_in(actor=manager, registration=reg)
    assert journey_for(user).steps[0].reached


def test_funnel_counts_people_by_step_district_and_month(django_assert_max_num_queries):
    district = District.objects.order_by("order").first()
    people = [UserFactory(district=district) for _ in range(3)]
    event = EventFactory(capacity=5)
    for p in people:
        services.register_for_event(actor=p, event=event)
    with time_machine.travel(event.ends_at + dt.timedelta(hours=1)):
        services.give_feedback(
            actor=type(people[0]).objects.get(pk=people[0].pk), event=event, rating=3
        )
        with django_assert_max_num_queries(12):
            funnel = steps_funnel()
    counts = {code: n for code, _label, n in funnel.steps}
    assert counts[_step_with("took_part").code] == 3
    assert counts[_step_with("feedback").code] == 1
    assert dict(funnel.districts)[district.name][0] == 3
    assert sum(c[0] for _m, c in funnel.months) == 3
    assert steps_funnel(fiscal_year=1990).steps[0][2] == 0
