"""Who may publish news (お知らせ).

| action                          | anonymous | resident | group manager   | dept. staff      | coordinator      | admin |
|---------------------------------|-----------|----------|-----------------|------------------|------------------|-------|
| read news, feeds                | yes       | yes      | yes             | yes              | yes              | yes   |
| publish for an organization     | –         | –        | for their group | for their dept.  | any department   | any   |
| edit a news item                | –         | –        | their group's   | their dept.'s    | any department's | any   |
"""

from __future__ import annotations

from typing import Any

import rules

from kyodo.organizations.models import Organization
from kyodo.organizations.predicates import (
    department_ids,
    is_admin,
    is_coordinator,
    is_signed_in,
    manages,
    organization_ids,
)


@rules.predicate
def can_publish_for(user: Any, org: Any) -> bool:
    if not isinstance(org, Organization):
        return False
    if org.is_department:
        return org.pk in department_ids(user) or bool(is_coordinator(user))
    return bool(manages(user, org))


@rules.predicate
def can_publish_somewhere(user: Any) -> bool:
    return bool(organization_ids(user)) and (
        bool(department_ids(user))
        or bool(organization_ids(user, ("representative", "officer", "clerk")))
    )


@rules.predicate
def can_edit_item(user: Any, item: Any) -> bool:
    return item is not None and bool(can_publish_for(user, item.organization))


rules.add_perm("news.view_newsitem", rules.always_allow)
rules.add_perm("news.add_newsitem", is_signed_in & (can_publish_somewhere | is_admin))
rules.add_perm("news.publish_for_organization", is_signed_in & (can_publish_for | is_admin))
rules.add_perm("news.change_newsitem", is_signed_in & (can_edit_item | is_admin))
