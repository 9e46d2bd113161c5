"""Annual leave under Labour Standards Act art. 39: grants, two-year expiry, oldest days first.

Pure functions over grants and usages; the store keeps the usages (and any manual grants),
statutory grants are derived from the hire date so they can never drift from the directory.
The 80% attendance condition is assumed met: the bot has no attendance records.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.models import Employee
from bot.rules.schema import AnnualRule, FiveDayDuty

EPS = 1e-9


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar month arithmetic; 31 Aug + 6 months is the last day of February."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Grant:
    date: dt.date
    days: float
    expires: dt.date  # first day it can no longer be used
    source: str = "statutory"  # statutory | manual (opening balance, correction)

    def valid_on(self, day: dt.date) -> bool:
        return self.date <= day < self.expires


@dataclass(frozen=True, slots=True)
class Usage:
    date: dt.date
    days: float
    hours: float = 0.0  # set for hourly leave (days = hours / hours_per_day)
    request_id: int | None = None
    adjustment: bool = False  # an opening balance or correction, not a day anyone took off


@dataclass(frozen=True, slots=True)
class GrantState:
    grant: Grant
    used: float
    expired: float  # days lost unused at expiry (0 while still valid)

    @property
    def remaining(self) -> float:
        return max(0.0, self.grant.days - self.used - self.expired)


@dataclass(frozen=True, slots=True)
class Balance:
    as_of: dt.date
    remaining: float  # usable on `as_of`, after every recorded usage (future bookings included)
    taken: float  # days used on or before `as_of` from grants still valid
    booked: float  # days used after `as_of` (approved, not yet taken)
    grants: tuple[GrantState, ...]
    next_grant: Grant | None
    expiring: tuple[Grant, float] | None  # the next grant to expire with days still left
    hourly_used_hours: float  # in the current leave year
    leave_year: tuple[dt.date, dt.date] | None  # [start, end) of the current leave year
    unallocated: float = 0.0  # recorded usage no grant could cover (should be zero)
    first_grant: dt.date | None = None


def is_full_time(employee: Employee, policy: AnnualRule) -> bool:
    return (
        employee.weekly_days >= policy.full_time_min_weekly_days
        or employee.weekly_hours >= policy.full_time_min_weekly_hours
    )


def grant_days(employee: Employee, index: int, policy: AnnualRule) -> int:
    """Days of the `index`-th grant (0 = at six months), by the full or proportional table."""
    if is_full_time(employee, policy):
        table = policy.full_time_days
    else:
        table = policy.part_time_days.get(employee.weekly_days, [])
        if not table:
            return 0
    return table[min(index, len(table) - 1)]


def first_grant_date(employee: Employee, policy: AnnualRule) -> dt.date | None:
    if employee.hire_date is None:
        return None
    return add_months(employee.hire_date, policy.first_grant_after_months)


def statutory_grants(employee: Employee, until: dt.date, policy: AnnualRule) -> list[Grant]:
    """Every grant made on or before `until`, each on the anniversary of the first one."""
    first = first_grant_date(employee, policy)
    grants: list[Grant] = []
    if first is None:
        return grants
    index = 0
    while True:
        on = add_months(first, 12 * index)
        if on > until:
            break
        amount = grant_days(employee, index, policy)
        if amount:
            grants.append(Grant(on, float(amount), add_months(on, 12 * policy.expiry_years)))
        index += 1
    return grants


def allocate(grants: Sequence[Grant], usages: Iterable[Usage], oldest_first: bool = True) -> tuple[list[float], float]:
    """Assign each usage, in date order, to the grants valid that day: oldest first.

    Returns the days used from each grant (same order as `grants`) and what no grant covered.
    """
    order = sorted(range(len(grants)), key=lambda i: grants[i].date, reverse=not oldest_first)
    used = [0.0] * len(grants)
    uncovered = 0.0
    for usage in sorted(usages, key=lambda u: u.date):
        need = usage.days
        for i in order:
            g = grants[i]
            if need <= EPS:
                break
            if not g.valid_on(usage.date):
                continue
            take = min(need, g.days - used[i])
            if take > EPS:
                used[i] += take
                need -= take
        uncovered += max(0.0, need)
    return used, uncovered


def leave_year(grants: Sequence[Grant], day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The leave year around `day`: from the latest grant on or before it to one year later."""
    started = [g.date for g in grants if g.date <= day]
    if not started:
        return None
    start = max(started)
    return start, add_months(start, 12)


def compute_balance(
    employee: Employee,
    usages: Sequence[Usage],
    as_of: dt.date,
    policy: AnnualRule,
    manual_grants: Sequence[Grant] = (),
) -> Balance:
    # Grants up to a year ahead let a usage booked after the next grant date find it.
    horizon = max([as_of, *(u.date for u in usages)])
    grants = sorted([*statutory_grants(employee, horizon, policy), *manual_grants], key=lambda g: g.date)
    used, uncovered = allocate(grants, usages, policy.use_oldest_first)
    states = []
    for g, u in zip(grants, used, strict=True):
        expired = max(0.0, g.days - u) if g.expires <= as_of else 0.0
        states.append(GrantState(g, u, expired))
    valid = [s for s in states if s.grant.valid_on(as_of)]
    remaining = sum(s.remaining for s in valid)
    booked = sum(u.days for u in usages if u.date > as_of)
    taken = sum(u.days for u in usages if u.date <= as_of and any(s.grant.valid_on(u.date) for s in valid))
    future = [g for g in grants if g.date > as_of]
    future += [g for g in statutory_grants(employee, add_months(as_of, 13), policy) if g.date > as_of]
    next_grant = min(future, key=lambda g: g.date) if future else None
    expiring_states = sorted((s for s in valid if s.remaining > EPS), key=lambda s: s.grant.expires)
    expiring = (expiring_states[0].grant, expiring_states[0].remaining) if expiring_states else None
    year = leave_year(grants, as_of)
    hourly = sum(u.hours for u in usages if year and year[0] <= u.date < year[1]) if year else 0.0
    return Balance(
        as_of=as_of,
        remaining=remaining,
        taken=taken,
        booked=booked,
        grants=tuple(states),
        next_grant=next_grant,
        expiring=expiring,
        hourly_used_hours=hourly,
        leave_year=year,
        unallocated=uncovered,
        first_grant=first_grant_date(employee, policy),
    )


@dataclass(frozen=True, slots=True)
class DutyStatus:
    """Progress on the five days a year the employer must see taken (L9, art. 39(7))."""

    employee_id: str
    grant_date: dt.date
    deadline: dt.date  # last day of the year after the grant
    taken: float
    required: float
    remind_from: dt.date
    data: dict[str, float] = field(default_factory=dict)

    @property
    def short(self) -> float:
        return max(0.0, self.required - self.taken)


def five_day_duty(
    employee: Employee,
    usages: Sequence[Usage],
    today: dt.date,
    annual: AnnualRule,
    duty: FiveDayDuty,
    manual_grants: Sequence[Grant] = (),
) -> DutyStatus | None:
    """Where the employee stands on the five-day duty for the grant year around `today`.

    Only grants of at least `min_granted_days` create the duty; hourly leave does not count
    toward it, half days count as 0.5 (MHLW Q&A, jp-rules.md §1.5).
    """
    grants = sorted([*statutory_grants(employee, today, annual), *manual_grants], key=lambda g: g.date)
    current = [g for g in grants if g.date <= today < add_months(g.date, 12) and g.days >= duty.min_granted_days]
    if not current:
        return None
    g = max(current, key=lambda x: x.date)
    end = add_months(g.date, 12)
    taken = sum(u.days for u in usages if g.date <= u.date < end and u.hours <= EPS and not u.adjustment)
    return DutyStatus(
        employee_id=employee.id,
        grant_date=g.date,
        deadline=end - dt.timedelta(days=1),
        taken=taken,
        required=duty.required_days,
        remind_from=add_months(end, -duty.remind_months_before_end),
    )


def needs_reminder(status: DutyStatus | None, today: dt.date) -> bool:
    return bool(status and today >= status.remind_from and status.short > EPS)
