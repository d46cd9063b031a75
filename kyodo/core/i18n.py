"""Message catalogs for Python code and Jinja2 templates, per app.

Django's makemessages does not understand Jinja2, so Kyodo extracts with Babel (its Python
and Jinja2 extractors) into each app's locale/ja/LC_MESSAGES/django.po, and compiles .mo
files with Babel (no gettext binaries needed). msgids are English; Japanese is complete.
`manage.py translations extract|compile|check`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings

KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
METHOD_MAP = [
    ("**/migrations/**", "ignore"),
    ("**/tests/**", "ignore"),
    ("**.py", "python"),
    ("**/jinja2/**.html", "jinja2"),
    ("**/jinja2/**.txt", "jinja2"),
]
OPTIONS = {
    "**/jinja2/**": {"extensions": "jinja2.ext.do", "newstyle_gettext": "true", "trimmed": "false"}
}
LANGUAGES = ("ja",)


def app_dirs() -> list[Path]:
    root = Path(settings.BASE_DIR)
    dirs = sorted(p.parent for p in (root / "kyodo").glob("*/apps.py"))
    return [root / "config", *dirs]


def _po_path(app_dir: Path, lang: str) -> Path:
    if app_dir.name == "config":
        return Path(settings.BASE_DIR) / "kyodo" / "locale" / lang / "LC_MESSAGES" / "django.po"
    return app_dir / "locale" / lang / "LC_MESSAGES" / "django.po"


def extract_catalog(app_dir: Path) -> Catalog:
    catalog = Catalog(project="kyodo", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(app_dir), method_map=METHOD_MAP, options_map=OPTIONS, keywords=KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def load_po(path: Path, lang: str) -> Catalog:
    if path.exists():
        with open(path, "rb") as fh:
            return read_po(fh, locale=lang)
    return Catalog(locale=lang, project="kyodo", charset="utf-8")


def extract(app_dirs_: list[Path] | None = None) -> Iterator[tuple[Path, int, int]]:
    """Update every app's .po with new msgids (keeping translations). Yields
    (po path, messages, untranslated)."""
    for app_dir in app_dirs_ or app_dirs():
        template = extract_catalog(app_dir)
        for lang in LANGUAGES:
            path = _po_path(app_dir, lang)
            if not len(template) and not path.exists():
                continue
            catalog = load_po(path, lang)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as fh:
                write_po(fh, catalog, width=100, sort_output=True, omit_header=False)
            missing = sum(1 for msg in catalog if msg.id and not _translated(msg))
            yield path, len([m for m in catalog if m.id]), missing


def _translated(message: object) -> bool:
    string = getattr(message, "string", "")
    if getattr(message, "fuzzy", False):
        return False
    if isinstance(string, tuple | list):
        return all(bool(s) for s in string)
    return bool(string)


def compile_all() -> list[Path]:
    written = []
    for app_dir in app_dirs():
        for lang in LANGUAGES:
            path = _po_path(app_dir, lang)
            if not path.exists():
                continue
            catalog = load_po(path, lang)
            with open(path.with_suffix(".mo"), "wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
            written.append(path.with_suffix(".mo"))
    return written


def check() -> list[str]:
    """Problems: msgids in the code missing from a catalog, or untranslated."""
    problems: list[str] = []
    for app_dir in app_dirs():
        template = extract_catalog(app_dir)
        for lang in LANGUAGES:
            path = _po_path(app_dir, lang)
            catalog = load_po(path, lang)
            for msg in template:
                if not msg.id:
                    continue
                found = catalog.get(msg.id, context=msg.context)
                where = ", ".join(f"{f}:{n}" for f, n in msg.locations[:2])
                label = msg.id if isinstance(msg.id, str) else msg.id[0]
                if found is None:
                    problems.append(f"{path}: missing msgid {label!r} ({where})")
                elif not _translated(found):
                    problems.append(f"{path}: untranslated {label!r} ({where})")
    return problems


def catalogues(lang: str = "ja") -> list[tuple[str, Catalog]]:
    """(app label, catalogue) for every app that has one ('config' for config/)."""
    found = []
    for app_dir in app_dirs():
        path = _po_path(app_dir, lang)
        if path.exists():
            found.append((app_dir.name, load_po(path, lang)))
    return found


def _text(value: object) -> str:
    return "|".join(value) if isinstance(value, tuple | list) else str(value or "")


def clashes(lang: str = "ja") -> list[tuple[str | None, str, dict[str, str]]]:
    """Messages (same msgid, same context or none) that two apps translate differently.

    Django merges every app's catalogue into one, so one of the translations silently wins on
    every page: each such message needs a context (pgettext) or one agreed translation."""
    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for app, catalog in catalogues(lang):
        for msg in catalog:
            if not msg.id:
                continue
            key = (msg.context, _text(msg.id))
            seen.setdefault(key, {})[app] = _text(msg.string)
    return [
        (context, msgid, by_app)
        for (context, msgid), by_app in sorted(
            seen.items(), key=lambda kv: (kv[0][1], kv[0][0] or "")
        )
        if len(set(by_app.values())) > 1
    ]


def fuzzy_or_empty(lang: str = "ja") -> list[str]:
    """Catalogue entries kept fuzzy or empty (a fuzzy translation is not compiled: English shows)."""
    problems = []
    for app, catalog in catalogues(lang):
        for msg in catalog:
            if msg.id and not _translated(msg):
                problems.append(f"{app}: {_text(msg.id)!r} ({'fuzzy' if msg.fuzzy else 'empty'})")
    return problems


# The 公用文 spellings chosen in docs/glossary.md (「公用文作成の考え方」2022, which keeps the
# 送り仮名 of 「公用文における漢字使用等について」): a noun formed from a compound verb drops the
# okurigana the list drops (申込み, 取下げ, 取消し, 締切り, 打合せ, 問合せ, 手続, 申出, 引継ぎ …),
# 受付 takes none (通則7); the verbs keep theirs (申し込む, 取り下げる, 取り消す, 締め切る).
# Each rule: (pattern of the forbidden variant, the spelling to write). The look-aheads let the
# verb's own forms through (申し込みます, 取り下げた, 受け付けて …).
_VERB_TAIL = "まみむめもらりるれろたちってでよずなさせしそ"
SPELLING_RULES: list[tuple[str, str]] = [
    (rf"申し込み(?![{_VERB_TAIL}])", "申込み"),
    (r"申込(?![み\u4e00-\u9fff])", "申込み"),
    (rf"取り下げ(?![{_VERB_TAIL}])", "取下げ"),
    (r"取下(?!げ)", "取下げ"),
    (rf"取り消し(?![{_VERB_TAIL}])", "取消し"),
    (r"取消(?![し\u4e00-\u9fff])", "取消し"),
    (rf"締め切り(?![{_VERB_TAIL}])", "締切り"),
    (r"打ち?合わせ", "打合せ"),
    (rf"問い?合わせ(?!ください)(?![{_VERB_TAIL}])", "問合せ"),
    (r"手続き", "手続"),
    (rf"申し出(?![{_VERB_TAIL}])", "申出"),
    (rf"引き継ぎ(?![{_VERB_TAIL}])", "引継ぎ"),
    (rf"受け?付け(?![{_VERB_TAIL}])", "受付"),
    (rf"取り扱い(?![{_VERB_TAIL}])", "取扱い"),
]


def spelling_problems(lang: str = "ja") -> list[str]:
    """Japanese translations that use a variant the glossary does not choose."""
    import re

    rules = [(re.compile(pattern), required) for pattern, required in SPELLING_RULES]
    problems = []
    for app, catalog in catalogues(lang):
        for msg in catalog:
            if not msg.id:
                continue
            text = _text(msg.string)
            for rx, required in rules:
                found = rx.search(text)
                if found:
                    problems.append(f"{app}: {found.group(0)!r} → {required!r} in {text!r}")
    return problems


def runtime_mismatches(lang: str = "ja") -> list[str]:
    """Messages whose translation at run time is not the one in their app's catalogue.

    Django merges Kyodo's catalogues with Django's own (and its contrib apps', which come first
    in INSTALLED_APPS): django.contrib.admin translates "None" as "None", so `_("None")` printed
    English on a Japanese page. Needs compiled catalogues (`translations compile`)."""
    from django.utils import translation

    problems = []
    with translation.override(lang):
        for app, catalog in catalogues(lang):
            for msg in catalog:
                if not msg.id or not _translated(msg) or isinstance(msg.id, tuple | list):
                    continue
                if msg.context:
                    shown = translation.pgettext(msg.context, msg.id)
                else:
                    shown = translation.gettext(msg.id)
                if shown != msg.string:
                    where = f"{msg.context} | " if msg.context else ""
                    problems.append(f"{app}: {where}{msg.id!r} shows {shown!r}, not {msg.string!r}")
    return problems
