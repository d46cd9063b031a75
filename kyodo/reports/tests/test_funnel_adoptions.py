"""The funnel's 採択 counts what the fiscal year's published results list (docs/reports.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kyodo.calls import selectors as calls_selectors
from kyodo.calls import services
from kyodo.calls.models import Decision
from kyodo.calls.tests.factories import eligible_application, make_call
from kyodo.organizations.tests.factories import make_coordinator
from kyodo.reports.selectors import funnel

pytestmark = pytest.mark.django_db


def _adopted_count(fy: int) -> int:
    return {key: value for key, _label, value in funnel(fy)}["adopted"]


def test_the_funnel_counts_the_published_adoptions_of_the_calls_fiscal_year():
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator)  # FY2026
    apps = [eligible_application(call, coordinator, title=f"事業{i}") for i in range(2)]
    for app, decision in zip(apps, ["adopt", "reject"], strict=True):
        services.record_committee_conclusion(
            actor=coordinator, application=app, conclusion="adopt", comment="講評"
        )
        services.record_city_decision(
            actor=coordinator,
            application=app,
            decision=decision,
            amount_yen=300_000,
            reason="予算の範囲外",
        )
    assert _adopted_count(2026) == 0  # decided, not yet published: the results list nothing
    services.publish_round_results(actor=coordinator, round=call.rounds.get())
    # the decision was recorded in another fiscal year's window (e.g. entered after 1 April)
    Decision.objects.update(city_decided_at=timezone.make_aware(dt.datetime(2027, 4, 10, 9)))
    published = [d for _r, ds in calls_selectors.published_results(call) for d in ds]
    assert sum(1 for d in published if d.city_decision == "adopt") == 1
    assert _adopted_count(2026) == 1
    assert _adopted_count(2027) == 0
