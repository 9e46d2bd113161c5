"""Setting a leave balance by hand: the opening balance when a company starts using the bot,
or a correction. Every change is a ledger row with its audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from bot.leave_ledger import EPS, DutyStatus, Grant, Usage, add_months, compute_balance, five_day_duty, needs_reminder
from bot.models import Employee
from bot.rules.loader import RuleSet
from bot.store import records
from bot.store.db import Store


@dataclass(frozen=True)
class BalanceChange:
    before: float
    after: float
    taken_recorded: float
    adjusted: float  # positive: days marked used; negative: days granted


def set_balance(
    store: Store,
    rules: RuleSet,
    employee: Employee,
    remaining: float,
    as_of: dt.date,
    at: str,
    actor: str | None,
    taken_this_year: float = 0.0,
) -> BalanceChange:
    """Make the annual balance on `as_of` equal `remaining`. `taken_this_year` days are recorded
    as leave taken on `as_of` (they count toward the five-day duty); the rest of the difference
    is an adjustment."""
    policy = rules.leave.annual
    with store.tx():
        usages = records.leave_usages(store, employee.id)
        manual = records.manual_grants(store, employee.id)
        before = compute_balance(employee, usages, as_of, policy, manual).remaining
        if taken_this_year > EPS:
            records.add_leave_entries(
                store, employee.id, None, "annual", [Usage(as_of, taken_this_year)], at, note="taken before the bot"
            )
            usages = [*usages, Usage(as_of, taken_this_year)]
        current = compute_balance(employee, usages, as_of, policy, manual)
        diff = current.remaining - remaining
        if diff > EPS:
            records.add_adjustment(store, employee.id, as_of, diff, at, note="balance set by hand")
        elif diff < -EPS:
            valid = [s.grant for s in current.grants if s.grant.valid_on(as_of)]
            latest = max(valid, key=lambda g: g.date) if valid else None
            expires = latest.expires if latest else add_months(as_of, 12 * policy.expiry_years)
            records.add_manual_grant(
                store, employee.id, Grant(as_of, -diff, expires, "manual"), at, "balance set by hand"
            )
        store.audit(
            at,
            actor,
            "leave.balance_set",
            None,
            {
                "employee": employee.id,
                "as_of": as_of.isoformat(),
                "before": before,
                "after": remaining,
                "taken_this_year": taken_this_year,
                "adjusted": diff,
            },
        )
    return BalanceChange(before, remaining, taken_this_year, diff)


def short_of_five_days(
    store: Store, rules: RuleSet, people: Iterable[Employee], today: dt.date
) -> list[tuple[Employee, DutyStatus]]:
    """L9: the active people short of their five days who are due a reminder on `today` (from three months before
    their grant year ends), with where each stands. Shared by `leave duty` and the scheduler."""
    policy = rules.leave
    short = []
    for person in people:
        if not person.active:
            continue
        usages = records.leave_usages(store, person.id)
        status = five_day_duty(
            person, usages, today, policy.annual, policy.five_day_duty, records.manual_grants(store, person.id)
        )
        if status is not None and needs_reminder(status, today):
            short.append((person, status))
    return short


def five_day_data(status: DutyStatus) -> dict[str, object]:
    """What a five-day reminder notification carries (bot/cards.py renders it)."""
    return {"taken": status.taken, "required": status.required, "deadline": status.deadline.isoformat()}
