"""The one structured caller every model user shares, against the real openai client inside ChatOpenAI
with HTTP faked by respx: what it sends, how it retries, what it records, and that it never raises."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from pydantic import BaseModel

from bot.clock import FixedClock
from bot.store.db import Store
from bot.understanding.structured import StructuredModel, schema_problems
from bot.understanding.usage import UsageRecorder
from tests.fake_openai import BASE_URL, COMPLETIONS, MODEL, api_error, ok, sent

ANSWER: dict[str, Any] = {
    "type": "object",
    "properties": {
        "answer": {"type": "string"},
        "citations": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["answer", "citations"],
    "additionalProperties": False,
}
MESSAGES = ("You answer from the passages only.", "Do I need a receipt for a taxi?")


# Sent to the model as the schema of a pydantic reply (a comment: a docstring would be schema text).
class Verdict(BaseModel):
    status: str
    quote: str


def calls(store: Store) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM llm_calls ORDER BY id")


def reply(**data: Any) -> httpx.Response:
    return ok(json.dumps(data, ensure_ascii=False))


# -- a good reply ----------------------------------------------------------------------------------


def test_a_dict_schema_reply_comes_back_as_a_dict_and_is_counted(
    http: respx.MockRouter, model: StructuredModel, store: Store
) -> None:
    route = http.post(COMPLETIONS).mock(return_value=reply(answer="Yes, from ¥3,000.", citations=["expenses#第4条"]))
    got, reason = model.ask(MESSAGES, ANSWER, engine="answer", name="answer")

    assert got == {"answer": "Yes, from ¥3,000.", "citations": ["expenses#第4条"]} and reason == ""
    body = sent(route)
    assert body["model"] == MODEL
    assert body["messages"] == [
        {"role": "system", "content": MESSAGES[0]},
        {"role": "user", "content": MESSAGES[1]},
    ]
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"] == {"name": "answer", "schema": ANSWER, "strict": True}
    [row] = calls(store)
    assert (row["engine"], row["model"], row["ok"], row["reason"]) == ("answer", MODEL, 1, None)
    assert (row["prompt_tokens"], row["completion_tokens"]) == (612, 87)
    assert row["at"] == "2026-11-24T10:00:00+09:00"  # from the injected clock


def test_a_pydantic_schema_reply_comes_back_as_the_model(http: respx.MockRouter, model: StructuredModel) -> None:
    route = http.post(COMPLETIONS).mock(return_value=reply(status="ok", quote="毎月末日締め"))
    got, reason = model.ask(MESSAGES, Verdict, engine="contract")
    assert got == Verdict(status="ok", quote="毎月末日締め") and reason == ""
    assert sent(route)["response_format"]["json_schema"]["name"] == "Verdict"


# -- retries -----------------------------------------------------------------------------------------


def test_429_with_retry_after_then_success(
    http: respx.MockRouter, model: StructuredModel, store: Store, waits: list[float]
) -> None:
    route = http.post(COMPLETIONS).mock(
        side_effect=[
            api_error(429, "Rate limit reached for requests", "requests", {"retry-after": "1.5"}),
            reply(answer="Yes.", citations=["faq#q1"]),
        ]
    )
    got, reason = model.ask(MESSAGES, ANSWER, engine="answer")
    assert got == {"answer": "Yes.", "citations": ["faq#q1"]} and reason == ""
    assert route.call_count == 2
    assert waits == [1.5]  # what the server asked for, not our backoff
    assert [(r["engine"], r["ok"], r["reason"]) for r in calls(store)] == [
        ("answer", 0, "HTTP 429"),
        ("answer", 1, None),
    ]


def test_retry_after_ms_is_read_too(http: respx.MockRouter, model: StructuredModel, waits: list[float]) -> None:
    http.post(COMPLETIONS).mock(
        side_effect=[api_error(503, "Overloaded", "server_error", {"retry-after-ms": "250"}), reply(status="ok")]
    )
    got, _ = model.ask(MESSAGES, {"type": "object", "properties": {"status": {"type": "string"}}}, engine="x")
    assert got == {"status": "ok"} and waits == [0.25]


def test_500s_exhausted_give_none_and_the_reason(
    http: respx.MockRouter, model: StructuredModel, store: Store, waits: list[float]
) -> None:
    route = http.post(COMPLETIONS).mock(return_value=api_error(500, "The server had an error", "server_error"))
    got, reason = model.ask(MESSAGES, ANSWER, engine="contract")
    assert got is None and reason == "HTTP 500 after 3 attempts"
    assert route.call_count == model.max_retries + 1 == 3
    assert waits == [0.01, 0.02]  # exponential backoff between attempts
    assert [(r["engine"], r["ok"], r["reason"]) for r in calls(store)] == [("contract", 0, "HTTP 500")] * 3


def test_a_long_retry_after_is_not_waited_for(
    http: respx.MockRouter, model: StructuredModel, waits: list[float]
) -> None:
    route = http.post(COMPLETIONS).mock(return_value=api_error(429, "Rate limit", "requests", {"retry-after": "120"}))
    assert model.ask(MESSAGES, ANSWER, engine="answer") == (None, "HTTP 429, Retry-After longer than 10s")
    assert route.call_count == 1 and waits == []


def test_a_client_error_is_not_retried(http: respx.MockRouter, model: StructuredModel) -> None:
    route = http.post(COMPLETIONS).mock(return_value=api_error(401, "Incorrect API key", "invalid_request_error"))
    assert model.ask(MESSAGES, ANSWER, engine="answer") == (None, "HTTP 401")
    assert route.call_count == 1


def test_a_timeout_is_not_retried(
    http: respx.MockRouter, model: StructuredModel, store: Store, waits: list[float]
) -> None:
    route = http.post(COMPLETIONS).mock(side_effect=httpx.TimeoutException("timed out"))
    assert model.ask(MESSAGES, ANSWER, engine="answer") == (None, "no answer within 2s")
    assert route.call_count == 1 and waits == []
    assert [(r["engine"], r["ok"], r["reason"]) for r in calls(store)] == [("answer", 0, "timeout")]


def test_an_unreachable_server(http: respx.MockRouter, model: StructuredModel) -> None:
    http.post(COMPLETIONS).mock(side_effect=httpx.ConnectError("connection refused"))
    assert model.ask(MESSAGES, ANSWER, engine="answer") == (None, "cannot reach the model server")


# -- replies that are not what was asked for -----------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        '{"answer": "Yes", ',  # cut off: langchain's own parser would have completed it
        "Yes, you need a receipt.",
        "",
    ],
)
def test_malformed_json_gives_none(http: respx.MockRouter, model: StructuredModel, store: Store, content: str) -> None:
    http.post(COMPLETIONS).mock(return_value=ok(content))
    assert model.ask(MESSAGES, ANSWER, engine="answer") == (None, "malformed JSON in the reply")
    [row] = calls(store)
    assert row["ok"] == 0 and row["reason"] == "malformed JSON in the reply"
    assert row["prompt_tokens"] == 612  # the tokens were spent all the same


def test_malformed_json_for_a_pydantic_schema_gives_none(http: respx.MockRouter, model: StructuredModel) -> None:
    http.post(COMPLETIONS).mock(return_value=ok('{"status": "ok", '))
    assert model.ask(MESSAGES, Verdict, engine="contract") == (None, "malformed JSON in the reply")


def test_a_reply_that_breaks_the_schema_gives_none(http: respx.MockRouter, model: StructuredModel) -> None:
    http.post(COMPLETIONS).mock(return_value=reply(answer=3, citations=["faq#q1", 7], extra="x"))
    got, reason = model.ask(MESSAGES, ANSWER, engine="answer")
    assert got is None
    assert reason == "reply violates the schema (answer, citations[1], extra)"


def test_a_fenced_reply_from_a_server_that_ignores_response_format_is_read(
    http: respx.MockRouter, model: StructuredModel
) -> None:
    http.post(COMPLETIONS).mock(return_value=ok('```json\n{"answer": "Yes.", "citations": []}\n```'))
    assert model.ask(MESSAGES, ANSWER, engine="answer") == ({"answer": "Yes.", "citations": []}, "")


def test_a_refusal_gives_none(http: respx.MockRouter, model: StructuredModel, store: Store) -> None:
    http.post(COMPLETIONS).mock(return_value=ok(None, refusal="I'm sorry, I can't help with that."))
    assert model.ask(MESSAGES, ANSWER, engine="answer") == (None, "the model refused")
    assert calls(store)[0]["reason"] == "the model refused"


def test_it_never_raises_even_when_bookkeeping_fails(http: respx.MockRouter, store: Store) -> None:
    class BrokenUsage(UsageRecorder):
        def record(self, **_: Any) -> None:
            raise RuntimeError("disk full")

    http.post(COMPLETIONS).mock(return_value=reply(answer="Yes.", citations=[]))
    model = StructuredModel(MODEL, None, BASE_URL, usage=BrokenUsage(store, FixedClock("2026-11-24T10:00")))
    try:
        assert model.ask(MESSAGES, ANSWER, engine="answer") == ({"answer": "Yes.", "citations": []}, "")
    finally:
        model.close()


def test_the_api_key_goes_to_openai_itself(http: respx.MockRouter, make_model: Callable[..., StructuredModel]) -> None:
    route = http.post("https://api.openai.com/v1/chat/completions").mock(return_value=reply(answer="", citations=[]))
    make_model(api_key="sk-test-123", base_url=None, model="gpt-4o-mini").ask(MESSAGES, ANSWER, engine="answer")
    assert route.calls[0].request.headers["authorization"] == "Bearer sk-test-123"
    assert sent(route)["model"] == "gpt-4o-mini"


def test_schema_problems_name_places_never_values() -> None:
    assert schema_problems({"answer": "x", "citations": []}, ANSWER) == []
    assert schema_problems({"answer": "secret 090-1234-5678"}, ANSWER) == ["citations"]
    assert schema_problems(["x"], ANSWER) == ["(reply)"]
    enum = {"type": "string", "enum": ["ok", "warning"]}
    assert schema_problems("fine", enum) == ["(reply)"]
    assert schema_problems(True, {"type": "integer"}) == ["(reply)"]  # JSON has no bool-as-int


# -- which model the app gets -----------------------------------------------------------------------------


def test_make_model_is_none_offline_and_a_client_when_a_model_is_configured(
    tmp_path: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.config import Settings
    from bot.understanding.factory import make_model

    for name in ("BACKOFFICE_ENGINE", "OPENAI_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)

    clock = FixedClock("2026-11-24T10:00")
    base: dict[str, Any] = {"db": tmp_path / "bot.db", "_env_file": None}
    assert make_model(Settings(**base, openai_api_key=None, openai_base_url=None), store, clock) is None
    assert (
        make_model(Settings(**base, openai_model=MODEL, openai_api_key=None, openai_base_url=None), store, clock)
        is None
    )
    # An operator who chose the offline engine has said nothing is to leave the process.
    offline = Settings(**base, openai_model=MODEL, openai_base_url=BASE_URL, engine="offline")
    assert make_model(offline, store, clock) is None
    model = make_model(
        Settings(**base, openai_model=MODEL, openai_base_url=BASE_URL, openai_api_key=None), store, clock
    )
    assert isinstance(model, StructuredModel) and model.model == MODEL and model.usage is not None
    model.close()
