"""The municipality's guideline as data: principles, steps, tiers, forms of collaboration,
fields, districts, actor and organization types, evaluation items and rubric criteria."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Schema

from kyodo.api.errors import error_responses
from kyodo.api.schemas import CodeName, PageQuery, code_name, page_schema, paginate
from kyodo.guideline import models as m

router = Router(tags=["guideline"])


class MunicipalityOut(Schema):
    code: str
    name: str
    name_en: str
    prefecture: str
    population: int | None
    guideline_title: str
    guideline_edition: str
    vision: str
    vision_en: str
    definition: str
    definition_en: str
    contact_department: str
    contact_department_en: str
    data_version: str


class PrincipleOut(Schema):
    code: str
    number: int
    short_name: str
    short_name_en: str
    name: str
    name_en: str
    explanation: str
    explanation_en: str
    evaluation_question: str
    evaluation_question_en: str


class StepOut(Schema):
    code: str
    order: int
    character: str
    reading: str
    name: str
    name_en: str
    headline: str
    headline_en: str
    explanation: str
    explanation_en: str


class TierOut(Schema):
    code: str
    order: int
    name: str
    name_en: str
    explanation: str
    explanation_en: str


class FormOut(Schema):
    code: str
    order: int
    name: str
    name_en: str
    description: str
    description_en: str
    requires_city_partner: bool


class FieldOut(Schema):
    code: str
    order: int
    name: str
    name_en: str


class DistrictSnapshotOut(Schema):
    as_of: dt.date
    households: int | None
    population: int | None
    aging_rate: Decimal | None
    source: str


class DistrictOut(Schema):
    code: str
    order: int
    name: str
    name_en: str
    kana: str
    latest: DistrictSnapshotOut | None


class OrganizationTypeOut(Schema):
    code: str
    order: int
    name: str
    name_en: str
    actor_type: str
    report_category: str


class ActorTypeOut(Schema):
    code: str
    order: int
    name: str
    name_en: str
    description: str
    description_en: str
    is_government: bool
    organization_types: list[CodeName]


class EvaluationItemOut(Schema):
    code: str
    order: int
    name: str
    name_en: str
    question: str
    question_en: str
    principle: str | None


class RubricCriterionOut(Schema):
    code: str
    order: int
    name: str
    name_en: str
    description: str
    max_score: int
    weight: int
    principle: str | None


def _fields(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _schema_names(schema: type[Schema]) -> tuple[str, ...]:
    return tuple(schema.model_fields)


@router.get("/municipality", response={200: MunicipalityOut, **error_responses(404)})
def get_municipality(request: HttpRequest) -> Any:
    """The municipality and its guideline (協働指針)."""
    row = m.Municipality.objects.order_by("id").first()
    if row is None:
        from django.http import Http404

        raise Http404
    return _fields(row, _schema_names(MunicipalityOut))


def _simple_list(model: type[Any], schema: type[Schema], ordering: tuple[str, ...]) -> Any:
    names = _schema_names(schema)

    def view(request: HttpRequest, page: Query[PageQuery]) -> Any:
        return paginate(
            model.objects.all(),
            ordering=ordering,
            cursor=page.cursor,
            limit=page.limit,
            serialize=lambda row: _fields(row, names),
        )

    return view


PrinciplePage = page_schema(PrincipleOut, "PrinciplePage")
StepPage = page_schema(StepOut, "StepPage")
TierPage = page_schema(TierOut, "TierPage")
FormPage = page_schema(FormOut, "FormPage")
FieldPage = page_schema(FieldOut, "FieldPage")
DistrictPage = page_schema(DistrictOut, "DistrictPage")
ActorTypePage = page_schema(ActorTypeOut, "ActorTypePage")
OrganizationTypePage = page_schema(OrganizationTypeOut, "OrganizationTypePage")
EvaluationItemPage = page_schema(EvaluationItemOut, "EvaluationItemPage")
RubricCriterionPage = page_schema(RubricCriterionOut, "RubricCriterionPage")

# Plain reference lists: (path, model, schema, page schema, ordering, summary).
SIMPLE_LISTS = (
    (
        "principles",
        m.Principle,
        PrincipleOut,
        PrinciplePage,
        ("number", "id"),
        "The principles of collaboration (協働のルール)",
    ),
    (
        "steps",
        m.Step,
        StepOut,
        StepPage,
        ("order", "id"),
        "The steps of collaboration (as many as the guideline sets)",
    ),
    (
        "tiers",
        m.Tier,
        TierOut,
        TierPage,
        ("order", "id"),
        "Self, mutual and public help (自助・共助・公助)",
    ),
    (
        "forms",
        m.CollaborationForm,
        FormOut,
        FormPage,
        ("order", "id"),
        "Forms of collaboration (協働の形態)",
    ),
    ("fields", m.Field, FieldOut, FieldPage, ("order", "id"), "Fields of activity (分野)"),
)
for _path, _model, _schema, _page, _ordering, _summary in SIMPLE_LISTS:
    router.add_api_operation(
        f"/{_path}",
        ["GET"],
        _simple_list(_model, _schema, _ordering),
        response={200: _page, **error_responses(422, 429)},
        summary=_summary,
        operation_id=f"list_{_path}",
        url_name=f"list_{_path}",
    )


@router.get("/districts", response={200: DistrictPage, **error_responses(422, 429)})
def list_districts(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Districts (地区) with their latest published figures."""
    queryset = m.District.objects.prefetch_related(
        Prefetch("snapshots", queryset=m.DistrictSnapshot.objects.order_by("-as_of"))
    )

    def serialize(district: m.District) -> dict[str, Any]:
        snapshots = list(district.snapshots.all())
        data = _fields(district, ("code", "order", "name", "name_en", "kana"))
        data["latest"] = (
            _fields(snapshots[0], ("as_of", "households", "population", "aging_rate", "source"))
            if snapshots
            else None
        )
        return data

    return paginate(
        queryset,
        ordering=("order", "id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=serialize,
    )


@router.get("/actor-types", response={200: ActorTypePage, **error_responses(422, 429)})
def list_actor_types(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Actors of collaboration (協働の主体) and the kinds of organization in each."""
    queryset = m.ActorType.objects.prefetch_related("organization_types")

    def serialize(actor: m.ActorType) -> dict[str, Any]:
        data = _fields(
            actor,
            ("code", "order", "name", "name_en", "description", "description_en", "is_government"),
        )
        data["organization_types"] = [code_name(t) for t in actor.organization_types.all()]
        return data

    return paginate(
        queryset,
        ordering=("order", "id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=serialize,
    )


@router.get(
    "/organization-types", response={200: OrganizationTypePage, **error_responses(422, 429)}
)
def list_organization_types(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Kinds of organization (自治会・町内会, NPO法人, 企業, 所管課 …)."""

    def serialize(t: m.OrganizationType) -> dict[str, Any]:
        data = _fields(t, ("code", "order", "name", "name_en", "report_category"))
        data["actor_type"] = t.actor_type.code
        return data

    return paginate(
        m.OrganizationType.objects.select_related("actor_type"),
        ordering=("order", "id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=serialize,
    )


@router.get("/evaluation-items", response={200: EvaluationItemPage, **error_responses(422, 429)})
def list_evaluation_items(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """The items of the mutual evaluation sheet (one per principle, plus others)."""

    def serialize(item: m.EvaluationItem) -> dict[str, Any]:
        data = _fields(item, ("code", "order", "name", "name_en", "question", "question_en"))
        data["principle"] = item.principle.code if item.principle else None
        return data

    return paginate(
        m.EvaluationItem.objects.select_related("principle"),
        ordering=("order", "id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=serialize,
    )


@router.get("/rubric-criteria", response={200: RubricCriterionPage, **error_responses(422, 429)})
def list_rubric_criteria(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """The default screening criteria for calls (審査基準)."""

    def serialize(c: m.RubricCriterion) -> dict[str, Any]:
        data = _fields(
            c, ("code", "order", "name", "name_en", "description", "max_score", "weight")
        )
        data["principle"] = c.principle.code if c.principle else None
        return data

    return paginate(
        m.RubricCriterion.objects.select_related("principle"),
        ordering=("order", "id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=serialize,
    )
