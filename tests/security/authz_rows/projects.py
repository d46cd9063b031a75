"""Authorization rows for kyodo.projects (collaboration projects and city themes).

Every project here is led by the group `w.org` with the city department `w.department` as
partner, walked through its lifecycle with the real services (kyodo.projects.tests.factories).
Insiders: `member` (party member), `representative` (party manager and signer, lead
manager), the coordinator and admins (stewards) — and the department's staff, who are not
one of the matrix roles. Outsiders: `resident`, `other_rep` (manages another group),
`other_staff` (another department), and `reviewer`/`reviewer_conflict` (plain residents
outside kyodo.calls).

Projects (all public: every stage after the draft is public, 情報公開):
- "consultation": in consultation, with a private message and its attachment;
- "drafting": drafting the agreement (version 2 written, nobody signed yet);
- "in_progress": in progress, with a milestone, a progress report with a photo, and a
  change request from the department waiting for the group's decision;
- "completion": writing the completion report;
- "evaluation": in final evaluation, nobody evaluated yet.
Plus a theme (行政提案) of `w.department`.

What each role gets, from kyodo/projects/rules.py: anyone may read a public project, its
agreement, progress photos and evaluation page (scores stay hidden until every partner has
submitted); the consultation thread and its documents are for party members and stewards;
running the project (`can_run`) is for party managers and stewards; approving an agreement
or a change is for the partners' signers only (a coordinator is not a party). Admins are
superusers: Django grants them every permission, and the services refuse them where a
partner organization must act (approval, evaluation).

State-dependent answers (draft projects, public vs private documents) are in
tests/security/test_authz_states.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.security.authz_table import NOT_FOUND, Row, World, only, public

STEWARDS = ("coordinator", "admin")
RUNNERS = ("representative", "coordinator", "admin")  # can_run: party managers and stewards


def project_cast(w: World) -> Any:
    """The projects factories' Cast, made of the World's people (plus a department clerk)."""
    if "projects_cast" not in w.objects:
        from kyodo.organizations.tests.factories import make_member
        from kyodo.projects.tests.factories import Cast

        w.objects["projects_cast"] = Cast(
            group=w.org,
            department=w.department,
            rep=w.users["representative"],
            member=w.users["member"],
            staff=make_member(w.department),
            coordinator=w.users["coordinator"],
            outsider=w.users["resident"],
        )
    return w.objects["projects_cast"]


def _pdf(name: str) -> Any:
    from kyodo.calls.tests.factories import pdf_upload

    return pdf_upload(name)


def _jpeg() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.security.uploads import jpeg_with_gps

    return SimpleUploadedFile("photo.jpg", jpeg_with_gps(), content_type="image/jpeg")


def projects_world(w: World) -> dict[str, Any]:
    """Build (once) the projects and the theme described above."""
    if "projects" in w.objects:
        return w.objects["projects"]  # type: ignore[no-any-return]
    from kyodo.projects import services
    from kyodo.projects.tests.factories import advance, make_project
    from kyodo.projects.workflow import ProjectStatus as S

    cast = project_cast(w)
    objects: dict[str, Any] = {}

    consultation = make_project(cast, title="相談中の協働事業")
    advance(cast, consultation, S.CONSULTATION)
    message = services.post_message(
        actor=cast.rep,
        project=consultation,
        body="会場の候補について相談させてください。",
        attachments=[_pdf("見積書.pdf")],
    )
    objects["consultation"] = consultation
    objects["private_document"] = message.documents.get()

    drafting = make_project(cast, title="協定準備中の協働事業")
    advance(cast, drafting, S.CONSULTATION)
    services.start_agreement_drafting(actor=cast.staff, project=drafting)
    drafting.refresh_from_db()
    from kyodo.projects.tests.factories import fill_checklist, write_roles

    fill_checklist(cast, drafting)
    write_roles(cast, drafting)
    drafting.refresh_from_db()
    objects["drafting"] = drafting

    running = make_project(cast, title="実施中の協働事業")
    advance(cast, running, S.IN_PROGRESS)
    objects["milestone"] = services.add_milestone(
        actor=cast.rep, project=running, title="第1回講座", due_on=dt.date(2026, 6, 1)
    )
    report = services.add_progress_report(
        actor=cast.rep,
        project=running,
        title="第1回を開催",
        body="30人が参加した。",
        reported_on=dt.date(2026, 6, 1),
        participants=30,
        photos=[(_jpeg(), "講座の様子")],
    )
    objects["photo"] = report.photos.get()
    objects["change"] = services.request_change(
        actor=cast.staff,
        project=running,
        summary="期間を延長する",
        reason="会場の改修",
        new_period_end=dt.date(2027, 3, 31),
    )
    objects["in_progress"] = running

    completion = make_project(cast, title="完了報告中の協働事業")
    objects["completion"] = advance(cast, completion, S.COMPLETION_REPORT)

    evaluation = make_project(cast, title="評価中の協働事業")
    objects["evaluation"] = advance(cast, evaluation, S.EVALUATION)

    objects["theme"] = services.create_theme(
        actor=cast.staff,
        department=w.department,
        title="空き家を地域の居場所にする",
        problem="空き家が増えている",
        expected_outcome="空き家を使った居場所が3か所できる",
        deadline=dt.date.today() + dt.timedelta(days=60),
        fiscal_year=2026,
    )
    w.objects["projects"] = objects
    return objects


def _pk(key: str) -> Any:
    return lambda w: {"pk": projects_world(w)[key].pk}


def _no_args(w: World) -> dict[str, Any]:
    projects_world(w)  # the same world for every row, whatever the order
    return {}


def _agreement_version(w: World) -> dict[str, Any]:
    return {"pk": projects_world(w)["drafting"].pk, "number": 1}


ROWS: dict[str, Row] = {
    # --- public pages
    "projects:list": Row(public(), kwargs=_no_args),
    "projects:feed": Row(public(), kwargs=_no_args),
    "projects:feed-district": Row(public(), kwargs=lambda w: {"district": "honcho"}),
    "projects:detail": Row(public(), kwargs=_pk("in_progress")),
    "projects:photo": Row(
        public(),
        kwargs=lambda w: {
            "pk": projects_world(w)["in_progress"].pk,
            "photo_pk": projects_world(w)["photo"].pk,
        },
        note="a photo of a published progress report",
    ),
    "projects:agreement": Row(public(), kwargs=_pk("drafting")),
    "projects:agreement-version": Row(public(), kwargs=_agreement_version),
    "projects:agreement-pdf": Row(public(), kwargs=_pk("drafting")),
    "projects:agreement-version-pdf": Row(public(), kwargs=_agreement_version),
    "projects:evaluation": Row(
        public(),
        kwargs=lambda w: {"pk": projects_world(w)["evaluation"].pk, "kind": "final"},
        note="the page is public; each side's scores stay hidden until every partner submitted",
    ),
    "projects:theme-list": Row(public(), kwargs=_no_args),
    "projects:theme-detail": Row(public(), kwargs=_pk("theme")),
    # --- the private consultation
    "projects:consultation": Row(
        only("member", "representative", *STEWARDS), kwargs=_pk("consultation")
    ),
    "projects:document": Row(
        only("member", "representative", *STEWARDS, refused=NOT_FOUND, anonymous=NOT_FOUND),
        kwargs=lambda w: {
            "pk": projects_world(w)["consultation"].pk,
            "doc_pk": projects_world(w)["private_document"].pk,
        },
        note="an attachment of the private consultation: its existence is hidden",
    ),
    "projects:invite": Row(
        only(*STEWARDS),
        method="POST",
        kwargs=_pk("consultation"),
        data=lambda w: {"organization": w.other_department.pk, "role_label": "会場の提供"},
        note="departments are invited by a partner department's staff or a coordinator",
    ),
    # --- creating and running a project
    "projects:create": Row(
        only("representative", "other_rep", "other_staff", *STEWARDS), kwargs=_no_args
    ),
    "projects:edit": Row(only(*RUNNERS), kwargs=_pk("consultation")),
    "projects:transition": Row(
        only(*RUNNERS),
        method="POST",
        kwargs=lambda w: {"pk": projects_world(w)["consultation"].pk, "action": "draft_agreement"},
    ),
    "projects:cancel": Row(
        only(*RUNNERS),
        kwargs=_pk("in_progress"),
        note="the lead group's managers, a partner department's staff, stewards",
    ),
    "projects:checklist": Row(only(*RUNNERS), kwargs=_pk("drafting")),
    "projects:agreement-edit": Row(only(*RUNNERS), kwargs=_pk("drafting")),
    "projects:agreement-approve": Row(
        only("representative", "admin"),
        method="POST",
        kwargs=_pk("drafting"),
        data=lambda w: {
            "organization": w.org.pk,
            "version_number": projects_world(w)["drafting"].agreement.current_version.number,
            "confirm": "on",
        },
        note=(
            "the partners' signers; a coordinator is not a party. An admin passes the rule "
            "(superuser) but has no organization to approve for: the form is refused with a "
            "message and nothing is recorded"
        ),
    ),
    "projects:progress-create": Row(only(*RUNNERS), kwargs=_pk("in_progress")),
    "projects:milestone-create": Row(only(*RUNNERS), kwargs=_pk("in_progress")),
    "projects:milestone-complete": Row(
        only(*RUNNERS),
        method="POST",
        kwargs=lambda w: {
            "pk": projects_world(w)["in_progress"].pk,
            "milestone_pk": projects_world(w)["milestone"].pk,
        },
    ),
    "projects:target-create": Row(only(*RUNNERS), kwargs=_pk("in_progress")),
    "projects:indicator-create": Row(only(*RUNNERS), kwargs=_pk("in_progress")),
    "projects:change-create": Row(
        only("representative", "admin"),
        kwargs=_pk("in_progress"),
        note="changes are asked by a partner (変更協議), not by the coordinator",
    ),
    "projects:change-decide": Row(
        only("representative", "admin"),
        kwargs=lambda w: {
            "pk": projects_world(w)["in_progress"].pk,
            "change_pk": projects_world(w)["change"].pk,
        },
        note="the group's signer decides the department's request",
    ),
    "projects:completion": Row(only(*RUNNERS), kwargs=_pk("completion")),
    "projects:lessons": Row(
        only(*RUNNERS),
        method="POST",
        kwargs=_pk("evaluation"),
        data=lambda w: {"lessons": "月1回の定例会を続ける"},
    ),
    "projects:overdue-evaluations": Row(only(*STEWARDS), kwargs=_no_args),
    # --- themes (行政提案)
    "projects:theme-create": Row(only("other_staff", *STEWARDS), kwargs=_no_args),
    "projects:theme-answer": Row(
        only("representative", "other_rep", "admin"),
        kwargs=_pk("theme"),
        note="group managers answer a theme",
    ),
    "projects:theme-close": Row(
        only(*STEWARDS),
        method="POST",
        kwargs=_pk("theme"),
        note="the theme's own department or a coordinator",
    ),
}
