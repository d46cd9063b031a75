"""Who gets e-mail when: the person's delivery preference (immediate, daily, weekly, none)."""

from __future__ import annotations

from typing import Any

from kyodo.notifications.models import DeliveryPreference, Frequency


def email_frequency(user: Any) -> str:
    """The person's chosen frequency; immediate when they never chose.

    Uses `user.notification_preference` when it was loaded with select_related, so a loop
    over notifications does not query once per person."""
    try:
        pref = user.notification_preference
    except DeliveryPreference.DoesNotExist:
        return Frequency.IMMEDIATE
    except AttributeError:
        return Frequency.IMMEDIATE
    return str(pref.frequency)
