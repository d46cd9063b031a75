"""Every write of the district spaces."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.core.audit import record_event
from kyodo.core.formatting import fiscal_year_of
from kyodo.core.uploads import clean_document
from kyodo.districts.models import (
    MEETING_TRANSITIONS,
    Council,
    CouncilMember,
    DigestLog,
    Meeting,
    MeetingAttachment,
    MeetingStatus,
    Subcommittee,
)
from kyodo.guideline.models import District, Field
from kyodo.notifications.services import followers_of, notify
from kyodo.organizations.models import Organization
from kyodo.organizations.predicates import manages


def _require(actor: User, perm: str, obj: Any) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _move(actor: User, meeting: Meeting, to: str) -> str:
    if to not in MEETING_TRANSITIONS[meeting.status]:
        raise ValidationError(_("This meeting cannot move to that stage."))
    previous = meeting.status
    meeting.status = to
    return previous


def create_council(
    *, actor: User, district: District, name: str, chair: User | None = None, description: str = ""
) -> Council:
    if not (actor.is_superuser or actor.has_perm("districts.manage_council", None)):
        raise PermissionDenied(_("You do not have permission to do this."))
    with transaction.atomic():
        council = Council.objects.create(
            district=district, name=name, chair=chair, description=description
        )
        record_event(
            actor=actor, verb="districts.council.create", target=council, to_state="active"
        )
    return council


def add_member(
    *, actor: User, council: Council, organization: Organization, role: str = ""
) -> CouncilMember:
    _require(actor, "districts.manage_council", council)
    with transaction.atomic():
        member, created = CouncilMember.objects.get_or_create(
            council=council,
            organization=organization,
            defaults={"role": role, "joined_on": timezone.localdate()},
        )
        if not created:
            raise ValidationError(_("This organization is already a member."))
        record_event(
            actor=actor,
            verb="districts.member.add",
            target=member,
            to_state="member",
            data={"role": role},
        )
    return member


def remove_member(*, actor: User, member: CouncilMember) -> None:
    _require(actor, "districts.manage_council", member.council)
    with transaction.atomic():
        record_event(
            actor=actor,
            verb="districts.member.remove",
            target=member,
            from_state="member",
            to_state="removed",
        )
        member.delete()


def add_subcommittee(
    *,
    actor: User,
    council: Council,
    name: str,
    theme: str,
    field: Field | None = None,
    lead: Organization | None = None,
) -> Subcommittee:
    _require(actor, "districts.manage_council", council)
    if lead is not None and not council.members.filter(organization=lead).exists():
        raise ValidationError(_("The lead organization must be a member of the council."))
    with transaction.atomic():
        sub = Subcommittee.objects.create(
            council=council, name=name, theme=theme, field=field, lead=lead
        )
        record_event(
            actor=actor, verb="districts.subcommittee.create", target=sub, to_state="active"
        )
    return sub


def assign_issue(*, actor: User, subcommittee: Subcommittee, issue: Any) -> None:
    """The subcommittee takes ownership of a local issue of its district."""
    _require(actor, "districts.work_on_issues", subcommittee.council)
    if issue.district_id != subcommittee.council.district_id:
        raise ValidationError(_("Only issues of this district can be assigned."))
    with transaction.atomic():
        subcommittee.issues.add(issue)
        record_event(
            actor=actor,
            verb="districts.subcommittee.assign_issue",
            target=subcommittee,
            data={"issue": issue.pk},
        )


def schedule_meeting(
    *, actor: User, council: Council, title: str, held_at: dt.datetime, agenda: str, place: str = ""
) -> Meeting:
    _require(actor, "districts.draft_record", council)
    if not title.strip() or not agenda.strip():
        raise ValidationError(_("Enter a title and the agenda."))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            council=council, title=title, held_at=held_at, agenda=agenda, place=place
        )
        record_event(
            actor=actor, verb="districts.meeting.schedule", target=meeting, to_state=meeting.status
        )
    return meeting


def draft_record(*, actor: User, meeting: Meeting, record: str, decisions: str = "") -> Meeting:
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("council").get(pk=meeting.pk)
        _require(actor, "districts.draft_record", meeting.council)
        if meeting.status == MeetingStatus.PUBLISHED:
            raise ValidationError(_("A published record can no longer be changed."))
        if not record.strip():
            raise ValidationError(_("Write the record of the meeting."))
        previous = meeting.status
        if meeting.status == MeetingStatus.SCHEDULED:
            _move(actor, meeting, MeetingStatus.DRAFT_RECORD)
        meeting.record, meeting.decisions, meeting.drafted_by = record, decisions, actor
        meeting.save(update_fields=["record", "decisions", "drafted_by", "status", "updated_at"])
        record_event(
            actor=actor,
            verb="districts.meeting.draft_record",
            target=meeting,
            from_state=previous,
            to_state=meeting.status,
        )
    return meeting


def publish_record(*, actor: User, meeting: Meeting) -> Meeting:
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update()
            .select_related("council__district")
            .get(pk=meeting.pk)
        )
        _require(actor, "districts.publish_record", meeting.council)
        if not meeting.record.strip():
            raise ValidationError(_("Write the record before publishing it."))
        previous = _move(actor, meeting, MeetingStatus.PUBLISHED)
        meeting.published_by, meeting.published_at = actor, timezone.now()
        meeting.save(update_fields=["status", "published_by", "published_at", "updated_at"])
        record_event(
            actor=actor,
            verb="districts.meeting.publish",
            target=meeting,
            from_state=previous,
            to_state=meeting.status,
        )
        notify(
            recipients=followers_of(meeting.council.district),
            kind="districts.record_published",
            subject=_("%(council)s published the record of %(meeting)s")
            % {"council": meeting.council.name, "meeting": meeting.title},
            body=meeting.decisions or meeting.record[:300],
            url=reverse("districts:meeting-detail", args=[meeting.pk]),
            exclude=actor,
        )
    return meeting


def add_attachment(*, actor: User, meeting: Meeting, upload: UploadedFile) -> MeetingAttachment:
    _require(actor, "districts.draft_record", meeting.council)
    clean = clean_document(upload)
    with transaction.atomic():
        attachment = MeetingAttachment(
            meeting=meeting, original_name=clean.original_name, uploaded_by=actor
        )
        attachment.file.save(clean.content.name, clean.content, save=False)
        attachment.save()
        record_event(
            actor=actor,
            verb="districts.meeting.attach",
            target=meeting,
            data={"file": clean.original_name},
        )
    return attachment


def _acting_organization(
    actor: User, subcommittee: Subcommittee, organization: Organization
) -> Organization:
    if not subcommittee.council.members.filter(organization=organization).exists():
        raise ValidationError(_("Choose a member organization of the council."))
    if not (actor.is_superuser or manages(actor, organization)):
        raise PermissionDenied(_("You can only act for an organization you manage."))
    return organization


def start_project_from_issue(
    *,
    actor: User,
    subcommittee: Subcommittee,
    issue: Any,
    organization: Organization,
    title: str,
    purpose: str,
) -> Any:
    """A subcommittee turns one of its issues into a draft collaboration project, with the
    issue's responsible department (or the coordinating department) as the city partner."""
    from kyodo.projects.services import create_project

    _require(actor, "districts.work_on_issues", subcommittee.council)
    if not subcommittee.issues.filter(pk=issue.pk).exists():
        raise ValidationError(_("The subcommittee does not own this issue."))
    lead = _acting_organization(actor, subcommittee, organization)
    department = (
        issue.responsible_department
        or Organization.objects.filter(is_coordinating_department=True).first()
    )
    with transaction.atomic():
        project = create_project(
            actor=actor,
            title=title,
            purpose=purpose,
            origin="citizen",
            fiscal_year=fiscal_year_of(timezone.localdate()),
            lead_organization=lead,
            departments=[department] if department else [],
            field_codes=[issue.field.code],
            district_codes=[subcommittee.council.district.code],
            issue_ids=[issue.pk],
            source=f"districts.subcommittee:{subcommittee.pk}",
        )
        record_event(
            actor=actor,
            verb="districts.subcommittee.start_project",
            target=subcommittee,
            data={"issue": issue.pk, "project": project.pk},
        )
    return project


def start_event_from_issue(
    *,
    actor: User,
    subcommittee: Subcommittee,
    issue: Any,
    organization: Organization,
    values: dict[str, Any],
) -> Any:
    """A subcommittee organises an event (e.g. a clean-up or a patrol) about one of its issues."""
    from kyodo.events.services import create_event

    _require(actor, "districts.work_on_issues", subcommittee.council)
    if not subcommittee.issues.filter(pk=issue.pk).exists():
        raise ValidationError(_("The subcommittee does not own this issue."))
    lead = _acting_organization(actor, subcommittee, organization)
    values = {**values, "district": subcommittee.council.district}
    values.setdefault("description", "")
    values["description"] = (
        values["description"]
        + "\n\n"
        + _("About the local issue: %(title)s") % {"title": issue.title}
    ).strip()
    with transaction.atomic():
        event = create_event(actor=actor, organization=lead, values=values, fields=[issue.field])
        record_event(
            actor=actor,
            verb="districts.subcommittee.start_event",
            target=subcommittee,
            data={"issue": issue.pk, "event": event.pk},
        )
    return event


def send_district_digests(*, now: dt.datetime | None = None) -> int:
    """One summary notification per follower of each district with news since the last digest
    (new issues, events, projects and published records). Returns the digests sent."""
    from kyodo.districts.selectors import activity_since

    now = now or timezone.now()
    sent = 0
    for district in District.objects.filter(pk__in=_followed_district_ids()):
        log = DigestLog.objects.filter(district=district).first()
        since = log.sent_at if log else now - dt.timedelta(days=7)
        summary = activity_since(district, since)
        with transaction.atomic():
            if any(summary.values()):
                lines = [
                    _("%(label)s: %(n)s") % {"label": label, "n": len(items)}
                    for label, items in summary.items()
                    if items
                ]
                notify(
                    recipients=followers_of(district),
                    kind="districts.digest",
                    subject=_("This week in %(district)s") % {"district": district.name},
                    body="\n".join(lines),
                    url=reverse("districts:detail", args=[district.code]),
                )
                sent += 1
            DigestLog.objects.update_or_create(district=district, defaults={"sent_at": now})
    return sent


def _followed_district_ids() -> list[int]:
    from django.contrib.contenttypes.models import ContentType

    from kyodo.notifications.models import Follow

    ct = ContentType.objects.get_for_model(District)
    return list(
        Follow.objects.filter(target_type=ct).values_list("target_id", flat=True).distinct()
    )


def councils_from_guideline(sender: Any, clean: dict[str, Any], **kwargs: Any) -> None:
    """Receiver of guideline_loaded: create the district councils the file lists
    (`[[district_councils]]`) that do not exist yet. An existing council is left as it is:
    the city edits it in the site (districts:council-manage)."""
    rows = clean.get("district_councils") or []
    if not rows:
        return
    districts = {d.code: d for d in District.objects.all()}
    existing = set(Council.objects.values_list("district__code", flat=True))
    for row in rows:
        district = districts.get(row["district"])
        if district is None or district.code in existing:
            continue
        council = Council.objects.create(
            district=district,
            name=row["name"],
            description=row.get("description", ""),
            founded_year=row.get("founded_year"),
        )
        existing.add(district.code)
        record_event(
            actor=None,
            verb="districts.council.create",
            target=council,
            to_state="active",
            data={"source": "guideline"},
        )
    progress = kwargs.get("progress")
    if progress:
        progress(f"district_councils: {len(rows)}")
