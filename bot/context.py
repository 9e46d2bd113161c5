"""Gather from the store everything `decide` needs, so that the rules themselves stay pure."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from bot.directory import Directory
from bot.leave_ledger import Usage, compute_balance
from bot.models import ContractReview, Employee, ExpenseClaim, LeaveRequest, Status
from bot.rules.engine import DecisionContext, LeaveFacts, PriorClaim
from bot.rules.loader import RuleSet
from bot.store import records
from bot.store.db import Store

OPEN = (Status.SUBMITTED, Status.PENDING, Status.ESCALATED, Status.NEEDS_INFO)


def planned_usages(req: LeaveRequest, rules: RuleSet, request_id: int | None = None) -> list[Usage]:
    """The ledger rows a leave request takes when approved: one per working day."""
    hpd = rules.leave.hours_per_day
    days = rules.calendar.working_days(req.start, req.end)
    if req.portion in ("am", "pm"):
        return [Usage(d, 0.5, 0.0, request_id) for d in days[:1]]
    if req.portion == "hours":
        return [Usage(d, (req.hours or 0) / hpd, float(req.hours or 0), request_id) for d in days[:1]]
    return [Usage(d, 1.0, 0.0, request_id) for d in days]


class ContextBuilder:
    def __init__(self, store: Store, rules: RuleSet, directory: Directory) -> None:
        self.store = store
        self.rules = rules
        self.directory = directory

    def build(
        self,
        requester: Employee,
        details: ExpenseClaim | LeaveRequest | ContractReview,
        today: dt.date,
        exclude_request_id: int | None = None,
    ) -> DecisionContext:
        if isinstance(details, ContractReview):
            return DecisionContext(today, requester, self.rules)  # the review carries all C3/C5 need
        if isinstance(details, ExpenseClaim):
            return DecisionContext(
                today, requester, self.rules, prior_claims=self._prior_claims(requester, details, exclude_request_id)
            )
        return DecisionContext(
            today, requester, self.rules, leave=self.leave_facts(requester, details, exclude_request_id)
        )

    def _prior_claims(self, requester: Employee, claim: ExpenseClaim, exclude: int | None) -> tuple[PriorClaim, ...]:
        amount = int(claim.amount) if claim.amount == claim.amount.to_integral_value() else float(claim.amount)
        rows = self.store.query(
            "SELECT id, details FROM requests WHERE requester_id = ? AND kind = 'expense' "
            "AND json_extract(details, '$.date') = ? AND json_extract(details, '$.amount') = ? "
            "AND status NOT IN ('rejected', 'cancelled') AND id IS NOT ?",
            (requester.id, claim.date.isoformat(), amount, exclude),
        )
        found = []
        for r in rows:
            other = ExpenseClaim.from_dict(json.loads(r["details"]))
            found.append(PriorClaim(r["id"], other.amount, other.currency, other.date, other.vendor))
        return tuple(found)

    def open_leave_usages(self, employee_id: str, exclude: int | None) -> dict[str, list[Usage]]:
        """Days asked for in requests still open, by leave type: they hold balance until decided."""
        usages: dict[str, list[Usage]] = {}
        for req in records.list_requests(self.store, employee_id, OPEN, kind="leave", limit=500):
            if req.id == exclude or not isinstance(req.details, LeaveRequest):
                continue
            usages.setdefault(req.details.leave_type, []).extend(planned_usages(req.details, self.rules, req.id))
        return usages

    def leave_facts(self, requester: Employee, req: LeaveRequest, exclude: int | None = None) -> LeaveFacts:
        policy = self.rules.leave
        open_usages = self.open_leave_usages(requester.id, exclude)
        annual = records.leave_usages(self.store, requester.id, "annual") + open_usages.get("annual", [])
        balance = compute_balance(
            requester, annual, req.start, policy.annual, records.manual_grants(self.store, requester.id)
        )
        year_start, year_end = dt.date(req.start.year, 1, 1), dt.date(req.start.year, 12, 31)
        sick = records.leave_usages(self.store, requester.id, "sick")
        sick += open_usages.get("sick", [])
        sick_used = sum(u.days for u in sick if year_start <= u.date <= year_end)
        team = self.directory.team_members(requester.team) if requester.team else [requester]
        others = [m.id for m in team if m.id != requester.id]
        absent = Counter(day for _, day in records.absences(self.store, others, req.start, req.end))
        return LeaveFacts(
            balance_days=balance.remaining,
            first_grant=balance.first_grant,
            hourly_used_hours=balance.hourly_used_hours,
            sick_paid_used_days=sick_used,
            team_size=max(1, len(team)),
            team_absent=dict(absent),
        )
