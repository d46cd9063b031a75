"""Hostile input, reusable by any test: `from tests.security.payloads import PAYLOADS`.

Each payload is (name, text). Every form field and API field must accept or refuse these
cleanly (no exception, no 500), store accepted ones exactly, and show them escaped.
"""

from __future__ import annotations

import html

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_SVG = '"><svg onload=alert(1)>'
XSS_IMG = "'><img src=x onerror=alert(1)>"
JS_URL = "javascript:alert(document.cookie)"
SQL = "' OR 1=1 --"
SQL_UNION = "1; DROP TABLE accounts_user; --"
FTS = '" * ( ) : NEAR AND OR - ^ {} [] ~ \\ /'
LONG = "長" * 10_000
CONTROL = "".join(chr(c) for c in range(0x01, 0x20)) + "\x7f"
NUL = "a\x00b"
EMOJI = "👨‍👩‍👧 🇯🇵 👍🏽"
RTL = "\u202eevil.exe\u202c txt.pdf"
COMBINING = "e\u0301\u0301\u0301 ｶﾞ ゙ Z̴̡̛̤̙a̷̺̓l̸͉̿g̶̠̈o̵͎̊"
NFKC_UNSTABLE = "ｱｲｳ ① ㍻ ﬁ Ｋ K ℌ ²"
TEMPLATE = "{{ 7*7 }} {% raw %} ${7*7} #{7*7}"
PATH = "../../../../etc/passwd"
CRLF = "x\r\nSet-Cookie: evil=1"

PAYLOADS: list[tuple[str, str]] = [
    ("xss_script", XSS_SCRIPT),
    ("xss_svg", XSS_SVG),
    ("xss_img", XSS_IMG),
    ("javascript_url", JS_URL),
    ("sql", SQL),
    ("sql_union", SQL_UNION),
    ("fts", FTS),
    ("long", LONG),
    ("control", CONTROL),
    ("nul", NUL),
    ("emoji", EMOJI),
    ("rtl_override", RTL),
    ("combining", COMBINING),
    ("nfkc_unstable", NFKC_UNSTABLE),
    ("template", TEMPLATE),
    ("path", PATH),
    ("crlf", CRLF),
]
PAYLOAD_IDS = [name for name, _ in PAYLOADS]
# Markup that must never appear unescaped in a page.
DANGEROUS_MARKUP = ("<script>alert(1)", "<svg onload", "<img src=x onerror")


def assert_no_raw_markup(page: str) -> None:
    for needle in DANGEROUS_MARKUP:
        assert needle not in page, f"unescaped {needle!r} in the page"


def assert_shown_escaped(page: str, text: str) -> None:
    """The stored text appears in the page exactly, HTML-escaped (Jinja2 escapes ' as &#39;
    and " as &#34;; Django as &#x27; and &quot;)."""
    assert_no_raw_markup(page)
    candidates = {
        html.escape(text, quote=False),
        html.escape(text, quote=True),
        html.escape(text, quote=True).replace("&#x27;", "&#39;").replace("&quot;", "&#34;"),
    }
    assert any(c in page for c in candidates), f"{text[:40]!r} not shown (escaped) in the page"
