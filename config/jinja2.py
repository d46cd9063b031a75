"""The Jinja2 environment for the site: i18n, url(), static(), rules, formatting filters.

It lives in config/ because it composes every layer (core formatting, guideline data)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext, pgettext
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from kyodo.core import formatting
from kyodo.core.hooks import nav_items
from kyodo.guideline.selectors import site_municipality


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def optional_url(name: str, *args: Any, **kwargs: Any) -> str | None:
    """A URL that may not exist in this deployment (e.g. an app turned off): None then."""
    try:
        return url(name, *args, **kwargs)
    except NoReverseMatch:
        return None


def has_perm(user: Any, perm: str, obj: Any = None) -> bool:
    return bool(user.has_perm(perm, obj))


def localized(obj: Any, field: str) -> str:
    """obj.<field>_en in English when it exists and is filled, else obj.<field>."""
    if not (translation.get_language() or "ja").startswith("ja"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return str(value)
    return str(getattr(obj, field, "") or "")


def query_with(request: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (None removes one)."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def nav_entries(request: Any) -> list[tuple[str, Any, bool]]:
    """The main navigation this person sees as (href, label, current): only the most specific
    entry matching the path is current (/events/bases/ is not also /events/)."""
    entries = [
        (url(item.url_name), item.label)
        for item in nav_items()
        if not item.perm or has_perm(request.user, item.perm)
    ]
    matches = [href for href, _label in entries if href != "/" and request.path.startswith(href)]
    current = max(matches, key=len) if matches else None
    return [(href, label, href == current) for href, label in entries]


def unread_notifications(request: Any) -> int:
    """The header's unread count: cached per person (kyodo.notifications.unread), so a page
    costs no query for it; none for visitors (whose pages the anonymous page cache may serve)."""
    if not getattr(request.user, "is_authenticated", False):
        return 0
    cached = getattr(request, "_kyodo_unread", None)
    if cached is None:
        from kyodo.notifications.unread import cached_unread

        cached = cached_unread(request.user)
        request._kyodo_unread = cached
    return int(cached)


def is_following(user: Any, obj: Any) -> bool:
    from kyodo.notifications.services import is_following as following

    return following(user, obj)


def linebreaks(value: str) -> Markup:
    """Paragraphs and line breaks for plain text; every piece of the text is escaped."""
    paragraphs = [p for p in str(value or "").replace("\r\n", "\n").split("\n\n") if p.strip()]
    html = Markup("")
    for paragraph in paragraphs:
        html += Markup("<p>{}</p>").format(Markup("<br>").join(paragraph.split("\n")))
    return html


class TemplatePrintedNone(ValueError):
    """A template printed None (`{{ value }}` where value is None): a missing value shows as
    the word "None" on the page. Raised under test; on the site it prints ""."""


def finalize(value: Any) -> Any:
    """Jinja2's finalize hook: every `{{ … }}` passes through it before it is printed."""
    if value is None:
        if getattr(settings, "KYODO_TEMPLATE_NONE_IS_ERROR", False):
            raise TemplatePrintedNone(
                "a template printed None; write {{ value or '' }} or a word for the missing value"
            )
        return ""
    return value


def environment(**options: Any) -> Environment:
    options.setdefault("extensions", [])
    options["extensions"] = [*options["extensions"], "jinja2.ext.i18n", "jinja2.ext.do"]
    # A misspelt variable is an error, not a silently empty string.
    options.setdefault("undefined", StrictUndefined)
    options.setdefault("finalize", finalize)
    env = Environment(**options)  # noqa: S701 - autoescape is set in settings.TEMPLATES
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext
    )
    env.globals.update(
        url=url,
        optional_url=optional_url,
        static=static,
        has_perm=has_perm,
        localized=localized,
        query_with=query_with,
        get_messages=get_messages,
        get_language=translation.get_language,
        nav_items=nav_items,
        nav_entries=nav_entries,
        unread_notifications=unread_notifications,
        is_following=is_following,
        site_municipality=site_municipality,
        urlencode=urlencode,
        LANGUAGES=settings.LANGUAGES,
        current_fiscal_year=formatting.current_fiscal_year,
        fiscal_year_label=formatting.fiscal_year_label,
        fiscal_year_long=formatting.fiscal_year_long,
    )
    env.filters.update(
        date_ja=formatting.date_ja,
        datetime_ja=formatting.datetime_ja,
        wareki=formatting.wareki,
        yen=formatting.yen,
        number=lambda v: number_format(v, force_grouping=True) if v is not None else "",
        linebreaks=linebreaks,
    )
    return env
