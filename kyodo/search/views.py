from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kyodo.search import selectors
from kyodo.search.forms import MAX_PAGE, SearchForm
from kyodo.search.highlight import highlight, snippet
from kyodo.search.models import DocType, SearchDocument
from kyodo.search.providers import active_providers, visibility_keys_for

PAGE_SIZE = 20


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    if not form.is_valid() and "q" in form.errors:
        # Too long (or otherwise unusable) words: say so instead of an empty page.
        max_length = getattr(form.fields["q"], "max_length", None)
        messages.error(
            request,
            _("The search words are too long. Use at most %(n)s characters.") % {"n": max_length},
        )
    data: dict[str, Any] = getattr(form, "cleaned_data", {}) or {}
    query = (data.get("q") or "").strip()
    page_number = data.get("page") or 1
    filters = {
        "district": data.get("district") or "",
        "field": data.get("field") or "",
        "fiscal_year": data.get("fy"),
        "status": data.get("status") or "",
    }
    doc_type = data.get("type") or ""
    page = None
    counts: dict[str, selectors.TypeCount] = {}
    hits: list[dict[str, Any]] = []
    if query:
        page = selectors.search(
            query,
            user=request.user,
            types=[doc_type] if doc_type else None,
            filters=filters,
            limit=PAGE_SIZE,
            offset=(page_number - 1) * PAGE_SIZE,
        )
        counts = selectors.count_by_type(query, user=request.user, filters=filters)
        terms = page.query.all_terms
        hits = []
        for doc in page.documents:
            variant = page.is_variant(doc)
            # A result found in another spelling or through a synonym: mark those words.
            marked = selectors.marked_terms(page, doc) if variant else terms
            hits.append(
                {
                    "doc": doc,
                    "type_label": DocType(doc.doc_type).label,
                    "title": highlight(doc.title, marked),
                    "snippet": snippet(doc.body, marked),
                    "variant": variant,
                }
            )
    total = sum(c.count for c in counts.values())
    context = {
        "form": form,
        "query": query,
        "doc_type": doc_type,
        "page": page,
        "page_number": page_number,
        "has_previous": page_number > 1,
        "has_next": bool(page and page.has_next and page_number < MAX_PAGE),
        "hits": hits,
        "type_counts": [(value, label, counts.get(value)) for value, label in DocType.choices],
        "total": total,
        "total_capped": any(c.capped for c in counts.values()),
        "did_you_mean": page.did_you_mean if page else "",
    }
    return render(request, "search/search_results.html", context)


@require_GET
def suggest(request: HttpRequest) -> JsonResponse:
    query = request.GET.get("q", "")[:100]
    docs = selectors.suggest(query, user=request.user, limit=8) if query.strip() else []
    response = JsonResponse(
        {
            "query": query,
            "results": [
                {
                    "title": d.title,
                    "url": d.url,
                    "type": d.doc_type,
                    "type_label": str(DocType(d.doc_type).label),
                }
                for d in docs
            ],
        }
    )
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_GET
def go(request: HttpRequest, doc_type: str, object_id: int) -> HttpResponse:
    """Open a result whose app had no detail URL under a known name when it was indexed."""
    doc = SearchDocument.objects.filter(doc_type=doc_type, object_id=object_id).first()
    if doc is None:
        raise Http404
    keys = visibility_keys_for(request.user)
    if not request.user.is_superuser and not (set(doc.visibility.split()) & keys):
        raise Http404
    for provider in active_providers([doc_type]):
        model = provider.model
        obj = model._default_manager.filter(pk=object_id).first() if model else None
        if obj is None:
            continue
        get_url = getattr(obj, "get_absolute_url", None)
        if callable(get_url):
            return redirect(get_url())
        data = provider.build(obj)
        if data is not None and not data.url.startswith(request.path):
            return redirect(data.url)
    raise Http404
