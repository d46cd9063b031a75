"""The city's set-up page for administrators: its departments (add, edit), which one
coordinates collaboration, and links to the liaisons, the district councils and the CSV
import. Writes go through kyodo.organizations.city_setup (rule, lock, audit event)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kyodo.guideline.models import District, OrganizationType
from kyodo.organizations import city_setup
from kyodo.organizations.models import Organization


class DepartmentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the department"), max_length=120)
    kana = forms.CharField(
        label=gettext_lazy("Reading in hiragana"),
        max_length=200,
        help_text=gettext_lazy("Used for sorting."),
    )
    org_type = forms.ModelChoiceField(
        label=gettext_lazy("Type"),
        queryset=OrganizationType.objects.none(),
        empty_label=None,
    )
    description = forms.CharField(
        label=gettext_lazy("What the department does"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    public_phone = forms.CharField(
        label=gettext_lazy("Public phone"), max_length=30, required=False
    )
    public_address = forms.CharField(
        label=gettext_lazy("Public address"), max_length=200, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_type"].queryset = OrganizationType.objects.filter(  # type: ignore[attr-defined]
            actor_type__is_government=True
        ).order_by("order")


def _admin(request: HttpRequest) -> Any:
    user = request.user
    if not user.has_perm("organizations.manage_city_setup"):
        raise PermissionDenied
    return user


def _save(request: HttpRequest, form: DepartmentForm, department: Organization | None) -> Any:
    try:
        return city_setup.save_department(
            actor=request.user, department=department, **form.cleaned_data
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    _admin(request)
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _save(request, form, None):
        messages.success(request, _("The department has been added."))
        return redirect("organizations:city-setup")
    departments = list(
        Organization.objects.departments()
        .select_related("org_type")
        .order_by("-is_coordinating_department", "kana", "id")
    )
    districts = list(District.objects.select_related("council").order_by("order"))
    return render(
        request,
        "organizations/city_setup.html",
        {"form": form, "departments": departments, "districts": districts},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    department = get_object_or_404(Organization.objects.departments(), pk=pk)
    initial = {
        "name": department.name,
        "kana": department.kana,
        "org_type": department.org_type_id,
        "description": department.description,
        "public_phone": department.public_phone,
        "public_address": department.public_address,
    }
    form = DepartmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _save(request, form, department):
        messages.success(request, _("The department has been saved."))
        return redirect("organizations:city-setup")
    return render(
        request, "organizations/city_setup_edit.html", {"form": form, "department": department}
    )


@login_required
@require_POST
def coordinate(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    department = get_object_or_404(Organization.objects.departments(), pk=pk)
    try:
        city_setup.set_coordinating_department(actor=request.user, department=department)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s now coordinates collaboration.") % {"name": department.name},
        )
    return redirect("organizations:city-setup")


@login_required
@require_POST
def council(request: HttpRequest, code: str) -> HttpResponse:
    """Set up the council (地域会議) of a district that has none; it is then managed on the
    district's council page."""
    from kyodo.districts.services import create_council

    user = _admin(request)
    district = get_object_or_404(District, code=code)
    name = (request.POST.get("name") or "").strip()[:100]
    if not name:
        messages.error(request, _("Enter the name of the council."))
        return redirect("organizations:city-setup")
    if hasattr(district, "council"):
        messages.error(request, _("This district has a council already."))
        return redirect("organizations:city-setup")
    create_council(actor=user, district=district, name=name)
    messages.success(request, _("The council has been set up."))
    return redirect("districts:council-manage", district.code)
