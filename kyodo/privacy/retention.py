"""Retention periods (個人情報保護法): each class of personal data is kept for the number of
days in settings.KYODO_RETENTION_DAYS[data_class]; after that it is anonymised.

Apps plug in their own data classes in AppConfig.ready():

    from kyodo.privacy.retention import register_retention_policy
    register_retention_policy("event_registration_personal", anonymise_old_answers)

where `anonymise_old_answers(cutoff: datetime) -> int` anonymises everything of that class
older than `cutoff` and returns how many rows it changed. It must be idempotent (rows
already anonymised are not counted again): `anonymise_expired` runs every day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

RetentionPolicy = Callable[[dt.datetime], int]
_policies: dict[str, RetentionPolicy] = {}


def register_retention_policy(data_class: str, fn: RetentionPolicy) -> None:
    """Register (or replace) the anonymiser for `data_class`, a key of KYODO_RETENTION_DAYS."""
    _policies[data_class] = fn


def registered_policies() -> dict[str, RetentionPolicy]:
    return dict(sorted(_policies.items()))


def retention_days(data_class: str) -> int:
    periods = getattr(settings, "KYODO_RETENTION_DAYS", {})
    if data_class not in periods:
        raise ImproperlyConfigured(
            f"No retention period for {data_class!r}: add it to KYODO_RETENTION_DAYS."
        )
    return int(periods[data_class])


def cutoff_for(data_class: str, now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=retention_days(data_class))
