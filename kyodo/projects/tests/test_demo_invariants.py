"""The demo data obeys the same invariants as the services (docs/projects.md and
docs/challenges.md): seed_demo at a small scale, then every check over every row."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from kyodo.challenges.tests.invariants import issue_problems
from kyodo.core.formatting import current_fiscal_year
from kyodo.projects.tests.invariants import counted_problems, project_problems

pytestmark = pytest.mark.django_db


def test_seed_demo_projects_and_local_issues_obey_the_invariants() -> None:
    call_command(
        "seed_demo",
        scale=0.05,
        only=["accounts", "organizations", "challenges", "projects"],
        stdout=io.StringIO(),
    )
    from kyodo.challenges.models import Issue
    from kyodo.projects.models import Project

    assert Project.objects.count() >= 150 and Issue.objects.exists()
    assert project_problems() == []
    fy = current_fiscal_year()
    for year in range(fy - 4, fy + 2):
        assert counted_problems(year) == []
    assert issue_problems() == []
