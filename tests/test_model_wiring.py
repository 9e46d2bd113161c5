"""The whole bot with a model configured (OPENAI_MODEL + a base URL), HTTP faked by respx: contract checks
and policy answers reach the model through the app's own wiring, and every failure falls back."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.models import ContractReview, Reply, Status
from bot.store import records
from handlers import Inbound
from tests.contracts_files import make_pdf
from tests.contracts_samples import JA_MUTUAL_NDA
from tests.fake_openai import BASE_URL, COMPLETIONS, MODEL, api_error, ok

ROOT = Path(__file__).resolve().parents[1]
TAXI = "2,500円のタクシーに領収書はいりますか?"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    settings = Settings(
        db=tmp_path / "bot.db",
        knowledge_dir=ROOT / "knowledge",
        attachments_dir=tmp_path / "files",
        openai_model=MODEL,
        openai_base_url=BASE_URL,
    )
    a = build_app(settings, FixedClock("2026-11-24T10:00"))
    yield a
    a.close()


def send(app: App, who: str, text: str, files: tuple[str, ...] = ()) -> list[Reply]:
    return app.router.handle(Inbound(app.directory.require(who), text, platform="test", attachments=files))


def nda_file(app: App) -> str:
    path = Path(app.settings.attachments_dir).parent / "nda.pdf"
    path.write_bytes(make_pdf(JA_MUTUAL_NDA))
    return str(path)


def judge_or_draft(request: httpx.Request) -> httpx.Response:
    """The model finds the confidentiality clause too loose (quoting it) and drafts wording; else no opinion."""
    body = json.loads(request.content)
    kind = body["response_format"]["json_schema"]["name"]
    system = body["messages"][0]["content"]
    item = re.search(r"\(C2\.([a-z_]+)\)", system)
    if kind == "draft":
        draft = {"wording": "受領者は、秘密情報を知る必要のある役職員に限り開示できる。"}
        return ok(json.dumps(draft, ensure_ascii=False))
    if item and item.group(1) == "confidentiality":
        judgement = {
            "status": "red_flag",
            "quote": "秘密情報を厳に秘密として保持し",
            "reason": "役職員への開示範囲が定められていません。",
        }
        return ok(json.dumps(judgement, ensure_ascii=False))
    return ok(None, refusal="No opinion.")


def test_a_red_flag_only_the_model_saw_sends_an_nda_to_legal_with_its_draft(app: App, http: respx.MockRouter) -> None:
    route = http.post(COMPLETIONS).mock(side_effect=judge_or_draft)
    replies = send(app, "e007", "/contract 電子", (nda_file(app),))
    assert route.called
    req = records.get_request(app.store, 1)
    assert req is not None and isinstance(req.details, ContractReview)
    # Offline this NDA is approved by rule; the model's quoted red flag makes it stricter, never looser.
    assert req.status is Status.PENDING and req.details.red_flags == ("C2.confidentiality",)
    card = replies[0].card
    assert card is not None
    text = "\n".join(f.message("ja") for f in card.findings)
    assert "役職員に限り開示できる" in text and "AI" in text  # the drafted wording, marked as the AI's
    assert any(MODEL in v for _, v in card.fields)  # which model read it
    rows = app.store.query("SELECT DISTINCT engine FROM llm_calls ORDER BY engine")
    assert [r["engine"] for r in rows] == ["contract", "contract_draft"]


def test_a_model_that_is_down_changes_nothing(app: App, http: respx.MockRouter) -> None:
    http.post(COMPLETIONS).mock(return_value=api_error(500, "down", "server_error"))
    app.services.model.sleep = lambda _: None  # type: ignore[union-attr]
    replies = send(app, "e007", "/contract 電子", (nda_file(app),))
    req = records.get_request(app.store, 1)
    assert req is not None and req.status is Status.APPROVED  # the rules' own reading stands
    assert "規程により承認しました" in replies[0].text


def test_a_policy_question_gets_the_model_s_grounded_answer(app: App, http: respx.MockRouter) -> None:
    answer = "¥3,000以上のタクシーは領収書が必要なので、¥2,500なら不要です。"
    http.post(COMPLETIONS).mock(
        return_value=ok(json.dumps({"answer": answer, "citations": ["faq#q1"]}, ensure_ascii=False))
    )
    replies = send(app, "e007", TAXI)
    assert replies[0].text.startswith(answer)
    rec = records.get_question(app.store, 1)
    assert rec is not None and rec.source == "llm"


def test_an_answer_citing_nothing_is_replaced_by_the_quoted_passage(app: App, http: respx.MockRouter) -> None:
    http.post(COMPLETIONS).mock(return_value=ok(json.dumps({"answer": "いりません。", "citations": []})))
    replies = send(app, "e007", TAXI)
    assert "いりません。" not in replies[0].text
    assert "よくある質問 Q1" in replies[0].text  # the passage itself, quoted and cited


def test_one_model_client_serves_messages_contracts_and_answers(app: App, tmp_path: Path) -> None:
    from bot.understanding.hybrid import HybridEngine

    engine = app.services.understanding
    assert isinstance(engine, HybridEngine)
    assert app.services.model is engine.llm.client  # not a second client with its own pool and retries
    chosen = Settings(
        db=tmp_path / "o.db",
        knowledge_dir=ROOT / "knowledge",
        openai_model=MODEL,
        openai_base_url=BASE_URL,
        engine="offline",
    )
    offline = build_app(chosen, FixedClock("2026-11-24T10:00"))
    try:
        assert offline.services.model is None  # chosen offline: nothing leaves the process
    finally:
        offline.close()
