"""The organization registry: groups, businesses and the city's departments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from kyodo.api.errors import error_responses
from kyodo.api.schemas import CodeName, PageQuery, code_name, page_schema, paginate
from kyodo.organizations.models import Organization, RegistrationStatus

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    id: int
    name: str
    kana: str
    type: CodeName
    actor_type: str
    is_department: bool
    legal_personality: str
    description: str
    member_count: int | None
    founded_year: int | None
    fields: list[str] = Field(description="codes of /guideline/fields")
    districts: list[str] = Field(description="codes of /guideline/districts")
    website: str
    public_email: str
    public_phone: str
    public_address: str
    based_in_city: bool
    registration_status: str
    verified_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


OrganizationPage = page_schema(OrganizationOut, "OrganizationPage")


class OrganizationFilters(Schema):
    type: str | None = Field(None, description="organization type code, e.g. npo")
    actor_type: str | None = Field(None, description="actor type code")
    district: str | None = Field(None, description="district code")
    field: str | None = Field(None, description="field code")
    verified: bool | None = Field(None, description="only organizations verified by the city")
    q: str | None = Field(None, max_length=100, description="part of the name or kana")


def public_organizations() -> Any:
    return (
        Organization.objects.public()
        .select_related("org_type__actor_type")
        .prefetch_related("fields", "districts")
    )


def organization_out(org: Organization) -> dict[str, Any]:
    return {
        "id": org.pk,
        "name": org.name,
        "kana": org.kana,
        "type": code_name(org.org_type),
        "actor_type": org.org_type.actor_type.code,
        "is_department": org.org_type.actor_type.is_government,
        "legal_personality": org.legal_personality,
        "description": org.description,
        "member_count": org.member_count,
        "founded_year": org.founded_year,
        "fields": [f.code for f in org.fields.all()],
        "districts": [d.code for d in org.districts.all()],
        "website": org.website,
        "public_email": org.public_email,
        "public_phone": org.public_phone,
        "public_address": org.public_address,
        "based_in_city": org.based_in_city,
        "registration_status": org.registration_status,
        "verified_at": org.verified_at,
        "created_at": org.created_at,
        "updated_at": org.updated_at,
    }


@router.get("", response={200: OrganizationPage, **error_responses(422, 429)})
def list_organizations(
    request: HttpRequest, filters: Query[OrganizationFilters], page: Query[PageQuery]
) -> Any:
    """Registered organizations in kana order (suspended ones are not listed)."""
    queryset = public_organizations()
    if filters.type:
        queryset = queryset.filter(org_type__code=filters.type)
    if filters.actor_type:
        queryset = queryset.filter(org_type__actor_type__code=filters.actor_type)
    if filters.district:
        queryset = queryset.filter(districts__code=filters.district)
    if filters.field:
        queryset = queryset.filter(fields__code=filters.field)
    if filters.verified is True:
        queryset = queryset.filter(registration_status=RegistrationStatus.VERIFIED)
    elif filters.verified is False:
        queryset = queryset.exclude(registration_status=RegistrationStatus.VERIFIED)
    if filters.q:
        from django.db.models import Q

        queryset = queryset.filter(Q(name__icontains=filters.q) | Q(kana__icontains=filters.q))
    return paginate(
        queryset,
        ordering=("kana", "id"),
        cursor=page.cursor,
        limit=page.limit,
        serialize=organization_out,
    )


@router.get("/{organization_id}", response={200: OrganizationOut, **error_responses(404, 429)})
def get_organization(request: HttpRequest, organization_id: int) -> Any:
    """One organization."""
    return organization_out(get_object_or_404(public_organizations(), pk=organization_id))
