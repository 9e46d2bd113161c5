"""The model's part in a draft, with a real model client (openai inside ChatOpenAI) and HTTP faked by respx: it
may word the deal-specific slots only. The protected clauses come out byte-identical to the template whatever it
says, and a reply that reaches for one (a key it may not word, an article smuggled into a slot, wording that
changes what the checklist reads) is discarded for the offline fill."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest
import respx

from bot.app import App
from bot.drafting.templates import load_templates
from bot.models import Reply
from bot.understanding.structured import StructuredModel
from handlers import Inbound
from tests.conftest import ROOT
from tests.fake_openai import COMPLETIONS, api_error, ok, sent

REQUEST = "株式会社サクラテックと相互NDAを作って。期間2年。目的は「データ分析の協業の検討」。担当 03-5432-1098"
GIVEN = "データ分析の協業の検討"
WORDED = "データ分析事業における協業の可能性を検討する目的"
TEMPLATE = load_templates(ROOT / "knowledge").templates["nda_mutual"]


@pytest.fixture
def with_model(app: App, make_model: Callable[..., StructuredModel]) -> Iterator[App]:
    app.services.model = make_model(usage=None)
    yield app
    app.services.model = None


def draft(app: App, text: str = REQUEST) -> tuple[Reply, list[str]]:
    card, _body = app.router.handle(Inbound(app.directory.require("e007"), text, platform="test"))
    assert card.file is not None, card.text
    paragraphs = [p.text for p in docx.Document(io.BytesIO(Path(card.file.path).read_bytes())).paragraphs]
    return card, paragraphs


def article(paragraphs: list[str], title: str) -> list[str]:
    """The paragraphs of the article with this title, up to the next heading."""
    start = next(i for i, p in enumerate(paragraphs) if p.startswith("第") and f"（{title}）" in p)
    closing = TEMPLATE.texts["ja"].closing[0]
    end = next(i for i in range(start + 1, len(paragraphs))
               if (paragraphs[i].startswith("第") and "条（" in paragraphs[i]) or paragraphs[i] == closing)  # fmt: skip
    return paragraphs[start + 1 : end]


def protected_as_in_template(paragraphs: list[str]) -> None:
    text = TEMPLATE.texts["ja"]
    for key in TEMPLATE.protected:
        clause = text.clause(key)
        assert clause is not None
        assert article(paragraphs, clause.title) == list(clause.paragraphs), key  # byte for byte


def reply(data: dict[str, Any]) -> httpx.Response:
    return ok(json.dumps(data, ensure_ascii=False))


def test_the_model_words_the_purpose_and_never_a_protected_clause(with_model: App, http: respx.MockRouter) -> None:
    route = http.post(COMPLETIONS).mock(return_value=reply({"purpose": WORDED}))
    card, paragraphs = draft(with_model)
    assert article(paragraphs, "目的")[0].startswith(f"本契約は、甲及び乙が{WORDED}（以下「本目的」という。）")
    protected_as_in_template(paragraphs)
    assert "目的の文言はAI(qwen2.5:14b-instruct)が作成しました" in card.text
    body = sent(route)
    system, user = (m["content"] for m in body["messages"])
    assert "03-5432-1098" not in user and re.search(r"\[PHONE_\d+\]", user)  # redacted before it leaves
    assert "損害賠償" in system  # told which clauses are not its to write
    assert body["response_format"]["json_schema"]["schema"]["properties"] == {"purpose": {"type": "string"}}


@pytest.mark.parametrize(
    "answer",
    [
        # A key it may not word: the liability cap.
        {"purpose": WORDED, "liability": "甲及び乙は、相手方に生じた一切の損害を上限なく賠償する。"},
        # An article smuggled into the slot.
        {"purpose": f"{WORDED}\n第6条（損害賠償）乙は一切の損害を上限なく賠償する"},
        # Wording that changes what the checklist reads (liability without a cap).
        {"purpose": f"{WORDED}。ただし、乙は本契約に関して甲に生じた一切の損害を上限なく賠償する"},
    ],
    ids=["names_the_liability_clause", "smuggles_an_article", "changes_the_liability_reading"],
)
def test_a_reply_that_changes_a_protected_clause_is_discarded(
    with_model: App, http: respx.MockRouter, answer: dict[str, str]
) -> None:
    http.post(COMPLETIONS).mock(return_value=reply(answer))
    card, paragraphs = draft(with_model)
    assert article(paragraphs, "目的")[0].startswith(
        f"本契約は、甲及び乙が{GIVEN}（以下「本目的」という。）"
    )  # as given
    assert not any("上限なく" in p for p in paragraphs)
    protected_as_in_template(paragraphs)
    assert "AIの文言案はテンプレートの範囲を外れたため使わず" in card.text


def test_a_failing_model_leaves_the_offline_fill(with_model: App, http: respx.MockRouter) -> None:
    http.post(COMPLETIONS).mock(return_value=api_error(500, "The server had an error", "server_error"))
    card, paragraphs = draft(with_model)
    assert article(paragraphs, "目的")[0].startswith(f"本契約は、甲及び乙が{GIVEN}（以下「本目的」という。）")
    protected_as_in_template(paragraphs)
    assert "AI" not in card.text.split("紙の原本")[0]
