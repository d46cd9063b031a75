"""The authorization matrix: for every URL name, how to build its arguments and what each
role gets. tests/security/test_authz_matrix.py enumerates the URL conf: a URL name without
a row here (and not in PENDING) fails the test, so every new view must be described.

Outcomes: OK (2xx, or a redirect that is not to the login page), LOGIN (redirect to the
login page), FORBIDDEN (403), NOT_FOUND (404; the object's existence is not revealed),
NOT_ALLOWED (405: that method is not offered), GONE (4xx for an invalid link/token).

Roles (World below): anonymous; resident (signed in, no group); member (member of
`world.org`); representative (of `world.org`); other_rep (representative of another
group); other_staff (staff of a department that has nothing to do with the object);
coordinator (地域づくり推進課); reviewer and reviewer_conflict (calls rows attach them to a
round; elsewhere they are plain residents); admin (superuser).

A row: Row(method, kwargs=lambda w: {...}, data=lambda w: {...}, expect={...}).
Helpers build the common `expect` shapes: public(), signed_in(), only(roles, refused=...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OK, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, GONE = "ok", "login", "403", "404", "405", "gone"
# For API operations: 401 (no credentials) counts as LOGIN.
ROLES = (
    "anonymous",
    "resident",
    "member",
    "representative",
    "other_rep",
    "other_staff",
    "coordinator",
    "reviewer",
    "reviewer_conflict",
    "admin",
)
SIGNED_IN = ROLES[1:]


@dataclass
class World:
    """One shared set of objects per test (built once, every role is tried against it)."""

    users: dict[str, Any]
    org: Any
    other_org: Any
    department: Any
    other_department: Any
    objects: dict[str, Any] = field(default_factory=dict)


def _district_without_council(w: World) -> str:
    from kyodo.guideline.models import District

    district = District.objects.filter(council__isnull=True).order_by("order").first()
    return district.code if district else "none"


def build_world() -> World:
    from kyodo.accounts.tests.factories import UserFactory
    from kyodo.organizations.models import MembershipRole
    from kyodo.organizations.tests.factories import (
        DepartmentFactory,
        OrganizationFactory,
        make_coordinator,
        make_member,
    )

    org = OrganizationFactory()
    other_org = OrganizationFactory()
    department = DepartmentFactory()
    other_department = DepartmentFactory()
    users = {
        "anonymous": None,
        "resident": UserFactory(),
        "member": make_member(org),
        "representative": make_member(org, MembershipRole.REPRESENTATIVE),
        "other_rep": make_member(other_org, MembershipRole.REPRESENTATIVE),
        "other_staff": make_member(other_department),
        "coordinator": make_coordinator(),
        "reviewer": UserFactory(),
        "reviewer_conflict": UserFactory(),
        "admin": UserFactory(is_staff=True, is_superuser=True),
    }
    return World(
        users=users,
        org=org,
        other_org=other_org,
        department=department,
        other_department=other_department,
    )


@dataclass
class Row:
    expect: dict[str, str]
    method: str = "GET"
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    note: str = ""
    # For a pattern without a name: the path to request.
    path: str = ""
    # API writes: a JSON body.
    body: Callable[[World], Any] = lambda w: {}
    content_type: str = ""


def public(**overrides: str) -> dict[str, str]:
    return {**dict.fromkeys(ROLES, OK), **overrides}


def signed_in(**overrides: str) -> dict[str, str]:
    return {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN, **overrides}


def only(*allowed: str, refused: str = FORBIDDEN, anonymous: str = LOGIN) -> dict[str, str]:
    expect = dict.fromkeys(ROLES, refused)
    expect["anonymous"] = anonymous
    for role in allowed:
        expect[role] = OK
    return expect


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


# --- object builders ---------------------------------------------------------------------


def _offer(w: World) -> Any:
    if "offer" not in w.objects:
        from kyodo.organizations.models import OfferNeed

        w.objects["offer"] = OfferNeed.objects.create(
            organization=w.org,
            kind="offer",
            category=_first_choice(OfferNeed, "category"),
            title="会議室を貸せます",
            body="平日の夜",
            created_by=w.users["representative"],
        )
    return w.objects["offer"]


def _contact(w: World) -> Any:
    if "contact" not in w.objects:
        from kyodo.organizations.models import ContactRequest

        w.objects["contact"] = ContactRequest.objects.create(
            to_organization=w.org,
            sender=w.users["resident"],
            subject="相談",
            body="お話ししたいです",
        )
    return w.objects["contact"]


def _invitation(w: World) -> Any:
    if "invitation" not in w.objects:
        from django.utils import timezone

        from kyodo.organizations.models import Invitation

        w.objects["invitation"] = Invitation.objects.create(
            organization=w.org,
            email="invitee@example.jp",
            invited_by=w.users["representative"],
            expires_at=timezone.now() + dt.timedelta(days=7),
        )
    return w.objects["invitation"]


def _document(w: World) -> Any:
    if "document" not in w.objects:
        from django.core.files.base import ContentFile

        from kyodo.organizations.models import OrganizationDocument

        doc = OrganizationDocument(
            organization=w.org,
            kind=_first_choice(OrganizationDocument, "kind"),
            original_name="規約.pdf",
            content_type="application/pdf",
            uploaded_by=w.users["representative"],
        )
        doc.file.save("authz-test.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        doc.save()
        w.objects["document"] = doc
    return w.objects["document"]


def _pending_org(w: World) -> Any:
    if "pending_org" not in w.objects:
        from kyodo.organizations.models import RegistrationStatus
        from kyodo.organizations.tests.factories import OrganizationFactory

        w.objects["pending_org"] = OrganizationFactory(
            registration_status=RegistrationStatus.PROVISIONAL
        )
    return w.objects["pending_org"]


def _member_membership(w: World) -> Any:
    from kyodo.organizations.models import Membership

    return Membership.objects.get(organization=w.org, user=w.users["member"])


def _notification(w: World) -> Any:
    if "notification" not in w.objects:
        from kyodo.notifications.models import Notification

        w.objects["notification"] = Notification.objects.create(
            recipient=w.users["member"], kind="test", subject="お知らせ"
        )
    return w.objects["notification"]


def _first_choice(model: Any, field_name: str) -> str:
    return model._meta.get_field(field_name).choices[0][0]


ORG = lambda w: {"pk": w.org.pk}  # noqa: E731

# Pages about the city's own data and the site itself.
TABLE: dict[str, Row] = {
    # core and guideline
    "core:home": Row(public()),
    "core:accessibility": Row(public()),
    "core:health": Row(public()),
    "core:floor": Row(public()),
    "guideline:about": Row(public()),
    "set_language": Row(public(), method="POST", data=lambda w: {"language": "en", "next": "/"}),
    # accounts
    "accounts:signup": Row(public(**dict.fromkeys(SIGNED_IN, OK))),
    "accounts:signup-sent": Row(public()),
    "accounts:resend-confirmation": Row(
        public(), method="POST", data=lambda w: {"email": "nobody@example.jp"}
    ),
    "accounts:confirm-email": Row(everyone(GONE), kwargs=lambda w: {"token": "not-a-valid-token"}),
    "accounts:login": Row(public()),
    "accounts:logout": Row(public(), method="POST"),
    "accounts:password-reset": Row(public()),
    "accounts:password-reset-done": Row(public()),
    "accounts:password-reset-confirm": Row(
        public(),
        kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"},
        note="an invalid link shows a page saying so",
    ),
    "accounts:password-reset-complete": Row(public()),
    "accounts:password-change": Row(signed_in()),
    "accounts:me": Row(signed_in()),
    "accounts:profile-edit": Row(signed_in()),
    "accounts:email-change": Row(signed_in()),
    "accounts:email-change-confirm": Row(
        signed_in(**dict.fromkeys(SIGNED_IN, GONE)), kwargs=lambda w: {"token": "not-a-valid-token"}
    ),
    "accounts:export-my-data": Row(signed_in()),
    "accounts:delete": Row(signed_in()),
    "accounts:terms": Row(public()),
    "accounts:privacy": Row(public()),
    # notifications (each person's own)
    "notifications:inbox": Row(signed_in()),
    "notifications:mark_read": Row(
        only("member", refused=NOT_FOUND),
        method="POST",
        kwargs=lambda w: {"pk": _notification(w).pk},
        note="someone else's notification does not exist for you",
    ),
    "notifications:mark_all_read": Row(signed_in(), method="POST"),
    "notifications:preferences": Row(signed_in()),
    "notifications:mail-list": Row(
        signed_in(**dict.fromkeys(SIGNED_IN, NOT_FOUND)),
        note="only with the development mailbox e-mail backend (make run); 404 otherwise",
    ),
    "notifications:mail-detail": Row(
        signed_in(**dict.fromkeys(SIGNED_IN, NOT_FOUND)),
        kwargs=lambda w: {"name": "20260101T000000-" + "0" * 32 + ".eml"},
        note="a message is readable only by the person it was sent to (and admins)",
    ),
    "notifications:follow": Row(
        signed_in(**dict.fromkeys(SIGNED_IN, GONE)),
        method="POST",
        note="authorisation only: without a valid target every signed-in person gets 400",
    ),
    # privacy
    "privacy:audit-log": Row(only("admin")),
    "privacy:request-list": Row(signed_in()),
    "privacy:request-create": Row(signed_in()),
    # organizations
    "organizations:directory": Row(public()),
    "organizations:directory-export": Row(public(), kwargs=lambda w: {"fmt": "csv"}),
    "organizations:register": Row(signed_in()),
    "organizations:pending": Row(only("coordinator", "admin")),
    "organizations:import": Row(only("coordinator", "admin")),
    # the city's set-up (issue 25): administrators only
    "organizations:city-setup": Row(only("admin")),
    "organizations:city-setup-edit": Row(only("admin"), kwargs=lambda w: {"pk": w.department.pk}),
    "organizations:city-setup-coordinate": Row(
        only("admin"), method="POST", kwargs=lambda w: {"pk": w.other_department.pk}
    ),
    "organizations:city-setup-council": Row(
        only("admin"),
        method="POST",
        kwargs=lambda w: {"code": _district_without_council(w)},
        data=lambda w: {"name": "テスト地域会議"},
    ),
    "organizations:offer-list": Row(public()),
    "organizations:offer-detail": Row(public(), kwargs=lambda w: {"pk": _offer(w).pk}),
    "organizations:offer-edit": Row(
        only("representative", "admin"), kwargs=lambda w: {"pk": _offer(w).pk}
    ),
    "organizations:offer-status": Row(
        only("representative", "admin"),
        method="POST",
        kwargs=lambda w: {"pk": _offer(w).pk},
        data=lambda w: {"status": "closed"},
    ),
    "organizations:contact-inbox": Row(signed_in()),
    "organizations:contact-detail": Row(
        only("resident", "representative", "admin", refused=NOT_FOUND),
        kwargs=lambda w: {"pk": _contact(w).pk},
    ),
    "organizations:invitation-accept": Row(
        signed_in(**dict.fromkeys(SIGNED_IN, GONE)), kwargs=lambda w: {"token": "not-a-valid-token"}
    ),
    "organizations:detail": Row(public(), kwargs=ORG),
    "organizations:logo": Row(everyone(NOT_FOUND), kwargs=ORG, note="no logo uploaded"),
    "organizations:edit": Row(only("representative", "coordinator", "admin"), kwargs=ORG),
    "organizations:logo-upload": Row(
        only("representative", "coordinator", "admin"),
        method="POST",
        kwargs=ORG,
        data=lambda w: {"remove": "1"},
    ),
    "organizations:verify": Row(
        only("coordinator", "admin"),
        method="POST",
        kwargs=lambda w: {"pk": _pending_org(w).pk},
        note="a group waiting for verification; a verified one cannot be verified again",
    ),
    "organizations:suspend": Row(only("coordinator", "admin"), method="POST", kwargs=ORG),
    "organizations:renew": Row(only("representative", "admin"), method="POST", kwargs=ORG),
    "organizations:members": Row(
        only("representative", "coordinator", "admin"),
        kwargs=ORG,
        note="plain members do not see the member list",
    ),
    "organizations:invite": Row(
        only("representative", "admin"),
        method="POST",
        kwargs=ORG,
        data=lambda w: {"email": "new@example.jp", "role": "member"},
    ),
    "organizations:membership-action": Row(
        only("representative", "admin"),
        method="POST",
        kwargs=lambda w: {
            "pk": w.org.pk,
            "membership_pk": _member_membership(w).pk,
            "action": "approve",
        },
    ),
    "organizations:invitation-revoke": Row(
        only("representative", "admin"),
        method="POST",
        kwargs=lambda w: {"pk": w.org.pk, "invitation_pk": _invitation(w).pk},
    ),
    "organizations:join": Row(
        signed_in(member=FORBIDDEN, representative=FORBIDDEN), method="POST", kwargs=ORG
    ),
    "organizations:leave": Row(
        {**only("member"), "admin": NOT_FOUND},
        method="POST",
        kwargs=ORG,
        note="the representative must hand over first; an admin who is not a member has no membership to leave",
    ),
    "organizations:handover": Row(only("representative", "admin"), kwargs=ORG),
    # Registration documents: the group's managers and city staff (who check eligibility);
    # their existence is hidden (404) from everyone else.
    "organizations:documents": Row(
        only("representative", "other_staff", "coordinator", "admin", refused=NOT_FOUND), kwargs=ORG
    ),
    "organizations:document-download": Row(
        only("representative", "other_staff", "coordinator", "admin", refused=NOT_FOUND),
        kwargs=lambda w: {"pk": w.org.pk, "doc_pk": _document(w).pk},
    ),
    "organizations:document-delete": Row(
        {
            **only("representative", "admin", refused=NOT_FOUND),
            "other_staff": FORBIDDEN,
            "coordinator": FORBIDDEN,
        },
        method="POST",
        kwargs=lambda w: {"pk": w.org.pk, "doc_pk": _document(w).pk},
    ),
    "organizations:offer-create": Row(only("representative", "admin"), kwargs=ORG),
    "organizations:contact": Row(signed_in(), kwargs=ORG),
}

# URL names that existed when this table was written (2026-11-25 21:30) and whose rows the
# lead (or the app's engineer) still has to write. The test lists them; a URL name in
# neither TABLE nor PENDING fails. Delete a name here when its row is added.
PENDING: set[str] = {
    "DELETE /api/v1/events/{event_id}/registration",
    "DELETE /api/v1/issues/{issue_id}/support",
    "DELETE /api/v1/me/tokens/{token_id}",
    "GET /api/v1/events/{event_id}",
    "GET /api/v1/events/{event_id}/registration",
    "GET /api/v1/facilities/{facility_id}",
    "GET /api/v1/issues/{issue_id}",
    "GET /api/v1/issues/{issue_id}/comments",
    "GET /api/v1/news/{news_id}",
    "POST /api/v1/events/{event_id}/registration",
    "POST /api/v1/issues",
    "POST /api/v1/issues/{issue_id}/comments",
    "POST /api/v1/issues/{issue_id}/support",
    "api:open-data-download",
    "api:token-revoke",
    "calls:adopted-export",
    "calls:application-budget",
    "calls:application-check",
    "calls:application-conflict",
    "calls:application-decide",
    "calls:application-detail",
    "calls:application-documents",
    "calls:application-edit",
    "calls:application-presentation",
    "calls:application-roles",
    "calls:application-score",
    "calls:application-submit",
    "calls:application-withdraw",
    "calls:apply",
    "calls:call-create",
    "calls:call-edit",
    "calls:call-publish",
    "calls:change-decide",
    "calls:criteria",
    "calls:detail",
    "calls:document-download",
    "calls:funding-rules",
    "calls:grant-action",
    "calls:grant-change",
    "calls:grant-decide",
    "calls:grant-detail",
    "calls:grant-notice",
    "calls:grant-settlement",
    "calls:list",
    "calls:manage",
    "calls:my-applications",
    "calls:my-reviews",
    "calls:receipt-download",
    "calls:required-documents",
    "calls:results",
    "calls:round-create",
    "calls:round-edit",
    "calls:round-publish",
    "calls:round-ranking",
    "calls:round-reviewers",
    "challenges:issue_comment",
    "challenges:issue_create",
    "challenges:issue_detail",
    "challenges:issue_feed",
    "challenges:issue_feed_district",
    "challenges:issue_link_offer",
    "challenges:issue_list",
    "challenges:issue_manage",
    "challenges:issue_photo",
    "challenges:issue_support",
    "challenges:moderation_decide",
    "challenges:moderation_queue",
    "challenges:report_content",
    "challenges:theme_map",
    "districts:annual-report",
    "districts:annual-report-pdf",
    "districts:attachment",
    "districts:council-manage",
    "districts:detail",
    "districts:list",
    "districts:meeting-create",
    "districts:meeting-detail",
    "districts:meeting-publish",
    "districts:subcommittee-detail",
    "events:booking-decide",
    "events:booking-list",
    "events:booking-lottery",
    "events:booking-request",
    "events:calendar-token",
    "events:check-in",
    "events:create",
    "events:detail",
    "events:edit",
    "events:export",
    "events:facility-detail",
    "events:facility-list",
    "events:feedback",
    "events:ical-event",
    "events:ical-organization",
    "events:ical-person",
    "events:journey",
    "events:list",
    "events:manage",
    "events:publish",
    "events:question-delete",
    "events:register",
    "events:registration-cancel",
    "events:steps-stats",
    "news:item_create",
    "news:item_detail",
    "news:item_edit",
    "news:item_feed",
    "news:item_feed_district",
    "news:item_list",
    "projects:agreement",
    "projects:agreement-approve",
    "projects:agreement-edit",
    "projects:agreement-pdf",
    "projects:agreement-version",
    "projects:agreement-version-pdf",
    "projects:cancel",
    "projects:change-create",
    "projects:change-decide",
    "projects:checklist",
    "projects:completion",
    "projects:consultation",
    "projects:create",
    "projects:detail",
    "projects:document",
    "projects:edit",
    "projects:evaluation",
    "projects:indicator-create",
    "projects:invite",
    "projects:lessons",
    "projects:list",
    "projects:milestone-complete",
    "projects:milestone-create",
    "projects:overdue-evaluations",
    "projects:photo",
    "projects:progress-create",
    "projects:target-create",
    "projects:theme-answer",
    "projects:theme-close",
    "projects:theme-create",
    "projects:theme-detail",
    "projects:theme-list",
    "projects:transition",
    "promotion:calendar",
    "promotion:course",
    "promotion:course-module",
    "promotion:index",
    "promotion:learning-summary",
    "promotion:liaison-remove",
    "promotion:liaisons",
    "promotion:record-delete",
    "promotion:request-create",
    "promotion:request-detail",
    "promotion:requests",
    "promotion:self-check",
    "promotion:survey",
    "promotion:survey-close",
    "promotion:survey-import",
    "promotion:survey-index",
    "promotion:survey-remind",
    "promotion:survey-submit",
    "reports:annual",
    "reports:annual-pdf",
    "reports:annual-xlsx",
    "reports:dashboard",
    "reports:index",
    "search:go",
    "search:results",
    "search:suggest",
}


# The API's own URL patterns are checked per operation in API_TABLE, keyed "METHOD /path"
# as in the OpenAPI schema; its catch-all 404 route is here.
API_ROUTES_ELSEWHERE: set[str] = set()

TABLE.update(
    {
        "api:index": Row(public()),
        "api:docs": Row(public()),
        "api:docs-asset": Row(
            everyone(NOT_FOUND),
            kwargs=lambda w: {"name": "settings.py"},
            note="only the bundled docs assets are served",
        ),
        "api/^v1/(?P<rest>.*)$": Row(everyone(NOT_FOUND), path="/api/v1/no-such-operation"),
        "api:tokens": Row(signed_in()),
        "api:open-data": Row(public()),
    }
)

_ME = {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN}
API_TABLE: dict[str, Row] = {
    **{
        f"GET /api/v1/{path}": Row(public())
        for path in (
            "events",
            "facilities",
            "issues",
            "news",
            "organizations",
            "guideline/actor-types",
            "guideline/districts",
            "guideline/evaluation-items",
            "guideline/fields",
            "guideline/forms",
            "guideline/municipality",
            "guideline/organization-types",
            "guideline/principles",
            "guideline/rubric-criteria",
            "guideline/steps",
            "guideline/tiers",
        )
    },
    "GET /api/v1/organizations/{organization_id}": Row(
        public(), kwargs=lambda w: {"organization_id": w.org.pk}
    ),
    "GET /api/v1/open-data": Row(
        everyone(NOT_FOUND), note="no open-data package has been built yet"
    ),
    "GET /api/v1/me": Row(_ME),
    "GET /api/v1/me/tokens": Row(_ME),
}


def _merge_app_rows() -> None:
    """Rows written per app in tests/security/authz_rows/<module>.py (one file per owner)."""
    import importlib
    import pkgutil

    from tests.security import authz_rows

    for info in sorted(pkgutil.iter_modules(authz_rows.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{authz_rows.__name__}.{info.name}")
        assert hasattr(module, "ROWS") or hasattr(module, "API_ROWS"), (
            f"{module.__name__} defines no ROWS/API_ROWS (or was merged half-loaded)"
        )
        for name in getattr(module, "ROWS", {}):
            assert name not in TABLE, f"two rows for {name}"
        for name in getattr(module, "API_ROWS", {}):
            assert name not in API_TABLE, f"two rows for {name}"
        TABLE.update(getattr(module, "ROWS", {}))
        API_TABLE.update(getattr(module, "API_ROWS", {}))
    PENDING.difference_update(TABLE, API_TABLE)


_merge_app_rows()
