from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kyodo.guideline.selectors import guideline_overview


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    """What collaboration means in this city: everything from the guideline data."""
    return render(request, "guideline/about.html", guideline_overview())
