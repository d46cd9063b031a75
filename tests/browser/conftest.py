"""Real-browser tests: Playwright (Python) driving Debian's Chromium against a live server.

Skipped, with a clear reason, when Chromium is not installed. No browser is downloaded.
Fixtures for page tests:
- `live_url(path)`: the absolute URL on the live server.
- `page`: a fresh Chromium page (1280x800, ja-JP). `page_en`: the same with the English UI.
- `login(page, user)`: sign the page's browser context in as `user` (no form round-trip).
- `axe_check(page, path, name=...)`: load `path` at 360px and 1280px, assert zero axe-core
  violations of WCAG 2.0/2.1 A and AA, and save screenshots to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by tests
# themselves (building fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (360, 1280)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if CHROMIUM:
        return
    skip = pytest.mark.skip(
        reason="Chromium is not installed (apt-get install chromium): browser tests skipped"
    )
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright: Any) -> Iterator[Any]:
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def live_url(live_server: Any, guideline: None) -> Callable[[str], str]:
    def build(path: str) -> str:
        return f"{live_server.url}{path}"

    return build


def _new_page(browser: Any, lang: str) -> Any:
    context = browser.new_context(
        viewport={"width": 1280, "height": 800},
        locale="ja-JP" if lang == "ja" else "en-US",
        extra_http_headers={"Accept-Language": "ja" if lang == "ja" else "en"},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.kyodo_console_errors = []
    page.on(
        "console",
        lambda msg: page.kyodo_console_errors.append(msg.text) if msg.type == "error" else None,
    )
    return page


@pytest.fixture
def page(browser: Any, live_url: Any) -> Iterator[Any]:
    page = _new_page(browser, "ja")
    yield page
    page.context.close()


@pytest.fixture
def page_en(browser: Any, live_url: Any) -> Iterator[Any]:
    page = _new_page(browser, "en")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_url("/")}])
    yield page
    page.context.close()


@pytest.fixture
def login(live_url: Any) -> Callable[[Any, Any], None]:
    """Sign a browser context in as `user` by creating a real session for it."""
    from django.conf import settings
    from django.test import Client

    def do_login(page: Any, user: Any) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_url("/")}]
        )

    return do_login


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:80] or "page"


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v.get('help')}")
        for node in v.get("nodes", [])[:5]:
            lines.append(
                f"    at {node.get('target')}: {node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return "\n".join(lines)


@pytest.fixture
def axe_check(live_url: Any) -> Callable[..., None]:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(
        page: Any,
        path: str | None = None,
        *,
        name: str | None = None,
        widths: tuple[int, ...] = WIDTHS,
    ) -> None:
        """Check the page at `path` (or the page as it is now, when path is None)."""
        label = _slug(name or path or page.url)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        failures = []
        for width in widths:
            page.set_viewport_size({"width": width, "height": 800})
            if path is not None:
                response = page.goto(live_url(path))
                assert response is not None and response.status < 400, (
                    f"{path}: HTTP {response and response.status}"
                )
            results = axe.run(
                page,
                options={
                    "runOnly": {"type": "tag", "values": AXE_TAGS},
                    "resultTypes": ["violations"],
                },
            )
            page.screenshot(path=str(ARTIFACTS / f"{label}-{width}.png"), full_page=True)
            violations = results.response["violations"]
            if violations:
                failures.append(f"at {width}px:\n{format_violations(violations)}")
            # No horizontal scrolling at phone width (WCAG 1.4.10 reflow).
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 1:
                failures.append(f"at {width}px: the page scrolls horizontally by {overflow}px")
        assert not failures, f"{label}: accessibility problems\n" + "\n".join(failures)

    return check
