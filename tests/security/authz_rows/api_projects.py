"""API rows for projects and statistics (kyodo/api/endpoints/projects.py, statistics.py).

Projects are built with the real services (kyodo.projects.tests.factories): `w.org` is the
lead group (its representative manages it; `member` is a plain member) and `w.department`
the responsible department. Rules: projects.view_project (drafts: partners, creator,
coordinators and administrators only; 404 for others), projects.evaluate_project (a manager
of a partner organization, for that organization only)."""

from __future__ import annotations

import json
from typing import Any

from tests.security.authz_rows.projects import project_cast
from tests.security.authz_table import (
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    ROLES,
    Row,
    World,
    public,
    signed_in,
)

_cast = project_cast  # the same cast as the web rows (one object set per World)


def _draft(w: World) -> Any:
    if "project_draft" not in w.objects:
        from kyodo.projects.tests.factories import make_project

        w.objects["project_draft"] = make_project(_cast(w), title="構想中の事業")
    return w.objects["project_draft"]


def _in_evaluation(w: World) -> Any:
    if "project_in_evaluation" not in w.objects:
        from kyodo.projects.tests.factories import advance, make_project
        from kyodo.projects.workflow import ProjectStatus

        cast = _cast(w)
        w.objects["project_in_evaluation"] = advance(
            cast, make_project(cast), ProjectStatus.EVALUATION
        )
    return w.objects["project_in_evaluation"]


def _evaluation_body(w: World) -> str:
    """A complete final evaluation (the matrix test sends the body as it is: JSON text)."""
    from kyodo.guideline.models import EvaluationItem

    return json.dumps(
        {
            "kind": "final",
            "organization": w.org.pk,
            "scores": {i.code: {"score": 4} for i in EvaluationItem.objects.all()},
            "overall_satisfaction": 4,
            "lessons": "早めの情報共有が大切",
        }
    )


# A draft is seen by its partners (member, representative), coordinators and administrators.
_DRAFT = {
    **dict.fromkeys(ROLES, NOT_FOUND),
    "member": OK,
    "representative": OK,
    "coordinator": OK,
    "admin": OK,
}
# Only the representative manages a partner (w.org); the administrator may do everything by
# rule but is no partner's manager, so the service refuses for the organization.
_EVALUATE = {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN, "representative": OK}

API_ROWS: dict[str, Row] = {
    "GET /api/v1/projects": Row(public()),
    "GET /api/v1/projects/{project_id}": Row(
        _DRAFT,
        kwargs=lambda w: {"project_id": _draft(w).pk},
        note="a draft (構想): 404 for those who may not know it exists",
    ),
    "GET /api/v1/projects/{project_id}/evaluations/mine": Row(
        signed_in(), kwargs=lambda w: {"project_id": _in_evaluation(w).pk}
    ),
    "POST /api/v1/projects/{project_id}/evaluations": Row(
        _EVALUATE,
        method="POST",
        kwargs=lambda w: {"project_id": _in_evaluation(w).pk},
        body=_evaluation_body,
        content_type="application/json",
        note="final evaluation for w.org",
    ),
    "GET /api/v1/statistics/fiscal-years": Row(public()),
    "GET /api/v1/statistics/annual": Row(public()),
}
