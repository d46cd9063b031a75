"""Where to download the open-data package."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from kyodo.api.errors import error_responses
from kyodo.api.opendata import latest_manifest

router = Router(tags=["open data"])


class LicenceOut(Schema):
    name: str
    title: str
    path: str


class OpenDataOut(Schema):
    file: str
    url: str
    generated_at: dt.datetime
    size: int
    sha256: str
    rows: dict[str, int]
    licence: LicenceOut


@router.get("", response={200: OpenDataOut, **error_responses(404, 429)})
def get_open_data(request: HttpRequest) -> Any:
    """The latest open-data package (zip of CSV and JSON with a data dictionary, CC BY 4.0)."""
    manifest = latest_manifest()
    if manifest is None:
        raise Http404
    url = request.build_absolute_uri(reverse("api:open-data-download", args=[manifest["file"]]))
    return {**manifest, "url": url}
