"""Authorization rows for the API app's own pages and personal access tokens.

A token belongs to the plain member of `w.org`: only its owner (and an administrator, who
may revoke a leaked token) can revoke it; for everyone else it does not exist (404).
Rules: kyodo/api/rules.py."""

from __future__ import annotations

from typing import Any

from tests.security.authz_table import NOT_FOUND, Row, World, everyone, only, public


def _token(w: World) -> Any:
    if "api_token" not in w.objects:
        from kyodo.api import services

        w.objects["api_token"] = services.create_token(
            actor=w.users["member"], name="集計スクリプト"
        ).token
    return w.objects["api_token"]


OWNER = only("member", "admin", refused=NOT_FOUND)

ROWS: dict[str, Row] = {
    "api:token-revoke": Row(OWNER, method="POST", kwargs=lambda w: {"pk": _token(w).pk}),
    "api:open-data-download": Row(
        everyone(NOT_FOUND),
        kwargs=lambda w: {"filename": "kyodo-open-data-2026-01-01.zip"},
        note="no package has been built; only names of built packages are served",
    ),
    "api:open-data-latest": Row(
        everyone(NOT_FOUND),
        kwargs=lambda w: {"member": "csv/projects.csv"},
        note="no package has been built yet; once built its files are public (open data)",
    ),
}

API_ROWS: dict[str, Row] = {
    "GET /api/v1/councils": Row(public(), note="the public record of district councils"),
    "GET /api/v1/councils/{council_id}": Row(
        public(), kwargs=lambda w: {"council_id": _council(w).pk}
    ),
    "GET /api/v1/councils/{council_id}/meetings": Row(
        public(),
        kwargs=lambda w: {"council_id": _council(w).pk},
        note="published meeting records only (drafts: tests in kyodo/api)",
    ),
    "DELETE /api/v1/me/tokens/{token_id}": Row(
        OWNER, method="DELETE", kwargs=lambda w: {"token_id": _token(w).pk}
    ),
}


def _council(w: World) -> Any:
    if "council" not in w.objects:
        from kyodo.districts.models import Council
        from kyodo.guideline.models import District

        district = District.objects.exclude(council__isnull=False).order_by("order").first()
        w.objects["council"] = (
            Council.objects.create(district=district, name="権限確認の地域会議")
            if district is not None
            else Council.objects.order_by("id").first()
        )
    return w.objects["council"]
