"""An approved claim as a journal entry: debit lines per tax rate, the credit 未払金 to the employee.

The tax class follows the purchase date and whether the vendor is a registered issuer (the claim's invoice
number, T + 13 digits, E3): a registered vendor, or a purchase the 公共交通機関特例, 出張旅費等特例 or 少額特例
covers, gets the full class; any other the transitional class of its date (accounting.yaml `transitional`,
accounting.md §4.3).
The bot cannot ask the NTA whether a number is really registered (no network at run time): a number on the
claim counts as registered, as E3 has already checked its form.

Amounts are tax-included integers (accounting.md §0); the tax in each line is the included tax rounded down
(切り捨て), which is what the software would compute itself for a 税込 amount (rounding UNCONFIRMED per software).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.accounting.policy import AccountingPolicy
from bot.directory import Directory
from bot.models import ExpenseClaim, Request
from bot.rules.engine import is_public_transport
from bot.rules.invoice import normalize_invoice_number
from bot.rules.schema import ExpensePolicy

# The ledger note for a purchase under the transitional measure (accounting.md §4.3: "note the measure").
TRANSITIONAL_NOTE = "経過措置{deduction}%控除"


class JournalError(ValueError):
    """A claim cannot be booked as it stands (no yen amount, a part larger than the whole …)."""

    def __init__(self, key: str, request_id: int | None, **data: object) -> None:
        super().__init__(f"{key} (request {request_id})")
        self.key = key
        self.request_id = request_id
        self.data = data


@dataclass(frozen=True)
class Line:
    account: str  # 勘定科目
    tax_class: str  # a key of accounting.yaml tax_classes
    amount: int  # yen, tax included
    tax: int  # the tax included in `amount`


@dataclass(frozen=True)
class Entry:
    """One claim in the books: its debit lines (one per tax rate) against one credit line."""

    request_id: int
    ref: str  # our reference (EXP-42): 管理番号, 仕訳メモ, freee ref_number
    date: dt.date  # the purchase date: the entry's date and what the transitional class follows
    employee_id: str
    employee: str  # the employee's name: 補助科目 (MF, 弥生) / 取引先 (freee)
    lines: tuple[Line, ...]
    credit_account: str
    credit_class: str
    vendor: str
    description: str
    invoice_number: str  # normalised T + 13 digits, or ""
    notes: tuple[str, ...]  # 少額特例, 公共交通機関特例, 経過措置 …: written into 摘要
    decided_at: str

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def memo(self) -> str:
        """摘要: vendor, what it was, and the special rule noted (one line: no line breaks from the claim)."""
        text = " ".join(p for p in (self.vendor, self.description) if p)
        if self.notes:
            text += f"（{'・'.join(self.notes)}）"
        return " ".join(text.split())


def included_tax(amount: int, rate: int) -> int:
    return amount * rate // (100 + rate)


def claim_ref(policy: AccountingPolicy, request_id: int) -> str:
    return f"{policy.export.claim_prefix}{request_id}"


def _parts(claim: ExpenseClaim, policy: AccountingPolicy, request_id: int) -> list[tuple[str, int]]:
    yen = claim.yen()
    if yen is None:
        raise JournalError("journal.no_yen", request_id)
    if claim.currency != "JPY" and policy.foreign_tax_class:
        return [(policy.foreign_tax_class, yen)]
    account = policy.accounts.get(claim.category)
    if account is None:
        raise JournalError("journal.no_account", request_id, category=claim.category)
    reduced = claim.reduced_rate_yen or 0
    if reduced:
        if policy.reduced_tax_class is None:
            raise JournalError("journal.no_reduced_class", request_id)
        if not 0 < reduced <= yen:
            raise JournalError("journal.bad_reduced", request_id, reduced=reduced, amount=yen)
    parts = [(account.tax_class, yen - reduced), (policy.reduced_tax_class or "", reduced)]
    return [(k, a) for k, a in parts if a > 0] or [(account.tax_class, 0)]


def classify(
    claim: ExpenseClaim, policy: AccountingPolicy, expenses: ExpensePolicy, request_id: int
) -> tuple[list[tuple[str, int]], tuple[str, ...]]:
    """The claim's (tax class, amount) parts and the notes for 摘要."""
    parts = _parts(claim, policy, request_id)
    if all(policy.tax_classes[k].rate == 0 for k, _ in parts):
        return parts, ()
    if claim.invoice_number and normalize_invoice_number(claim.invoice_number):
        return parts, ()
    yen = sum(a for _, a in parts)
    pt = policy.public_transport_exemption
    if is_public_transport(claim, expenses) and yen < pt.under_yen:
        return parts, (pt.note,)
    travel = policy.business_travel_exemption
    if claim.category in travel.categories:
        return parts, (travel.note,)
    small = policy.small_amount_exemption
    if small.company_qualifies and yen < small.under_yen and claim.date <= small.until:
        return parts, (small.note,)
    row = policy.transitional_on(claim.date)
    if row is None:
        return parts, ()  # before 2023-10-01 (区分記載請求書 era, full credit) or a gap the company left in the file
    moved = []
    for key, amount in parts:
        if policy.tax_classes[key].rate == 0:
            moved.append((key, amount))
            continue
        target = policy.transitional_class(key, row)
        if target is None:  # the load-time check makes this unreachable for the shipped classes
            raise JournalError("journal.no_transitional_class", request_id, tax_class=key)
        moved.append((target, amount))
    return moved, (TRANSITIONAL_NOTE.format(deduction=row.deduction),)


def entry_for(req: Request, policy: AccountingPolicy, expenses: ExpensePolicy, directory: Directory) -> Entry:
    claim = req.details
    assert isinstance(claim, ExpenseClaim) and req.id is not None
    parts, notes = classify(claim, policy, expenses, req.id)
    account = policy.accounts[claim.category].account if claim.category in policy.accounts else ""
    lines = tuple(
        Line(account, key, amount, included_tax(amount, policy.tax_classes[key].rate)) for key, amount in parts
    )
    person = directory.get(req.requester_id)
    return Entry(
        request_id=req.id,
        ref=claim_ref(policy, req.id),
        date=claim.date,
        employee_id=req.requester_id,
        employee=person.name_ja if person else req.requester_id,
        lines=lines,
        credit_account=policy.credit_account,
        credit_class=policy.credit_tax_class or "",
        vendor=" ".join((claim.vendor or "").split()),
        description=" ".join(claim.description.split()),
        invoice_number=normalize_invoice_number(claim.invoice_number or "") or "",
        notes=notes,
        decided_at=req.decided_at or "",
    )
