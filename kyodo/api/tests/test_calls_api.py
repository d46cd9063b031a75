"""Calls, published decisions and applications through the API: the same rules, forms and
services as the website; nothing unpublished and no personal data in public output."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kyodo.accounts.tests.factories import PrivateProfileFactory, UserFactory
from kyodo.calls import services
from kyodo.calls.models import Application, Call, CallKind, Decision, Round
from kyodo.calls.tests.factories import (
    eligible_application,
    full_scores,
    make_applicant,
    make_application,
    make_call,
    make_reviewer,
    pdf_upload,
    submitted_application,
)
from kyodo.calls.workflow import ApplicationStatus, CallStatus
from kyodo.core.models import AuditEvent
from kyodo.guideline.models import Field as GuidelineField
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    OrganizationFactory,
    make_coordinator,
    make_member,
)

from .conftest import bearer

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _post(client: Any, path: str, body: Any, **headers: Any) -> Any:
    return client.post(path, json.dumps(body), content_type=JSON, **headers)


def _patch(client: Any, path: str, body: Any, **headers: Any) -> Any:
    return client.patch(path, json.dumps(body), content_type=JSON, **headers)


def _bare_call(*, fiscal_year: int = 2026, kind: str = CallKind.SUBSIDY, **round_kw: Any) -> Call:
    """A published call with one round, made directly (fast, for list sizes)."""
    now = timezone.now()
    call = Call.objects.create(
        kind=kind,
        fiscal_year=fiscal_year,
        title=f"{fiscal_year}年度 公募",
        status=CallStatus.PUBLISHED,
        published_at=now,
    )
    Round.objects.create(
        call=call,
        name="通常審査",
        opens_at=round_kw.get("opens_at", now - dt.timedelta(days=1)),
        closes_at=round_kw.get("closes_at", now + dt.timedelta(days=10)),
    )
    return call


def _ids(response: Any) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


# --- calls ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 30])
def test_call_list_conforms_and_query_count_is_flat(
    client, assert_conforms, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        _bare_call()
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/calls?limit=100")
    body = assert_conforms(response, "GET", "/api/v1/calls")
    assert len(body["items"]) == rows
    assert body["items"][0]["status"] == "open" and body["items"][0]["rounds"]


def test_call_list_filters_and_drafts(client, token_for):
    now = timezone.now()
    open_call = _bare_call(fiscal_year=2026)
    upcoming = _bare_call(
        fiscal_year=2026,
        kind=CallKind.COMMISSION,
        opens_at=now + dt.timedelta(days=3),
        closes_at=now + dt.timedelta(days=9),
    )
    closed = _bare_call(
        fiscal_year=2025,
        kind=CallKind.CITY_THEME,
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(days=1),
    )
    draft = _bare_call(fiscal_year=2026)
    Call.objects.filter(pk=draft.pk).update(status=CallStatus.DRAFT)
    field = GuidelineField.objects.order_by("id").first()
    department = DepartmentFactory()
    department.fields.add(field)
    Call.objects.filter(pk=open_call.pk).update(department=department)

    assert set(_ids(client.get("/api/v1/calls"))) == {open_call.pk, upcoming.pk, closed.pk}
    assert _ids(client.get("/api/v1/calls?status=open")) == [open_call.pk]
    assert _ids(client.get("/api/v1/calls?status=upcoming")) == [upcoming.pk]
    assert _ids(client.get("/api/v1/calls?status=closed")) == [closed.pk]
    assert _ids(client.get("/api/v1/calls?kind=commission")) == [upcoming.pk]
    assert set(_ids(client.get("/api/v1/calls?form=subsidy"))) == {open_call.pk, closed.pk}
    assert _ids(client.get("/api/v1/calls?form=cooperation")) == []
    assert _ids(client.get("/api/v1/calls?fiscal_year=2025")) == [closed.pk]
    assert _ids(client.get(f"/api/v1/calls?field={field.code}")) == [open_call.pk]
    assert client.get("/api/v1/calls?status=someday").status_code == 422
    # A call being prepared: only coordinators see it (calls.view_call), as on the website.
    assert client.get(f"/api/v1/calls/{draft.pk}").status_code == 404
    headers = bearer(token_for(make_coordinator()))
    assert draft.pk in _ids(client.get("/api/v1/calls", **headers))
    detail = client.get(f"/api/v1/calls/{draft.pk}", **headers)
    assert detail.status_code == 200 and detail.json()["publication"] == "draft"


def test_call_detail_conforms(client, assert_conforms):
    call = make_call(required_documents=True)
    path = f"/api/v1/calls/{call.pk}"
    body = assert_conforms(client.get(path), "GET", path)
    assert body["status"] == "open" and body["accepting_applications"] is True
    assert body["rounds"][0]["name"] == "通常審査"
    assert body["funding_rules"] and all(
        r["rate_basis_points"] <= 10000 and r["cap_yen"] > 0 for r in body["funding_rules"]
    )
    assert body["criteria"] and body["criteria"][0]["max_score"] >= 1
    assert [d["name"] for d in body["required_documents"]][:2] == ["事業計画書", "収支予算書"]
    assert body["eligibility"]["minimum_members"] == call.minimum_members
    assert client.get("/api/v1/calls/999999").status_code == 404


@pytest.mark.parametrize("bad", ["0", "-1", "abc", str(2**70)])
def test_bad_ids_are_422_not_500(client, assert_conforms, bad):
    for path in (f"/api/v1/calls/{bad}", f"/api/v1/calls/{bad}/decisions"):
        response = client.get(path)
        assert response.status_code == 422, path
        assert_conforms(response, "GET", path)
        assert response.json()["error"]["code"] == "invalid_request"


# --- published decisions -------------------------------------------------------------------


def _decided_round(*, publish: bool) -> dict[str, Any]:
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator, budget=500_000)
    rnd = call.rounds.get()
    org_a, rep_a = make_applicant()
    PrivateProfileFactory(user=rep_a, real_name="申請 太郎")
    a = eligible_application(call, coordinator, org=org_a, rep=rep_a, requested=300_000, title="A")
    b = eligible_application(call, coordinator, requested=300_000, title="B")
    reviewer = make_reviewer(rnd, coordinator, email="judge@example.jp", display_name="審査員X")
    PrivateProfileFactory(user=reviewer, real_name="審査 花子")
    services.save_scores(actor=reviewer, application=a, scores=full_scores(call, 5), comment="秘密")
    services.save_scores(actor=reviewer, application=b, scores=full_scores(call, 3))
    for app in (a, b):
        services.record_committee_conclusion(
            actor=coordinator, application=app, conclusion="adopt", comment="地域への波及が大きい。"
        )
    services.record_city_decision(
        actor=coordinator, application=a, decision="adopt", amount_yen=300_000
    )
    services.record_city_decision(
        actor=coordinator, application=b, decision="reject", reason="予算の範囲を超えるため。"
    )
    if publish:
        services.publish_round_results(actor=coordinator, round=rnd)
    return {"call": call, "a": a, "b": b, "reviewer": reviewer, "rep": rep_a}


def test_decisions_are_empty_until_published(client, token_for):
    world = _decided_round(publish=False)
    path = f"/api/v1/calls/{world['call'].pk}/decisions"
    assert client.get(path).json()["items"] == []
    # not even coordinators get unpublished decisions from this endpoint
    coordinator = bearer(token_for(make_coordinator()))
    assert client.get(path, **coordinator).json()["items"] == []


def test_published_decisions_without_personal_data_or_reviewer_scores(
    client, assert_conforms, django_assert_max_num_queries
):
    world = _decided_round(publish=True)
    path = f"/api/v1/calls/{world['call'].pk}/decisions"
    with django_assert_max_num_queries(10):
        response = client.get(path)
    body = assert_conforms(response, "GET", path)
    first, second = body["items"]
    assert (first["title"], first["rank"], first["adopted"], first["amount_yen"]) == (
        "A",
        1,
        True,
        300_000,
    )
    assert (second["title"], second["adopted"], second["amount_yen"]) == ("B", False, 0)
    assert first["total_score"] == "100.00" and first["out_of"] == 100
    assert {c["mean"] for c in first["criteria"]} == {"5.00"}
    assert second["city_reason"] == "予算の範囲を超えるため。"
    text = response.content.decode()
    for secret in ("judge@example.jp", "審査員X", "審査 花子", "申請 太郎", "秘密"):
        assert secret not in text
    assert world["rep"].email not in text and world["rep"].public_name not in text
    assert "reviewer" not in text
    adopted = client.get(path + "?adopted=true").json()["items"]
    assert [d["title"] for d in adopted] == ["A"]
    # pages of one keep the order (keyset on round, rank, id)
    page1 = client.get(path + "?limit=1").json()
    page2 = client.get(path + f"?limit=1&cursor={page1['next_cursor']}").json()
    assert [page1["items"][0]["title"], page2["items"][0]["title"]] == ["A", "B"]
    assert page2["next_cursor"] is None


@pytest.mark.parametrize("rows", [2, 30])
def test_decision_list_query_count_is_flat(
    client, assert_conforms, django_assert_max_num_queries, rows
):
    call = _bare_call()
    rnd = call.rounds.get()
    now = timezone.now()
    Round.objects.filter(pk=rnd.pk).update(results_published_at=now)
    org, partner = OrganizationFactory(), OrganizationFactory()
    for i in range(rows):
        app = Application.objects.create(
            call=call, round=rnd, organization=org, track="citizen", title=f"事業{i}"
        )
        app.co_applicants.add(partner)
        Decision.objects.create(
            application=app,
            committee_conclusion="adopt",
            city_decision="adopt",
            city_amount_yen=100_000,
            published_total=Decimal("80.00"),
            published_rank=i + 1,
            published_criteria=[{"code": "a", "name": "A", "max": 5, "mean": "4.00"}],
            published_at=now,
        )
    path = f"/api/v1/calls/{call.pk}/decisions"
    with django_assert_max_num_queries(9):
        response = client.get(path + "?limit=100")
    body = assert_conforms(response, "GET", path)
    assert [d["rank"] for d in body["items"]] == list(range(1, rows + 1))
    assert body["items"][0]["co_applicants"] == [{"id": partner.pk, "name": partner.name}]


def test_public_call_output_has_no_personal_data(client):
    world = _decided_round(publish=True)
    text = client.get(f"/api/v1/calls/{world['call'].pk}").content.decode()
    text += client.get("/api/v1/calls").content.decode()
    for secret in (world["rep"].email, "申請 太郎", "judge@example.jp", "審査 花子"):
        assert secret not in text


# --- applications --------------------------------------------------------------------------

PLAN = {
    "purpose": "里山の保全を担う人を育てる。",
    "content": "月2回の保全活動と講座を開く。",
    "target_people": "市内の中高生",
    "place": "川越市内の雑木林",
    "schedule": "5月〜翌2月",
    "targets": "講座参加者60人",
}
BUDGET = {
    "income": [
        {"source": "subsidy", "description": "本補助金", "amount_yen": 300_000},
        {"source": "own_funds", "description": "会費", "amount_yen": 100_000},
    ],
    "expenses": [
        {
            "category": "報償費",
            "description": "講師謝礼",
            "unit_price_yen": 20_000,
            "quantity": 10,
        },
        {"category": "消耗品費", "description": "道具", "unit_price_yen": 5_000, "quantity": 40},
    ],
}


@pytest.fixture
def applicant(token_for) -> dict[str, Any]:
    call = make_call()
    org, rep = make_applicant()
    PrivateProfileFactory(user=rep, real_name="代表 一郎")
    return {
        "call": call,
        "round": call.rounds.get(),
        "org": org,
        "rep": rep,
        "headers": bearer(token_for(rep)),
    }


def _start(client: Any, a: dict[str, Any], **extra: Any) -> Any:
    body = {"organization": a["org"].pk, "round": a["round"].pk, "title": "里山を守る", **extra}
    return _post(client, f"/api/v1/calls/{a['call'].pk}/applications", body, **a["headers"])


def _verbs(application_id: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            target_id=str(application_id), verb__startswith="calls.application."
        )
        .order_by("id")
        .values_list("verb", flat=True)
    )


def test_save_then_submit_through_the_api(client, assert_conforms, applicant):
    response = _start(client, applicant, **PLAN, budget=BUDGET)
    path = f"/api/v1/calls/{applicant['call'].pk}/applications"
    body = assert_conforms(response, "POST", path)
    assert response.status_code == 201
    app_id = body["id"]
    assert body["status"] == "draft" and body["budget"]["requested_yen"] == 300_000
    assert body["budget"]["income_total_yen"] == body["budget"]["expense_total_yen"] == 400_000
    assert body["problems"] == [] and body["can"] == {
        "change": True,
        "submit": True,
        "withdraw": True,
    }
    assert _verbs(app_id) == [
        "calls.application.create",
        "calls.application.update",
        "calls.application.budget",
    ]
    path = f"/api/v1/applications/{app_id}"
    changed = _patch(
        client,
        path,
        {
            "title": "里山を守る人づくり",
            "roles": [{"phase": "planning", "party": "市", "role": "広報"}],
        },
        **applicant["headers"],
    )
    body = assert_conforms(changed, "PATCH", path)
    assert body["title"] == "里山を守る人づくり" and body["purpose"] == PLAN["purpose"]
    assert body["roles"] == [{"phase": "planning", "party": "市", "role": "広報"}]
    submitted = _post(client, path + "/submit", {}, **applicant["headers"])
    body = assert_conforms(submitted, "POST", path + "/submit")
    assert body["changed"] is True and body["application"]["status"] == "submitted"
    assert _verbs(app_id)[-1] == "calls.application.submit"
    event = AuditEvent.objects.get(verb="calls.application.submit")
    assert event.actor == applicant["rep"] and event.to_state == "submitted"
    # the applicant's own output has no personal data either
    assert "代表 一郎" not in submitted.content.decode()
    assert applicant["rep"].email not in submitted.content.decode()


def test_double_submit_is_idempotent(client, applicant):
    app = make_application(applicant["call"], org=applicant["org"], rep=applicant["rep"])
    path = f"/api/v1/applications/{app.pk}/submit"
    first = _post(client, path, {}, **applicant["headers"])
    second = _post(client, path, {}, **applicant["headers"])
    assert first.status_code == second.status_code == 200
    assert first.json()["changed"] is True and second.json()["changed"] is False
    assert (
        second.json()["application"]["submitted_at"] == first.json()["application"]["submitted_at"]
    )
    assert _verbs(app.pk).count("calls.application.submit") == 1
    assert Application.objects.filter(organization=applicant["org"]).count() == 1


def test_resent_create_returns_the_same_draft(client, applicant):
    first = _start(client, applicant, **PLAN)
    second = _start(client, applicant, **PLAN)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Application.objects.filter(organization=applicant["org"]).count() == 1
    assert _verbs(first.json()["id"]).count("calls.application.create") == 1
    # another title is another application
    assert _start(client, applicant, title="別の事業").status_code == 201


def test_create_refusals(client, token_for, applicant):
    call, rnd = applicant["call"], applicant["round"]
    path = f"/api/v1/calls/{call.pk}/applications"
    body = {"organization": applicant["org"].pk, "round": rnd.pk, "title": "t"}
    assert _post(client, path, body).status_code == 401
    for user in (
        UserFactory(),
        make_member(applicant["org"]),
        make_member(OrganizationFactory(), MembershipRole.REPRESENTATIVE),
        UserFactory(is_staff=True, is_superuser=True),
    ):
        refused = _post(client, path, body, **bearer(token_for(user)))
        assert refused.status_code == 403, user
        assert refused.json()["error"]["code"] == "permission_denied"
    headers = applicant["headers"]
    unknown = _post(client, path, {**body, "organization": 999999}, **headers)
    assert unknown.status_code == 422
    error = unknown.json()["error"]
    assert error["code"] == "validation_failed" and "organization" in error["details"]
    assert "正しく選択してください" in error["details"]["organization"][0]
    other_round = make_call().rounds.get()
    wrong = _post(client, path, {**body, "round": other_round.pk}, **headers)
    assert wrong.status_code == 422 and "round" in wrong.json()["error"]["details"]
    missing = _post(client, path, {"organization": applicant["org"].pk}, **headers)
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "invalid_request"
    draft = make_call(publish=False)
    hidden = _post(
        client,
        f"/api/v1/calls/{draft.pk}/applications",
        {**body, "round": draft.rounds.get().pk},
        **headers,
    )
    assert hidden.status_code == 404
    assert not Application.objects.exists()


def test_coordinator_enters_a_paper_application(client, token_for, applicant):
    coordinator = make_coordinator()
    headers = bearer(token_for(coordinator))
    path = f"/api/v1/calls/{applicant['call'].pk}/applications"
    body = {"organization": applicant["org"].pk, "round": applicant["round"].pk, "title": "紙"}
    assert _post(client, path, body, **headers).status_code == 403  # not their group
    paper = _post(
        client,
        path,
        {**body, "on_paper": True, "paper_received_on": timezone.localdate().isoformat()},
        **headers,
    )
    assert paper.status_code == 201 and paper.json()["entered_on_paper"] is True
    no_date = _post(client, path, {**body, "title": "紙2", "on_paper": True}, **headers)
    assert no_date.status_code == 422
    assert "paper_received_on" in no_date.json()["error"]["details"]


def test_update_validation_uses_the_website_forms(client, applicant):
    app = make_application(applicant["call"], org=applicant["org"], rep=applicant["rep"])
    path = f"/api/v1/applications/{app.pk}"
    headers = applicant["headers"]
    bad_budget = {
        "budget": {
            "income": [{"source": "lottery", "amount_yen": 1000}],
            "expenses": [{"category": "宴会費", "unit_price_yen": 1000}],
        }
    }
    response = _patch(client, path, bad_budget, **headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert set(error["details"]) == {"budget.income[0].source", "budget.expenses[0].category"}
    assert "正しく選択してください" in error["details"]["budget.expenses[0].category"][0]
    blank = _patch(client, path, {"title": "  "}, **headers)
    assert blank.status_code == 422 and "title" in blank.json()["error"]["details"]
    assert "必須" in blank.json()["error"]["details"]["title"][0]
    negative = _patch(
        client,
        path,
        {"budget": {"income": [{"source": "subsidy", "amount_yen": -5}], "expenses": []}},
        **headers,
    )
    assert negative.status_code == 422 and negative.json()["error"]["code"] == "invalid_request"
    app.refresh_from_db()
    assert app.title == "川越の里山を守るボランティア育成事業"  # nothing saved
    assert app.income_lines.count() == 2 and app.expense_lines.count() == 2
    # a budget that breaks the money rules is saved as a draft, and the problems are listed
    over_cap = {
        "budget": {
            "income": [{"source": "subsidy", "amount_yen": 600_500}],
            "expenses": [{"category": "報償費", "unit_price_yen": 600_500}],
        }
    }
    saved = _patch(client, path, over_cap, **headers)
    assert saved.status_code == 200
    problems = " ".join(saved.json()["problems"])
    assert "上限" in problems or "単位" in problems


def test_submit_refusals_are_explained(client, token_for, applicant):
    rep, headers = applicant["rep"], applicant["headers"]
    incomplete = make_application(applicant["call"], org=applicant["org"], rep=rep)
    services.update_application(actor=rep, application=incomplete, changes={"purpose": ""})
    response = _post(client, f"/api/v1/applications/{incomplete.pk}/submit", {}, **headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed" and error["details"]
    assert any("目的" in m or "事業内容" in m or "記入" in m for m in error["details"])
    # window closed: the draft is kept; 409 with the date it closed
    now = timezone.now()
    closed_call = make_call(opens_at=now - dt.timedelta(days=5))
    late = make_application(closed_call, org=applicant["org"], rep=rep, title="遅れた申請")
    Round.objects.filter(call=closed_call).update(closes_at=now - dt.timedelta(hours=1))
    response = _post(client, f"/api/v1/applications/{late.pk}/submit", {}, **headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "closed"
    assert "締め切りました" in response.json()["error"]["message"]
    late.refresh_from_db()
    assert late.status == ApplicationStatus.DRAFT
    # a plain member sees the draft but may not submit it; other groups do not see it
    member = bearer(token_for(make_member(applicant["org"])))
    assert _post(client, f"/api/v1/applications/{late.pk}/submit", {}, **member).status_code == 403
    stranger = bearer(token_for(UserFactory()))
    assert (
        _post(client, f"/api/v1/applications/{late.pk}/submit", {}, **stranger).status_code == 404
    )


def test_changing_a_checked_application_is_a_conflict(client, applicant):
    coordinator = make_coordinator()
    app = eligible_application(
        applicant["call"], coordinator, org=applicant["org"], rep=applicant["rep"]
    )
    path = f"/api/v1/applications/{app.pk}"
    for response in (
        _patch(client, path, {"title": "x"}, **applicant["headers"]),
        _post(client, path + "/submit", {}, **applicant["headers"]),
    ):
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invalid_state"


@pytest.mark.parametrize("rows", [2, 30])
def test_my_applications_query_count_is_flat(
    client, assert_conforms, django_assert_max_num_queries, applicant, rows
):
    call, rnd, org = (applicant[k] for k in ("call", "round", "org"))
    for i in range(rows):
        Application.objects.create(
            call=call, round=rnd, organization=org, track="citizen", title=f"事業{i}"
        )
    other = submitted_application(call)  # another group's
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/applications/mine?limit=100", **applicant["headers"])
    body = assert_conforms(response, "GET", "/api/v1/applications/mine")
    assert len(body["items"]) == rows and other.pk not in _ids(response)
    assert client.get("/api/v1/applications/mine").status_code == 401
    one = client.get(
        f"/api/v1/applications/mine?call={call.pk}&status=submitted", **applicant["headers"]
    )
    assert one.json()["items"] == []


def test_reviewers_and_the_website_agree(client, token_for):
    """GET /applications/{id} answers like the website's application page for each role."""
    coordinator = make_coordinator()
    department = DepartmentFactory()
    call = make_call(coordinator=coordinator, department=department)
    rnd = call.rounds.get()
    org, rep = make_applicant()
    app = submitted_application(call, org=org, rep=rep)
    reviewer = make_reviewer(rnd, coordinator)
    conflicted = make_reviewer(rnd, coordinator)
    MembershipFactory(user=conflicted, organization=org)  # joined the applicant
    roles = {
        "rep": (rep, 200),
        "member": (make_member(org), 200),
        "coordinator": (coordinator, 200),
        "department staff": (make_member(department), 200),
        "reviewer": (reviewer, 200),
        "conflicted reviewer": (conflicted, 200),  # a member of the applicant now
        "resident": (UserFactory(), 404),
        "other staff": (make_member(DepartmentFactory()), 404),
        "admin": (UserFactory(is_staff=True, is_superuser=True), 200),
    }
    for name, (user, expected) in roles.items():
        api = client.get(f"/api/v1/applications/{app.pk}", **bearer(token_for(user)))
        client.force_login(user)
        web = client.get(reverse("calls:application-detail", args=[app.pk]))
        client.logout()
        assert api.status_code == expected, name
        assert web.status_code == expected, name
    # a declared conflict (not a member): the reviewer may not see the application
    declared = make_reviewer(rnd, coordinator)
    services.declare_conflict(actor=declared, application=app, reason="知人が代表")
    api = client.get(f"/api/v1/applications/{app.pk}", **bearer(token_for(declared)))
    assert api.status_code == 404
    body = client.get(f"/api/v1/applications/{app.pk}", **bearer(token_for(reviewer))).json()
    assert body["can"] == {"change": False, "submit": False, "withdraw": False}
    assert body["problems"] == []


def test_documents_upload_and_delete_then_submit(client, settings, tmp_path, token_for):
    settings.MEDIA_ROOT = tmp_path
    call = make_call(required_documents=True)
    org, rep = make_applicant()
    headers = bearer(token_for(rep))
    app = make_application(call, org=org, rep=rep)
    path = f"/api/v1/applications/{app.pk}"
    refused = _post(client, path + "/submit", {}, **headers)
    assert refused.status_code == 422
    assert any("書類" in m for m in refused.json()["error"]["details"])
    requirements = list(call.required_documents.filter(is_required=True))
    uploaded = []
    for requirement in requirements:
        response = client.post(
            path + "/documents", {"requirement": requirement.pk, "file": pdf_upload()}, **headers
        )
        assert response.status_code == 201, response.content
        assert response.json()["requirement"] == requirement.pk
        uploaded.append(response.json()["id"])
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    bad = client.post(path + "/documents", {"file": fake}, **headers)
    assert bad.status_code == 422 and "file" in bad.json()["error"]["details"]
    elsewhere = make_call(required_documents=True).required_documents.first()
    wrong = client.post(
        path + "/documents", {"requirement": elsewhere.pk, "file": pdf_upload()}, **headers
    )
    assert wrong.status_code == 422 and "requirement" in wrong.json()["error"]["details"]
    member = bearer(token_for(make_member(org)))
    assert client.post(path + "/documents", {"file": pdf_upload()}, **member).status_code == 403
    assert client.delete(f"{path}/documents/{uploaded[0]}", **member).status_code == 403
    removed = client.delete(f"{path}/documents/{uploaded[0]}", **headers)
    assert removed.status_code == 200
    assert len(removed.json()["documents"]) == len(requirements) - 1
    assert client.delete(f"{path}/documents/{uploaded[0]}", **headers).status_code == 404
    again = client.post(
        path + "/documents", {"requirement": requirements[0].pk, "file": pdf_upload()}, **headers
    )
    assert again.status_code == 201
    submitted = _post(client, path + "/submit", {}, **headers)
    assert submitted.status_code == 200 and submitted.json()["changed"] is True
    verbs = _verbs(app.pk)
    assert verbs.count("calls.application.document") == len(requirements) + 1
    assert verbs.count("calls.application.document_delete") == 1
