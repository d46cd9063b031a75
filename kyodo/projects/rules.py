"""Who may do what with a project. Roles are about the person's relation to the project's
partners; whether the project is in the right state is checked by the services (and by
kyodo.projects.selectors.available_actions for the pages).

- party member: an active member of any partner organization;
- party manager: representative, officer or administrator of a partner group, or staff of
  a partner department;
- party signer: the representative of a partner group, or staff of a partner department
  (the people who approve the agreement and change requests for their organization);
- department staff: staff of a partner department;
- coordinator (地域づくり推進課) and administrator: may run any project's workflow, but
  approve and evaluate only for an organization that is a partner.
"""

from __future__ import annotations

from typing import Any

import rules

from kyodo.organizations.models import MembershipRole
from kyodo.organizations.predicates import (
    active_memberships,
    is_admin,
    is_city_staff,
    is_coordinator,
    is_signed_in,
)

MANAGER_ROLES = (MembershipRole.REPRESENTATIVE, MembershipRole.OFFICER, MembershipRole.CLERK)
_PARTNERS_ATTR = "_kyodo_partner_orgs"


def partner_orgs(project: Any) -> dict[int, tuple[bool, bool]]:
    """{organization_id: (is_department, is_lead)}, loaded once per project object."""
    cached = getattr(project, _PARTNERS_ATTR, None)
    if cached is None:
        from kyodo.projects.models import ProjectPartner

        cached = {
            p.organization_id: (p.organization.org_type.actor_type.is_government, p.is_lead)
            for p in ProjectPartner.objects.filter(project=project).select_related(
                "organization__org_type__actor_type"
            )
        }
        setattr(project, _PARTNERS_ATTR, cached)
    return cached


def forget_partners(project: Any) -> None:
    for attr in (_PARTNERS_ATTR, "_kyodo_partners"):  # see selectors.partners_of
        if hasattr(project, attr):
            delattr(project, attr)


def _project_of(obj: Any) -> Any:
    """The project of a project, agreement, change request or document."""
    if obj is None:
        return None
    from kyodo.projects.models import Project

    if isinstance(obj, Project):
        return obj
    return getattr(obj, "project", None)


def remember_partners(project: Any, partners: Any) -> None:
    """Seed partner_orgs from ProjectPartner rows already loaded with their organization's
    type (selectors.partners_of), so the rules do not load them again."""
    setattr(
        project,
        _PARTNERS_ATTR,
        {
            p.organization_id: (p.organization.org_type.actor_type.is_government, p.is_lead)
            for p in partners
        },
    )


def signer_org_ids(user: Any, project: Any) -> set[int]:
    """Partner organizations this user may approve or decide for."""
    memberships = active_memberships(user)
    if not memberships:  # anonymous visitors and people without a group: nothing to load
        return set()
    partners = partner_orgs(project)
    out = set()
    for m in memberships:
        info = partners.get(m.organization_id)
        if info is None:
            continue
        is_department, _lead = info
        if is_department or m.role == MembershipRole.REPRESENTATIVE:
            out.add(m.organization_id)
    return out


def manager_org_ids(user: Any, project: Any) -> set[int]:
    """Partner organizations this user may act for (reports, evaluations, requests)."""
    memberships = active_memberships(user)
    if not memberships:
        return set()
    partners = partner_orgs(project)
    out = set()
    for m in memberships:
        info = partners.get(m.organization_id)
        if info is None:
            continue
        if info[0] or m.role in MANAGER_ROLES:
            out.add(m.organization_id)
    return out


@rules.predicate
def is_party_member(user: Any, obj: Any) -> bool:
    project = _project_of(obj)
    if project is None or not getattr(user, "is_authenticated", False):
        return False
    partners = partner_orgs(project)
    return any(m.organization_id in partners for m in active_memberships(user))


@rules.predicate
def is_party_manager(user: Any, obj: Any) -> bool:
    project = _project_of(obj)
    return project is not None and bool(manager_org_ids(user, project))


@rules.predicate
def is_party_signer(user: Any, obj: Any) -> bool:
    project = _project_of(obj)
    return project is not None and bool(signer_org_ids(user, project))


@rules.predicate
def is_party_department_staff(user: Any, obj: Any) -> bool:
    project = _project_of(obj)
    if project is None:
        return False
    partners = partner_orgs(project)
    return any(partners.get(m.organization_id, (False, False))[0] for m in active_memberships(user))


@rules.predicate
def is_lead_manager(user: Any, obj: Any) -> bool:
    project = _project_of(obj)
    if project is None:
        return False
    partners = partner_orgs(project)
    return any(
        partners.get(m.organization_id, (False, False))[1] and m.role in MANAGER_ROLES
        for m in active_memberships(user)
    )


@rules.predicate
def is_project_public(user: Any, obj: Any) -> bool:
    project = _project_of(obj)
    return project is not None and bool(project.is_public)


@rules.predicate
def is_project_creator(user: Any, obj: Any) -> bool:
    project = _project_of(obj)
    return (
        project is not None
        and getattr(user, "pk", None) is not None
        and project.created_by_id == user.pk
    )


@rules.predicate
def is_theme_department_staff(user: Any, theme: Any) -> bool:
    return theme is not None and any(
        m.organization_id == theme.department_id for m in active_memberships(user)
    )


@rules.predicate
def manages_any_group(user: Any) -> bool:
    return any(
        m.role in MANAGER_ROLES and not m.organization.org_type.actor_type.is_government
        for m in active_memberships(user)
    )


is_steward = is_coordinator | is_admin
can_run = is_party_manager | is_steward

rules.add_perm(
    "projects.view_project", is_project_public | is_party_member | is_project_creator | is_steward
)
rules.add_perm("projects.view_consultation", is_party_member | is_steward)
rules.add_perm(
    "projects.add_project", is_signed_in & (manages_any_group | is_city_staff | is_steward)
)
rules.add_perm("projects.change_project", can_run)
rules.add_perm("projects.post_message", is_party_member | is_steward)
rules.add_perm("projects.invite_department", is_party_department_staff | is_steward)
# Transitions
rules.add_perm("projects.consult_project", can_run)
rules.add_perm("projects.draft_agreement", can_run)
rules.add_perm("projects.change_agreement", can_run)
rules.add_perm("projects.approve_agreement", is_party_signer)
rules.add_perm("projects.start_project", can_run)
rules.add_perm("projects.finish_project", can_run)
rules.add_perm("projects.submit_completionreport", can_run)
rules.add_perm("projects.close_project", is_party_department_staff | is_lead_manager | is_steward)
rules.add_perm("projects.cancel_project", is_party_department_staff | is_lead_manager | is_steward)
# Implementation and evaluation
rules.add_perm("projects.add_progressreport", is_party_manager | is_steward)
rules.add_perm("projects.add_changerequest", is_party_manager)
rules.add_perm("projects.decide_changerequest", is_party_signer)
rules.add_perm("projects.evaluate_project", is_party_manager)
rules.add_perm("projects.record_lessons", can_run)
rules.add_perm("projects.view_overdue_evaluations", is_steward)
# City-proposed themes
rules.add_perm("projects.add_theme", is_city_staff | is_steward)
rules.add_perm("projects.change_theme", is_theme_department_staff | is_steward)
rules.add_perm("projects.answer_theme", is_signed_in & manages_any_group)


def can_act(user: Any, project: Any, action: str) -> bool:
    """The one answer to "may this person do this on this project now": the permission rule
    and the stage, from kyodo.projects.workflow.ACTIONS."""
    from kyodo.projects.workflow import ACTIONS

    perm, statuses = ACTIONS[action]
    return project.status in statuses and bool(user.has_perm(perm, project))


def check_action(user: Any, project: Any, action: str) -> None:
    """Raise what `can_act` answers no to: PermissionDenied for the person, ValidationError
    (code "invalid_state") for the stage. Services call it on the locked project."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.translation import gettext as _

    from kyodo.projects.workflow import ACTIONS, ProjectStatus

    perm, statuses = ACTIONS[action]
    if not user.has_perm(perm, project):
        raise PermissionDenied(perm)
    if project.status not in statuses:
        raise ValidationError(
            _("This cannot be done while the project is “%(status)s”.")
            % {"status": ProjectStatus(project.status).label},
            code="invalid_state",
        )
