"""The open-data package: every public dataset as CSV (UTF-8 with BOM) and JSON in one zip,
with a data dictionary (datapackage.json, Frictionless Data style, Japanese and English)
and the licence (CC BY 4.0). Built daily by the `build_open_data_package` task and by
`manage.py build_open_data`; listed at api:open-data.

Only public data goes in: every dataset reads through the same public querysets the API
lists use, and no dataset has a column for a person's e-mail or private profile."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from kyodo.core.exports import csv_cell
from kyodo.guideline import models as g

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
PACKAGE_PREFIX = "kyodo-open-data-"
PACKAGE_RE = re.compile(r"^kyodo-open-data-(\d{4}-\d{2}-\d{2})\.zip$")
MANIFEST = "latest.json"
KEEP_PACKAGES = 7
LIST_DELIMITER = ";"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless Table Schema: string, integer, number, boolean, date, datetime, list
    title_ja: str
    title_en: str
    description_ja: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    title_ja: str
    title_en: str
    description_ja: str
    description_en: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[dict[str, Any]]]


def C(name: str, type_: str, ja: str, en: str, desc_ja: str = "", desc_en: str = "") -> Column:
    return Column(name, type_, ja, en, desc_ja, desc_en)


CODE = C(
    "code",
    "string",
    "コード",
    "Code",
    "他のデータから参照する固定の識別子",
    "Stable identifier used by other datasets",
)
ORDER = C("order", "integer", "表示順", "Display order")
NAME = C("name", "string", "名称", "Name")
NAME_EN = C("name_en", "string", "名称（英語）", "Name (English)")


def _values(queryset: Any, names: Iterable[str]) -> Iterator[dict[str, Any]]:
    yield from queryset.values(*names).iterator(chunk_size=2000)


def _plain(
    model: Any, columns: tuple[Column, ...], ordering: tuple[str, ...]
) -> Callable[[], Iterable[dict[str, Any]]]:
    return lambda: _values(model.objects.order_by(*ordering), [c.name for c in columns])


PRINCIPLE_COLUMNS = (
    CODE,
    C("number", "integer", "番号", "Number"),
    C("short_name", "string", "略称", "Short name"),
    C("short_name_en", "string", "略称（英語）", "Short name (English)"),
    NAME,
    NAME_EN,
    C("explanation", "string", "説明", "Explanation"),
    C("explanation_en", "string", "説明（英語）", "Explanation (English)"),
    C("evaluation_question", "string", "評価の問い", "Evaluation question"),
    C("evaluation_question_en", "string", "評価の問い（英語）", "Evaluation question (English)"),
)
STEP_COLUMNS = (
    CODE,
    ORDER,
    C("character", "string", "文字", "Character"),
    C("reading", "string", "読み", "Reading"),
    NAME,
    NAME_EN,
    C("headline", "string", "見出し", "Headline"),
    C("explanation", "string", "説明", "Explanation"),
)
TIER_COLUMNS = (CODE, ORDER, NAME, NAME_EN, C("explanation", "string", "説明", "Explanation"))
FORM_COLUMNS = (
    CODE,
    ORDER,
    NAME,
    NAME_EN,
    C("description", "string", "説明", "Description"),
    C("requires_city_partner", "boolean", "市の担当課が必要", "Requires a city department"),
)
FIELD_COLUMNS = (CODE, ORDER, NAME, NAME_EN)
ACTOR_TYPE_COLUMNS = (
    CODE,
    ORDER,
    NAME,
    NAME_EN,
    C("description", "string", "説明", "Description"),
    C("is_government", "boolean", "行政か", "Is the city"),
)
EVALUATION_ITEM_COLUMNS = (
    CODE,
    ORDER,
    NAME,
    NAME_EN,
    C("question", "string", "問い", "Question"),
    C(
        "principle",
        "string",
        "対応する原則のコード",
        "Code of the related principle",
        "principles.code を参照",
        "Refers to principles.code",
    ),
)
RUBRIC_COLUMNS = (
    CODE,
    ORDER,
    NAME,
    NAME_EN,
    C("description", "string", "説明", "Description"),
    C("max_score", "integer", "満点", "Maximum score"),
    C("weight", "integer", "重み", "Weight"),
    C(
        "principle",
        "string",
        "対応する原則のコード",
        "Code of the related principle",
        "principles.code を参照",
        "Refers to principles.code",
    ),
)
ORG_TYPE_COLUMNS = (
    CODE,
    ORDER,
    NAME,
    NAME_EN,
    C(
        "actor_type",
        "string",
        "協働の主体のコード",
        "Actor type code",
        "actor_types.code を参照",
        "Refers to actor_types.code",
    ),
    C("report_category", "string", "実施状況報告での区分", "Category in the annual report"),
)
DISTRICT_COLUMNS = (CODE, ORDER, NAME, NAME_EN, C("kana", "string", "よみがな", "Kana"))
SNAPSHOT_COLUMNS = (
    C(
        "district",
        "string",
        "地区のコード",
        "District code",
        "districts.code を参照",
        "Refers to districts.code",
    ),
    C("as_of", "date", "時点", "As of"),
    C("households", "integer", "世帯数", "Households"),
    C("population", "integer", "人口", "Population"),
    C("aging_rate", "number", "高齢化率（%）", "Aging rate (%)"),
    C("source", "string", "出典", "Source"),
)
ORGANIZATION_COLUMNS = (
    C(
        "id",
        "integer",
        "ID",
        "ID",
        "API の /organizations/{id} と同じ",
        "Same as /organizations/{id} in the API",
    ),
    NAME,
    C("kana", "string", "よみがな", "Name in kana"),
    C(
        "type",
        "string",
        "種類のコード",
        "Organization type code",
        "organization_types.code を参照",
        "Refers to organization_types.code",
    ),
    C(
        "actor_type",
        "string",
        "協働の主体のコード",
        "Actor type code",
        "actor_types.code を参照",
        "Refers to actor_types.code",
    ),
    C("legal_personality", "string", "法人格", "Legal personality"),
    C("description", "string", "団体の紹介", "Description"),
    C("member_count", "integer", "会員数", "Number of members"),
    C("founded_year", "integer", "設立年", "Year founded"),
    C(
        "fields",
        "list",
        "活動分野のコード",
        "Field codes",
        "fields.code を ; で区切ったもの",
        "fields.code separated by ;",
    ),
    C(
        "districts",
        "list",
        "活動地区のコード",
        "District codes",
        "districts.code を ; で区切ったもの",
        "districts.code separated by ;",
    ),
    C("website", "string", "ウェブサイト", "Website"),
    C(
        "public_email",
        "string",
        "公開用メールアドレス",
        "Public e-mail",
        "団体が公開している連絡先",
        "The contact the organization publishes",
    ),
    C("public_phone", "string", "公開用電話番号", "Public phone"),
    C("based_in_city", "boolean", "市内に拠点がある", "Based in the city"),
    C(
        "registration_status",
        "string",
        "登録の状態",
        "Registration status",
        "provisional=仮登録, verified=市が確認済み, expired=期限切れ",
        "provisional, verified (by the city), expired",
    ),
    C("verified_at", "datetime", "市が確認した日時", "Verified at"),
    C("created_at", "datetime", "登録日時", "Registered at"),
)


def _districts_with_snapshots() -> Iterator[dict[str, Any]]:
    names = [c.name for c in DISTRICT_COLUMNS]
    yield from _values(g.District.objects.order_by("order", "id"), names)


def _snapshots() -> Iterator[dict[str, Any]]:
    rows = g.DistrictSnapshot.objects.select_related("district").order_by(
        "district__order", "as_of", "id"
    )
    for s in rows.iterator(chunk_size=2000):
        yield {
            "district": s.district.code,
            "as_of": s.as_of,
            "households": s.households,
            "population": s.population,
            "aging_rate": s.aging_rate,
            "source": s.source,
        }


def _with_principle(
    model: Any, columns: tuple[Column, ...]
) -> Callable[[], Iterable[dict[str, Any]]]:
    def rows() -> Iterator[dict[str, Any]]:
        names = [c.name for c in columns if c.name != "principle"]
        for row in (
            model.objects.order_by("order", "id")
            .values(*names, "principle__code")
            .iterator(chunk_size=2000)
        ):
            row["principle"] = row.pop("principle__code")
            yield row

    return rows


def _org_types() -> Iterator[dict[str, Any]]:
    names = [c.name for c in ORG_TYPE_COLUMNS if c.name != "actor_type"]
    for row in (
        g.OrganizationType.objects.order_by("order", "id")
        .values(*names, "actor_type__code")
        .iterator(chunk_size=2000)
    ):
        row["actor_type"] = row.pop("actor_type__code")
        yield row


def _organizations() -> Iterator[dict[str, Any]]:
    from kyodo.organizations.models import Organization

    queryset = (
        Organization.objects.public()
        .select_related("org_type__actor_type")
        .prefetch_related(
            Prefetch("fields", queryset=g.Field.objects.only("code")),
            Prefetch("districts", queryset=g.District.objects.only("code")),
        )
        .order_by("kana", "id")
    )
    for org in queryset.iterator(chunk_size=2000):
        yield {
            "id": org.pk,
            "name": org.name,
            "kana": org.kana,
            "type": org.org_type.code,
            "actor_type": org.org_type.actor_type.code,
            "legal_personality": org.legal_personality,
            "description": org.description,
            "member_count": org.member_count,
            "founded_year": org.founded_year,
            "fields": sorted(f.code for f in org.fields.all()),
            "districts": sorted(d.code for d in org.districts.all()),
            "website": org.website,
            "public_email": org.public_email,
            "public_phone": org.public_phone,
            "based_in_city": org.based_in_city,
            "registration_status": org.registration_status,
            "verified_at": org.verified_at,
            "created_at": org.created_at,
        }


def datasets() -> list[Dataset]:
    """Every public dataset, in the order of the data dictionary."""
    return [
        Dataset(
            "principles",
            "協働のルール（原則）",
            "Principles of collaboration",
            "協働指針が定める協働の原則",
            "The principles set by the collaboration guideline",
            PRINCIPLE_COLUMNS,
            _plain(g.Principle, PRINCIPLE_COLUMNS, ("number", "id")),
        ),
        Dataset(
            "steps",
            "協働のステップ",
            "Steps of collaboration",
            "協働指針が定める協働のステップ（数と名称は市ごと）",
            "The steps of collaboration",
            STEP_COLUMNS,
            _plain(g.Step, STEP_COLUMNS, ("order", "id")),
        ),
        Dataset(
            "tiers",
            "自助・共助・公助",
            "Self, mutual and public help",
            "課題に誰が取り組むかの区分",
            "Who should act on an issue",
            TIER_COLUMNS,
            _plain(g.Tier, TIER_COLUMNS, ("order", "id")),
        ),
        Dataset(
            "forms",
            "協働の形態",
            "Forms of collaboration",
            "委託、補助・助成、共催、後援など",
            "Commission, subsidy, co-hosting, endorsement …",
            FORM_COLUMNS,
            _plain(g.CollaborationForm, FORM_COLUMNS, ("order", "id")),
        ),
        Dataset(
            "fields",
            "活動分野",
            "Fields of activity",
            "分野の一覧",
            "The fields of activity",
            FIELD_COLUMNS,
            _plain(g.Field, FIELD_COLUMNS, ("order", "id")),
        ),
        Dataset(
            "districts",
            "地区",
            "Districts",
            "市内の地区",
            "The districts of the city",
            DISTRICT_COLUMNS,
            _districts_with_snapshots,
        ),
        Dataset(
            "district_snapshots",
            "地区の世帯数・人口",
            "District figures",
            "地区ごとの世帯数・人口・高齢化率（時点別）",
            "Households, population and aging rate per district, by date",
            SNAPSHOT_COLUMNS,
            _snapshots,
        ),
        Dataset(
            "actor_types",
            "協働の主体",
            "Actors of collaboration",
            "市民、民間団体、事業者、行政",
            "Residents, groups, businesses and the city",
            ACTOR_TYPE_COLUMNS,
            _plain(g.ActorType, ACTOR_TYPE_COLUMNS, ("order", "id")),
        ),
        Dataset(
            "organization_types",
            "団体の種類",
            "Organization types",
            "自治会・町内会、NPO法人、企業、所管課など",
            "Neighbourhood associations, NPOs, companies, departments …",
            ORG_TYPE_COLUMNS,
            _org_types,
        ),
        Dataset(
            "evaluation_items",
            "評価項目",
            "Evaluation items",
            "協働事業の相互評価シートの項目",
            "Items of the mutual evaluation sheet",
            EVALUATION_ITEM_COLUMNS,
            _with_principle(g.EvaluationItem, EVALUATION_ITEM_COLUMNS),
        ),
        Dataset(
            "rubric_criteria",
            "審査基準",
            "Screening criteria",
            "公募の審査で使う基準（既定値）",
            "Default criteria for screening applications",
            RUBRIC_COLUMNS,
            _with_principle(g.RubricCriterion, RUBRIC_COLUMNS),
        ),
        Dataset(
            "organizations",
            "団体",
            "Organizations",
            "登録されている団体と市の担当課（停止中のものを除く）",
            "Registered organizations and city departments (suspended ones excluded)",
            ORGANIZATION_COLUMNS,
            _organizations,
        ),
    ]


# --- Writing -----------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _csv_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return LIST_DELIMITER.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return _json_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return csv_cell(value)


@dataclass
class PackageInfo:
    path: Path
    generated_at: dt.datetime
    size: int = 0
    sha256: str = ""
    rows: dict[str, int] = field(default_factory=dict)


def open_data_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "open-data"


def _field_schema(col: Column) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "name": col.name,
        "type": col.type,
        "title": col.title_ja,
        "title_en": col.title_en,
        "description": col.description_ja,
        "description_en": col.description_en,
    }
    if col.type == "list":
        schema["delimiter"] = LIST_DELIMITER
        schema["itemType"] = "string"
    return schema


def _write_dataset(dataset: Dataset, csv_file: TextIO, json_file: TextIO) -> int:
    names = [c.name for c in dataset.columns]
    writer = csv.writer(csv_file)
    csv_file.write("\ufeff")
    writer.writerow(names)
    json_file.write("[")
    count = 0
    for row in dataset.rows():
        writer.writerow([_csv_value(row.get(n)) for n in names])
        json_file.write(",\n" if count else "\n")
        json_file.write(json.dumps({n: _json_value(row.get(n)) for n in names}, ensure_ascii=False))
        count += 1
    json_file.write("\n]\n" if count else "]\n")
    return count


def _readme(publisher: str, generated_at: dt.datetime, rows: dict[str, int]) -> str:
    lines = [
        f"{publisher} 協働オープンデータ / Open data of collaboration in {publisher}",
        "",
        f"作成日時 / Generated at: {timezone.localtime(generated_at).isoformat()}",
        "",
        "ライセンス / Licence: クリエイティブ・コモンズ 表示 4.0 国際 (CC BY 4.0)",
        f"  {LICENCE['path']}",
        f"  出典を表示すれば、複製・加工・再配布・商用利用ができます。出典の例: 「{publisher} Kyodo オープンデータ」",
        f'  You may copy, adapt and redistribute the data, also commercially, if you credit "{publisher} Kyodo open data".',
        "",
        "中身 / Contents:",
        "  datapackage.json  データ辞書（各列の説明：日本語・英語）/ data dictionary (Japanese and English)",
        "  csv/*.csv         UTF-8 (BOM付き) の CSV。複数の値は ; で区切っています / UTF-8 CSV with BOM; several values are separated by ;",
        "  json/*.json       同じデータの JSON / the same data as JSON",
        "",
    ]
    lines += [f"  {name}: {count:,}" for name, count in rows.items()]
    return "\n".join(lines) + "\n"


def build_package(
    *, now: dt.datetime | None = None, progress: Callable[[str, int], None] | None = None
) -> PackageInfo:
    """Write today's package atomically and update the manifest; keep the last few."""
    from kyodo.guideline.selectors import municipality

    now = now or timezone.now()
    day = timezone.localtime(now).date()
    directory = open_data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    muni = municipality()
    publisher = muni.name if muni else "Kyodo"
    info = PackageInfo(path=directory / f"{PACKAGE_PREFIX}{day.isoformat()}.zip", generated_at=now)
    resources = []
    fd, tmp_zip = tempfile.mkstemp(prefix=".building-", suffix=".zip", dir=directory)
    os.close(fd)
    try:
        with (
            zipfile.ZipFile(tmp_zip, "w", compression=zipfile.ZIP_DEFLATED) as zf,
            tempfile.TemporaryDirectory() as work,
        ):
            for dataset in datasets():
                csv_path = Path(work) / f"{dataset.name}.csv"
                json_path = Path(work) / f"{dataset.name}.json"
                with (
                    open(csv_path, "w", encoding="utf-8", newline="") as cf,
                    open(json_path, "w", encoding="utf-8") as jf,
                ):
                    count = _write_dataset(dataset, cf, jf)
                zf.write(csv_path, f"csv/{dataset.name}.csv")
                zf.write(json_path, f"json/{dataset.name}.json")
                info.rows[dataset.name] = count
                if progress:
                    progress(dataset.name, count)
                resources.append(
                    {
                        "name": dataset.name,
                        "path": f"csv/{dataset.name}.csv",
                        "json_path": f"json/{dataset.name}.json",
                        "format": "csv",
                        "mediatype": "text/csv",
                        "encoding": "utf-8-sig",
                        "title": dataset.title_ja,
                        "title_en": dataset.title_en,
                        "description": dataset.description_ja,
                        "description_en": dataset.description_en,
                        "rows": count,
                        "schema": {"fields": [_field_schema(c) for c in dataset.columns]},
                        "licenses": [LICENCE],
                    }
                )
            package = {
                "profile": "tabular-data-package",
                "name": f"kyodo-{muni.code if muni else 'open-data'}",
                "title": f"{publisher} 協働オープンデータ",
                "title_en": f"Open data of collaboration in {muni.name_en if muni and muni.name_en else publisher}",
                "created": timezone.localtime(now).isoformat(),
                "version": day.isoformat(),
                "licenses": [LICENCE],
                "sources": [{"title": f"{publisher} Kyodo", "path": settings.SITE_URL}],
                "resources": resources,
            }
            zf.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
            zf.writestr("README.txt", _readme(publisher, now, info.rows))
        digest = hashlib.sha256()
        with open(tmp_zip, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        info.sha256 = digest.hexdigest()
        info.size = os.path.getsize(tmp_zip)
        os.chmod(tmp_zip, 0o644)
        os.replace(tmp_zip, info.path)
    finally:
        if os.path.exists(tmp_zip):
            os.unlink(tmp_zip)
    _write_manifest(info)
    _prune(directory)
    return info


def _write_manifest(info: PackageInfo) -> None:
    data = {
        "file": info.path.name,
        "generated_at": info.generated_at.isoformat(),
        "size": info.size,
        "sha256": info.sha256,
        "rows": info.rows,
        "licence": LICENCE,
    }
    tmp = info.path.parent / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, info.path.parent / MANIFEST)


def _prune(directory: Path) -> None:
    for old in package_files()[KEEP_PACKAGES:]:
        old.unlink(missing_ok=True)


def package_files() -> list[Path]:
    """The packages on disk, newest first."""
    directory = open_data_dir()
    if not directory.is_dir():
        return []
    return sorted(
        (p for p in directory.iterdir() if PACKAGE_RE.match(p.name)),
        key=lambda p: p.name,
        reverse=True,
    )


def latest_manifest() -> dict[str, Any] | None:
    path = open_data_dir() / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not PACKAGE_RE.match(str(data.get("file", ""))):
        return None
    if not (open_data_dir() / data["file"]).is_file():
        return None
    return data


def package_path(filename: str) -> Path | None:
    """The path of a published package, or None (also for any name that is not one)."""
    if not PACKAGE_RE.match(filename):
        return None
    path = open_data_dir() / filename
    return path if path.is_file() else None
