"""Authorization rows for kyodo.promotion (internal pages for city staff, /internal/).

Everything is internal: residents and groups are refused. `w.department` is the department
concerned (its liaison, its survey records); `other_staff` works in another department and
may use the shared pages but not act for `w.department`. Rules: kyodo/promotion/rules.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.security.authz_table import NOT_FOUND, Row, World, only

STAFF = only("other_staff", "coordinator", "admin")
MANAGER = only("coordinator", "admin")


def _dept_staff(w: World) -> Any:
    """A staff member of `w.department` (no role of the matrix)."""
    if "dept_staff" not in w.objects:
        from kyodo.organizations.tests.factories import make_staff

        w.objects["dept_staff"] = make_staff(w.department)
    return w.objects["dept_staff"]


def _liaison(w: World) -> Any:
    if "liaison" not in w.objects:
        from kyodo.promotion import services

        w.objects["liaison"] = services.name_liaison(
            actor=w.users["admin"], department=w.department, user=_dept_staff(w)
        )
    return w.objects["liaison"]


def _coordination_request(w: World) -> Any:
    """`w.department` asks a third department: other_staff is party to neither side."""
    if "coordination_request" not in w.objects:
        from kyodo.organizations.tests.factories import DepartmentFactory
        from kyodo.promotion import services

        w.objects["coordination_request"] = services.request_coordination(
            actor=_dept_staff(w),
            from_department=w.department,
            to_department=DepartmentFactory(),
            subject="説明会への同席",
            message="来月の説明会に同席してください。",
        )
    return w.objects["coordination_request"]


def _fiscal_year(w: World) -> int:
    """An open survey (last fiscal year) with one record of `w.department`."""
    if "survey_period" not in w.objects:
        from kyodo.core.formatting import current_fiscal_year
        from kyodo.guideline.models import CollaborationForm, OrganizationType
        from kyodo.promotion import services

        fiscal_year = current_fiscal_year() - 1
        w.objects["survey_period"] = services.open_survey(
            actor=w.users["coordinator"],
            fiscal_year=fiscal_year,
            closes_on=dt.date.today() + dt.timedelta(days=30),
        )
        w.objects["survey_record"] = services.add_survey_record(
            actor=_dept_staff(w),
            department=w.department,
            fiscal_year=fiscal_year,
            title="地域清掃の後援",
            form=CollaborationForm.objects.order_by("id").first(),
            partner_name="川越まちづくり会",
            partner_type=OrganizationType.objects.get(code="npo"),
        )
    return int(w.objects["survey_period"].fiscal_year)


FY = lambda w: {"fiscal_year": _fiscal_year(w)}  # noqa: E731

ROWS: dict[str, Row] = {
    "promotion:index": Row(STAFF),
    "promotion:liaisons": Row(STAFF),
    "promotion:calendar": Row(STAFF),
    "promotion:learning-summary": Row(STAFF),
    "promotion:course": Row(STAFF),
    "promotion:course-module": Row(STAFF, kwargs=lambda w: {"module": "principles"}),
    "promotion:self-check": Row(STAFF, note="answers are private to each staff member"),
    "promotion:requests": Row(STAFF, note="each department sees its own requests"),
    "promotion:request-create": Row(STAFF),
    # Only the two departments concerned (and the coordinators) read a request.
    "promotion:request-detail": Row(MANAGER, kwargs=lambda w: {"pk": _coordination_request(w).pk}),
    # Liaisons are named by the coordinators or by the department's own staff.
    "promotion:liaison-remove": Row(
        MANAGER, method="POST", kwargs=lambda w: {"pk": _liaison(w).pk}
    ),
    "promotion:survey-index": Row(STAFF),
    "promotion:survey": Row(STAFF, kwargs=FY, note="staff see their own department's records"),
    "promotion:survey-close": Row(MANAGER, method="POST", kwargs=FY),
    "promotion:survey-remind": Row(MANAGER, method="POST", kwargs=FY),
    # Acting for w.department: another department's staff do not even find it (404).
    "promotion:survey-submit": Row(
        only("coordinator", "admin", refused=NOT_FOUND),
        method="POST",
        kwargs=FY,
        data=lambda w: {"department": w.department.pk},
    ),
    "promotion:survey-import": Row(
        only("coordinator", "admin", refused=NOT_FOUND),
        method="POST",
        kwargs=FY,
        data=lambda w: {"department": w.department.pk},
        note="without a file: the form is shown again",
    ),
    "promotion:record-delete": Row(
        MANAGER,
        method="POST",
        kwargs=lambda w: {"pk": (_fiscal_year(w), w.objects["survey_record"])[1].pk},
    ),
}
