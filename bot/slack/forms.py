"""Modal forms for a command typed without text, and reading them back with per-field errors.

Pure functions: a view to open, and a submission turned into request details or into the
errors Slack shows under each field (`ack(response_action="errors", errors=…)`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from bot.i18n import t
from bot.models import LEAVE_TYPES, ExpenseClaim, LeaveRequest
from bot.slack.blocks import clip
from bot.understanding.amounts import parse_amount_text

EXPENSE_CALLBACK = "form_expense"
LEAVE_CALLBACK = "form_leave"
PORTIONS = ("full", "am", "pm", "hours")


def _tx(key: str, locale: str) -> str:
    """Form strings live in the shared catalogue under `slackform.`."""
    return t(f"slackform.{key}", locale)


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit)}


def _input(
    block_id: str, label: str, element: dict[str, Any], optional: bool = False, hint: str = ""
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input", "block_id": block_id, "label": _plain(label, 2000), "element": element, "optional": optional,
    }  # fmt: skip
    if hint:
        block["hint"] = _plain(hint, 2000)
    return block


def _options(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"text": _plain(label), "value": value} for value, label in pairs]


def _view(
    callback: str,
    title: str,
    locale: str,
    blocks_: list[dict[str, Any]],
    channel: str | None,
    request_id: int | None = None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"locale": locale, "channel": channel}
    if request_id is not None:
        meta["request_id"] = request_id  # a fix of this request, sent again (not a new one)
    return {
        "type": "modal",
        "callback_id": callback,
        "title": _plain(title, 24),
        "submit": _plain(_tx("submit", locale), 24),
        "close": _plain(_tx("close", locale), 24),
        "private_metadata": json.dumps(meta),
        "blocks": blocks_,
    }


def _prefill(view: dict[str, Any], initial: dict[str, str]) -> dict[str, Any]:
    """The form with each field's current value filled in (a request sent back to be fixed)."""
    for block in view["blocks"]:
        value = initial.get(block.get("block_id", ""))
        element = block.get("element", {})
        if not value:
            continue
        if element.get("type") == "plain_text_input":
            element["initial_value"] = value
        elif element.get("type") == "datepicker":
            element["initial_date"] = value
        elif element.get("type") == "static_select":
            chosen = next((o for o in element.get("options", []) if o["value"] == value), None)
            if chosen is not None:
                element["initial_option"] = chosen
    return view


def edit_form(details: ExpenseClaim | LeaveRequest, request_id: int, locale: str, categories: list[str],
              today: dt.date) -> dict[str, Any]:  # fmt: skip
    """The request's own form, filled in with what it says now, to fix and send again."""
    if isinstance(details, ExpenseClaim):
        view = expense_form(locale, categories, today, request_id=request_id)
        amount = f"{details.amount}" + ("" if details.currency == "JPY" else f" {details.currency}")
        initial = {
            "amount": amount, "date": details.date.isoformat(), "category": details.category,
            "description": details.description, "vendor": details.vendor or "",
            "attendees": str(details.attendees or ""), "invoice": details.invoice_number or "",
        }  # fmt: skip
    else:
        view = leave_form(locale, today, request_id=request_id)
        initial = {
            "type": details.leave_type, "start": details.start.isoformat(), "end": details.end.isoformat(),
            "portion": details.portion, "hours": str(details.hours or ""), "note": details.note,
        }  # fmt: skip
    view["blocks"] = [b for b in view["blocks"] if b.get("block_id") != "receipt"]  # the receipts stay as they are
    return _prefill(view, initial)


def expense_form(
    locale: str, categories: list[str], today: dt.date, channel: str | None = None, request_id: int | None = None
) -> dict[str, Any]:
    cats = _options([(c, t(f"cat.{c}", locale)) for c in categories])
    blocks_ = [
        _input("amount", t("field.amount", locale), {"type": "plain_text_input", "action_id": "v"},
               hint=_tx("amount.hint", locale)),
        _input("date", t("field.date", locale),
               {"type": "datepicker", "action_id": "v", "initial_date": today.isoformat()}),
        _input("category", t("field.category", locale), {"type": "static_select", "action_id": "v", "options": cats}),
        _input("description", t("field.description", locale),
               {"type": "plain_text_input", "action_id": "v", "multiline": True}, optional=True),
        _input("vendor", t("field.vendor", locale), {"type": "plain_text_input", "action_id": "v"}, optional=True),
        _input("attendees", t("field.attendees", locale), {"type": "plain_text_input", "action_id": "v"},
               optional=True),
        _input("invoice", t("field.invoice", locale), {"type": "plain_text_input", "action_id": "v"}, optional=True),
        _input("receipt", t("field.receipts", locale), {"type": "file_input", "action_id": "v", "max_files": 1},
               optional=True),
    ]  # fmt: skip
    return _view(EXPENSE_CALLBACK, _tx("title.expense", locale), locale, blocks_, channel, request_id)


def leave_form(
    locale: str, today: dt.date, channel: str | None = None, request_id: int | None = None
) -> dict[str, Any]:
    types = _options([(lt, t(f"leave.{lt}", locale)) for lt in LEAVE_TYPES])
    portions = _options([(p, t(f"portion.{p}", locale)) for p in PORTIONS])
    blocks_ = [
        _input("type", t("field.type", locale),
               {"type": "static_select", "action_id": "v", "options": types, "initial_option": types[0]}),
        _input("start", t("field.period", locale), {"type": "datepicker", "action_id": "v"}),
        _input("end", _tx("end.label", locale), {"type": "datepicker", "action_id": "v"}, optional=True),
        _input("portion", t("field.unit", locale),
               {"type": "static_select", "action_id": "v", "options": portions, "initial_option": portions[0]}),
        _input("hours", _tx("hours.label", locale), {"type": "plain_text_input", "action_id": "v"}, optional=True),
        _input("note", t("field.description", locale), {"type": "plain_text_input", "action_id": "v"}, optional=True),
    ]  # fmt: skip
    return _view(LEAVE_CALLBACK, _tx("title.leave", locale), locale, blocks_, channel, request_id)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _values(view: dict[str, Any]) -> dict[str, Any]:
    """The submitted state, whatever shape a (forged) submission gives it: never a KeyError or TypeError."""
    return _dict(_dict(_dict(view).get("state")).get("values"))


def _value(values: dict[str, Any], block_id: str) -> str | None:
    element = _dict(_dict(values.get(block_id)).get("v"))
    if element.get("type") == "static_select":
        value = _dict(element.get("selected_option")).get("value")
    elif element.get("type") == "datepicker":
        value = element.get("selected_date")
    else:
        value = element.get("value")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _date(values: dict[str, Any], block_id: str) -> tuple[dt.date | None, bool]:
    """(the date, whether a value was there): `2026-13-45` is there but no date."""
    text = _value(values, block_id)
    if text is None:
        return None, False
    try:
        return dt.date.fromisoformat(text), True
    except ValueError:
        return None, True


def files(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Files uploaded in the form's file input (a receipt)."""
    files = _dict(_dict(_values(view).get("receipt")).get("v")).get("files")
    return [f for f in files if isinstance(f, dict)] if isinstance(files, list) else []


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(_dict(view).get("private_metadata") or "{}")
    except (TypeError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _locale(view: dict[str, Any]) -> str:
    return "en" if metadata(view).get("locale") == "en" else "ja"


def read_expense(
    view: dict[str, Any], today: dt.date, categories: Collection[str] | None = None
) -> tuple[ExpenseClaim | None, dict[str, str]]:
    """The claim in a submitted expense form, or the errors to show beside its fields. A value the form could
    not have offered (a category not in the rules, a date that is no date) is an error like any other."""
    values = _values(view)
    locale = _locale(view)
    errors: dict[str, str] = {}
    parsed = parse_amount_text(_value(values, "amount") or "")
    if parsed is None or parsed[0] <= 0:
        errors["amount"] = _tx("err.amount", locale)
    day, given = _date(values, "date")
    if day is None:
        errors["date"] = _tx("err.date" if given else "err.required", locale)
    elif day > today:
        errors["date"] = _tx("err.future", locale)
    category = _value(values, "category")
    if not category or (categories is not None and category not in categories):
        errors["category"] = _tx("err.required", locale)
    attendees_text = _value(values, "attendees")
    attendees = None
    if attendees_text:
        if not attendees_text.isdigit() or int(attendees_text) < 1:
            errors["attendees"] = _tx("err.attendees", locale)
        else:
            attendees = int(attendees_text)
    if errors or parsed is None or day is None or category is None:
        return None, errors
    amount, currency = parsed
    return (
        ExpenseClaim(
            amount=Decimal(amount), date=day, category=category, currency=currency,
            description=_value(values, "description") or "", vendor=_value(values, "vendor"), attendees=attendees,
            invoice_number=_value(values, "invoice"),
        ),
        {},
    )  # fmt: skip


def read_leave(view: dict[str, Any]) -> tuple[LeaveRequest | None, dict[str, str]]:
    values = _values(view)
    locale = _locale(view)
    errors: dict[str, str] = {}
    start, start_given = _date(values, "start")
    end, end_given = _date(values, "end")
    if not end_given:
        end = start
    if start is None:
        errors["start"] = _tx("err.date" if start_given else "err.required", locale)
    elif end is None:
        errors["end"] = _tx("err.date", locale)
    elif end < start:
        errors["end"] = _tx("err.end", locale)
    leave_type = _value(values, "type") or "annual"
    if leave_type not in LEAVE_TYPES:
        errors["type"] = _tx("err.required", locale)
    portion = _value(values, "portion") or "full"
    if portion not in PORTIONS:
        errors["portion"] = _tx("err.required", locale)
    hours = None
    if portion == "hours":
        raw = _value(values, "hours") or ""
        if not raw.isdigit() or not 1 <= int(raw) <= 7:
            errors["hours"] = _tx("err.hours", locale)
        else:
            hours = int(raw)
    if errors or start is None or end is None:
        return None, errors
    return (
        LeaveRequest(
            leave_type=leave_type, start=start, end=end if portion == "full" else start,
            portion=portion, hours=hours, note=_value(values, "note") or "",
        ),
        {},
    )  # fmt: skip
