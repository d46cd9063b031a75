"""Links lead somewhere: crawl the demo site (seed_demo at a small scale) as a visitor and as every
demo role, and fail on any link shown on a page that answers 403, 404 or 500 to the person it
was shown to.

Bounded in time: each URL pattern (the resolver's route plus the names of the query parameters)
is sampled a few times per role, and each role stops after MAX_PAGES pages."""

from __future__ import annotations

import re
from collections import Counter, deque
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from kyodo.accounts.models import User
from kyodo.core.hooks import nav_items

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROLES = [None, "resident", "member", "rep", "staff", "coordinator", "reviewer", "admin"]
SAMPLES_PER_PATTERN = 2
MAX_PAGES = 160
HREF = re.compile(r'<a\s[^>]*href="([^"]+)"')
SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/api/", "/i18n/")
# Downloads are fetched (their status counts) but not parsed; PDFs and workbooks are slow to
# build, so one of each is enough.
DOWNLOAD = re.compile(r"\.(pdf|xlsx|csv|ics|zip|json)$|/export/")


def _pattern(path: str, query: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return f"unresolved:{path}"
    keys = ",".join(sorted({part.split("=")[0] for part in query.split("&") if part}))
    return f"{match.route}?{keys}"


def _links(html: str) -> list[str]:
    out = []
    for href in HREF.findall(html):
        href = href.replace("&amp;", "&")
        if href.startswith(("http://testserver", "https://testserver")):
            href = href.split("testserver", 1)[1]
        if not href.startswith("/") or href.startswith("//"):
            continue
        out.append(href.split("#", 1)[0])
    return [h for h in out if h and not h.startswith(SKIP_PREFIXES)]


def _crawl(client: Client, start: list[str]) -> tuple[list[str], int]:
    broken: list[str] = []
    seen: set[str] = set()
    per_pattern: Counter[str] = Counter()
    queue: deque[tuple[str, str]] = deque((url, "(start)") for url in start)
    fetched = 0
    while queue and fetched < MAX_PAGES:
        url, shown_on = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        key = _pattern(parts.path, parts.query)
        if per_pattern[key] >= SAMPLES_PER_PATTERN:
            continue
        per_pattern[key] += 1
        response = client.get(url)
        fetched += 1
        if response.status_code in (403, 404) or response.status_code >= 500:
            broken.append(f"{response.status_code} {url} (linked from {shown_on})")
            continue
        if response.status_code != 200 or DOWNLOAD.search(parts.path):
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        for link in _links(response.content.decode()):
            if link not in seen:
                queue.append((link, url))
    return broken, fetched


def test_every_link_shown_opens_for_the_person_it_was_shown_to(settings):
    settings.KYODO_PAGE_CACHE_SECONDS = 0
    call_command("seed_demo", "--scale", "0.02", stdout=open("/dev/null", "w"))  # noqa: SIM115
    problems: list[str] = []
    pages = 0
    for role in ROLES:
        client = Client()
        user: Any = AnonymousUser()
        entry = ["/"]
        if role is not None:
            user = User.objects.get(email=f"{role}@example.jp")
            client.force_login(user)
            entry += [reverse("accounts:me"), reverse("notifications:inbox")]
        # The navigation this person is shown (entries with a permission only for those who have it).
        entry += [
            reverse(item.url_name)
            for item in nav_items()
            if not item.perm or user.has_perm(item.perm)
        ]
        broken, fetched = _crawl(client, entry)
        pages += fetched
        problems += [f"[{role or 'visitor'}] {line}" for line in broken]
    assert pages > 100
    assert not problems, "Links that do not open:\n" + "\n".join(problems)
