"""Demo e-mail preferences: most people keep the default (immediate); some chose a digest
or no e-mail. The demo "member" gets a weekly digest so it can be tried."""

from __future__ import annotations

from kyodo.accounts.models import User
from kyodo.core.demo import DemoContext
from kyodo.notifications.models import DeliveryPreference, Frequency


def seed(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng_for("notifications")
    residents: list[User] = list(ctx.shared.get("residents") or [])
    named: dict[str, User] = ctx.shared.get("users", {})
    prefs: list[DeliveryPreference] = []
    for user in residents:
        roll = rng.random()
        if roll < 0.10:
            prefs.append(DeliveryPreference(user=user, frequency=Frequency.DAILY))
        elif roll < 0.15:
            prefs.append(DeliveryPreference(user=user, frequency=Frequency.WEEKLY))
        elif roll < 0.20:
            prefs.append(DeliveryPreference(user=user, frequency=Frequency.NONE))
    if named.get("member") is not None:
        prefs.append(DeliveryPreference(user=named["member"], frequency=Frequency.WEEKLY))
    created = ctx.bulk_create(DeliveryPreference, prefs, label="e-mail preferences")
    return {"e-mail preferences": len(created)}
