"""The open-data package, read back with zipfile, csv and json."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from kyodo.accounts.tests.factories import PrivateProfileFactory
from kyodo.api.opendata import KEEP_DAYS, build_package, datasets
from kyodo.organizations.models import RegistrationStatus
from kyodo.organizations.tests.factories import OrganizationFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _read(path: Path):
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        package = json.loads(zf.read("datapackage.json"))
        csvs = {n: zf.read(n) for n in names if n.startswith("csv/")}
        jsons = {
            n: json.loads(zf.read(n))
            for n in names
            if n.endswith(".json") and n.startswith("json/")
        }
        readme = zf.read("README.txt").decode("utf-8")
    return names, package, csvs, jsons, readme


def test_package_has_every_dataset_as_csv_and_json_with_dictionary(media):
    org = OrganizationFactory(name="川越=まちづくり", description='=HYPERLINK("x")')
    OrganizationFactory(registration_status=RegistrationStatus.SUSPENDED, name="停止中の会")
    member = make_member(org, email="secret.member@example.jp")
    PrivateProfileFactory(user=member, real_name="秘密 次郎")
    with time_machine.travel("2026-11-25 04:00:00+09:00", tick=False):
        info = build_package()
    assert info.path == media / "open-data" / "kyodo-open-data-2026-11-25.zip"
    _names, package, csvs, jsons, readme = _read(info.path)
    expected = {d.name for d in datasets()}
    assert {n[4:-4] for n in csvs} == expected
    assert {n[5:-5] for n in jsons} == expected
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert "CC BY 4.0" in readme
    for resource in package["resources"]:
        for fld in resource["schema"]["fields"]:
            assert fld["title"] and fld["title_en"], (resource["name"], fld["name"])
        raw = csvs[resource["path"]]
        assert raw.startswith(b"\xef\xbb\xbf"), resource["name"]  # UTF-8 BOM for Excel
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert list(rows[0].keys()) if rows else True
        assert (
            len(rows)
            == resource["rows"]
            == len(jsons[resource["json_path"]])
            == info.rows[resource["name"]]
        )
    orgs = list(csv.DictReader(io.StringIO(csvs["csv/organizations.csv"].decode("utf-8-sig"))))
    assert [o["name"] for o in orgs] == ["川越=まちづくり"]
    assert orgs[0]["description"].startswith("'=")  # formula injection neutralised
    assert orgs[0]["registration_status"] == "verified"
    org_json = jsons["json/organizations.json"][0]
    assert org_json["name"] == "川越=まちづくり" and isinstance(org_json["fields"], list)
    principles = jsons["json/principles.json"]
    assert [p["number"] for p in principles] == sorted(p["number"] for p in principles)
    blob = b"".join(csvs.values()).decode("utf-8-sig") + json.dumps(jsons, ensure_ascii=False)
    assert (
        "secret.member@example.jp" not in blob
        and "秘密 次郎" not in blob
        and "停止中の会" not in blob
    )


def test_page_api_and_download(client, media):
    assert client.get("/api/open-data/").status_code == 200
    assert client.get("/api/v1/open-data").status_code == 404
    with time_machine.travel("2026-11-24 04:00:00+09:00", tick=False):
        build_package()
    with time_machine.travel("2026-11-25 04:00:00+09:00", tick=False):
        info = build_package()
    page = client.get("/api/open-data/")
    html = page.content.decode()
    assert "kyodo-open-data-2026-11-25.zip" in html and "kyodo-open-data-2026-11-24.zip" in html
    assert "CC BY 4.0" in html and "2026年11月25日" in html
    meta = client.get("/api/v1/open-data").json()
    assert meta["file"] == "kyodo-open-data-2026-11-25.zip"
    assert meta["sha256"] == info.sha256 and meta["licence"]["name"] == "CC-BY-4.0"
    download = client.get("/api/open-data/kyodo-open-data-2026-11-25.zip")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).testzip() is None
    for bad in ("latest.json", "..%2Fsecret.zip", "kyodo-open-data-2026-01-01.zip"):
        assert client.get(f"/api/open-data/{bad}").status_code == 404


def test_builds_stay_a_year_then_are_pruned(media):
    days = ["2025-11-01", "2025-12-01", "2026-11-20", "2026-12-02"]
    for day in days:
        with time_machine.travel(f"{day} 04:00:00+09:00", tick=False):
            build_package()
    files = sorted(p.name for p in (media / "open-data").glob("*.zip"))
    # 2025-11-01 is more than KEEP_DAYS before 2026-12-02; 2025-12-01 is within the year.
    assert KEEP_DAYS == 366
    assert files == [f"kyodo-open-data-{d}.zip" for d in days[1:]]
    assert not (media / "open-data" / "kyodo-open-data-2025-11-01.zip.index.json").exists()
    history = json.loads((media / "open-data" / "history.json").read_text())
    assert [h["file"] for h in history] == [f"kyodo-open-data-{d}.zip" for d in reversed(days[1:])]


def test_command_prints_progress(media, capsys):
    call_command("build_open_data")
    out = capsys.readouterr().out
    assert "organizations" in out and "Wrote" in out
    assert list((media / "open-data").glob("kyodo-open-data-*.zip"))


def test_task_builds_the_package(media):
    from kyodo.api.tasks import build_open_data_package

    result = build_open_data_package.enqueue()  # the immediate backend in tests
    assert result.return_value["principles"] >= 7
    assert list((media / "open-data").glob("kyodo-open-data-*.zip"))
