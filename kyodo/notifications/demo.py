"""Demo e-mail preferences: most people keep the default (immediate); some chose a digest
or no e-mail. The demo "member" gets a weekly digest so it can be tried."""

from __future__ import annotations

from kyodo.accounts.models import User
from kyodo.core.demo import DemoContext
from kyodo.notifications.models import DeliveryPreference, Frequency


def seed(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng_for("notifications")
    resident_ids: list[int] = list(ctx.shared.get("resident_ids") or [])
    named: dict[str, User] = ctx.shared.get("users", {})
    prefs: list[tuple[int, str]] = []
    for user_id in resident_ids:
        roll = rng.random()
        if roll < 0.10:
            prefs.append((user_id, str(Frequency.DAILY)))
        elif roll < 0.15:
            prefs.append((user_id, str(Frequency.WEEKLY)))
        elif roll < 0.20:
            prefs.append((user_id, str(Frequency.NONE)))
    if named.get("member") is not None:
        prefs.append((named["member"].pk, str(Frequency.WEEKLY)))
    written = ctx.insert(
        DeliveryPreference,
        ["user_id", "frequency"],
        prefs,
        total=len(prefs),
        label="e-mail preferences",
    )
    return {"e-mail preferences": written}
