"""Prints, as JSON, the concrete URLs of the key pages on the benchmark database, and the
uncached timing of the annual report. Run by bench/run.py with the benchmark environment."""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

targets: list[dict[str, Any]] = []
skipped: list[str] = []
timings: dict[str, Any] = {}


def add(name: str, build: Any) -> None:
    """`build` gives one URL, or a list of URLs of one kind requested in turn (what real visitors
    do: not every request for the same page), so that the page cache is measured with misses."""
    try:
        path = build()
    except (NoReverseMatch, LookupError, AttributeError, TypeError, ValueError) as exc:
        skipped.append(f"{name}: {exc}")
        return
    if path:
        targets.append({"name": name, "path": path})
    else:
        skipped.append(f"{name}: no data")


def spread(ids: list[int], n: int) -> list[int]:
    """n ids spread over the whole table (old and new rows alike)."""
    step = max(1, len(ids) // n)
    return ids[::step][:n]


def organization_pages(n: int = 500) -> list[str]:
    ids = list(
        model("organizations.Organization")
        .objects.public()
        .order_by("id")
        .values_list("id", flat=True)
    )
    return [reverse("organizations:detail", args=[pk]) for pk in spread(ids, n)]


def project_pages(n: int = 500) -> list[str]:
    from django.contrib.auth.models import AnonymousUser

    from kyodo.projects.selectors import visible_projects

    ids = list(visible_projects(AnonymousUser()).order_by("id").values_list("id", flat=True))
    return [reverse("projects:detail", args=[pk]) for pk in spread(ids, n)]


SEARCH_WORDS = [
    "防災",
    "子育て",
    "高齢者",
    "見守り",
    "環境",
    "清掃",
    "祭り",
    "川越",
    "霞ケ関",
    "名細",
    "高階",
    "福原",
    "大東",
    "南古谷",
    "古谷",
    "山田",
    "芳野",
    "本庁",
    "伝統",
    "観光",
    "学習",
    "スポーツ",
    "多文化",
    "国際",
    "交流",
    "ボランティア",
    "自治会",
    "NPO",
    "大学",
    "企業",
    "防犯",
    "交通安全",
    "空き家",
    "農業",
    "食育",
    "読み聞かせ",
    "健康",
    "介護",
    "障害",
    "まちづくり",
]


def search_pages() -> list[str]:
    from urllib.parse import quote

    return [reverse("search:results") + "?q=" + quote(word) for word in SEARCH_WORDS]


def model(label: str) -> Any:
    return apps.get_model(label)


def deep_directory_page() -> str:
    """Follow the directory's next-page links 50 pages deep (keyset cursors)."""
    client = Client(HTTP_HOST="127.0.0.1")
    path = reverse("organizations:directory")
    for _ in range(50):
        response = client.get(path)
        html = response.content.decode()
        marker = 'rel="next"'
        idx = html.find(marker)
        if idx < 0:
            break
        start = html.rfind('href="', 0, idx) + 6
        href = html[start : html.find('"', start)].replace("&amp;", "&")
        path = reverse("organizations:directory") + href if href.startswith("?") else href
    return path


def busiest_organization() -> str:
    org = model("organizations.Organization").objects.order_by("-member_count", "id").first()
    return reverse("organizations:detail", args=[org.pk])


def project_with_evaluation() -> str:
    Project = model("projects.Project")
    project = Project.objects.filter(status__in=["evaluation", "closed"]).order_by("id").first()
    return reverse("projects:detail", args=[project.pk])


def annual_report_path() -> str:
    from kyodo.core.formatting import current_fiscal_year

    fy = current_fiscal_year() - 1
    try:
        from kyodo.reports import selectors as report_selectors

        cache.clear()
        t0, c0 = time.perf_counter(), time.process_time()
        report_selectors.annual_report(fy)
        timings["annual_report_fiscal_year"] = fy
        timings["annual_report_uncached_seconds"] = round(time.perf_counter() - t0, 3)
        # CPU of this process, SQLite's work included (it runs in process): the figure a busy
        # shared machine does not inflate.
        timings["annual_report_uncached_cpu_seconds"] = round(time.process_time() - c0, 3)
        timings["load_average_1min"] = round(os.getloadavg()[0], 2)
    except (ImportError, AttributeError) as exc:
        skipped.append(f"annual report timing: {exc}")
    return reverse("reports:annual", args=[fy])


def api_list(name: str) -> str:
    return f"/api/v1/{name}"


add("home", lambda: reverse("core:home"))
add("organizations directory", lambda: reverse("organizations:directory"))
add("organizations deep page", deep_directory_page)
add("organization page", busiest_organization)
add(
    "project list (filtered)",
    lambda: reverse("projects:list") + "?status=in_progress&field=welfare",
)
add("project page", project_with_evaluation)
add("event list", lambda: reverse("events:list"))
add("search 防災", lambda: reverse("search:results") + "?q=%E9%98%B2%E7%81%BD")
add("annual report", annual_report_path)
for api in ("organizations", "issues", "projects", "events", "calls"):
    add(f"api {api}", lambda api=api: api_list(api))
# Beyond the issue's key pages: many different URLs, misses of the page cache included.
add("organization pages (500 different)", organization_pages)
add("project pages (500 different)", project_pages)
add(f"search ({len(SEARCH_WORDS)} different words)", search_pages)


# --- Signed-in runs (issue 26) -------------------------------------------------------------
# KYODO_BENCH_ROLES: comma-separated e-mail addresses (demo: coordinator@example.jp,
# rep@example.jp). For each, the key pages a signed-in person of that role uses, each checked
# once with that person signed in (only the pages answering 200 are kept: a page the role may
# not see is reported in `skipped` with its status), and KYODO_BENCH_SESSIONS session cookies
# (one per load-generator connection, as many browsers of the same person would have).
SIGNED_IN_TARGETS: list[tuple[str, Any]] = [
    ("home", lambda user: reverse("core:home")),
    ("my page", lambda user: reverse("accounts:me")),
    ("issue list", lambda user: reverse("challenges:issue_list")),
    ("issue page", lambda user: busiest_issue()),
    ("project list (filtered)", lambda user: reverse("projects:list") + "?status=in_progress"),
    ("project page", lambda user: project_with_evaluation()),
    ("event list", lambda user: reverse("events:list")),
    ("event page", lambda user: busiest_event()),
    ("organizations directory", lambda user: reverse("organizations:directory")),
    ("organization page", lambda user: own_or_busiest_organization(user)),
    ("call list", lambda user: reverse("calls:list")),
    ("call page", lambda user: latest_call()),
    ("my applications", lambda user: reverse("calls:my-applications")),
    ("application page", lambda user: own_application(user)),
    ("search 防災", lambda user: reverse("search:results") + "?q=%E9%98%B2%E7%81%BD"),
    ("annual report", lambda user: annual_report_path()),
    ("notifications", lambda user: reverse("notifications:inbox")),
    # Staff dashboards: the coordinator's; a representative gets 403 and they are skipped.
    ("staff dashboard (reports)", lambda user: reverse("reports:dashboard")),
    ("coordinator dashboard (promotion)", lambda user: reverse("promotion:index")),
    ("call management", lambda user: reverse("calls:manage", args=[latest_call_pk()])),
    ("moderation queue", lambda user: reverse("challenges:moderation_queue")),
]


def busiest_issue() -> str:
    from kyodo.challenges.selectors import visible_issues

    issue: Any = visible_issues().order_by("-support_count", "id").first()
    return reverse("challenges:issue_detail", args=[issue.pk])


def busiest_event() -> str:
    event = model("events.Event").objects.published().order_by("-confirmed_count", "-id").first()
    return reverse("events:detail", args=[event.pk])


def own_or_busiest_organization(user: Any) -> str:
    """The person's own group (what a representative opens), else the busiest one."""
    membership = (
        model("organizations.Membership")
        .objects.filter(user=user, status="active")
        .order_by("id")
        .first()
        if apps.is_installed("kyodo.organizations")
        else None
    )
    if membership is not None:
        return reverse("organizations:detail", args=[membership.organization_id])
    return busiest_organization()


def latest_call_pk() -> int:
    return model("calls.Call").objects.public().order_by("-fiscal_year", "-id").first().pk


def latest_call() -> str:
    return reverse("calls:detail", args=[latest_call_pk()])


def own_application(user: Any) -> str:
    """An application the person wrote or their group made (the representative's); for
    staff, the latest one. (The scale-1 demo has none of rep@example.jp's group.)"""
    from django.db.models import Q

    from kyodo.organizations.predicates import organization_ids

    Application = model("calls.Application")
    app = (
        Application.objects.filter(
            Q(created_by=user) | Q(organization_id__in=organization_ids(user))
        )
        .order_by("-id")
        .first()
    )
    if app is None:
        app = Application.objects.exclude(status="draft").order_by("-id").first()
    return reverse("calls:application-detail", args=[app.pk])


def signed_in(email: str, sessions: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from kyodo.core.middleware import SessionIdleTimeoutMiddleware

    user = get_user_model().objects.filter(email=email).first()
    if user is None:
        return {
            "email": email,
            "targets": [],
            "cookies": [],
            "skipped": [f"{email}: no such person"],
        }
    role_targets: list[dict[str, Any]] = []
    role_skipped: list[str] = []
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="ja")
    client.force_login(user)
    for name, build in SIGNED_IN_TARGETS:
        try:
            path = build(user)
        except (NoReverseMatch, LookupError, AttributeError, TypeError, ValueError) as exc:
            role_skipped.append(f"{name}: {exc}")
            continue
        status = client.get(path).status_code
        if status == 200:
            role_targets.append({"name": name, "path": path})
        else:
            role_skipped.append(f"{name}: {path} answers {status}")
    cookies = []
    for _ in range(sessions):
        c = Client()
        c.force_login(user)
        session = c.session
        # Seen just now: the idle check writes the session at most once a minute after that.
        session[SessionIdleTimeoutMiddleware.key] = int(time.time())
        session.save()
        # A browser also sends its CSRF cookie (otherwise every page with a form sets one).
        csrf = secrets.token_hex(16)
        cookies.append(
            f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={csrf}"
        )
    return {"email": email, "targets": role_targets, "cookies": cookies, "skipped": role_skipped}


roles = [
    signed_in(email, int(os.environ.get("KYODO_BENCH_SESSIONS", "16")))
    for email in (e.strip() for e in os.environ.get("KYODO_BENCH_ROLES", "").split(","))
    if email
]

registration = None
if not os.environ.get("KYODO_BENCH_SKIP_REGISTRATION"):
    try:
        from bench.registration import prepare_registration

        registration = prepare_registration()
    except (ImportError, LookupError) as exc:
        skipped.append(f"registration: {exc}")

print(
    json.dumps(
        {
            "targets": targets,
            "skipped": skipped,
            "timings": timings,
            "registration": registration,
            "roles": roles,
        }
    )
)
