"""Points on local issues (issue 29): storage and its constraint, rounding near a home, the
raise form (no JavaScript), nearby and similar issues, the map data endpoint, the pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges import geo, selectors, services
from kyodo.challenges.models import Issue
from kyodo.challenges.tests.factories import IssueFactory
from kyodo.challenges.workflow import IssueStatus
from kyodo.guideline.models import Setting
from kyodo.guideline.tests import codes
from kyodo.organizations.tests.factories import make_coordinator

# Kawagoe-only: the points below (CITY_HALL, NEAR, OUTSIDE) are places in Kawagoe and the
# tests check them against the map area of kawagoe.toml ([settings.map]).
pytestmark = [pytest.mark.django_db, codes.kawagoe_only]

# Near 川越市役所 (not the map's centre), a point ~120 m east of it, one ~2 km away, and
# one outside the city.
CITY_HALL = (35.92713, 139.48652)
NEAR = (35.92731, 139.48785)
FAR = (35.94513, 139.48652)
OUTSIDE = (35.6812, 139.7671)  # 東京駅


def _placed(point: tuple[float, float], **kwargs) -> Issue:
    lat, lon = point
    return IssueFactory(
        latitude=lat,
        longitude=lon,
        public_latitude=lat,
        public_longitude=lon,
        **kwargs,
    )


def _raise(actor, point=None, near_home=False, title="街灯が切れて夜道が暗い") -> Issue:
    return services.raise_issue(
        actor=actor,
        title=title,
        description="夜になると真っ暗です。",
        district=codes.district(0, "honcho"),
        field=codes.field(0, "crime-prevention"),
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        near_home=near_home,
    )


# --- geometry -----------------------------------------------------------------------


@given(
    st.floats(min_value=-89.9, max_value=89.9),
    st.floats(min_value=-179.9, max_value=179.9),
)
def test_coarsened_point_is_the_centre_of_a_cell_within_the_cell(lat, lon):
    clat, clon = geo.coarsen(lat, lon)
    assert abs(clat - lat) <= geo.COARSE_LAT_STEP / 2 + 1e-6
    assert abs(clon - lon) <= geo.COARSE_LON_STEP / 2 + 1e-6
    # Every point of a cell gets the same public point: rounding twice changes nothing.
    assert geo.coarsen(clat, clon) == (clat, clon)


def test_distance_and_bbox():
    d = geo.distance_m(*CITY_HALL, *NEAR)
    assert 100 < d < 140
    south, west, north, east = geo.bbox_around(*CITY_HALL, 500)
    assert south < CITY_HALL[0] < north and west < CITY_HALL[1] < east
    assert geo.distance_m(CITY_HALL[0], CITY_HALL[1], north, CITY_HALL[1]) == pytest.approx(
        500, rel=0.01
    )


def test_title_similarity_works_for_japanese():
    same = geo.title_similarity("小仙波公園の街灯が切れている", "小仙波公園の街灯が切れていて暗い")
    other = geo.title_similarity("小仙波公園の街灯が切れている", "ごみ出しのルールが伝わらない")
    assert same > 0.6 and other < 0.1
    assert geo.title_similarity("", "街灯") == 0.0


@pytest.mark.parametrize(
    "value", ["", "a,b,c,d", "1,2,3", "139.5,35.9,139.4,35.95", "nan,1,2,3", "1,2,3,inf"]
)
def test_bad_bbox_is_refused(value):
    assert geo.parse_bbox(value) is None


def test_city_map_reads_the_guideline_and_defaults_without_it():
    city = geo.city_map()
    assert city.configured and city.contains(*CITY_HALL) and not city.contains(*OUTSIDE)
    assert "honcho" in city.district_centres
    Setting.objects.filter(key__startswith="map.").delete()
    cache.clear()
    fallback = geo.city_map()
    assert not fallback.configured
    assert fallback.bbox == geo.DEFAULT_BBOX and fallback.district_centres == {}


# --- storage and the service ---------------------------------------------------------


def test_point_must_be_whole_and_in_range_in_the_database():
    issue = IssueFactory()
    for values in (
        {"latitude": 35.9},  # half a point
        {"latitude": 35.9, "longitude": 139.4},  # no public point
        {
            "latitude": 95,
            "longitude": 139.4,
            "public_latitude": 95,
            "public_longitude": 139.4,
        },
        {"location_coarsened": True},  # rounded, but no point
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Issue.objects.filter(pk=issue.pk).update(**values)


def test_raise_with_a_point_near_a_home_publishes_only_the_rounded_point():
    issue = _raise(UserFactory(), CITY_HALL, near_home=True)
    assert (issue.latitude, issue.longitude) == CITY_HALL
    assert issue.location_coarsened
    assert (issue.public_latitude, issue.public_longitude) == geo.coarsen(*CITY_HALL)
    assert (issue.public_latitude, issue.public_longitude) != CITY_HALL


def test_raise_without_home_publishes_the_point_and_without_point_none():
    issue = _raise(UserFactory(), CITY_HALL)
    assert (issue.public_latitude, issue.public_longitude) == CITY_HALL
    assert not issue.location_coarsened
    bare = _raise(UserFactory(), None, near_home=True)
    assert bare.public_latitude is None and not bare.location_coarsened


@pytest.mark.parametrize(
    ("point", "code"),
    [((35.9, None), "point_incomplete"), (OUTSIDE, "point_outside_city")],
)
def test_raise_refuses_bad_points(point, code):
    with pytest.raises(services.ValidationError) as exc:
        services.raise_issue(
            actor=UserFactory(),
            title="t",
            description="d",
            district=codes.district(0, "honcho"),
            field=codes.field(0, "crime-prevention"),
            latitude=point[0],
            longitude=point[1],
        )
    assert exc.value.code == code


# --- nearby and similar ---------------------------------------------------------------


def test_nearby_lists_other_visible_issues_within_500_m_nearest_first():
    here = _placed(CITY_HALL)
    near = _placed(NEAR)
    _placed(FAR)
    hidden = _placed(NEAR)
    Issue.objects.filter(pk=hidden.pk).update(hidden_at="2026-01-01T00:00:00+09:00")
    found = selectors.nearby_for(here)
    assert [n.issue.pk for n in found] == [near.pk]
    assert 100 < found[0].metres < 140


def test_similar_open_issue_nearby_is_found_by_title_and_distance():
    same = _placed(NEAR, title="市役所前の街灯が切れて夜道が暗い")
    _placed(NEAR, title="ごみ出しのルールが守られていない")
    _placed(FAR, title="市役所前の街灯が切れて夜道が暗い")
    _placed(NEAR, title="市役所前の街灯が切れて夜道が暗い", status=IssueStatus.RESOLVED)
    found = selectors.similar_open_issues(
        title="市役所前の街灯が切れている",
        district=None,
        lat=CITY_HALL[0],
        lon=CITY_HALL[1],
    )
    assert [n.issue.pk for n in found] == [same.pk]


# --- the raise form (works without JavaScript) ----------------------------------------


def _form_data(**extra):
    return {
        "title": "市役所前の街灯が切れている",
        "description": "夜になると真っ暗です。",
        "district": codes.district(0, "honcho").pk,
        "field": codes.field(0, "crime-prevention").pk,
        **extra,
    }


def test_form_warns_of_a_similar_issue_once_then_posts(client):
    same = _placed(NEAR, title="市役所前の街灯が切れて夜道が暗い")
    client.force_login(UserFactory())
    url = reverse("challenges:issue_create")
    data = _form_data(latitude="３５．９２７１３", longitude="139.48652")  # full-width digits
    response = client.post(url, data)
    assert response.status_code == 200
    assert Issue.objects.count() == 1
    page = response.content.decode()
    assert reverse("challenges:issue_detail", args=[same.pk]) in page
    assert 'name="similar_seen"' in page
    response = client.post(url, {**data, "similar_seen": "1"})
    assert response.status_code == 302
    issue = Issue.objects.latest("id")
    assert (issue.latitude, issue.longitude) == CITY_HALL


def test_check_before_posting_tells_what_will_be_public_without_posting(client):
    client.force_login(UserFactory())
    data = _form_data(
        latitude=str(CITY_HALL[0]), longitude=str(CITY_HALL[1]), near_home="on", action="preview"
    )
    response = client.post(reverse("challenges:issue_create"), data)
    assert response.status_code == 200
    assert Issue.objects.count() == 0
    lat, _lon = geo.coarsen(*CITY_HALL)
    assert f"{lat:.4f}" in response.content.decode()


@pytest.mark.parametrize(
    ("lat", "lon"),
    [("abc", "139.4"), ("91", "139.4"), ("35.9", ""), (str(OUTSIDE[0]), str(OUTSIDE[1]))],
)
def test_form_gives_field_errors_for_bad_coordinates(client, lat, lon):
    client.force_login(UserFactory())
    response = client.post(
        reverse("challenges:issue_create"), _form_data(latitude=lat, longitude=lon)
    )
    assert response.status_code == 200
    assert Issue.objects.count() == 0
    assert "form-field--error" in response.content.decode()


def test_raise_page_alone_may_ask_for_the_location(client):
    client.force_login(UserFactory())
    form_page = client.get(reverse("challenges:issue_create"))
    assert "geolocation=(self)" in form_page["Permissions-Policy"]
    assert "geolocation=()" in client.get(reverse("challenges:issue_list"))["Permissions-Policy"]


def test_anonymous_cannot_raise(client):
    response = client.get(reverse("challenges:issue_create"))
    assert response.status_code == 302


# --- the map data endpoint and the pages ----------------------------------------------


def _map(client, **params):
    response = client.get(reverse("challenges:issue_map_data"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def test_map_data_points_are_public_and_filtered(client):
    rounded = _raise(UserFactory(), CITY_HALL, near_home=True)
    other = _placed(NEAR, field=codes.field(2, "welfare"))
    hidden = _placed(NEAR)
    Issue.objects.filter(pk=hidden.pk).update(hidden_at="2026-01-01T00:00:00+09:00")
    IssueFactory()  # no point
    data = _map(client, zoom=17)
    by_id = {f["id"]: f for f in data["features"]}
    assert set(by_id) == {rounded.pk, other.pk}
    assert by_id[rounded.pk]["geometry"]["coordinates"] == [
        rounded.public_longitude,
        rounded.public_latitude,
    ]
    assert by_id[rounded.pk]["properties"]["coarsened"] is True
    assert [f["id"] for f in _map(client, zoom=17, field="welfare")["features"]] == [other.pk]


def test_map_data_clusters_a_wide_view_and_counts_every_issue(client, settings):
    issues = [
        _placed((35.90 + (i % 20) * 0.003, 139.45 + (i // 20) * 0.004))
        for i in range(selectors.MAP_POINTS_BELOW + 20)
    ]
    data = _map(client, zoom=11)
    assert data["clustered"] is True
    assert sum(f["properties"]["count"] for f in data["features"]) == len(issues)
    assert 1 < len(data["features"]) < len(issues)
    # A close view of the same issues lists them one by one.
    box = "139.449,35.899,139.46,35.91"
    close = _map(client, zoom=17, bbox=box)
    assert close["clustered"] is False
    assert all("title" in f["properties"] for f in close["features"])


def test_map_data_query_count_is_fixed(client, django_assert_max_num_queries):
    for i in range(30):
        _placed((35.90 + i * 0.001, 139.45))
    _map(client, zoom=12)  # the city's map settings are read once, then cached
    with django_assert_max_num_queries(2):  # clusters, then (few in view) the points
        _map(client, zoom=12)
    for i in range(30):
        _placed((35.90 + i * 0.001, 139.46))
    with django_assert_max_num_queries(2):
        _map(client, zoom=17, bbox="oops")


def test_issue_page_shows_the_map_the_nearby_list_and_never_the_exact_rounded_point(client):
    author = UserFactory()
    issue = _raise(author, CITY_HALL, near_home=True)
    neighbour = _placed(NEAR, title="近くの歩道の段差")
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "js-map" in page and neighbour.title in page
    assert str(CITY_HALL[0]) not in page and str(CITY_HALL[1]) not in page
    # The author (and city staff) see the exact point.
    client.force_login(author)
    assert f"{CITY_HALL[0]:.6f}" in client.get(issue.get_absolute_url()).content.decode()
    client.force_login(make_coordinator())
    assert f"{CITY_HALL[0]:.6f}" in client.get(issue.get_absolute_url()).content.decode()
    # The neighbour's page lists this issue nearby.
    assert issue.title in client.get(neighbour.get_absolute_url()).content.decode()


def test_list_page_has_the_map_with_the_lists_filters(client):
    _placed(CITY_HALL)
    page = client.get(reverse("challenges:issue_list"), {"field": "welfare"}).content.decode()
    assert "js-map" in page
    assert "map.json?field=welfare" in page


def test_boundaries_are_served_only_when_the_guideline_has_them(client):
    url = reverse("challenges:district_boundaries")
    assert client.get(url).status_code == 404
    Setting.objects.create(
        key="map.boundaries", value={"type": "FeatureCollection", "features": []}
    )
    cache.clear()
    assert client.get(url).json()["type"] == "FeatureCollection"
    assert geo.map_config("list")["boundariesUrl"] == url


def test_wide_view_grid_is_cached_until_an_issue_changes(
    client, settings, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    settings.KYODO_PAGE_CACHE_SECONDS = 30
    for i in range(selectors.MAP_POINTS_BELOW + 5):
        _placed((35.90 + (i % 20) * 0.003, 139.45 + (i // 20) * 0.004))
    user = UserFactory()
    client.force_login(user)  # signed in: the page cache does not apply, the grid cache does
    first = _map(client, zoom=11)
    with django_assert_max_num_queries(3):  # session and user, no GROUP BY
        assert _map(client, zoom=11) == first
    with django_capture_on_commit_callbacks(execute=True):
        _raise(user, CITY_HALL)
    assert _map(client, zoom=11)["total"] == first["total"] + 1


def test_csp_allows_images_from_the_configured_tile_server_only(client):
    csp = client.get(reverse("challenges:issue_list"))["Content-Security-Policy"]
    img_src = next(d for d in csp.split("; ") if d.startswith("img-src"))
    assert img_src == "img-src 'self' data: https://cyberjapandata.gsi.go.jp"
    assert "script-src 'self';" in csp + ";"


def test_guideline_boundaries_file_is_loaded_and_bad_files_are_refused(tmp_path, settings):
    from kyodo.guideline.loader import GuidelineDataError, load_guideline

    source = Path(settings.KYODO_GUIDELINE_FILE).read_text(encoding="utf-8")
    assert "\n[settings.map]\n" in source
    toml = tmp_path / "city.toml"
    toml.write_text(
        source.replace(
            "\n[settings.map]\n", '\n[settings.map]\nboundaries_file = "districts.geojson"\n', 1
        ),
        encoding="utf-8",
    )
    feature = {
        "type": "Feature",
        "properties": {"code": "honcho"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[139.47, 35.91], [139.50, 35.91], [139.50, 35.94], [139.47, 35.91]]],
        },
    }
    (tmp_path / "districts.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8"
    )
    load_guideline(toml)
    cache.clear()
    assert geo.district_boundaries()["features"][0]["properties"]["code"] == "honcho"
    assert geo.city_map().has_boundaries
    (tmp_path / "districts.geojson").write_text('{"type": "Point"}', encoding="utf-8")
    with pytest.raises(GuidelineDataError):
        load_guideline(toml)
    (tmp_path / "districts.geojson").unlink()
    with pytest.raises(GuidelineDataError):
        load_guideline(toml)
