"""Every write of the calls app: one service per transition, each with an audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.calls import money, scoring, selectors
from kyodo.calls.models import (
    Application,
    ApplicationDocument,
    Call,
    CallCriterion,
    CallKind,
    ChangeRequest,
    CityDecisionChoice,
    Conclusion,
    ConflictDeclaration,
    ConflictPolicy,
    Decision,
    EligibilityOutcome,
    ExpenseLine,
    FundingRule,
    Grant,
    IncomeLine,
    PresentationSlot,
    RequiredDocument,
    ReviewerAssignment,
    RoleDivision,
    Round,
    Score,
    ScoreSheet,
    SettlementLine,
    Track,
)
from kyodo.calls.selectors import allowed
from kyodo.calls.workflow import (
    APPLICATION_TRANSITIONS,
    CALL_TRANSITIONS,
    GRANT_TRANSITIONS,
    ApplicationStatus,
    CallStatus,
    ChangeRequestStatus,
    GrantStatus,
    require_transition,
)
from kyodo.core.audit import record_event
from kyodo.core.formatting import date_ja, datetime_ja, yen
from kyodo.core.hooks import content_changed
from kyodo.core.uploads import clean_document
from kyodo.guideline.models import CollaborationForm, RubricCriterion
from kyodo.guideline.selectors import setting
from kyodo.notifications.services import notify
from kyodo.organizations.models import MembershipRole, MembershipStatus, Organization
from kyodo.organizations.predicates import is_coordinator, manages

MANAGER_ROLES = (MembershipRole.REPRESENTATIVE, MembershipRole.OFFICER, MembershipRole.CLERK)


def _require(actor: Any, perm: str, obj: Any = None) -> None:
    if not allowed(actor, perm, obj):
        raise PermissionDenied


def _managers_of(org_id: int) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organization_id=org_id,
            memberships__status=MembershipStatus.ACTIVE,
            memberships__role__in=MANAGER_ROLES,
        )
    )


def _coordinators() -> list[User]:
    return list(
        User.objects.filter(
            memberships__organization__is_coordinating_department=True,
            memberships__status=MembershipStatus.ACTIVE,
        ).distinct()
    )


def _app_url(application: Application) -> str:
    return reverse("calls:application-detail", args=[application.pk])


# --- calls --------------------------------------------------------------------------------


def _default_rules(call: Call) -> list[FundingRule]:
    unit = int(setting("subsidy.rounding_unit", 1000))
    taper = setting("subsidy.taper", None) or [
        [
            1,
            int(setting("subsidy.default_rate_percent", 100)),
            int(setting("subsidy.default_cap", 500000)),
        ]
    ]
    tracks = [Track.CITY] if call.kind == CallKind.CITY_THEME else [Track.CITIZEN]
    if call.kind == CallKind.COMMISSION:
        # A commission pays the agreed cost in full (委託料), up to the cap.
        return [
            FundingRule(
                call=call,
                track=Track.CITIZEN,
                continuation_year=int(year),
                rate_basis_points=10000,
                cap_yen=int(cap),
                rounding_unit_yen=unit,
            )
            for year, _rate, cap in taper
        ]
    return [
        FundingRule(
            call=call,
            track=track,
            continuation_year=int(year),
            rate_basis_points=int(rate) * 100,
            cap_yen=int(cap),
            rounding_unit_yen=unit,
        )
        for track in tracks
        for year, rate, cap in taper
    ]


def create_call(
    *,
    actor: User,
    kind: str,
    fiscal_year: int,
    title: str,
    summary: str = "",
    department: Organization | None = None,
    total_budget_yen: int = 0,
) -> Call:
    """A draft call with the guideline's defaults: rubric copied from the guideline, funding
    rules from the taper setting, eligibility and expense categories from the settings."""
    _require(actor, "calls.manage_call")
    with transaction.atomic():
        call = Call.objects.create(
            kind=kind,
            fiscal_year=fiscal_year,
            title=title,
            summary=summary,
            department=department,
            total_budget_yen=total_budget_yen,
            minimum_members=int(setting("eligibility.minimum_members", 5)),
            requires_base_in_city=bool(setting("eligibility.requires_base_in_city", True)),
            requires_verified=True,
            eligible_categories=list(setting("subsidy.eligible_categories", [])),
            excluded_categories=list(setting("subsidy.excluded_categories", [])),
            normalise_to=int(setting("rubric.normalise_to", 100)),
            adoption_threshold=int(setting("rubric.adoption_threshold", 60)),
            conflict_policy=str(setting("rubric.conflict_policy", ConflictPolicy.EXCLUDE)),
            created_by=actor,
        )
        CallCriterion.objects.bulk_create(
            CallCriterion(
                call=call,
                code=c.code,
                order=c.order,
                name=c.name,
                name_en=c.name_en,
                description=c.description,
                max_score=c.max_score,
                weight=c.weight,
            )
            for c in RubricCriterion.objects.order_by("order")
        )
        FundingRule.objects.bulk_create(_default_rules(call))
        RequiredDocument.objects.bulk_create(
            RequiredDocument(call=call, order=i, name=name, is_required=True)
            for i, name in enumerate(
                ["事業計画書", "収支予算書", "団体調書", "定款・会則", "役員名簿"], 1
            )
        )
        record_event(actor=actor, verb="calls.call.create", target=call, to_state=call.status)
    return call


CALL_FIELDS = {
    "kind",
    "fiscal_year",
    "title",
    "summary",
    "department",
    "total_budget_yen",
    "minimum_members",
    "requires_base_in_city",
    "requires_verified",
    "eligible_categories",
    "excluded_categories",
    "normalise_to",
    "adoption_threshold",
    "conflict_policy",
}


def update_call(
    *, actor: User, call: Call, changes: dict[str, Any], org_types: Iterable[Any] | None = None
) -> Call:
    _require(actor, "calls.manage_call", call)
    unknown = set(changes) - CALL_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        for key, value in changes.items():
            setattr(call, key, value)
        call.save()
        if org_types is not None:
            call.eligible_org_types.set(list(org_types))
        record_event(
            actor=actor, verb="calls.call.update", target=call, data={"fields": sorted(changes)}
        )
        if call.is_public:
            content_changed(call)
    return call


def save_round(
    *,
    actor: User,
    call: Call,
    round: Round | None = None,
    name: str,
    order: int,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    presentation_date: dt.date | None = None,
    decision_date: dt.date | None = None,
) -> Round:
    _require(actor, "calls.manage_call", call)
    if closes_at <= opens_at:
        raise ValidationError(_("The closing time must be after the opening time."))
    with transaction.atomic():
        rnd = round or Round(call=call)
        rnd.name, rnd.order, rnd.opens_at, rnd.closes_at = name, order, opens_at, closes_at
        rnd.presentation_date, rnd.decision_date = presentation_date, decision_date
        rnd.save()
        record_event(
            actor=actor,
            verb="calls.round.save",
            target=rnd,
            data={"opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()},
        )
        if call.is_public:
            content_changed(call)
    return rnd


def replace_funding_rules(*, actor: User, call: Call, rows: Sequence[dict[str, int | str]]) -> None:
    """rows: track, continuation_year, rate_basis_points, cap_yen, rounding_unit_yen."""
    _require(actor, "calls.manage_call", call)
    seen = set()
    for row in rows:
        key = (row["track"], row["continuation_year"])
        if key in seen:
            raise ValidationError(_("Each track and year of continuation may have only one rule."))
        seen.add(key)
        if not 0 <= int(row["rate_basis_points"]) <= 10000:
            raise ValidationError(_("The rate must be between 0% and 100%."))
    with transaction.atomic():
        FundingRule.objects.filter(call=call).delete()
        FundingRule.objects.bulk_create(FundingRule(call=call, **row) for row in rows)  # type: ignore[misc]
        record_event(
            actor=actor, verb="calls.call.funding_rules", target=call, data={"rules": list(rows)}
        )


def replace_criteria(*, actor: User, call: Call, rows: Sequence[dict[str, Any]]) -> None:
    """rows: id (or None), code, order, name, description, max_score, weight. Criteria
    already scored cannot be removed (raw scores are kept)."""
    _require(actor, "calls.manage_call", call)
    with transaction.atomic():
        keep: list[int] = []
        for row in rows:
            pk = row.pop("id", None)
            if pk:
                CallCriterion.objects.filter(pk=pk, call=call).update(**row)
                keep.append(pk)
            else:
                keep.append(CallCriterion.objects.create(call=call, **row).pk)
        gone = CallCriterion.objects.filter(call=call).exclude(pk__in=keep)
        if Score.objects.filter(criterion__in=gone).exists():
            raise ValidationError(
                _("A criterion that reviewers have already scored cannot be removed.")
            )
        gone.delete()
        record_event(
            actor=actor, verb="calls.call.criteria", target=call, data={"count": len(keep)}
        )


def replace_required_documents(*, actor: User, call: Call, rows: Sequence[dict[str, Any]]) -> None:
    _require(actor, "calls.manage_call", call)
    with transaction.atomic():
        keep = []
        for row in rows:
            pk = row.pop("id", None)
            if pk:
                RequiredDocument.objects.filter(pk=pk, call=call).update(**row)
                keep.append(pk)
            else:
                keep.append(RequiredDocument.objects.create(call=call, **row).pk)
        RequiredDocument.objects.filter(call=call).exclude(pk__in=keep).delete()
        record_event(
            actor=actor, verb="calls.call.documents", target=call, data={"count": len(keep)}
        )


def publish_call(*, actor: User, call: Call) -> Call:
    _require(actor, "calls.manage_call", call)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        require_transition(CALL_TRANSITIONS, call.status, CallStatus.PUBLISHED)
        problems = []
        if not call.rounds.exists():
            problems.append(_("Add at least one review round."))
        if not call.criteria.exists():
            problems.append(_("Add at least one screening criterion."))
        if not call.funding_rules.exists():
            problems.append(_("Add at least one funding rule."))
        if problems:
            raise ValidationError(problems)
        previous = call.status
        call.status = CallStatus.PUBLISHED
        call.published_at = timezone.now()
        call.save(update_fields=["status", "published_at", "updated_at"])
        record_event(
            actor=actor,
            verb="calls.call.publish",
            target=call,
            from_state=previous,
            to_state=call.status,
        )
        content_changed(call)
    return call


def archive_call(*, actor: User, call: Call) -> Call:
    _require(actor, "calls.manage_call", call)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        require_transition(CALL_TRANSITIONS, call.status, CallStatus.ARCHIVED)
        previous, call.status = call.status, CallStatus.ARCHIVED
        call.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            verb="calls.call.archive",
            target=call,
            from_state=previous,
            to_state=call.status,
        )
        content_changed(call)
    return call


# --- applications -------------------------------------------------------------------------


def create_application(
    *,
    actor: User,
    call: Call,
    round: Round,
    organization: Organization,
    title: str,
    on_paper: bool = False,
    paper_received_on: dt.date | None = None,
) -> Application:
    """A draft. Group managers apply for their group; coordinators may enter a paper
    application on a group's behalf (recorded as such)."""
    if not allowed(actor, "calls.apply_to_call", call):
        raise PermissionDenied
    if on_paper:
        if not is_coordinator(actor):
            raise PermissionDenied
    elif not manages(actor, organization):
        raise PermissionDenied
    if round.call_id != call.pk:
        raise ValidationError(_("Choose a round of this call."))
    with transaction.atomic():
        application = Application.objects.create(
            call=call,
            round=round,
            organization=organization,
            track=call.default_track,
            title=title,
            created_by=actor,
            entered_on_paper=on_paper,
            entered_by=actor if on_paper else None,
            paper_received_on=paper_received_on if on_paper else None,
        )
        record_event(
            actor=actor,
            verb="calls.application.create",
            target=application,
            to_state=application.status,
            data={"on_paper": on_paper, "organization": organization.pk},
        )
    return application


APPLICATION_FIELDS = {
    "title",
    "purpose",
    "content",
    "target_people",
    "place",
    "schedule",
    "targets",
    "track",
    "continuation_year",
    "round",
    "paper_received_on",
    "theme",
}


def update_application(
    *,
    actor: User,
    application: Application,
    changes: dict[str, Any],
    co_applicants: Iterable[Organization] | None = None,
) -> Application:
    _require(actor, "calls.change_application", application)
    unknown = set(changes) - APPLICATION_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    if "round" in changes and changes["round"].call_id != application.call_id:
        raise ValidationError(_("Choose a round of this call."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        for key, value in changes.items():
            setattr(application, key, value)
        application.save()
        if co_applicants is not None:
            joint = [o for o in co_applicants if o.pk != application.organization_id]
            application.co_applicants.set(joint)
        record_event(
            actor=actor,
            verb="calls.application.update",
            target=application,
            data={"fields": sorted(changes)},
        )
    return application


def save_budget(
    *,
    actor: User,
    application: Application,
    income: Sequence[dict[str, Any]],
    expenses: Sequence[dict[str, Any]],
) -> list[str]:
    """Replace the budget lines (a draft may be incomplete). Returns what still blocks
    submission, so the page can show it."""
    _require(actor, "calls.change_application", application)
    for row in [*income, *expenses]:
        for key in ("amount_yen", "unit_price_yen", "quantity"):
            if key in row and (not isinstance(row[key], int) or row[key] < 0):
                raise ValidationError(_("Amounts are whole yen, zero or more."))
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=application.pk).first()
        IncomeLine.objects.filter(application=application).delete()
        ExpenseLine.objects.filter(application=application).delete()
        IncomeLine.objects.bulk_create(
            IncomeLine(application=application, order=i, **row) for i, row in enumerate(income, 1)
        )
        ExpenseLine.objects.bulk_create(
            ExpenseLine(application=application, order=i, **row)
            for i, row in enumerate(expenses, 1)
        )
        totals = selectors.budget_of(application)
        record_event(
            actor=actor,
            verb="calls.application.budget",
            target=application,
            data={
                "income": totals.income_total,
                "expenses": totals.expense_total,
                "requested": totals.requested,
            },
        )
    return selectors.budget_problems(application)


def save_roles(*, actor: User, application: Application, rows: Sequence[dict[str, Any]]) -> None:
    _require(actor, "calls.change_application", application)
    with transaction.atomic():
        RoleDivision.objects.filter(application=application).delete()
        RoleDivision.objects.bulk_create(
            RoleDivision(application=application, order=i, **row) for i, row in enumerate(rows, 1)
        )
        record_event(
            actor=actor,
            verb="calls.application.roles",
            target=application,
            data={"rows": len(rows)},
        )


def upload_document(
    *,
    actor: User,
    application: Application,
    requirement: RequiredDocument | None,
    upload: UploadedFile,
) -> ApplicationDocument:
    _require(actor, "calls.change_application", application)
    if requirement is not None and requirement.call_id != application.call_id:
        raise ValidationError(_("Choose a document of this call."))
    clean = clean_document(upload)
    with transaction.atomic():
        doc = ApplicationDocument(
            application=application,
            requirement=requirement,
            original_name=clean.original_name,
            content_type=clean.content_type,
            uploaded_by=actor,
        )
        doc.file.save(clean.content.name or "document", clean.content, save=False)
        doc.save()
        record_event(
            actor=actor,
            verb="calls.application.document",
            target=application,
            data={"document": doc.pk, "requirement": requirement.pk if requirement else None},
        )
    return doc


def delete_document(*, actor: User, document: ApplicationDocument) -> None:
    _require(actor, "calls.change_application", document.application)
    with transaction.atomic():
        record_event(
            actor=actor,
            verb="calls.application.document_delete",
            target=document.application,
            data={"document": document.pk},
        )
        document.file.delete(save=False)
        document.delete()


def _window_problem(application: Application, now: dt.datetime) -> str | None:
    rnd = application.round
    if application.entered_on_paper and application.paper_received_on is not None:
        received = application.paper_received_on
        if timezone.localdate(rnd.opens_at) <= received <= timezone.localdate(rnd.closes_at):
            return None
        return _(
            "The paper application was received on %(date)s, outside the window of %(round)s."
        ) % {"date": date_ja(received), "round": rnd.name}
    if now < rnd.opens_at:
        return _(
            "Applications for %(round)s open at %(opens)s. Your application is saved as a draft."
        ) % {"round": rnd.name, "opens": datetime_ja(rnd.opens_at)}
    if now >= rnd.closes_at:
        return _(
            "Applications for %(round)s closed at %(closes)s. Your application has not been "
            "submitted; it is kept as a draft. Please contact the city."
        ) % {"round": rnd.name, "closes": datetime_ja(rnd.closes_at)}
    return None


def submit_application(*, actor: User, application: Application) -> Application:
    """Submit inside the round's window (server time). Submitting twice is a no-op."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("call", "round", "organization__org_type__actor_type")
            .get(pk=application.pk)
        )
        if application.status == ApplicationStatus.SUBMITTED:
            return application  # a repeated click or a resent form: already done
        _require(actor, "calls.submit_application", application)
        problem = _window_problem(application, timezone.now())
        if problem:
            raise ValidationError(problem, code="window_closed")
        problems = selectors.submission_problems(application)
        if problems:
            raise ValidationError(problems, code="incomplete")
        previous = application.status
        require_transition(APPLICATION_TRANSITIONS, previous, ApplicationStatus.SUBMITTED)
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = timezone.now()
        application.submitted_by = actor
        application.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        record_event(
            actor=actor,
            verb="calls.application.submit",
            target=application,
            from_state=previous,
            to_state=application.status,
            data={"on_paper": application.entered_on_paper},
        )
        notify(
            recipients=_managers_of(application.organization_id),
            kind="calls.application_submitted",
            subject=_("Your application “%(title)s” has been submitted")
            % {"title": application.title},
            url=_app_url(application),
            exclude=actor,
        )
        notify(
            recipients=_coordinators(),
            kind="calls.application_received",
            subject=_("New application: %(title)s") % {"title": application.title},
            url=_app_url(application),
            exclude=actor,
        )
    return application


def withdraw_application(*, actor: User, application: Application) -> Application:
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _require(actor, "calls.withdraw_application", application)
        previous = application.status
        require_transition(APPLICATION_TRANSITIONS, previous, ApplicationStatus.WITHDRAWN)
        application.status = ApplicationStatus.WITHDRAWN
        application.withdrawn_at = timezone.now()
        application.save(update_fields=["status", "withdrawn_at", "updated_at"])
        record_event(
            actor=actor,
            verb="calls.application.withdraw",
            target=application,
            from_state=previous,
            to_state=application.status,
        )
        notify(
            recipients=_coordinators(),
            kind="calls.application_withdrawn",
            subject=_("Application withdrawn: %(title)s") % {"title": application.title},
            url=_app_url(application),
            exclude=actor,
        )
    return application


def check_eligibility(
    *, actor: User, application: Application, outcome: str, reasons: str = ""
) -> Application:
    """要件審査: pass, return for correction (with reasons) or ineligible (with reasons)."""
    target = {
        EligibilityOutcome.PASS: ApplicationStatus.ELIGIBLE,
        EligibilityOutcome.RETURN: ApplicationStatus.RETURNED,
        EligibilityOutcome.INELIGIBLE: ApplicationStatus.INELIGIBLE,
    }.get(outcome)  # type: ignore[call-overload]
    if target is None:
        raise ValidationError(_("Choose the outcome of the check."))
    if outcome != EligibilityOutcome.PASS and not reasons.strip():
        raise ValidationError(_("Write the reasons, so the group knows what to correct."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _require(
            actor, "calls.decide_application", application
        )  # state errors are ValidationErrors below
        previous = application.status
        require_transition(APPLICATION_TRANSITIONS, previous, target)
        application.status = target
        application.eligibility_outcome = outcome
        application.eligibility_reasons = reasons.strip()
        application.checked_at = timezone.now()
        application.checked_by = actor
        application.save(
            update_fields=[
                "status",
                "eligibility_outcome",
                "eligibility_reasons",
                "checked_at",
                "checked_by",
                "updated_at",
            ]
        )
        record_event(
            actor=actor,
            verb="calls.application.check",
            target=application,
            from_state=previous,
            to_state=target,
            data={"outcome": outcome},
        )
        notify(
            recipients=_managers_of(application.organization_id),
            kind="calls.application_checked",
            subject=_("Eligibility check of “%(title)s”: %(outcome)s")
            % {"title": application.title, "outcome": EligibilityOutcome(outcome).label},
            body=reasons,
            url=_app_url(application),
        )
    return application


# --- screening ----------------------------------------------------------------------------


def assign_reviewer(*, actor: User, round: Round, reviewer: User) -> ReviewerAssignment:
    _require(actor, "calls.manage_call", round.call)
    with transaction.atomic():
        assignment, created = ReviewerAssignment.objects.get_or_create(
            round=round, reviewer=reviewer, defaults={"assigned_by": actor}
        )
        if created:
            record_event(
                actor=actor,
                verb="calls.reviewer.assign",
                target=round,
                data={"reviewer": reviewer.pk},
            )
            notify(
                recipients=[reviewer],
                kind="calls.reviewer_assigned",
                subject=_("You are a reviewer for %(round)s") % {"round": str(round)},
                url=reverse("calls:my-reviews"),
            )
    return assignment


def unassign_reviewer(*, actor: User, assignment: ReviewerAssignment) -> None:
    _require(actor, "calls.manage_call", assignment.round.call)
    with transaction.atomic():
        record_event(
            actor=actor,
            verb="calls.reviewer.unassign",
            target=assignment.round,
            data={"reviewer": assignment.reviewer_id},
        )
        assignment.delete()


def declare_conflict(*, actor: User, application: Application, reason: str) -> ConflictDeclaration:
    """A reviewer declares a conflict. Any scores already given stay stored (raw scores
    are kept) but are no longer counted."""
    _require(actor, "calls.declare_conflict", application)
    if not reason.strip():
        raise ValidationError(_("Say briefly why (for example: I am an officer of this group)."))
    with transaction.atomic():
        declaration, created = ConflictDeclaration.objects.get_or_create(
            application=application, reviewer=actor, defaults={"reason": reason.strip()[:300]}
        )
        if created:
            record_event(actor=actor, verb="calls.conflict.declare", target=application)
            notify(
                recipients=_coordinators(),
                kind="calls.conflict_declared",
                subject=_("A reviewer declared a conflict of interest: %(title)s")
                % {"title": application.title},
                url=_app_url(application),
                exclude=actor,
            )
    return declaration


def save_scores(
    *,
    actor: User,
    application: Application,
    scores: dict[int, tuple[int, str]],
    comment: str = "",
) -> ScoreSheet:
    """Score every criterion (0 to its maximum) with an optional comment each. Checks the
    conflict of interest at this moment, from the database."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _require(actor, "calls.score_application", application)
        criteria = selectors.criteria_of(application.call)
        errors = []
        for c in criteria:
            if c.pk not in scores:
                errors.append(_("Give a score for “%(name)s”.") % {"name": c.name})
                continue
            value = scores[c.pk][0]
            if not isinstance(value, int) or not 0 <= value <= c.max_score:
                errors.append(
                    _("The score for “%(name)s” must be from 0 to %(max)s.")
                    % {"name": c.name, "max": c.max_score}
                )
        if errors:
            raise ValidationError(errors)
        sheet, created = ScoreSheet.objects.update_or_create(
            application=application,
            reviewer=actor,
            defaults={"comment": comment, "submitted_at": timezone.now()},
        )
        Score.objects.filter(sheet=sheet).delete()
        Score.objects.bulk_create(
            Score(sheet=sheet, criterion=c, score=scores[c.pk][0], comment=scores[c.pk][1][:500])
            for c in criteria
        )
        record_event(
            actor=actor,
            verb="calls.score.save" if created else "calls.score.update",
            target=application,
        )
    return sheet


def schedule_presentation(
    *,
    actor: User,
    application: Application,
    starts_at: dt.datetime,
    minutes: int = 15,
    place: str = "",
) -> PresentationSlot:
    _require(actor, "calls.manage_call", application.call)
    with transaction.atomic():
        slot, _created = PresentationSlot.objects.update_or_create(
            application=application,
            defaults={"starts_at": starts_at, "minutes": minutes, "place": place},
        )
        record_event(
            actor=actor,
            verb="calls.presentation.schedule",
            target=application,
            data={"starts_at": starts_at.isoformat(), "minutes": minutes},
        )
        notify(
            recipients=_managers_of(application.organization_id),
            kind="calls.presentation_scheduled",
            subject=_("Presentation of “%(title)s”: %(when)s")
            % {"title": application.title, "when": datetime_ja(starts_at)},
            url=_app_url(application),
        )
    return slot


def record_committee_conclusion(
    *, actor: User, application: Application, conclusion: str, comment: str, conditions: str = ""
) -> Decision:
    _require(actor, "calls.decide_application", application)
    if conclusion not in Conclusion.values:
        raise ValidationError(_("Choose the committee's conclusion."))
    if not comment.strip():
        raise ValidationError(_("Write the committee's comments (講評): they are published."))
    if conclusion == Conclusion.ADOPT_WITH_CONDITIONS and not conditions.strip():
        raise ValidationError(_("Write the conditions of adoption."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.ELIGIBLE:
            raise ValidationError(
                _("Only applications under review can receive the committee's conclusion.")
            )
        decision, _created = Decision.objects.get_or_create(application=application)
        previous = decision.committee_conclusion
        decision.committee_conclusion = conclusion
        decision.committee_comment = comment.strip()
        decision.committee_conditions = conditions.strip()
        decision.committee_recorded_at = timezone.now()
        decision.committee_recorded_by = actor
        decision.save()
        record_event(
            actor=actor,
            verb="calls.decision.committee",
            target=application,
            from_state=previous,
            to_state=conclusion,
        )
    return decision


def _create_project_for(actor: User, application: Application) -> int | None:
    """Adoption creates the collaboration project with the agreed data."""
    from kyodo.projects import services as project_services

    call = application.call
    departments = (
        [call.department]
        if call.department is not None
        else list(Organization.objects.filter(is_coordinating_department=True)[:1])
    )
    totals = selectors.budget_of(application)
    project = project_services.create_project(
        actor=actor,
        title=application.title,
        purpose=application.purpose,
        origin="city" if application.track == Track.CITY else "citizen",
        fiscal_year=call.fiscal_year,
        lead_organization=application.organization,
        departments=departments,
        partner_organizations=list(application.co_applicants.all()),
        form_codes=_form_codes_for(call),
        city_share_yen=int(application.decision.city_amount_yen),
        lead_share_yen=max(0, totals.expense_total - int(application.decision.city_amount_yen)),
        status="agreement_drafting",
        source=f"calls.application:{application.pk}",
        theme=application.theme,
    )
    return int(project.pk)


def _write_project_city_share(actor: User, application: Application, amount_yen: int) -> None:
    """The calls side is the source of a subsidised project's city share: every time the
    subsidy's amount is set (decision, approved change) the project follows, under its lock."""
    from kyodo.projects.models import Project

    if application.project_id_created is None:
        return
    project = Project.objects.select_for_update().filter(pk=application.project_id_created).first()
    if project is None or project.city_share_yen == amount_yen:
        return
    previous = project.city_share_yen
    Project.objects.filter(pk=project.pk).update(city_share_yen=amount_yen)
    record_event(
        actor=actor,
        verb="calls.project.city_share",
        target=project,
        data={"from": previous, "to": amount_yen, "application": application.pk},
    )


def record_city_decision(
    *, actor: User, application: Application, decision: str, amount_yen: int = 0, reason: str = ""
) -> Decision:
    """The city's own decision (may differ from the committee's). Adoption allocates the
    amount within the call's budget and creates the collaboration project."""
    _require(actor, "calls.decide_application", application)
    if decision not in CityDecisionChoice.values:
        raise ValidationError(_("Choose the city's decision."))
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=application.call_id)
        application = (
            Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        )
        record = Decision.objects.filter(application=application).first()
        if record is None or not record.committee_conclusion:
            raise ValidationError(_("Record the committee's conclusion first."))
        target = (
            ApplicationStatus.ADOPTED
            if decision == CityDecisionChoice.ADOPT
            else ApplicationStatus.REJECTED
        )
        require_transition(APPLICATION_TRANSITIONS, application.status, target)
        if decision == CityDecisionChoice.ADOPT:
            problems = selectors.decision_amount_problems(application, amount_yen)
            if problems:
                raise ValidationError({"amount_yen": problems})
            used = (
                Decision.objects.filter(
                    application__call=call, city_decision=CityDecisionChoice.ADOPT
                )
                .exclude(application=application)
                .aggregate(s=Sum("city_amount_yen"))["s"]
                or 0
            )
            if used + amount_yen > call.total_budget_yen:
                raise ValidationError(
                    _("Only %(left)s of the call's budget of %(total)s remains.")
                    % {
                        "left": yen(max(0, call.total_budget_yen - used)),
                        "total": yen(call.total_budget_yen),
                    }
                )
        elif not reason.strip():
            raise ValidationError(_("Write the reasons for the decision: they are published."))
        record.city_decision = decision
        record.city_amount_yen = amount_yen if decision == CityDecisionChoice.ADOPT else 0
        record.city_reason = reason.strip()
        record.city_decided_at = timezone.now()
        record.city_decided_by = actor
        record.save()
        previous = application.status
        application.status = target
        application.save(update_fields=["status", "updated_at"])
        application.decision = record
        if target == ApplicationStatus.ADOPTED:
            application.project_id_created = _create_project_for(actor, application)
            application.save(update_fields=["project_id_created"])
        record_event(
            actor=actor,
            verb="calls.decision.city",
            target=application,
            from_state=previous,
            to_state=target,
            data={"amount": record.city_amount_yen},
        )
    return record


def publish_round_results(*, actor: User, round: Round) -> int:
    """Publish both decisions for every decided application of the round, with the
    per-criterion averages and the total (never a reviewer's own scores)."""
    _require(actor, "calls.decide_application")
    with transaction.atomic():
        rnd = Round.objects.select_for_update().select_related("call").get(pk=round.pk)
        criteria, rows = selectors.round_ranking(rnd)
        undecided = [
            r.application.title for r in rows if r.decision is None or not r.decision.city_decision
        ]
        if undecided:
            raise ValidationError(
                _("Record both decisions first for: %(titles)s") % {"titles": "、".join(undecided)}
            )
        now = timezone.now()
        for row in rows:
            d = row.decision
            assert d is not None
            d.published_total = row.aggregate.normalised_display
            d.published_rank = row.allocation.rank
            d.published_criteria = [
                {
                    "code": c.code,
                    "name": c.name,
                    "max": c.max_score,
                    "mean": str(scoring.to_decimal(row.aggregate.criterion_means[c.pk]))
                    if c.pk in row.aggregate.criterion_means
                    else None,
                }
                for c in criteria
            ]
            d.published_at = now
            d.save(
                update_fields=[
                    "published_total",
                    "published_rank",
                    "published_criteria",
                    "published_at",
                ]
            )
            content_changed(d)
            notify(
                recipients=_managers_of(row.application.organization_id),
                kind="calls.results_published",
                subject=_("The results of “%(title)s” are published")
                % {"title": row.application.title},
                url=reverse("calls:results", args=[rnd.call_id]),
            )
        rnd.results_published_at = now
        rnd.save(update_fields=["results_published_at"])
        record_event(
            actor=actor, verb="calls.round.publish_results", target=rnd, data={"count": len(rows)}
        )
        content_changed(rnd.call)
    return len(rows)


# --- grants -------------------------------------------------------------------------------


def decide_grant(
    *,
    actor: User,
    application: Application,
    amount_yen: int | None = None,
    conditions: str = "",
) -> Grant:
    """交付決定 of exactly the amount the city decided (one subsidy, one amount): a different
    amount is refused; the amount moves afterwards only through an approved change request."""
    _require(actor, "calls.decide_application", application)
    with transaction.atomic():
        application = (
            Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        )
        if application.status != ApplicationStatus.ADOPTED:
            raise ValidationError(_("Only adopted applications can receive a grant decision."))
        if Grant.objects.filter(application=application).exists():
            raise ValidationError(_("This application already has a grant decision."))
        rule = selectors.funding_rule_for(application)
        if rule is None:
            raise ValidationError(
                _("This call has no funding rule for the application's track and year.")
            )
        totals = selectors.budget_of(application)
        limit = money.maximum_request(
            eligible_cost=totals.eligible_cost,
            rate_basis_points=rule.rate_basis_points,
            cap=rule.cap_yen,
            unit=rule.rounding_unit_yen,
        )
        allocated = int(application.decision.city_amount_yen)
        if amount_yen is None:
            amount_yen = allocated
        if amount_yen != allocated:
            raise ValidationError(
                {
                    "amount_yen": _(
                        "The grant must be the amount the city decided, %(amount)s. "
                        "To change it later, approve a change request."
                    )
                    % {"amount": yen(allocated)}
                }
            )
        if amount_yen <= 0 or amount_yen > min(limit, allocated):
            raise ValidationError(
                _(
                    "The grant must be between 1 yen and %(limit)s (the allocated amount, the cap and the rate of the eligible costs)."
                )
                % {"limit": yen(min(limit, allocated))}
            )
        if amount_yen % rule.rounding_unit_yen:
            raise ValidationError(
                _("The grant must be in units of %(unit)s.") % {"unit": yen(rule.rounding_unit_yen)}
            )
        now = timezone.now()
        grant = Grant.objects.create(
            application=application,
            notice_number=f"{application.call.fiscal_year}-{application.pk:05d}",
            decided_amount_yen=amount_yen,
            conditions=conditions.strip(),
            rate_basis_points=rule.rate_basis_points,
            cap_yen=rule.cap_yen,
            rounding_unit_yen=rule.rounding_unit_yen,
            decided_at=now,
            decided_by=actor,
        )
        record_event(
            actor=actor,
            verb="calls.grant.decide",
            target=grant,
            to_state=grant.status,
            data={"amount": amount_yen},
        )
        notify(
            recipients=_managers_of(application.organization_id),
            kind="calls.grant_decided",
            subject=_("Grant decided: %(amount)s for “%(title)s”")
            % {"amount": yen(amount_yen), "title": application.title},
            url=reverse("calls:grant-detail", args=[grant.pk]),
            always_email=True,
        )
    return grant


def request_change(
    *, actor: User, grant: Grant, description: str, reason: str, new_amount_yen: int | None = None
) -> ChangeRequest:
    _require(actor, "calls.request_change", grant)
    if not description.strip() or not reason.strip():
        raise ValidationError(_("Say what changes and why."))
    if new_amount_yen is not None:
        problems = selectors.amount_rule_problems(
            new_amount_yen,
            rate_basis_points=grant.rate_basis_points,
            cap_yen=grant.cap_yen,
            unit_yen=grant.rounding_unit_yen,
            eligible_cost=selectors.budget_of(grant.application).eligible_cost,
        )
        if new_amount_yen <= 0:
            problems.insert(0, _("Enter the amount allocated."))
        if problems:
            raise ValidationError({"new_amount_yen": problems})
    with transaction.atomic():
        change = ChangeRequest.objects.create(
            grant=grant,
            description=description.strip(),
            reason=reason.strip(),
            new_amount_yen=new_amount_yen,
            requested_by=actor,
        )
        record_event(
            actor=actor,
            verb="calls.change.request",
            target=grant,
            to_state=change.status,
            data={"change": change.pk, "new_amount": new_amount_yen},
        )
        notify(
            recipients=_coordinators(),
            kind="calls.change_requested",
            subject=_("Change request for “%(title)s”") % {"title": grant.application.title},
            url=reverse("calls:grant-detail", args=[grant.pk]),
            exclude=actor,
        )
    return change


def decide_change(
    *, actor: User, change: ChangeRequest, approve: bool, note: str = ""
) -> ChangeRequest:
    with transaction.atomic():
        change = ChangeRequest.objects.select_for_update().select_related("grant").get(pk=change.pk)
        grant = Grant.objects.select_for_update().get(pk=change.grant_id)
        _require(actor, "calls.manage_grant", grant)
        if change.status != ChangeRequestStatus.PENDING:
            raise ValidationError(_("This change request has already been decided."))
        if grant.status != GrantStatus.DECIDED:
            raise ValidationError(_("Changes can only be approved before the settlement report."))
        change.status = ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.REJECTED
        change.decided_by, change.decided_at, change.decision_note = (
            actor,
            timezone.now(),
            note.strip(),
        )
        change.save()
        if approve and change.new_amount_yen is not None:
            application = Application.objects.select_for_update().get(pk=grant.application_id)
            problems = selectors.amount_rule_problems(
                change.new_amount_yen,
                rate_basis_points=grant.rate_basis_points,
                cap_yen=grant.cap_yen,
                unit_yen=grant.rounding_unit_yen,
                eligible_cost=selectors.budget_of(application).eligible_cost,
            )
            if change.new_amount_yen <= 0:
                problems.insert(0, _("Enter the amount allocated."))
            if problems:
                raise ValidationError(problems)
            previous_amount = grant.decided_amount_yen
            grant.decided_amount_yen = change.new_amount_yen
            grant.save(update_fields=["decided_amount_yen", "updated_at"])
            _write_project_city_share(actor, application, grant.decided_amount_yen)
            record_event(
                actor=actor,
                verb="calls.grant.amount_change",
                target=grant,
                data={"from": previous_amount, "to": grant.decided_amount_yen},
            )
        record_event(
            actor=actor,
            verb="calls.change.decide",
            target=grant,
            from_state=ChangeRequestStatus.PENDING,
            to_state=change.status,
            data={"change": change.pk},
        )
        notify(
            recipients=_managers_of(grant.application.organization_id),
            kind="calls.change_decided",
            subject=_("Your change request: %(status)s") % {"status": change.get_status_display()},
            url=reverse("calls:grant-detail", args=[grant.pk]),
        )
    return change


def save_settlement(
    *,
    actor: User,
    grant: Grant,
    results: str,
    participants: int | None,
    lines: Sequence[dict[str, Any]],
) -> Grant:
    """実績報告 draft: results and the actual expense lines. A line's `receipt` may be an
    upload (cleaned here) or `keep_receipt_from` the id of an existing line."""
    _require(actor, "calls.report_settlement", grant)
    with transaction.atomic():
        grant = Grant.objects.select_for_update().get(pk=grant.pk)
        old = {line.pk: line for line in grant.settlement_lines.all()}
        kept_files = set()
        new_lines = []
        for i, row in enumerate(lines, 1):
            line = SettlementLine(
                grant=grant,
                order=i,
                category=row["category"],
                description=row.get("description", ""),
                amount_yen=int(row["amount_yen"]),
                is_eligible=bool(row.get("is_eligible", True)),
            )
            upload = row.get("receipt")
            keep = old.get(row.get("keep_receipt_from") or 0)
            if upload:
                clean = clean_document(upload)
                line.receipt.save(clean.content.name or "receipt", clean.content, save=False)
                line.receipt_name = clean.original_name
            elif keep is not None and keep.receipt:
                line.receipt = keep.receipt.name
                line.receipt_name = keep.receipt_name
                kept_files.add(keep.receipt.name)
            new_lines.append(line)
        for line in old.values():
            if line.receipt and line.receipt.name not in kept_files:
                line.receipt.delete(save=False)
        SettlementLine.objects.filter(grant=grant).delete()
        SettlementLine.objects.bulk_create(new_lines)
        grant.settlement_results = results.strip()
        grant.settlement_participants = participants
        grant.save(update_fields=["settlement_results", "settlement_participants", "updated_at"])
        record_event(
            actor=actor,
            verb="calls.settlement.save",
            target=grant,
            data={
                "lines": len(new_lines),
                "eligible": sum(x.amount_yen for x in new_lines if x.is_eligible),
            },
        )
    return grant


def submit_settlement(*, actor: User, grant: Grant) -> Grant:
    with transaction.atomic():
        grant = Grant.objects.select_for_update().select_related("application").get(pk=grant.pk)
        _require(actor, "calls.report_settlement", grant)
        lines = list(grant.settlement_lines.all())
        problems = []
        if not grant.settlement_results.strip():
            problems.append(_("Describe the results of the project."))
        if not lines:
            problems.append(_("Add the actual expenses."))
        missing = [
            line.description or line.category
            for line in lines
            if line.is_eligible and not line.receipt
        ]
        if missing:
            problems.append(_("Upload a receipt for: %(items)s") % {"items": "、".join(missing)})
        if problems:
            raise ValidationError(problems)
        require_transition(GRANT_TRANSITIONS, grant.status, GrantStatus.SETTLEMENT_SUBMITTED)
        previous, grant.status = grant.status, GrantStatus.SETTLEMENT_SUBMITTED
        grant.settlement_submitted_at, grant.settlement_submitted_by = timezone.now(), actor
        grant.save(
            update_fields=[
                "status",
                "settlement_submitted_at",
                "settlement_submitted_by",
                "updated_at",
            ]
        )
        record_event(
            actor=actor,
            verb="calls.settlement.submit",
            target=grant,
            from_state=previous,
            to_state=grant.status,
        )
        notify(
            recipients=_coordinators(),
            kind="calls.settlement_submitted",
            subject=_("Settlement report: %(title)s") % {"title": grant.application.title},
            url=reverse("calls:grant-detail", args=[grant.pk]),
            exclude=actor,
        )
    return grant


def return_settlement(*, actor: User, grant: Grant, reason: str) -> Grant:
    if not reason.strip():
        raise ValidationError(_("Write what the group should correct."))
    with transaction.atomic():
        grant = Grant.objects.select_for_update().select_related("application").get(pk=grant.pk)
        _require(actor, "calls.manage_grant", grant)
        require_transition(GRANT_TRANSITIONS, grant.status, GrantStatus.DECIDED)
        previous, grant.status = grant.status, GrantStatus.DECIDED
        grant.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            verb="calls.settlement.return",
            target=grant,
            from_state=previous,
            to_state=grant.status,
            data={"reason": reason.strip()},
        )
        notify(
            recipients=_managers_of(grant.application.organization_id),
            kind="calls.settlement_returned",
            subject=_("Please correct your settlement report"),
            body=reason,
            url=reverse("calls:grant-detail", args=[grant.pk]),
        )
    return grant


def confirm_amount(*, actor: User, grant: Grant) -> Grant:
    """額の確定 = min(decided, floor(rate × actual eligible cost)), rounded down."""
    with transaction.atomic():
        grant = Grant.objects.select_for_update().select_related("application").get(pk=grant.pk)
        _require(actor, "calls.manage_grant", grant)
        require_transition(GRANT_TRANSITIONS, grant.status, GrantStatus.CONFIRMED)
        eligible = selectors.settlement_eligible_cost(grant)
        grant.confirmed_amount_yen = money.confirmed_amount(
            decided_amount=grant.decided_amount_yen,
            actual_eligible_cost=eligible,
            rate_basis_points=grant.rate_basis_points,
            unit=grant.rounding_unit_yen,
        )
        previous, grant.status = grant.status, GrantStatus.CONFIRMED
        grant.confirmed_at, grant.confirmed_by = timezone.now(), actor
        grant.save(
            update_fields=[
                "status",
                "confirmed_amount_yen",
                "confirmed_at",
                "confirmed_by",
                "updated_at",
            ]
        )
        record_event(
            actor=actor,
            verb="calls.grant.confirm",
            target=grant,
            from_state=previous,
            to_state=grant.status,
            data={"eligible_cost": eligible, "amount": grant.confirmed_amount_yen},
        )
        notify(
            recipients=_managers_of(grant.application.organization_id),
            kind="calls.amount_confirmed",
            subject=_("The grant amount is confirmed: %(amount)s")
            % {"amount": yen(grant.confirmed_amount_yen)},
            url=reverse("calls:grant-detail", args=[grant.pk]),
            always_email=True,
        )
    return grant


def record_payment(*, actor: User, grant: Grant, amount_yen: int, paid_on: dt.date) -> Grant:
    with transaction.atomic():
        grant = Grant.objects.select_for_update().select_related("application").get(pk=grant.pk)
        _require(actor, "calls.manage_grant", grant)
        require_transition(GRANT_TRANSITIONS, grant.status, GrantStatus.PAID)
        if amount_yen != grant.confirmed_amount_yen:
            raise ValidationError(
                _("The payment must be the confirmed amount, %(amount)s.")
                % {"amount": yen(grant.confirmed_amount_yen)}
            )
        previous, grant.status = grant.status, GrantStatus.PAID
        grant.paid_amount_yen, grant.paid_on, grant.paid_recorded_by = amount_yen, paid_on, actor
        grant.save(
            update_fields=["status", "paid_amount_yen", "paid_on", "paid_recorded_by", "updated_at"]
        )
        record_event(
            actor=actor,
            verb="calls.grant.pay",
            target=grant,
            from_state=previous,
            to_state=grant.status,
            data={"amount": amount_yen, "paid_on": paid_on.isoformat()},
        )
        notify(
            recipients=_managers_of(grant.application.organization_id),
            kind="calls.grant_paid",
            subject=_("The grant of %(amount)s has been paid") % {"amount": yen(amount_yen)},
            url=reverse("calls:grant-detail", args=[grant.pk]),
        )
    return grant


def _form_codes_for(call: Call) -> list[str]:
    """The form of collaboration a project adopted from `call` gets: the guideline file's
    `[settings.calls] <kind>_form` (e.g. subsidy_form = "grant"), by default the form coded
    like the kind ("subsidy" or "commission"); none when the file has no such form."""
    if call.kind == CallKind.COMMISSION:
        code = str(setting("calls.commission_form", "commission"))
    else:
        code = str(
            setting(f"calls.{call.kind}_form", "") or setting("calls.subsidy_form", "subsidy")
        )
    return [code] if CollaborationForm.objects.filter(code=code).exists() else []
