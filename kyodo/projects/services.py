"""Every write to projects: one function per action, each checking the same rule as the
view, validating, writing inside a transaction, auditing state changes, re-indexing and
notifying the partners."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kyodo.accounts.models import User
from kyodo.core.audit import record_event
from kyodo.core.fields import MAX_YEN
from kyodo.core.formatting import fiscal_year_bounds
from kyodo.core.hooks import content_changed
from kyodo.core.uploads import clean_document, clean_image
from kyodo.guideline.models import (
    CollaborationForm,
    District,
    EvaluationItem,
    Field,
    Principle,
    Tier,
)
from kyodo.notifications.services import followers_of, notify
from kyodo.organizations.models import MembershipStatus, Organization
from kyodo.projects import rules as project_rules
from kyodo.projects.models import (
    Agreement,
    AgreementApproval,
    AgreementParty,
    AgreementVersion,
    ChangeApproval,
    ChangeRequest,
    ChecklistAnswer,
    CompletionReport,
    ConsultationMessage,
    Evaluation,
    EvaluationReminder,
    EvaluationScore,
    Indicator,
    Milestone,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectDocument,
    ProjectPartner,
    Role,
    Target,
    Theme,
)
from kyodo.projects.workflow import (
    ACTIVE_STATUSES,
    INITIAL_STATUSES,
    PUBLIC_STATUSES,
    STAMPS,
    ChangeRequestStatus,
    EvaluationKind,
    Origin,
    Phase,
    ProjectStatus,
    ThemeStatus,
    can_transition,
)

S = ProjectStatus
DESIGNATIONS = "乙丙丁戊己庚辛壬癸"

# Default clause texts: the content of a Japanese agreement, edited by the partners. `{all}`
# is every party (甲及び乙, 甲、乙及び丙 …) and `{others}` the parties other than the city.
_CLAUSE_INFORMATION = (
    "{all}は、本事業の実施に必要な情報を相互に速やかに提供し、共有する。"
    "本事業の内容及び成果は、個人情報を除き、市のウェブサイト等で公開する。"
)
_CLAUSE_RESPONSIBILITY = (
    "本事業の実施に伴う事故等の責任は、役割分担表に定める各当事者の担当に応じて負う。"
    "{others}は必要に応じて行事保険等に加入し、甲は市民活動保険の適用について協力する。"
)
_CLAUSE_CHANGE = (
    "本協定の内容を変更するときは、全ての当事者が協議し、全員の合意により変更する。"
    "やむを得ない事由により事業の継続が困難となったときは、協議の上、本協定を解除することができる。"
)
_CLAUSE_RESULTS = "本事業の成果物の権利は、{all}が協議して定める。"


def join_designations(letters: Sequence[str]) -> str:
    """甲 → 甲; 甲, 乙 → 甲及び乙; 甲, 乙, 丙 → 甲、乙及び丙 (公用文の並列)."""
    letters = list(dict.fromkeys(letters))
    if len(letters) <= 1:
        return "".join(letters)
    return "、".join(letters[:-1]) + "及び" + letters[-1]


def default_clauses(designations: Sequence[str]) -> dict[str, str]:
    """The default clauses worded for the actual parties (甲 is the city)."""
    others = [d for d in designations if d != "甲"] or ["乙"]
    everyone = ["甲", *others]
    words = {"all": join_designations(everyone), "others": join_designations(others)}
    return {
        "clause_information": _CLAUSE_INFORMATION.format(**words),
        "clause_responsibility": _CLAUSE_RESPONSIBILITY.format(**words),
        "clause_change": _CLAUSE_CHANGE.format(**words),
        "clause_results": _CLAUSE_RESULTS.format(**words),
    }


_TWO_PARTIES = default_clauses(["甲", "乙"])
DEFAULT_CLAUSE_INFORMATION = _TWO_PARTIES["clause_information"]
DEFAULT_CLAUSE_RESPONSIBILITY = _TWO_PARTIES["clause_responsibility"]
DEFAULT_CLAUSE_CHANGE = _TWO_PARTIES["clause_change"]
DEFAULT_CLAUSE_RESULTS = _TWO_PARTIES["clause_results"]


# --- helpers -------------------------------------------------------------------------


def _require(actor: User, perm: str, obj: Any = None) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)


def _lock(project: Project) -> Project:
    locked = Project.objects.select_for_update().get(pk=project.pk)
    project.status = locked.status
    return locked


def partner_recipients(project: Project, *, org_ids: Iterable[int] | None = None) -> list[User]:
    """People who act for the partners: group managers and department staff."""
    partners = project_rules.partner_orgs(project)
    wanted = set(partners) if org_ids is None else set(org_ids) & set(partners)
    users: list[User] = []
    seen: set[int] = set()
    qs = (
        User.objects.filter(
            memberships__organization_id__in=wanted,
            memberships__status=MembershipStatus.ACTIVE,
            is_active=True,
        )
        .distinct()
        .prefetch_related("memberships")
    )
    for user in qs:
        for m in user.memberships.all():
            if m.organization_id not in wanted or m.status != MembershipStatus.ACTIVE:
                continue
            if (
                partners[m.organization_id][0] or m.role in project_rules.MANAGER_ROLES
            ) and user.pk not in seen:
                seen.add(user.pk)
                users.append(user)
    return users


def _notify_partners(
    project: Project, *, actor: User | None, kind: str, subject: str, body: str = ""
) -> None:
    notify(
        recipients=partner_recipients(project),
        kind=kind,
        subject=subject,
        body=body,
        url=project.get_absolute_url(),
        exclude=actor,
    )


def _transition(
    project: Project, *, actor: User | None, to: str, verb: str, data: dict[str, Any] | None = None
) -> str:
    """Check and apply a state change on a locked project; returns the previous status."""
    if not can_transition(project.status, to):
        raise ValidationError(
            _("This project cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(project.status).label, "to": S(to).label},
            code="invalid_transition",
        )
    before = project.status
    project.status = to
    setattr(project, STAMPS[to], timezone.now())
    project.save(update_fields=["status", STAMPS[to], "updated_at"])
    record_event(
        actor=actor,
        verb=f"projects.project.{verb}",
        target=project,
        from_state=before,
        to_state=to,
        data=data,
    )
    content_changed(project)
    _notify_followers(project, actor=actor)
    return before


def _notify_followers(project: Project, *, actor: User | None) -> None:
    """People who follow a public project hear of each stage it reaches."""
    if project.status not in PUBLIC_STATUSES:
        return
    notify(
        recipients=followers_of(project),
        kind="projects.followed_stage",
        subject=_("%(title)s: now “%(status)s”")
        % {"title": project.title, "status": S(project.status).label},
        url=project.get_absolute_url(),
        exclude=actor,
    )


def _by_codes(model: Any, codes: Sequence[str], label: str) -> list[Any]:
    codes = list(dict.fromkeys(codes))
    rows = list(model.objects.filter(code__in=codes))
    if len(rows) != len(codes):
        missing = sorted(set(codes) - {r.code for r in rows})
        raise ValidationError(
            _("Unknown %(what)s: %(codes)s") % {"what": label, "codes": ", ".join(missing)}
        )
    return rows


def _is_department(org: Organization) -> bool:
    return bool(org.org_type.actor_type.is_government)


def _check_city_share(amount: int | None, theme: Theme | None, field: str) -> None:
    """The one rule for a project's city share: 0 ≤ amount ≤ MAX_YEN, and within the
    ceiling (上限) of the theme it answers. Forms and the API show this same message."""
    if amount is None:
        return
    if amount < 0:
        raise ValidationError({field: [_("Amounts cannot be negative.")]})
    if amount > MAX_YEN:
        raise ValidationError(
            {field: [_("The amount is too large: at most %(max)s yen.") % {"max": f"{MAX_YEN:,}"}]}
        )
    if theme is not None and theme.budget_ceiling_yen and amount > theme.budget_ceiling_yen:
        raise ValidationError(
            {
                field: [
                    _(
                        "The city's share cannot exceed the ceiling of the theme “%(theme)s”: %(max)s yen."
                    )
                    % {"theme": theme.title, "max": f"{int(theme.budget_ceiling_yen):,}"}
                ]
            },
            code="over_ceiling",
        )


def party_details(org: Organization) -> dict[str, Any]:
    """What an agreement prints for a party: the registered name, address and representative,
    never the public display name alone. A department signs for the city (甲): without its
    own details it prints the municipality, its address and its mayor's title."""
    is_city = _is_department(org)
    legal_name = org.legal_name or ""
    address = org.legal_address or ""
    title = org.representative_title or ""
    if is_city:
        from kyodo.guideline.models import Municipality

        muni = Municipality.objects.first()
        city = muni.name if muni else ""
        legal_name = legal_name or city or org.name
        address = address or (muni.contact_address if muni else "")
        title = title or (f"{city}長" if city else "")
    return {
        "is_city": is_city,
        "legal_name": (legal_name or org.name)[:150],
        "address": (address or org.public_address)[:200],
        "representative_title": title[:60],
        "representative_name": (org.representative_name or "")[:60],
    }


# --- creating a project ----------------------------------------------------------------


def create_project(
    *,
    actor: User,
    title: str,
    purpose: str,
    origin: str,
    fiscal_year: int,
    lead_organization: Organization,
    departments: Sequence[Organization],
    partner_organizations: Sequence[Organization] = (),
    form_codes: Sequence[str] = (),
    field_codes: Sequence[str] = (),
    district_codes: Sequence[str] = (),
    city_share_yen: int = 0,
    lead_share_yen: int = 0,
    status: str = "draft",
    source: str = "",
    fiscal_year_end: int | None = None,
    summary: str = "",
    predecessor: Project | None = None,
    theme: Theme | None = None,
    issue_ids: Sequence[int] = (),
) -> Project:
    """Create a project with its partners. The lead organization proposes it; departments
    are the responsible departments (partners whose organization is a city department).

    Allowed for a manager of the lead organization, staff of one of the departments, a
    coordinator or an administrator. `status` may be draft, consultation or
    agreement_drafting (calls adopt an application straight into 協定準備, which also
    creates version 1 of the agreement)."""
    _require(actor, "projects.add_project")
    lead_id = lead_organization.pk
    acting = project_rules.MANAGER_ROLES
    from kyodo.organizations.predicates import active_memberships, is_admin, is_coordinator

    allowed = is_coordinator(actor) or is_admin(actor)
    for m in active_memberships(actor):
        if m.organization_id == lead_id and (m.role in acting or _is_department(m.organization)):
            allowed = True
        if any(m.organization_id == d.pk for d in departments):
            allowed = True
    if not allowed:
        raise PermissionDenied("projects.add_project")

    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    purpose = (purpose or "").strip()
    if not title:
        errors.setdefault("title", []).append(_("Enter a title."))
    if not purpose:
        errors.setdefault("purpose", []).append(_("Write down the purpose you share."))
    if origin not in Origin.values:
        errors.setdefault("origin", []).append(_("Choose where the project comes from."))
    if status not in INITIAL_STATUSES:
        errors.setdefault("status", []).append(
            _("A new project starts as a draft, in consultation or drafting its agreement.")
        )
    end = fiscal_year if fiscal_year_end is None else fiscal_year_end
    if end < fiscal_year or end > fiscal_year + 5:
        errors.setdefault("fiscal_year_end", []).append(
            _("The last fiscal year must be within five years after the first.")
        )
    for name, amount, bound_theme in (
        ("city_share_yen", city_share_yen, theme),
        ("lead_share_yen", lead_share_yen, None),
    ):
        try:
            _check_city_share(amount, bound_theme, name)
        except ValidationError as exc:
            for key, msgs in exc.message_dict.items():
                errors.setdefault(key, []).extend(msgs)
    for d in departments:
        if not _is_department(d):
            errors.setdefault("departments", []).append(
                _("%(name)s is not a city department.") % {"name": d.name}
            )
    forms = _by_codes(CollaborationForm, form_codes, _("forms of collaboration"))
    fields = _by_codes(Field, field_codes, _("fields"))
    districts = _by_codes(District, district_codes, _("districts"))
    has_department = (
        bool(departments)
        or _is_department(lead_organization)
        or any(_is_department(o) for o in partner_organizations)
    )
    if not has_department and (not forms or any(f.requires_city_partner for f in forms)):
        errors.setdefault("departments", []).append(
            _("Add at least one city department: this form of collaboration needs one.")
        )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        project = Project.objects.create(
            title=title,
            purpose=purpose,
            summary=summary,
            origin=origin,
            status=S.DRAFT,
            fiscal_year=fiscal_year,
            fiscal_year_end=end,
            city_share_yen=city_share_yen,
            source=source[:100],
            predecessor=predecessor,
            theme=theme,
            created_by=actor,
        )
        project.forms.set(forms)
        project.fields.set(fields)
        project.districts.set(districts)
        if issue_ids:
            project.issues.set(list(issue_ids))
        ProjectPartner.objects.create(
            project=project, organization=lead_organization, is_lead=True, share_yen=lead_share_yen
        )
        seen = {lead_id}
        for org in [*departments, *partner_organizations]:
            if org.pk in seen:
                continue
            seen.add(org.pk)
            ProjectPartner.objects.create(project=project, organization=org)
        record_event(
            actor=actor,
            verb="projects.project.create",
            target=project,
            to_state=S.DRAFT,
            data={"source": source},
        )
        if status in (S.CONSULTATION, S.AGREEMENT_DRAFTING):
            _transition(
                project,
                actor=actor,
                to=S.CONSULTATION if status == S.CONSULTATION else S.AGREEMENT_DRAFTING,
                verb="create_as",
            )
            if status == S.AGREEMENT_DRAFTING:
                _create_first_version(project, actor=actor)
        content_changed(project)
        _notify_partners(
            project,
            actor=actor,
            kind="projects.created",
            subject=_("You are a partner in the project “%(title)s”") % {"title": project.title},
        )
    return project


def update_project(
    *,
    actor: User,
    project: Project,
    title: str,
    purpose: str,
    summary: str = "",
    form_codes: Sequence[str] = (),
    field_codes: Sequence[str] = (),
    district_codes: Sequence[str] = (),
    city_share_yen: int | None = None,
    fiscal_year_end: int | None = None,
) -> Project:
    _require(actor, "projects.change_project", project)
    if project.status not in (S.DRAFT, S.CONSULTATION, S.AGREEMENT_DRAFTING):
        raise ValidationError(
            _("After the agreement is signed, changes go through a change request.")
        )
    if not title.strip() or not purpose.strip():
        raise ValidationError(_("Enter a title and the purpose."))
    with transaction.atomic():
        project = _lock(project)
        _check_city_share(city_share_yen, project.theme, "city_share_yen")
        project.title, project.purpose, project.summary = title.strip(), purpose.strip(), summary
        if city_share_yen is not None:
            project.city_share_yen = city_share_yen
        if fiscal_year_end is not None:
            if fiscal_year_end < project.fiscal_year:
                raise ValidationError(_("The last fiscal year cannot be before the first."))
            project.fiscal_year_end = fiscal_year_end
        project.save()
        project.forms.set(_by_codes(CollaborationForm, form_codes, _("forms of collaboration")))
        project.fields.set(_by_codes(Field, field_codes, _("fields")))
        project.districts.set(_by_codes(District, district_codes, _("districts")))
        record_event(actor=actor, verb="projects.project.update", target=project)
        content_changed(project)
    return project


def invite_partner(
    *, actor: User, project: Project, organization: Organization, role_label: str = ""
) -> ProjectPartner:
    """Bring in a partner: another department (関係課) while the project is active, or a
    group, business or university before the agreement is signed (a city-proposed project
    finds its partners this way). While the agreement is being drafted, the newcomer is
    made a party at once: a new version lists it, and every party approves again."""
    department = _is_department(organization)
    original = project
    with transaction.atomic():
        project = _lock(project)
        project_rules.check_action(actor, project, "invite" if department else "invite_partner")
        if not department and organization.registration_status not in ("verified", "provisional"):
            raise ValidationError(
                _("%(name)s is not a registered organization.") % {"name": organization.name},
                code="not_registered",
            )
        partner, created = ProjectPartner.objects.get_or_create(
            project=project, organization=organization, defaults={"role_label": role_label[:60]}
        )
        if not created:
            raise ValidationError(
                _("%(name)s is already a partner.") % {"name": organization.name},
                code="already_partner",
            )
        project_rules.forget_partners(project)
        project_rules.forget_partners(original)
        record_event(
            actor=actor,
            verb="projects.partner.invite",
            target=project,
            data={"organization": organization.pk},
        )
        if project.status == S.AGREEMENT_DRAFTING:
            _add_party_version(project, organization, actor=actor)
        notify(
            recipients=partner_recipients(project, org_ids=[organization.pk]),
            kind="projects.invited",
            subject=_("%(name)s was invited to the project “%(title)s”")
            % {"name": organization.name, "title": project.title},
            url=project.get_absolute_url(),
            exclude=actor,
        )
        content_changed(project)
    return partner


def invite_department(
    *, actor: User, project: Project, department: Organization, role_label: str = ""
) -> ProjectPartner:
    """The responsible department brings in another department (関係課)."""
    if not _is_department(department):
        raise ValidationError(_("%(name)s is not a city department.") % {"name": department.name})
    return invite_partner(
        actor=actor, project=project, organization=department, role_label=role_label
    )


def _add_party_version(project: Project, organization: Organization, *, actor: User) -> None:
    """A new version of the agreement being drafted with `organization` as a party. Clauses
    still worded by default are re-worded for the new set of parties (甲、乙及び丙)."""
    agreement = Agreement.objects.select_for_update().get(project=project)
    previous = agreement.current_version
    if previous is None:
        return
    rows = [
        (p.organization, int(p.share_yen), p.in_kind)
        for p in previous.parties.select_related("organization__org_type__actor_type")
    ]
    rows.append((organization, 0, ""))
    old_defaults = default_clauses([p.designation for p in previous.parties.all()])
    new_defaults = default_clauses(_designations([o for o, _s, _k in rows]))
    clauses = {
        name: new_defaults[name] if getattr(previous, name) == old_defaults[name] else text
        for name, text in (
            (n, getattr(previous, n))
            for n in (
                "clause_information",
                "clause_responsibility",
                "clause_change",
                "clause_results",
            )
        )
    }
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=previous.number + 1,
        purpose=previous.purpose,
        period_start=previous.period_start,
        period_end=previous.period_end,
        cost_note=previous.cost_note,
        change_note=(_("%(name)s joined as a party") % {"name": organization.name})[:200],
        created_by=actor,
        **clauses,
    )
    _create_parties_explicit(version, rows)
    _copy_roles(previous, version)
    agreement.current_version = version
    agreement.save(update_fields=["current_version"])
    record_event(
        actor=actor,
        verb="projects.agreement.revise",
        target=project,
        data={"version": version.number, "joined": organization.pk},
    )


def add_target(
    *, actor: User, project: Project, description: str, target_value: str = ""
) -> Target:
    _require(actor, "projects.change_project", project)
    if project.status in (S.CLOSED, S.CANCELLED, S.EVALUATION):
        raise ValidationError(_("Targets can no longer be added."))
    if not description.strip():
        raise ValidationError(_("Describe the outcome target."))
    with transaction.atomic():
        order = project.targets.count() + 1
        target = Target.objects.create(
            project=project, order=order, description=description.strip(), target_value=target_value
        )
        record_event(
            actor=actor, verb="projects.target.add", target=project, data={"target": target.pk}
        )
    return target


def add_indicator(
    *, actor: User, project: Project, name: str, target_value: int, unit: str = ""
) -> Indicator:
    _require(actor, "projects.change_project", project)
    if project.status in (S.CLOSED, S.CANCELLED, S.EVALUATION):
        raise ValidationError(_("Indicators can no longer be added."))
    if not name.strip() or target_value < 0:
        raise ValidationError(_("Name the indicator and give a target value of zero or more."))
    with transaction.atomic():
        order = project.indicators.count() + 1
        indicator = Indicator.objects.create(
            project=project, order=order, name=name.strip(), unit=unit, target_value=target_value
        )
        record_event(
            actor=actor,
            verb="projects.indicator.add",
            target=project,
            data={"indicator": indicator.pk},
        )
    return indicator


# --- consultation ----------------------------------------------------------------------


def _store_document(
    *,
    project: Project,
    actor: User,
    upload: UploadedFile,
    title: str = "",
    is_private: bool = True,
    **links: Any,
) -> ProjectDocument:
    clean = clean_document(upload)
    doc = ProjectDocument(
        project=project,
        original_name=clean.original_name,
        content_type=clean.content_type,
        title=title[:120],
        is_private=is_private,
        uploaded_by=actor,
        **links,
    )
    doc.file.save(clean.content.name, clean.content, save=False)
    doc.save()
    return doc


def post_message(
    *,
    actor: User,
    project: Project,
    body: str,
    attachments: Sequence[UploadedFile] = (),
) -> ConsultationMessage:
    """A message in the private consultation thread, with optional documents."""
    _require(actor, "projects.post_message", project)
    if project.status not in ACTIVE_STATUSES:
        raise ValidationError(_("This project is no longer active."))
    if not body.strip():
        raise ValidationError(_("Write a message."))
    org_ids = project_rules.manager_org_ids(actor, project) or {
        m.organization_id
        for m in _memberships(actor)
        if m.organization_id in project_rules.partner_orgs(project)
    }
    with transaction.atomic():
        message = ConsultationMessage.objects.create(
            project=project,
            author=actor,
            organization_id=min(org_ids) if org_ids else None,
            body=body.strip(),
        )
        for upload in attachments:
            _store_document(project=project, actor=actor, upload=upload, message=message)
        record_event(
            actor=actor, verb="projects.message.post", target=project, data={"message": message.pk}
        )
        notify(
            recipients=partner_recipients(project),
            kind="projects.message",
            subject=_("New message about “%(title)s”") % {"title": project.title},
            body=body.strip()[:500],
            url=project.get_absolute_url() + "consultation/",
            exclude=actor,
        )
    return message


def _memberships(user: User) -> list[Any]:
    from kyodo.organizations.predicates import active_memberships

    return active_memberships(user)


def add_document(
    *,
    actor: User,
    project: Project,
    upload: UploadedFile,
    title: str = "",
    is_private: bool = False,
) -> ProjectDocument:
    """A project document; public ones (is_private=False) are listed on the public page."""
    _require(actor, "projects.change_project", project)
    if project.status in (S.CANCELLED,):
        raise ValidationError(_("This project is no longer active."))
    with transaction.atomic():
        doc = _store_document(
            project=project, actor=actor, upload=upload, title=title, is_private=is_private
        )
        record_event(
            actor=actor, verb="projects.document.add", target=project, data={"document": doc.pk}
        )
    return doc


# --- transitions -------------------------------------------------------------------------


def start_consultation(*, actor: User, project: Project) -> Project:
    """構想 → 相談中: the proposer and the department start talking in private."""
    _require(actor, "projects.consult_project", project)
    with transaction.atomic():
        project = _lock(project)
        project_rules.check_action(actor, project, "consult")
        _transition(project, actor=actor, to=S.CONSULTATION, verb="start_consultation")
        _notify_partners(
            project,
            actor=actor,
            kind="projects.consultation",
            subject=_("Consultation has started on “%(title)s”") % {"title": project.title},
        )
    return project


def start_agreement_drafting(*, actor: User, project: Project) -> Project:
    """相談中 (or 構想) → 協定準備: version 1 of the agreement is drafted from the project."""
    _require(actor, "projects.draft_agreement", project)
    with transaction.atomic():
        project = _lock(project)
        project_rules.check_action(actor, project, "draft_agreement")
        _transition(project, actor=actor, to=S.AGREEMENT_DRAFTING, verb="start_agreement_drafting")
        _create_first_version(project, actor=actor)
        _notify_partners(
            project,
            actor=actor,
            kind="projects.agreement_drafting",
            subject=_("The agreement for “%(title)s” is being drafted") % {"title": project.title},
        )
    return project


def _create_first_version(project: Project, *, actor: User) -> AgreementVersion:
    agreement, _created = Agreement.objects.get_or_create(project=project)
    if agreement.current_version_id:
        return agreement.current_version  # type: ignore[return-value]
    start, _end = fiscal_year_bounds(project.fiscal_year)
    _s, end = fiscal_year_bounds(project.fiscal_year_end)
    today = timezone.localdate()
    partners = list(project.partners.select_related("organization__org_type__actor_type"))
    rows = [
        (p.organization, p.share_yen if not _is_department(p.organization) else 0, p.in_kind)
        for p in partners
    ]
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        purpose=project.purpose,
        period_start=max(start, today) if today <= end else start,
        period_end=end,
        created_by=actor,
        **default_clauses(_designations([o for o, _s, _k in rows])),
    )
    _create_parties(version, rows, city_share_yen=project.city_share_yen)
    agreement.current_version = version
    agreement.save(update_fields=["current_version"])
    record_event(
        actor=actor, verb="projects.agreement.version", target=project, data={"version": 1}
    )
    return version


def _designations(orgs: Sequence[Organization]) -> list[str]:
    """甲 for each department, then 乙, 丙 … for the other partners in order."""
    letters = iter(DESIGNATIONS)
    city = ["甲" for o in orgs if _is_department(o)]
    return city + [next(letters, "他") for o in orgs if not _is_department(o)]


def _create_parties(
    version: AgreementVersion,
    parties: Sequence[tuple[Organization, int, str]],
    *,
    city_share_yen: int,
) -> None:
    """甲 for the city departments (the city is one party in law, but each department
    signs for itself), 乙, 丙 … for the other partners in order. The first department
    carries the project's city share unless a share is given."""
    first_department = True
    rows = []
    for org, share, in_kind in parties:
        if _is_department(org):
            share = share or (city_share_yen if first_department else 0)
            first_department = False
        rows.append((org, share, in_kind))
    _create_parties_explicit(version, rows)


@dataclass
class RoleInput:
    task: str
    party: Organization
    phase: str
    tier_code: str
    person: User | None = None


@dataclass
class PartyInput:
    organization: Organization
    share_yen: int = 0
    in_kind: str = ""


def revise_agreement(
    *,
    actor: User,
    project: Project,
    purpose: str,
    period_start: dt.date,
    period_end: dt.date,
    clause_information: str,
    clause_responsibility: str,
    clause_change: str,
    clause_results: str = "",
    cost_note: str = "",
    roles: Sequence[RoleInput] | None = None,
    parties: Sequence[PartyInput] | None = None,
    change_note: str = "",
    based_on: int | None = None,
) -> AgreementVersion:
    """Any edit makes a new version; approvals of older versions no longer count, so every
    party approves again (⑤ 対等). `based_on` is the version the editor saw: if someone
    saved a newer one meanwhile, the edit is refused rather than silently overwriting it."""
    _require(actor, "projects.change_agreement", project)
    errors: dict[str, list[str]] = {}
    if not purpose.strip():
        errors.setdefault("purpose", []).append(_("Write down the purpose."))
    if period_end < period_start:
        errors.setdefault("period_end", []).append(
            _("The end date cannot be before the start date.")
        )
    for name, text in (
        ("clause_information", clause_information),
        ("clause_responsibility", clause_responsibility),
        ("clause_change", clause_change),
    ):
        if not text.strip():
            errors.setdefault(name, []).append(_("This clause is required."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = _lock(project)
        if project.status != S.AGREEMENT_DRAFTING:
            raise ValidationError(
                _("The agreement can only be edited while it is being drafted."),
                code="invalid_state",
            )
        agreement = Agreement.objects.select_for_update().get(project=project)
        previous = agreement.current_version
        assert previous is not None
        if based_on is not None and based_on != previous.number:
            raise ValidationError(
                _("Someone saved version %(n)s while you were editing. Review it and edit again.")
                % {"n": previous.number},
                code="stale_version",
            )
        partner_ids = set(project_rules.partner_orgs(project))
        party_rows = (
            [(p.organization, p.share_yen, p.in_kind) for p in parties]
            if parties is not None
            else [
                (p.organization, p.share_yen, p.in_kind)
                for p in previous.parties.select_related("organization__org_type__actor_type")
            ]
        )
        if {o.pk for o, _s, _k in party_rows} != partner_ids:
            raise ValidationError(_("Every partner must be a party to the agreement."))
        if any(s < 0 for _o, s, _k in party_rows):
            raise ValidationError(_("Amounts cannot be negative."))
        city_rows = [(o, s) for o, s, _k in party_rows if _is_department(o)]
        for o, s in city_rows:
            _check_city_share(s, None, f"share_{o.pk}")
        if city_rows:
            _check_city_share(
                sum(s for _o, s in city_rows), project.theme, f"share_{city_rows[0][0].pk}"
            )
        version = AgreementVersion.objects.create(
            agreement=agreement,
            number=previous.number + 1,
            purpose=purpose.strip(),
            period_start=period_start,
            period_end=period_end,
            cost_note=cost_note,
            clause_information=clause_information.strip(),
            clause_responsibility=clause_responsibility.strip(),
            clause_change=clause_change.strip(),
            clause_results=clause_results.strip(),
            change_note=change_note[:200],
            created_by=actor,
        )
        _create_parties_explicit(version, party_rows)
        if roles is None:
            _copy_roles(previous, version)
        else:
            _create_roles(version, roles, partner_ids)
        agreement.current_version = version
        agreement.save(update_fields=["current_version"])
        reopened = AgreementApproval.objects.filter(version=previous).count()
        record_event(
            actor=actor,
            verb="projects.agreement.revise",
            target=project,
            data={"version": version.number, "approvals_reopened": reopened},
        )
        content_changed(project)
        _notify_partners(
            project,
            actor=actor,
            kind="projects.approval_requested",
            subject=_("Please review version %(n)s of the agreement for “%(title)s”")
            % {"n": version.number, "title": project.title},
            body=change_note,
        )
    return version


def _create_parties_explicit(
    version: AgreementVersion, rows: Sequence[tuple[Organization, int, str]]
) -> None:
    departments = [r for r in rows if _is_department(r[0])]
    others = [r for r in rows if not _is_department(r[0])]
    ordered = departments + others
    letters = _designations([r[0] for r in ordered])
    AgreementParty.objects.bulk_create(
        [
            AgreementParty(
                version=version,
                organization=o,
                designation=letter,
                order=i,
                share_yen=sh,
                in_kind=k,
                **party_details(o),
            )
            for i, ((o, sh, k), letter) in enumerate(zip(ordered, letters, strict=True))
        ]
    )


def _copy_roles(previous: AgreementVersion, version: AgreementVersion) -> None:
    Role.objects.bulk_create(
        [
            Role(
                version=version,
                party_id=r.party_id,
                person_id=r.person_id,
                task=r.task,
                phase=r.phase,
                tier_id=r.tier_id,
                order=r.order,
            )
            for r in previous.roles.all()
        ]
    )


def _create_roles(
    version: AgreementVersion, roles: Sequence[RoleInput], partner_ids: set[int]
) -> None:
    tiers = {t.code: t for t in Tier.objects.all()}
    objs = []
    for order, r in enumerate(roles):
        if not r.task.strip():
            continue
        if r.party.pk not in partner_ids:
            raise ValidationError(
                _("%(name)s is not a partner in this project.") % {"name": r.party.name}
            )
        if r.phase not in Phase.values:
            raise ValidationError(_("Choose the phase of each task."))
        tier = tiers.get(r.tier_code)
        if tier is None:
            raise ValidationError(_("Choose self, mutual or public help for each task."))
        objs.append(
            Role(
                version=version,
                party=r.party,
                person=r.person,
                task=r.task.strip()[:200],
                phase=r.phase,
                tier=tier,
                order=order,
            )
        )
    Role.objects.bulk_create(objs)


def save_checklist(
    *, actor: User, project: Project, answers: dict[int, str]
) -> list[ChecklistAnswer]:
    """The planning checklist: how the partners will ensure each of the guideline's principles."""
    _require(actor, "projects.change_project", project)
    if project.status not in (S.DRAFT, S.CONSULTATION, S.AGREEMENT_DRAFTING):
        raise ValidationError(_("The checklist is settled once the agreement is signed."))
    principles = {p.pk: p for p in Principle.objects.all()}
    out = []
    with transaction.atomic():
        project = _lock(project)
        for principle_id, text in answers.items():
            if principle_id not in principles:
                raise ValidationError(_("Unknown principle."))
            text = (text or "").strip()
            if not text:
                ChecklistAnswer.objects.filter(project=project, principle_id=principle_id).delete()
                continue
            row, _c = ChecklistAnswer.objects.update_or_create(
                project=project,
                principle_id=principle_id,
                defaults={"answer": text, "updated_by": actor},
            )
            out.append(row)
        record_event(
            actor=actor, verb="projects.checklist.save", target=project, data={"answered": len(out)}
        )
    return out


def checklist_complete(project: Project) -> bool:
    answered = ChecklistAnswer.objects.filter(project=project).exclude(answer="").count()
    return answered >= Principle.objects.count()


def approval_blockers(project: Project, version: AgreementVersion) -> list[ValidationError]:
    """Why `version` cannot be approved yet (empty: it can). The agreement page lists these
    instead of the approve button, and approve_agreement refuses with the first one: one
    function answers both."""
    out: list[ValidationError] = []
    parties = list(version.parties.all())
    if not any(not p.is_city for p in parties):
        out.append(
            ValidationError(
                _(
                    "A collaboration needs at least one partner that is not the city: invite a group, business or university first."
                ),
                code="no_partner",
            )
        )
    if {p.organization_id for p in parties} != set(project_rules.partner_orgs(project)):
        out.append(
            ValidationError(
                _("Every partner must be a party to the agreement."), code="partners_differ"
            )
        )
    if not checklist_complete(project):
        out.append(
            ValidationError(
                _("Complete the planning checklist of the principles before approving."),
                code="checklist_incomplete",
            )
        )
    if not version.roles.exists():
        out.append(
            ValidationError(_("Fill in the role-division table before approving."), code="no_roles")
        )
    return out


def approve_agreement(
    *, actor: User, project: Project, organization: Organization, version_number: int
) -> AgreementApproval:
    """One party approves one version. When every party has approved the same (current)
    version, the agreement is signed and the project becomes 協定締結.

    The agreement row is locked, so two parties approving at once, or an approval racing
    an edit, are serialised: the second sees the first's approval, and an approval of a
    version that is no longer current is refused."""
    _require(actor, "projects.approve_agreement", project)
    if organization.pk not in project_rules.signer_org_ids(actor, project):
        raise PermissionDenied("projects.approve_agreement")
    with transaction.atomic():
        project = _lock(project)
        project_rules.forget_partners(project)
        if project.status != S.AGREEMENT_DRAFTING:
            raise ValidationError(
                _("This agreement is not waiting for approval."), code="invalid_state"
            )
        project_rules.check_action(actor, project, "approve")
        agreement = Agreement.objects.select_for_update().get(project=project)
        version = agreement.current_version
        assert version is not None
        if version.number != version_number:
            raise ValidationError(
                _(
                    "The agreement has changed: version %(n)s is now the one to approve. Please read it first."
                )
                % {"n": version.number},
                code="stale_version",
            )
        blockers = approval_blockers(project, version)
        if blockers:
            raise blockers[0]
        party_ids = set(version.parties.values_list("organization_id", flat=True))
        if organization.pk not in party_ids:
            raise ValidationError(
                _("%(name)s is not a party to this agreement.") % {"name": organization.name}
            )
        try:
            with transaction.atomic():
                approval = AgreementApproval.objects.create(
                    version=version, organization=organization, approved_by=actor
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("%(name)s has already approved this version.") % {"name": organization.name},
                code="already_approved",
            ) from exc
        record_event(
            actor=actor,
            verb="projects.agreement.approve",
            target=project,
            data={"version": version.number, "organization": organization.pk},
        )
        approved = set(
            AgreementApproval.objects.filter(version=version).values_list(
                "organization_id", flat=True
            )
        )
        # Signed only when every party approved this same version and one of them is not
        # the city (approval_blockers above refused a city-only agreement).
        if approved >= party_ids and version.parties.filter(is_city=False).exists():
            agreement.signed_version = version
            agreement.signed_at = timezone.now()
            agreement.save(update_fields=["signed_version", "signed_at"])
            # One amount: the project's city share is what the signed agreement says.
            city_total = sum(int(p.share_yen) for p in version.parties.filter(is_city=True))
            if city_total != project.city_share_yen:
                record_event(
                    actor=actor,
                    verb="projects.project.city_share",
                    target=project,
                    data={"before": int(project.city_share_yen), "after": city_total},
                )
                project.city_share_yen = city_total
                project.save(update_fields=["city_share_yen", "updated_at"])
            _transition(
                project, actor=actor, to=S.AGREED, verb="sign", data={"version": version.number}
            )
            _notify_partners(
                project,
                actor=None,
                kind="projects.agreement_signed",
                subject=_("Every partner approved the agreement for “%(title)s”")
                % {"title": project.title},
            )
        else:
            notify(
                recipients=partner_recipients(project, org_ids=party_ids - approved),
                kind="projects.approval_requested",
                subject=_(
                    "%(name)s approved the agreement for “%(title)s”; your approval is awaited"
                )
                % {"name": organization.name, "title": project.title},
                url=project.get_absolute_url() + "agreement/",
                exclude=actor,
            )
    return approval


def start_implementation(*, actor: User, project: Project) -> Project:
    """協定締結 → 実施中."""
    _require(actor, "projects.start_project", project)
    with transaction.atomic():
        project = _lock(project)
        project_rules.check_action(actor, project, "start")
        _transition(project, actor=actor, to=S.IN_PROGRESS, verb="start")
        _notify_partners(
            project,
            actor=actor,
            kind="projects.started",
            subject=_("“%(title)s” has started") % {"title": project.title},
        )
    return project


def add_milestone(*, actor: User, project: Project, title: str, due_on: dt.date) -> Milestone:
    _require(actor, "projects.change_project", project)
    if project.status not in ACTIVE_STATUSES:
        raise ValidationError(_("This project is no longer active."))
    if not title.strip():
        raise ValidationError(_("Name the milestone."))
    with transaction.atomic():
        milestone = Milestone.objects.create(project=project, title=title.strip(), due_on=due_on)
        record_event(
            actor=actor,
            verb="projects.milestone.add",
            target=project,
            data={"milestone": milestone.pk},
        )
    return milestone


def complete_milestone(
    *, actor: User, milestone: Milestone, done_on: dt.date | None = None
) -> Milestone:
    project = milestone.project
    _require(actor, "projects.change_project", project)
    if project.status not in ACTIVE_STATUSES:
        raise ValidationError(_("This project is no longer active."))
    with transaction.atomic():
        milestone.done_on = done_on or timezone.localdate()
        milestone.save(update_fields=["done_on"])
        record_event(
            actor=actor,
            verb="projects.milestone.complete",
            target=project,
            data={"milestone": milestone.pk},
        )
    return milestone


def add_progress_report(
    *,
    actor: User,
    project: Project,
    title: str,
    body: str,
    reported_on: dt.date,
    participants: int | None = None,
    photos: Sequence[tuple[UploadedFile, str]] = (),
    attachments: Sequence[UploadedFile] = (),
) -> ProgressReport:
    """A progress report (実施報告) with photos (re-encoded, metadata removed) and files."""
    _require(actor, "projects.add_progressreport", project)
    if project.status != S.IN_PROGRESS:
        raise ValidationError(
            _("Progress is reported while the project is in progress."), code="invalid_state"
        )
    if not title.strip() or not body.strip():
        raise ValidationError(_("Enter a title and what happened."))
    for _upload, alt in photos:
        if not alt.strip():
            raise ValidationError(_("Describe what each photo shows."))
    org_ids = project_rules.manager_org_ids(actor, project)
    with transaction.atomic():
        report = ProgressReport.objects.create(
            project=project,
            author=actor,
            organization_id=min(org_ids) if org_ids else None,
            title=title.strip(),
            body=body.strip(),
            reported_on=reported_on,
            participants=participants,
        )
        for upload, alt in photos:
            clean = clean_image(upload)
            photo = ProgressPhoto(report=report, alt_text=alt.strip()[:200])
            photo.image.save(clean.content.name, clean.content, save=False)
            photo.save()
        for upload in attachments:
            _store_document(
                project=project,
                actor=actor,
                upload=upload,
                is_private=False,
                progress_report=report,
            )
        record_event(
            actor=actor, verb="projects.progress.report", target=project, data={"report": report.pk}
        )
        content_changed(project)
        _notify_partners(
            project,
            actor=actor,
            kind="projects.progress",
            subject=_("New progress report on “%(title)s”") % {"title": project.title},
        )
    return report


def request_change(
    *,
    actor: User,
    project: Project,
    summary: str,
    reason: str,
    new_period_end: dt.date | None = None,
    new_city_share_yen: int | None = None,
) -> ChangeRequest:
    """変更協議: the requesting organization's approval is counted at once. When every
    partner has approved, a change of the agreement's terms (the city share, the end date)
    becomes a change agreement (変更協定): a new signed version with its own PDF."""
    _require(actor, "projects.add_changerequest", project)
    if project.status not in (S.AGREED, S.IN_PROGRESS):
        raise ValidationError(
            _("Changes are requested after the agreement is signed and before completion."),
            code="invalid_state",
        )
    if not summary.strip() or not reason.strip():
        raise ValidationError(_("Say what should change and why."))
    org_ids = sorted(project_rules.manager_org_ids(actor, project))
    with transaction.atomic():
        project = _lock(project)
        project_rules.check_action(actor, project, "request_change")
        _check_city_share(new_city_share_yen, project.theme, "new_city_share_yen")
        signed = Agreement.objects.filter(project=project).select_related("signed_version").first()
        if (
            new_period_end is not None
            and signed is not None
            and signed.signed_version is not None
            and new_period_end < signed.signed_version.period_start
        ):
            raise ValidationError(
                {"new_period_end": [_("The end date cannot be before the start date.")]}
            )
        request = ChangeRequest.objects.create(
            project=project,
            requested_by=actor,
            organization_id=org_ids[0],
            summary=summary.strip()[:200],
            reason=reason.strip(),
            new_period_end=new_period_end,
            new_city_share_yen=new_city_share_yen,
        )
        signer_orgs = project_rules.signer_org_ids(actor, project)
        if org_ids[0] in signer_orgs:
            ChangeApproval.objects.create(
                change_request=request, organization_id=org_ids[0], decided_by=actor, approved=True
            )
        record_event(
            actor=actor,
            verb="projects.change.request",
            target=project,
            to_state=ChangeRequestStatus.PENDING,
            data={"change": request.pk},
        )
        _maybe_settle_change(request, actor=actor)
        _notify_partners(
            project,
            actor=actor,
            kind="projects.approval_requested",
            subject=_("A change to “%(title)s” needs your approval") % {"title": project.title},
            body=summary,
        )
    return request


def decide_change(
    *,
    actor: User,
    change_request: ChangeRequest,
    organization: Organization,
    approve: bool,
    comment: str = "",
) -> ChangeRequest:
    project = change_request.project
    _require(actor, "projects.decide_changerequest", project)
    if organization.pk not in project_rules.signer_org_ids(actor, project):
        raise PermissionDenied("projects.decide_changerequest")
    if not approve and not comment.strip():
        raise ValidationError(_("Say why you do not agree to the change."))
    with transaction.atomic():
        project = _lock(project)
        project_rules.check_action(actor, project, "decide_change")
        request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
        if request.status != ChangeRequestStatus.PENDING:
            raise ValidationError(
                pgettext("agreement", "This change request has already been decided."),
                code="invalid_state",
            )
        try:
            with transaction.atomic():
                ChangeApproval.objects.create(
                    change_request=request,
                    organization=organization,
                    decided_by=actor,
                    approved=approve,
                    comment=comment,
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("%(name)s has already decided.") % {"name": organization.name}
            ) from exc
        record_event(
            actor=actor,
            verb="projects.change.decide",
            target=project,
            data={"change": request.pk, "organization": organization.pk, "approved": approve},
        )
        _maybe_settle_change(request, actor=actor)
    change_request.refresh_from_db()
    return change_request


def _maybe_settle_change(request: ChangeRequest, *, actor: User) -> None:
    project = request.project
    decisions = dict(
        ChangeApproval.objects.filter(change_request=request).values_list(
            "organization_id", "approved"
        )
    )
    before = request.status
    if False in decisions.values():
        request.status = ChangeRequestStatus.REJECTED
    elif set(decisions) >= set(project_rules.partner_orgs(project)):
        request.status = ChangeRequestStatus.APPROVED
        if request.new_city_share_yen is not None:
            Project.objects.filter(pk=project.pk).update(city_share_yen=request.new_city_share_yen)
        if request.new_period_end is not None:
            from kyodo.core.formatting import fiscal_year_of

            fy_end = fiscal_year_of(request.new_period_end)
            if fy_end >= project.fiscal_year:
                Project.objects.filter(pk=project.pk).update(fiscal_year_end=fy_end)
    else:
        return
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    if request.status == ChangeRequestStatus.APPROVED and changes_terms(request):
        _create_change_version(project, request, actor=actor)
    record_event(
        actor=actor,
        verb="projects.change.settle",
        target=project,
        from_state=before,
        to_state=request.status,
        data={"change": request.pk},
    )
    content_changed(project)
    _notify_partners(
        project,
        actor=None,
        kind="projects.change_decided",
        subject=_("The change “%(summary)s” was %(status)s")
        % {"summary": request.summary, "status": request.get_status_display()},
    )


def changes_terms(request: ChangeRequest) -> bool:
    """A change of what the agreement states: the city's share or the end of the period."""
    return request.new_city_share_yen is not None or request.new_period_end is not None


def _create_change_version(
    project: Project, request: ChangeRequest, *, actor: User
) -> AgreementVersion | None:
    """変更協定: the signed version with the approved change applied, signed by every party
    (each party's approval is the approval its signer gave to the change request)."""
    agreement = Agreement.objects.select_for_update().filter(project=project).first()
    if agreement is None or agreement.signed_version is None:
        return None
    previous = agreement.signed_version
    latest = agreement.versions.order_by("-number").first()
    assert latest is not None
    period_end = request.new_period_end or previous.period_end
    period_end = max(period_end, previous.period_start)
    old_parties = list(previous.parties.select_related("organization__org_type__actor_type"))
    rows = [(p.organization, int(p.share_yen), p.in_kind) for p in old_parties]
    if request.new_city_share_yen is not None:
        # The new city share is the city's total: the first department carries what the
        # other departments do not (they keep theirs while it fits).
        city = [i for i, p in enumerate(old_parties) if p.is_city]
        if city:
            new_total = int(request.new_city_share_yen)
            others = sum(rows[i][1] for i in city[1:])
            if others > new_total:
                for i in city[1:]:
                    rows[i] = (rows[i][0], 0, rows[i][2])
                others = 0
            org, _share, kind = rows[city[0]]
            rows[city[0]] = (org, new_total - others, kind)
    have = {o.pk for o, _s, _k in rows}
    partners = ProjectPartner.objects.filter(project=project).select_related(
        "organization__org_type__actor_type"
    )
    rows += [(p.organization, 0, p.in_kind) for p in partners if p.organization_id not in have]
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=latest.number + 1,
        purpose=previous.purpose,
        period_start=previous.period_start,
        period_end=period_end,
        cost_note=previous.cost_note,
        clause_information=previous.clause_information,
        clause_responsibility=previous.clause_responsibility,
        clause_change=previous.clause_change,
        clause_results=previous.clause_results,
        change_note=request.summary[:200],
        change_request=request,
        created_by=actor,
    )
    _create_parties_explicit(version, rows)
    _copy_roles(previous, version)
    deciders = dict(
        ChangeApproval.objects.filter(change_request=request, approved=True).values_list(
            "organization_id", "decided_by_id"
        )
    )
    AgreementApproval.objects.bulk_create(
        [
            AgreementApproval(
                version=version,
                organization=o,
                approved_by_id=deciders.get(o.pk, request.requested_by_id),
            )
            for o, _s, _k in rows
        ]
    )
    agreement.current_version = version
    agreement.signed_version = version
    agreement.signed_at = timezone.now()
    agreement.save(update_fields=["current_version", "signed_version", "signed_at"])
    record_event(
        actor=actor,
        verb="projects.agreement.change",
        target=project,
        data={"version": version.number, "change": request.pk},
    )
    return version


def start_completion_report(*, actor: User, project: Project) -> Project:
    """実施中 → 完了報告."""
    _require(actor, "projects.finish_project", project)
    with transaction.atomic():
        project = _lock(project)
        project_rules.check_action(actor, project, "finish")
        _transition(project, actor=actor, to=S.COMPLETION_REPORT, verb="finish")
        CompletionReport.objects.get_or_create(project=project, defaults={"summary": ""})
        _notify_partners(
            project,
            actor=actor,
            kind="projects.completion",
            subject=_("“%(title)s” is writing its completion report") % {"title": project.title},
        )
    return project


def save_completion_report(
    *,
    actor: User,
    project: Project,
    summary: str,
    results: str = "",
    participants: int = 0,
    actual_city_yen: int = 0,
    actual_partner_yen: int = 0,
    indicator_actuals: dict[int, int | None] | None = None,
    target_results: dict[int, tuple[str, bool | None]] | None = None,
) -> CompletionReport:
    _require(actor, "projects.submit_completionreport", project)
    if project.status != S.COMPLETION_REPORT:
        raise ValidationError(
            _("The completion report is written after the project ends."), code="invalid_state"
        )
    if min(participants, actual_city_yen, actual_partner_yen) < 0:
        raise ValidationError(_("Numbers cannot be negative."))
    with transaction.atomic():
        project = _lock(project)
        report, _c = CompletionReport.objects.get_or_create(
            project=project, defaults={"summary": ""}
        )
        report.summary = summary.strip()
        report.results = results.strip()
        report.participants = participants
        report.actual_city_yen = actual_city_yen
        report.actual_partner_yen = actual_partner_yen
        report.save()
        for ind in project.indicators.all():
            if indicator_actuals and ind.pk in indicator_actuals:
                ind.actual_value = indicator_actuals[ind.pk]
                ind.save(update_fields=["actual_value"])
        for tgt in project.targets.all():
            if target_results and tgt.pk in target_results:
                tgt.actual_value, tgt.achieved = (
                    target_results[tgt.pk][0][:100],
                    target_results[tgt.pk][1],
                )
                tgt.save(update_fields=["actual_value", "achieved"])
        record_event(actor=actor, verb="projects.completion.save", target=project)
    return report


def submit_completion_report(*, actor: User, project: Project) -> Project:
    """完了報告 → 評価: the report is published and the final evaluation opens."""
    _require(actor, "projects.submit_completionreport", project)
    with transaction.atomic():
        project = _lock(project)
        report = CompletionReport.objects.filter(project=project).first()
        if project.status == S.COMPLETION_REPORT and (report is None or not report.summary):
            raise ValidationError(
                _("Write the completion report before submitting it."), code="incomplete"
            )
        if (
            project.status == S.COMPLETION_REPORT
            and project.indicators.filter(actual_value__isnull=True).exists()
        ):
            raise ValidationError(
                _("Enter the actual value of every activity indicator."), code="incomplete"
            )
        _transition(project, actor=actor, to=S.EVALUATION, verb="submit_completion_report")
        assert report is not None
        report.submitted_by, report.submitted_at = actor, timezone.now()
        report.save(update_fields=["submitted_by", "submitted_at"])
        _notify_partners(
            project,
            actor=actor,
            kind="projects.evaluation_open",
            subject=_("Please evaluate “%(title)s”") % {"title": project.title},
            body=_(
                "Each partner scores the evaluation items. Scores stay hidden until every partner has submitted."
            ),
        )
    return project


@dataclass
class ScoreInput:
    score: int
    comment: str = ""
    reason: str = ""


def submit_evaluation(
    *,
    actor: User,
    project: Project,
    organization: Organization,
    kind: str,
    scores: dict[int, ScoreInput],
    overall_satisfaction: int,
    lessons: str,
) -> Evaluation:
    """One partner's evaluation sheet. Every item 1–5; 1 or 2 needs a reason.
    The mid-term evaluation is optional (while in progress); the final one is required."""
    _require(actor, "projects.evaluate_project", project)
    if organization.pk not in project_rules.manager_org_ids(actor, project):
        raise PermissionDenied("projects.evaluate_project")
    if kind not in EvaluationKind.values:
        raise ValidationError(_("Unknown kind of evaluation."))
    allowed_states = (
        (S.IN_PROGRESS, S.COMPLETION_REPORT) if kind == EvaluationKind.MIDTERM else (S.EVALUATION,)
    )
    if project.status not in allowed_states:
        raise ValidationError(_("This evaluation is not open now."), code="invalid_state")
    items = list(EvaluationItem.objects.all())
    errors: dict[str, list[str]] = {}
    for item in items:
        entry = scores.get(item.pk)
        key = f"score_{item.pk}"
        if entry is None or not 1 <= entry.score <= 5:
            errors.setdefault(key, []).append(
                _("Score “%(item)s” from 1 to 5.") % {"item": item.name}
            )
        elif entry.score <= 2 and not entry.reason.strip():
            errors.setdefault(f"reason_{item.pk}", []).append(
                _("A score of 1 or 2 for “%(item)s” needs a reason.") % {"item": item.name}
            )
    if not 1 <= overall_satisfaction <= 5:
        errors.setdefault("overall_satisfaction", []).append(
            _("Give your overall satisfaction from 1 to 5.")
        )
    if kind == EvaluationKind.FINAL and not lessons.strip():
        errors.setdefault("lessons", []).append(_("Write what you learned for the next project."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = _lock(project)
        if project.status not in allowed_states:
            raise ValidationError(_("This evaluation is not open now."), code="invalid_state")
        evaluation, _c = Evaluation.objects.select_for_update().get_or_create(
            project=project, kind=kind, organization=organization
        )
        if evaluation.submitted_at is not None:
            raise ValidationError(
                _("%(name)s has already submitted this evaluation.") % {"name": organization.name},
                code="already_submitted",
            )
        EvaluationScore.objects.filter(evaluation=evaluation).delete()
        EvaluationScore.objects.bulk_create(
            [
                EvaluationScore(
                    evaluation=evaluation,
                    item=item,
                    score=scores[item.pk].score,
                    comment=scores[item.pk].comment.strip(),
                    reason=scores[item.pk].reason.strip(),
                )
                for item in items
            ]
        )
        evaluation.overall_satisfaction = overall_satisfaction
        evaluation.lessons = lessons.strip()
        evaluation.submitted_by = actor
        evaluation.submitted_at = timezone.now()
        evaluation.save()
        record_event(
            actor=actor,
            verb="projects.evaluation.submit",
            target=project,
            data={"kind": kind, "organization": organization.pk},
        )
        submitted = set(
            Evaluation.objects.filter(
                project=project, kind=kind, submitted_at__isnull=False
            ).values_list("organization_id", flat=True)
        )
        if submitted >= set(project_rules.partner_orgs(project)):
            content_changed(project)
            _notify_partners(
                project,
                actor=None,
                kind="projects.evaluation_complete",
                subject=_("Every partner has evaluated “%(title)s”: compare the results")
                % {"title": project.title},
            )
    return evaluation


def record_lessons(*, actor: User, project: Project, lessons: str) -> Project:
    """The lessons the partners agreed after comparing their evaluations (改善点)."""
    _require(actor, "projects.record_lessons", project)
    if project.status != S.EVALUATION:
        raise ValidationError(_("Lessons are agreed during the evaluation."), code="invalid_state")
    if not lessons.strip():
        raise ValidationError(_("Write the lessons you agreed on."))
    with transaction.atomic():
        project = _lock(project)
        project.agreed_lessons = lessons.strip()
        project.save(update_fields=["agreed_lessons", "updated_at"])
        record_event(actor=actor, verb="projects.project.lessons", target=project)
        content_changed(project)
    return project


def missing_final_evaluations(project: Project) -> set[int]:
    submitted = set(
        Evaluation.objects.filter(
            project=project, kind=EvaluationKind.FINAL, submitted_at__isnull=False
        ).values_list("organization_id", flat=True)
    )
    return set(project_rules.partner_orgs(project)) - submitted


def close_project(*, actor: User, project: Project) -> Project:
    """評価 → 終了: needs every partner's final evaluation and the agreed lessons."""
    _require(actor, "projects.close_project", project)
    with transaction.atomic():
        project = _lock(project)
        if project.status == S.EVALUATION:
            if missing_final_evaluations(project):
                raise ValidationError(
                    _("Every partner must submit the final evaluation first."), code="incomplete"
                )
            if not project.agreed_lessons.strip():
                raise ValidationError(
                    _("Record the lessons the partners agreed on first."), code="incomplete"
                )
        _transition(project, actor=actor, to=S.CLOSED, verb="close")
        _notify_partners(
            project,
            actor=actor,
            kind="projects.closed",
            subject=_("“%(title)s” is closed. Thank you.") % {"title": project.title},
        )
    return project


def cancel_project(*, actor: User, project: Project, reason: str) -> Project:
    """Any active state → 中止, with the reason published."""
    _require(actor, "projects.cancel_project", project)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for cancelling.")]})
    with transaction.atomic():
        project = _lock(project)
        project.cancel_reason = reason.strip()
        project.save(update_fields=["cancel_reason"])
        _transition(
            project,
            actor=actor,
            to=S.CANCELLED,
            verb="cancel",
            data={"reason": reason.strip()[:500]},
        )
        _notify_partners(
            project,
            actor=actor,
            kind="projects.cancelled",
            subject=_("“%(title)s” was cancelled") % {"title": project.title},
            body=reason.strip(),
        )
    return project


# --- themes (行政提案型) -----------------------------------------------------------------


def create_theme(
    *,
    actor: User,
    department: Organization,
    title: str,
    problem: str,
    expected_outcome: str,
    deadline: dt.date,
    fiscal_year: int,
    target: str = "",
    budget_ceiling_yen: int = 0,
    field_codes: Sequence[str] = (),
) -> Theme:
    _require(actor, "projects.add_theme")
    from kyodo.organizations.predicates import is_admin, is_coordinator

    if not _is_department(department):
        raise ValidationError(_("%(name)s is not a city department.") % {"name": department.name})
    if not (
        is_coordinator(actor)
        or is_admin(actor)
        or any(m.organization_id == department.pk for m in _memberships(actor))
    ):
        raise PermissionDenied("projects.add_theme")
    if not title.strip() or not problem.strip() or not expected_outcome.strip():
        raise ValidationError(_("Enter the title, the problem and the expected outcome."))
    if budget_ceiling_yen < 0:
        raise ValidationError(_("Amounts cannot be negative."))
    with transaction.atomic():
        theme = Theme.objects.create(
            department=department,
            title=title.strip(),
            problem=problem.strip(),
            target=target.strip(),
            expected_outcome=expected_outcome.strip(),
            budget_ceiling_yen=budget_ceiling_yen,
            deadline=deadline,
            fiscal_year=fiscal_year,
            created_by=actor,
        )
        theme.fields.set(_by_codes(Field, field_codes, _("fields")))
        record_event(
            actor=actor, verb="projects.theme.create", target=theme, to_state=ThemeStatus.OPEN
        )
        content_changed(theme)
    return theme


def close_theme(*, actor: User, theme: Theme) -> Theme:
    _require(actor, "projects.change_theme", theme)
    with transaction.atomic():
        theme = Theme.objects.select_for_update().get(pk=theme.pk)
        if theme.status != ThemeStatus.OPEN:
            raise ValidationError(_("This theme is already closed."))
        theme.status = ThemeStatus.CLOSED
        theme.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            verb="projects.theme.close",
            target=theme,
            from_state=ThemeStatus.OPEN,
            to_state=ThemeStatus.CLOSED,
        )
        content_changed(theme)
    return theme


def answer_theme(
    *,
    actor: User,
    theme: Theme,
    organization: Organization,
    title: str,
    purpose: str,
    summary: str = "",
) -> Project:
    """A group answers a city theme with a proposal: a draft project, origin 行政提案型, with
    the theme's department as responsible department."""
    _require(actor, "projects.answer_theme", theme)
    if theme.status != ThemeStatus.OPEN or theme.deadline < timezone.localdate():
        raise ValidationError(_("This theme no longer accepts proposals."), code="closed")
    return create_project(
        actor=actor,
        title=title,
        purpose=purpose,
        summary=summary,
        origin=Origin.CITY,
        fiscal_year=theme.fiscal_year,
        lead_organization=organization,
        departments=[theme.department],
        field_codes=list(theme.fields.values_list("code", flat=True)),
        theme=theme,
        source=f"projects.theme:{theme.pk}",
    )


# --- reminders ---------------------------------------------------------------------------

REMINDER_INTERVAL = dt.timedelta(days=7)


def send_evaluation_reminders(*, now: dt.datetime | None = None) -> int:
    """E-mail the partners whose final evaluation is overdue (at most once a week each).
    Returns the number of (project, organization) reminders sent."""
    from kyodo.projects.selectors import overdue_evaluations

    now = now or timezone.now()
    sent = 0
    for row in overdue_evaluations(now=now):
        project = row.project
        for org in row.missing:
            recent = EvaluationReminder.objects.filter(
                project=project,
                organization=org,
                kind=EvaluationKind.FINAL,
                sent_at__gte=now - REMINDER_INTERVAL,
            ).exists()
            if recent:
                continue
            with transaction.atomic():
                notify(
                    recipients=partner_recipients(project, org_ids=[org.pk]),
                    kind="projects.evaluation_reminder",
                    subject=_("Reminder: the final evaluation of “%(title)s” is overdue")
                    % {"title": project.title},
                    body=_(
                        "Please submit the evaluation for %(name)s. The other partners are waiting to compare results."
                    )
                    % {"name": org.name},
                    url=project.get_absolute_url() + "evaluation/final/",
                    always_email=True,
                )
                EvaluationReminder.objects.create(
                    project=project, organization=org, kind=EvaluationKind.FINAL
                )
                record_event(
                    actor=None,
                    verb="projects.evaluation.remind",
                    target=project,
                    data={"organization": org.pk},
                )
            sent += 1
    return sent
