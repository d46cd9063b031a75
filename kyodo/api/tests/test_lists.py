"""Lists: filters, keyset pagination, query counts independent of page size, and no
personal data of individuals anywhere."""

from __future__ import annotations

import pytest

from kyodo.guideline.models import District, Field
from kyodo.organizations.models import RegistrationStatus
from kyodo.organizations.tests.factories import (
    DepartmentFactory,
    OrganizationFactory,
    make_member,
)

from .conftest import bearer

pytestmark = pytest.mark.django_db


def _orgs(n):
    districts = list(District.objects.all()[:2])
    fields = list(Field.objects.all()[:2])
    orgs = []
    for i in range(n):
        org = OrganizationFactory()
        org.districts.set(districts)
        org.fields.set(fields[: 1 + i % 2])
        orgs.append(org)
    return orgs


def _walk(client, url, **headers):
    seen, cursor, pages = [], None, 0
    while True:
        response = client.get(url + (f"&cursor={cursor}" if cursor else ""), **headers)
        assert response.status_code == 200
        body = response.json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        pages += 1
        if not cursor:
            return seen, pages


def test_keyset_pagination_walks_every_organization_once(client):
    orgs = _orgs(7)
    seen, pages = _walk(client, "/api/v1/organizations?limit=3")
    assert pages == 3
    assert seen == [o.pk for o in sorted(orgs, key=lambda o: (o.kana, o.pk))]


@pytest.mark.parametrize("rows", [2, 30])
def test_organization_list_query_count_does_not_depend_on_rows(
    client, django_assert_max_num_queries, rows
):
    _orgs(rows)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/organizations?limit=100")
    assert len(response.json()["items"]) == rows


@pytest.mark.parametrize("rows", [2, 30])
def test_token_request_query_count_is_bounded(
    client, django_assert_max_num_queries, rows, person, token_for
):
    _orgs(rows)
    headers = bearer(token_for(person))
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/organizations?limit=100", **headers).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "principles",
        "steps",
        "tiers",
        "forms",
        "fields",
        "districts",
        "actor-types",
        "organization-types",
        "evaluation-items",
        "rubric-criteria",
    ],
)
def test_guideline_lists(client, django_assert_max_num_queries, path):
    with django_assert_max_num_queries(3):
        response = client.get(f"/api/v1/guideline/{path}?limit=100")
    assert response.status_code == 200
    assert response.json()["items"], path


def test_guideline_pagination_small_pages(client):
    first = client.get("/api/v1/guideline/principles?limit=3").json()
    second = client.get(
        f"/api/v1/guideline/principles?limit=3&cursor={first['next_cursor']}"
    ).json()
    assert [p["number"] for p in first["items"]] == [1, 2, 3]
    assert [p["number"] for p in second["items"]] == [4, 5, 6]


def test_tampered_cursor_restarts(client):
    _orgs(3)
    body = client.get("/api/v1/organizations?limit=2&cursor=not-a-cursor").json()
    assert len(body["items"]) == 2


def test_organization_filters(client):
    a, b = _orgs(2)
    b.fields.set([Field.objects.order_by("order")[1]])
    other_district = District.objects.order_by("order")[5]
    c = OrganizationFactory(
        registration_status=RegistrationStatus.PROVISIONAL, name="芳野あおぞら会"
    )
    c.districts.set([other_district])
    dept = DepartmentFactory()
    suspended = OrganizationFactory(registration_status=RegistrationStatus.SUSPENDED)

    def ids(query):
        return {i["id"] for i in client.get(f"/api/v1/organizations?{query}").json()["items"]}

    assert suspended.pk not in ids("")
    assert client.get(f"/api/v1/organizations/{suspended.pk}").status_code == 404
    assert ids(f"district={other_district.code}") == {c.pk}
    first_field = Field.objects.order_by("order")[0].code
    assert ids(f"field={first_field}") == {a.pk}
    assert ids("verified=false") == {c.pk}
    assert ids("type=department") == {dept.pk}
    assert ids("actor_type=" + dept.org_type.actor_type.code) == {dept.pk}
    assert ids("q=あおぞら") == {c.pk}


def test_no_personal_data_in_any_list(client, openapi, person, token_for):
    """Members' e-mail and real names never appear, whoever asks."""
    org = OrganizationFactory()
    member = make_member(org, email="taro.private@example.jp", display_name="たろう")
    from kyodo.accounts.tests.factories import PrivateProfileFactory

    PrivateProfileFactory(
        user=member, real_name="秘密 太郎", phone="049-999-1234", address="川越市秘密町1"
    )
    secrets = [
        "taro.private@example.jp",
        "秘密 太郎",
        "049-999-1234",
        "川越市秘密町1",
        "hanako@example.jp",
        "川越 花子",
    ]
    for headers in ({}, bearer(token_for(person))):
        for template, item in openapi["paths"].items():
            if "get" not in item or "{" in template:
                continue
            body = client.get(template + "?limit=100", **headers).content.decode()
            for secret in secrets:
                assert secret not in body, (template, secret)
