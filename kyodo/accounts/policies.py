"""The terms of use and the privacy policy (利用規約, 個人情報の取扱い), drawn from the
municipality's guideline file ([settings.policies]; every key optional, with defaults here) and
from the retention periods the platform actually applies (settings.KYODO_RETENTION_DAYS)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kyodo.guideline.selectors import setting, site_municipality


@dataclass(frozen=True)
class Article:
    title: str
    body: str


def _text(key: str, default: str) -> str:
    value = setting(f"policies.{key}")
    return str(value) if isinstance(value, str) and value.strip() else default


def _list(key: str, default: list[Any]) -> list[Any]:
    value = setting(f"policies.{key}")
    return list(value) if isinstance(value, list) and value else default


def _updated() -> dt.date | None:
    value = setting("policies.updated")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _operator() -> str:
    muni = site_municipality()
    default = f"{muni.name}（{muni.contact_department}）" if muni else _("the city")
    return _text("operator", default)


def terms_of_use() -> dict[str, Any]:
    default_articles = [
        {
            "title": pgettext("terms article", "Purpose"),
            "body": _(
                "These terms govern the use of this collaboration portal, run by the city so that "
                "residents, groups, businesses and the city can share information and work on "
                "local issues together."
            ),
        },
        {
            "title": _("Your account"),
            "body": _(
                "Register with accurate information and keep your e-mail address and password "
                "to yourself. One account per person."
            ),
        },
        {
            "title": _("What is not allowed"),
            "body": _(
                "Posts that break the law, publish someone else's personal data without their "
                "consent, defame people or groups, advertise for profit only, campaign for an "
                "election or a religion, or disturb the running of the site."
            ),
        },
        {
            "title": _("Your posts"),
            "body": _(
                "You keep the copyright of what you post. The city may use it free of charge to "
                "run the site, promote collaboration and publish open data (never personal "
                "data). Posts that break these terms may be hidden without notice."
            ),
        },
        {
            "title": pgettext("terms article", "Changes"),
            "body": _("The city may change these terms; changes are announced on the site."),
        },
    ]
    articles = [
        Article(str(a.get("title", "")), str(a.get("body", "")))
        for a in _list("terms", default_articles)
        if isinstance(a, dict)
    ]
    return {"operator": _operator(), "updated": _updated(), "articles": articles}


def _days_label(days: int) -> str:
    if days % 365 == 0:
        return _("%(n)s years") % {"n": days // 365}
    return _("%(n)s days") % {"n": days}


def retention_rows() -> list[tuple[str, str]]:
    """What is kept how long: the periods the anonymisation task applies (privacy app)."""
    days = settings.KYODO_RETENTION_DAYS
    labels = {
        "inactive_account": _(
            "An account nobody has used (deleted after this long without a login)"
        ),
        "event_registration_personal": _(
            "Contact details given when registering for an event (after the event)"
        ),
        "contact_request": _("Messages sent to a group through the site"),
        "audit_private_view": _("The record of staff viewing someone's private data"),
    }
    return [(labels[key], _days_label(int(days[key]))) for key in labels if key in days]


def privacy_policy() -> dict[str, Any]:
    muni = site_municipality()
    return {
        "operator": _operator(),
        "updated": _updated(),
        "collected": [
            _("Your e-mail address, display name, and the password (stored only as a hash)"),
            _(
                "What you choose to give: real name, kana, phone, postal code and address, "
                "district, fields of interest"
            ),
            _(
                "What you do on the site: local issues, comments, supports, follows, event "
                "registrations and feedback, group memberships, applications, messages"
            ),
            _("Notifications sent to you and your e-mail settings"),
        ],
        "purposes": [
            str(p)
            for p in _list(
                "privacy_purposes",
                [
                    _("To run your account and let you sign in"),
                    _("To handle what you take part in and tell you about it, by e-mail too"),
                    _("To give an organiser the details you agreed to share"),
                    _("To make statistics that identify no one"),
                    _("To prevent abuse and keep the site secure"),
                ],
            )
        ],
        "third_party": _text(
            "privacy_third_party",
            _(
                "Your personal data is not given to anyone else without your consent, except "
                "where the law requires it. Only your display name and what you choose to "
                "publish are public."
            ),
        ),
        "security": _text(
            "privacy_security",
            _(
                "Connections are encrypted, only the staff who need it may see personal data, "
                "and every such view is recorded."
            ),
        ),
        "retention": retention_rows(),
        "requests": _text(
            "privacy_requests",
            _(
                "You can see, correct, download and delete your own data from My page. For "
                "anything My page cannot do, ask the contact below."
            ),
        ),
        "municipality": muni,
    }
