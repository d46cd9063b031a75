"""Who may do what with local issues, and with reported content (moderation).

| action                         | anonymous | resident | dept. staff            | coordinator | admin |
|--------------------------------|-----------|----------|------------------------|-------------|-------|
| view issues, themes, feeds     | yes       | yes      | yes                    | yes         | yes   |
| raise an issue                 | –         | yes      | yes                    | yes         | yes   |
| support (共感) / comment        | –         | yes (not own issue for support; not hidden) | yes | yes | yes |
| triage, change status, answer  | –         | –        | unassigned or own dept | yes         | yes   |
| report content                 | –         | yes      | yes                    | yes         | yes   |
| see reports, hide content      | –         | –        | –                      | yes         | yes   |
"""

from __future__ import annotations

from typing import Any

import rules

from kyodo.challenges.workflow import CLOSED_STATUSES
from kyodo.organizations.predicates import (
    department_ids,
    is_admin,
    is_city_staff,
    is_coordinator,
    is_signed_in,
    manages,
)


@rules.predicate
def is_issue_author(user: Any, issue: Any) -> bool:
    return issue is not None and issue.author_id == getattr(user, "pk", None)


@rules.predicate
def is_hidden(user: Any, obj: Any) -> bool:
    return obj is not None and getattr(obj, "hidden_at", None) is not None


@rules.predicate
def is_closed(user: Any, issue: Any) -> bool:
    return issue is not None and issue.status in CLOSED_STATUSES


@rules.predicate
def is_unassigned_or_own_department(user: Any, issue: Any) -> bool:
    if issue is None:
        return False
    if issue.responsible_department_id is None:
        return True
    return issue.responsible_department_id in department_ids(user)


@rules.predicate
def manages_offer_organization(user: Any, offer: Any) -> bool:
    return offer is not None and bool(manages(user, getattr(offer, "organization_id", None)))


can_triage = is_signed_in & (
    is_coordinator | is_admin | (is_city_staff & is_unassigned_or_own_department)
)

rules.add_perm("challenges.view_issue", rules.always_allow)
rules.add_perm("challenges.add_issue", is_signed_in)
rules.add_perm(
    "challenges.support_issue", is_signed_in & ~is_issue_author & ~is_hidden & ~is_closed
)
rules.add_perm("challenges.comment_issue", is_signed_in & ~is_hidden)
rules.add_perm("challenges.triage_issue", can_triage & ~is_hidden)
rules.add_perm("challenges.change_status_issue", can_triage & ~is_hidden)
rules.add_perm("challenges.answer_issue", can_triage & ~is_hidden)
# Link an offer/need to an issue: the offer's group managers (obj = the offer), or staff who
# may triage the issue (checked in the service with challenges.triage_issue).
rules.add_perm(
    "challenges.link_offer",
    is_signed_in & (manages_offer_organization | is_coordinator | is_admin | is_city_staff),
)
rules.add_perm("challenges.view_theme_map", rules.always_allow)
rules.add_perm("challenges.report_content", is_signed_in)
rules.add_perm("challenges.moderate_content", is_signed_in & (is_coordinator | is_admin))
