from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from kyodo.calls import scoring
from kyodo.calls.scoring import Candidate, Criterion

CRIT = [Criterion(1, 1, 5), Criterion(2, 2, 5)]  # max weighted = 15


def test_normalisation_and_weights():
    agg = scoring.aggregate(
        criteria=CRIT,
        sheets={10: {1: 5, 2: 5}, 11: {1: 3, 2: 0}},
        conflicted=set(),
        policy="exclude",
        normalise_to=100,
    )
    # reviewer 10: 15/15 → 100; reviewer 11: 3/15 → 20; mean 60
    assert agg.normalised == 60
    assert agg.criterion_means == {1: 4, 2: Fraction(5, 2)}
    assert agg.counted_reviewers == 2


def test_conflicted_reviewer_is_never_counted():
    sheets = {10: {1: 5, 2: 5}, 11: {1: 1, 2: 1}, 12: {1: 1, 2: 1}}
    excl = scoring.aggregate(
        criteria=CRIT, sheets=sheets, conflicted={10}, policy="exclude", normalise_to=100
    )
    assert excl.counted_reviewers == 2 and excl.excluded_reviewers == 1
    assert excl.normalised == 20
    assert excl.raw_total == 2 * 3
    mean = scoring.aggregate(
        criteria=CRIT, sheets=sheets, conflicted={10}, policy="mean_of_others", normalise_to=100
    )
    assert mean.normalised == 20  # the seat is filled with the others' mean: same mean
    assert mean.imputed_seats == 1
    assert mean.raw_total == 3 * 3  # three seats in the committee's raw total


def test_conflicted_without_sheet_still_fills_a_seat_under_mean_policy():
    sheets = {11: {1: 5, 2: 5}}
    agg = scoring.aggregate(
        criteria=CRIT, sheets=sheets, conflicted={10}, policy="mean_of_others", normalise_to=100
    )
    assert agg.raw_total == 30 and agg.normalised == 100


def test_incomplete_sheets_and_nobody_scored():
    agg = scoring.aggregate(
        criteria=CRIT, sheets={10: {1: 5}}, conflicted=set(), policy="exclude", normalise_to=100
    )
    assert agg.normalised is None and agg.counted_reviewers == 0


@given(
    st.dictionaries(
        st.integers(1, 20), st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=1
    ),
    st.sets(st.integers(1, 20)),
)
def test_total_is_within_scale_and_ignores_conflicted(raw, conflicted):
    sheets = {r: {1: a, 2: b} for r, (a, b) in raw.items()}
    agg = scoring.aggregate(
        criteria=CRIT, sheets=sheets, conflicted=conflicted, policy="exclude", normalise_to=100
    )
    clean = {r: s for r, s in sheets.items() if r not in conflicted}
    if not clean:
        assert agg.normalised is None
        return
    assert 0 <= agg.normalised <= 100
    # changing a conflicted reviewer's scores never changes the result
    tampered = dict(sheets)
    for r in conflicted & set(sheets):
        tampered[r] = {1: 5 - sheets[r][1], 2: 5 - sheets[r][2]}
    again = scoring.aggregate(
        criteria=CRIT, sheets=tampered, conflicted=conflicted, policy="exclude", normalise_to=100
    )
    assert again.normalised == agg.normalised


def test_allocation_when_the_budget_runs_out():
    cands = [
        Candidate(1, Fraction(90), 400, (1,)),
        Candidate(2, Fraction(80), 500, (2,)),  # does not fit after #1: skipped
        Candidate(3, Fraction(70), 100, (3,)),  # still fits
        Candidate(4, Fraction(50), 50, (4,)),  # below threshold 60
        Candidate(5, None, 10, (5,)),
    ]
    out = {a.id: a for a in scoring.rank_and_allocate(cands, threshold=60, budget=600)}
    assert (out[1].outcome, out[1].amount, out[1].rank) == ("allocated", 400, 1)
    assert (out[2].outcome, out[2].amount) == ("budget_exhausted", 0)
    assert (out[3].outcome, out[3].amount) == ("allocated", 100)
    assert out[4].outcome == "below_threshold"
    assert out[5].outcome == "not_scored" and out[5].rank is None
    assert sum(a.amount for a in out.values()) <= 600


def test_ties_go_to_earlier_submission():
    cands = [Candidate(1, Fraction(70), 100, (2,)), Candidate(2, Fraction(70), 100, (1,))]
    out = scoring.rank_and_allocate(cands, threshold=60, budget=100)
    assert [(a.id, a.outcome) for a in out] == [(2, "allocated"), (1, "budget_exhausted")]


@given(
    st.lists(st.tuples(st.integers(0, 100), st.integers(0, 1000)), max_size=20),
    st.integers(0, 5000),
)
def test_allocation_never_exceeds_budget(items, budget):
    cands = [Candidate(i, Fraction(t), r, (i,)) for i, (t, r) in enumerate(items)]
    out = scoring.rank_and_allocate(cands, threshold=60, budget=budget)
    assert sum(a.amount for a in out) <= budget
    assert all(a.amount == 0 for a in out if a.outcome != "allocated")
