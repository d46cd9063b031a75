"""Reference datasets: the guideline as data (principles, steps, tiers, forms, fields, districts,
actor and organization types, evaluation items, rubric) and the registered organizations."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Prefetch

from kyodo.api.opendata.schema import (
    CODE,
    NAME,
    NAME_EN,
    ORDER,
    C,
    Column,
    Dataset,
    _plain,
    _values,
)
from kyodo.guideline import models as g

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


def reference_datasets() -> list[Dataset]:
    """The guideline's reference lists and the organizations, in the order of the dictionary."""
    return [
        Dataset(
            "principles",
            "協働のルール（原則）",
            "Principles of collaboration",
            "協働指針が定める協働の原則",
            "The principles set by the collaboration guideline",
            PRINCIPLE_COLUMNS,
            _plain(g.Principle, PRINCIPLE_COLUMNS, ("number", "id")),
            key=("code",),
            group="reference",
        ),
        Dataset(
            "steps",
            "協働のステップ",
            "Steps of collaboration",
            "協働指針が定める協働のステップ（数と名称は市ごと）",
            "The steps of collaboration",
            STEP_COLUMNS,
            _plain(g.Step, STEP_COLUMNS, ("order", "id")),
            key=("code",),
            group="reference",
        ),
        Dataset(
            "tiers",
            "自助・共助・公助",
            "Self, mutual and public help",
            "課題に誰が取り組むかの区分",
            "Who should act on an issue",
            TIER_COLUMNS,
            _plain(g.Tier, TIER_COLUMNS, ("order", "id")),
            key=("code",),
            group="reference",
        ),
        Dataset(
            "forms",
            "協働の形態",
            "Forms of collaboration",
            "委託、補助・助成、共催、後援など",
            "Commission, subsidy, co-hosting, endorsement …",
            FORM_COLUMNS,
            _plain(g.CollaborationForm, FORM_COLUMNS, ("order", "id")),
            key=("code",),
            group="reference",
        ),
        Dataset(
            "fields",
            "活動分野",
            "Fields of activity",
            "分野の一覧",
            "The fields of activity",
            FIELD_COLUMNS,
            _plain(g.Field, FIELD_COLUMNS, ("order", "id")),
            key=("code",),
            group="reference",
        ),
        Dataset(
            "districts",
            "地区",
            "Districts",
            "市内の地区",
            "The districts of the city",
            DISTRICT_COLUMNS,
            _districts_with_snapshots,
            key=("code",),
            group="reference",
        ),
        Dataset(
            "district_snapshots",
            "地区の世帯数・人口",
            "District figures",
            "地区ごとの世帯数・人口・高齢化率（時点別）",
            "Households, population and aging rate per district, by date",
            SNAPSHOT_COLUMNS,
            _snapshots,
            key=("district", "as_of"),
            group="reference",
        ),
        Dataset(
            "actor_types",
            "協働の主体",
            "Actors of collaboration",
            "市民、民間団体、事業者、行政",
            "Residents, groups, businesses and the city",
            ACTOR_TYPE_COLUMNS,
            _plain(g.ActorType, ACTOR_TYPE_COLUMNS, ("order", "id")),
            key=("code",),
            group="reference",
        ),
        Dataset(
            "organization_types",
            "団体の種類",
            "Organization types",
            "自治会・町内会、NPO法人、企業、所管課など",
            "Neighbourhood associations, NPOs, companies, departments …",
            ORG_TYPE_COLUMNS,
            _org_types,
            key=("code",),
            group="reference",
        ),
        Dataset(
            "evaluation_items",
            "評価項目",
            "Evaluation items",
            "協働事業の相互評価シートの項目",
            "Items of the mutual evaluation sheet",
            EVALUATION_ITEM_COLUMNS,
            _with_principle(g.EvaluationItem, EVALUATION_ITEM_COLUMNS),
            key=("code",),
            group="reference",
        ),
        Dataset(
            "rubric_criteria",
            "審査基準",
            "Screening criteria",
            "公募の審査で使う基準（既定値）",
            "Default criteria for screening applications",
            RUBRIC_COLUMNS,
            _with_principle(g.RubricCriterion, RUBRIC_COLUMNS),
            key=("code",),
            group="reference",
        ),
        Dataset(
            "organizations",
            "団体",
            "Organizations",
            "登録されている団体と市の担当課（停止中のものを除く）",
            "Registered organizations and city departments (suspended ones excluded)",
            ORGANIZATION_COLUMNS,
            _organizations,
            group="reference",
        ),
    ]
