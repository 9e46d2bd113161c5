"""The LLM engine: a chat model reads the message, our own code resolves what it read.

The model (OpenAI, Azure OpenAI's v1 endpoint, or any OpenAI-compatible server such as
Ollama or vLLM, chosen by `base_url`) is asked for an `Extraction`: the intent and each
field *as written* ("昨日", "3,200円"). Dates, amounts and invoice numbers are then
resolved here by the same deterministic code the offline engine uses, so the model never
does calendar arithmetic and a wrong guess can only drop a field, never invent a date.

Structured output is requested through `StructuredModel` (bot/understanding/structured.py), which
every caller of the model shares: `with_structured_output(Extraction, method="json_schema",
strict=True, include_raw=True)`, so the schema goes out as `response_format`, which OpenAI and
Azure enforce with constrained decoding and Ollama (`format`) and vLLM (guided decoding)
honour too, whereas a forced tool call (`function_calling`) is ignored by Ollama. The reply is
plain JSON in the message content, which the SDK validates with pydantic against the very
model we send, so a fake server in tests returns an ordinary chat completion. Retries on
429/5xx (honouring Retry-After) and the usage rows are the StructuredModel's.

Text is redacted before it leaves the process (principle 6); free-text values that come
back are restored. Any failure (network, timeout, HTTP error after retries, malformed JSON,
schema violation, refusal) returns the fallback engine's reading with a note: a message
is never lost and this engine never raises.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel

from bot.rules.invoice import normalize_invoice_number
from bot.understanding.amounts import find_amounts, normalize, parse_amount_text
from bot.understanding.dates import Direction, resolve_date_expression
from bot.understanding.redact import Redaction, redact
from bot.understanding.structured import StructuredModel
from bot.understanding.types import (
    CATEGORIES,
    CONTRACT_TYPES,
    FIELDS_BY_INTENT,
    INTENTS,
    LEAVE_TYPES,
    PORTIONS,
    Engine,
    Understanding,
)
from bot.understanding.usage import UsageRecorder
from bot.workcalendar import WorkCalendar

log = logging.getLogger(__name__)

LOCALES = ("ja", "en")
# The confidence of a value the model stated and our code could read, when the model gives none
# of its own: at or above CONFIDENT, so neither hybrid nor a handler asks about it again.
STATED = 0.85
DEFAULTED = 0.8  # a default the spec prescribes (annual leave, a full day), as the offline engine does

# The vocabularies live in types.py; at run time they become Literals so the JSON schema sent
# to the model carries them as enums. mypy cannot follow a Literal built from a tuple, so it sees str.
if TYPE_CHECKING:
    Intent: TypeAlias = str
    Category: TypeAlias = str
    LeaveType: TypeAlias = str
    Portion: TypeAlias = str
    ContractType: TypeAlias = str
    FieldName: TypeAlias = str
else:
    _FIELD_NAMES = ("intent", *dict.fromkeys(f for fields in FIELDS_BY_INTENT.values() for f in fields))
    Intent, Category, LeaveType = Literal[INTENTS], Literal[CATEGORIES], Literal[LEAVE_TYPES]
    Portion, ContractType, FieldName = Literal[PORTIONS], Literal[CONTRACT_TYPES], Literal[_FIELD_NAMES]


class FieldConfidence(BaseModel):
    # A list of pairs rather than a map: strict structured output allows no free-form keys.
    field: FieldName
    confidence: float


# What the model read, as written in the message; None for anything the text does not say.
# (A comment, not a docstring: pydantic would send a docstring to the model as schema text,
# and the model's instructions live in prompts/ alone.)
class Extraction(BaseModel):
    intent: Intent
    amount_text: str | None = None
    currency: str | None = None
    date_text: str | None = None
    category: Category | None = None
    vendor: str | None = None
    attendees: int | None = None
    invoice_number: str | None = None
    leave_type: LeaveType | None = None
    start_text: str | None = None
    end_text: str | None = None
    duration_days: int | None = None
    portion: Portion | None = None
    hours: int | None = None
    contract_type: ContractType | None = None
    counterparty: str | None = None
    confidence: list[FieldConfidence] | None = None


class LLMEngine:
    name = "llm"

    def __init__(
        self,
        model: str,
        api_key: str | None,
        base_url: str | None,
        fallback: Engine,
        calendar: WorkCalendar,
        prompts_dir: Path = Path("prompts"),
        timeout: float = 20.0,
        max_retries: int = 2,
        usage: UsageRecorder | None = None,
        *,
        backoff: float = 0.5,
        max_wait: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.model = model
        self.fallback = fallback
        self.calendar = calendar
        # Read at start, so a missing prompt file stops the bot at once rather than on every message.
        self.prompts = {
            loc: Template((prompts_dir / f"understand.{loc}.md").read_text(encoding="utf-8")) for loc in LOCALES
        }
        # Retries, Retry-After, usage rows and the failure reasons live in StructuredModel, shared with
        # every other caller of the model.
        self.client = StructuredModel(
            model,
            api_key,
            base_url,
            timeout,
            max_retries,
            usage,
            backoff=backoff,
            max_wait=max_wait,
            sleep=sleep,
        )

    @property
    def max_retries(self) -> int:
        return self.client.max_retries  # read through: the client is the one place retry settings live

    def close(self) -> None:
        self.client.close()

    # -- the Engine protocol -------------------------------------------------------------------

    def understand(self, text: str, today: dt.date, locale: str = "ja", kind_hint: str | None = None) -> Understanding:
        result, reason = self.attempt(text, today, locale, kind_hint)
        if result is not None:
            return result
        out = self.fallback.understand(text, today, locale, kind_hint)
        out.engine = "offline"
        out.notes.append(f"llm: {reason}; offline reading used")
        return out

    def attempt(
        self, text: str, today: dt.date, locale: str = "ja", kind_hint: str | None = None, *, engine: str = "llm"
    ) -> tuple[Understanding | None, str]:
        """The model's reading, or None and why not. Never raises; logs a warning without the text.

        `engine` names the caller in the usage table (hybrid calls are counted as such)."""
        try:
            redaction = redact(text)
            extraction, reason = self._ask(redaction.text, today, locale, kind_hint, engine)
            if extraction is None:
                log.warning("LLM understanding failed: %s; the offline reading is used", reason)
                return None, reason
            return self._resolve(extraction, redaction, today), ""
        except Exception as exc:  # a bug of ours must not cost the user their message either
            reason = f"internal error ({type(exc).__name__})"
            log.warning("LLM understanding failed: %s; the offline reading is used", reason)
            return None, reason

    # -- talking to the model ------------------------------------------------------------------

    def _messages(self, redacted: str, today: dt.date, locale: str, kind_hint: str | None) -> list[BaseMessage]:
        template = self.prompts[locale if locale in self.prompts else "ja"]
        system = template.safe_substitute(today=today.isoformat(), kind_hint=kind_hint or "-")
        return [SystemMessage(system), HumanMessage(redacted)]

    def _ask(
        self, redacted: str, today: dt.date, locale: str, kind_hint: str | None, engine: str
    ) -> tuple[Extraction | None, str]:
        reply, reason = self.client.ask(self._messages(redacted, today, locale, kind_hint), Extraction, engine=engine)
        return (reply, "") if isinstance(reply, Extraction) else (None, reason or "no structured reply")

    # -- from what was written to what it means ------------------------------------------------

    def _resolve(self, x: Extraction, redaction: Redaction, today: dt.date) -> Understanding:
        r = _Reading(x, redaction)
        if x.intent == "expense":
            self._expense(r, today)
        elif x.intent == "leave":
            self._leave(r, today)
        elif x.intent == "contract_review":
            r.put("contract_type", x.contract_type or "other", STATED if x.contract_type else 0.6)
            if party := r.restored(x.counterparty):
                r.put("counterparty", party)
        return r.out

    def _date(self, expression: str, today: dt.date, direction: Direction) -> tuple[dt.date, dt.date] | None:
        mention = resolve_date_expression(expression, today, direction, self.calendar)
        return (mention.start, mention.end) if mention else None

    def _expense(self, r: _Reading, today: dt.date) -> None:
        x = r.x
        if amount_text := r.restored(x.amount_text):
            parsed = parse_amount_text(amount_text)
            if parsed is None or parsed[0] <= 0:
                r.drop("amount")
            else:
                value, currency = parsed
                # A bare number ("45.20") reads as yen; then the currency the model named counts.
                named = (x.currency or "").strip().upper()
                if not find_amounts(normalize(amount_text)) and re.fullmatch(r"[A-Z]{3}", named):
                    currency = named
                r.put("amount", value)
                if currency != "JPY":
                    r.put("currency", currency)
        if date_text := r.restored(x.date_text):
            spent = self._date(date_text, today, "past")  # money is spent on or before today
            if spent:
                r.put("date", spent[0])
            else:
                r.drop("date")
        if x.category:
            r.put("category", x.category)
        if vendor := r.restored(x.vendor):
            r.put("vendor", vendor)
        if x.attendees is not None:
            if x.attendees >= 1:
                r.put("attendees", x.attendees)
            else:
                r.drop("attendees")
        if invoice := r.restored(x.invoice_number):
            number = normalize_invoice_number(invoice)
            if number:
                r.put("invoice_number", number)
            else:
                r.drop("invoice_number")

    def _leave(self, r: _Reading, today: dt.date) -> None:
        x = r.x
        r.put("leave_type", x.leave_type or "annual", STATED if x.leave_type else DEFAULTED)
        if start_text := r.restored(x.start_text):
            days = self._date(start_text, today, "future")  # leave is taken on or after today
            if days is None:
                r.drop("start")
            else:
                first, last = days
                if end_text := r.restored(x.end_text):
                    # One expression, so the resolver's range rules apply: "Wednesday" to "Friday next
                    # week" are both next week, an end without a month is on or after the start.
                    both = self._date(f"{start_text}〜{end_text}", today, "future")
                    if both and both[1] > both[0]:
                        first, last = both
                    elif self._date(end_text, today, "future") != (first, first):  # not the same single day
                        r.drop("end")
                elif x.duration_days and x.duration_days >= 2 and last == first:
                    # "N日間" counts working days on the company calendar, from the first working day.
                    while not self.calendar.is_working_day(first):
                        first += dt.timedelta(days=1)
                    last = self.calendar.nth_working_day_after(first, x.duration_days - 1)
                r.put("start", first)
                r.put("end", last, r.out.confidence["start"])
        portion = x.portion or ("hours" if x.hours else "full")
        r.put("portion", portion, STATED if x.portion else DEFAULTED)
        if x.hours is not None and portion == "hours":
            if x.hours >= 1:
                r.put("hours", x.hours)
            else:
                r.drop("hours")


class _Reading:
    """One extraction on its way to an Understanding: the model's own confidences, the redaction."""

    def __init__(self, x: Extraction, redaction: Redaction) -> None:
        self.x = x
        self.redaction = redaction
        self.stated = {c.field: min(max(c.confidence, 0.0), 1.0) for c in x.confidence or []}
        self.out = Understanding(intent=x.intent, engine="llm")
        self.out.confidence["intent"] = self.stated.get("intent", STATED)

    def put(self, name: str, value: Any, confidence: float = STATED) -> None:
        self.out.fields[name] = value
        self.out.confidence[name] = self.stated.get(name, confidence)

    def drop(self, name: str) -> None:
        # The field name only: notes may be logged, and the value is the user's text.
        self.out.notes.append(f"llm: {name} dropped, not understood")

    def restored(self, value: str | None) -> str | None:
        """A value as the user wrote it: placeholders ([PHONE_1]) put back, blank as absent."""
        value = self.redaction.restore(value).strip() if value else None
        return value or None
