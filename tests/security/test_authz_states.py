"""State-dependent authorization of calls and projects.

The matrix (test_authz_matrix.py) is keyed by URL name and tries each name against one
object in one state. Here the same URLs are tried against the other states that change the
answer: a call still being prepared, a closed window, an application before and after
submission, a reviewer who declared a conflict without being a member of the group, a
reviewer who joins the group after being assigned, a draft project, public vs private
project documents. Objects come from the same builders as the matrix rows
(tests/security/authz_rows/calls.py and projects.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.security import authz_table as t
from tests.security.authz_rows.calls import calls_world
from tests.security.authz_rows.projects import project_cast, projects_world

pytestmark = pytest.mark.django_db


def _outcome(response: Any) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        return t.LOGIN if response["Location"].startswith(reverse("accounts:login")) else t.OK
    if 200 <= status < 300:
        return t.OK
    return {403: t.FORBIDDEN, 404: t.NOT_FOUND, 405: t.NOT_ALLOWED}.get(status, str(status))


def _as(client: Any, user: Any, url: str, method: str = "get", data: Any = None) -> str:
    client.logout()
    if user is not None:
        client.force_login(user)
    return _outcome(getattr(client, method)(url, data or {}))


def _roles(client: Any, w: t.World, url: str, method: str = "get", data: Any = None) -> dict:
    return {role: _as(client, w.users[role], url, method, data) for role in t.ROLES}


@pytest.fixture
def w(settings, tmp_path) -> t.World:
    settings.MEDIA_ROOT = tmp_path
    return t.build_world()


def test_the_calls_and_projects_rows_are_merged_into_the_matrix():
    """Guards against a silent skip: a rows module imported before authz_table is merged
    while half-initialised (without its ROWS), and its names would stay in PENDING."""
    from tests.security.authz_rows import calls, projects

    for module in (calls, projects):
        assert module.ROWS
        for name, row in module.ROWS.items():
            assert t.TABLE.get(name) is row, name
            assert name not in t.PENDING, name
    assert not [n for n in t.PENDING if n.startswith(("calls:", "projects:"))]


# --- calls -------------------------------------------------------------------------------------


def test_a_call_being_prepared_is_hidden_from_everyone_but_its_managers(client, w):
    draft_call = calls_world(w)["draft_call"]
    hidden = t.only("coordinator", "admin", refused=t.NOT_FOUND, anonymous=t.NOT_FOUND)
    for name in ("calls:detail", "calls:results", "calls:adopted-export"):
        assert _roles(client, w, reverse(name, args=[draft_call.pk])) == hidden, name
    assert _roles(client, w, reverse("calls:apply", args=[draft_call.pk])) == {
        **t.only(refused=t.NOT_FOUND),
        "coordinator": t.FORBIDDEN,  # may see it, may not apply before it is published
        "admin": t.FORBIDDEN,
    }


def test_the_list_of_calls_does_not_show_a_call_being_prepared(client, w):
    c = calls_world(w)
    from kyodo.calls import services

    services.update_call(
        actor=w.users["coordinator"], call=c["draft_call"], changes={"title": "準備中の非公開募集"}
    )
    client.force_login(w.users["resident"])
    assert "準備中の非公開募集" not in client.get(reverse("calls:list")).content.decode()
    client.force_login(w.users["coordinator"])
    assert "準備中の非公開募集" in client.get(reverse("calls:list")).content.decode()


def test_a_draft_is_private_to_the_group_and_the_city_managers(client, w):
    c = calls_world(w)
    url = reverse("calls:application-detail", args=[c["draft"].pk])
    assert _roles(client, w, url) == t.only(
        "member",
        "representative",
        "coordinator",
        "reviewer_conflict",  # as a member of the group
        "admin",
        refused=t.NOT_FOUND,
    )


def test_the_calls_department_sees_an_application_only_once_submitted(client, w):
    from kyodo.organizations.tests.factories import make_member

    c = calls_world(w)
    staff = make_member(w.department)  # staff of the call's responsible department
    detail = lambda app: reverse("calls:application-detail", args=[app.pk])  # noqa: E731
    assert _as(client, staff, detail(c["draft"])) == t.NOT_FOUND
    assert _as(client, staff, detail(c["submitted"])) == t.OK
    assert _as(client, staff, detail(c["eligible"])) == t.OK
    # reading is all: no scoring, no check, no ranking, no grant
    assert _as(client, staff, reverse("calls:application-score", args=[c["eligible"].pk])) == (
        t.FORBIDDEN
    )
    assert _as(client, staff, reverse("calls:application-check", args=[c["submitted"].pk])) == (
        t.FORBIDDEN
    )
    assert _as(client, staff, reverse("calls:round-ranking", args=[c["round"].pk])) == t.FORBIDDEN
    assert _as(client, staff, reverse("calls:grant-detail", args=[c["grant"].pk])) == t.NOT_FOUND
    # staff of another department see nothing
    assert _as(client, w.users["other_staff"], detail(c["submitted"])) == t.NOT_FOUND


def test_a_reviewer_sees_applications_only_once_submitted(client, w):
    c = calls_world(w)
    reviewer = w.users["reviewer"]
    assert _as(client, reviewer, reverse("calls:application-detail", args=[c["draft"].pk])) == (
        t.NOT_FOUND
    )
    assert _as(client, reviewer, reverse("calls:application-detail", args=[c["submitted"].pk])) == (
        t.OK
    )
    # nor through the conflict page (it used to show a draft's title to reviewers)
    for name in ("calls:application-conflict", "calls:application-score"):
        assert _as(client, reviewer, reverse(name, args=[c["draft"].pk])) == t.NOT_FOUND, name
    # scoring starts after the eligibility check
    assert _as(client, reviewer, reverse("calls:application-score", args=[c["submitted"].pk])) == (
        t.FORBIDDEN
    )


def test_a_reviewer_who_declared_a_conflict_no_longer_sees_or_scores_the_application(client, w):
    from kyodo.calls import services
    from kyodo.calls.models import ScoreSheet

    c = calls_world(w)
    app, reviewer = c["eligible"], w.users["reviewer"]
    services.declare_conflict(actor=reviewer, application=app, reason="家族が役員です")
    assert _as(client, reviewer, reverse("calls:application-detail", args=[app.pk])) == (
        t.NOT_FOUND
    )
    assert _as(client, reviewer, reverse("calls:document-download", args=[c["document"].pk])) == (
        t.NOT_FOUND
    )
    score_url = reverse("calls:application-score", args=[app.pk])
    assert _as(client, reviewer, score_url) == t.FORBIDDEN
    data = {f"score_{cr.pk}": "0" for cr in c["call"].criteria.all()}
    assert _as(client, reviewer, score_url, "post", data) == t.FORBIDDEN
    assert set(
        ScoreSheet.objects.get(application=app, reviewer=reviewer).scores.values_list(
            "score", flat=True
        )
    ) == {4}, "the refused post must not change the stored raw scores"
    assert _as(client, reviewer, reverse("calls:round-ranking", args=[c["round"].pk])) == (
        t.FORBIDDEN
    )
    # a conflicted reviewer may still declare (and see the declaration page)
    assert _as(client, reviewer, reverse("calls:application-conflict", args=[app.pk])) == t.OK


def test_a_reviewer_who_joins_the_applicant_group_is_blocked_on_the_next_request(client, w):
    from kyodo.organizations.tests.factories import MembershipFactory

    c = calls_world(w)
    reviewer = w.users["reviewer"]
    score_url = reverse("calls:application-score", args=[c["eligible"].pk])
    assert _as(client, reviewer, score_url) == t.OK
    MembershipFactory(user=reviewer, organization=w.org)
    assert _as(client, reviewer, score_url) == t.FORBIDDEN


def test_nobody_edits_a_submitted_application_or_checks_it_twice(client, w):
    c = calls_world(w)
    for name in (
        "calls:application-edit",
        "calls:application-budget",
        "calls:application-roles",
        "calls:application-documents",
    ):
        url = reverse(name, args=[c["submitted"].pk])
        for role in ("representative", "coordinator", "admin"):
            assert _as(client, w.users[role], url) == t.FORBIDDEN, (name, role)
    check = reverse("calls:application-check", args=[c["eligible"].pk])
    for role in ("coordinator", "admin"):
        assert _as(client, w.users[role], check) == t.FORBIDDEN


def test_a_closed_window_keeps_the_application_a_draft(client, w):
    from kyodo.calls import services
    from kyodo.calls.workflow import ApplicationStatus

    c = calls_world(w)
    now = timezone.now()
    rnd = c["round"]
    services.save_round(
        actor=w.users["coordinator"],
        call=c["call"],
        round=rnd,
        name=rnd.name,
        order=rnd.order,
        opens_at=now - dt.timedelta(days=10),
        closes_at=now - dt.timedelta(minutes=1),
    )
    url = reverse("calls:application-submit", args=[c["draft"].pk])
    assert _as(client, w.users["representative"], url, "post") == t.OK  # back with a message
    c["draft"].refresh_from_db()
    assert c["draft"].status == ApplicationStatus.DRAFT


def test_the_settlement_is_reported_once(client, w):
    from kyodo.calls import services

    c = calls_world(w)
    grant, rep = c["grant"], w.users["representative"]
    services.submit_settlement(actor=rep, grant=grant)
    for name in ("calls:grant-settlement", "calls:grant-change"):
        assert _as(client, rep, reverse(name, args=[grant.pk])) == t.FORBIDDEN, name
    assert _as(client, rep, reverse("calls:grant-detail", args=[grant.pk])) == t.OK


# --- projects ----------------------------------------------------------------------------------


def test_a_draft_project_is_hidden_from_outsiders(client, w):
    from kyodo.projects.tests.factories import make_project

    cast = project_cast(w)
    draft = make_project(cast, title="非公開の構想段階プロジェクト")
    insiders = ("member", "representative", "coordinator", "admin")
    detail = reverse("projects:detail", args=[draft.pk])
    assert _roles(client, w, detail) == t.only(
        *insiders, refused=t.NOT_FOUND, anonymous=t.NOT_FOUND
    )
    consultation = reverse("projects:consultation", args=[draft.pk])
    assert _roles(client, w, consultation) == t.only(*insiders, refused=t.NOT_FOUND)
    edit = reverse("projects:edit", args=[draft.pk])
    assert _roles(client, w, edit) == {
        **t.only("representative", "coordinator", "admin", refused=t.NOT_FOUND),
        "member": t.FORBIDDEN,
    }
    for role in ("anonymous", "resident", "other_rep", "other_staff"):
        client.logout()
        if w.users[role] is not None:
            client.force_login(w.users[role])
        assert "非公開の構想段階プロジェクト" not in (
            client.get(reverse("projects:list")).content.decode()
        ), role
    client.force_login(w.users["member"])
    assert "非公開の構想段階プロジェクト" in client.get(reverse("projects:list")).content.decode()


def test_public_project_documents_are_public_private_ones_are_not(client, w):
    from kyodo.calls.tests.factories import pdf_upload
    from kyodo.projects import services

    p = projects_world(w)
    cast = project_cast(w)
    project = p["in_progress"]
    public_doc = services.add_document(
        actor=cast.rep, project=project, upload=pdf_upload("報告書.pdf"), is_private=False
    )
    private_doc = services.add_document(
        actor=cast.rep, project=project, upload=pdf_upload("内部資料.pdf"), is_private=True
    )
    url = lambda doc: reverse("projects:document", args=[project.pk, doc.pk])  # noqa: E731
    assert _roles(client, w, url(public_doc)) == t.public()
    assert _roles(client, w, url(private_doc)) == t.only(
        "member",
        "representative",
        "coordinator",
        "admin",
        refused=t.NOT_FOUND,
        anonymous=t.NOT_FOUND,
    )
    # a document of another project cannot be fetched through this project
    other = p["consultation"]
    assert (
        _as(
            client,
            w.users["representative"],
            reverse("projects:document", args=[other.pk, public_doc.pk]),
        )
        == t.NOT_FOUND
    )


def test_only_a_partners_signer_records_an_approval(client, w):
    from kyodo.projects.models import AgreementApproval

    p = projects_world(w)
    project = p["drafting"]
    number = project.agreement.current_version.number
    url = reverse("projects:agreement-approve", args=[project.pk])
    data = {"organization": w.org.pk, "version_number": number, "confirm": "on"}
    for role in ("coordinator", "member", "other_rep"):
        assert _as(client, w.users[role], url, "post", data) == t.FORBIDDEN, role
    _as(client, w.users["admin"], url, "post", data)  # a superuser, but not a party
    assert not AgreementApproval.objects.filter(version__agreement__project=project).exists()
    _as(client, w.users["representative"], url, "post", data)
    assert AgreementApproval.objects.filter(
        version__agreement__project=project, organization=w.org
    ).exists()


def test_a_closed_theme_no_longer_takes_proposals(client, w):
    from kyodo.projects import services
    from kyodo.projects.models import Project

    p = projects_world(w)
    theme = p["theme"]
    services.close_theme(actor=w.users["coordinator"], theme=theme)
    before = Project.objects.count()
    data = {
        "organization": w.org.pk,
        "title": "遅れた提案",
        "purpose": "空き家の活用",
        "summary": "空き家で居場所を開く",
    }
    _as(
        client,
        w.users["representative"],
        reverse("projects:theme-answer", args=[theme.pk]),
        "post",
        data,
    )
    assert Project.objects.count() == before
    assert theme.projects.count() == 0


def test_an_evaluation_stays_hidden_from_the_other_side_until_both_have_submitted(client, w):
    from kyodo.projects import services
    from kyodo.projects.tests.factories import scores
    from kyodo.projects.workflow import EvaluationKind

    p = projects_world(w)
    cast = project_cast(w)
    project = p["evaluation"]
    url = reverse("projects:evaluation", args=[project.pk, EvaluationKind.FINAL])
    secret = "担当課だけの教訓：連絡が遅れがちだった"

    def submit(actor: Any, org: Any, lessons: str) -> None:
        services.submit_evaluation(
            actor=actor,
            project=project,
            organization=org,
            kind=EvaluationKind.FINAL,
            scores=scores(low=2),
            overall_satisfaction=3,
            lessons=lessons,
        )

    def who_sees() -> set[str]:
        seen = set()
        for role in t.ROLES:
            client.logout()
            if w.users[role] is not None:
                client.force_login(w.users[role])
            response = client.get(url)
            assert response.status_code == 200, role
            if secret in response.content.decode():
                seen.add(role)
        return seen

    submit(cast.staff, w.department, secret)
    assert who_sees() == set(), "nobody else, coordinators and admins included"
    submit(cast.rep, w.org, "団体の教訓")
    assert who_sees() == set(t.ROLES), "once both have submitted, the comparison is public"
