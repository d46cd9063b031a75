"""Reads: the directory, organization pages, offers & needs with matching, contact inbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from kyodo.organizations.models import (
    ContactRequest,
    Membership,
    MembershipRole,
    MembershipStatus,
    OfferKind,
    OfferNeed,
    OfferStatus,
    Organization,
    OrganizationDocument,
    RegistrationStatus,
)
from kyodo.organizations.predicates import organization_ids
from kyodo.organizations.text import bigrams, normalise, overlap

DIRECTORY_ORDERING = ("kana", "id")


@dataclass
class DirectoryFilters:
    q: str = ""
    org_type: str = ""
    field: str = ""
    district: str = ""
    verified: bool = False


def directory_queryset(filters: DirectoryFilters) -> QuerySet[Organization]:
    """Public organizations matching the filters (no ordering, no prefetch)."""
    qs = Organization.objects.public()
    if filters.org_type:
        qs = qs.filter(org_type__code=filters.org_type)
    if filters.field:
        qs = qs.filter(fields__code=filters.field)
    if filters.district:
        qs = qs.filter(districts__code=filters.district)
    if filters.verified:
        qs = qs.filter(registration_status=RegistrationStatus.VERIFIED)
    needle = normalise(filters.q)
    if needle:
        # Until the search engine plugs in: a substring of the normalised text.
        qs = qs.filter(search_text__contains=needle)
    return qs


def with_list_relations(qs: QuerySet[Organization]) -> QuerySet[Organization]:
    return qs.select_related("org_type__actor_type").prefetch_related("fields", "districts")


def get_organization_for(user: Any, pk: int) -> Organization:
    """The organization, if `user` may know it exists (404 otherwise)."""
    org = (
        Organization.objects.select_related("org_type__actor_type", "verified_by")
        .prefetch_related("fields", "districts")
        .filter(pk=pk)
        .first()
    )
    if org is None or not user.has_perm("organizations.view_organization", org):
        raise Http404
    return org


def get_organization_to_act(user: Any, pk: int, perm: str) -> Organization:
    org = get_organization_for(user, pk)
    if not user.has_perm(perm, org):
        raise PermissionDenied
    return org


def public_members(org: Organization) -> list[Membership]:
    """Active members for the public page: public names and roles only."""
    order: dict[str, int] = {
        MembershipRole.REPRESENTATIVE: 0,
        MembershipRole.OFFICER: 1,
        MembershipRole.CLERK: 2,
        MembershipRole.MEMBER: 3,
    }
    rows = list(
        Membership.objects.filter(
            organization=org, status=MembershipStatus.ACTIVE, user__deleted_at__isnull=True
        )
        .select_related("user")
        .only(
            "id",
            "role",
            "title",
            "user__id",
            "user__display_name",
            "user__deleted_at",
            "organization_id",
        )
    )
    rows.sort(key=lambda m: (order.get(m.role, 9), m.id))
    return rows


def representative_of(org: Organization) -> Membership | None:
    return (
        Membership.objects.filter(
            organization=org, status=MembershipStatus.ACTIVE, role=MembershipRole.REPRESENTATIVE
        )
        .select_related("user")
        .first()
    )


def membership_of(user: Any, org: Organization) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, organization=org).first()


def management_memberships(org: Organization) -> dict[str, list[Membership]]:
    rows = Membership.objects.filter(organization=org).select_related("user").order_by("role", "id")
    out: dict[str, list[Membership]] = {"active": [], "requested": []}
    for m in rows:
        if m.status == MembershipStatus.ACTIVE:
            out["active"].append(m)
        elif m.status == MembershipStatus.REQUESTED:
            out["requested"].append(m)
    return out


def documents_of(org: Organization) -> list[OrganizationDocument]:
    return list(OrganizationDocument.objects.filter(organization=org).select_related("uploaded_by"))


def get_document_for(user: Any, org_pk: int, doc_pk: int) -> OrganizationDocument:
    doc = (
        OrganizationDocument.objects.select_related("organization__org_type__actor_type")
        .filter(pk=doc_pk, organization_id=org_pk)
        .first()
    )
    if doc is None or not user.has_perm(
        "organizations.view_organizationdocument", doc.organization
    ):
        raise Http404
    return doc


def pending_registrations() -> QuerySet[Organization]:
    return with_list_relations(
        Organization.objects.groups().filter(
            registration_status__in=[RegistrationStatus.PROVISIONAL, RegistrationStatus.EXPIRED]
        )
    )


def my_memberships(user: Any) -> list[Membership]:
    return list(
        Membership.objects.filter(
            user=user, status__in=[MembershipStatus.ACTIVE, MembershipStatus.REQUESTED]
        )
        .select_related("organization__org_type")
        .order_by("organization__kana", "id")
    )


# --- Offers & needs ----------------------------------------------------------------------


@dataclass
class OfferFilters:
    kind: str = ""
    category: str = ""
    field: str = ""
    district: str = ""
    q: str = ""


def offer_list_queryset(filters: OfferFilters) -> QuerySet[OfferNeed]:
    qs = OfferNeed.objects.filter(status=OfferStatus.OPEN).exclude(
        organization__registration_status=RegistrationStatus.SUSPENDED
    )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.field:
        qs = qs.filter(fields__code=filters.field)
    if filters.district:
        qs = qs.filter(districts__code=filters.district)
    needle = normalise(filters.q)
    if needle:
        qs = qs.filter(search_text__contains=needle)
    return qs.select_related("organization").prefetch_related("fields", "districts")


def get_offer_for(user: Any, pk: int) -> OfferNeed:
    offer = (
        OfferNeed.objects.select_related("organization__org_type__actor_type")
        .prefetch_related("fields", "districts")
        .filter(pk=pk)
        .first()
    )
    if offer is None or not user.has_perm("organizations.view_offerneed", offer):
        raise Http404
    return offer


MATCH_CANDIDATES = 200
MATCH_LIMIT = 5


@dataclass
class Match:
    offer: OfferNeed
    score: float
    shared_fields: list[Any]
    shared_districts: list[Any]


def suggest_matches(offer: OfferNeed, *, limit: int = MATCH_LIMIT) -> list[Match]:
    """Counterparts: open posts of the opposite kind from other organizations that share a
    field or a district, ranked by shared fields, shared districts and text overlap
    (character bigrams). Bounded: at most MATCH_CANDIDATES rows are scored, in 3 queries."""
    field_ids = {f.pk for f in offer.fields.all()}
    district_ids = {d.pk for d in offer.districts.all()}
    opposite = OfferKind.NEED if offer.kind == OfferKind.OFFER else OfferKind.OFFER
    base = (
        OfferNeed.objects.filter(kind=opposite, status=OfferStatus.OPEN)
        .exclude(organization_id=offer.organization_id)
        .exclude(organization__registration_status=RegistrationStatus.SUSPENDED)
    )
    overlap_q = Q(category=offer.category)
    if field_ids:
        overlap_q |= Q(fields__in=field_ids)
    if district_ids:
        overlap_q |= Q(districts__in=district_ids)
    ids = list(
        base.filter(overlap_q)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
        .distinct()[:MATCH_CANDIDATES]
    )
    candidates = (
        OfferNeed.objects.filter(id__in=ids)
        .select_related("organization")
        .prefetch_related("fields", "districts")
    )
    mine = bigrams(f"{offer.title} {offer.body}")
    scored = []
    for cand in candidates:
        shared_f = [f for f in cand.fields.all() if f.pk in field_ids]
        shared_d = [d for d in cand.districts.all() if d.pk in district_ids]
        text = overlap(mine, bigrams(f"{cand.title} {cand.body}"))
        score = (
            2.0 * len(shared_f)
            + 1.0 * len(shared_d)
            + 4.0 * text
            + (1.0 if cand.category == offer.category else 0.0)
        )
        scored.append(Match(cand, round(score, 3), shared_f, shared_d))
    scored.sort(key=lambda m: (-m.score, -m.offer.pk))
    return scored[:limit]


# --- Contact requests -----------------------------------------------------------------------


def contact_inbox(user: Any) -> QuerySet[ContactRequest]:
    """Conversations the user takes part in: sent by them, or to/from a group they manage."""
    managed = organization_ids(
        user, (MembershipRole.REPRESENTATIVE, MembershipRole.OFFICER, MembershipRole.CLERK)
    )
    return (
        ContactRequest.objects.filter(
            Q(sender=user) | Q(to_organization_id__in=managed) | Q(from_organization_id__in=managed)
        )
        .select_related("to_organization", "from_organization", "sender")
        .order_by("-updated_at", "-id")
    )


def get_contact_for(user: Any, pk: int) -> ContactRequest:
    contact = (
        ContactRequest.objects.select_related(
            "to_organization", "from_organization", "sender", "offer_need"
        )
        .prefetch_related(Prefetch("messages", queryset=_messages()))
        .filter(pk=pk)
        .first()
    )
    if contact is None or not user.has_perm("organizations.view_contactrequest", contact):
        raise Http404
    return contact


def _messages() -> QuerySet[Any]:
    from kyodo.organizations.models import ContactMessage

    return ContactMessage.objects.select_related("author").order_by("created_at", "id")


def managed_organizations(user: Any) -> list[Organization]:
    ids = organization_ids(
        user, (MembershipRole.REPRESENTATIVE, MembershipRole.OFFICER, MembershipRole.CLERK)
    )
    return list(Organization.objects.filter(pk__in=ids).order_by("kana", "id"))


# --- Exports -------------------------------------------------------------------------------

EXPORT_HEADER = (
    "id",
    "name",
    "kana",
    "type",
    "legal personality",
    "verified",
    "fields",
    "districts",
    "members",
    "founded",
    "website",
    "public e-mail",
    "public phone",
    "public address",
)


def directory_export_rows(filters: DirectoryFilters) -> Any:
    """Public fields only (never a person's data), streamed in chunks."""
    qs = with_list_relations(directory_queryset(filters)).order_by(*DIRECTORY_ORDERING)
    for org in qs.iterator(chunk_size=500):
        yield [
            org.pk,
            org.name,
            org.kana,
            org.org_type.name,
            org.legal_personality,
            "○" if org.is_verified else "",
            "・".join(f.name for f in org.fields.all()),
            "・".join(d.name for d in org.districts.all()),
            org.member_count,
            org.founded_year,
            org.website,
            org.public_email,
            org.public_phone,
            org.public_address,
        ]
