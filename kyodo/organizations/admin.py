from django.contrib import admin

from kyodo.organizations.models import (
    ContactRequest,
    Invitation,
    Membership,
    OfferNeed,
    Organization,
    OrganizationDocument,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kana", "org_type", "registration_status", "registration_expires_on"]
    list_filter = ["org_type", "registration_status", "is_coordinating_department"]
    search_fields = ["name", "kana"]
    inlines = [MembershipInline]
    raw_id_fields = ["verified_by", "registered_by"]


@admin.register(OfferNeed)
class OfferNeedAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "kind", "category", "status"]
    list_filter = ["kind", "category", "status"]
    raw_id_fields = ["organization", "created_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["organization", "role", "created_at", "accepted_at", "revoked_at"]
    raw_id_fields = ["organization", "invited_by", "accepted_by"]


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    list_display = ["subject", "to_organization", "status", "created_at"]
    raw_id_fields = ["to_organization", "from_organization", "offer_need", "sender"]


@admin.register(OrganizationDocument)
class OrganizationDocumentAdmin(admin.ModelAdmin):
    list_display = ["organization", "kind", "original_name", "created_at"]
    raw_id_fields = ["organization", "uploaded_by"]
