"""The Rules page (each rule file as the bot loaded it, as a table) and the playground, which runs the rules on a
hypothetical claim or leave request and stores nothing: no request, no step, no audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from bot.approvers import resolve_chain
from bot.i18n import t
from bot.models import LEAVE_TYPES, PORTIONS, Decision, Employee, ExpenseClaim, LeaveRequest
from bot.rules.loader import RuleSet
from bot.services import Services
from bot.web.data import Column, Table

# The loaded policies by the file they come from: what the bot runs on, whatever the files say now.
RULE_FILES = {
    "expenses.yaml": "expenses",
    "leave.yaml": "leave",
    "routing.yaml": "routing",
    "calendar.yaml": "calendar_policy",
    "contracts.yaml": "contracts",
    "stamp_duty.yaml": "stamp_duty",
    "accounting.yaml": "accounting",
}
MAX_ROWS_PER_FILE = 2000


def _flatten(value: Any, prefix: str, out: list[dict[str, Any]]) -> None:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", by_alias=True)
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and value and not all(isinstance(v, (str, int, float, bool)) for v in value):
        for n, item in enumerate(value):
            _flatten(item, f"{prefix}[{n}]", out)
    else:
        if isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        elif value is None:
            shown = "—"
        else:
            shown = str(value)
        if len(out) < MAX_ROWS_PER_FILE:
            out.append({"key": prefix or "(top level)", "value": shown})


def rule_tables(rules: RuleSet) -> list[Table]:
    tables = []
    for file_name, attr in RULE_FILES.items():
        policy = getattr(rules, attr, None)
        if policy is None:
            continue
        rows: list[dict[str, Any]] = []
        _flatten(policy, "", rows)
        name = file_name.removesuffix(".yaml")
        tables.append(Table(name, file_name, [Column("key", "web.col.key"), Column("value", "web.col.value")], rows))
    return tables


# -- the playground ------------------------------------------------------------------------------------------


@dataclass
class Trial:
    """What the playground shows: the form as sent (to fill it again), and the rules' answer or the problem."""

    kind: str = "expense"
    form: dict[str, str] = field(default_factory=dict)
    problem: str = ""
    decision: Decision | None = None
    chain: list[dict[str, str]] = field(default_factory=list)
    no_approver: str = ""


class BadForm(ValueError):
    pass


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadForm("web.play.bad.date") from None


def _whole(text: str, low: int, high: int, key: str) -> int:
    digits = text.strip().replace(",", "")
    if not digits.isdigit() or not low <= int(digits) <= high:
        raise BadForm(key)
    return int(digits)


def read_expense(form: Mapping[str, str], categories: list[str], today: dt.date) -> ExpenseClaim:
    amount = _whole(form.get("amount", ""), 1, 100_000_000, "web.play.bad.amount")
    day = _date(form.get("date") or today.isoformat())
    category = form.get("category", "")
    if category not in categories:
        category = "other"
    attendees_text = (form.get("attendees") or "").strip()
    attendees = _whole(attendees_text, 1, 999, "web.play.bad.attendees") if attendees_text else None
    return ExpenseClaim(
        amount=Decimal(amount),
        date=day,
        category=category,
        description=(form.get("description") or "")[:200],
        vendor=(form.get("vendor") or "").strip()[:100] or None,
        attendees=attendees,
        invoice_number=(form.get("invoice_number") or "").strip()[:20] or None,
        # A name only: the rules ask whether a receipt came, never open it.
        receipts=("playground-receipt",) if form.get("receipt") else (),
    )


def read_leave(form: Mapping[str, str], today: dt.date) -> LeaveRequest:
    start = _date(form.get("start") or today.isoformat())
    end = _date(form.get("end") or start.isoformat())
    if end < start:
        raise BadForm("web.play.bad.order")
    leave_type = form.get("leave_type", "annual")
    portion = form.get("portion", "full")
    hours_text = (form.get("hours") or "").strip()
    hours = _whole(hours_text, 1, 8, "web.play.bad.hours") if portion == "hours" and hours_text else None
    return LeaveRequest(
        leave_type=leave_type if leave_type in LEAVE_TYPES else "annual",
        start=start,
        end=end,
        portion=portion if portion in PORTIONS else "full",
        hours=hours,
        note=(form.get("note") or "")[:200],
    )


def run_trial(services: Services, requester: Employee, form: Mapping[str, str], locale: str) -> Trial:
    """The rules' answer for `requester`, as if they filed it today. Reads the store (a duplicate claim, the leave
    balance, who is away) and writes nothing."""
    kind = form.get("kind") if form.get("kind") in ("expense", "leave") else "expense"
    trial = Trial(kind=str(kind), form={k: str(v)[:200] for k, v in form.items() if k != "csrf"})
    today = services.today()
    try:
        details: ExpenseClaim | LeaveRequest = (
            read_expense(form, services.rules.expenses.categories, today)
            if kind == "expense"
            else read_leave(form, today)
        )
    except BadForm as exc:
        trial.problem = t("web.play.bad", locale, problem=t(str(exc), locale))
        return trial
    decision = services.workflow.decide_for(requester, details, today)
    trial.decision = decision
    if decision.chain:
        try:
            steps = resolve_chain(
                decision.chain, requester, services.directory, services.rules.routing.fallback_roles, today,
                services.workflow.on_leave,
            )  # fmt: skip
        except LookupError as exc:
            trial.no_approver = str(exc)
            steps = []
        trial.chain = [
            {
                "seq": str(s.seq),
                "role": t(f"role.{s.role}", locale),
                "approver": services.name(s.approver_id, locale),
                "status": t(f"step.{s.status}", locale),
                "rule_ids": ", ".join(s.rule_ids),
            }
            for s in steps
        ]
    return trial
