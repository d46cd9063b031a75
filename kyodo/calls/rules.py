"""Who may do what with calls, applications, reviews and grants.

Conflicts of interest are evaluated at access time, from the database (never from a
cache): a reviewer who joins the applicant organization after being assigned is blocked
on their very next request."""

from __future__ import annotations

from typing import Any

import rules

from kyodo.calls import selectors
from kyodo.calls.workflow import ApplicationStatus, GrantStatus
from kyodo.organizations.predicates import (
    department_ids,
    is_admin,
    is_coordinator,
    is_member_of,
    is_signed_in,
    manages,
)

can_manage_calls = is_coordinator | is_admin


@rules.predicate
def is_call_public(user: Any, call: Any) -> bool:
    return bool(call is not None and call.is_public)


@rules.predicate
def manages_applicant(user: Any, application: Any) -> bool:
    return application is not None and bool(manages(user, application.organization_id))


@rules.predicate
def is_applicant_member(user: Any, application: Any) -> bool:
    if application is None:
        return False
    if is_member_of(user, application.organization_id):
        return True
    return any(is_member_of(user, org.pk) for org in application.co_applicants.all())


@rules.predicate
def is_call_department_staff(user: Any, application: Any) -> bool:
    if application is None:
        return False
    dept = application.call.department_id
    return dept is not None and dept in department_ids(user)


@rules.predicate
def is_editable(user: Any, application: Any) -> bool:
    return application is not None and application.is_editable


@rules.predicate
def is_withdrawable(user: Any, application: Any) -> bool:
    return application is not None and application.status in (
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.RETURNED,
        ApplicationStatus.ELIGIBLE,
    )


@rules.predicate
def is_submitted(user: Any, application: Any) -> bool:
    return application is not None and application.status not in (
        ApplicationStatus.DRAFT,
        ApplicationStatus.WITHDRAWN,
    )


@rules.predicate
def is_awaiting_check(user: Any, application: Any) -> bool:
    return application is not None and application.status == ApplicationStatus.SUBMITTED


@rules.predicate
def is_under_review(user: Any, application: Any) -> bool:
    return application is not None and application.status == ApplicationStatus.ELIGIBLE


@rules.predicate
def is_assigned_reviewer(user: Any, application: Any) -> bool:
    if application is None or not getattr(user, "is_authenticated", False):
        return False
    return selectors.is_reviewer_for_round(user, application.round_id)


@rules.predicate
def has_conflict(user: Any, application: Any) -> bool:
    """Declared by the reviewer, or an active membership in an applicant organization."""
    if application is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(selectors.conflict_reasons(user, application))


@rules.predicate
def manages_grant_applicant(user: Any, grant: Any) -> bool:
    return grant is not None and bool(manages(user, grant.application.organization_id))


@rules.predicate
def is_grant_applicant_member(user: Any, grant: Any) -> bool:
    return grant is not None and bool(is_member_of(user, grant.application.organization_id))


@rules.predicate
def grant_awaits_settlement(user: Any, grant: Any) -> bool:
    return grant is not None and grant.status == GrantStatus.DECIDED


reviewer_without_conflict = is_assigned_reviewer & ~has_conflict

rules.add_perm("calls.view_call", is_call_public | can_manage_calls)
rules.add_perm("calls.manage_call", can_manage_calls)
rules.add_perm("calls.apply_to_call", is_signed_in & is_call_public)
rules.add_perm(
    "calls.view_application",
    is_applicant_member
    | can_manage_calls
    | (is_call_department_staff & is_submitted)
    | (is_submitted & reviewer_without_conflict),
)
rules.add_perm("calls.change_application", is_editable & (manages_applicant | can_manage_calls))
rules.add_perm("calls.submit_application", is_editable & (manages_applicant | can_manage_calls))
rules.add_perm("calls.withdraw_application", is_withdrawable & manages_applicant)
rules.add_perm("calls.check_application", can_manage_calls & is_awaiting_check)
rules.add_perm("calls.score_application", is_under_review & reviewer_without_conflict)
rules.add_perm("calls.view_scores", can_manage_calls | reviewer_without_conflict)
# Only once submitted: a draft (or withdrawn) application is the group's private business,
# and the conflict page would otherwise reveal its existence and title to the reviewers.
rules.add_perm("calls.declare_conflict", is_assigned_reviewer & is_submitted)
rules.add_perm("calls.decide_application", can_manage_calls)
rules.add_perm("calls.view_grant", is_grant_applicant_member | can_manage_calls)
rules.add_perm("calls.report_settlement", grant_awaits_settlement & manages_grant_applicant)
rules.add_perm("calls.request_change", grant_awaits_settlement & manages_grant_applicant)
rules.add_perm("calls.manage_grant", can_manage_calls)
