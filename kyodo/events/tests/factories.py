from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from kyodo.events.models import Event, EventKind, Facility, Room
from kyodo.events.workflow import EventStatus
from kyodo.organizations.tests.factories import DepartmentFactory, OrganizationFactory


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"市民センター{n}")
    kana = factory.Sequence(lambda n: f"しみんせんたー{n:05d}")
    address = "川越市元町1-3-1"
    managed_by = factory.SubFactory(DepartmentFactory)


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    facility = factory.SubFactory(FacilityFactory)
    name = factory.Sequence(lambda n: f"会議室{n}")
    capacity = 30


class EventFactory(factory.django.DjangoModelFactory):
    """A published event next week with registration open now."""

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"川越まちあるき{n}")
    kind = EventKind.EVENT
    status = EventStatus.PUBLISHED
    summary = "旧市街を歩いて地域の課題を考えます。"
    organization = factory.SubFactory(OrganizationFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyAttribute(lambda o: o.starts_at - dt.timedelta(hours=1))
    place_name = "川越市役所前広場"
    capacity = 10
