"""API rows for calls, published decisions and applications (kyodo/api/endpoints/calls.py).

The world's call is published with one open round; `w.users["reviewer"]` and
`w.users["reviewer_conflict"]` are assigned to that round, and the conflicted one has
declared a conflict with the group's submitted application. The group (`w.org`) has a
complete draft (editable, submittable) and a submitted application."""

from __future__ import annotations

import json
from typing import Any

from tests.security.authz_table import (
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    ROLES,
    Row,
    World,
    only,
    public,
    signed_in,
)

JSON = "application/json"


def _call(w: World) -> Any:
    if "api_calls.call" not in w.objects:
        from kyodo.calls import services
        from kyodo.calls.tests.factories import make_call

        coordinator = w.users["coordinator"]
        call = make_call(coordinator=coordinator)
        rnd = call.rounds.get()
        for role in ("reviewer", "reviewer_conflict"):
            services.assign_reviewer(actor=coordinator, round=rnd, reviewer=w.users[role])
        w.objects["api_calls.call"] = call
    return w.objects["api_calls.call"]


def _draft(w: World) -> Any:
    if "api_calls.draft" not in w.objects:
        from kyodo.calls.tests.factories import make_application

        w.objects["api_calls.draft"] = make_application(
            _call(w), org=w.org, rep=w.users["representative"], title="下書きの申請"
        )
    return w.objects["api_calls.draft"]


def _submitted(w: World) -> Any:
    if "api_calls.submitted" not in w.objects:
        from kyodo.calls import services
        from kyodo.calls.tests.factories import submitted_application

        application = submitted_application(
            _call(w), org=w.org, rep=w.users["representative"], title="提出済みの申請"
        )
        services.declare_conflict(
            actor=w.users["reviewer_conflict"], application=application, reason="団体の知人"
        )
        w.objects["api_calls.submitted"] = application
    return w.objects["api_calls.submitted"]


def _document(w: World) -> Any:
    if "api_calls.document" not in w.objects:
        from kyodo.calls import services
        from kyodo.calls.tests.factories import pdf_upload

        w.objects["api_calls.document"] = services.upload_document(
            actor=w.users["representative"],
            application=_draft(w),
            requirement=None,
            upload=pdf_upload(),
        )
    return w.objects["api_calls.document"]


def _upload(w: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kyodo.calls.tests.factories import PDF_BYTES

    class Rewinding(SimpleUploadedFile):
        """Read from the start every time: the same data dict is sent once per role."""

        def read(self, *args: Any, **kwargs: Any) -> bytes:
            self.seek(0)
            return bytes(super().read(*args, **kwargs))

    return {"file": Rewinding("plan.pdf", PDF_BYTES, content_type="application/pdf")}


def _start_body(w: World) -> str:
    call = _call(w)
    return json.dumps(
        {"organization": w.org.pk, "round": call.rounds.get().pk, "title": "新しい申請"}
    )


CALL = lambda w: {"call_id": _call(w).pk}  # noqa: E731
DRAFT = lambda w: {"application_id": _draft(w).pk}  # noqa: E731
SUBMITTED = lambda w: {"application_id": _submitted(w).pk}  # noqa: E731

# Who may change or submit the group's draft: its managers and the coordinators (and
# administrators, who are named in `can_manage_calls`). A plain member sees it but may not
# act (403); everyone else, reviewers included (it is not submitted), does not see it (404).
_DRAFT_ACTORS = {
    **only("representative", "coordinator", "admin", refused=NOT_FOUND),
    "member": FORBIDDEN,
}

API_ROWS: dict[str, Row] = {
    "GET /api/v1/calls": Row(public()),
    "GET /api/v1/calls/{call_id}": Row(public(), kwargs=CALL),
    "GET /api/v1/calls/{call_id}/decisions": Row(
        public(), kwargs=CALL, note="published decisions only (none yet: an empty page)"
    ),
    "POST /api/v1/calls/{call_id}/applications": Row(
        only("representative"),
        method="POST",
        kwargs=CALL,
        body=_start_body,
        content_type=JSON,
        note="only a manager of the group applies for it; coordinators only on paper "
        "(on_paper), and an administrator who is not a manager is refused like on the website",
    ),
    "GET /api/v1/applications/mine": Row(signed_in()),
    "GET /api/v1/applications/{application_id}": Row(
        {
            **dict.fromkeys(ROLES, NOT_FOUND),
            "anonymous": LOGIN,
            "member": OK,
            "representative": OK,
            "coordinator": OK,
            "reviewer": OK,
            "admin": OK,
        },
        kwargs=SUBMITTED,
        note="calls.view_application: the group, coordinators, and assigned reviewers "
        "without a conflict once submitted; a conflicted reviewer does not see it",
    ),
    "PATCH /api/v1/applications/{application_id}": Row(
        _DRAFT_ACTORS,
        method="PATCH",
        kwargs=DRAFT,
        body=lambda w: json.dumps({"title": "計画を直した申請"}),
        content_type=JSON,
    ),
    "POST /api/v1/applications/{application_id}/documents": Row(
        _DRAFT_ACTORS, method="POST", kwargs=DRAFT, data=_upload, note="multipart upload"
    ),
    "DELETE /api/v1/applications/{application_id}/documents/{document_id}": Row(
        _DRAFT_ACTORS,
        method="DELETE",
        kwargs=lambda w: {"application_id": _draft(w).pk, "document_id": _document(w).pk},
    ),
    "POST /api/v1/applications/{application_id}/submit": Row(
        _DRAFT_ACTORS,
        method="POST",
        kwargs=DRAFT,
        body=lambda w: json.dumps({}),
        content_type=JSON,
    ),
}
