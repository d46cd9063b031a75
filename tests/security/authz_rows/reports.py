"""Authorization rows for kyodo.reports: the annual report is public (情報公開); the dashboard
is for city staff. Rules: kyodo/reports/rules.py."""

from __future__ import annotations

from tests.security.authz_table import Row, only, public


def _fy() -> dict[str, int]:
    from kyodo.core.formatting import current_fiscal_year

    return {"fiscal_year": current_fiscal_year() - 1}


ROWS: dict[str, Row] = {
    "reports:index": Row(public()),
    "reports:annual": Row(public(), kwargs=lambda w: _fy()),
    "reports:annual-pdf": Row(public(), kwargs=lambda w: _fy()),
    "reports:annual-xlsx": Row(public(), kwargs=lambda w: _fy()),
    "reports:dashboard": Row(
        only("other_staff", "coordinator", "admin"),
        note="staff see their own departments; coordinators and admins the whole city",
    ),
}
