"""Sections of an organization's page that other apps fill (projects, events, news …).

Higher apps register a section in their AppConfig.ready():

    from kyodo.organizations.hooks import register_org_section
    register_org_section("projects", 30, "projects/org_section.html", projects_for_org)

`context_fn(request, org)` returns the template's context, or None to hide the section.
The template is a fragment (no `extends`), normally one `<section>` with an `<h2>`; it is
rendered with that context plus `org` and `request`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SectionContext = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class OrgSection:
    key: str
    order: int
    template: str
    context_fn: SectionContext


_sections: dict[str, OrgSection] = {}


def register_org_section(key: str, order: int, template: str, context_fn: SectionContext) -> None:
    _sections[key] = OrgSection(key=key, order=order, template=template, context_fn=context_fn)


def org_sections() -> list[OrgSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def rendered_sections(request: Any, org: Any) -> list[str]:
    """The visible sections as HTML, in order."""
    from django.template.loader import render_to_string
    from markupsafe import Markup

    out: list[str] = []
    for section in org_sections():
        context = section.context_fn(request, org)
        if context is not None:
            html = render_to_string(section.template, {"org": org, **context}, request=request)
            out.append(Markup(html))  # noqa: S704 - rendered by the autoescaping engine
    return out
