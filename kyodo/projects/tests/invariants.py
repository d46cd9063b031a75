"""The invariants of collaboration projects and agreements, as checks over the database.

Each check is one statement of docs/projects.md ("Invariants"). The state-machine test runs
them after every step, and test_demo_invariants runs them over what seed_demo writes.
A check returns a list of problems (empty: the invariant holds), so a failure names every
row that breaks it."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from kyodo.projects.models import (
    Agreement,
    AgreementApproval,
    AgreementParty,
    AgreementVersion,
    ChangeApproval,
    ChangeRequest,
    Project,
    ProjectPartner,
)
from kyodo.projects.services import changes_terms
from kyodo.projects.workflow import ChangeRequestStatus, ProjectStatus

S = ProjectStatus
SIGNED = (S.AGREED, S.IN_PROGRESS, S.COMPLETION_REPORT, S.EVALUATION, S.CLOSED)


def project_problems(projects: QuerySet[Project] | None = None) -> list[str]:
    qs = Project.objects.all() if projects is None else projects
    ids = list(qs.values_list("pk", flat=True))
    problems: list[str] = []
    partners: dict[int, set[int]] = defaultdict(set)
    non_city_partner: set[int] = set()
    for project_id, org_id, is_gov in ProjectPartner.objects.filter(project_id__in=ids).values_list(
        "project_id", "organization_id", "organization__org_type__actor_type__is_government"
    ):
        partners[project_id].add(org_id)
        if not is_gov:
            non_city_partner.add(project_id)

    parties: dict[int, list[AgreementParty]] = defaultdict(list)
    for party in AgreementParty.objects.filter(
        version__agreement__project_id__in=ids
    ).select_related("organization__org_type__actor_type"):
        parties[party.version_id].append(party)
    approvals: dict[int, set[int]] = defaultdict(set)
    for version_id, org_id in AgreementApproval.objects.filter(
        version__agreement__project_id__in=ids
    ).values_list("version_id", "organization_id"):
        approvals[version_id].add(org_id)
    agreements = {
        a.project_id: a
        for a in Agreement.objects.filter(project_id__in=ids).select_related("signed_version")
    }
    versions: dict[int, list[AgreementVersion]] = defaultdict(list)
    for v in AgreementVersion.objects.filter(agreement__project_id__in=ids).order_by("number"):
        versions[v.agreement_id].append(v)

    # P1 the city is 甲 and only the city: every party's designation matches its organization.
    for version_parties in parties.values():
        letters = [p.designation for p in version_parties if not p.is_city]
        if len(set(letters)) != len(letters):
            problems.append(f"P1 version {version_parties[0].version_id}: letters repeat {letters}")
        for p in version_parties:
            is_gov = p.organization.org_type.actor_type.is_government
            if p.is_city != is_gov or (p.designation == "甲") != is_gov:
                problems.append(f"P1 party {p.pk}: 甲 ↔ city broken ({p.designation})")

    for project in qs.only(
        "pk", "status", "city_share_yen", "agreed_at", "theme_id"
    ).select_related("theme"):
        agreement = agreements.get(project.pk)
        signed = agreement.signed_version if agreement else None
        # P2 a project past 協定締結 has a signed agreement, and a collaboration has a partner
        # that is not the city.
        if project.status in SIGNED:
            if signed is None:
                problems.append(
                    f"P2 project {project.pk} is {project.status} with no signed version"
                )
            if project.pk not in non_city_partner:
                problems.append(f"P2 project {project.pk} is {project.status} with the city alone")
        if signed is not None:
            signed_parties = parties[signed.pk]
            # P3 signed only when every party approved that same version, one of them not
            # the city; and the signature is dated.
            missing = {p.organization_id for p in signed_parties} - approvals[signed.pk]
            if missing:
                problems.append(f"P3 project {project.pk}: signed v{signed.number} lacks {missing}")
            if not any(not p.is_city for p in signed_parties):
                problems.append(f"P3 project {project.pk}: signed by the city alone")
            if agreement is not None and agreement.signed_at is None:
                problems.append(f"P3 project {project.pk}: signed without a date")
            # P4 one amount: the project's city share is what the signed agreement says.
            city_total = sum(int(p.share_yen) for p in signed_parties if p.is_city)
            if project.status != S.CANCELLED and city_total != int(project.city_share_yen):
                problems.append(
                    f"P4 project {project.pk}: city share {project.city_share_yen} but the "
                    f"signed agreement says {city_total}"
                )
            # P5 nothing is drafted after signing: the signed version is the latest.
            if agreement is not None and versions[agreement.pk][-1].pk != signed.pk:
                problems.append(f"P5 project {project.pk}: a version after the signed one")
        # P6 while the agreement is drafted, the parties of the current version are exactly
        # the partners (a partner invited meanwhile is made a party at once).
        if project.status == S.AGREEMENT_DRAFTING:
            current = agreement.current_version_id if agreement else None
            if current is None:
                problems.append(f"P6 project {project.pk}: drafting with no version")
            elif {p.organization_id for p in parties[current]} != partners[project.pk]:
                problems.append(f"P6 project {project.pk}: parties differ from partners")
        # P7 a theme's ceiling bounds the city share of the projects answering it.
        theme = project.theme
        if (
            theme is not None
            and theme.budget_ceiling_yen
            and project.city_share_yen > theme.budget_ceiling_yen
        ):
            problems.append(
                f"P7 project {project.pk}: city share {project.city_share_yen} over the "
                f"ceiling {theme.budget_ceiling_yen}"
            )

    # P8 a change request is decided by its approvals; an approved change of the terms is a
    # signed change agreement (変更協定) of its own.
    decisions: dict[int, list[bool]] = defaultdict(list)
    for cr_id, approved in ChangeApproval.objects.filter(
        change_request__project_id__in=ids
    ).values_list("change_request_id", "approved"):
        decisions[cr_id].append(approved)
    change_versions = {
        v.change_request_id: v
        for v in AgreementVersion.objects.filter(
            agreement__project_id__in=ids, change_request__isnull=False
        )
    }
    for cr in ChangeRequest.objects.filter(project_id__in=ids):
        votes = decisions[cr.pk]
        if cr.status == ChangeRequestStatus.REJECTED and all(votes):
            problems.append(f"P8 change {cr.pk}: rejected with no refusal")
        if cr.status in (ChangeRequestStatus.PENDING, ChangeRequestStatus.APPROVED) and not all(
            votes
        ):
            problems.append(f"P8 change {cr.pk}: {cr.status} despite a refusal")
        version = change_versions.get(cr.pk)
        if cr.status == ChangeRequestStatus.APPROVED and changes_terms(cr):
            if version is None:
                problems.append(f"P8 change {cr.pk}: approved with no change agreement")
            else:
                lacking = {p.organization_id for p in parties[version.pk]} - approvals[version.pk]
                if lacking:
                    problems.append(f"P8 change agreement v{version.number} lacks {lacking}")
        elif version is not None:
            problems.append(f"P8 change {cr.pk}: a change agreement for a change not approved")
    return problems


def counted_problems(fiscal_year: int) -> list[str]:
    """P9 the annual report counts only collaborations: every counted project has a signed
    agreement with a party that is not the city."""
    from kyodo.reports.selectors import counted_projects

    problems = []
    for project in counted_projects(fiscal_year):
        agreement = (
            Agreement.objects.filter(project=project).select_related("signed_version").first()
        )
        if agreement is None or agreement.signed_version is None:
            problems.append(f"P9 counted project {project.pk} has no signed agreement")
        elif not agreement.signed_version.parties.filter(is_city=False).exists():
            problems.append(f"P9 counted project {project.pk} signed by the city alone")
    return problems
