"""The project lifecycle as data: statuses, the transition table, and who stamps what.

One service per transition lives in kyodo.projects.services; each checks
`can_transition(project.status, to)` and stamps the timestamp named in `STAMPS`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (構想)")
    CONSULTATION = "consultation", _("In consultation (相談中)")
    AGREEMENT_DRAFTING = "agreement_drafting", _("Drafting the agreement (協定準備)")
    AGREED = "agreed", _("Agreement signed (協定締結)")
    IN_PROGRESS = "in_progress", _("In progress (実施中)")
    COMPLETION_REPORT = "completion_report", _("Completion report (完了報告)")
    EVALUATION = "evaluation", _("Evaluation (評価)")
    CLOSED = "closed", _("Closed (終了)")
    CANCELLED = "cancelled", _("Cancelled (中止)")


S = ProjectStatus

# from → allowed targets. Cancelling is allowed from every active state (below).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.CONSULTATION, S.AGREEMENT_DRAFTING),
    S.CONSULTATION: (S.AGREEMENT_DRAFTING,),
    S.AGREEMENT_DRAFTING: (S.AGREED,),
    S.AGREED: (S.IN_PROGRESS,),
    S.IN_PROGRESS: (S.COMPLETION_REPORT,),
    S.COMPLETION_REPORT: (S.EVALUATION,),
    S.EVALUATION: (S.CLOSED,),
    S.CLOSED: (),
    S.CANCELLED: (),
}

ACTIVE_STATUSES: tuple[str, ...] = (
    S.DRAFT,
    S.CONSULTATION,
    S.AGREEMENT_DRAFTING,
    S.AGREED,
    S.IN_PROGRESS,
    S.COMPLETION_REPORT,
    S.EVALUATION,
)
FINAL_STATUSES: tuple[str, ...] = (S.CLOSED, S.CANCELLED)
# Stages reached only through a signed agreement.
SIGNED_STATUSES: tuple[str, ...] = (
    S.AGREED,
    S.IN_PROGRESS,
    S.COMPLETION_REPORT,
    S.EVALUATION,
    S.CLOSED,
)
# Every stage after the draft is public (情報公開).
PUBLIC_STATUSES: tuple[str, ...] = tuple(s for s in S.values if s != S.DRAFT)
# Where a project may start when it is created (calls adopt straight into 協定準備).
INITIAL_STATUSES: tuple[str, ...] = (S.DRAFT, S.CONSULTATION, S.AGREEMENT_DRAFTING)

# The timestamp field each target status stamps.
STAMPS: dict[str, str] = {
    S.CONSULTATION: "consultation_started_at",
    S.AGREEMENT_DRAFTING: "agreement_drafting_at",
    S.AGREED: "agreed_at",
    S.IN_PROGRESS: "started_at",
    S.COMPLETION_REPORT: "completion_started_at",
    S.EVALUATION: "evaluation_started_at",
    S.CLOSED: "closed_at",
    S.CANCELLED: "cancelled_at",
}

# The order of the stages, for the progress indicator on the detail page.
STAGES: tuple[str, ...] = (
    S.DRAFT,
    S.CONSULTATION,
    S.AGREEMENT_DRAFTING,
    S.AGREED,
    S.IN_PROGRESS,
    S.COMPLETION_REPORT,
    S.EVALUATION,
    S.CLOSED,
)


# What a person may do on a project: the permission rule AND the stages where the action is
# open. The page's buttons (selectors.available_actions) and the services' guard
# (rules.check_action) both read this one table, so a page never offers what the action
# then refuses for the person or the stage.
ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "consult": ("projects.consult_project", (S.DRAFT,)),
    "draft_agreement": ("projects.draft_agreement", (S.DRAFT, S.CONSULTATION)),
    "edit": ("projects.change_project", (S.DRAFT, S.CONSULTATION, S.AGREEMENT_DRAFTING)),
    "edit_agreement": ("projects.change_agreement", (S.AGREEMENT_DRAFTING,)),
    "approve": ("projects.approve_agreement", (S.AGREEMENT_DRAFTING,)),
    "start": ("projects.start_project", (S.AGREED,)),
    "report_progress": ("projects.add_progressreport", (S.IN_PROGRESS,)),
    "request_change": ("projects.add_changerequest", (S.AGREED, S.IN_PROGRESS)),
    "decide_change": ("projects.decide_changerequest", (S.AGREED, S.IN_PROGRESS)),
    "finish": ("projects.finish_project", (S.IN_PROGRESS,)),
    "completion": ("projects.submit_completionreport", (S.COMPLETION_REPORT,)),
    "evaluate_midterm": ("projects.evaluate_project", (S.IN_PROGRESS, S.COMPLETION_REPORT)),
    "evaluate_final": ("projects.evaluate_project", (S.EVALUATION,)),
    "lessons": ("projects.record_lessons", (S.EVALUATION,)),
    "close": ("projects.close_project", (S.EVALUATION,)),
    "cancel": ("projects.cancel_project", ACTIVE_STATUSES),
    # 関係課 (another department) may join while the project is active; a group, business or
    # university joins before the agreement is signed, so it becomes a party to it.
    "invite": ("projects.invite_department", ACTIVE_STATUSES),
    "invite_partner": (
        "projects.invite_department",
        (S.DRAFT, S.CONSULTATION, S.AGREEMENT_DRAFTING),
    ),
    "consultation": ("projects.view_consultation", tuple(S.values)),
}


def can_transition(from_status: str, to_status: str) -> bool:
    if to_status == S.CANCELLED:
        return from_status in ACTIVE_STATUSES
    return to_status in TRANSITIONS.get(from_status, ())


class Origin(models.TextChoices):
    CITIZEN = "citizen", _("Proposed by citizens (市民提案型)")
    CITY = "city", _("Proposed by the city (行政提案型)")
    OTHER = "other", _("Other")


class Phase(models.TextChoices):
    PLANNING = "planning", _("Planning (計画)")
    IMPLEMENTATION = "implementation", _("Implementation (実施)")
    EVALUATION = "evaluation", _("Evaluation (評価)")


class ThemeStatus(models.TextChoices):
    OPEN = "open", _("Open for proposals")
    CLOSED = "closed", _("Closed")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved by every partner")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EvaluationKind(models.TextChoices):
    MIDTERM = "midterm", _("Mid-term evaluation")
    FINAL = "final", _("Final evaluation")
