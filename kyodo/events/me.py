"""マイページ: my registrations, the events waiting for my feedback (笑), and my かわごえ journey
with its next step (a fixed number of queries)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kyodo.accounts.me import group, section
from kyodo.core.formatting import datetime_ja
from kyodo.events import selectors


def my_events_section(request: Any) -> dict[str, Any] | None:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    registrations = selectors.my_registrations(user, upcoming=True, limit=10)
    to_rate = selectors.events_to_rate(user, limit=5)
    return section(
        "events",
        _("My events"),
        [
            group(
                _("Waiting for you: tell how it went"),
                [
                    (e.title, reverse("events:detail", args=[e.pk]) + "#feedback", "")
                    for e in to_rate
                ],
            ),
            group(
                _("What I registered for"),
                [
                    (
                        r.event.title,
                        reverse("events:detail", args=[r.event_id]),
                        f"{datetime_ja(timezone.localtime(r.event.starts_at))} · "
                        f"{r.get_status_display()}",
                    )
                    for r in registrations
                ],
                _("You have not registered for an upcoming event."),
            ),
        ],
        [(_("Find events and volunteering"), reverse("events:list"))],
    )


def my_journey_section(request: Any) -> dict[str, Any] | None:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    journey = selectors.journey_for(user)
    items = [
        (
            f"{step.character} {step.name}",
            reverse("events:journey"),
            pgettext("journey step", "reached")
            if step.reached
            else pgettext("journey step", "not yet"),
        )
        for step in journey.steps
    ]
    links = [(_("See my steps"), reverse("events:journey"))]
    if journey.next_step is not None and journey.next_step.next_url:
        links.insert(
            0,
            (
                _("Next step: %(label)s") % {"label": journey.next_step.next_label},
                journey.next_step.next_url,
            ),
        )
    characters = "・".join(step.character for step in journey.steps)
    return section(
        "journey", _("My steps (%(steps)s)") % {"steps": characters}, [group(None, items)], links
    )
