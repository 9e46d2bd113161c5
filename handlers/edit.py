"""Fix and resubmit (#15): after 差戻し, or while a claim waits for information, the requester corrects fields
and sends it again — `/edit 6 amount=3,200 date=11/20`, typed as words on Chatwork and the console
(「修正 #6 金額=3,200 日付=11/20」). The rules decide again, the chain starts over, and the audit log keeps the
version before and the version after.

Every value is read by our own parsers, as a command's are: the requester's word, never a model's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.i18n import t
from bot.models import ExpenseClaim, LeaveRequest, Reply
from bot.rules.invoice import normalize_invoice_number
from bot.services import Services
from bot.store import records
from bot.understanding.amounts import parse_amount_text
from bot.understanding.dates import resolve_date_expression
from bot.workflow import Result
from handlers.base import Inbound, category_of, locale_for, normalize, result_reply, split_options, submitted_reply

# The words a field is named by, in either language.
_FIELD_NAMES = {
    "amount": "amount", "金額": "amount", "date": "date", "日付": "date", "日": "date", "category": "category",
    "区分": "category", "科目": "category", "vendor": "vendor", "支払先": "vendor", "店": "vendor",
    "attendees": "attendees", "人数": "attendees", "invoice": "invoice", "登録番号": "invoice",
    "description": "description", "内容": "description", "start": "start", "開始": "start", "end": "end",
    "終了": "end", "type": "type", "種類": "type", "portion": "portion", "単位": "portion", "hours": "hours",
    "時間": "hours", "reduced": "reduced", "軽減": "reduced",
}  # fmt: skip
_LEAVE_TYPES = {"annual": "annual", "有給": "annual", "special": "special", "特別休暇": "special", "sick": "sick",
                "病気": "sick", "compensatory": "compensatory", "代休": "compensatory", "unpaid": "unpaid",
                "欠勤": "unpaid"}  # fmt: skip
_PORTIONS = {"full": "full", "終日": "full", "am": "am", "午前": "am", "pm": "pm", "午後": "pm", "hours": "hours"}
# 「修正 #6 金額=3,200」 / "edit #6 amount=3200": the command typed without its slash.
_TYPED = re.compile(r"^(?:修正|訂正|edit|fix)\s*#?\s*(\d{1,9})(?=\s|$)\s*(.*)$", re.IGNORECASE | re.DOTALL)


def read_typed_edit(text: str) -> str | None:
    """`/edit 6 …` for a typed 「修正 #6 …」, or None."""
    m = _TYPED.match(normalize(text))
    return f"/edit {m.group(1)} {m.group(2).strip()}".strip() if m else None


class FieldError(ValueError):
    def __init__(self, key: str, field: str, value: str = "") -> None:
        super().__init__(key)
        self.key, self.field, self.value = key, field, value


class EditHandler:
    kind = "edit"

    def edit_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        locale = locale_for(msg, services)
        words, options = split_options(args)
        if not words or not words[0].lstrip("#").isdigit() or not options:
            return [Reply(locale, t("edit.usage", locale))]
        request_id = int(words[0].lstrip("#"))
        req = records.get_request(services.store, request_id)
        if req is None:
            return result_reply(Result(False, "not_found", data={"id": request_id}), msg, services, "edit")
        if req.requester_id != msg.employee.id:
            return result_reply(Result(False, "not_yours", req), msg, services, "edit")
        try:
            details = apply_fields(req.details, options, services)
        except FieldError as err:
            return [Reply(locale, t(f"edit.{err.key}", locale, field=err.field, value=err.value))]
        result = services.workflow.update(request_id, msg.employee, details, action="resubmitted")
        if not result.ok or result.request is None:
            return result_reply(result, msg, services, "edit")
        return [Reply(locale, t("edit.done", locale, id=request_id)), submitted_reply(result.request, msg, services)]


def apply_fields(details: Any, options: dict[str, str], services: Services) -> Any:
    """The request's details with the named fields changed, each read as the command forms read it."""
    today = services.today()
    changes: dict[str, Any] = {}
    for raw_key, value in options.items():
        name = _FIELD_NAMES.get(raw_key.lower()) or _FIELD_NAMES.get(raw_key)
        if name is None:
            raise FieldError("unknown_field", raw_key)
        if isinstance(details, ExpenseClaim):
            changes.update(_expense_field(name, value, services, today))
        elif isinstance(details, LeaveRequest):
            changes.update(_leave_field(name, value, services, today))
        else:
            raise FieldError("not_editable_kind", raw_key)
    new = replace(details, **changes)
    if isinstance(new, ExpenseClaim) and new.reduced_rate_yen:
        whole = new.yen()
        if whole is None or new.reduced_rate_yen > whole:  # more than the whole, or not in yen
            raise FieldError("bad_value", "reduced", str(new.reduced_rate_yen))
    if isinstance(new, LeaveRequest) and new.end < new.start:
        raise FieldError("bad_value", "end", new.end.isoformat())
    return new


def _expense_field(name: str, value: str, services: Services, today: Any) -> dict[str, Any]:
    if name == "amount":
        parsed = parse_amount_text(value)
        if parsed is None or parsed[0] <= 0:
            raise FieldError("bad_value", name, value)
        return {"amount": parsed[0], "currency": parsed[1], "amount_jpy": None}
    if name == "date":
        mention = resolve_date_expression(value, today, "past", services.rules.calendar)
        if mention is None or mention.start > today:
            raise FieldError("bad_value", name, value)
        return {"date": mention.start}
    if name == "category":
        category = category_of(value, services.rules.expenses.categories)
        if category is None:
            raise FieldError("bad_value", name, value)
        return {"category": category}
    if name == "vendor":
        return {"vendor": value.strip()[:100] or None}
    if name == "attendees":
        if not value.isdigit() or not 1 <= int(value) <= 1000:
            raise FieldError("bad_value", name, value)
        return {"attendees": int(value)}
    if name == "invoice":
        number = normalize_invoice_number(value)
        if not number:
            raise FieldError("bad_value", name, value)
        return {"invoice_number": number}
    if name == "description":
        return {"description": value.strip()[:200]}
    if name == "reduced":  # the part at the reduced 8% rate, in yen; 0 clears it (bot/accounting/journal.py)
        digits = normalize(value).replace(",", "").removeprefix("¥").removesuffix("円")
        if not digits.isdigit():
            raise FieldError("bad_value", name, value)
        return {"reduced_rate_yen": int(digits) or None}
    raise FieldError("unknown_field", name)


def _leave_field(name: str, value: str, services: Services, today: Any) -> dict[str, Any]:
    if name in ("start", "end", "date"):
        mention = resolve_date_expression(value, today, "future", services.rules.calendar)
        if mention is None:
            raise FieldError("bad_value", name, value)
        if name == "end":
            return {"end": mention.end}
        return {"start": mention.start, "end": mention.end}
    if name == "type":
        kind = _LEAVE_TYPES.get(value.lower()) or _LEAVE_TYPES.get(value)
        if kind is None:
            raise FieldError("bad_value", name, value)
        return {"leave_type": kind}
    if name == "portion":
        portion = _PORTIONS.get(value.lower()) or _PORTIONS.get(value)
        if portion is None:
            raise FieldError("bad_value", name, value)
        return {"portion": portion}
    if name == "hours":
        if not value.isdigit() or not 1 <= int(value) <= 8:
            raise FieldError("bad_value", name, value)
        return {"hours": int(value), "portion": "hours"}
    raise FieldError("unknown_field", name)
