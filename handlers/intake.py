"""Free text: understand it, ask for exactly what is missing, and file the request when complete.

A conversation is kept in the store per person, so a half-told request survives a restart
and the next message is read as the answer to the question asked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from bot.i18n import t
from bot.models import ExpenseClaim, LeaveRequest, Reply, Severity, Status
from bot.services import Services
from bot.store import records
from bot.understanding.amounts import parse_amount_text
from bot.understanding.dates import Direction, resolve_date_expression
from bot.understanding.types import CONFIDENT, FIELDS_BY_INTENT, Understanding
from handlers.base import Inbound, category_of, locale_for, normalize, submitted_reply, text_reply
from handlers.contract import ContractHandler, asks_for_a_check, is_pasted_contract
from handlers.question import QuestionHandler, looks_like_question
from handlers.receipts import attach, file_with_receipt
from handlers.status import StatusHandler

_CANCEL = re.compile(
    r"^(?:キャンセル|やめる|やめます|取り消し|取消|中止|cancel|stop|never ?mind|nvm)[。.!！]?$", re.IGNORECASE
)
_DATE_FIELDS = ("date", "start", "end", "worked_holiday")
# What a request cannot be filed without, in the order the bot asks for it.
ASK_ORDER = {"expense": ("amount", "date", "category"), "leave": ("start",)}
_BALANCE_WORDS = re.compile(r"有給|有休|休暇|休み|残|代休|pto|leave|balance|days? off|vacation", re.IGNORECASE)


def _freeze(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = str(value)
        else:
            out[key] = value
    return out


def _thaw(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    for key in _DATE_FIELDS:
        if isinstance(out.get(key), str):
            out[key] = dt.date.fromisoformat(out[key])
    if isinstance(out.get("amount"), str):
        out["amount"] = Decimal(out["amount"])
    return out


class IntakeHandler:
    kind = "intake"

    def __init__(self) -> None:
        self.status = StatusHandler()
        self.contract = ContractHandler()
        self.questions = QuestionHandler()

    def handle_text(self, msg: Inbound, services: Services, kind_hint: str | None = None) -> list[Reply]:
        """`kind_hint` is the command used (/expense, /leave): the message is that kind of request."""
        me = msg.employee
        text = normalize(msg.text)
        if not msg.attachments and (typed := self.questions.typed_action(msg, services)) is not None:
            return typed  # 「回答 Q12 …」: a question card's action typed as words, wherever a conversation stands
        conversation = records.get_conversation(services.store, me.id)
        if conversation and _CANCEL.match(text):
            records.end_conversation(services.store, me.id)
            return text_reply(msg, services, "ask.cancelled")
        if conversation and conversation["kind"] == "contract":
            # The bot asked for the contract file: this message brings it, or moves on to something else.
            records.end_conversation(services.store, me.id)
            if msg.attachments:
                asked = replace(msg, text=f"{conversation['text']} {msg.text}".strip())
                return self.contract.from_free_text(asked, services, conversation["fields"])
            conversation = None
        today = services.today()
        understood = services.understanding.understand(msg.text, today, locale_for(msg, services), kind_hint)
        asks_about_contracts = (
            understood.intent == "contract_review"
            and not msg.attachments
            and looks_like_question(text)
            and not asks_for_a_check(text)
        )
        if asks_about_contracts:
            # 「NDAは誰が確認しますか?」 is a question about the contract rules, not a contract to check.
            understood.intent = "question"
        elif understood.intent == "contract_review" or (not msg.attachments and is_pasted_contract(msg.text)):
            # 「このNDAチェックお願いします」 with the file, or the contract itself pasted: the contract check.
            records.end_conversation(services.store, me.id)
            return self.contract.from_free_text(msg, services, understood.fields)
        if msg.attachments and understood.intent != "expense" and not conversation:
            # A photo of a receipt on its own belongs to the claim that is waiting for one.
            return self._receipt_for_waiting_claim(msg, services)
        if kind_hint and understood.intent != kind_hint:
            understood.intent = kind_hint
            understood.fields = {k: v for k, v in understood.fields.items() if k in FIELDS_BY_INTENT.get(kind_hint, ())}
        if conversation:
            kind = conversation["kind"]
            changed_topic = understood.intent not in (kind, "other") and understood.confidence["intent"] >= CONFIDENT
            if not changed_topic:
                fields = _thaw(conversation["fields"])
                if self._answer(conversation["asking"], text, fields, kind, services):
                    return self._continue(msg, services, kind, fields, conversation["text"])
                if understood.intent == "other":
                    return self._ask(msg, services, kind, fields, conversation["text"], retry=True)
            records.end_conversation(services.store, me.id)  # a new request or question replaces it
        return self._route(msg, services, understood)

    # -- by intent ---------------------------------------------------------------------------

    def _route(self, msg: Inbound, services: Services, u: Understanding) -> list[Reply]:
        if u.intent in ASK_ORDER:
            fields = dict(u.fields)
            read = ", ".join(k for k in u.fields if not k.startswith("_"))
            doubts = ", ".join(u.unsure())
            fields["_ai_note"] = (
                f"{u.engine}: {read}"
                + (f" (unsure: {doubts})" if doubts else "")
                + (f"; {'; '.join(u.notes)}" if u.notes else "")
            )
            if u.intent == "expense" and u.confidence.get("category", 0.0) < CONFIDENT:
                fields.pop("category", None)  # a guessed category is asked, not filed
            return self._continue(msg, services, u.intent, fields, msg.text)
        if u.intent == "status":
            if _BALANCE_WORDS.search(msg.text):
                return self.status.balance_command(msg, "", services)
            return self.status.mine_command(msg, "", services)
        if u.intent == "question":
            return self.questions.from_free_text(msg, services)
        if looks_like_question(msg.text) and not msg.attachments:
            # Slack's /ask hands its words over as free text: a question the engine could not place is still
            # worth a search (and, when the policies are silent, a person to ask).
            return self.questions.from_free_text(msg, services)
        return text_reply(msg, services, "intake.other")

    def _continue(
        self, msg: Inbound, services: Services, kind: str, fields: dict[str, Any], original: str
    ) -> list[Reply]:
        if any(name not in fields for name in ASK_ORDER[kind]):
            return self._ask(msg, services, kind, fields, original)
        records.end_conversation(services.store, msg.employee.id)
        details: ExpenseClaim | LeaveRequest
        if kind == "expense":
            details = _expense(fields, original)
            if msg.attachments:
                # Sent with its receipt: the claim is filed with it, so E2 is met at once.
                return file_with_receipt(msg, details, msg.attachments[0], services)
        else:
            details = _leave(fields, original)
        result = services.workflow.submit(msg.employee, details, source=f"{msg.platform}:{msg.delivery_id or ''}")
        assert result.request is not None
        return [submitted_reply(result.request, msg, services)]

    def _receipt_for_waiting_claim(self, msg: Inbound, services: Services) -> list[Reply]:
        waiting = [
            r for r in records.list_requests(services.store, msg.employee.id, [Status.NEEDS_INFO], kind="expense")
            if r.decision and any(f.rule_id == "E2" and f.severity is Severity.BLOCK for f in r.decision.findings)
        ]  # fmt: skip
        if not waiting:
            return text_reply(msg, services, "intake.file_nowhere")
        assert waiting[0].id is not None
        return attach(msg, waiting[0].id, msg.attachments[0], services)

    def _ask(
        self, msg: Inbound, services: Services, kind: str, fields: dict[str, Any], original: str, retry: bool = False
    ) -> list[Reply]:
        asking = next(name for name in ASK_ORDER[kind] if name not in fields)
        records.save_conversation(
            services.store, msg.employee.id, kind, _freeze(fields), asking, original, services.now_iso()
        )
        locale = locale_for(msg, services)
        question = t(f"ask.{kind}.{asking}", locale, categories=", ".join(
            t(f"cat.{c}", locale) for c in services.rules.expenses.categories
        ))  # fmt: skip
        sep = "" if locale == "ja" else " "  # Japanese runs sentences together without spaces
        prefix = t("ask.again", locale) + sep if retry else ""
        return [Reply(locale, prefix + question + sep + t("ask.cancel_hint", locale))]

    def _answer(self, asking: str, text: str, fields: dict[str, Any], kind: str, services: Services) -> bool:
        """Read a reply as the answer to the question asked; False when it is not one."""
        today = services.today()
        if asking == "amount":
            parsed = parse_amount_text(text)
            if parsed is None or parsed[0] <= 0:
                return False
            fields["amount"], currency = parsed
            if currency != "JPY":
                fields["currency"] = currency
            return True
        if asking in ("date", "start"):
            direction: Direction = "past" if kind == "expense" else "future"
            mention = resolve_date_expression(text, today, direction, services.rules.calendar)
            if mention is None:
                return False
            if asking == "date":
                if mention.start > today:
                    return False  # money is spent in the past; a future day answers something else
                fields["date"] = mention.start
            else:
                fields["start"], fields["end"] = mention.start, mention.end
            return True
        if asking == "category":
            category = category_of(text, services.rules.expenses.categories)
            if category is None:
                guess = services.understanding.understand(f"{text} 代 100円", today)
                if guess.confidence.get("category", 0.0) < CONFIDENT:
                    return False
                category = guess.fields.get("category")
            fields["category"] = category
            return True
        return False


def _expense(fields: dict[str, Any], original: str) -> ExpenseClaim:
    return ExpenseClaim(
        amount=fields["amount"],
        date=fields["date"],
        category=fields["category"],
        currency=fields.get("currency", "JPY"),
        description=original.strip()[:200],
        vendor=fields.get("vendor"),
        attendees=fields.get("attendees"),
        invoice_number=fields.get("invoice_number"),
        ai_note=fields.get("_ai_note", ""),
    )


def _leave(fields: dict[str, Any], original: str) -> LeaveRequest:
    portion = fields.get("portion", "full")
    start = fields["start"]
    end = fields.get("end", start)
    if portion != "full":
        end = start  # half days and hours are one day at a time
    return LeaveRequest(
        leave_type=fields.get("leave_type", "annual"),
        start=start,
        end=end,
        portion=portion,
        hours=fields.get("hours"),
        worked_holiday=fields.get("worked_holiday"),
        note=original.strip()[:200],
        ai_note=fields.get("_ai_note", ""),
    )
