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
