"""The invariants of local issues (docs/challenges.md, "Invariants") as checks over the
database: the state-machine test runs them after every step, test_demo_invariants over the
demo data. Each returns the list of problems (empty: it holds)."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet

from kyodo.challenges.models import Issue, IssueComment, IssueSupport
from kyodo.challenges.workflow import IssueStatus


def issue_problems(issues: QuerySet[Issue] | None = None) -> list[str]:
    qs = Issue.objects.all() if issues is None else issues
    problems: list[str] = []
    supports = dict(
        IssueSupport.objects.filter(issue__in=qs)
        .values("issue_id")
        .annotate(n=Count("id"))
        .values_list("issue_id", "n")
    )
    comments = dict(
        IssueComment.objects.filter(issue__in=qs)
        .values("issue_id")
        .annotate(n=Count("id"))
        .values_list("issue_id", "n")
    )
    own_support = set(
        IssueSupport.objects.filter(issue__in=qs, user_id=F("issue__author_id")).values_list(
            "issue_id", flat=True
        )
    )
    for issue in qs.select_related("responsible_department__org_type__actor_type"):
        # C1 the support counter is the number of supporters (one row per person).
        if issue.support_count != supports.get(issue.pk, 0):
            problems.append(
                f"C1 issue {issue.pk}: support_count {issue.support_count} ≠ "
                f"{supports.get(issue.pk, 0)} supporters"
            )
        # C2 the comment counter is the number of comments.
        if issue.comment_count != comments.get(issue.pk, 0):
            problems.append(f"C2 issue {issue.pk}: comment_count {issue.comment_count}")
        # C3 nobody supports their own issue.
        if issue.pk in own_support:
            problems.append(f"C3 issue {issue.pk}: supported by its author")
        # C4 見送り says why; 解決 carries the official answer; an answer is dated.
        if issue.status == IssueStatus.DECLINED and not issue.decline_reason.strip():
            problems.append(f"C4 issue {issue.pk}: declined without a reason")
        if issue.status == IssueStatus.RESOLVED and not issue.official_answer.strip():
            problems.append(f"C4 issue {issue.pk}: resolved without an official answer")
        if bool(issue.official_answer) != (issue.answered_at is not None):
            problems.append(f"C4 issue {issue.pk}: answer and its date disagree")
        # C5 a status other than 受付 was reached by a dated transition.
        if issue.status != IssueStatus.RECEIVED and issue.status_changed_at is None:
            problems.append(f"C5 issue {issue.pk}: {issue.status} with no date")
        # C6 the tier comes with why; the responsible department is a city department.
        if issue.tier_id is not None and not issue.tier_explanation.strip():
            problems.append(f"C6 issue {issue.pk}: tier without an explanation")
        dept = issue.responsible_department
        if dept is not None and not dept.org_type.actor_type.is_government:
            problems.append(f"C6 issue {issue.pk}: responsible department is not the city")
    return problems
