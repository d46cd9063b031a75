"""Pages of the privacy app: the audit log (administrators) and personal-data requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kyodo.privacy.forms import AuditFilterForm, PrivacyRequestForm
from kyodo.privacy.selectors import audit_event_list, privacy_request_list_for
from kyodo.privacy.services import submit_privacy_request


@require_safe
@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("privacy.view_auditevent"):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    page = audit_event_list(form.to_filter(), cursor=request.GET.get("cursor"))
    return render(request, "privacy/auditevent_list.html", {"form": form, "page": page})


@require_safe
@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    requests = list(privacy_request_list_for(request.user)[:100])  # type: ignore[arg-type]
    return render(request, "privacy/privacyrequest_list.html", {"requests": requests})


@require_http_methods(["GET", "POST"])
@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("privacy.add_privacyrequest"):
        raise PermissionDenied
    form = PrivacyRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _obj, created = submit_privacy_request(
                actor=request.user,  # type: ignore[arg-type]
                kind=form.cleaned_data["kind"],
                details=form.cleaned_data["details"],
                submission_token=form.cleaned_data["submission_token"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if created:
                messages.success(request, _("We have received your request."))
            return redirect("privacy:request-list")
    return render(request, "privacy/privacyrequest_form.html", {"form": form})
