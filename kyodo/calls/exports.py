"""Downloads: the screening sheet (coordinators) and the list of adopted projects (public),
as CSV and Excel via kyodo.core.exports. Only public names; never e-mail addresses."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kyodo.calls import scoring, selectors
from kyodo.calls.models import Call, ConflictPolicy, Round, ScoreSheet
from kyodo.core.exports import XLSX_TYPE, _disposition, csv_response, xlsx_bytes, xlsx_response

OUTCOME_LABELS = {
    scoring.ALLOCATED: "採択候補（予算内）",
    scoring.BELOW_THRESHOLD: "基準点未満",
    scoring.BUDGET_EXHAUSTED: "予算超過のため見送り",
    scoring.NOT_SCORED: "未採点",
}


def _mean(value: Any) -> Any:
    return None if value is None else float(scoring.to_decimal(value))


def screening_rows(rnd: Round) -> tuple[list[str], list[list[Any]]]:
    criteria, rows = selectors.round_ranking(rnd)
    header = [
        _("Rank"),
        _("Application number"),
        _("Project title"),
        _("Applicant"),
        _("Requested (yen)"),
        *[f"{c.name}（{c.max_score}点・重み{c.weight}）" for c in criteria],
        _("Total (normalised)"),
        _("Reviewers counted"),
        _("Reviewers with a conflict"),
        _("Allocation"),
        _("Allocated (yen)"),
    ]
    body = []
    for r in rows:
        agg = r.aggregate
        body.append(
            [
                r.allocation.rank,
                r.application.pk,
                r.application.title,
                r.application.organization.name,
                r.requested,
                *[_mean(agg.criterion_means.get(c.pk)) for c in criteria],
                float(agg.normalised_display) if agg.normalised_display is not None else None,
                agg.counted_reviewers,
                len(r.conflicted_reviewers),
                OUTCOME_LABELS[r.allocation.outcome],
                r.allocation.amount,
            ]
        )
    return header, body


def screening_sheet(rnd: Round, fmt: str) -> HttpResponse | StreamingHttpResponse:
    header, body = screening_rows(rnd)
    name = f"審査集計表_{rnd.call.fiscal_year}_{rnd.name}"
    if fmt == "csv":
        return csv_response(name, header, body)
    # The Excel file also holds each reviewer's raw scores (internal: coordinators only).
    criteria = selectors.criteria_of(rnd.call)
    raw_header = [
        _("Application number"),
        _("Reviewer"),
        *[c.name for c in criteria],
        _("Comment"),
        _("Counted in the totals"),
    ]
    raw = []
    # The same conflicts the totals used (selectors.round_ranking → scoring.aggregate), so a
    # reviewer whose scores the totals leave out is marked here as left out, by the same rule.
    conflicted = {r.application.pk: r.conflicted_reviewers for r in selectors.round_ranking(rnd)[1]}
    ids = [c.pk for c in criteria]
    if rnd.call.conflict_policy == ConflictPolicy.MEAN_OF_OTHERS:
        conflict_label = _("Excluded (conflict of interest; replaced by the mean of the others)")
    else:
        conflict_label = _("Excluded (conflict of interest)")
    sheets = (
        ScoreSheet.objects.filter(application__round=rnd)
        .select_related("reviewer", "application")
        .prefetch_related("scores")
        .order_by("application_id", "reviewer_id")
    )
    for s in sheets:
        by = {sc.criterion_id: sc.score for sc in s.scores.all()}
        if s.reviewer_id in conflicted.get(s.application_id, set()):
            counted = conflict_label
        elif not all(cid in by for cid in ids):
            counted = _("Excluded (not every criterion scored)")
        else:
            counted = pgettext("screening sheet", "Counted")
        raw.append(
            [
                s.application_id,
                s.reviewer.public_name,
                *[by.get(c.pk) for c in criteria],
                s.comment,
                counted,
            ]
        )
    response = HttpResponse(
        xlsx_bytes([("集計", header, body), ("採点（委員別）", raw_header, raw)]),
        content_type=XLSX_TYPE,
    )
    response["Content-Disposition"] = _disposition(name, "xlsx")
    return response


def adopted_rows(call: Call) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Number"),
        _("Project title"),
        _("Group"),
        _("Summary"),
        _("Schedule"),
        _("Place"),
        _("Round"),
        _("Amount allocated (yen)"),
    ]
    body = []
    for i, a in enumerate(selectors.adopted_applications(call), 1):
        d = getattr(a, "decision", None)
        if d is None or d.published_at is None:
            continue  # only decisions that are published
        body.append(
            [
                i,
                a.title,
                a.organization.name,
                a.purpose,
                a.schedule,
                a.place,
                a.round.name,
                d.city_amount_yen,
            ]
        )
    return header, body


def adopted_projects(call: Call, fmt: str) -> HttpResponse | StreamingHttpResponse:
    header, body = adopted_rows(call)
    name = f"採択事業一覧_{call.fiscal_year}"
    if fmt == "xlsx":
        return xlsx_response(name, header, body, sheet="採択事業")
    return csv_response(name, header, body)
