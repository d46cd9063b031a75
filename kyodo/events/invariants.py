"""What must hold in every reachable state of events, registrations and room bookings
(docs/events.md, "Invariants"); read by the state-machine test after every step and over
`seed_demo`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q

from kyodo.events.models import Event, RoomBooking
from kyodo.events.selectors import live_room_events, slots_of
from kyodo.events.workflow import BookingStatus, RegistrationStatus


def violations() -> list[str]:
    problems: list[str] = []
    events = Event.objects.annotate(
        confirmed=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        waiting=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
        ),
    )
    for e in events:
        e_any: Any = e
        if e_any.confirmed != e.confirmed_count or e_any.waiting != e.waitlist_count:
            problems.append(f"event {e.pk}: counters differ from the registrations")
        if e_any.confirmed > e.capacity:
            problems.append(f"event {e.pk}: overbooked")
        if e_any.waiting and e_any.confirmed < e.capacity and e.status == "published":
            problems.append(f"event {e.pk}: people wait while seats are free")
    problems += room_violations()
    return problems


def room_violations() -> list[str]:
    """A room slot holds at most one confirmed use (a booking or an event); a group's own
    booking and its own event in that slot are one use."""
    holders: dict[tuple[int, object, str], set[int]] = defaultdict(set)
    confirmed: dict[tuple[int, object, str], int] = defaultdict(int)
    for room_id, date, slot, org_id in RoomBooking.objects.filter(
        status=BookingStatus.CONFIRMED
    ).values_list("room_id", "date", "slot", "organization_id"):
        holders[(room_id, date, slot)].add(org_id)
        confirmed[(room_id, date, slot)] += 1
    events = Event.objects.filter(room__isnull=False).exclude(status="cancelled")
    for e in events.values("pk", "room_id", "starts_at", "ends_at", "organization_id"):
        for date, slot in slots_of(e["starts_at"], e["ends_at"]):
            holders[(e["room_id"], date, slot)].add(e["organization_id"])
        overlapping = (
            live_room_events(e["room_id"])
            .filter(starts_at__lt=e["ends_at"], ends_at__gt=e["starts_at"])
            .exclude(organization_id=e["organization_id"])
        )
        if overlapping.exists():
            problems_key = (e["room_id"], None, f"event {e['pk']}")
            holders[problems_key] |= {-1, -2}
    problems = [
        f"room {key[0]} {key[1]} {key[2]}: used by {len(orgs)} groups"
        for key, orgs in holders.items()
        if len(orgs) > 1
    ]
    problems += [
        f"room {key[0]} {key[1]} {key[2]}: {n} confirmed bookings"
        for key, n in confirmed.items()
        if n > 1
    ]
    return problems
