"""News pages: list, detail, write, edit."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kyodo.accounts.models import User
from kyodo.core.pagination import keyset_paginate
from kyodo.guideline.models import District
from kyodo.news import selectors, services
from kyodo.news.forms import NewsFilterForm, NewsForm


def _actor(request: HttpRequest) -> User:
    """The signed-in person (views that call this are behind login_required)."""
    return cast(User, request.user)


@require_safe
def item_list(request: HttpRequest) -> HttpResponse:
    form = NewsFilterForm(request.GET or None)
    filters = selectors.NewsFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.NewsFilters(
            district=form.cleaned_data["district"] or "", source=form.cleaned_data["source"] or ""
        )
    page = keyset_paginate(
        selectors.news_list(filters),
        ordering=("-published_at", "-id"),
        cursor=request.GET.get("cursor"),
        page_size=20,
    )
    district = District.objects.filter(code=filters.district).first() if filters.district else None
    return render(
        request, "news/newsitem_list.html", {"page": page, "form": form, "district": district}
    )


@require_safe
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_news_for(request.user, pk)
    return render(request, "news/newsitem_detail.html", {"item": item})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("news.add_newsitem"):
        raise PermissionDenied
    form = NewsForm(
        request.POST or None, organizations=selectors.publishable_organizations(request.user)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = services.publish_news(
                actor=_actor(request),
                organization=d["organization"],
                title=d["title"],
                body=d["body"],
                district=d["district"],
            )
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
        else:
            messages.success(request, _("The news was published."))
            return redirect(item)
    return render(request, "news/newsitem_form.html", {"form": form, "item": None})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_news_for(request.user, pk)
    if not request.user.has_perm("news.change_newsitem", item):
        raise PermissionDenied
    form = NewsForm(
        request.POST or None,
        editing=True,
        initial={"title": item.title, "body": item.body, "district": item.district},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = services.update_news(
                actor=_actor(request),
                item=item,
                title=d["title"],
                body=d["body"],
                district=d["district"],
            )
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
        else:
            messages.success(request, _("The news was updated."))
            return redirect(item)
    return render(request, "news/newsitem_form.html", {"form": form, "item": item})
