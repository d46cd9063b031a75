"""Aggregation by the rubric, ranking and allocation within the budget (pure functions).

Scores are aggregated with exact fractions; only the displayed figures are rounded
(to 0.01, half up). A conflicted reviewer's own scores are never used:
- policy "exclude": the reviewer's seat is left out;
- policy "mean_of_others": the seat is filled with the mean of the other reviewers
  (本巣市's rule), so the committee's raw total keeps the same number of seats.
Normalised totals are means over seats, so both policies give the same normalised total;
they differ in the committee's raw total (sum over seats) that some cities publish.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

EXCLUDE = "exclude"
MEAN_OF_OTHERS = "mean_of_others"


@dataclass(frozen=True)
class Criterion:
    id: int
    weight: int
    max_score: int


@dataclass
class Aggregate:
    counted_reviewers: int = 0
    imputed_seats: int = 0
    excluded_reviewers: int = 0
    criterion_means: dict[int, Fraction] = field(default_factory=dict)
    raw_total: Fraction = Fraction(0)  # Σ over seats of Σ weight × score
    normalised: Fraction | None = None  # None when nobody could score

    @property
    def normalised_display(self) -> Decimal | None:
        return None if self.normalised is None else to_decimal(self.normalised)

    @property
    def criterion_display(self) -> dict[int, Decimal]:
        return {cid: to_decimal(v) for cid, v in self.criterion_means.items()}


def to_decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def aggregate(
    *,
    criteria: Sequence[Criterion],
    sheets: Mapping[int, Mapping[int, int]],
    conflicted: set[int],
    policy: str,
    normalise_to: int,
) -> Aggregate:
    """sheets: reviewer id → {criterion id → score}. Incomplete sheets are ignored."""
    result = Aggregate()
    ids = [c.id for c in criteria]
    valid = [
        s
        for reviewer, s in sheets.items()
        if reviewer not in conflicted and all(cid in s for cid in ids)
    ]
    result.excluded_reviewers = len([r for r in sheets if r in conflicted])
    result.counted_reviewers = len(valid)
    if not valid or not criteria:
        return result
    for c in criteria:
        result.criterion_means[c.id] = Fraction(sum(s[c.id] for s in valid), len(valid))
    per_seat = sum((c.weight * result.criterion_means[c.id] for c in criteria), Fraction(0))
    seats = len(valid)
    if policy == MEAN_OF_OTHERS:
        result.imputed_seats = len(conflicted)
        seats += result.imputed_seats
    result.raw_total = per_seat * seats
    maximum = sum(c.weight * c.max_score for c in criteria)
    result.normalised = Fraction(normalise_to) * result.raw_total / (seats * maximum)
    return result


@dataclass(frozen=True)
class Candidate:
    id: int
    total: Fraction | None
    requested: int
    submitted_order: tuple[object, ...]


@dataclass(frozen=True)
class Allocation:
    id: int
    rank: int | None
    outcome: str  # "allocated", "below_threshold", "budget_exhausted", "not_scored"
    amount: int


ALLOCATED = "allocated"
BELOW_THRESHOLD = "below_threshold"
BUDGET_EXHAUSTED = "budget_exhausted"
NOT_SCORED = "not_scored"


def rank_and_allocate(
    candidates: Sequence[Candidate], *, threshold: int, budget: int
) -> list[Allocation]:
    """Rank by total (ties: earlier submission first) and allocate in score order.

    An application at or above the threshold is funded in full while the budget lasts.
    When the remaining budget cannot cover an application, it is skipped (not funded in
    part: a partial grant would unbalance the applicant's budget) and the next, cheaper
    ones are still considered."""
    scored = [c for c in candidates if c.total is not None]
    scored.sort(key=lambda c: (-(c.total or 0), c.submitted_order, c.id))
    remaining = int(budget)
    out: list[Allocation] = []
    for rank, c in enumerate(scored, 1):
        assert c.total is not None
        if c.total < threshold:
            out.append(Allocation(c.id, rank, BELOW_THRESHOLD, 0))
        elif c.requested <= remaining:
            remaining -= c.requested
            out.append(Allocation(c.id, rank, ALLOCATED, c.requested))
        else:
            out.append(Allocation(c.id, rank, BUDGET_EXHAUSTED, 0))
    out.extend(Allocation(c.id, None, NOT_SCORED, 0) for c in candidates if c.total is None)
    return out
