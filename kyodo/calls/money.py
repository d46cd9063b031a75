"""Subsidy arithmetic in integer yen. No floats anywhere: rates are basis points.

- the most an application may ask for = min(cap, floor(rate × eligible cost)),
  rounded DOWN to the rounding unit;
- the confirmed amount (額の確定) = min(decided amount, floor(rate × actual eligible
  cost)), rounded DOWN to the rounding unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

BASIS_POINTS = 10_000


def round_down(amount: int, unit: int) -> int:
    """The largest multiple of `unit` not above `amount` (amounts are never negative)."""
    if unit < 1:
        raise ValueError("unit must be at least 1 yen")
    amount = max(0, int(amount))
    return amount - amount % unit


def rate_of(cost: int, rate_basis_points: int) -> int:
    """floor(rate × cost) in integer arithmetic."""
    if not 0 <= rate_basis_points <= BASIS_POINTS:
        raise ValueError("rate must be between 0 and 10000 basis points")
    return max(0, int(cost)) * int(rate_basis_points) // BASIS_POINTS


def maximum_request(*, eligible_cost: int, rate_basis_points: int, cap: int, unit: int) -> int:
    """The most that may be requested for this eligible cost under the rule."""
    return round_down(min(int(cap), rate_of(eligible_cost, rate_basis_points)), unit)


def confirmed_amount(
    *, decided_amount: int, actual_eligible_cost: int, rate_basis_points: int, unit: int
) -> int:
    """額の確定: min(decided, floor(rate × actual eligible cost)), rounded down."""
    return round_down(
        min(int(decided_amount), rate_of(actual_eligible_cost, rate_basis_points)), unit
    )


@dataclass(frozen=True)
class BudgetTotals:
    income_total: int
    expense_total: int
    eligible_cost: int
    requested: int

    @property
    def difference(self) -> int:
        return self.income_total - self.expense_total


def budget_totals(
    *,
    income: Iterable[tuple[str, int]],
    expenses: Iterable[tuple[int, int, bool]],
    subsidy_source: str = "subsidy",
) -> BudgetTotals:
    """income: (source, amount); expenses: (unit price, quantity, eligible)."""
    income_total = 0
    requested = 0
    for source, amount in income:
        income_total += int(amount)
        if source == subsidy_source:
            requested += int(amount)
    expense_total = 0
    eligible = 0
    for unit_price, quantity, is_eligible in expenses:
        line = int(unit_price) * int(quantity)
        expense_total += line
        if is_eligible:
            eligible += line
    return BudgetTotals(
        income_total=income_total,
        expense_total=expense_total,
        eligible_cost=eligible,
        requested=requested,
    )


def percent_to_basis_points(text: str) -> int:
    """'90' → 9000, '66.67' → 6667 (at most two decimals), without floats."""
    text = text.strip().rstrip("%").strip()
    whole, _, frac = text.partition(".")
    if not whole.isdigit() and whole != "":
        raise ValueError(text)
    if frac and (not frac.isdigit() or len(frac) > 2):
        raise ValueError(text)
    return int(whole or "0") * 100 + int((frac + "00")[:2])
