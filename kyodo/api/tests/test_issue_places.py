"""Issue points in the API (issue 29): the public point on issues, the GeoJSON layer, and a
point when raising. Never the exact point of one rounded near a home."""

from __future__ import annotations

import pytest

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges import geo, services
from kyodo.challenges.models import Issue
from kyodo.challenges.tests.factories import IssueFactory
from kyodo.guideline.models import District, Field

from .conftest import bearer

pytestmark = pytest.mark.django_db

EXACT = (35.92713, 139.48652)


def _rounded_issue() -> Issue:
    return services.raise_issue(
        actor=UserFactory(),
        title="自宅前の側溝があふれる",
        description="雨のたびにあふれます。",
        district=District.objects.get(code="honcho"),
        field=Field.objects.get(code="environment"),
        latitude=EXACT[0],
        longitude=EXACT[1],
        near_home=True,
    )


def test_issue_carries_only_its_public_point(client, assert_conforms):
    issue = _rounded_issue()
    bare = IssueFactory()
    body = assert_conforms(
        client.get(f"/api/v1/issues/{issue.pk}"), "GET", "/api/v1/issues/{issue_id}"
    )
    lat, lon = geo.coarsen(*EXACT)
    assert body["location"] == {"latitude": lat, "longitude": lon, "coarsened": True}
    assert str(EXACT[0]) not in client.get(f"/api/v1/issues/{issue.pk}").content.decode()
    assert client.get(f"/api/v1/issues/{bare.pk}").json()["location"] is None


@pytest.mark.parametrize("rows", [2, 20])
def test_geojson_layer_conforms_is_flat_and_public(
    client, assert_conforms, django_assert_max_num_queries, rows
):
    rounded = _rounded_issue()
    for i in range(rows):
        IssueFactory(
            latitude=35.90 + i * 0.001,
            longitude=139.45,
            public_latitude=35.90 + i * 0.001,
            public_longitude=139.45,
        )
    hidden = IssueFactory(
        latitude=35.9, longitude=139.5, public_latitude=35.9, public_longitude=139.5
    )
    Issue.objects.filter(pk=hidden.pk).update(hidden_at="2026-01-01T00:00:00+09:00")
    IssueFactory()  # no point: not in the layer
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/issues/geojson?limit=100")
    body = assert_conforms(response, "GET", "/api/v1/issues/geojson")
    assert body["type"] == "FeatureCollection"
    ids = {f["id"] for f in body["features"]}
    assert len(ids) == rows + 1 and hidden.pk not in ids
    feature = next(f for f in body["features"] if f["id"] == rounded.pk)
    assert feature["geometry"]["coordinates"] == [
        rounded.public_longitude,
        rounded.public_latitude,
    ]
    assert str(EXACT[0]) not in response.content.decode()


def test_geojson_bbox_filters_and_bad_bbox_is_422(client):
    inside = IssueFactory(
        latitude=35.95, longitude=139.50, public_latitude=35.95, public_longitude=139.50
    )
    IssueFactory(latitude=35.88, longitude=139.42, public_latitude=35.88, public_longitude=139.42)
    body = client.get("/api/v1/issues/geojson?bbox=139.49,35.94,139.51,35.96").json()
    assert [f["id"] for f in body["features"]] == [inside.pk]
    assert client.get("/api/v1/issues/geojson?bbox=oops").status_code == 422


def test_raise_with_a_point_through_the_api(client, assert_conforms, token_for):
    person = UserFactory()
    payload = {
        "title": "公園のベンチが壊れている",
        "description": "座面が割れています。",
        "district": "honcho",
        "field": "environment",
        "latitude": EXACT[0],
        "longitude": EXACT[1],
    }
    headers = bearer(token_for(person))
    response = client.post("/api/v1/issues", payload, content_type="application/json", **headers)
    body = assert_conforms(response, "POST", "/api/v1/issues")
    assert body["location"] == {"latitude": EXACT[0], "longitude": EXACT[1], "coarsened": False}
    outside = {**payload, "latitude": 35.6812, "longitude": 139.7671}
    refused = client.post("/api/v1/issues", outside, content_type="application/json", **headers)
    assert refused.status_code == 422
