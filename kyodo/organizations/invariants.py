"""What must hold in every reachable state of the group registry (docs/organizations.md,
"Invariants"); read by the state-machine test after every step and over `seed_demo`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from kyodo.core.formatting import fiscal_year_bounds, fiscal_year_of
from kyodo.organizations.models import Organization, RegistrationRenewal


def violations(*, today: dt.date | None = None) -> list[str]:
    today = today or timezone.localdate()
    latest = fiscal_year_bounds(fiscal_year_of(today) + 1)[1]
    problems = [
        f"organization {pk}: registration runs to {expires}, beyond the next fiscal year"
        for pk, expires in Organization.objects.filter(
            registration_expires_on__gt=latest
        ).values_list("pk", "registration_expires_on")
    ]
    problems += [
        f"organization {row['organization']}: renewed twice for {row['fiscal_year']}"
        for row in RegistrationRenewal.objects.values("organization", "fiscal_year")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    ]
    return problems
