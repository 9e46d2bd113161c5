"""Fixing a returned request in words (#15): after 差戻し, or while a claim waits for information, the requester
may simply say what is different — 「人数は6人です」「金額は3,200円の間違いでした」 "it was 12/10, not 12/9" —
in the conversation where the bot told them, instead of typing `修正 #6 人数=6`.

The message is read by the offline engine (our own parsers: the requester's word, never a model's), with the
returned request's kind as the hint, and only the fields it states with confidence are taken; a derived field
(category, leave type, half day) only when the message's own words name it. Nothing is changed on that reading
alone: the bot shows the change (field: before → after) and resubmits on 「はい」, as `/edit` does. 「いいえ」 leaves
the request as it was and reads the message afresh, so a new claim sent while an old one waits is not lost.

A message that reads as a whole new request (every required field, no word of correction), a question, or a
file is not taken as a fix: those go where they always went.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from bot.cards import detail_rows
from bot.i18n import t
from bot.models import ExpenseClaim, LeaveRequest, Reply, Request, Status
from bot.services import Services
from bot.store import records
from bot.understanding.factory import offline_of
from bot.understanding.offline import derived_reading
from bot.understanding.types import CONFIDENT, FIELDS_BY_INTENT, REQUIRED, Understanding
from bot.workflow import Result
from handlers.base import Inbound, locale_for, normalize, result_reply, submitted_reply

KIND = "fix"
# Words that say a value was wrong: with them, even a message that states a whole request is a correction.
_CORRECTION = re.compile(
    r"間違|まちが|誤り|誤って|訂正|修正|変更|正しくは|ではなく|じゃなく|でなく|"
    r"\b(?:actually|correction|correct(?:ed)?|instead|wrong|mistake|should (?:have )?be(?:en)?|change[ds]?)\b",
    re.IGNORECASE,
)
_NEW = re.compile(
    r"^(?:新規|新規で|新しい申請|新しく申請|別の申請|別件|new|new one|new request|separate)[。.!！]*$", re.IGNORECASE
)
_NAMED = re.compile(r"(?<![\w#])#\s?(\d{1,9})(?!\d)")


def waiting_for_fix(services: Services, employee_id: str) -> list[Request]:
    """The person's requests that wait for them to fix them, newest first (expense and leave: the kinds that
    can be corrected field by field)."""
    waiting = records.list_requests(services.store, employee_id, [Status.NEEDS_INFO])
    fixable = [r for r in waiting if isinstance(r.details, (ExpenseClaim, LeaveRequest))]
    return sorted(fixable, key=lambda r: (r.updated_at or "", r.id or 0), reverse=True)


def propose(msg: Inbound, services: Services) -> list[Reply] | None:
    """The bot's 「#6 をこう直して再申請しますか?」 when the message corrects a waiting request; None otherwise."""
    if msg.attachments:
        return None  # a receipt for a waiting claim has its own path (handlers/receipts.py)
    waiting = waiting_for_fix(services, msg.employee.id)
    if not waiting:
        return None
    text = normalize(msg.text)
    named = {int(m.group(1)) for m in _NAMED.finditer(text)}
    if named:
        waiting = [r for r in waiting if r.id in named]
        if len(named) != 1 or not waiting:
            return None
    locale = locale_for(msg, services)
    today = services.today()
    offline = offline_of(services.understanding)
    plain = offline.understand(msg.text, today, locale)
    if plain.intent in ("question", "status", "contract_review") and plain.confidence["intent"] >= CONFIDENT:
        return None
    correcting = bool(_CORRECTION.search(text)) or bool(named)
    derived = derived_reading(msg.text)
    for req in waiting:
        kind = req.details.kind
        if not correcting and plain.intent == kind and all(f in plain.fields for f in REQUIRED[kind]):
            continue  # a whole new request of that kind, told as one
        read = offline.understand(msg.text, today, locale, kind_hint=kind)
        if read.intent != kind:
            continue
        new = _corrected(req.details, read, derived, today)
        if new is None:
            continue
        assert req.id is not None
        records.save_conversation(
            services.store, msg.employee.id, KIND, {"request_id": req.id, "details": new.to_dict()}, "confirm",
            msg.text, services.now_iso(),
        )  # fmt: skip
        as_request = plain.intent in REQUIRED  # it might have been meant as a request of its own
        return [Reply(locale, _question(req, new, services, locale, as_request))]
    return None


def answer(msg: Inbound, services: Services, conversation: dict[str, Any], yes: bool, no: bool) -> list[Reply] | None:
    """The requester's answer to the proposed fix, as read by the caller (the same yes and no as every question
    the bot asks). None when the message answers neither, or asks for it to be filed as a new request: the
    proposal is dropped and the message (or the one first sent, for 「新規」) read as any other."""
    records.end_conversation(services.store, msg.employee.id)
    locale = locale_for(msg, services)
    fields = conversation["fields"]
    request_id = int(fields["request_id"])
    if no:
        return [Reply(locale, t("fix.declined", locale, id=request_id))]
    if not yes:
        return None
    req = records.get_request(services.store, request_id)
    if req is None or not isinstance(req.details, (ExpenseClaim, LeaveRequest)):
        return result_reply(Result(False, "not_found", data={"id": request_id}), msg, services, "edit")
    details = type(req.details).from_dict(fields["details"])
    result = services.workflow.update(request_id, msg.employee, details, action="resubmitted")
    if not result.ok or result.request is None:
        return result_reply(result, msg, services, "edit")
    return [Reply(locale, t("edit.done", locale, id=request_id)), submitted_reply(result.request, msg, services)]


def wants_new(text: str) -> bool:
    """「新規」: the message the bot offered to read as a fix was a new request."""
    return bool(_NEW.match(normalize(text)))


def _corrected(details: Any, read: Understanding, derived: dict[str, str | None], today: dt.date) -> Any | None:
    """The request with what the message states changed; None when it states nothing new."""
    changes: dict[str, Any] = {}
    for name in FIELDS_BY_INTENT[details.kind]:
        if name not in read.fields or name == "currency":  # the currency goes with the amount, below
            continue
        if name in derived:  # category, leave type, portion: only when the words name them
            if derived.get(name) is None or derived[name] == "other":
                continue  # a default or a placeholder, not something the requester said
        elif read.confidence.get(name, 0.0) < CONFIDENT:
            continue
        changes[name] = read.fields[name]
    if isinstance(details, ExpenseClaim):
        if "amount" in changes:
            changes["currency"] = read.fields.get("currency", "JPY")
            changes["amount_jpy"] = None  # finance fixes the yen of a foreign claim again
        if isinstance(changes.get("date"), dt.date) and changes["date"] > today:
            changes.pop("date")  # money is spent in the past: a future day is not this claim's date
        if isinstance(changes.get("amount"), Decimal) and changes["amount"] <= 0:
            changes.pop("amount")
    else:
        if "start" in changes and "end" not in changes:
            changes["end"] = changes["start"]
        if changes.get("portion", details.portion) != "full" and "start" in changes:
            changes["end"] = changes["start"]  # half days and hours are one day at a time
    new = replace(details, **changes)
    if isinstance(new, LeaveRequest) and new.end < new.start:
        return None
    return new if new != details else None


def _question(req: Request, new: Any, services: Services, locale: str, as_request: bool) -> str:
    assert isinstance(req.details, (ExpenseClaim, LeaveRequest))
    before = dict(detail_rows(req.details, services, locale))
    after = detail_rows(new, services, locale)
    sep = "、" if locale == "ja" else "; "
    changed = [
        t("fix.item", locale, field=label, before=before.get(label, "—"), after=value)
        for label, value in after
        if before.get(label) != value
    ]
    question = t("fix.confirm", locale, id=req.id, items=sep.join(changed))
    return question + t("fix.or_new" if as_request else "fix.or_not", locale)
