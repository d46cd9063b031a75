"""Sections of "My page" (accounts:me) that other apps fill: my organizations, my event
registrations, my applications …

    from kyodo.accounts.hooks import register_my_page_section
    register_my_page_section("organizations", 10, "organizations/me_section.html", my_orgs)

`context_fn(request)` returns the template's context, or None to hide the section. The
template is a fragment (no `extends`), normally one `<section>` with an `<h2>`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MyPageContext = Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class MyPageSection:
    key: str
    order: int
    template: str
    context_fn: MyPageContext


_sections: dict[str, MyPageSection] = {}


def register_my_page_section(
    key: str, order: int, template: str, context_fn: MyPageContext
) -> None:
    _sections[key] = MyPageSection(key=key, order=order, template=template, context_fn=context_fn)


def rendered_my_page_sections(request: Any) -> list[str]:
    """The visible sections as HTML, in order. Each template is rendered with its own
    context (plus `request`), so it reads its variables by name."""
    from django.template.loader import render_to_string
    from markupsafe import Markup

    out: list[str] = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.context_fn(request)
        if context is not None:
            out.append(Markup(render_to_string(section.template, context, request=request)))  # noqa: S704
    return out


# --- When a password changes ------------------------------------------------------------------
# Other apps that hold credentials of their own for a person (the API's personal access tokens)
# register a handler that revokes them; it runs inside the password change's transaction and
# returns how many it revoked (the page tells the person).
CredentialsHandler = Callable[[Any, Any], int]
_credentials_handlers: dict[str, CredentialsHandler] = {}


def register_password_change_handler(label: str, handler: CredentialsHandler) -> None:
    """`handler(user, actor)` revokes what `label` holds for `user` and returns the count."""
    _credentials_handlers[label] = handler


def run_password_change_handlers(user: Any, actor: Any) -> dict[str, int]:
    return {label: handler(user, actor) for label, handler in sorted(_credentials_handlers.items())}
