"""The demo data obeys the same invariants as every reachable state (docs/calls.md,
docs/events.md, docs/organizations.md, docs/reports.md): `seed_demo`'s output is checked by
the very functions the state-machine tests run after every step."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from kyodo.calls import invariants as calls_invariants
from kyodo.events import invariants as events_invariants
from kyodo.organizations import invariants as organizations_invariants
from kyodo.reports.selectors import funnel

pytestmark = pytest.mark.django_db


def test_seed_demo_obeys_the_invariants_of_calls_events_registry_and_reports():
    call_command("seed_demo", scale=0.02, verbosity=0)
    assert calls_invariants.violations() == []
    assert events_invariants.violations() == []
    assert organizations_invariants.violations() == []
    counts = calls_invariants.published_adoption_counts()
    assert counts, "the demo publishes results"
    for fy, n in counts.items():
        adopted = {key: value for key, _label, value in funnel(fy)}["adopted"]
        assert adopted == n, fy
