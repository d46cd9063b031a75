"""Which objects become search documents, and who may see them.

One provider per model label. A provider turns one object into DocumentData (or None:
"not searchable now", e.g. a draft or hidden item, which removes it from the index) and
gives the queryset that `reindex` walks. Models of other apps are looked up by label with
django.apps.apps.get_model, so a provider whose app has no such model yet stays inactive.

Visibility keys (SearchDocument.visibility): "public"; "org:<id>" (members of that
organization); "staff" (city staff); "project-partners:<id>" (members of the partner
organizations of a project). `visibility_keys_for(user)` lists the keys a person holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kyodo.core.formatting import fiscal_year_of
from kyodo.search.indexing import DocumentData
from kyodo.search.models import DocType

PUBLIC = "public"
STAFF = "staff"


@dataclass(frozen=True)
class Provider:
    model_label: str
    doc_type: str
    build: Callable[[Any], DocumentData | None]
    # The queryset `reindex` walks (select_related/prefetch_related for speed).
    queryset: Callable[[type[models.Model]], models.QuerySet[Any]]

    @property
    def model(self) -> type[models.Model] | None:
        try:
            return apps.get_model(self.model_label)
        except LookupError:
            return None


_providers: dict[str, Provider] = {}
# Changes to these models re-index other objects (e.g. an agreement version → its agreement).
_dependents: dict[str, Callable[[Any], Iterable[models.Model]]] = {}
_key_sources: list[Callable[[Any], Iterable[str]]] = []


def provider(model_label: str, doc_type: str, *, queryset: Callable[[Any], Any] | None = None):  # type: ignore[no-untyped-def]
    def wrap(build: Callable[[Any], DocumentData | None]) -> Callable[[Any], DocumentData | None]:
        _providers[model_label] = Provider(
            model_label, doc_type, build, queryset or (lambda model: model._default_manager.all())
        )
        return build

    return wrap


def dependent(model_label: str):  # type: ignore[no-untyped-def]
    def wrap(
        fn: Callable[[Any], Iterable[models.Model]],
    ) -> Callable[[Any], Iterable[models.Model]]:
        _dependents[model_label] = fn
        return fn

    return wrap


def key_source(fn: Callable[[Any], Iterable[str]]) -> Callable[[Any], Iterable[str]]:
    _key_sources.append(fn)
    return fn


def provider_for(instance: models.Model) -> Provider | None:
    return _providers.get(instance._meta.label)


def dependents_of(instance: models.Model) -> list[models.Model]:
    fn = _dependents.get(instance._meta.label)
    return list(fn(instance)) if fn else []


def active_providers(doc_types: Iterable[str] | None = None) -> list[Provider]:
    wanted = set(doc_types) if doc_types else None
    return [
        p
        for p in _providers.values()
        if p.model is not None and (wanted is None or p.doc_type in wanted)
    ]


def visibility_keys_for(user: Any) -> set[str]:
    from kyodo.organizations.predicates import active_memberships

    keys = {PUBLIC}
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return keys
    keys.add(f"user:{user.pk}")
    for membership in active_memberships(user):
        keys.add(f"org:{membership.organization_id}")
        if membership.organization.org_type.actor_type.is_government:
            keys.add(STAFF)
    for source in _key_sources:
        keys.update(source(user))
    return keys


# --- helpers --------------------------------------------------------------------------------


def _url(names: Iterable[str], *args: Any, fallback: tuple[str, int]) -> str:
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    # The owning app has no detail page under a known name yet: resolve at click time.
    return reverse("search:go", args=fallback)


def _codes(manager: Any) -> list[str]:
    try:
        return [obj.code for obj in manager.all()]
    except (AttributeError, ValueError):
        return []


def _code(obj: Any) -> list[str]:
    return [obj.code] if obj is not None and getattr(obj, "code", None) else []


def _text(*parts: Any) -> str:
    return "\n".join(str(p) for p in parts if p)


def _date(*values: Any) -> dt.datetime:
    for value in values:
        if value:
            return value  # type: ignore[no-any-return]
    return timezone.now()


def _fy(value: Any) -> int | None:
    return fiscal_year_of(value) if value else None


# --- organizations ----------------------------------------------------------------------------


@provider(
    "organizations.Organization",
    DocType.ORGANIZATION,
    queryset=lambda m: m.objects.select_related("org_type").prefetch_related("fields", "districts"),
)
def organization_document(org: Any) -> DocumentData | None:
    suspended = org.registration_status == "suspended"
    return DocumentData(
        doc_type=DocType.ORGANIZATION,
        object_id=org.pk,
        title=org.name,
        body=_text(
            org.kana, org.org_type.name, org.legal_personality, org.description, org.public_address
        ),
        url=_url(
            ["organizations:organization-detail", "organizations:detail"],
            org.pk,
            fallback=(DocType.ORGANIZATION, org.pk),
        ),
        date=_date(org.updated_at, org.created_at),
        district_codes=_codes(org.districts),
        field_codes=_codes(org.fields),
        status=org.registration_status,
        visibility=(f"org:{org.pk}", STAFF) if suspended else (PUBLIC,),
    )


@provider(
    "organizations.OfferNeed",
    DocType.OFFER_NEED,
    queryset=lambda m: m.objects.select_related("organization").prefetch_related(
        "fields", "districts"
    ),
)
def offer_need_document(item: Any) -> DocumentData | None:
    if item.organization.registration_status == "suspended":
        return None
    return DocumentData(
        doc_type=DocType.OFFER_NEED,
        object_id=item.pk,
        title=item.title,
        body=_text(item.body, item.organization.name),
        url=_url(
            [
                "organizations:offer-detail",
                "organizations:offer_need_detail",
                "organizations:offerneed-detail",
            ],
            item.pk,
            fallback=(DocType.OFFER_NEED, item.pk),
        ),
        date=_date(item.updated_at, item.created_at),
        district_codes=_codes(item.districts),
        field_codes=_codes(item.fields),
        fiscal_year=_fy(item.created_at),
        status=item.status,
    )


@dependent("organizations.Organization")
def _organization_dependents(org: Any) -> Iterable[models.Model]:
    # An organization's name appears in its offers and needs.
    return list(org.offers_needs.all()) if hasattr(org, "offers_needs") else []


# --- challenges -------------------------------------------------------------------------------


@provider(
    "challenges.Issue",
    DocType.ISSUE,
    queryset=lambda m: m.objects.select_related("district", "field"),
)
def issue_document(issue: Any) -> DocumentData | None:
    if getattr(issue, "hidden_at", None):
        return None
    return DocumentData(
        doc_type=DocType.ISSUE,
        object_id=issue.pk,
        title=issue.title,
        body=_text(
            issue.description,
            getattr(issue, "place_description", ""),
            getattr(issue, "official_answer", ""),
        ),
        url=_url(["challenges:issue_detail"], issue.pk, fallback=(DocType.ISSUE, issue.pk)),
        date=_date(getattr(issue, "updated_at", None), issue.created_at),
        district_codes=_code(issue.district),
        field_codes=_code(issue.field),
        fiscal_year=_fy(issue.created_at),
        status=issue.status,
    )


# --- news -------------------------------------------------------------------------------------


@provider(
    "news.NewsItem",
    DocType.NEWS,
    queryset=lambda m: m.objects.select_related("organization", "district"),
)
def news_document(item: Any) -> DocumentData | None:
    if getattr(item, "hidden_at", None):
        return None
    published = item.published_at
    visibility = (
        (PUBLIC,)
        if published and published <= timezone.now()
        else (f"org:{item.organization_id}", STAFF)
    )
    return DocumentData(
        doc_type=DocType.NEWS,
        object_id=item.pk,
        title=item.title,
        body=_text(item.body, item.organization.name),
        url=_url(
            ["news:item_detail", "news:detail"],
            item.pk,
            fallback=(DocType.NEWS, item.pk),
        ),
        date=_date(published, getattr(item, "updated_at", None)),
        district_codes=_code(item.district),
        fiscal_year=_fy(published),
        status="published" if visibility == (PUBLIC,) else "scheduled",
        visibility=visibility,
    )


# --- projects ---------------------------------------------------------------------------------


def _project_partner_ids(project: Any) -> list[int]:
    try:
        return [p.organization_id for p in project.partners.all()]
    except AttributeError:
        return []


@provider(
    "projects.Project",
    DocType.PROJECT,
    # partners with their organization in one JOIN: "partners__organization" makes Django 5.2
    # prefetch the organizations with an OR per id, which SQLite refuses beyond 1,000 distinct
    # organizations (scale-10 data: "Expression tree is too large").
    queryset=lambda m: m.objects.prefetch_related(
        "fields",
        "districts",
        models.Prefetch(
            "partners",
            queryset=apps.get_model("projects", "ProjectPartner").objects.select_related(
                "organization"
            ),
        ),
    ),
)
def project_document(project: Any) -> DocumentData | None:
    # Drafts and consultations are private to the partners and the city (the public sees a
    # project once its agreement is being drafted).
    private_states = {"draft", "consultation"}
    partners = (
        [p.organization for p in project.partners.all()] if hasattr(project, "partners") else []
    )
    visibility: tuple[str, ...] = (
        (f"project-partners:{project.pk}", STAFF) if project.status in private_states else (PUBLIC,)
    )
    return DocumentData(
        doc_type=DocType.PROJECT,
        object_id=project.pk,
        title=project.title,
        body=_text(project.purpose, getattr(project, "summary", ""), *[o.name for o in partners]),
        url=_url(
            ["projects:project-detail", "projects:detail", "projects:project_detail"],
            project.pk,
            fallback=(DocType.PROJECT, project.pk),
        ),
        date=_date(project.updated_at, project.created_at),
        district_codes=_codes(project.districts),
        field_codes=_codes(project.fields),
        fiscal_year=_fy(getattr(project, "agreed_at", None) or project.created_at),
        status=project.status,
        visibility=visibility,
    )


@key_source
def _project_partner_keys(user: Any) -> Iterable[str]:
    try:
        partner_model = apps.get_model("projects.ProjectPartner")
    except LookupError:
        return []
    from kyodo.organizations.predicates import organization_ids

    orgs = organization_ids(user)
    if not orgs:
        return []
    ids = partner_model.objects.filter(organization_id__in=orgs).values_list(
        "project_id", flat=True
    )
    return [f"project-partners:{pid}" for pid in set(ids)]


@dependent("projects.ProjectPartner")
def _partner_dependents(partner: Any) -> Iterable[models.Model]:
    return [partner.project]


@provider(
    "projects.Agreement",
    DocType.AGREEMENT,
    queryset=lambda m: m.objects.select_related("project", "signed_version", "current_version"),
)
def agreement_document(agreement: Any) -> DocumentData | None:
    version = getattr(agreement, "signed_version", None) or getattr(
        agreement, "current_version", None
    )
    if version is None:
        return None
    project = agreement.project
    signed = getattr(agreement, "signed_at", None) is not None
    visibility: tuple[str, ...] = (PUBLIC,) if signed else (f"project-partners:{project.pk}", STAFF)
    return DocumentData(
        doc_type=DocType.AGREEMENT,
        object_id=agreement.pk,
        title=f"{project.title} 協定書",
        body=_text(
            version.purpose,
            getattr(version, "cost_note", ""),
            getattr(version, "clause_information", ""),
            getattr(version, "clause_responsibility", ""),
            getattr(version, "clause_results", ""),
        ),
        url=_url(
            ["projects:agreement-detail", "projects:agreement", "projects:agreement_detail"],
            project.pk,
            fallback=(DocType.AGREEMENT, agreement.pk),
        ),
        date=_date(getattr(agreement, "signed_at", None), getattr(version, "created_at", None)),
        fiscal_year=_fy(getattr(version, "period_start", None)),
        status="signed" if signed else "drafting",
        visibility=visibility,
    )


@dependent("projects.AgreementVersion")
def _agreement_version_dependents(version: Any) -> Iterable[models.Model]:
    return [version.agreement]


# --- events -----------------------------------------------------------------------------------


@provider(
    "events.Event",
    DocType.EVENT,
    queryset=lambda m: m.objects.select_related("organization", "district").prefetch_related(
        "fields"
    ),
)
def event_document(event: Any) -> DocumentData | None:
    if event.status == "draft":
        # Exactly who may open a draft (events.view_event): the organising group's managers,
        # or any staff of the organising department. Not plain members, not other departments.
        visibility: tuple[str, ...] = (f"event-organisers:{event.organization_id}",)
    else:
        visibility = (PUBLIC,)
    return DocumentData(
        doc_type=DocType.EVENT,
        object_id=event.pk,
        title=event.title,
        body=_text(
            event.summary,
            event.description,
            getattr(event, "place_name", ""),
            getattr(event, "address", ""),
            event.organization.name,
        ),
        url=_url(["events:detail"], event.pk, fallback=(DocType.EVENT, event.pk)),
        date=_date(getattr(event, "published_at", None), event.created_at),
        district_codes=_code(getattr(event, "district", None)),
        field_codes=_codes(event.fields),
        fiscal_year=_fy(event.starts_at),
        status=event.status,
        visibility=visibility,
    )


@key_source
def _event_organiser_keys(user: Any) -> Iterable[str]:
    try:
        from kyodo.events.rules import organising_organizations
    except ImportError:
        return []
    return [f"event-organisers:{org.pk}" for org in organising_organizations(user)]


# --- calls ------------------------------------------------------------------------------------


@provider("calls.Call", DocType.CALL, queryset=lambda m: m.objects.select_related("department"))
def call_document(call: Any) -> DocumentData | None:
    if call.status == "draft":
        visibility: tuple[str, ...] = (STAFF,)
    else:
        visibility = (PUBLIC,)
    department = getattr(call, "department", None)
    return DocumentData(
        doc_type=DocType.CALL,
        object_id=call.pk,
        title=call.title,
        body=_text(call.summary, department.name if department else ""),
        url=_url(["calls:detail", "calls:call-detail"], call.pk, fallback=(DocType.CALL, call.pk)),
        date=_date(getattr(call, "published_at", None), call.created_at),
        fiscal_year=getattr(call, "fiscal_year", None),
        status=call.status,
        visibility=visibility,
    )


@provider(
    "calls.Decision",
    DocType.DECISION,
    queryset=lambda m: m.objects.select_related("application__call", "application__organization"),
)
def decision_document(decision: Any) -> DocumentData | None:
    # Only published decisions are searchable (the committee's and the city's, with reasons).
    if not getattr(decision, "published_at", None):
        return None
    application = decision.application
    return DocumentData(
        doc_type=DocType.DECISION,
        object_id=decision.pk,
        title=f"{application.title}（{application.organization.name}）",
        body=_text(
            application.call.title,
            decision.get_committee_conclusion_display() if decision.committee_conclusion else "",
            decision.committee_comment,
            decision.committee_conditions,
            decision.get_city_decision_display() if decision.city_decision else "",
            decision.city_reason,
        ),
        url=_url(
            ["calls:application-detail"], application.pk, fallback=(DocType.DECISION, decision.pk)
        ),
        date=decision.published_at,
        fiscal_year=getattr(application.call, "fiscal_year", None),
        status=decision.city_decision or decision.committee_conclusion or "",
    )


@dependent("projects.Project")
def _project_dependents(project: Any) -> Iterable[models.Model]:
    # The projects app reports agreement changes through the project.
    agreement = getattr(project, "agreement", None) if hasattr(project, "agreement") else None
    return [agreement] if agreement is not None else []
