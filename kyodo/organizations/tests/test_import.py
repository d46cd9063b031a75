from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.accounts.tests.factories import UserFactory
from kyodo.core.models import AuditEvent
from kyodo.guideline.tests import codes
from kyodo.organizations.csv_import import import_organizations, parse_organizations_csv
from kyodo.organizations.models import Organization, RegistrationStatus
from kyodo.organizations.tests.factories import OrganizationFactory, make_coordinator

pytestmark = pytest.mark.django_db

HEADER = (
    "団体名,ふりがな,種別,活動分野,活動地区,会員数,設立年,ウェブサイト,公開用電話番号,登録状況\n"
)


def _good() -> str:
    """Two valid rows in the loaded guideline's own names (Kawagoe: 自治会・町内会, 防災・地域
    コミュニティ, 霞ケ関北; NPO法人, 環境, 本庁、山田)."""
    jichikai = codes.group_type("jichikai").name
    npo = codes.group_type("npo", 1).name
    f1, f2, f3 = (
        codes.field(i, c).name for i, c in ((0, "disaster"), (1, "community"), (2, "environment"))
    )
    d1, d2, d3 = (
        codes.district(i, c).name
        for i, c in ((2, "kasumigaseki-kita"), (0, "honcho"), (1, "yamada"))
    )
    return (
        f"霞ケ関北自治会,カスミガセキキタジチカイ,{jichikai},{f1}・{f2},{d1},320,1972,,049-231-0000,本登録\n"
        f"NPO法人かわごえ環境ネット,かわごえかんきょうねっと,{npo},{f3},{d2}、{d3},25,2005,https://example.jp/,,仮登録\n"
    )


BAD = (
    ",なまえなし,NPO法人,,,,,,,\n"
    "変な団体,hentai123漢字,宇宙人会,料理,火星,たくさん,1700,ftp://x,abc,未定\n"
)


def test_utf8_with_bom_and_shift_jis_are_read():
    for data in [
        ("\ufeff" + HEADER + _good()).encode("utf-8"),
        (HEADER + _good()).encode("utf-8"),
        (HEADER + _good()).encode("cp932"),
    ]:
        parsed = parse_organizations_csv(data)
        assert parsed.all_valid, [r.errors for r in parsed.rows]
        assert next(r.values["kana"] for r in parsed.rows) == "かすみがせききたじちかい"


def test_every_problem_is_listed_with_row_and_column():
    parsed = parse_organizations_csv((HEADER + _good() + BAD).encode("cp932"))
    assert not parsed.all_valid
    bad = {r.number: r.errors for r in parsed.invalid_rows}
    assert set(bad) == {4, 5}
    columns_row5 = {column for column, _message in bad[5]}
    assert {
        "ふりがな",
        "種別",
        "活動分野",
        "活動地区",
        "会員数",
        "設立年",
        "ウェブサイト",
        "公開用電話番号",
        "登録状況",
    } <= columns_row5
    assert ("団体名", "団体名を入力してください。") in bad[4]


def test_duplicates_in_the_file_and_in_the_database_are_problems():
    OrganizationFactory(name="既存の会")
    parsed = parse_organizations_csv(
        (
            HEADER
            + "既存の会,きぞんのかい,NPO法人,,,,,,,\n新しい会,あたらしいかい,NPO法人,,,,,,,\n新しい会,あたらしいかい,NPO法人,,,,,,,\n"
        ).encode()
    )
    messages = [(r.number, m) for r in parsed.invalid_rows for _c, m in r.errors]
    assert (2, "同じ名前の団体がすでに登録されています。") in messages
    assert (4, "3行目と同じ団体名です。") in messages


def test_missing_columns_and_bad_encoding():
    assert parse_organizations_csv("名前,よみ\nx,y\n".encode()).file_errors
    assert parse_organizations_csv(b"\xff\xfe\x00\x81\x82\xa0\xa0").file_errors
    assert parse_organizations_csv(b"").file_errors


def test_nothing_is_written_unless_all_rows_are_valid_or_valid_only_is_chosen():
    coordinator = make_coordinator()
    before = Organization.objects.count()
    parsed = parse_organizations_csv((HEADER + _good() + BAD).encode())
    with pytest.raises(ValidationError):
        import_organizations(actor=coordinator, parsed=parsed)
    assert Organization.objects.count() == before
    created = import_organizations(actor=coordinator, parsed=parsed, valid_only=True)
    assert len(created) == 2 and Organization.objects.count() == before + 2
    org = Organization.objects.get(name="NPO法人かわごえ環境ネット")
    assert org.registration_status == RegistrationStatus.PROVISIONAL
    assert set(org.districts.values_list("code", flat=True)) == {
        codes.district(0, "honcho").code,
        codes.district(1, "yamada").code,
    }
    assert "かんきょう" in org.search_text
    assert AuditEvent.objects.filter(
        verb="organizations.organization.import", data__created=2
    ).exists()


def test_only_coordinators_import():
    parsed = parse_organizations_csv((HEADER + _good()).encode())
    with pytest.raises(PermissionDenied):
        import_organizations(actor=UserFactory(), parsed=parsed)


def test_import_page_dry_run_then_confirm(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_coordinator())
    data = (HEADER + _good() + BAD).encode("cp932")
    response = client.post(
        reverse("organizations:import"), {"file": SimpleUploadedFile("団体.csv", data)}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "団体名を入力してください。" in html and "Shift_JIS" in html
    assert not Organization.objects.filter(name="霞ケ関北自治会").exists()
    assert 'value="valid-only"' in html and 'value="all"' not in html
    response = client.post(reverse("organizations:import"), {"confirm": "all"})
    assert not Organization.objects.filter(name="霞ケ関北自治会").exists()
    response = client.post(reverse("organizations:import"), {"confirm": "valid-only"})
    assert response.status_code == 302
    assert Organization.objects.filter(name="霞ケ関北自治会").exists()


def test_import_command(tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_bytes((HEADER + _good() + BAD).encode("cp932"))
    call_command("import_organizations", str(path), "--dry-run")
    captured = capsys.readouterr()
    assert (
        "4行目" in captured.err and not Organization.objects.filter(name="霞ケ関北自治会").exists()
    )
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import_organizations", str(path))
    call_command("import_organizations", str(path), "--valid-only")
    assert Organization.objects.filter(name="霞ケ関北自治会").exists()


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_parser_never_crashes_on_arbitrary_bytes(data):
    parsed = parse_organizations_csv(data)
    assert parsed.file_errors or parsed.rows


def test_names_that_contain_the_separator_are_read_whole():
    """「・」 separates values but is also part of names (a city's 「子ども・子育て」)."""
    from kyodo.organizations.csv_import import _names_in

    table = {"子ども・子育て": 1, "防災": 2, "防災・減災": 3, "環境": 4}
    assert _names_in("子ども・子育て", table) == ["子ども・子育て"]
    assert _names_in("防災・減災・環境", table) == ["防災・減災", "環境"]
    assert _names_in("防災・環境", table) == ["防災", "環境"]
    assert _names_in("防災・火星", table) == ["防災", "火星"]
