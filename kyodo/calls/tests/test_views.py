from __future__ import annotations

import pytest
from django.urls import reverse

from kyodo.calls import services
from kyodo.calls.tests.factories import (
    eligible_application,
    full_scores,
    make_application,
    make_call,
    make_reviewer,
)
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    make_coordinator,
    make_member,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator)
    rnd = call.rounds.get()
    app = eligible_application(call, coordinator)
    org = app.organization
    reviewer = make_reviewer(rnd, coordinator)
    conflicted = make_reviewer(rnd, coordinator)
    MembershipFactory(user=conflicted, organization=org)
    admin = UserFactory(is_superuser=True, is_staff=True)
    return {
        "call": call,
        "round": rnd,
        "app": app,
        "anonymous": None,
        "resident": UserFactory(),
        "member": make_member(org),
        "representative": app.created_by,
        "other_rep": make_member(OrganizationFactory(), MembershipRole.REPRESENTATIVE),
        "staff": make_staff(),
        "coordinator": coordinator,
        "reviewer": reviewer,
        "conflicted": conflicted,
        "admin": admin,
    }


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


ROLES = [
    "anonymous",
    "resident",
    "member",
    "representative",
    "other_rep",
    "staff",
    "coordinator",
    "reviewer",
    "conflicted",
    "admin",
]

# page → {role: expected status}; 302 = sent to the login page
MATRIX = {
    "list": dict.fromkeys(ROLES, 200),
    "detail": dict.fromkeys(ROLES, 200),
    "results": dict.fromkeys(ROLES, 200),
    "application": {
        "anonymous": 302,
        "resident": 404,
        "member": 200,
        "representative": 200,
        "other_rep": 404,
        "staff": 404,
        "coordinator": 200,
        "reviewer": 200,
        "conflicted": 200,
        "admin": 200,
    },
    "score": {
        "anonymous": 302,
        "resident": 404,
        "member": 403,
        "representative": 403,
        "other_rep": 404,
        "staff": 404,
        "coordinator": 403,
        "reviewer": 200,
        "conflicted": 403,
        "admin": 403,
    },
    "ranking": {
        "anonymous": 302,
        "resident": 403,
        "member": 403,
        "representative": 403,
        "other_rep": 403,
        "staff": 403,
        "coordinator": 200,
        "reviewer": 403,
        "conflicted": 403,
        "admin": 200,
    },
    "check": {
        "anonymous": 302,
        "resident": 404,
        "member": 403,
        "representative": 403,
        "other_rep": 404,
        "staff": 404,
        "coordinator": 403,
        "reviewer": 403,
        "conflicted": 403,
        "admin": 403,
    },
    "manage": {
        "anonymous": 302,
        "resident": 403,
        "member": 403,
        "representative": 403,
        "other_rep": 403,
        "staff": 403,
        "coordinator": 200,
        "reviewer": 403,
        "conflicted": 403,
        "admin": 200,
    },
    "reviews": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 200)},
    "mine": {"anonymous": 302, **dict.fromkeys(ROLES[1:], 200)},
}


def _url(page, w):
    app, call, rnd = w["app"], w["call"], w["round"]
    return {
        "list": reverse("calls:list"),
        "detail": reverse("calls:detail", args=[call.pk]),
        "results": reverse("calls:results", args=[call.pk]),
        "application": reverse("calls:application-detail", args=[app.pk]),
        "score": reverse("calls:application-score", args=[app.pk]),
        "ranking": reverse("calls:round-ranking", args=[rnd.pk]),
        "check": reverse(
            "calls:application-check", args=[app.pk]
        ),  # already checked: nobody may re-check
        "manage": reverse("calls:manage", args=[call.pk]),
        "reviews": reverse("calls:my-reviews"),
        "mine": reverse("calls:my-applications"),
    }[page]


@pytest.mark.parametrize("page", list(MATRIX))
def test_permission_matrix(client, world, page):
    got = {}
    for role in ROLES:
        client.logout()
        got[role] = _get(client, world[role], _url(page, world)).status_code
    assert got == MATRIX[page]


def test_scoring_form_posts_and_conflicted_reviewer_is_refused(client, world):
    app, call = world["app"], world["call"]
    data = {f"score_{c.pk}": "4" for c in call.criteria.all()}
    client.force_login(world["reviewer"])
    response = client.post(reverse("calls:application-score", args=[app.pk]), data)
    assert response.status_code == 302
    assert app.score_sheets.filter(reviewer=world["reviewer"]).exists()
    client.force_login(world["conflicted"])
    response = client.post(reverse("calls:application-score", args=[app.pk]), data)
    assert response.status_code == 403
    assert not app.score_sheets.filter(reviewer=world["conflicted"]).exists()
    # the conflicted reviewer sees the application listed as a conflict, with no scoring link
    page = client.get(reverse("calls:my-reviews")).content.decode()
    assert reverse("calls:application-score", args=[app.pk]) not in page


def test_applicant_flow_through_pages(client):
    coordinator = make_coordinator()
    call = make_call(coordinator=coordinator)
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    client.force_login(rep)
    response = client.post(
        reverse("calls:apply", args=[call.pk]),
        {
            "organization": org.pk,
            "round": call.rounds.get().pk,
            "title": "川越の里山を守るボランティア育成事業",
        },
    )
    assert response.status_code == 302
    app = org.call_applications.get()
    edit = reverse("calls:application-edit", args=[app.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "title": app.title,
            "round": app.round_id,
            "track": "citizen",
            "continuation_year": 1,
            "purpose": "里山を守る",
            "content": "保全活動",
            "target_people": "",
            "place": "",
            "schedule": "",
            "targets": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    budget = reverse("calls:application-budget", args=[app.pk])
    assert client.get(budget).status_code == 200
    form = {
        "income-TOTAL_FORMS": "2",
        "income-INITIAL_FORMS": "0",
        "income-MIN_NUM_FORMS": "0",
        "income-MAX_NUM_FORMS": "1000",
        "income-0-source": "subsidy",
        "income-0-description": "",
        "income-0-amount_yen": "90000",
        "income-1-source": "own_funds",
        "income-1-description": "会費",
        "income-1-amount_yen": "10000",
        "expense-TOTAL_FORMS": "2",
        "expense-INITIAL_FORMS": "0",
        "expense-MIN_NUM_FORMS": "0",
        "expense-MAX_NUM_FORMS": "1000",
        "expense-0-category": "印刷製本費",
        "expense-0-description": "チラシ",
        "expense-0-unit_price_yen": "50",
        "expense-0-quantity": "2000",
        "expense-0-is_eligible": "on",
        "expense-1-category": "報償費",
        "expense-1-description": "",
        "expense-1-unit_price_yen": "",
        "expense-1-quantity": "1",
        "expense-1-is_eligible": "on",
    }
    response = client.post(budget, form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert app.expense_lines.count() == 1 and app.income_lines.count() == 2
    # a non-integer amount is refused at the field
    bad = dict(form, **{"income-0-amount_yen": "90000.5"})
    response = client.post(budget, bad)
    assert response.status_code == 200 and "form-field__error" in response.content.decode()
    response = client.post(reverse("calls:application-submit", args=[app.pk]))
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "submitted"
    # another group's representative cannot edit or submit it
    client.force_login(make_member(OrganizationFactory(), MembershipRole.REPRESENTATIVE))
    assert client.get(edit).status_code == 404
    assert client.post(reverse("calls:application-submit", args=[app.pk])).status_code == 404


def test_coordinator_configures_a_call_in_forms(client):
    coordinator = make_coordinator()
    client.force_login(coordinator)
    response = client.post(
        reverse("calls:call-create"),
        {
            "kind": "subsidy",
            "fiscal_year": 2027,
            "title": "令和9年度 提案型協働事業補助金",
            "summary": "",
            "total_budget_yen": 3_000_000,
        },
    )
    assert response.status_code == 302
    from kyodo.calls.models import Call

    call = Call.objects.get(fiscal_year=2027)
    url = reverse("calls:funding-rules", args=[call.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "rule-TOTAL_FORMS": "2",
            "rule-INITIAL_FORMS": "0",
            "rule-MIN_NUM_FORMS": "0",
            "rule-MAX_NUM_FORMS": "1000",
            "rule-0-track": "citizen",
            "rule-0-continuation_year": "1",
            "rule-0-rate_percent": "66.67",
            "rule-0-cap_yen": "700000",
            "rule-0-rounding_unit_yen": "1000",
            "rule-1-track": "citizen",
            "rule-1-continuation_year": "2",
            "rule-1-rate_percent": "50",
            "rule-1-cap_yen": "500000",
            "rule-1-rounding_unit_yen": "1000",
        },
    )
    assert response.status_code == 302
    assert [
        (r.continuation_year, r.rate_basis_points)
        for r in call.funding_rules.order_by("continuation_year")
    ] == [(1, 6667), (2, 5000)]
    for name in (
        "calls:criteria",
        "calls:required-documents",
        "calls:call-edit",
        "calls:round-create",
        "calls:manage",
    ):
        assert client.get(reverse(name, args=[call.pk])).status_code == 200, name
    response = client.post(
        reverse("calls:round-create", args=[call.pk]),
        {
            "name": "早期審査",
            "order": 1,
            "opens_at": "2027-04-01T09:00",
            "closes_at": "2027-04-30T17:00",
            "presentation_date": "2027-05-20",
            "decision_date": "2027-06-01",
        },
    )
    assert response.status_code == 302
    assert client.post(reverse("calls:call-publish", args=[call.pk])).status_code == 302
    call.refresh_from_db()
    assert call.status == "published"


def test_document_download_is_permission_checked(client):
    from kyodo.calls.tests.factories import pdf_upload

    call = make_call()
    app = make_application(call)
    doc = services.upload_document(
        actor=app.created_by, application=app, requirement=None, upload=pdf_upload()
    )
    url = reverse("calls:document-download", args=[doc.pk])
    client.force_login(app.created_by)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Security-Policy"].startswith(
        "default-src 'none'"
    )
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_exports(client, world):
    app, rnd, call = world["app"], world["round"], world["call"]
    services.save_scores(actor=world["reviewer"], application=app, scores=full_scores(call, 4))
    client.force_login(world["coordinator"])
    csv = client.get(reverse("calls:round-ranking", args=[rnd.pk]) + "?format=csv")
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert app.title in body and world["reviewer"].public_name not in body
    xlsx = client.get(reverse("calls:round-ranking", args=[rnd.pk]) + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    client.force_login(world["reviewer"])
    assert (
        client.get(reverse("calls:round-ranking", args=[rnd.pk]) + "?format=csv").status_code == 403
    )
    client.logout()
    adopted = client.get(reverse("calls:adopted-export", args=[call.pk]) + "?format=csv")
    assert adopted.status_code == 200


def _calls(n):
    coordinator = make_coordinator()
    for _ in range(n):
        make_call(coordinator=coordinator)


@pytest.mark.parametrize("n", [2, 30])
def test_call_list_query_count_does_not_grow(client, django_assert_max_num_queries, n):
    _calls(n)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("calls:list")).status_code == 200


@pytest.mark.parametrize("n", [2, 30])
def test_my_applications_query_count_does_not_grow(client, django_assert_max_num_queries, n):
    call = make_call()
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    for _ in range(n):
        make_application(call, org=org, rep=rep)
    client.force_login(rep)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("calls:my-applications")).status_code == 200
