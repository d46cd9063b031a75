from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kyodo.calls import money

units = st.sampled_from([1, 10, 100, 1000, 5000, 10000])
rates = st.integers(min_value=0, max_value=10_000)
costs = st.integers(min_value=0, max_value=10**12)


@given(decided=costs, cost=costs, rate=rates, unit=units)
def test_confirmed_amount_never_exceeds_decided_and_is_a_multiple_of_the_unit(
    decided, cost, rate, unit
):
    amount = money.confirmed_amount(
        decided_amount=decided, actual_eligible_cost=cost, rate_basis_points=rate, unit=unit
    )
    assert 0 <= amount <= decided
    assert amount % unit == 0
    assert amount <= cost * rate // 10_000
    assert isinstance(amount, int)


@given(decided=costs, cost=costs, extra=costs, rate=rates, unit=units)
def test_confirmed_amount_is_monotonic_in_cost(decided, cost, extra, rate, unit):
    low = money.confirmed_amount(
        decided_amount=decided, actual_eligible_cost=cost, rate_basis_points=rate, unit=unit
    )
    high = money.confirmed_amount(
        decided_amount=decided, actual_eligible_cost=cost + extra, rate_basis_points=rate, unit=unit
    )
    assert low <= high


@given(cap=costs, cost=costs, rate=rates, unit=units)
def test_maximum_request_within_cap_rate_and_unit(cap, cost, rate, unit):
    limit = money.maximum_request(eligible_cost=cost, rate_basis_points=rate, cap=cap, unit=unit)
    assert limit <= cap
    assert limit * 10_000 <= cost * rate
    assert limit % unit == 0
    # rounding loses less than one unit
    assert min(cap, cost * rate // 10_000) - limit < unit


@given(amount=costs, unit=units)
def test_round_down(amount, unit):
    r = money.round_down(amount, unit)
    assert r % unit == 0 and 0 <= amount - r < unit


def test_known_values():
    # 90% of 333,333 = 299,999.7 → floor 299,999 → 299,000 at 1,000 yen
    assert (
        money.maximum_request(eligible_cost=333_333, rate_basis_points=9000, cap=500_000, unit=1000)
        == 299_000
    )
    # cap not a multiple of the unit is itself rounded down
    assert (
        money.maximum_request(eligible_cost=10**7, rate_basis_points=10_000, cap=500_500, unit=1000)
        == 500_000
    )
    assert (
        money.confirmed_amount(
            decided_amount=300_000, actual_eligible_cost=320_000, rate_basis_points=9000, unit=1000
        )
        == 288_000
    )
    assert (
        money.confirmed_amount(
            decided_amount=300_000, actual_eligible_cost=900_000, rate_basis_points=9000, unit=1000
        )
        == 300_000
    )
    assert (
        money.confirmed_amount(
            decided_amount=300_000, actual_eligible_cost=0, rate_basis_points=9000, unit=1000
        )
        == 0
    )


def test_bad_inputs():
    with pytest.raises(ValueError):
        money.round_down(10, 0)
    with pytest.raises(ValueError):
        money.rate_of(10, 10_001)


@pytest.mark.parametrize(
    ("text", "bp"), [("90", 9000), ("66.67", 6667), ("100%", 10000), ("0.5", 50), ("7.05", 705)]
)
def test_percent_to_basis_points(text, bp):
    assert money.percent_to_basis_points(text) == bp


@pytest.mark.parametrize("text", ["abc", "1.234", "-5", "1.x"])
def test_percent_to_basis_points_rejects(text):
    with pytest.raises(ValueError):
        money.percent_to_basis_points(text)


def test_budget_totals():
    t = money.budget_totals(
        income=[("subsidy", 300), ("own_funds", 100)], expenses=[(100, 3, True), (50, 2, False)]
    )
    assert (t.income_total, t.expense_total, t.eligible_cost, t.requested, t.difference) == (
        400,
        400,
        300,
        300,
        0,
    )
