"""The accessibility policy states its target and the results of the latest check, and does
not claim more page types than the browser tests actually check."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kyodo.core.views import ACCESSIBILITY_CHECK

pytestmark = pytest.mark.django_db

BROWSER_TESTS = Path(__file__).resolve().parents[3] / "tests" / "browser"


def axe_checked_screens() -> set[str]:
    """Distinct screens given to `axe_check(..., name=...)` in tests/browser (a `name` taken
    from a loop or a parametrize list is found in its `(path, name)` tuples)."""
    names: set[str] = set()
    for path in BROWSER_TESTS.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "axe_check":
                for kw in node.keywords:
                    if kw.arg == "name" and isinstance(kw.value, ast.Constant):
                        names.add(str(kw.value.value))
                    elif kw.arg == "name" and isinstance(kw.value, ast.JoinedStr):
                        names.add(ast.unparse(kw.value).replace("{lang}", ""))
            elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
                first, second = node.elts
                if (
                    isinstance(first, ast.Constant | ast.JoinedStr)
                    and "/" in ast.unparse(first)
                    and isinstance(second, ast.Constant)
                    and isinstance(second.value, str)
                ):
                    names.add(second.value)
    return names


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_policy_states_target_method_and_latest_results(client, lang):
    client.cookies["django_language"] = lang
    html = client.get("/accessibility/").content.decode()
    for text in ("JIS X 8341-3:2016", "WCAG 2.0", "WCAG 2.1", "axe-core", "360px", "1280px"):
        assert text in html
    assert ("2026年11月26日" if lang == "ja" else "26 Nov 2026") in html
    assert str(ACCESSIBILITY_CHECK["page_types"]) in html
    journeys = html.index('id="a11y-journeys"')
    assert html.count("<li>", journeys, html.index("</ol>", journeys)) == 3


def test_policy_does_not_claim_more_page_types_than_are_checked():
    screens = axe_checked_screens()
    assert {"home", "accessibility", "project-checklist"} <= screens
    assert 0 < ACCESSIBILITY_CHECK["page_types"] <= len(screens)
