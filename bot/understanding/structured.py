"""One way to ask the model for structured JSON: retries, usage rows and failures handled once.

Every caller of the model (reading messages, the contract checklist, wording drafts, policy
answers) goes through `StructuredModel.ask`, so backoff, Retry-After, what counts as a failure
and what is written to the usage table are the same everywhere.

The request is langchain's `ChatOpenAI(...).with_structured_output(schema, method="json_schema",
strict=True, include_raw=True)` over the openai SDK and an httpx client we own: the schema goes
out as `response_format`, which OpenAI and Azure enforce with constrained decoding and Ollama and
vLLM honour too. A pydantic model is parsed by the SDK; a plain JSON-schema dict is parsed here,
strictly, because langchain's JSON parser completes a truncated reply instead of rejecting it.

`ask` never raises and never logs what was sent or received: it returns the reply, or None and
a short reason fit for a log line or the usage table. Callers redact before they ask.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any, TypeAlias

import httpx
import openai
from langchain_core.exceptions import ModelRefusalError
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, SecretStr, ValidationError

from bot.outside import key_of, outside
from bot.understanding.usage import UsageRecorder

log = logging.getLogger(__name__)

# Servers that answer without an API key (a local Ollama) still need one for the SDK to start.
NO_KEY = "not-needed"

Messages: TypeAlias = list[BaseMessage] | tuple[str, str]  # a tuple is (system, user)
Schema: TypeAlias = type[BaseModel] | dict[str, Any]

_FENCED = re.compile(r"```(?:json)?\s*(.*?)\s*```", re.DOTALL)
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


class StructuredModel:
    """A chat model that answers in a given JSON schema, with our own retries and bookkeeping."""

    def __init__(
        self,
        model: str,
        api_key: str | None,
        base_url: str | None,
        timeout: float = 20.0,
        max_retries: int = 2,
        usage: UsageRecorder | None = None,
        *,
        backoff: float = 0.5,
        max_wait: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.model = model
        self.timeout = timeout
        self.max_retries = max_retries
        self.usage = usage
        self.backoff = backoff  # first wait after a 429/5xx without Retry-After; doubles each time
        self.max_wait = max_wait  # a Retry-After longer than this is not worth making a user wait for
        self.sleep = sleep
        # openai>=3 defaults to httpx2; we hand it an httpx client instead (the SDK accepts both)
        # so the HTTP stack is the one this project declares, and respx in the tests sees every request.
        self._http = httpx.Client(timeout=timeout)
        self._chat = ChatOpenAI(
            model=model,
            api_key=SecretStr(api_key or NO_KEY),
            base_url=base_url,
            timeout=timeout,
            max_retries=0,  # retries are ours: backoff we control, and each attempt is counted in usage
            http_client=self._http,
            use_responses_api=False,  # /chat/completions is what every OpenAI-compatible server speaks
        )
        self._chains: dict[Any, Runnable[Any, Any]] = {}

    def close(self) -> None:
        self._http.close()

    def ask(self, messages: Messages, schema: Schema, *, engine: str, name: str = "reply") -> tuple[Any | None, str]:
        """The model's reply in `schema` (an instance of a pydantic model, or a dict for a JSON-schema
        dict), or None and why not. Never raises.

        `engine` names the caller in the usage table ("llm", "contract", "answer"…); `name` is the
        schema's name in the request when `schema` is a dict (a pydantic model goes by its class name).

        Inside the inbox's transaction the call runs outside it (bot.outside): no lock is held while the
        model thinks, and the handler is redone with the answer.
        """
        try:
            prompt = as_messages(messages)
            schema_id = schema.__name__ if isinstance(schema, type) else (name, schema)
            key = key_of("model", self.model, engine, schema_id, [(m.type, m.content) for m in prompt])
        except Exception as exc:  # a prompt we cannot even serialise: our bug, not the user's
            return None, f"internal error ({type(exc).__name__})"
        return outside(key, lambda: self._ask_now(prompt, schema, engine=engine, name=name))

    def _ask_now(
        self, prompt: list[BaseMessage], schema: Schema, *, engine: str, name: str
    ) -> tuple[Any | None, str]:
        try:
            chain = self._chain(schema, name)
        except Exception as exc:  # a schema langchain cannot turn into a request: our bug, not the user's
            return None, f"internal error ({type(exc).__name__})"
        attempts = self.max_retries + 1
        for attempt in range(attempts):
            started = time.monotonic()  # a duration, not a date: the injected clock is for `at`
            try:
                out = chain.invoke(prompt)
            except openai.APIStatusError as exc:
                reason = f"HTTP {exc.status_code}"
                self._record(engine, started, reason, usage_from_response(exc.response))
                if exc.status_code == 429 or exc.status_code >= 500:
                    if attempt + 1 < attempts:
                        wait = self.wait(attempt, exc.response)
                        if wait is not None:
                            self.sleep(wait)
                            continue
                        return None, f"{reason}, Retry-After longer than {self.max_wait:g}s"
                    return None, f"{reason} after {attempts} attempts"
                return None, reason
            except openai.APITimeoutError:
                # Not retried: a user already waited `timeout` seconds; the offline answer is instant.
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
                    reason = _violation(str(e["loc"][0]) for e in errors if e["loc"])
                self._record(engine, started, reason, usage_from_response(getattr(exc, "response", None)))
                return None, reason
            except Exception as exc:  # the SDK's length/content-filter errors, anything langchain raises
                reason = f"model call failed ({type(exc).__name__})"
                self._record(engine, started, reason, usage_from_response(getattr(exc, "response", None)))
                return None, reason
            raw, parsed, error = out["raw"], out["parsed"], out["parsing_error"]
            tokens = usage_from_message(raw)
            if isinstance(error, ModelRefusalError):
                reply, reason = None, "the model refused"
            elif isinstance(schema, dict):
                reply, reason = _read_json(raw, schema)
            elif isinstance(parsed, schema):
                reply, reason = parsed, ""
            else:
                reply, reason = None, "no structured reply"
            self._record(engine, started, reason or None, tokens)
            return reply, reason
        raise AssertionError("unreachable: the loop returns")

    def wait(self, attempt: int, response: httpx.Response | Any) -> float | None:
        """Seconds to wait before the next attempt: Retry-After when the server says, else backoff;
        None when the server asks for longer than `max_wait`."""
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

    def _chain(self, schema: Schema, name: str) -> Runnable[Any, Any]:
        key: Any = schema if isinstance(schema, type) else (name, json.dumps(schema, sort_keys=True))
        chain = self._chains.get(key)
        if chain is None:
            spec: Any = schema if isinstance(schema, type) else {"name": name, "schema": schema, "strict": True}
            chain = self._chat.with_structured_output(spec, method="json_schema", strict=True, include_raw=True)
            self._chains[key] = chain
        return chain

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


def as_messages(messages: Messages) -> list[BaseMessage]:
    if isinstance(messages, list):
        return list(messages)
    system, user = messages
    return [SystemMessage(system), HumanMessage(user)]


def _read_json(message: Any, schema: dict[str, Any]) -> tuple[Any | None, str]:
    """The reply's JSON, checked against `schema`; a server that ignored response_format is caught here."""
    content = getattr(message, "content", None)
    body = content.strip() if isinstance(content, str) else ""
    fenced = _FENCED.fullmatch(body)
    try:
        data = json.loads(fenced.group(1) if fenced else body)
    except json.JSONDecodeError:
        return None, "malformed JSON in the reply"
    problems = schema_problems(data, schema)
    if problems:
        return None, _violation(problems)
    return data, ""


def schema_problems(value: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Where `value` breaks `schema` (the JSON Schema subset strict structured output allows: type,
    enum, properties, required, additionalProperties, items); names only, never values."""
    here = path or "(reply)"
    wanted = schema.get("type")
    if wanted is not None:
        kinds = [wanted] if isinstance(wanted, str) else list(wanted)
        fits = any(
            isinstance(value, _JSON_TYPES.get(k, ())) and not (k in ("integer", "number") and isinstance(value, bool))
            for k in kinds
        )
        if not fits:
            return [here]
    if "enum" in schema and value not in schema["enum"]:
        return [here]
    problems: list[str] = []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        problems += [f"{path}.{k}".lstrip(".") for k in schema.get("required", []) if k not in value]
        if schema.get("additionalProperties") is False:
            problems += [f"{path}.{k}".lstrip(".") for k in value if k not in properties]
        for k, sub in properties.items():
            if k in value:
                problems += schema_problems(value[k], sub, f"{path}.{k}".lstrip("."))
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            problems += schema_problems(item, schema["items"], f"{path}[{i}]")
    return problems


def _violation(where: Any) -> str:
    return "reply violates the schema (" + ", ".join(sorted(set(where))) + ")"


def usage_from_message(message: Any) -> tuple[int, int]:
    meta = getattr(message, "usage_metadata", None) or {}
    return int(meta.get("input_tokens") or 0), int(meta.get("output_tokens") or 0)


def usage_from_response(response: Any) -> tuple[int, int]:
    """Tokens a failed reply still cost, read from the raw HTTP body when there is one."""
    try:
        usage = json.loads(response.content).get("usage") or {}
        return int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    except Exception:  # no body, not JSON, no usage: nothing to count
        return 0, 0
