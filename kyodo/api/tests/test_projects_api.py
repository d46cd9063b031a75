"""Projects through the API: the same visibility, rules and validation as the website."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.urls import reverse

from kyodo.accounts.tests.factories import PrivateProfileFactory
from kyodo.core.models import AuditEvent
from kyodo.guideline.models import EvaluationItem, Principle
from kyodo.projects import services
from kyodo.projects.models import Evaluation, Project
from kyodo.projects.tests.factories import Cast, advance, make_cast, make_project, scores
from kyodo.projects.workflow import EvaluationKind, ProjectStatus

from .conftest import bearer

pytestmark = pytest.mark.django_db
S = ProjectStatus
BASE = "/api/v1/projects"


def _payload(cast: Cast, org: Any = None, kind: str = "final", **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": kind,
        "organization": (org or cast.group).pk,
        "scores": {
            i.code: {"score": 4, "comment": "概ね良好"} for i in EvaluationItem.objects.all()
        },
        "overall_satisfaction": 4,
        "lessons": "早めの情報共有が大切",
    }
    body.update(over)
    return body


def _post(client: Any, project: Project, body: dict[str, Any], user: Any = None) -> Any:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.post(f"{BASE}/{project.pk}/evaluations", body, content_type="application/json")


# --- list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 30])
def test_project_list_conforms_and_query_count_is_flat(
    client, assert_conforms, django_assert_max_num_queries, rows
):
    cast = make_cast()
    for _ in range(rows):
        make_project(cast, status=S.CONSULTATION)
    with django_assert_max_num_queries(6):
        response = client.get(f"{BASE}?limit=100")
    body = assert_conforms(response, "GET", BASE)
    assert len(body["items"]) == rows
    item = body["items"][0]
    assert {p["organization"] for p in item["partners"]} == {cast.group.pk, cast.department.pk}
    assert item["forms"][0]["code"] == "cooperation" and item["districts"][0]["code"] == "honcho"


@pytest.mark.parametrize("rows", [2, 30])
def test_project_list_query_count_signed_in_is_flat(
    client, django_assert_max_num_queries, rows, token_for
):
    cast = make_cast()
    for _ in range(rows):
        make_project(cast, status=S.CONSULTATION)
    headers = bearer(token_for(cast.rep))
    with django_assert_max_num_queries(10):
        response = client.get(f"{BASE}?limit=100", **headers)
    assert len(response.json()["items"]) == rows


def test_list_pages_with_a_cursor(client):
    cast = make_cast()
    ids = {make_project(cast, status=S.CONSULTATION).pk for _ in range(5)}
    first = client.get(f"{BASE}?limit=3").json()
    second = client.get(f"{BASE}?limit=3&cursor={first['next_cursor']}").json()
    got = [p["id"] for p in first["items"] + second["items"]]
    assert set(got) == ids and len(got) == 5 and second["next_cursor"] is None


def test_list_filters(client):
    cast = make_cast()
    a = make_project(cast, status=S.CONSULTATION, fiscal_year=2025, fiscal_year_end=2026)
    b = make_project(
        cast,
        status=S.AGREEMENT_DRAFTING,
        fiscal_year=2027,
        field_codes=["environment"],
        district_codes=["yoshino"],
    )
    other = make_cast()
    c = make_project(other, status=S.CONSULTATION)

    def ids(query: str) -> set[int]:
        response = client.get(f"{BASE}?{query}")
        assert response.status_code == 200, response.content
        return {p["id"] for p in response.json()["items"]}

    assert ids("status=consultation") == {a.pk, c.pk}
    assert ids("fiscal_year=2026") == {a.pk, c.pk}
    assert ids("fiscal_year=2027") == {b.pk}
    assert ids("field=environment") == {b.pk}
    assert ids("district=yoshino") == {b.pk}
    assert ids("form=cooperation") == {a.pk, b.pk, c.pk}
    assert ids(f"department={cast.department.pk}") == {a.pk, b.pk}
    assert ids(f"organization={other.group.pk}") == {c.pk}
    assert ids(f"organization={cast.group.pk}&department={other.department.pk}") == set()
    assert ids("status=no-such-status") == set()
    assert client.get(f"{BASE}?fiscal_year=abc").status_code == 422
    assert client.get(f"{BASE}?limit=0").json()["error"]["code"] == "invalid_request"


# --- visibility: drafts are seen by the same people as on the website ---------------------


def _roles(cast: Cast) -> dict[str, Any]:
    return {
        "anonymous": None,
        "outsider": cast.outsider,
        "member": cast.member,
        "rep": cast.rep,
        "staff": cast.staff,
        "coordinator": cast.coordinator,
    }


def test_draft_visibility_matches_the_website(client):
    cast = make_cast()
    draft = make_project(cast)  # 構想: partners, creator and coordinators only
    public = make_project(cast, status=S.CONSULTATION)
    expected = {"anonymous", "outsider"}
    for role, user in _roles(cast).items():
        client.logout()
        if user is not None:
            client.force_login(user)
        api = client.get(f"{BASE}/{draft.pk}")
        web = client.get(reverse("projects:detail", args=[draft.pk]))
        assert api.status_code == web.status_code, role
        assert api.status_code == (404 if role in expected else 200), role
        listed = {p["id"] for p in client.get(BASE).json()["items"]}
        assert (draft.pk in listed) is (role not in expected), role
        assert public.pk in listed, role
        assert client.get(f"{BASE}/{public.pk}").status_code == 200, role


def test_unknown_and_malformed_ids(client, assert_conforms):
    assert client.get(f"{BASE}/999999").status_code == 404
    response = client.get(f"{BASE}/not-a-number")
    assert response.status_code == 422
    assert_conforms(response, "GET", f"{BASE}/not-a-number")
    assert client.get(f"{BASE}/{2**70}").status_code in (404, 422)


# --- detail ---------------------------------------------------------------------------------


def test_detail_has_partners_role_table_and_versions(client, assert_conforms):
    cast = make_cast()
    project = advance(cast, make_project(cast), S.IN_PROGRESS)
    services.add_milestone(
        actor=cast.rep, project=project, title="第1回の開催", due_on=dt.date(2026, 5, 1)
    )
    url = f"{BASE}/{project.pk}"
    body = assert_conforms(client.get(url), "GET", url)
    assert body["status"] == "in_progress"
    partners = {p["organization"]: p for p in body["partners"]}
    assert partners[cast.group.pk]["is_lead"] and partners[cast.group.pk]["share_yen"] == 50_000
    assert partners[cast.department.pk]["is_department"]
    assert partners[cast.department.pk]["share_yen"] is None
    agreement = body["agreement"]
    assert agreement["signed_version"] == agreement["current_version"] == 2
    assert [v["number"] for v in agreement["versions"]] == [2, 1]
    signed = next(v for v in agreement["versions"] if v["is_signed"])
    assert set(signed["approved_by"]) == {cast.group.name, cast.department.name}
    table = [(r["phase"], r["party"], r["tier"]["code"], r["person"]) for r in agreement["roles"]]
    assert table == [
        ("planning", cast.department.pk, "public", None),
        ("implementation", cast.group.pk, "mutual", cast.rep.public_name),
        ("evaluation", cast.group.pk, "self", None),
    ]
    assert {p["designation"] for p in agreement["parties"]} == {"甲", "乙"}
    assert body["milestones"] == [{"title": "第1回の開催", "due_on": "2026-05-01", "done_on": None}]
    assert body["evaluations"][1]["kind"] == "final" and not body["evaluations"][1]["published"]


def test_detail_before_signing_has_no_role_table(client):
    cast = make_cast()
    project = make_project(cast, status=S.AGREEMENT_DRAFTING)
    body = client.get(f"{BASE}/{project.pk}").json()
    assert body["agreement"]["signed_version"] is None
    assert body["agreement"]["roles"] == [] and body["agreement"]["current_version"] == 1


def test_detail_query_count_is_bounded(client, django_assert_max_num_queries):
    cast = make_cast()
    project = advance(cast, make_project(cast), S.CLOSED)
    with django_assert_max_num_queries(40):
        assert client.get(f"{BASE}/{project.pk}").status_code == 200


# --- evaluation results: hidden until every partner has submitted -------------------------


def _means(values: list[int]) -> float:
    return float((Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def test_results_hidden_until_everyone_submitted_then_per_principle_means(client):
    cast = make_cast()
    project = advance(cast, make_project(cast), S.EVALUATION)
    group_scores = scores()
    services.submit_evaluation(
        actor=cast.rep,
        project=project,
        organization=cast.group,
        kind=EvaluationKind.FINAL,
        scores=group_scores,
        overall_satisfaction=5,
        lessons="学び",
    )
    for user in (None, cast.rep, cast.staff, cast.coordinator):
        client.logout()
        if user is not None:
            client.force_login(user)
        final = client.get(f"{BASE}/{project.pk}").json()["evaluations"][1]
        assert final["published"] is False and final["partners_submitted"] == 1
        assert final["items"] == [] and final["principles"] == []
        assert [
            (p["submitted"], p["overall_satisfaction"], p["lessons"]) for p in final["partners"]
        ] == [
            (True, None, ""),
            (False, None, ""),
        ]
    city_scores = scores(low=2)
    services.submit_evaluation(
        actor=cast.staff,
        project=project,
        organization=cast.department,
        kind=EvaluationKind.FINAL,
        scores=city_scores,
        overall_satisfaction=3,
        lessons="学び",
    )
    client.logout()
    final = client.get(f"{BASE}/{project.pk}").json()["evaluations"][1]
    assert final["published"] is True and final["partners_submitted"] == 2
    items = list(EvaluationItem.objects.select_related("principle"))
    for principle in Principle.objects.all():
        pks = [i.pk for i in items if i.principle_id == principle.pk]
        if not pks:
            continue
        got = next(p for p in final["principles"] if p["principle"] == principle.code)
        groups = _means([group_scores[pk].score for pk in pks])
        city = _means([city_scores[pk].score for pk in pks])
        assert (got["groups"], got["city"]) == (groups, city), principle.code
        assert got["gap"] == pytest.approx(groups - city, abs=0.011)
    assert final["overall_satisfaction"] == {"groups": 5.0, "city": 3.0, "gap": 2.0}
    first = final["items"][0]
    assert first["scores"] == [group_scores[items[0].pk].score, 2] and first["highlighted"]


# --- submitting an evaluation ---------------------------------------------------------------


def test_submit_evaluation_with_a_token_is_audited(client, assert_conforms, token_for):
    cast = make_cast()
    project = advance(cast, make_project(cast), S.EVALUATION)
    url = f"{BASE}/{project.pk}/evaluations"
    response = client.post(
        url, _payload(cast), content_type="application/json", **bearer(token_for(cast.rep))
    )
    body = assert_conforms(response, "POST", url)
    assert response.status_code == 201
    assert body["sheet"]["organization"] == cast.group.pk and body["sheet"]["submitted_at"]
    assert body["result"]["published"] is False and body["result"]["partners_submitted"] == 1
    evaluation = Evaluation.objects.get(project=project, organization=cast.group, kind="final")
    assert evaluation.submitted_by == cast.rep and evaluation.overall_satisfaction == 4
    event = AuditEvent.objects.get(verb="projects.evaluation.submit")
    assert event.actor == cast.rep and event.target_id == str(project.pk)
    assert event.data == {"kind": "final", "organization": cast.group.pk}
    # The second partner completes it: the answer shows the published results.
    response = client.post(
        url,
        _payload(cast, cast.department),
        content_type="application/json",
        **bearer(token_for(cast.staff)),
    )
    assert response.status_code == 201 and response.json()["result"]["published"] is True


def test_submit_refusals_match_the_website(client):
    """Anonymous 401 (the website sends to sign-in); people who may not evaluate get 403
    from both; a draft they cannot see is 404 for both."""
    cast = make_cast()
    project = advance(cast, make_project(cast), S.EVALUATION)
    web_url = reverse("projects:evaluation", args=[project.pk, "final"])
    expected = {
        "outsider": 403,
        "member": 403,  # a plain member is not a party manager
        "coordinator": 403,  # runs the workflow but evaluates only for a partner
    }
    for role, status in expected.items():
        user = _roles(cast)[role]
        api = _post(client, project, _payload(cast), user)
        assert api.status_code == status, (role, api.content)
        assert api.json()["error"]["code"] == "permission_denied"
        web = client.post(web_url, {"organization": cast.group.pk})
        assert web.status_code == status, role
    assert _post(client, project, _payload(cast)).status_code == 401
    # The rep may evaluate for the group, not for the department.
    api = _post(client, project, _payload(cast, cast.department), cast.rep)
    assert api.status_code == 403
    # An organization that does not exist: 403 for someone who may not evaluate at all,
    # a field error for a partner manager.
    missing = _payload(cast, organization=999_999)
    assert _post(client, project, missing, cast.outsider).status_code == 403
    response = _post(client, project, missing, cast.rep)
    assert response.status_code == 422 and "organization" in response.json()["error"]["details"]
    assert not Evaluation.objects.filter(submitted_at__isnull=False).exists()
    draft = make_project(cast)
    assert _post(client, draft, _payload(cast), cast.outsider).status_code == 404
    client.force_login(cast.outsider)
    assert client.post(reverse("projects:evaluation", args=[draft.pk, "final"])).status_code == 404


def test_submit_validation_errors_are_japanese(client, assert_conforms):
    cast = make_cast()
    project = advance(cast, make_project(cast), S.EVALUATION)
    item = EvaluationItem.objects.first()
    assert item is not None
    body = _payload(cast, lessons=" ", overall_satisfaction=9)
    body["scores"][item.code] = {"score": 1, "reason": ""}
    response = _post(client, project, body, cast.rep)
    url = f"{BASE}/{project.pk}/evaluations"
    error = assert_conforms(response, "POST", url)["error"]
    assert response.status_code == 422 and error["code"] == "validation_failed"
    details = error["details"]
    assert set(details) == {f"scores.{item.code}.reason", "overall_satisfaction", "lessons"}
    assert "理由" in details[f"scores.{item.code}.reason"][0]
    assert "満足度" in details["overall_satisfaction"][0]
    # A missing item is named after its code.
    body = _payload(cast)
    del body["scores"][item.code]
    details = _post(client, project, body, cast.rep).json()["error"]["details"]
    assert list(details) == [f"scores.{item.code}.score"]
    # The body does not match the schema.
    response = _post(client, project, {"kind": "yearly"}, cast.rep)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert not Evaluation.objects.filter(submitted_at__isnull=False).exists()


def test_submit_in_the_wrong_state_or_twice_is_a_conflict(client):
    cast = make_cast()
    project = advance(cast, make_project(cast), S.IN_PROGRESS)
    response = _post(client, project, _payload(cast), cast.rep)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_state"
    midterm = _payload(cast, kind="midterm", lessons="")
    assert _post(client, project, midterm, cast.rep).status_code == 201
    again = _post(client, project, midterm, cast.rep)
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate"
    assert cast.group.name in again.json()["error"]["message"]
    assert Evaluation.objects.filter(submitted_at__isnull=False).count() == 1


def test_my_evaluations(client, assert_conforms, token_for):
    cast = make_cast()
    project = advance(cast, make_project(cast), S.EVALUATION)
    url = f"{BASE}/{project.pk}/evaluations/mine"
    headers = bearer(token_for(cast.rep))
    body = assert_conforms(client.get(url, **headers), "GET", url)
    assert body["open_kinds"] == ["final"] and body["may_submit_for"] == {"final": [cast.group.pk]}
    assert len(body["items"]) == EvaluationItem.objects.count() and body["sheets"] == []
    _post(client, project, _payload(cast), cast.rep)
    body = client.get(url, **headers).json()
    assert body["may_submit_for"] == {"final": []}
    assert body["sheets"][0]["organization"] == cast.group.pk
    assert len(body["sheets"][0]["scores"]) == EvaluationItem.objects.count()
    outsider = client.get(url, **bearer(token_for(cast.outsider))).json()
    assert outsider["open_kinds"] == [] and outsider["sheets"] == []
    client.logout()
    assert client.get(url).status_code == 401


# --- personal data ----------------------------------------------------------------------------


def test_no_personal_data_in_output(client):
    cast = make_cast()
    for user in (cast.rep, cast.staff, cast.member):
        PrivateProfileFactory(user=user, real_name="川越 花子", phone="049-222-3333")
    project = advance(cast, make_project(cast), S.CLOSED)
    client.force_login(cast.coordinator)
    texts = [
        client.get(BASE).content.decode(),
        client.get(f"{BASE}/{project.pk}").content.decode(),
    ]
    client.force_login(cast.rep)
    texts.append(client.get(f"{BASE}/{project.pk}/evaluations/mine").content.decode())
    for text in texts:
        for user in (cast.rep, cast.staff, cast.member, cast.coordinator):
            assert user.email not in text
        assert "川越 花子" not in text and "049-222-3333" not in text
    assert cast.rep.public_name in texts[1]  # the person in charge of a role, as on the page
