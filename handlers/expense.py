"""Expense claims: read the form, attach receipts, decide with the rules, submit to the workflow."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from bot.i18n import t
from bot.models import ExpenseClaim, Reply
from bot.rules.invoice import normalize_invoice_number
from bot.services import Services
from handlers.base import (
    Inbound,
    category_of,
    locale_for,
    may_name_local_files,
    normalize,
    parse_date,
    parse_request_id,
    split_options,
    text_reply,
)
from handlers.intake import IntakeHandler
from handlers.receipts import attach, file_with_receipt

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


def reduced_yen(text: str | None, amount: Decimal | None) -> int | None:
    """The reduced-rate part typed as yen (`1,200`, `¥1200`): 0 to the whole yen amount; None when it is not."""
    if text is None or amount is None:
        return None
    digits = normalize(text).replace(",", "").removeprefix("¥").removesuffix("円")
    if not digits.isdigit() or int(digits) > amount:
        return None
    return int(digits)


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
        # reduced=1200 / 軽減=1200: the part at the reduced 8% rate, for a receipt with both rates (journal export)
        reduced_text = options.get("reduced", options.get("軽減"))
        reduced = reduced_yen(reduced_text, amount[0] if amount[1] == "JPY" else None)
        if reduced_text is not None and reduced is None:
            return text_reply(
                msg, services, "form.bad_value", value=reduced_text, field=t("journal.field.reduced", locale)
            )
        claim = ExpenseClaim(
            amount=amount[0],
            currency=options.get("currency", amount[1]).upper(),
            date=date,
            category=category,
            description=" ".join(rest),
            vendor=options.get("vendor"),
            attendees=attendees,
            invoice_number=(normalize_invoice_number(invoice) or invoice) if invoice else None,
            reduced_rate_yen=reduced or None,
        )
        if options.get("receipt") and not may_name_local_files(msg):
            return text_reply(msg, services, "err.typed_path")
        receipt = options.get("receipt") or (msg.attachments[0] if msg.attachments else None)
        return file_with_receipt(msg, claim, receipt, services)

    def attach_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        words, _ = split_options(args)
        rid = parse_request_id(words[0]) if words else None
        if words[1:] and not may_name_local_files(msg):
            return text_reply(msg, services, "err.typed_path")
        files = words[1:] or list(msg.attachments)
        if rid is None or not files:
            return text_reply(msg, services, "err.bad_id", command="attach")
        return attach(msg, rid, files[0], services)
