"""The whole public record in the open-data package, over the demo city: every dataset present
and valid against its schema, row counts equal to the database's public rows, no personal data
in any file, the national standard formats, the catalogue entries, the change list, the single
files for harvesters, and the scheduler's entries."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from kyodo.api.opendata import build_package, datasets
from kyodo.api.opendata.validate import validate_package

pytestmark = pytest.mark.django_db

EVENT_STANDARD_COLUMNS = [
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "イベント名",
    "イベント名_カナ",
    "イベント名_英語",
    "開始日",
    "終了日",
    "開始時間",
    "終了時間",
    "開始日時特記事項",
    "説明",
    "料金(基本)",
    "料金(詳細)",
    "連絡先名称",
    "連絡先電話番号",
    "連絡先内線番号",
    "主催者",
    "場所名称",
    "住所",
    "方書",
    "緯度",
    "経度",
    "アクセス方法",
    "駐車場情報",
    "定員",
    "参加申込終了日",
    "参加申込終了時間",
    "参加申込方法",
    "URL",
    "備考",
]
FACILITY_STANDARD_COLUMNS = [
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "名称",
    "名称_カナ",
    "名称_通称",
    "POIコード",
    "住所",
    "方書",
    "緯度",
    "経度",
    "電話番号",
    "内線番号",
    "法人番号",
    "団体名",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能日時特記事項",
    "説明",
    "バリアフリー情報",
    "URL",
    "備考",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _rows(zf: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(zf.read(f"csv/{name}.csv").decode("utf-8-sig"))))


def _ids(zf: zipfile.ZipFile, name: str, column: str = "id") -> set[int]:
    return {int(r[column]) for r in _rows(zf, name)}


def test_the_demo_city_package_is_whole_valid_and_private(client, media):
    from kyodo.accounts.models import PrivateProfile, User
    from kyodo.calls.models import Call, Decision
    from kyodo.challenges.models import Issue
    from kyodo.districts.models import Council, Meeting, MeetingStatus
    from kyodo.events.models import Event, Facility, Room
    from kyodo.organizations.models import Organization
    from kyodo.projects.models import Project

    call_command("seed_demo", scale=0.02, stdout=io.StringIO())
    # A hidden issue and a draft project must stay out, whatever the demo made.
    hidden = Issue.objects.order_by("id").first()
    assert hidden is not None
    Issue.objects.filter(pk=hidden.pk).update(hidden_at="2026-11-01T00:00:00+09:00")
    with time_machine.travel("2026-11-25 04:00:00+09:00", tick=False):
        info = build_package()
    assert validate_package(info.path) == []

    with zipfile.ZipFile(info.path) as zf:
        names = set(zf.namelist())
        expected = {d.name for d in datasets()}
        for wanted in (
            "projects",
            "project_partners",
            "agreements",
            "agreement_parties",
            "role_divisions",
            "evaluations",
            "evaluation_scores",
            "calls",
            "call_rounds",
            "screening_results",
            "screening_criteria_means",
            "grants",
            "annual_figures",
            "districts",
            "district_snapshots",
            "councils",
            "subcommittees",
            "meetings",
            "events",
            "facilities",
            "rooms",
            "local_issues",
            "standard_events",
            "standard_facilities",
        ):
            assert wanted in expected
            assert f"csv/{wanted}.csv" in names and f"json/{wanted}.json" in names

        # Row counts equal the public rows of the database.
        public_projects = set(Project.objects.public().values_list("id", flat=True))
        assert _ids(zf, "projects") == public_projects
        assert Project.objects.exclude(pk__in=public_projects).exists()  # drafts exist, left out
        assert _ids(zf, "events") == set(Event.objects.listed().values_list("id", flat=True))
        assert _ids(zf, "facilities") == set(Facility.objects.values_list("id", flat=True))
        assert _ids(zf, "rooms") == set(Room.objects.values_list("id", flat=True))
        assert _ids(zf, "councils") == set(Council.objects.values_list("id", flat=True))
        assert _ids(zf, "meetings") == set(
            Meeting.objects.filter(status=MeetingStatus.PUBLISHED).values_list("id", flat=True)
        )
        assert _ids(zf, "local_issues") == set(
            Issue.objects.filter(hidden_at__isnull=True).values_list("id", flat=True)
        )
        assert hidden.pk not in _ids(zf, "local_issues")
        # A point near a home is published rounded: the precise point is in no file.
        issues_csv = zf.read("csv/local_issues.csv").decode("utf-8-sig")
        rounded = Issue.objects.filter(location_coarsened=True, hidden_at__isnull=True)
        assert rounded.exists(), "the demo has rounded points"
        for issue in rounded:
            row = next(r for r in _rows(zf, "local_issues") if int(r["id"]) == issue.pk)
            assert float(row["latitude"]) == issue.public_latitude
            if issue.latitude != issue.public_latitude:
                assert repr(issue.latitude) not in issues_csv
        assert _ids(zf, "calls") == set(
            Call.objects.exclude(status="draft").values_list("id", flat=True)
        )
        published = set(
            Decision.objects.filter(
                published_at__isnull=False,
                application__round__results_published_at__isnull=False,
            ).values_list("application_id", flat=True)
        )
        assert _ids(zf, "screening_results", "application") == published
        assert _ids(zf, "grants", "application") <= published
        assert {int(r["project"]) for r in _rows(zf, "project_partners")} <= public_projects
        # Evaluations are published only when every partner of the project submitted that kind.
        partners: dict[int, set[int]] = {}
        for r in _rows(zf, "project_partners"):
            partners.setdefault(int(r["project"]), set()).add(int(r["organization"]))
        sheets: dict[tuple[int, str], set[int]] = {}
        for r in _rows(zf, "evaluations"):
            sheets.setdefault((int(r["project"]), r["kind"]), set()).add(int(r["organization"]))
        assert sheets, "the demo has published evaluations"
        assert all(orgs == partners[project] for (project, _kind), orgs in sheets.items())
        # The agreement's text is given for the signed version only.
        for r in _rows(zf, "agreements"):
            assert (r["purpose"] != "") == (r["is_signed"] == "true") or not r["purpose"]

        # The national standard formats: the standard's columns, in its order.
        raw_events = zf.read("csv/standard_events.csv").decode("utf-8-sig")
        assert next(csv.reader(io.StringIO(raw_events))) == EVENT_STANDARD_COLUMNS
        raw_fac = zf.read("csv/standard_facilities.csv").decode("utf-8-sig")
        assert next(csv.reader(io.StringIO(raw_fac))) == FACILITY_STANDARD_COLUMNS
        standard_rows = _rows(zf, "standard_events")
        assert {int(r["NO"]) for r in standard_rows} == _ids(zf, "events")
        assert {r["都道府県コード又は市区町村コード"] for r in standard_rows} == {"112011"}
        assert all(len(r["開始時間"]) == 5 for r in standard_rows)

        # No personal data in any file of the package.
        blob = "\n".join(
            zf.read(n).decode("utf-8-sig")
            for n in names
            if n.endswith((".csv", ".json", ".jsonld", ".txt"))
        )
        org_contacts = set(Organization.objects.values_list("public_email", flat=True))
        emails = [e for e in User.objects.values_list("email", flat=True) if e not in org_contacts]
        assert emails
        assert not [e for e in emails if e in blob]
        for field in ("real_name", "phone", "address"):
            values = [
                v for v in PrivateProfile.objects.values_list(field, flat=True) if v and len(v) >= 6
            ]
            assert not [v for v in values if v in blob], field

        # Catalogue entries for harvesters (DCAT and CKAN): one dataset per resource.
        package = json.loads(zf.read("datapackage.json"))
        catalog = json.loads(zf.read("catalog.jsonld"))
        ckan = json.loads(zf.read("ckan.json"))
        assert catalog["@type"] == "dcat:Catalog"
        assert len(catalog["dcat:dataset"]) == len(package["resources"])
        assert ckan["license_id"] == "cc-by-4.0"
        assert ckan["num_resources"] == 2 * len(package["resources"])
        standard = [d for d in catalog["dcat:dataset"] if "dct:conformsTo" in d]
        assert len(standard) == 2

    # The single files a harvester downloads, from the latest build.
    url = catalog["dcat:dataset"][0]["dcat:distribution"][0]["dcat:downloadURL"]["@id"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert client.get("/api/open-data/latest/catalog.jsonld").status_code == 200
    for bad in ("../latest.json", "csv/../../x.csv", "csv/nothing.csv", "README.txt"):
        assert client.get(f"/api/open-data/latest/{bad}").status_code == 404
    page = client.get("/api/open-data/").content.decode()
    assert "catalog.jsonld" in page and "changes.csv" in page


def test_changes_since_the_previous_build(media):
    from kyodo.challenges.tests.factories import IssueFactory

    first = IssueFactory(title="最初の課題")
    gone = IssueFactory(title="あとで非表示")
    with time_machine.travel("2026-11-24 04:00:00+09:00", tick=False):
        build_package()
    first.title = "直した課題"
    first.save()
    added = IssueFactory(title="新しい課題")
    gone.hidden_at = "2026-11-24T10:00:00+09:00"
    gone.save()
    with time_machine.travel("2026-11-25 04:00:00+09:00", tick=False):
        info = build_package()
    with zipfile.ZipFile(info.path) as zf:
        changes = list(csv.DictReader(io.StringIO(zf.read("changes.csv").decode("utf-8-sig"))))
    issue_changes = {(c["key"], c["change"]) for c in changes if c["dataset"] == "local_issues"}
    assert issue_changes == {
        (str(first.pk), "changed"),
        (str(added.pk), "added"),
        (str(gone.pk), "removed"),
    }
    assert info.changes["local_issues"] == {"added": 1, "changed": 1, "removed": 1}
    assert info.changes["principles"] == {"added": 0, "changed": 0, "removed": 0}


def test_validation_refuses_a_package_that_does_not_match_its_schema(media, tmp_path: Path):
    info = build_package()
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(info.path) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "csv/principles.csv":
                text = data.decode("utf-8-sig").splitlines()
                text[1] = text[1].replace(text[1].split(",")[1], "one", 1)  # number → text
                data = ("\ufeff" + "\r\n".join(text[:-1]) + "\r\n").encode()  # one row fewer
            dst.writestr(item, data)
    problems = validate_package(broken)
    assert any("principles: line 2, number: 'one' is not integer" in p for p in problems)
    assert any("principles:" in p and "the dictionary says" in p for p in problems)


def test_the_scheduler_builds_daily_and_after_a_publication(media):
    from kyodo.api.tasks import package_is_stale, refresh_open_data_after_publication
    from kyodo.core.hooks import periodic_tasks
    from kyodo.promotion.models import SurveyPeriod

    entries = {p.key: p for p in periodic_tasks()}
    daily = entries["api.build_open_data_package"]
    assert daily.at is not None and daily.at.hour == 4
    assert entries["api.refresh_open_data_after_publication"].every.total_seconds() == 600

    with time_machine.travel("2026-11-24 04:00:00+09:00", tick=False):
        build_package()
    assert not package_is_stale()
    assert refresh_open_data_after_publication.enqueue().return_value is False
    with time_machine.travel("2026-11-24 10:00:00+09:00", tick=False):
        from kyodo.organizations.tests.factories import make_coordinator

        SurveyPeriod.objects.create(
            fiscal_year=2025,
            status="closed",
            closes_on="2026-05-31",
            opened_by=make_coordinator(),
            closed_at="2026-11-24T09:30:00+09:00",
        )
        assert package_is_stale()
        assert refresh_open_data_after_publication.enqueue().return_value is True
        assert not package_is_stale()


def test_councils_in_the_api_show_member_organizations_and_published_meetings_only(client):
    from kyodo.districts.models import Council, CouncilMember, Meeting
    from kyodo.guideline.models import District
    from kyodo.organizations.tests.factories import OrganizationFactory, make_coordinator

    district = District.objects.order_by("order").first()
    council = Council.objects.create(district=district, name="テスト地域会議")
    org = OrganizationFactory(name="会議の構成団体")
    CouncilMember.objects.create(council=council, organization=org, role="会長団体")
    staff = make_coordinator()
    published = Meeting.objects.create(
        council=council,
        title="第1回 公開済み",
        held_at="2026-10-01T19:00:00+09:00",
        agenda="議題",
        status="published",
        drafted_by=staff,
        published_by=staff,
        published_at="2026-10-05T10:00:00+09:00",
    )
    Meeting.objects.create(
        council=council,
        title="第2回 下書き",
        held_at="2026-11-01T19:00:00+09:00",
        agenda="議題",
        status="draft_record",
        drafted_by=staff,
    )
    listed = client.get(f"/api/v1/councils?district={district.code}").json()
    assert [c["name"] for c in listed["items"]] == ["テスト地域会議"]
    assert listed["items"][0]["members"] == [
        {"organization": org.pk, "name": "会議の構成団体", "role": "会長団体"}
    ]
    assert client.get(f"/api/v1/councils/{council.pk}").json()["district"]["code"] == district.code
    meetings = client.get(f"/api/v1/councils/{council.pk}/meetings").json()["items"]
    assert [m["id"] for m in meetings] == [published.pk]
    assert client.get("/api/v1/councils/999999").status_code == 404
    assert client.get("/api/v1/councils/999999/meetings").status_code == 404
