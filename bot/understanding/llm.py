"""The LLM engine: a chat model reads the message, our own code resolves what it read.

The model (OpenAI, Azure OpenAI's v1 endpoint, or any OpenAI-compatible server such as
Ollama or vLLM, chosen by `base_url`) is asked for an `Extraction`: the intent and each
field *as written* ("昨日", "3,200円"). Dates, amounts and invoice numbers are then
resolved here by the same deterministic code the offline engine uses, so the model never
does calendar arithmetic and a wrong guess can only drop a field, never invent a date.

Structured output is requested with `with_structured_output(Extraction, method="json_schema",
strict=True, include_raw=True)`: the schema goes out as `response_format`, which OpenAI and
Azure enforce with constrained decoding and Ollama (`format`) and vLLM (guided decoding)
honour too, whereas a forced tool call (`function_calling`) is ignored by Ollama. The reply is
plain JSON in the message content, which the SDK validates with pydantic against the very
model we send, so a fake server in tests returns an ordinary chat completion.

Text is redacted before it leaves the process (principle 6); free-text values that come
back are restored. Any failure (network, timeout, HTTP error after retries, malformed JSON,
schema violation, refusal) returns the fallback engine's reading with a note: a message
is never lost and this engine never raises.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import httpx
import openai
from langchain_core.exceptions import ModelRefusalError
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, SecretStr, ValidationError

from bot.rules.invoice import normalize_invoice_number
from bot.understanding.amounts import find_amounts, normalize, parse_amount_text
from bot.understanding.dates import Direction, resolve_date_expression
from bot.understanding.redact import Redaction, redact
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
# Servers that answer without an API key (a local Ollama) still need one for the SDK to start.
NO_KEY = "not-needed"

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
        self.timeout = timeout
        self.max_retries = max_retries
        self.usage = usage
        self.backoff = backoff  # first wait after a 429/5xx without Retry-After; doubles each time
        self.max_wait = max_wait  # a Retry-After longer than this is not worth making a user wait for
        self.sleep = sleep
        # Read at start, so a missing prompt file stops the bot at once rather than on every message.
        self.prompts = {
            loc: Template((prompts_dir / f"understand.{loc}.md").read_text(encoding="utf-8")) for loc in LOCALES
        }
        # openai>=3 defaults to httpx2; we hand it an httpx client instead (the SDK accepts both)
        # so the HTTP stack is the one this project declares, and respx in the tests sees every request.
        self._http = httpx.Client(timeout=timeout)
        chat = ChatOpenAI(
            model=model,
            api_key=SecretStr(api_key or NO_KEY),
            base_url=base_url,
            timeout=timeout,
            max_retries=0,  # retries are ours: backoff we control, and each attempt is counted in usage
            http_client=self._http,
            use_responses_api=False,  # /chat/completions is what every OpenAI-compatible server speaks
        )
        self._chain = chat.with_structured_output(Extraction, method="json_schema", strict=True, include_raw=True)

    def close(self) -> None:
        self._http.close()

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
        messages = self._messages(redacted, today, locale, kind_hint)
        attempts = self.max_retries + 1
        for attempt in range(attempts):
            started = time.monotonic()  # a duration, not a date: the injected clock is for `at`
            try:
                out = self._chain.invoke(messages)
            except openai.APIStatusError as exc:
                reason = f"HTTP {exc.status_code}"
                self._record(engine, started, reason, _usage_from_response(exc.response))
                if exc.status_code == 429 or exc.status_code >= 500:
                    if attempt + 1 < attempts:
                        wait = self._wait(attempt, exc.response)
                        if wait is not None:
                            self.sleep(wait)
                            continue
                        return None, f"{reason}, Retry-After longer than {self.max_wait:g}s"
                    return None, f"{reason} after {attempts} attempts"
                return None, reason
            except openai.APITimeoutError:
                # Not retried: a user already waited `timeout` seconds; the offline reading is instant.
                self._record(engine, started, "timeout")
                return None, f"no answer within {self.timeout:g}s"
            except openai.APIConnectionError:
                self._record(engine, started, "connection failed")
                return None, "cannot reach the model server"
            except ValidationError as exc:
                # Raised by the SDK's pydantic parse of the reply; str(exc) would quote the reply, so only
                # error types and field names are kept.
                errors = exc.errors()
                if any(e["type"] == "json_invalid" for e in errors):
                    reason = "malformed JSON in the reply"
                else:
                    reason = (
                        "reply violates the schema ("
                        + ", ".join(sorted({str(e["loc"][0]) for e in errors if e["loc"]}))
                        + ")"
                    )
                self._record(engine, started, reason, _usage_from_response(getattr(exc, "response", None)))
                return None, reason
            except Exception as exc:  # the SDK's length/content-filter errors, anything langchain raises
                reason = f"model call failed ({type(exc).__name__})"
                self._record(engine, started, reason, _usage_from_response(getattr(exc, "response", None)))
                return None, reason
            raw, parsed, error = out["raw"], out["parsed"], out["parsing_error"]
            tokens = _usage_from_message(raw)
            if not isinstance(parsed, Extraction):
                reason = "the model refused" if isinstance(error, ModelRefusalError) else "no structured reply"
                self._record(engine, started, reason, tokens)
                return None, reason
            self._record(engine, started, None, tokens)
            return parsed, ""
        raise AssertionError("unreachable: the loop returns")

    def _wait(self, attempt: int, response: httpx.Response | Any) -> float | None:
        """Seconds to wait before the next attempt: Retry-After when the server says, else backoff."""
        headers = getattr(response, "headers", None) or {}
        given = None
        try:
            if "retry-after-ms" in headers:
                given = float(headers["retry-after-ms"]) / 1000
            elif "retry-after" in headers:
                # Seconds only: the HTTP-date form would need the wall clock, so it counts as absent.
                given = float(headers["retry-after"])
        except ValueError:
            given = None
        if given is None:
            return min(self.backoff * 2**attempt, self.max_wait)
        return max(given, 0.0) if given <= self.max_wait else None

    def _record(self, engine: str, started: float, failure: str | None, tokens: tuple[int, int] = (0, 0)) -> None:
        if self.usage is None:
            return
        try:
            self.usage.record(
                engine=engine,
                model=self.model,
                ok=failure is None,
                prompt_tokens=tokens[0],
                completion_tokens=tokens[1],
                latency_ms=int((time.monotonic() - started) * 1000),
                reason=failure,
            )
        except Exception as exc:  # bookkeeping must never cost a user their answer
            log.warning("could not record an LLM call (%s)", type(exc).__name__)

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


def _usage_from_message(message: Any) -> tuple[int, int]:
    meta = getattr(message, "usage_metadata", None) or {}
    return int(meta.get("input_tokens") or 0), int(meta.get("output_tokens") or 0)


def _usage_from_response(response: Any) -> tuple[int, int]:
    """Tokens a failed reply still cost, read from the raw HTTP body when there is one."""
    try:
        usage = json.loads(response.content).get("usage") or {}
        return int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    except Exception:  # no body, not JSON, no usage: nothing to count
        return 0, 0
