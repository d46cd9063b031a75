"""Pages for local issues, the theme map and moderation."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kyodo.accounts.models import User
from kyodo.challenges import geo, moderation, selectors, services
from kyodo.challenges.forms import (
    AnswerForm,
    CommentForm,
    HideForm,
    IssueFilterForm,
    IssueForm,
    ReportForm,
    StatusForm,
    TriageForm,
)
from kyodo.challenges.models import ContentReport
from kyodo.challenges.workflow import IssueStatus, targets_for
from kyodo.core import params
from kyodo.core.middleware import PERMISSIONS_POLICY
from kyodo.core.pagination import keyset_paginate
from kyodo.core.uploads import serve_upload
from kyodo.guideline.models import District
from kyodo.organizations.models import OfferNeed


def _actor(request: HttpRequest) -> User:
    """The signed-in person (views that call this are behind login_required)."""
    return cast(User, request.user)


def _form_errors(form: object, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)  # type: ignore[attr-defined]


@require_safe
def issue_list(request: HttpRequest) -> HttpResponse:
    form = IssueFilterForm(request.GET or None)
    filters = selectors.IssueFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.IssueFilters(**{k: v or "" for k, v in form.cleaned_data.items()})
    ordering = selectors.ISSUE_ORDERINGS.get(
        filters.sort or "new", selectors.ISSUE_ORDERINGS["new"]
    )
    page = keyset_paginate(
        selectors.issue_list(filters),
        ordering=ordering,
        cursor=request.GET.get("cursor"),
        page_size=20,
    )
    district = District.objects.filter(code=filters.district).first() if filters.district else None
    map_query = urlencode(
        {
            k: v
            for k, v in (
                ("district", filters.district),
                ("field", filters.field),
                ("status", filters.status),
                ("tier", filters.tier),
            )
            if v
        }
    )
    return render(
        request,
        "challenges/issue_list.html",
        {
            "page": page,
            "form": form,
            "filters": filters,
            "district": district,
            "map_config": geo.map_config(
                "list",
                dataUrl=reverse("challenges:issue_map_data")
                + (f"?{map_query}" if map_query else ""),
                messages={
                    "cluster": _("%(n)s issues around here: select to zoom in"),
                    "inView": _("%(n)s issues with a place in this view of the map"),
                    "failed": _("The map's issues could not be loaded. The list has them all."),
                    "coarsened": _("Shown rounded to about 200 m"),
                },
            ),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def issue_create(request: HttpRequest) -> HttpResponse:
    """Raise an issue. Posting stops once to show open issues that look the same nearby
    (and "Check before posting" shows them and the public point without posting), all on
    the server, so it works without JavaScript."""
    if not request.user.has_perm("challenges.add_issue"):
        raise PermissionDenied
    initial = {}
    district_code = request.GET.get("district")
    if district_code:
        initial["district"] = District.objects.filter(code=district_code).first()
    elif getattr(request.user, "district_id", None):
        initial["district"] = request.user.district  # type: ignore[union-attr]
    form = IssueForm(request.POST or None, request.FILES or None, initial=initial)
    similar: list[selectors.NearbyIssue] = []
    preview: dict[str, object] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lat, lon = data.get("latitude"), data.get("longitude")
        try:
            point = services.checked_point(lat, lon)
        except ValidationError as exc:
            form.add_error("latitude", exc)
            point = None
        if form.is_valid():
            similar = selectors.similar_open_issues(
                title=data["title"],
                district=data["district"],
                lat=point[0] if point else None,
                lon=point[1] if point else None,
            )
            checking = request.POST.get("action") == "preview"
            if checking or (similar and not request.POST.get("similar_seen")):
                public = geo.coarsen(*point) if point and data["near_home"] else point
                preview = {
                    "point": point,
                    "public": public,
                    "coarsened": bool(point and data["near_home"]),
                }
            else:
                try:
                    issue = services.raise_issue(
                        actor=_actor(request),
                        title=data["title"],
                        description=data["description"],
                        district=data["district"],
                        field=data["field"],
                        place_description=data["place_description"],
                        photo=data.get("photo"),
                        photo_alt=data.get("photo_alt", ""),
                        latitude=point[0] if point else None,
                        longitude=point[1] if point else None,
                        near_home=bool(data["near_home"]),
                    )
                except ValidationError as exc:
                    _form_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("Thank you. Your issue was posted; you will be told when it changes."),
                    )
                    return redirect(issue)
    response = render(
        request,
        "challenges/issue_form.html",
        {
            "form": form,
            "similar": similar,
            "preview": preview,
            "map_config": geo.map_config(
                "pick",
                latInput=form["latitude"].auto_id,
                lonInput=form["longitude"].auto_id,
                districtInput=form["district"].auto_id,
                messages={
                    "marker": _("The place of the issue (drag to move)"),
                    "placed": _("Placed at latitude %(lat)s, longitude %(lon)s."),
                    "locating": _("Finding your location…"),
                    "outside": _("Your location is outside the city. Place the marker on the map."),
                    "noLocation": _(
                        "Your location could not be found. Place the marker on the map instead."
                    ),
                },
            ),
            "coarse_metres": geo.COARSE_METRES,
        },
    )
    # The "use my location" button: this page alone may ask for the position.
    response["Permissions-Policy"] = PERMISSIONS_POLICY.replace(
        "geolocation=()", "geolocation=(self)"
    )
    return response


@require_safe
def issue_map_data(request: HttpRequest) -> JsonResponse:
    """The list map's layer (GeoJSON): the list's filters, ?bbox=west,south,east,north and
    ?zoom=; clusters for wide views, issues for close ones. Public points only."""

    # The list's filters, read without the form (whose choices cost three queries): an
    # unknown code simply matches nothing.
    def code(name: str) -> str:
        return (request.GET.get(name) or "")[:50]

    status = code("status")
    filters = selectors.IssueFilters(
        district=code("district"),
        field=code("field"),
        status=status if status in IssueStatus.values else "",
        tier=code("tier"),
    )
    zoom = params.integer(request.GET, "zoom", default=geo.DEFAULT_ZOOM, min_value=0, max_value=30)
    zoom = min(zoom if zoom is not None else geo.DEFAULT_ZOOM, 20)
    bbox = geo.parse_bbox(params.text(request.GET, "bbox", max_length=200))
    if bbox is None:
        bbox = geo.city_map().bbox
    data = selectors.issue_map_data(filters, bbox=bbox, zoom=zoom)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_safe
def district_boundaries(request: HttpRequest) -> JsonResponse:
    """The districts' boundaries from the guideline data (GeoJSON), or 404 if none."""
    data = geo.district_boundaries()
    if data is None:
        raise Http404
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.get_issue_for(request.user, pk)
    context = selectors.issue_page_context(request.user, issue)
    context["comment_form"] = CommentForm()
    return render(request, "challenges/issue_detail.html", context)


@require_safe
def issue_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    issue = selectors.get_issue_for(request.user, pk)
    if issue.is_hidden or not issue.photo:
        raise Http404
    return serve_upload(
        issue.photo,
        download_name=f"issue-{issue.pk}.{issue.photo.name.rsplit('.', 1)[-1]}",
        inline=True,
    )


@require_POST
@login_required
def issue_support(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.get_issue_for(request.user, pk)
    if request.POST.get("action") == "withdraw":
        if services.withdraw_support(actor=_actor(request), issue=issue):
            messages.success(request, _("You withdrew your support."))
    else:
        if not request.user.has_perm("challenges.support_issue", issue):
            raise PermissionDenied
        if services.support_issue(actor=_actor(request), issue=issue):
            messages.success(request, _("You support this issue. Thank you."))
        else:
            messages.info(request, _("You already support this issue."))
    return redirect(issue)


@require_POST
@login_required
def issue_comment(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.get_issue_for(request.user, pk)
    if not request.user.has_perm("challenges.comment_issue", issue):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_on_issue(
                actor=_actor(request), issue=issue, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Your comment was posted."))
            return redirect(comment.get_absolute_url())
    context = selectors.issue_page_context(request.user, issue)
    context["comment_form"] = form
    return render(request, "challenges/issue_detail.html", context, status=400)


@require_POST
@login_required
def issue_link_offer(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.get_issue_for(request.user, pk)
    offer = get_object_or_404(OfferNeed, pk=request.POST.get("offer") or 0)
    try:
        if request.POST.get("action") == "unlink":
            services.unlink_offer(actor=_actor(request), issue=issue, offer=offer)
            messages.success(request, _("The offer was removed from this issue."))
        else:
            services.link_offer(actor=_actor(request), issue=issue, offer=offer)
            messages.success(request, _("Your offer is now shown on this issue."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(issue)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def issue_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Triage, status and the official answer: three forms, one page, one service each."""
    issue = selectors.get_issue_for(request.user, pk)
    if not request.user.has_perm("challenges.triage_issue", issue):
        raise PermissionDenied
    triage_form = TriageForm(
        initial={
            "tier": issue.tier,
            "tier_explanation": issue.tier_explanation,
            "responsible_department": issue.responsible_department,
        }
    )
    status_form = StatusForm(
        allowed=targets_for(issue.status, answered=issue.answered_at is not None)
    )
    answer_form = AnswerForm(initial={"answer": issue.official_answer})
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "triage":
                triage_form = TriageForm(request.POST)
                if triage_form.is_valid():
                    d = triage_form.cleaned_data
                    services.triage_issue(
                        actor=_actor(request),
                        issue=issue,
                        tier=d["tier"],
                        tier_explanation=d["tier_explanation"],
                        responsible_department=d["responsible_department"],
                    )
                    messages.success(request, _("The triage was saved."))
                    return redirect("challenges:issue_manage", pk=issue.pk)
            elif which == "status":
                status_form = StatusForm(
                    request.POST,
                    allowed=targets_for(issue.status, answered=issue.answered_at is not None),
                )
                if status_form.is_valid():
                    to = status_form.cleaned_data["to_status"]
                    if to == IssueStatus.DECLINED:
                        services.decline_issue(
                            actor=_actor(request),
                            issue=issue,
                            reason=status_form.cleaned_data["reason"],
                        )
                    else:
                        services.TRANSITION_SERVICES[IssueStatus(to)](
                            actor=_actor(request), issue=issue
                        )
                    messages.success(
                        request,
                        _("The status is now “%(status)s”.") % {"status": IssueStatus(to).label},
                    )
                    return redirect("challenges:issue_manage", pk=issue.pk)
            elif which == "answer":
                answer_form = AnswerForm(request.POST)
                if answer_form.is_valid():
                    services.publish_official_answer(
                        actor=_actor(request),
                        issue=issue,
                        answer=answer_form.cleaned_data["answer"],
                    )
                    messages.success(request, _("The official answer was published."))
                    return redirect(issue)
            else:
                raise Http404
        except ValidationError as exc:
            target = {"triage": triage_form, "status": status_form, "answer": answer_form}[
                which or "triage"
            ]
            _form_errors(target, exc)
    return render(
        request,
        "challenges/issue_manage.html",
        {
            "issue": issue,
            "triage_form": triage_form,
            "status_form": status_form,
            "answer_form": answer_form,
        },
    )


@require_safe
def theme_map(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("district") or ""
    district = get_object_or_404(District, code=code) if code else None
    the_map = selectors.latest_theme_map(district)
    themes = selectors.themes_with_issues(the_map) if the_map else []
    peak = max((count for t, _i in themes for _m, count in t.trend), default=0)
    return render(
        request,
        "challenges/theme_map.html",
        {
            "district": district,
            "theme_map": the_map,
            "themes": themes,
            "peak": peak or 1,
            "districts": District.objects.order_by("order"),
        },
    )


def _safe_next(request: HttpRequest, value: str | None) -> str | None:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return None


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def report_content(request: HttpRequest) -> HttpResponse:
    """Report any registered content: ?target=<app.model>&id=<pk>."""
    key = request.POST.get("target") or request.GET.get("target") or ""
    pk = params.pk(request.POST, "id") or params.pk(request.GET, "id")
    if pk is None:
        raise Http404
    target = moderation.get_reportable(key, pk)
    if not request.user.has_perm("challenges.report_content", target):
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.report_content(
                actor=_actor(request), target=target, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Thank you. A coordinator will look at your report."))
            back = target.get_absolute_url() if hasattr(target, "get_absolute_url") else "/"
            return redirect(back)
    return render(
        request,
        "challenges/report_form.html",
        {"form": form, "target": target, "key": key, "spec": moderation.moderated_for(target)},
    )


@require_safe
@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("challenges.moderate_content"):
        raise PermissionDenied
    return render(
        request,
        "challenges/moderation_queue.html",
        {"groups": moderation.open_reports(), "hide_form": HideForm()},
    )


@require_POST
@login_required
def moderation_decide(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("challenges.moderate_content"):
        raise PermissionDenied
    action = request.POST.get("action")
    try:
        if action == "dismiss":
            report = get_object_or_404(ContentReport, pk=request.POST.get("report"))
            moderation.dismiss_report(actor=_actor(request), report=report)
            messages.success(request, _("The report was closed without action."))
        elif action in ("hide", "unhide"):
            try:
                pk = int(request.POST.get("id") or "")
            except ValueError as exc:
                raise Http404 from exc
            target = moderation.get_reportable(request.POST.get("target") or "", pk)
            if action == "hide":
                form = HideForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Give the reason for hiding; it is shown in public."))
                    return redirect("challenges:moderation_queue")
                moderation.hide_content(
                    actor=_actor(request), target=target, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The content was hidden and its author was told."))
            else:
                moderation.unhide_content(actor=_actor(request), target=target)
                messages.success(request, _("The content is shown again."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_safe_next(request, request.POST.get("next")) or "challenges:moderation_queue")
