"""Two parties approving the same version at the same moment: both approvals count, the
project is signed exactly once. And an approval racing an edit never signs a stale text."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import close_old_connections, connection, connections

from kyodo.core.models import AuditEvent
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import OrganizationFactory, make_member
from kyodo.projects import services
from kyodo.projects.models import AgreementApproval, Project, ProjectPartner
from kyodo.projects.tests.factories import (
    advance,
    fill_checklist,
    make_cast,
    make_project,
    write_roles,
)
from kyodo.projects.workflow import ProjectStatus


@pytest.fixture
def concurrent_db(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    """PostgreSQL: the test database as it is. SQLite: the test database is a shared-cache
    in-memory one whose table locks fail at once instead of waiting; production runs on a
    file in WAL mode with a busy timeout, so these tests use a migrated temporary file."""
    from kyodo.guideline.loader import load_guideline

    if connection.vendor != "sqlite":
        load_guideline(settings.KYODO_GUIDELINE_FILE)
        yield
        return
    saved_name = connection.settings_dict["NAME"]
    saved_raw = connection.connection
    connection.connection = None
    dicts = {id(d): d for d in (connection.settings_dict, connections.settings["default"])}.values()
    for settings_dict in dicts:
        settings_dict["NAME"] = str(tmp_path / "projects-concurrency.sqlite3")
    try:
        call_command("migrate", verbosity=0, run_syncdb=True)
        load_guideline(settings.KYODO_GUIDELINE_FILE)
        yield
    finally:
        connection.close()
        for settings_dict in dicts:
            settings_dict["NAME"] = saved_name
        connection.connection = saved_raw


def _run_parallel(calls: list[Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = calls[i]()
        except Exception as exc:
            results[i] = exc
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_concurrent_approvals_of_the_same_version(concurrent_db: None) -> None:
    cast = make_cast()
    third = OrganizationFactory()
    third_rep = make_member(third, MembershipRole.REPRESENTATIVE)
    project = make_project(cast, partner_organizations=[third])
    project = advance(cast, project, ProjectStatus.AGREEMENT_DRAFTING)
    fill_checklist(cast, project)
    write_roles(cast, project)
    assert ProjectPartner.objects.filter(project=project).count() == 3

    def approve(actor: Any, org: Any) -> Any:
        p = Project.objects.get(pk=project.pk)
        return services.approve_agreement(
            actor=actor, project=p, organization=org, version_number=2
        )

    results = _run_parallel(
        [
            lambda: approve(cast.rep, cast.group),
            lambda: approve(cast.staff, cast.department),
            lambda: approve(third_rep, third),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    project.refresh_from_db()
    assert project.status == ProjectStatus.AGREED
    assert AgreementApproval.objects.filter(version__agreement__project=project).count() == 3
    assert (
        AuditEvent.objects.filter(target_id=str(project.pk), verb="projects.project.sign").count()
        == 1
    )


def test_same_party_approving_twice_at_once_counts_once(concurrent_db: None) -> None:
    cast = make_cast()
    project = advance(cast, make_project(cast), ProjectStatus.AGREEMENT_DRAFTING)
    fill_checklist(cast, project)
    write_roles(cast, project)

    def approve() -> Any:
        p = Project.objects.get(pk=project.pk)
        return services.approve_agreement(
            actor=cast.rep, project=p, organization=cast.group, version_number=2
        )

    results = _run_parallel([approve, approve])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert AgreementApproval.objects.filter(version__agreement__project=project).count() == 1
    project.refresh_from_db()
    assert project.status == ProjectStatus.AGREEMENT_DRAFTING
