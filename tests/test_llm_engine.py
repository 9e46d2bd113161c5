"""The LLM engine against the real openai client (inside ChatOpenAI), with HTTP faked by respx.

Replies are shaped exactly like the Chat Completions API's, `usage` included. respx refuses
any request no route matches, so nothing here can reach a network.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from bot.clock import FixedClock
from bot.rules.loader import RuleSet
from bot.store.db import Store
from bot.understanding.llm import Extraction, LLMEngine
from bot.understanding.offline import OfflineEngine
from bot.understanding.usage import UsageRecorder, usage_summary
from tests.fake_openai import BASE_URL, COMPLETIONS, MODEL, api_error, extraction, ok, sent

ROOT = Path(__file__).resolve().parents[1]
TUE = dt.date(2026, 11, 24)  # a Tuesday; Monday 11/23 was 勤労感謝の日


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def offline(rules: RuleSet) -> OfflineEngine:
    return OfflineEngine(rules.calendar)


@pytest.fixture
def make_engine(
    rules: RuleSet, offline: OfflineEngine, store: Store, waits: list[float]
) -> Iterator[Callable[..., LLMEngine]]:
    made: list[LLMEngine] = []

    def make(**overrides: Any) -> LLMEngine:
        options: dict[str, Any] = {
            "model": MODEL,
            "api_key": None,
            "base_url": BASE_URL,
            "fallback": offline,
            "calendar": rules.calendar,
            "prompts_dir": ROOT / "prompts",
            "timeout": 2.0,
            "usage": UsageRecorder(store, FixedClock("2026-11-24T10:00")),
            "backoff": 0.01,
            "sleep": waits.append,  # no real waiting in tests
        }
        options.update(overrides)
        engine = LLMEngine(**options)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.close()


@pytest.fixture
def engine(make_engine: Callable[..., LLMEngine]) -> LLMEngine:
    return make_engine()


def calls(store: Store) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM llm_calls ORDER BY id")


# -- a good reply --------------------------------------------------------------------------------


def test_a_structured_reply_is_resolved_by_our_code(http: respx.MockRouter, engine: LLMEngine, store: Store) -> None:
    route = http.post(COMPLETIONS).mock(
        return_value=ok(
            extraction(
                intent="expense",
                amount_text="3,200円",
                date_text="昨日",
                category="supplies",
                vendor="ヨドバシカメラ",
                invoice_number="T-1234-5678-90123",
            )
        )
    )
    got = engine.understand("昨日ヨドバシカメラでHDMIケーブル 3,200円 立て替えました(登録番号 T1234567890123)", TUE)

    assert got.engine == "llm"
    assert got.intent == "expense"
    # The model said "昨日"; the date is our resolver's, counted back from the `today` we passed.
    assert got.fields["date"] == TUE - dt.timedelta(days=1)
    assert got.fields["amount"] == Decimal(3200)
    assert "currency" not in got.fields  # yen is the default and not stated as a field
    assert got.fields["category"] == "supplies"
    assert got.fields["vendor"] == "ヨドバシカメラ"
    assert got.fields["invoice_number"] == "T1234567890123"
    assert got.missing() == [] and got.unsure() == []
    assert route.call_count == 1

    [row] = calls(store)
    assert row["ok"] == 1 and row["engine"] == "llm" and row["model"] == MODEL
    assert (row["prompt_tokens"], row["completion_tokens"]) == (612, 87)
    assert row["at"] == "2026-11-24T10:00:00+09:00"  # from the injected clock
    assert row["reason"] is None


def test_the_request_goes_to_the_configured_server_and_model_with_the_schema(
    http: respx.MockRouter, engine: LLMEngine
) -> None:
    route = http.post(COMPLETIONS).mock(return_value=ok(extraction(intent="other")))
    engine.understand("お疲れさまです", TUE)

    request = route.calls[0].request
    assert str(request.url) == "http://localhost:11434/v1/chat/completions"
    body = sent(route)
    assert body["model"] == MODEL
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == "Extraction" and fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(Extraction.model_fields)
    system, user = body["messages"]
    assert system["role"] == "system" and user == {"role": "user", "content": "お疲れさまです"}
    # The prompt comes from prompts/understand.ja.md with today filled in, and forbids date arithmetic.
    assert "2026-11-24" in system["content"] and "$today" not in system["content"]
    assert "今日の日付を使って日付を計算してはいけません" in system["content"]


def test_the_english_prompt_is_used_for_english_speakers(http: respx.MockRouter, engine: LLMEngine) -> None:
    route = http.post(COMPLETIONS).mock(return_value=ok(extraction(intent="other")))
    engine.understand("thanks!", TUE, locale="en")
    system = sent(route)["messages"][0]["content"]
    assert "Do NOT use today's date to calculate any date" in system and "2026-11-24" in system


def test_openai_itself_gets_the_api_key(http: respx.MockRouter, make_engine: Callable[..., LLMEngine]) -> None:
    route = http.post("https://api.openai.com/v1/chat/completions").mock(return_value=ok(extraction(intent="other")))
    make_engine(api_key="sk-test-123", base_url=None, model="gpt-4o-mini").understand("hello", TUE, "en")
    assert route.calls[0].request.headers["authorization"] == "Bearer sk-test-123"
    assert sent(route)["model"] == "gpt-4o-mini"


def test_leave_dates_and_working_day_counts_are_ours(http: respx.MockRouter, engine: LLMEngine) -> None:
    http.post(COMPLETIONS).mock(
        return_value=ok(extraction(intent="leave", start_text="12/28", duration_days=3, portion="full"))
    )
    got = engine.understand("12/28から3日間お休みをいただきます", TUE)
    # 12/29–1/3 is the company's year-end closure: three working days are 12/28, 1/4 and 1/5.
    assert got.fields["start"] == dt.date(2026, 12, 28)
    assert got.fields["end"] == dt.date(2027, 1, 5)
    assert got.fields["leave_type"] == "annual"  # the default when no type is said


def test_a_range_end_takes_the_week_of_its_start(http: respx.MockRouter, engine: LLMEngine) -> None:
    http.post(COMPLETIONS).mock(
        return_value=ok(extraction(intent="leave", leave_type="annual", start_text="来週水曜", end_text="金曜"))
    )
    got = engine.understand("来週水曜から金曜まで有給で", TUE)
    assert (got.fields["start"], got.fields["end"]) == (dt.date(2026, 12, 2), dt.date(2026, 12, 4))


def test_values_our_code_cannot_read_are_dropped_with_a_note(http: respx.MockRouter, engine: LLMEngine) -> None:
    http.post(COMPLETIONS).mock(
        return_value=ok(
            extraction(
                intent="expense",
                amount_text="たくさん",
                date_text="2026-11-20",
                category="books",
                invoice_number="T123",
                attendees=0,
                confidence=[{"field": "category", "confidence": 0.6}],
            )
        )
    )
    got = engine.understand("11/20の本代、いくらだったか忘れました", TUE)
    assert got.engine == "llm"
    assert got.fields == {"date": dt.date(2026, 11, 20), "category": "books"}
    assert got.confidence["category"] == 0.6 and got.unsure() == ["category"]
    assert got.missing() == ["amount"]
    for name in ("amount", "invoice_number", "attendees"):
        assert f"llm: {name} dropped, not understood" in got.notes


def test_a_foreign_amount_keeps_its_currency(http: respx.MockRouter, engine: LLMEngine) -> None:
    http.post(COMPLETIONS).mock(
        return_value=ok(extraction(intent="expense", amount_text="45.20", currency="usd", date_text="Oct 14"))
    )
    got = engine.understand("Paid 45.20 dollars for the AWS bill on Oct 14", TUE, "en")
    assert (got.fields["amount"], got.fields["currency"]) == (Decimal("45.20"), "USD")
    assert got.fields["date"] == dt.date(2026, 10, 14)


# -- failures fall back to the offline reading -----------------------------------------------------

TAXI = "昨日のタクシー代 3,200円"


def assert_offline_reading(got: Any, because: str) -> None:
    assert got.engine == "offline"
    assert got.intent == "expense"
    assert got.fields["amount"] == Decimal(3200) and got.fields["date"] == TUE - dt.timedelta(days=1)
    assert any(because in note and "offline reading used" in note for note in got.notes), got.notes


def test_malformed_json_falls_back(
    http: respx.MockRouter, engine: LLMEngine, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    http.post(COMPLETIONS).mock(return_value=ok('{"intent": "expense", "amount_text": "3,200円", '))
    got = engine.understand(TAXI, TUE)
    assert_offline_reading(got, "malformed JSON")
    [row] = calls(store)
    assert row["ok"] == 0 and row["reason"] == "malformed JSON in the reply"
    assert row["prompt_tokens"] == 612  # the tokens were spent all the same
    # The warning says why, never what the user wrote (nor what the model echoed of it).
    assert "malformed JSON" in caplog.text and "タクシー" not in caplog.text and "3,200" not in caplog.text


def test_a_schema_violation_falls_back(http: respx.MockRouter, engine: LLMEngine, store: Store) -> None:
    http.post(COMPLETIONS).mock(return_value=ok(extraction(intent="banana", attendees="many")))
    got = engine.understand(TAXI, TUE)
    assert_offline_reading(got, "reply violates the schema (attendees, intent)")
    assert calls(store)[0]["ok"] == 0


def test_a_refusal_falls_back(http: respx.MockRouter, engine: LLMEngine) -> None:
    http.post(COMPLETIONS).mock(return_value=ok(None, refusal="I'm sorry, I can't help with that."))
    assert_offline_reading(engine.understand(TAXI, TUE), "the model refused")


def test_a_timeout_falls_back_without_retrying(
    http: respx.MockRouter, engine: LLMEngine, store: Store, waits: list[float]
) -> None:
    route = http.post(COMPLETIONS).mock(side_effect=httpx.TimeoutException("timed out"))
    got = engine.understand(TAXI, TUE)
    assert_offline_reading(got, "no answer within 2s")
    assert route.call_count == 1 and waits == []
    assert [(r["ok"], r["reason"]) for r in calls(store)] == [(0, "timeout")]


def test_an_unreachable_server_falls_back(http: respx.MockRouter, engine: LLMEngine) -> None:
    http.post(COMPLETIONS).mock(side_effect=httpx.ConnectError("connection refused"))
    assert_offline_reading(engine.understand(TAXI, TUE), "cannot reach the model server")


def test_429_then_success(http: respx.MockRouter, engine: LLMEngine, store: Store, waits: list[float]) -> None:
    route = http.post(COMPLETIONS).mock(
        side_effect=[
            api_error(429, "Rate limit reached for requests", "requests", {"retry-after": "0"}),
            ok(extraction(intent="expense", amount_text="3,200円", date_text="昨日", category="transport")),
        ]
    )
    got = engine.understand(TAXI, TUE)
    assert got.engine == "llm" and got.fields["category"] == "transport"
    assert route.call_count == 2
    assert waits == [0.0]  # Retry-After: 0 is respected rather than the backoff
    rows = calls(store)
    assert [(r["ok"], r["reason"]) for r in rows] == [(0, "HTTP 429"), (1, None)]
    assert usage_summary(store).calls == 2 and usage_summary(store).failures == 1


def test_500_every_time_falls_back_after_all_attempts(
    http: respx.MockRouter, engine: LLMEngine, store: Store, waits: list[float]
) -> None:
    route = http.post(COMPLETIONS).mock(return_value=api_error(500, "The server had an error", "server_error"))
    got = engine.understand(TAXI, TUE)
    assert_offline_reading(got, "HTTP 500 after 3 attempts")
    assert route.call_count == engine.max_retries + 1 == 3
    assert waits == [0.01, 0.02]  # exponential backoff between attempts
    assert [r["ok"] for r in calls(store)] == [0, 0, 0]


def test_a_long_retry_after_is_not_waited_for(http: respx.MockRouter, engine: LLMEngine, waits: list[float]) -> None:
    route = http.post(COMPLETIONS).mock(return_value=api_error(429, "Rate limit", "requests", {"retry-after": "120"}))
    assert_offline_reading(engine.understand(TAXI, TUE), "Retry-After longer than 10s")
    assert route.call_count == 1 and waits == []


def test_a_client_error_is_not_retried(http: respx.MockRouter, engine: LLMEngine) -> None:
    route = http.post(COMPLETIONS).mock(
        return_value=api_error(401, "Incorrect API key provided", "invalid_request_error")
    )
    assert_offline_reading(engine.understand(TAXI, TUE), "HTTP 401")
    assert route.call_count == 1


# -- personal data never leaves ----------------------------------------------------------------------


def my_number(base: str) -> str:
    """Eleven digits plus the 個人番号 check digit (総務省令第85号 第5条)."""
    total = sum(int(p) * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(reversed(base), start=1))
    return base + str(0 if total % 11 <= 1 else 11 - total % 11)


PLACEHOLDER = re.compile(r"\[[A-Z]+(?:_[A-Z]+)*_\d+\]")


def test_no_personal_data_reaches_the_wire_and_placeholders_come_back_restored(
    http: respx.MockRouter, engine: LLMEngine
) -> None:
    number = my_number("12345678901")
    assert number == "123456789018"
    mine = f"{number[:4]} {number[4:8]} {number[8:]}"
    account, phone, email = "1234567", "090-1234-5678", "hanako.suzuki@abc-corp.example.jp"
    text = (
        f"株式会社ABC(担当 {email})とのNDAを確認してください。携帯 {phone}。"
        f"ついでに立替の振込先: みずほ銀行 渋谷支店 普通 {account}、マイナンバー {mine}"
    )

    def reply(request: httpx.Request) -> httpx.Response:
        # A model copies the placeholders it sees, e.g. into the counterparty as the message writes it.
        user = json.loads(request.content)["messages"][1]["content"]
        tokens = PLACEHOLDER.findall(user)
        assert tokens, user
        party = f"株式会社ABC(担当 {tokens[0]})"
        return ok(extraction(intent="contract_review", contract_type="nda", counterparty=party))

    route = http.post(COMPLETIONS).mock(side_effect=reply)
    got = engine.understand(text, TUE)

    assert got.engine == "llm" and got.fields["contract_type"] == "nda"
    assert got.fields["counterparty"].startswith("株式会社ABC(担当 ")
    assert not PLACEHOLDER.search(got.fields["counterparty"])  # our own users see what they wrote
    assert any(v in got.fields["counterparty"] for v in (email, phone))

    assert route.call_count >= 1
    for call in route.calls:
        raw = call.request.content.decode()
        wire = raw + json.dumps(json.loads(raw), ensure_ascii=False)
        squeezed = re.sub(r"[\s\-‐−ー]", "", wire)
        for value in (number, mine, account, phone, email, "hanako.suzuki", "abc-corp.example.jp"):
            assert value not in wire, value
            digits = re.sub(r"\D", "", value)
            if digits:
                assert digits not in squeezed, value


# -- what it costs ------------------------------------------------------------------------------------


def test_usage_summary_and_backoffice_stats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    db = tmp_path / "bot.db"
    store = Store(db)
    clock = FixedClock("2026-11-24T10:00")
    usage = UsageRecorder(store, clock)
    usage.record(engine="hybrid", model=MODEL, ok=True, prompt_tokens=600, completion_tokens=80, latency_ms=900)
    usage.record(engine="hybrid", model=MODEL, ok=False, latency_ms=20000, reason="timeout")
    clock.advance(days=1)
    usage.record(engine="llm", model=MODEL, ok=True, prompt_tokens=500, completion_tokens=70, latency_ms=700)
    summary = usage.summary()
    store.close()
    assert (summary.calls, summary.failures, summary.prompt_tokens, summary.completion_tokens) == (3, 1, 1100, 150)
    assert [(d.day, d.calls, d.failures) for d in summary.by_day] == [("2026-11-24", 2, 1), ("2026-11-25", 1, 0)]

    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    monkeypatch.setenv("BACKOFFICE_KNOWLEDGE_DIR", str(ROOT / "knowledge"))
    monkeypatch.setenv("BACKOFFICE_NOW", "2026-11-25T10:00")
    assert main(["--db", str(db), "stats"]) == 0
    out = capsys.readouterr().out
    assert "LLM calls: 3 (1 failed)" in out and "tokens: 1100 prompt + 150 completion" in out
    assert "2026-11-24  2 calls, 1 failed, 600 + 80 tokens" in out
