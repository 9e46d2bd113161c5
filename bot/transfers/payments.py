"""Paying a batch back: the 全銀 file for it, and marking it paid (each requester told the date and amount).

One data record per employee, the sum of their claims in the batch in yen (a foreign-currency claim counts with
the yen finance fixed, `amount_jpy`; one without is refused). The transfer date must be a working day on the
company calendar and a bank business day: banks are closed on Saturdays, Sundays, national holidays and
12/31–1/3 (銀行法施行令 5条; the dates are from that order, checked here on their own because a company's
calendar may work on 12/31). Refusals say what is wrong and write nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jpholiday

from bot.accounting.batches import claims_in_batch, get_batch
from bot.i18n import t, yen
from bot.models import ExpenseClaim, Status
from bot.services import Services
from bot.store import files, records
from bot.transfers import bank, kana, zengin

EVENT = "reimbursed"  # the notification each requester gets (bot/cards.py notification_reply)
BANK_CLOSED = ((12, 31), (1, 1), (1, 2), (1, 3))  # 銀行法施行令 5条1項: besides weekends and national holidays


class TransferError(ValueError):
    """Why a file cannot be written or a batch marked paid: a text key of bot/transfers/texts.py and its data."""

    def __init__(self, key: str, **data: Any) -> None:
        super().__init__(key)
        self.key = key
        self.data = data

    def text(self, locale: str) -> str:
        return t(self.key, locale, **self.data)


@dataclass(frozen=True)
class Share:
    """One employee's part of a batch: their claims and the total transferred to them."""

    employee_id: str
    request_ids: tuple[int, ...]
    amount: int


@dataclass(frozen=True)
class Written:
    path: Path
    batch_id: str
    date: dt.date
    shares: list[Share]
    sha256: str

    @property
    def total(self) -> int:
        return sum(s.amount for s in self.shares)


def is_bank_day(day: dt.date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in BANK_CLOSED and not jpholiday.is_holiday(day)


def check_date(services: Services, day: dt.date) -> None:
    """A transfer date the bank and the company both work on, not in the past."""
    if day < services.today():
        raise TransferError("transfer.date_past", date=day.isoformat(), today=services.today().isoformat())
    if not is_bank_day(day):
        raise TransferError("transfer.date_bank_closed", date=day.isoformat())
    if not services.rules.calendar.is_working_day(day):
        raise TransferError("transfer.date_company_closed", date=day.isoformat())


def _name(services: Services, employee_id: str, locale: str = "ja") -> str:
    return f"{employee_id} {services.name(employee_id, locale)}"


def shares(services: Services, batch_id: str) -> list[Share]:
    """Each requester's total in the batch, in the order their first claim was exported."""
    if get_batch(services.store, batch_id) is None:
        raise TransferError("transfer.no_batch", batch=batch_id)
    totals: dict[str, list[int]] = {}
    amounts: dict[str, int] = {}
    for claim in claims_in_batch(services.store, batch_id):
        assert claim.id is not None
        if not isinstance(claim.details, ExpenseClaim) or claim.status is not Status.APPROVED:
            raise TransferError("transfer.not_approved", id=claim.id, batch=batch_id)
        amount = claim.details.yen()
        if amount is None:
            raise TransferError("transfer.no_yen", id=claim.id, currency=claim.details.currency,
                                who=_name(services, claim.requester_id))  # fmt: skip
        totals.setdefault(claim.requester_id, []).append(claim.id)
        amounts[claim.requester_id] = amounts.get(claim.requester_id, 0) + amount
    return [Share(who, tuple(ids), amounts[who]) for who, ids in totals.items()]


def payer(services: Services) -> zengin.Payer:
    """The header's 振込依頼人 from accounting.yaml, its names checked against the safe set."""
    p = services.rules.accounting.payer
    if p is None:
        raise TransferError("transfer.no_payer")
    names = {}
    for key, value, limit in (("name_kana", p.name_kana, 40), ("bank_name_kana", p.bank_name_kana, 15),
                              ("branch_name_kana", p.branch_name_kana, 15)):  # fmt: skip
        try:
            names[key] = kana.normalise(value)
        except kana.KanaError as err:
            raise TransferError("transfer.payer_kana", field=key, char=err.char) from None
        if len(names[key]) > limit:
            raise TransferError("transfer.payer_long", field=key, limit=limit)
    return zengin.Payer(p.requester_code, names["name_kana"], p.bank_code, names["bank_name_kana"], p.branch_code,
                        names["branch_name_kana"], p.account_type, p.account_number)  # fmt: skip


def paid_on(services: Services, batch_id: str) -> dt.date | None:
    rows = services.store.query("SELECT paid_on FROM transfer_payments WHERE batch_id = ?", (batch_id,))
    return dt.date.fromisoformat(str(rows[0]["paid_on"])) if rows else None


def write_private(path: Path, data: bytes) -> None:
    """`data` at `path`, 0600 from the first byte (written under a temporary name and renamed: never half a file)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, files.FILE_MODE)
    try:
        os.fchmod(fd, files.FILE_MODE)  # whatever the umask
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def default_path(services: Services, batch_id: str, day: dt.date) -> Path:
    """Under the bot's own folder (beside the database), in a 0700 folder."""
    folder = Path(services.store.path).parent / "transfers"
    files.private_dir(folder)
    return folder / file_name(batch_id, day)


def file_name(batch_id: str, day: dt.date) -> str:
    return f"zengin-{batch_id}-{day:%Y%m%d}.txt"


def write_file(services: Services, batch_id: str, day: dt.date, out: Path | None, actor: str | None) -> Written:
    """Check everything, then write the batch's 全銀 file (0600) and record it with an audit entry."""
    done = paid_on(services, batch_id)
    if done is not None:
        raise TransferError("transfer.already_paid", batch=batch_id, date=done.isoformat())
    check_date(services, day)
    header = payer(services)
    parts = shares(services, batch_id)
    accounts = {s.employee_id: bank.get(services.store, s.employee_id) for s in parts}
    missing = [who for who, account in accounts.items() if account is None]
    if missing:
        raise TransferError("transfer.missing_bank", batch=batch_id,
                            people=", ".join(_name(services, m) for m in missing))  # fmt: skip
    payees = []
    for s in parts:
        a = accounts[s.employee_id]
        assert a is not None
        if s.amount > zengin.MAX_AMOUNT or s.amount < 1:
            raise TransferError("transfer.bad_amount", who=_name(services, s.employee_id), amount=yen(s.amount))
        payees.append(zengin.Payee(a.bank_code, a.bank_name, a.branch_code, a.branch_name, a.account_type,
                                   a.account_number, a.holder_kana, s.amount))  # fmt: skip
    data = zengin.build(header, day, payees)
    path = out if out is not None else default_path(services, batch_id, day)
    digest = hashlib.sha256(data).hexdigest()
    try:
        write_private(path, data)
    except OSError as exc:
        raise TransferError("transfer.cannot_write", path=path, reason=exc.strerror or exc) from None
    at = services.now_iso()
    with services.store.tx():
        services.store.execute(
            "INSERT INTO transfer_files (batch_id, transfer_date, records, total, sha256, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (batch_id, day.isoformat(), len(payees), sum(p.amount for p in payees), digest, at, actor),
        )
        services.store.audit(at, actor, "transfer.file_written", None,
                             {"batch": batch_id, "date": day.isoformat(), "records": len(payees),
                              "total": sum(p.amount for p in payees), "sha256": digest})  # fmt: skip
    return Written(path, batch_id, day, parts, digest)


def mark_paid(services: Services, batch_id: str, day: dt.date, actor: str | None) -> list[Share]:
    """Record the batch as paid on `day` and tell each requester once (their total, the date). A second call
    raises TransferError "already paid on …" and sends nothing."""
    at = services.now_iso()
    with services.store.tx():
        done = paid_on(services, batch_id)
        if done is not None:
            raise TransferError("transfer.already_paid", batch=batch_id, date=done.isoformat())
        parts = shares(services, batch_id)
        total = sum(s.amount for s in parts)
        services.store.execute(
            "INSERT INTO transfer_payments (batch_id, paid_on, total, people, marked_at, marked_by) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (batch_id, day.isoformat(), total, len(parts), at, actor),
        )
        services.store.audit(at, actor, "transfer.paid", None,
                             {"batch": batch_id, "date": day.isoformat(), "total": total,
                              "people": [s.employee_id for s in parts]})  # fmt: skip
        for s in parts:
            records.notify(services.store, s.employee_id, EVENT, s.request_ids[0],
                           {"date": day.isoformat(), "batch": batch_id, "amount": s.amount,
                            "requests": list(s.request_ids)}, at)  # fmt: skip
    return parts
