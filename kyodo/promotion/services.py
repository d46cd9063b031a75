"""Every write of the promotion app: liaisons, coordination requests, learning, the survey."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.core.audit import record_event
from kyodo.guideline.models import Principle
from kyodo.notifications.services import notify
from kyodo.organizations.models import Membership, MembershipStatus, Organization
from kyodo.promotion.models import (
    CoordinationRequest,
    LearningCompletion,
    Liaison,
    SelfCheck,
    SurveyPeriod,
    SurveyRecord,
    SurveyResponse,
)
from kyodo.promotion.workflow import REQUEST_TRANSITIONS, RequestStatus, SurveyStatus

COURSE_MODULES = ("principles", "tiers", "forms", "steps")


def _require(actor: User, perm: str, obj: Any = None) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _department_staff(department: Organization) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            organization=department, status=MembershipStatus.ACTIVE
        ).select_related("user")
    ]


def _liaisons_or_staff(department: Organization) -> list[User]:
    liaisons = [
        li.user for li in Liaison.objects.filter(department=department).select_related("user")
    ]
    return liaisons or _department_staff(department)


def name_liaison(*, actor: User, department: Organization, user: User, note: str = "") -> Liaison:
    _require(actor, "promotion.name_liaison", department)
    if not department.is_department:
        raise ValidationError(_("Liaisons can only be named for city departments."))
    if not Membership.objects.filter(
        user=user, organization=department, status=MembershipStatus.ACTIVE
    ).exists():
        raise ValidationError(_("A liaison must be a staff member of the department."))
    with transaction.atomic():
        liaison, created = Liaison.objects.get_or_create(
            department=department, user=user, defaults={"note": note}
        )
        if created:
            record_event(
                actor=actor, verb="promotion.liaison.name", target=liaison, to_state="named"
            )
    return liaison


def remove_liaison(*, actor: User, liaison: Liaison) -> None:
    _require(actor, "promotion.name_liaison", liaison.department)
    with transaction.atomic():
        record_event(
            actor=actor,
            verb="promotion.liaison.remove",
            target=liaison,
            from_state="named",
            to_state="removed",
        )
        liaison.delete()


def request_coordination(
    *,
    actor: User,
    from_department: Organization,
    to_department: Organization,
    subject: str,
    message: str,
    project: Any = None,
    due_on: dt.date | None = None,
) -> CoordinationRequest:
    _require(actor, "promotion.create_coordinationrequest")
    if not actor.has_perm("promotion.answer_survey", from_department):
        raise PermissionDenied(_("You can only ask on behalf of your own department."))
    if from_department.pk == to_department.pk:
        raise ValidationError(_("Choose another department to ask."))
    if not to_department.is_department:
        raise ValidationError(_("Requests can only be sent to city departments."))
    with transaction.atomic():
        req = CoordinationRequest.objects.create(
            from_department=from_department,
            to_department=to_department,
            subject=subject,
            message=message,
            project=project,
            due_on=due_on,
            created_by=actor,
        )
        record_event(actor=actor, verb="promotion.request.create", target=req, to_state=req.status)
        notify(
            recipients=_liaisons_or_staff(to_department),
            kind="promotion.request_received",
            subject=_("%(department)s asks for your help: %(subject)s")
            % {"department": from_department.name, "subject": subject},
            body=message,
            url=reverse("promotion:request-detail", args=[req.pk]),
            exclude=actor,
        )
    return req


def answer_coordination(
    *, actor: User, request: CoordinationRequest, accept: bool, answer: str
) -> CoordinationRequest:
    with transaction.atomic():
        req = CoordinationRequest.objects.select_for_update().get(pk=request.pk)
        _require(actor, "promotion.answer_coordinationrequest", req)
        target = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        if target not in REQUEST_TRANSITIONS[req.status]:
            raise ValidationError(_("This request has already been answered."))
        if not accept and not answer.strip():
            raise ValidationError(_("Please give a reason when you decline."))
        previous = req.status
        req.status, req.answer, req.answered_by, req.answered_at = (
            target,
            answer,
            actor,
            timezone.now(),
        )
        req.save(update_fields=["status", "answer", "answered_by", "answered_at", "updated_at"])
        record_event(
            actor=actor,
            verb="promotion.request.answer",
            target=req,
            from_state=previous,
            to_state=target,
        )
        notify(
            recipients=[req.created_by, *_liaisons_or_staff(req.from_department)],
            kind="promotion.request_answered",
            subject=_("%(department)s answered: %(subject)s")
            % {"department": req.to_department.name, "subject": req.subject},
            body=answer,
            url=reverse("promotion:request-detail", args=[req.pk]),
            exclude=actor,
        )
    return req


def complete_module(*, actor: User, module: str) -> LearningCompletion:
    _require(actor, "promotion.take_course")
    if module not in COURSE_MODULES:
        raise ValidationError(_("Unknown course module."))
    try:
        with transaction.atomic():
            completion, created = LearningCompletion.objects.get_or_create(
                user=actor, module=module
            )
            if created:
                record_event(
                    actor=actor,
                    verb="promotion.learning.complete",
                    target=completion,
                    to_state=module,
                )
    except IntegrityError:
        completion = LearningCompletion.objects.get(user=actor, module=module)
    return completion


def save_self_check(
    *, actor: User, scores: dict[int, int], notes: dict[int, str] | None = None
) -> int:
    """Store the person's self-check, one score 1–5 per principle (by principle id)."""
    _require(actor, "promotion.take_course")
    principles = {p.pk: p for p in Principle.objects.all()}
    if set(scores) != set(principles):
        raise ValidationError(_("Please answer every principle."))
    if any(not 1 <= int(v) <= 5 for v in scores.values()):
        raise ValidationError(_("Each answer must be from 1 to 5."))
    with transaction.atomic():
        for pid, score in scores.items():
            SelfCheck.objects.update_or_create(
                user=actor,
                principle=principles[pid],
                defaults={"score": int(score), "note": (notes or {}).get(pid, "")},
            )
        record_event(
            actor=actor,
            verb="promotion.selfcheck.save",
            target=actor,
            data={"answers": len(scores)},
        )
    return len(scores)


def open_survey(*, actor: User, fiscal_year: int, closes_on: dt.date) -> SurveyPeriod:
    _require(actor, "promotion.manage_survey")
    with transaction.atomic():
        period, created = SurveyPeriod.objects.select_for_update().get_or_create(
            fiscal_year=fiscal_year, defaults={"closes_on": closes_on, "opened_by": actor}
        )
        previous = "" if created else period.status
        if not created:
            if period.status == SurveyStatus.OPEN:
                raise ValidationError(_("The survey for this fiscal year is already open."))
            period.status, period.closes_on, period.closed_at = SurveyStatus.OPEN, closes_on, None
            period.save(update_fields=["status", "closes_on", "closed_at", "updated_at"])
        record_event(
            actor=actor,
            verb="promotion.survey.open",
            target=period,
            from_state=previous,
            to_state="open",
        )
        departments = list(Organization.objects.departments())
        recipients = [u for d in departments for u in _liaisons_or_staff(d)]
        notify(
            recipients=recipients,
            kind="promotion.survey_opened",
            subject=_("The collaboration survey for %(fy)s is open (due %(date)s)")
            % {"fy": fiscal_year, "date": closes_on},
            url=reverse("promotion:survey", args=[fiscal_year]),
            exclude=actor,
        )
    return period


def close_survey(*, actor: User, period: SurveyPeriod) -> SurveyPeriod:
    _require(actor, "promotion.manage_survey")
    with transaction.atomic():
        period = SurveyPeriod.objects.select_for_update().get(pk=period.pk)
        if period.status == SurveyStatus.CLOSED:
            raise ValidationError(_("The survey is already closed."))
        period.status, period.closed_at = SurveyStatus.CLOSED, timezone.now()
        period.save(update_fields=["status", "closed_at", "updated_at"])
        record_event(
            actor=actor,
            verb="promotion.survey.close",
            target=period,
            from_state="open",
            to_state="closed",
        )
    return period


def departments_without_answer(period: SurveyPeriod) -> list[Organization]:
    answered = set(period.responses.values_list("department_id", flat=True))
    return [
        d for d in Organization.objects.departments().order_by("kana", "id") if d.pk not in answered
    ]


def remind_survey(*, actor: User | None, period: SurveyPeriod) -> int:
    """Remind every department that has not answered. Returns how many were reminded."""
    if actor is not None:
        _require(actor, "promotion.manage_survey")
    if period.status != SurveyStatus.OPEN:
        raise ValidationError(_("The survey is closed."))
    missing = departments_without_answer(period)
    with transaction.atomic():
        for department in missing:
            notify(
                recipients=_liaisons_or_staff(department),
                kind="promotion.survey_reminder",
                subject=_("Reminder: please answer the collaboration survey for %(fy)s by %(date)s")
                % {"fy": period.fiscal_year, "date": period.closes_on},
                url=reverse("promotion:survey", args=[period.fiscal_year]),
            )
        record_event(
            actor=actor,
            verb="promotion.survey.remind",
            target=period,
            data={"departments": len(missing)},
        )
    return len(missing)


def _open_period(fiscal_year: int) -> SurveyPeriod:
    period = SurveyPeriod.objects.filter(fiscal_year=fiscal_year).first()
    if period is None or period.status != SurveyStatus.OPEN:
        raise ValidationError(_("The survey for this fiscal year is not open."))
    return period


def add_survey_record(
    *,
    actor: User,
    department: Organization,
    fiscal_year: int,
    imported: bool = False,
    **fields: Any,
) -> SurveyRecord:
    _require(actor, "promotion.answer_survey", department)
    _open_period(fiscal_year)
    with transaction.atomic():
        record = SurveyRecord(
            department=department,
            fiscal_year=fiscal_year,
            created_by=actor,
            imported=imported,
            **fields,
        )
        if SurveyRecord.objects.filter(
            department=department,
            fiscal_year=fiscal_year,
            title=record.title,
            partner_name=record.partner_name,
            form=record.form,
        ).exists():
            raise ValidationError(
                _(
                    "This collaboration (the same project name, partner and form) is already recorded."
                )
            )
        record.full_clean(validate_constraints=False)
        record.save()
        record_event(
            actor=actor, verb="promotion.record.create", target=record, to_state="recorded"
        )
    return record


def delete_survey_record(*, actor: User, record: SurveyRecord) -> None:
    _require(actor, "promotion.answer_survey", record.department)
    _open_period(record.fiscal_year)
    with transaction.atomic():
        record_event(
            actor=actor,
            verb="promotion.record.delete",
            target=record,
            from_state="recorded",
            to_state="deleted",
        )
        record.delete()


def submit_survey(*, actor: User, department: Organization, fiscal_year: int) -> SurveyResponse:
    """The department says its answer is complete (with records, or none this year)."""
    _require(actor, "promotion.answer_survey", department)
    period = _open_period(fiscal_year)
    with transaction.atomic():
        has_records = SurveyRecord.objects.filter(
            department=department, fiscal_year=fiscal_year
        ).exists()
        response, created = SurveyResponse.objects.update_or_create(
            period=period,
            department=department,
            defaults={"submitted_by": actor, "no_activity": not has_records},
        )
        record_event(
            actor=actor,
            verb="promotion.survey.submit",
            target=response,
            from_state="" if created else "submitted",
            to_state="submitted",
        )
    return response
