"""A crawl of the second city's whole site, as a visitor and as each demo role: no page,
document or export answers 5xx, and none shows text of Kawagoe's (issue 25)."""

from __future__ import annotations

import io
import re
import zipfile
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.second_city.conftest import KAWAGOE_TEXT

ROLES = ["visitor", "admin", "coordinator", "staff", "rep", "member", "resident", "reviewer"]
# Per role, at most this many pages, and this many of one route (a list of 300 groups
# needs two of its detail pages visited, not 300).
MAX_PAGES = 150
PER_ROUTE = 2
SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/accounts/logout", "/i18n/")
HREF = re.compile(r'href="([^"#][^"]*)"')


def _route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match.route


def _text_of(response) -> str:  # type: ignore[no-untyped-def]
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in kind or "zip" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "".join(
                z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml")
            )
    if "pdf" in kind:
        from pypdf import PdfReader

        return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


def _crawl(client) -> tuple[list[str], list[str], int]:  # type: ignore[no-untyped-def]
    from tests.security.discovery import url_routes

    starts = ["/"] + [
        "/" + r.route
        for r in url_routes()
        if not r.params and "<" not in r.route and "(" not in r.route
    ]
    queue = deque(dict.fromkeys(starts))
    seen: set[str] = set(queue)
    per_route: dict[str, int] = {}
    errors: list[str] = []
    kawagoe: list[str] = []
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        path = urlsplit(url).path
        if path.startswith(SKIP_PREFIXES):
            continue
        route = _route_of(path)
        if route is None:
            continue
        if per_route.get(route, 0) >= PER_ROUTE:
            continue
        per_route[route] = per_route.get(route, 0) + 1
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
        visited += 1
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {url}")
            continue
        if response.status_code != 200:
            continue
        text = _text_of(response)
        found = [t for t in KAWAGOE_TEXT if t in text]
        if found:
            kawagoe.append(f"{url}: {', '.join(found)}")
        if "html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(text):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if not href.startswith("/") or href.startswith("//"):
                continue
            if href not in seen:
                seen.add(href)
                queue.append(href)
    return errors, kawagoe, visited


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_whole_site_is_the_second_city(client, second_city_demo, role):  # type: ignore[no-untyped-def]
    from kyodo.accounts.models import User

    if role != "visitor":
        client.force_login(User.objects.get(email=f"{role}@example.jp"))
    errors, kawagoe, visited = _crawl(client)
    assert visited > 40, f"only {visited} pages reached as {role}"
    assert not errors, f"server errors as {role}: {errors}"
    assert not kawagoe, f"Kawagoe's text as {role}: {kawagoe}"
