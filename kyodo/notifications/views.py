"""The inbox, delivery preferences, and the generic follow/unfollow endpoint."""

from __future__ import annotations

import re
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from markupsafe import Markup, escape

from kyodo.accounts.models import User
from kyodo.core.pagination import keyset_paginate
from kyodo.notifications import mailbox, selectors, services
from kyodo.notifications.forms import DeliveryPreferenceForm, FollowForm
from kyodo.notifications.registry import followable


def _actor(request: HttpRequest) -> User:
    """The signed-in person (views that call this are behind login_required)."""
    return cast(User, request.user)


def _safe_next(request: HttpRequest, value: str | None) -> str | None:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


@require_safe
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = keyset_paginate(
        selectors.inbox_for(_actor(request), unread_only=unread_only),
        ordering=("-created_at", "-id"),
        cursor=request.GET.get("cursor"),
        page_size=30,
    )
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(request.user)},
    )


@require_POST
@login_required
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.get_notification_for(_actor(request), pk)
    services.mark_read(actor=_actor(request), notification=notification)
    if request.POST.get("open") and notification.url.startswith("/"):
        return redirect(notification.url)
    return redirect(_safe_next(request, request.POST.get("next")) or "notifications:inbox")


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=_actor(request))
    messages.success(request, _("%(n)s notifications marked as read.") % {"n": count})
    return redirect("notifications:inbox")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = DeliveryPreferenceForm(request.POST)
        if form.is_valid():
            services.set_delivery_preference(
                actor=_actor(request), frequency=form.cleaned_data["frequency"]
            )
            messages.success(request, _("Your e-mail settings were saved."))
            return redirect("notifications:preferences")
    else:
        form = DeliveryPreferenceForm(
            initial={"frequency": selectors.delivery_frequency_for(_actor(request))}
        )
    return render(request, "notifications/preference_form.html", {"form": form})


@require_POST
@login_required
def follow(request: HttpRequest) -> HttpResponse:
    """Follow or unfollow any registered object the person may see (404 otherwise)."""
    if not request.user.has_perm("notifications.follow"):
        raise PermissionDenied
    form = FollowForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("invalid follow request")
    spec = followable(form.cleaned_data["target"])
    if spec is None:
        raise Http404
    try:
        obj = spec.model._default_manager.get(pk=form.cleaned_data["id"])
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if not spec.visible(request.user, obj):
        raise Http404
    if form.cleaned_data["action"] == "follow":
        services.follow(user=_actor(request), target=obj)
        messages.success(
            request, _("You are following this. We will let you know when it changes.")
        )
    else:
        services.unfollow(user=_actor(request), target=obj)
        messages.success(request, _("You no longer follow this."))
    fallback = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "notifications:inbox"
    return redirect(_safe_next(request, form.cleaned_data.get("next")) or fallback)


_URL = re.compile(r"https?://[^\s<>\"]+")


def _linkify(text: str) -> Markup:
    """Plain-text mail with its links made clickable (everything else escaped)."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        href = escape(match.group(0))
        out.append(f'<a href="{href}">{href}</a>')
        last = match.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))  # noqa: S704 (every piece escaped above)


@require_safe
@login_required
def mail_list(request: HttpRequest) -> HttpResponse:
    """Development only (the mailbox e-mail backend): the mail the site sent to this person."""
    if not mailbox.mailbox_enabled():
        raise Http404
    return render(
        request, "notifications/mail_list.html", {"mails": mailbox.mails_for(request.user)}
    )


@require_safe
@login_required
def mail_detail(request: HttpRequest, name: str) -> HttpResponse:
    if not mailbox.mailbox_enabled():
        raise Http404
    mail = mailbox.get_mail_for(request.user, name)
    if mail is None:
        raise Http404
    return render(
        request, "notifications/mail_detail.html", {"mail": mail, "body": _linkify(mail.body)}
    )
