"""Plain data shared by every room of the core: employees, requests, decisions and replies.

These are deliberately dumb dataclasses: the rule engine must stay pure and fast, and the
store, the workflow and the adapters all speak in these types.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from typing import Any

ROLES: tuple[str, ...] = ("employee", "manager", "finance", "hr", "legal", "ceo", "admin")
LOCALES: tuple[str, ...] = ("ja", "en")


@dataclass(frozen=True, slots=True)
class Employee:
    id: str
    name_ja: str
    name_en: str
    email: str
    locale: str = ""  # empty: follow the chat platform's locale, else the company default
    team: str = ""
    manager_id: str | None = None
    roles: tuple[str, ...] = ("employee",)
    delegate_id: str | None = None
    hire_date: dt.date | None = None
    weekly_days: int = 5
    weekly_hours: float = 40.0
    slack_user_id: str | None = None
    chatwork_account_id: str | None = None
    active: bool = True

    def name(self, locale: str) -> str:
        return self.name_ja if locale == "ja" else self.name_en

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def to_row(self) -> dict[str, Any]:
        row = asdict(self)
        row["roles"] = ",".join(self.roles)
        row["hire_date"] = self.hire_date.isoformat() if self.hire_date else None
        row["active"] = int(self.active)
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Employee:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in row.items() if k in known}
        data["roles"] = tuple(r for r in (data.get("roles") or "employee").split(",") if r)
        hire = data.get("hire_date")
        data["hire_date"] = dt.date.fromisoformat(hire) if hire else None
        data["active"] = bool(data.get("active", 1))
        return cls(**data)


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    NEEDS_INFO = "needs_info"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    ESCALATED = "escalated"


FINAL_STATUSES = frozenset({Status.APPROVED, Status.REJECTED, Status.CANCELLED})


class Outcome(StrEnum):
    AUTO_APPROVED = "auto_approved"
    NEEDS_APPROVAL = "needs_approval"
    NEEDS_INFO = "needs_info"
    REJECTED = "rejected"


class Severity(StrEnum):
    """How a finding weighs: `info` notes, `warning` flags for a human, `block` waits for the
    requester (needs_info), `reject` refuses the request."""

    INFO = "info"
    WARNING = "warning"
    BLOCK = "block"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    severity: Severity
    message_ja: str
    message_en: str
    data: dict[str, Any] = field(default_factory=dict)

    def message(self, locale: str) -> str:
        return self.message_ja if locale == "ja" else self.message_en

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "message_ja": self.message_ja,
            "message_en": self.message_en,
            "data": _jsonable(self.data),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(d["rule_id"], Severity(d["severity"]), d["message_ja"], d["message_en"], d.get("data", {}))


@dataclass(frozen=True, slots=True)
class StepSpec:
    """One step the rules require: a role (`manager`, `finance`, `hr`, `legal`, `ceo`) and the
    rule ids that put it there. The workflow resolves it to a person."""

    role: str
    rule_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "rule_ids": list(self.rule_ids)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StepSpec:
        return cls(d["role"], tuple(d["rule_ids"]))


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    findings: tuple[Finding, ...]
    chain: tuple[StepSpec, ...]
    ruleset_version: str
    notify_roles: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "findings": [f.to_dict() for f in self.findings],
            "chain": [s.to_dict() for s in self.chain],
            "ruleset_version": self.ruleset_version,
            "notify_roles": list(self.notify_roles),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Decision:
        return cls(
            Outcome(d["outcome"]),
            tuple(Finding.from_dict(f) for f in d["findings"]),
            tuple(StepSpec.from_dict(s) for s in d["chain"]),
            d["ruleset_version"],
            tuple(d.get("notify_roles", ())),
        )


@dataclass(frozen=True, slots=True)
class ExpenseClaim:
    amount: Decimal
    date: dt.date
    category: str
    currency: str = "JPY"
    description: str = ""
    vendor: str | None = None
    attendees: int | None = None
    invoice_number: str | None = None
    receipts: tuple[str, ...] = ()
    amount_jpy: int | None = None  # fixed by finance for a foreign-currency claim (E8)
    waived: tuple[str, ...] = ()  # rule ids overridden by someone entitled to (E1 by finance)
    ai_note: str = (
        ""  # how a free-text message was read (engine, fields, doubts): shown as the AI's, never used by rules
    )
    # The part of the amount (yen, tax included) at the reduced 8% rate, for a receipt with both rates (take-away
    # food with other goods): the journal export books it as a second line (bot/accounting/journal.py).
    reduced_rate_yen: int | None = None

    kind = "expense"

    def yen(self) -> int | None:
        """The amount in yen when it is known; a foreign claim has none until finance fixes it."""
        if self.currency == "JPY":
            return int(self.amount)
        return self.amount_jpy

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = _jsonable(asdict(self))
        if out.get("reduced_rate_yen") is None:
            out.pop("reduced_rate_yen", None)  # rows written before the field existed stay byte-identical
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ExpenseClaim:
        return cls(
            amount=Decimal(str(d["amount"])),
            date=dt.date.fromisoformat(d["date"]),
            category=d["category"],
            currency=d.get("currency", "JPY"),
            description=d.get("description", ""),
            vendor=d.get("vendor"),
            attendees=d.get("attendees"),
            invoice_number=d.get("invoice_number"),
            receipts=tuple(d.get("receipts", ())),
            amount_jpy=d.get("amount_jpy"),
            waived=tuple(d.get("waived", ())),
            reduced_rate_yen=d.get("reduced_rate_yen"),
            ai_note=d.get("ai_note", ""),
        )


LEAVE_TYPES: tuple[str, ...] = ("annual", "special", "sick", "compensatory", "unpaid")
PORTIONS: tuple[str, ...] = ("full", "am", "pm", "hours")


@dataclass(frozen=True, slots=True)
class LeaveRequest:
    leave_type: str
    start: dt.date
    end: dt.date
    portion: str = "full"
    hours: int | None = None
    special_reason: str | None = None
    worked_holiday: dt.date | None = None
    unpaid_days: float = 0.0  # the part the requester confirmed as unpaid (L5)
    note: str = ""
    ai_note: str = ""  # how a free-text message was read: shown as the AI's, never used by rules

    kind = "leave"

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LeaveRequest:
        wh = d.get("worked_holiday")
        return cls(
            leave_type=d["leave_type"],
            start=dt.date.fromisoformat(d["start"]),
            end=dt.date.fromisoformat(d["end"]),
            portion=d.get("portion", "full"),
            hours=d.get("hours"),
            special_reason=d.get("special_reason"),
            worked_holiday=dt.date.fromisoformat(wh) if wh else None,
            unpaid_days=float(d.get("unpaid_days", 0.0)),
            note=d.get("note", ""),
            ai_note=d.get("ai_note", ""),
        )


@dataclass(frozen=True, slots=True)
class ContractReview:
    """A contract sent for review (C1–C5): what the checker read and found, kept with the request.

    The checker (bot.contracts) reads the file once; the rules then route on these recorded facts,
    so a decision can be replayed and explained without the file. `findings` are the report's own
    (C1 notes, each C2 item, C4 stamp duty); the routing findings (C3, C5) are the rules' to add."""

    title: str
    contract_type: str | None = None  # a key of contract_types in contracts.yaml; None when not told apart
    mutual: bool | None = None  # confidentiality binds both parties (None: no clause, or unclear)
    counterparty: str | None = None
    amount_yen: int | None = None  # the value routed on: the requester's figure, else the one read
    electronic: bool | None = None  # e-signed (True), paper (False), not said (None)
    red_flags: tuple[str, ...] = ()  # rule ids of checklist items at red flag
    unread: tuple[str, ...] = ()  # what the checker could not read (C1 notes), by message key
    denied: tuple[dict[str, str], ...] = ()  # deny-list matches: {"name", "reason", "found_as"}
    findings: tuple[Finding, ...] = ()
    summary: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # card fields by locale
    file: str | None = None  # the stored copy of the contract, when it came as a file
    note: str = ""  # the requester's own words
    ai_note: str = ""  # how the request was read, and whether a model judged items: the AI's, never the rules'
    checked_with: str = ""  # ruleset version the checklist ran on

    kind = "contract"

    def to_dict(self) -> dict[str, Any]:
        out = _jsonable(asdict(self))
        out["findings"] = [f.to_dict() for f in self.findings]
        out["summary"] = {loc: [list(pair) for pair in pairs] for loc, pairs in self.summary.items()}
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ContractReview:
        return cls(
            title=d["title"],
            contract_type=d.get("contract_type"),
            mutual=d.get("mutual"),
            counterparty=d.get("counterparty"),
            amount_yen=d.get("amount_yen"),
            electronic=d.get("electronic"),
            red_flags=tuple(d.get("red_flags", ())),
            unread=tuple(d.get("unread", ())),
            denied=tuple(dict(x) for x in d.get("denied", ())),
            findings=tuple(Finding.from_dict(f) for f in d.get("findings", ())),
            summary={loc: tuple((a, b) for a, b in pairs) for loc, pairs in (d.get("summary") or {}).items()},
            file=d.get("file"),
            note=d.get("note", ""),
            ai_note=d.get("ai_note", ""),
            checked_with=d.get("checked_with", ""),
        )


Details = ExpenseClaim | LeaveRequest | ContractReview
DETAIL_TYPES: dict[str, type[ExpenseClaim] | type[LeaveRequest] | type[ContractReview]] = {
    "expense": ExpenseClaim,
    "leave": LeaveRequest,
    "contract": ContractReview,
}


@dataclass(frozen=True, slots=True)
class Request:
    id: int | None
    kind: str
    requester_id: str
    details: Details
    status: Status = Status.DRAFT
    decision: Decision | None = None
    version: int = 0
    current_step: int | None = None
    created_at: str = ""
    updated_at: str = ""
    submitted_on: dt.date | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ApprovalStep:
    request_id: int
    seq: int
    role: str
    approver_id: str | None
    status: str = "waiting"  # waiting | pending | approved | rejected | changes_requested | skipped
    via: str = ""  # how the approver was found: manager, role, delegate, escalation, fallback
    original_approver_id: str | None = None
    acted_by: str | None = None
    acted_at: str | None = None
    comment: str | None = None
    rule_ids: tuple[str, ...] = ()
    id: int | None = None


# -- replies: what a handler answers, before any adapter renders it -----------------------------


@dataclass(frozen=True, slots=True)
class Action:
    """A button on Slack, a reply to type on Chatwork, a slash command in the console."""

    id: str  # approve | reject | request_changes | cancel | confirm_unpaid
    label: str
    request_id: int
    style: str = "default"  # primary | danger | default


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    fields: tuple[tuple[str, str], ...] = ()
    findings: tuple[Finding, ...] = ()
    actions: tuple[Action, ...] = ()
    footer: str = ""
    request_id: int | None = None
    status: str | None = None


@dataclass(frozen=True)
class OutFile:
    """A file the bot sends with a reply (a journal export, a transfer file, a draft): already written, 0600,
    under the bot's own folder. It goes to the person's direct chat only, never to a shared channel."""

    path: str
    name: str  # the name the recipient sees
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Reply:
    """A platform-neutral message. `to` is an employee id; None means the person who asked. `file` travels to
    that person's direct chat with the bot (bot/outfiles.py)."""

    locale: str
    text: str = ""
    card: Card | None = None
    to: str | None = None
    file: OutFile | None = None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value
