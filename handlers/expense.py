"""Expense claims: read the form, attach receipts, decide with the rules, submit to the workflow."""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bot.i18n import t
from bot.models import ExpenseClaim, Reply, Status
from bot.rules.invoice import normalize_invoice_number
from bot.services import Services
from bot.store import records
from handlers.base import (
    Inbound,
    category_of,
    locale_for,
    normalize,
    parse_date,
    parse_request_id,
    result_reply,
    split_options,
    submitted_reply,
    text_reply,
)
from handlers.intake import IntakeHandler

_AMOUNT = re.compile(
    r"^(?P<pre>[¥$€£]|jpy|usd|eur|gbp)?(?P<num>\d[\d,]*(?:\.\d+)?)(?P<post>円|yen|jpy|usd|eur|gbp)?$", re.IGNORECASE
)
_SYMBOLS = {"¥": "JPY", "$": "USD", "€": "EUR", "£": "GBP", "円": "JPY", "yen": "JPY"}


def parse_amount(token: str) -> tuple[Decimal, str] | None:
    m = _AMOUNT.match(normalize(token))
    if not m:
        return None
    try:
        amount = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation:
        return None
    marker = (m.group("pre") or m.group("post") or "JPY").lower()
    currency = _SYMBOLS.get(marker, marker.upper())
    if currency == "JPY" and amount != amount.to_integral_value():
        return None
    return amount, currency


class AttachmentError(Exception):
    def __init__(self, key: str, **data: object) -> None:
        super().__init__(key)
        self.key = key
        self.data = data


class ExpenseHandler:
    kind = "expense"

    def submit_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        locale = locale_for(msg, services)
        categories = services.rules.expenses.categories
        words, options = split_options(args)
        if not words and not options:
            return text_reply(msg, services, "form.expense.usage", categories=", ".join(categories))
        amount = category = date = None
        rest: list[str] = []
        today = services.today()
        for w in words:
            if amount is None and (parsed := parse_amount(w)):
                amount = parsed
            elif category is None and (cat := category_of(w, categories)):
                category = cat
            elif date is None and (d := parse_date(w, today, prefer_future=False)):
                date = d
            else:
                rest.append(w)
        if amount is None or category is None or date is None:
            # Not the exact form: read it as free text, and ask for whatever is still missing.
            return IntakeHandler().handle_text(replace(msg, text=args), services, kind_hint="expense")
        attendees = None
        if "attendees" in options:
            if not options["attendees"].isdigit():
                return text_reply(
                    msg, services, "form.bad_value", value=options["attendees"], field=t("form.name.attendees", locale)
                )
            attendees = int(options["attendees"])
        invoice = options.get("invoice")
        claim = ExpenseClaim(
            amount=amount[0],
            currency=options.get("currency", amount[1]).upper(),
            date=date,
            category=category,
            description=" ".join(rest),
            vendor=options.get("vendor"),
            attendees=attendees,
            invoice_number=(normalize_invoice_number(invoice) or invoice) if invoice else None,
        )
        receipt = options.get("receipt") or (msg.attachments[0] if msg.attachments else None)
        stored = None
        if receipt:
            try:
                stored = self._store_file(receipt, services)
            except AttachmentError as err:
                return text_reply(msg, services, err.key, **err.data)
            claim = replace(claim, receipts=(Path(receipt).name,))
        result = services.workflow.submit(msg.employee, claim, source=f"{msg.platform}:{msg.delivery_id or ''}")
        req = result.request
        assert req is not None and req.id is not None
        if stored:
            with services.store.tx():
                records.add_attachment(
                    services.store,
                    req.id,
                    Path(receipt or "").name,
                    *stored,
                    added_by=msg.employee.id,
                    at=services.now_iso(),
                )
        return [submitted_reply(req, msg, services)]

    def _store_file(self, path_text: str, services: Services) -> tuple[str, str, int]:
        """Copy a receipt into the attachment folder under its content hash: (path, sha256, size)."""
        path = Path(path_text).expanduser()
        if not path.is_file():
            raise AttachmentError("err.attach_missing", path=path_text)
        size = path.stat().st_size
        if size > services.max_attachment_mb * 1024 * 1024:
            raise AttachmentError("err.attach_too_big", size=round(size / 1048576, 1), limit=services.max_attachment_mb)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        services.attachments_dir.mkdir(parents=True, exist_ok=True)
        target = services.attachments_dir / f"{digest[:16]}-{path.name}"
        if not target.exists():
            shutil.copyfile(path, target)
        return (str(target), digest, size)

    def attach_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        words, _ = split_options(args)
        rid = parse_request_id(words[0]) if words else None
        files = words[1:] or list(msg.attachments)
        if rid is None or not files:
            return text_reply(msg, services, "err.bad_id", command="attach")
        req = records.get_request(services.store, rid)
        if req is None:
            return text_reply(msg, services, "err.not_found", id=rid)
        if req.requester_id != msg.employee.id:
            return text_reply(msg, services, "err.not_yours", id=rid)
        if not isinstance(req.details, ExpenseClaim):
            return text_reply(msg, services, "err.attach_kind", id=rid)
        if req.status is not Status.NEEDS_INFO:
            locale = locale_for(msg, services)
            return text_reply(msg, services, "err.not_editable", id=rid, status=t(f"status.{req.status}", locale))
        try:
            stored = self._store_file(files[0], services)
        except AttachmentError as err:
            return text_reply(msg, services, err.key, **err.data)
        name = Path(files[0]).name
        details = replace(req.details, receipts=(*req.details.receipts, name))
        result = services.workflow.update(rid, msg.employee, details, action="attach")
        if result.ok:
            with services.store.tx():
                records.add_attachment(
                    services.store, rid, name, *stored, added_by=msg.employee.id, at=services.now_iso()
                )
            assert result.request is not None
            return [submitted_reply(result.request, msg, services)]
        return result_reply(result, msg, services, "attach")
