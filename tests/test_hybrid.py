"""The hybrid engine: the model is asked only where the offline reading is unsure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import respx

from bot.clock import FixedClock
from bot.rules.loader import RuleSet
from bot.store.db import Store
from bot.understanding.hybrid import HybridEngine, merge
from bot.understanding.llm import LLMEngine
from bot.understanding.offline import OfflineEngine
from bot.understanding.types import Understanding
from bot.understanding.usage import UsageRecorder
from tests.fake_openai import BASE_URL, COMPLETIONS, MODEL, api_error, extraction, ok
from tests.test_offline_engine import TUE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def hybrid(rules: RuleSet, store: Store) -> Iterator[HybridEngine]:
    offline = OfflineEngine(rules.calendar)
    usage = UsageRecorder(store, FixedClock("2026-11-24T10:00"))
    llm = LLMEngine(
        MODEL, None, BASE_URL, offline, rules.calendar, ROOT / "prompts", timeout=2.0, usage=usage, sleep=lambda _: None
    )
    yield HybridEngine(offline, llm)
    llm.close()


def llm_rows(store: Store) -> int:
    return int(store.query("SELECT count(*) AS n FROM llm_calls")[0]["n"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昨日のタクシー代 3,200円", {"amount": Decimal(3200), "date": dt.date(2026, 11, 23), "category": "transport"}),
        ("12/24 午後半休で", {"start": dt.date(2026, 12, 24), "end": dt.date(2026, 12, 24), "portion": "pm"}),
    ],
)
def test_no_model_call_when_offline_is_sure(
    http: respx.MockRouter,
    hybrid: HybridEngine,
    store: Store,
    text: str,
    expected: dict[str, object],
) -> None:
    route = http.post(COMPLETIONS).mock(return_value=ok(extraction(intent="other")))
    got = hybrid.understand(text, TUE)
    assert route.call_count == 0
    assert llm_rows(store) == 0
    assert got.engine == "offline"
    assert expected.items() <= got.fields.items()


def test_an_unsure_intent_is_settled_by_the_model(
    http: respx.MockRouter,
    hybrid: HybridEngine,
    store: Store,
) -> None:
    text = "例の件、対応お願いします"  # nothing in it says what it is
    assert "intent" in hybrid.offline.understand(text, TUE).unsure()  # the premise
    route = http.post(COMPLETIONS).mock(
        return_value=ok(
            extraction(intent="expense", confidence=[{"field": "intent", "confidence": 0.9}]),
        )
    )
    got = hybrid.understand(text, TUE)
    assert route.call_count == 1
    assert got.engine == "hybrid" and got.intent == "expense"
    assert got.missing() == ["amount", "date", "category"]  # the bot will ask for them
    assert "hybrid: intent from llm; no fields from llm" in got.notes
    [row] = store.query("SELECT engine, ok FROM llm_calls")
    assert row == {"engine": "hybrid", "ok": 1}


def test_fields_are_merged_one_by_one(http: respx.MockRouter, hybrid: HybridEngine) -> None:
    text = "Amazonで本 2,800円 昨日"
    first = hybrid.offline.understand(text, TUE)
    assert first.unsure() == ["category"] and first.fields["amount"] == Decimal(2800)  # the premise
    route = http.post(COMPLETIONS).mock(
        return_value=ok(
            extraction(
                intent="expense",
                amount_text="28,000円",  # wrong, and offline was sure: offline's stays
                date_text="昨日",
                category="books",
                vendor="Amazon",
            )
        )
    )
    got = hybrid.understand(text, TUE)
    assert route.call_count == 1
    assert got.engine == "hybrid" and got.intent == "expense"
    assert got.fields["amount"] == Decimal(2800)
    assert got.fields["date"] == dt.date(2026, 11, 23)
    assert got.fields["category"] == "books" and got.fields["vendor"] == "Amazon"
    assert got.unsure() == []
    assert "hybrid: intent from offline; from llm: category" in got.notes  # the vendor offline read itself


def test_a_model_failure_keeps_the_offline_reading(
    http: respx.MockRouter,
    hybrid: HybridEngine,
    store: Store,
) -> None:
    text = "精算お願いします 5000円"
    route = http.post(COMPLETIONS).mock(return_value=api_error(503, "Service Unavailable", "server_error"))
    got = hybrid.understand(text, TUE)
    assert route.call_count == 3
    # The message is not lost: the offline reading comes back, with what it found and what it lacks.
    assert got.engine == "offline" and got.intent == "expense"
    assert got.fields["amount"] == Decimal(5000)
    assert got.missing() == ["date"]
    assert "llm: HTTP 503 after 3 attempts; offline reading kept" in got.notes
    assert llm_rows(store) == 3


def test_a_timeout_during_hybrid_keeps_the_offline_reading(
    http: respx.MockRouter,
    hybrid: HybridEngine,
) -> None:
    http.post(COMPLETIONS).mock(side_effect=httpx.ReadTimeout("read timed out"))
    got = hybrid.understand("来週ちょっと休みたい", TUE)
    assert got.engine == "offline" and got.intent == "leave"


def test_merge_ignores_fields_read_for_another_intent() -> None:
    offline = Understanding(
        "leave", {"start": dt.date(2026, 12, 1), "leave_type": "annual"}, {"intent": 0.6, "start": 0.9}
    )
    model = Understanding("expense", {"amount": Decimal(500), "category": "meeting"}, {"intent": 0.9}, engine="llm")
    got = merge(offline, model)
    assert got.intent == "expense"
    assert got.fields == {"amount": Decimal(500), "category": "meeting"}
