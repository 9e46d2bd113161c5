"""Policy answers with a real model client (openai inside ChatOpenAI), HTTP faked by respx: the model's
answer is kept only when it stays on the passages it was shown; otherwise, or when the model fails, the
asker gets the passage itself, quoted; and a question the search is unsure of never reaches the model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from bot.knowledge import Answer, KnowledgeBase, answer_question
from bot.knowledge.ai import ModelAnswerer
from bot.knowledge.texts import TEXTS
from bot.store.db import Store
from bot.understanding.structured import StructuredModel
from tests.fake_openai import COMPLETIONS, api_error, ok, sent

ROOT = Path(__file__).resolve().parents[1]
PROMPTS = ROOT / "prompts"
TAXI = "Do I need a receipt for a ¥2,500 taxi?"
GROUNDED = (
    "No. A taxi is not public transport, and a receipt is needed from ¥3,000, so a ¥2,500 taxi fare needs no receipt."
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    shipped = KnowledgeBase(ROOT / "knowledge" / "policies")
    shipped.reindex()
    return shipped


@pytest.fixture
def answerer(model: StructuredModel) -> ModelAnswerer:
    return ModelAnswerer(model, PROMPTS)


def model_says(http: respx.MockRouter, answer: str, citations: list[str]) -> respx.Route:
    body = json.dumps({"answer": answer, "citations": citations}, ensure_ascii=False)
    return http.post(COMPLETIONS).mock(return_value=ok(body))


def quoted(kb: KnowledgeBase, question: str, locale: str | None = "en") -> Answer:
    """What the asker gets with no model at all."""
    return answer_question(kb, question, locale)


# -- kept ------------------------------------------------------------------------------------------------


def test_a_grounded_answer_is_kept_with_its_citation(
    http: respx.MockRouter, kb: KnowledgeBase, answerer: ModelAnswerer, store: Store
) -> None:
    route = model_says(http, GROUNDED, ["expenses#第4条"])
    answer = answerer.answer(kb, TAXI, "en")

    assert answer.source == "llm" and answer.confident
    assert answer.text.startswith(GROUNDED)
    assert "Expense policy §4 (Receipts)" in answer.text and TEXTS["kb.llm_note"]["en"] in answer.text
    assert answer.citations == ("expenses#第4条",)
    # The model was shown the passages, in the asker's language, and asked for the answer schema.
    body = sent(route)
    system, user = (m["content"] for m in body["messages"])
    assert system.startswith("You are the back-office bot") and "[expenses#第4条]" in system
    assert user == TAXI
    assert body["response_format"]["json_schema"]["name"] == "answer"
    assert body["response_format"]["json_schema"]["strict"] is True
    [row] = store.query("SELECT engine, ok FROM llm_calls")
    assert (row["engine"], row["ok"]) == ("answer", 1)


def test_the_askers_own_details_never_leave_and_come_back_as_written(
    http: respx.MockRouter, kb: KnowledgeBase, answerer: ModelAnswerer
) -> None:
    phone = "090-1234-5678"
    route = model_says(http, f"{GROUNDED} [PHONE_1]", ["expenses#第4条"])
    answer = answerer.answer(kb, f"{TAXI} {phone}", "en")

    assert answer.source == "llm"
    assert f"{GROUNDED} {phone}" in answer.text and "[PHONE_1]" not in answer.text
    wire = route.calls[0].request.content.decode()
    assert phone not in wire and "09012345678" not in wire.replace("-", "")
    assert "[PHONE_1]" in sent(route)["messages"][1]["content"]


# -- replaced by the quoted passage --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "citations"),
    [
        ("No receipt is needed for a taxi under ¥3,000.", []),  # cites nothing
        ("Contracts must be reviewed by legal.", ["contracts#第10条"]),  # a section it was not shown
        ("A receipt is needed for a taxi from ¥5,000.", ["expenses#第4条"]),  # a number the section does not have
        ("", []),  # the passages do not answer it
    ],
    ids=["cites-nothing", "unshown-section", "made-up-number", "empty"],
)
def test_an_answer_that_does_not_hold_is_replaced_by_the_quoted_passage(
    http: respx.MockRouter, kb: KnowledgeBase, answerer: ModelAnswerer, text: str, citations: list[str]
) -> None:
    route = model_says(http, text, citations)
    answer = answerer.answer(kb, TAXI, "en")

    assert route.call_count == 1
    assert answer == quoted(kb, TAXI)
    assert answer.source == "quoted" and answer.confident
    assert "¥3,000 or more" in answer.text  # the policy's own words
    if text:
        assert text not in answer.text


@pytest.mark.parametrize(
    "failure",
    [
        api_error(500, "The server had an error", "server_error"),
        httpx.TimeoutException("timed out"),
        ok('{"answer": "No. A taxi'),  # cut off mid-reply
        ok(None, refusal="I'm sorry, I can't help with that."),
    ],
    ids=["500", "timeout", "malformed-json", "refusal"],
)
def test_a_failing_model_gives_the_quoted_passage(
    http: respx.MockRouter, kb: KnowledgeBase, answerer: ModelAnswerer, waits: list[float], failure: Any
) -> None:
    mocked = {"side_effect": failure} if isinstance(failure, Exception) else {"return_value": failure}
    route = http.post(COMPLETIONS).mock(**mocked)
    answer = answerer.answer(kb, TAXI, "en")

    assert answer == quoted(kb, TAXI)
    assert answer.source == "quoted" and "¥3,000 or more" in answer.text
    if isinstance(failure, httpx.Response) and failure.status_code == 500:
        assert route.call_count == 3 and waits == [0.01, 0.02]  # retried, then given up
    else:
        assert route.call_count == 1


# -- not asked at all --------------------------------------------------------------------------------------


def test_a_question_the_search_is_unsure_of_is_handed_over_without_calling_the_model(
    http: respx.MockRouter, kb: KnowledgeBase, answerer: ModelAnswerer, store: Store
) -> None:
    route = http.post(COMPLETIONS).mock(return_value=ok(json.dumps({"answer": "Yes.", "citations": []})))
    answer = answerer.answer(kb, "育児休業は取れますか?", None)

    assert route.call_count == 0 and len(http.calls) == 0
    assert not answer.confident and answer.source == "quoted"
    assert "人事に質問を引き継ぎます" in answer.text
    assert answer == quoted(kb, "育児休業は取れますか?", None)
    assert store.query("SELECT count(*) AS n FROM llm_calls")[0]["n"] == 0
