"""Free text: understand it, ask for exactly what is missing, and file the request when complete.

A conversation is kept in the store per person, so a half-told request survives a restart
and the next message is read as the answer to the question asked.

The model's word is never enough for the rules to approve on (architecture.md, principle 1). The
engines drop any "as written" value the message does not state (bot/understanding/evidence.py),
so it is asked for here like any missing field. A derived value only the model gave (a category
the message's words do not name: `Understanding.disputed`) is held back as a proposal: when the
request could be approved by rule with it (its category or leave type is one the rule files
auto-approve), the requester is asked to confirm it, and only a "yes" (or their own choice) puts
it on the request; "no" leaves the offline reading, and a category is then asked for. When it
could not be approved by rule anyway, a person decides, and the card shows the AI's reading.
Answers to the bot's questions are read by the offline engine, never by the model.
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
from bot.understanding.amounts import negative_amount, parse_amount_text
from bot.understanding.amounts import normalize as normalize_amount_text
from bot.understanding.dates import Direction, impossible_date, resolve_date_expression
from bot.understanding.factory import offline_of
from bot.understanding.offline import BARE_AMOUNT_NOTE
from bot.understanding.types import CONFIDENT, FIELDS_BY_INTENT, Understanding
from handlers import draft, fix
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
_YES = re.compile(
    r"^(?:はい|ええ|うん|そうです|そうです?ね|合って(?:い)?ます|あって(?:い)?ます|大丈夫です|大丈夫|それで(?:お願いします|大丈夫です|ok)|"
    r"お願いします|ok|okay|オーケー|yes|yep|yeah|y|correct|right|that'?s right|sure)[。.!！]*$",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^(?:いいえ|いや|違います|ちがいます|違う|ちがう|no|nope|n|wrong|not right)[。.!！、,]*$", re.IGNORECASE
)
# How a proposal is shown in the confirmation question: the field's label and the catalogue key of its values.
_PROPOSAL_LABELS = {"category": ("field.category", "cat"), "leave_type": ("field.type", "leave"),
                    "portion": ("field.unit", "portion")}  # fmt: skip
_BALANCE_WORDS = re.compile(r"有給|有休|休暇|休み|残|代休|pto|leave|balance|days? off|vacation", re.IGNORECASE)


def _freeze(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = str(value)
        elif isinstance(value, dict):
            out[key] = _freeze(value)  # proposals held for confirmation: an amount among them
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
    if isinstance(out.get("_proposed"), dict):
        out["_proposed"] = _thaw(out["_proposed"])
    return out


class IntakeHandler:
    kind = "intake"

    def __init__(self) -> None:
        self.status = StatusHandler()
        self.contract = ContractHandler()
        self.questions = QuestionHandler()
        self.drafts = draft.DraftHandler()

    def handle_text(
        self, msg: Inbound, services: Services, kind_hint: str | None = None, fixing: bool = True
    ) -> list[Reply]:
        """`kind_hint` is the command used (/expense, /leave): the message is that kind of request. `fixing` False
        reads it as new even when the person has a request waiting to be fixed (handlers/fix.py)."""
        me = msg.employee
        text = normalize(msg.text)
        if not msg.attachments and (typed := self.questions.typed_action(msg, services)) is not None:
            return typed  # 「回答 Q12 …」: a question card's action typed as words, wherever a conversation stands
        conversation = records.get_conversation(services.store, me.id)
        if conversation and conversation["kind"] == fix.KIND:
            if fix.wants_new(text):
                # 「新規」: what they first sent was a request of its own, not a correction.
                records.end_conversation(services.store, me.id)
                return self.handle_text(replace(msg, text=conversation["text"]), services, kind_hint, fixing=False)
            no = bool(_NO.match(text) or _CANCEL.match(text))
            answered = fix.answer(msg, services, conversation, yes=bool(_YES.match(text)), no=no)
            if answered is not None:
                return answered
            conversation = None
        if conversation and conversation["kind"] == draft.KIND:
            # The bot asked for a slot of a contract draft (handlers/draft.py): this is the answer, or something new.
            answered = self.drafts.answer(msg, services, conversation)
            if answered is not None:
                return answered
            conversation = None
        if not (conversation or kind_hint or msg.attachments) and (drafted := self.drafts.from_words(msg, services)):
            return drafted  # 「株式会社Xと相互NDAを作って。期間2年」: a draft from our templates (#18)
        if fixing and not conversation and not kind_hint and (proposed := fix.propose(msg, services)):
            return proposed  # 「人数は6人です」 to a claim sent back: the fix, shown before it is made
        if conversation and _CANCEL.match(text):
            records.end_conversation(services.store, me.id)
            return text_reply(msg, services, "ask.cancelled")
        if conversation and conversation["asking"] == "confirm":
            # 「はい」 answers the bot's own question: read here, by our code, before any engine sees it.
            fields = _thaw(conversation["fields"])
            if self._answer("confirm", text, fields, conversation["kind"], services):
                return self._continue(msg, services, conversation["kind"], fields, conversation["text"])
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
            return self.contract.from_free_text(msg, services, self._contract_fields(msg, services, understood))
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
            proposed = {}
            for name, fallback in u.disputed.items():
                if name in fields and name in FIELDS_BY_INTENT[u.intent]:
                    # Only the model says so: held back until the requester confirms it (or it cannot matter).
                    proposed[name] = fields.pop(name)
                    if fallback is not None:
                        fields[name] = fallback
            if u.intent == "expense" and "amount" in fields and BARE_AMOUNT_NOTE in u.notes:
                # 「タクシー代 3200」: a number with no 円, read as yen. The requester says so before the rules do.
                proposed["amount"] = fields.pop("amount")
                fields["_proposed_by"] = "reader" if len(proposed) == 1 else "model"
            if proposed:
                fields["_proposed"] = proposed
                fields["_ai_note"] += f" (unconfirmed: {', '.join(proposed)})"
            if u.refused:
                fields["_refused"] = dict(u.refused)
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
        proposed: dict[str, Any] = fields.get("_proposed") or {}
        missing = [name for name in ASK_ORDER[kind] if name not in fields and name not in proposed]
        if missing:
            return self._ask(msg, services, kind, fields, original, asking=missing[0])
        if proposed:
            if "amount" in proposed or could_be_approved_by_rule(kind, {**fields, **proposed}, services):
                return self._ask(msg, services, kind, fields, original, asking="confirm")
            # No rule would approve it either way: a person decides, and the card marks the reading as the AI's.
            fields.update(fields.pop("_proposed"))
        if any(name not in fields for name in ASK_ORDER[kind]):
            return self._ask(msg, services, kind, fields, original)  # a proposal the requester turned down
        fields.pop("_proposed", None)
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

    def _contract_fields(self, msg: Inbound, services: Services, u: Understanding) -> dict[str, Any]:
        """What the contract check takes as told by the requester. A counterparty wins over the contract's own
        parties there (and decides which side is ours when our name is not in it), so a model's counterparty is
        passed only when the offline reading of the message names the same one."""
        fields = dict(u.fields)
        if u.engine != "offline" and "counterparty" in fields:
            locale = locale_for(msg, services)
            offline = offline_of(services.understanding).understand(msg.text, services.today(), locale)
            if offline.fields.get("counterparty") != fields["counterparty"]:
                fields.pop("counterparty")
        return fields

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
        self,
        msg: Inbound,
        services: Services,
        kind: str,
        fields: dict[str, Any],
        original: str,
        retry: bool = False,
        asking: str | None = None,
    ) -> list[Reply]:
        asking = asking or next(name for name in ASK_ORDER[kind] if name not in fields)
        refused: dict[str, str] = fields.pop("_refused", None) or {}
        records.save_conversation(
            services.store, msg.employee.id, kind, _freeze(fields), asking, original, services.now_iso()
        )
        locale = locale_for(msg, services)
        categories = ", ".join(t(f"cat.{c}", locale) for c in services.rules.expenses.categories)
        if asking == "confirm":
            question = _confirmation(fields.get("_proposed") or {}, locale, categories, fields.get("_proposed_by"))
        else:
            question = t(f"ask.{kind}.{asking}", locale, categories=categories)
        sep = "" if locale == "ja" else " "  # Japanese runs sentences together without spaces
        prefix = t("ask.again", locale) + sep if retry and not refused else ""
        if reason := refused.get(asking) or refused.get("date" if asking == "start" else asking):
            # Say why the value in the message was not taken, rather than asking as if none had been given.
            written = impossible_date(msg.text) or ""
            prefix = t(f"ask.refused.{reason}", locale, written=written) + sep
        return [Reply(locale, prefix + question + sep + t("ask.cancel_hint", locale))]

    def _answer(self, asking: str, text: str, fields: dict[str, Any], kind: str, services: Services) -> bool:
        """Read a reply as the answer to the question asked; False when it is not one.

        Read by our own code (and the offline engine), never by a model: the answer is the requester's word."""
        today = services.today()
        if asking == "confirm":
            return _confirm(text, fields, kind, services)
        if asking == "amount":
            if negative_amount(normalize_amount_text(text)):
                fields["_refused"] = {"amount": "negative"}
                return False
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
                if impossible_date(text):
                    fields["_refused"] = {asking: "no_such_date"}
                return False
            if asking == "date":
                if mention.start > today:
                    return False  # money is spent in the past; a future day answers something else
                fields["date"] = mention.start
            else:
                fields["start"], fields["end"] = mention.start, mention.end
            return True
        if asking == "category":
            category = _category_answer(text, services)
            if category is None:
                return False
            fields["category"] = category
            return True
        return False


def could_be_approved_by_rule(kind: str, fields: dict[str, Any], services: Services) -> bool:
    """Whether a request with these fields could pass without a person, by the rule files' own lists: an expense
    whose category has an automatic-approval limit (E5) it is within, leave of a type approved automatically (L4).
    Only then must a value only the model supplied be confirmed by the requester."""
    if kind == "expense":
        limit = services.rules.expenses.auto_approve_max_yen.get(fields.get("category", ""))
        if limit is None or fields.get("currency", "JPY") != "JPY":
            return False
        amount = fields.get("amount")
        return amount is None or Decimal(str(amount)) <= limit
    if kind == "leave":
        return fields.get("leave_type", "annual") in services.rules.leave.auto_approve.leave_types
    return False


def _confirm(text: str, fields: dict[str, Any], kind: str, services: Services) -> bool:
    """The answer to "is this right?": yes takes the proposals; no leaves the offline reading (a category is then
    asked for); for an expense the right category may be named instead. Anything else is not an answer."""
    proposed: dict[str, Any] = fields.get("_proposed") or {}
    if not proposed:
        return False
    fields.pop("_proposed_by", None)
    if _YES.match(text):
        fields.update(proposed)
        confirmed = list(proposed)
    elif "category" in proposed and (chosen := _category_answer(text, services)) is not None:
        fields["category"] = chosen  # the requester's own word, whatever the model thought
        confirmed = ["category"]
    elif _NO.match(text):
        confirmed = []
    else:
        return False
    del fields["_proposed"]
    note = "confirmed by the requester: " + ", ".join(confirmed) if confirmed else "turned down by the requester"
    fields["_ai_note"] = f"{fields.get('_ai_note', '')}; {note}".lstrip("; ")
    return True


def _category_answer(text: str, services: Services) -> str | None:
    """A category named in an answer (「書籍代」, "supplies", 「タクシー」), read by the offline engine only."""
    category = category_of(text, services.rules.expenses.categories)
    if category is None:
        guess = offline_of(services.understanding).understand(f"{text} 代 100円", services.today())
        if guess.confidence.get("category", 0.0) < CONFIDENT:
            return None
        category = guess.fields.get("category")
    return category


def _confirmation(proposed: dict[str, Any], locale: str, categories: str, source: str | None = None) -> str:
    items = []
    for name, value in proposed.items():
        label, values = _PROPOSAL_LABELS.get(name, (f"field.{name}", ""))
        if name == "amount":
            shown = f"{Decimal(str(value)):,.0f}円" if locale == "ja" else f"¥{Decimal(str(value)):,.0f}"
        else:
            shown = t(f"{values}.{value}", locale) if values else str(value)
        items.append(t("ask.confirm.item", locale, field=t(label, locale), value=shown))
    key = "ask.confirm.unsure" if source == "reader" else "ask.confirm"
    question = t(key, locale, items=("、" if locale == "ja" else ", ").join(items))
    if "category" in proposed:
        question += t("ask.confirm.category", locale, categories=categories)
    return question


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
