"""Organization pages: directory, profile, registration and verification, members,
documents, offers & needs, contact requests and CSV import."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kyodo.accounts.models import User
from kyodo.core import params
from kyodo.core.exports import csv_response, xlsx_response
from kyodo.core.formatting import date_ja
from kyodo.core.pagination import keyset_paginate
from kyodo.core.uploads import serve_upload
from kyodo.organizations import csv_import, selectors, services
from kyodo.organizations.forms import (
    ContactForm,
    DeclarationsForm,
    DirectoryFilterForm,
    DocumentForm,
    HandOverForm,
    ImportForm,
    InviteForm,
    JoinForm,
    LogoForm,
    OfferFilterForm,
    OfferNeedForm,
    OrganizationForm,
    RegisterOrganizationForm,
    ReplyForm,
    RoleForm,
    SuspendForm,
)
from kyodo.organizations.hooks import rendered_sections
from kyodo.organizations.models import (
    Invitation,
    Membership,
    MembershipStatus,
    OfferStatus,
    Organization,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _form_error(form: Any, exc: ValidationError, field: str | None = None) -> None:
    form.add_error(field, exc)


# --- Directory ---------------------------------------------------------------------------------


def _directory_filters(
    request: HttpRequest,
) -> tuple[DirectoryFilterForm, selectors.DirectoryFilters]:
    form = DirectoryFilterForm(request.GET or None)
    filters = selectors.DirectoryFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.DirectoryFilters(
            q=data["q"] or "",
            org_type=data["type"].code if data["type"] else "",
            field=data["field"].code if data["field"] else "",
            district=data["district"].code if data["district"] else "",
            verified=bool(data["verified"]),
        )
    return form, filters


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    form, filters = _directory_filters(request)
    qs = selectors.with_list_relations(selectors.directory_queryset(filters))
    page = keyset_paginate(
        qs, ordering=selectors.DIRECTORY_ORDERING, cursor=request.GET.get("cursor"), page_size=30
    )
    return render(request, "organizations/organization_list.html", {"form": form, "page": page})


@require_safe
def directory_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    _form, filters = _directory_filters(request)
    header = [
        _("ID"),
        _("Name"),
        _("Kana"),
        _("Type"),
        _("Legal personality"),
        _("Registered with the city"),
        _("Fields"),
        _("Districts"),
        _("Members"),
        _("Founded"),
        _("Website"),
        _("Public e-mail"),
        _("Public phone"),
        _("Public address"),
    ]
    rows = selectors.directory_export_rows(filters)
    if fmt == "xlsx":
        return xlsx_response("organizations", header, rows, sheet=_("Organizations"))
    return csv_response("organizations", header, rows)


# --- Organization page ----------------------------------------------------------------------------


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_organization_for(request.user, pk)
    members = selectors.public_members(org)
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "org": org,
            "representative": next((m for m in members if m.role == "representative"), None),
            "officers": [m for m in members if m.role == "officer"],
            "members": members,
            "membership": selectors.membership_of(request.user, org),
            "renewal_problem": services.renewal_problem(org),
            "sections": rendered_sections(request, org),
            "offers": list(
                org.offers_needs.filter(status=OfferStatus.OPEN).order_by("-created_at")[:10]
            ),
        },
    )


@require_safe
def logo(request: HttpRequest, pk: int) -> HttpResponseBase:
    org = selectors.get_organization_for(request.user, pk)
    if not org.logo:
        raise Http404
    return serve_upload(
        org.logo, download_name=f"logo-{org.pk}.{org.logo.name.rsplit('.', 1)[-1]}", inline=True
    )


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.has_perm("organizations.add_organization"):
        raise PermissionDenied
    form = RegisterOrganizationForm(request.POST or None)
    declarations = DeclarationsForm(request.POST or None)
    if request.method == "POST" and form.is_valid() & declarations.is_valid():
        data = form.cleaned_data
        try:
            org = services.register_organization(
                actor=user,
                fields=data.pop("fields"),
                districts=data.pop("districts"),
                declarations=declarations.cleaned_data,
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Your group is provisionally registered. The city will check it and confirm the registration."
                ),
            )
            return redirect("organizations:detail", org.pk)
    return render(
        request,
        "organizations/organization_register.html",
        {"form": form, "declarations": declarations},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.change_organization")
    form = OrganizationForm(request.POST or None, instance=org)
    logo_form = LogoForm()
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        fields, districts = data.pop("fields"), data.pop("districts")
        # The form wrote onto `org`; reload so the service compares against stored data.
        fresh = Organization.objects.select_related("org_type__actor_type").get(pk=org.pk)
        try:
            services.update_organization(
                actor=user, org=fresh, fields=fields, districts=districts, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The profile has been saved."))
            return redirect("organizations:detail", org.pk)
    return render(
        request,
        "organizations/organization_form.html",
        {"form": form, "org": org, "logo_form": logo_form},
    )


@login_required
@require_POST
def upload_logo(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.change_organization")
    form = LogoForm(request.POST, request.FILES)
    if request.POST.get("remove"):
        services.set_logo(actor=user, org=org, upload=None)
        messages.success(request, _("The logo has been removed."))
        return redirect("organizations:edit", org.pk)
    if form.is_valid():
        try:
            services.set_logo(actor=user, org=org, upload=form.cleaned_data["logo"])
        except ValidationError as exc:
            form.add_error("logo", exc)
        else:
            messages.success(request, _("The logo has been saved."))
            return redirect("organizations:edit", org.pk)
    return render(
        request,
        "organizations/organization_form.html",
        {"form": OrganizationForm(instance=org), "org": org, "logo_form": form},
        status=400,
    )


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.verify_organization")
    try:
        services.verify_organization(actor=user, org=org)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, _("%(name)s is now registered with the city.") % {"name": org.name}
        )
    return redirect("organizations:detail", org.pk)


@login_required
@require_http_methods(["GET", "POST"])
def suspend(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.suspend_organization")
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suspend_organization(actor=user, org=org, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The registration has been suspended."))
            return redirect("organizations:detail", org.pk)
    return render(request, "organizations/organization_suspend.html", {"form": form, "org": org})


@login_required
@require_http_methods(["GET", "POST"])
def renew(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.renew_organization")
    problem = services.renewal_problem(org)
    if problem:
        messages.info(request, problem)
        return redirect("organizations:detail", org.pk)
    form = DeclarationsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.renew_registration(actor=user, org=org, declarations=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The registration has been renewed. It is valid until %(date)s.")
                % {"date": date_ja(org.registration_expires_on)},
            )
            return redirect("organizations:detail", org.pk)
    return render(request, "organizations/organization_renew.html", {"form": form, "org": org})


@login_required
@require_safe
def pending(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.has_perm("organizations.review_organization"):
        raise PermissionDenied
    page = keyset_paginate(
        selectors.pending_registrations(),
        ordering=("kana", "id"),
        cursor=request.GET.get("cursor"),
        page_size=30,
    )
    return render(request, "organizations/organization_pending.html", {"page": page})


# --- Members -----------------------------------------------------------------------------------


@login_required
@require_safe
def members(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.view_membership")
    rows = selectors.management_memberships(org)
    invitations = [
        i
        for i in Invitation.objects.filter(organization=org).order_by("-created_at")[:50]
        if i.is_open
    ]
    return render(
        request,
        "organizations/membership_list.html",
        {
            "org": org,
            "active": rows["active"],
            "requested": rows["requested"],
            "invitations": invitations,
            "invite_form": InviteForm(),
            "can_change": user.has_perm("organizations.change_membership", org),
            "role_form": RoleForm,
        },
    )


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.change_membership")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.invite_member(
                actor=user,
                org=org,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The invitation has been sent."))
    else:
        messages.error(request, _("Enter a valid e-mail address."))
    return redirect("organizations:members", org.pk)


def _membership(org: Organization, membership_pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organization"),
        pk=membership_pk,
        organization=org,
    )


@login_required
@require_POST
def membership_action(
    request: HttpRequest, pk: int, membership_pk: int, action: str
) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.change_membership")
    membership = _membership(org, membership_pk)
    try:
        if action in ("approve", "decline"):
            services.decide_join_request(
                actor=user, membership=membership, approve=action == "approve"
            )
        elif action == "remove":
            services.remove_member(actor=user, membership=membership)
        elif action == "role":
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a role."))
            services.change_member_role(
                actor=user,
                membership=membership,
                role=form.cleaned_data["role"],
                title=form.cleaned_data["title"],
            )
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Saved."))
    return redirect("organizations:members", org.pk)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.change_membership")
    invitation = get_object_or_404(Invitation, pk=invitation_pk, organization=org)
    services.revoke_invitation(actor=user, invitation=invitation)
    messages.success(request, _("The invitation has been withdrawn."))
    return redirect("organizations:members", org.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    user = _user(request)
    try:
        invitation = services.get_invitation(token)
    except ValidationError as exc:
        return render(
            request,
            "organizations/invitation_accept.html",
            {"error": exc.messages[0], "invitation": None},
            status=400,
        )
    if request.method == "POST":
        try:
            services.accept_invitation(actor=user, token=token)
        except ValidationError as exc:
            return render(
                request,
                "organizations/invitation_accept.html",
                {"error": exc.messages[0], "invitation": invitation},
                status=400,
            )
        messages.success(
            request, _("You are now a member of %(org)s.") % {"org": invitation.organization.name}
        )
        return redirect("organizations:detail", invitation.organization_id)
    return render(
        request, "organizations/invitation_accept.html", {"error": "", "invitation": invitation}
    )


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.join_organization")
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_to_join(actor=user, org=org, message=form.cleaned_data["message"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Your request has been sent. The group will answer it."))
        return redirect("organizations:detail", org.pk)
    return render(request, "organizations/organization_join.html", {"form": form, "org": org})


@login_required
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.leave_organization")
    membership = get_object_or_404(
        Membership, user=user, organization=org, status=MembershipStatus.ACTIVE
    )
    try:
        services.remove_member(actor=user, membership=membership)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("You have left %(org)s.") % {"org": org.name})
    return redirect("organizations:detail", org.pk)


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.handover_organization")
    candidates = [
        m for m in selectors.management_memberships(org)["active"] if m.role != "representative"
    ]
    form = HandOverForm(request.POST or None, members=candidates)
    if request.method == "POST" and form.is_valid():
        to_user = next(m.user for m in candidates if str(m.user_id) == form.cleaned_data["member"])
        try:
            services.hand_over_representative(actor=user, org=org, to_user=to_user)
        except ValidationError as exc:
            form.add_error("member", exc)
        else:
            messages.success(
                request, _("%(name)s is now the representative.") % {"name": to_user.public_name}
            )
            return redirect("organizations:detail", org.pk)
    return render(
        request,
        "organizations/organization_handover.html",
        {"form": form, "org": org, "candidates": candidates},
    )


# --- Documents ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_for(user, pk)
    if not user.has_perm("organizations.view_organizationdocument", org):
        raise Http404  # the documents' existence is private too
    can_add = user.has_perm("organizations.add_organizationdocument", org)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.add_document(
                    actor=user,
                    org=org,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(request, _("The document has been saved."))
                return redirect("organizations:documents", org.pk)
    return render(
        request,
        "organizations/organizationdocument_list.html",
        {
            "org": org,
            "documents": selectors.documents_of(org),
            "form": form,
            "can_add": can_add,
        },
    )


@login_required
@require_safe
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponseBase:
    doc = selectors.get_document_for(request.user, pk, doc_pk)
    return serve_upload(doc.file, download_name=doc.original_name, private=True)


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    user = _user(request)
    doc = selectors.get_document_for(user, pk, doc_pk)
    services.delete_document(actor=user, document=doc)
    messages.success(request, _("The document has been deleted."))
    return redirect("organizations:documents", pk)


# --- Offers & needs ---------------------------------------------------------------------------


@require_safe
def offer_list(request: HttpRequest) -> HttpResponse:
    form = OfferFilterForm(request.GET or None)
    filters = selectors.OfferFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.OfferFilters(
            kind=d["kind"],
            category=d["category"],
            q=d["q"] or "",
            field=d["field"].code if d["field"] else "",
            district=d["district"].code if d["district"] else "",
        )
    page = keyset_paginate(
        selectors.offer_list_queryset(filters),
        ordering=("-created_at", "-id"),
        cursor=request.GET.get("cursor"),
        page_size=20,
    )
    return render(request, "organizations/offerneed_list.html", {"form": form, "page": page})


@require_safe
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.get_offer_for(request.user, pk)
    can_change = request.user.has_perm("organizations.change_offerneed", offer)
    return render(
        request,
        "organizations/offerneed_detail.html",
        {
            "offer": offer,
            "can_change": can_change,
            "matches": selectors.suggest_matches(offer) if offer.is_open else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.add_offerneed")
    form = OfferNeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offer = services.create_offer_need(actor=user, org=org, **form.cleaned_data)
        messages.success(request, _("Your post is published."))
        return redirect("organizations:offer-detail", offer.pk)
    return render(
        request, "organizations/offerneed_form.html", {"form": form, "org": org, "offer": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    offer = selectors.get_offer_for(user, pk)
    if not user.has_perm("organizations.change_offerneed", offer):
        raise PermissionDenied
    form = OfferNeedForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.update_offer_need(actor=user, offer=selectors.get_offer_for(user, pk), **data)
        messages.success(request, _("Your post has been saved."))
        return redirect("organizations:offer-detail", offer.pk)
    return render(
        request,
        "organizations/offerneed_form.html",
        {"form": form, "org": offer.organization, "offer": offer},
    )


@login_required
@require_POST
def offer_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    offer = selectors.get_offer_for(user, pk)
    status = request.POST.get("status")
    if status not in OfferStatus.values:
        raise Http404
    services.set_offer_status(actor=user, offer=offer, status=status)
    messages.success(
        request,
        _("Your post is closed.")
        if status == OfferStatus.CLOSED
        else _("Your post is open again."),
    )
    return redirect("organizations:offer-detail", offer.pk)


# --- Contact requests -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = selectors.get_organization_to_act(user, pk, "organizations.add_contactrequest")
    offer = None
    offer_id = params.pk(request.POST, "offer") or params.pk(request.GET, "offer")
    if offer_id:
        offer = selectors.get_offer_for(user, offer_id)
    mine = [o for o in selectors.managed_organizations(user) if o.pk != org.pk]
    initial = {"subject": _("About 「%(title)s」") % {"title": offer.title}} if offer else {}
    form = ContactForm(request.POST or None, organizations=mine, initial=initial)
    if request.method == "POST" and form.is_valid():
        from_id = form.cleaned_data["from_organization"]
        from_org = next((o for o in mine if str(o.pk) == from_id), None)
        try:
            sent = services.send_contact_request(
                actor=user,
                to_org=org,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                offer_need=offer,
                from_org=from_org,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Your message has been sent. Replies will appear here and in your notifications."
                ),
            )
            return redirect("organizations:contact-detail", sent.pk)
    return render(
        request,
        "organizations/contactrequest_form.html",
        {"form": form, "org": org, "offer": offer},
    )


@login_required
@require_safe
def contact_inbox(request: HttpRequest) -> HttpResponse:
    page = keyset_paginate(
        selectors.contact_inbox(request.user),
        ordering=("-updated_at", "-id"),
        cursor=request.GET.get("cursor"),
        page_size=20,
    )
    return render(request, "organizations/contactrequest_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contact_request = selectors.get_contact_for(user, pk)
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("close"):
            services.close_contact_request(actor=user, contact=contact_request)
            messages.success(request, _("The conversation is closed."))
            return redirect("organizations:contact-detail", pk)
        if form.is_valid():
            try:
                services.reply_to_contact_request(
                    actor=user, contact=contact_request, body=form.cleaned_data["body"]
                )
            except ValidationError as exc:
                form.add_error("body", exc)
            else:
                messages.success(request, _("Your reply has been sent."))
                return redirect("organizations:contact-detail", pk)
    return render(
        request,
        "organizations/contactrequest_detail.html",
        {
            "contact": contact_request,
            "form": form,
            "can_reply": user.has_perm("organizations.reply_contactrequest", contact_request),
        },
    )


# --- CSV import ---------------------------------------------------------------------------------

_IMPORT_SESSION_KEY = "organizations_import_file"


@login_required
@require_http_methods(["GET", "POST"])
def import_csv(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.has_perm("organizations.import_organization"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and "confirm" in request.POST:
        path = request.session.get(_IMPORT_SESSION_KEY)
        if not path or not default_storage.exists(path):
            messages.error(request, _("Please upload the file again."))
            return redirect("organizations:import")
        with default_storage.open(path, "rb") as handle:
            parsed = csv_import.parse_organizations_csv(handle.read())
        valid_only = request.POST.get("confirm") == "valid-only"
        try:
            created = csv_import.import_organizations(
                actor=user, parsed=parsed, valid_only=valid_only
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            result = parsed
        else:
            default_storage.delete(path)
            request.session.pop(_IMPORT_SESSION_KEY, None)
            messages.success(
                request, _("%(n)s organizations have been imported.") % {"n": len(created)}
            )
            return redirect(reverse("organizations:directory"))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        result = csv_import.parse_organizations_csv(data)
        old = request.session.get(_IMPORT_SESSION_KEY)
        if old and default_storage.exists(old):
            default_storage.delete(old)
        request.session[_IMPORT_SESSION_KEY] = default_storage.save(
            f"imports/{uuid.uuid4().hex}.csv", ContentFile(data)
        )
    return render(
        request,
        "organizations/organization_import.html",
        {
            "form": form,
            "result": result,
            "columns": [names[0] for names in csv_import.COLUMNS.values()],
        },
    )
