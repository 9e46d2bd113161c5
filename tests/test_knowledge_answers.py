"""Answers to policy questions: quoted and cited when sure, handed over when not, and a model's
answer kept only when it stays on what it was shown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.knowledge import (
    ANSWER_SCHEMA,
    KnowledgeBase,
    ModelAnswer,
    SearchResult,
    answer_question,
    build_prompt,
    compose_answer,
    grounding_problems,
    is_personal_data_question,
    parse_model_answer,
    validate_model_answer,
)
from bot.knowledge.texts import TEXTS

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "knowledge" / "policies"
PROMPTS = ROOT / "prompts"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    shipped = KnowledgeBase(POLICIES)
    shipped.reindex()
    return shipped


# -- offline answers ---------------------------------------------------------------------------


def test_a_sure_answer_quotes_the_passage_and_cites_it(kb: KnowledgeBase) -> None:
    answer = answer_question(kb, "競業避止義務は何年まで認められる?")
    assert answer.confident and answer.source == "quoted"
    assert answer.citations[0] == "contracts#第9条"
    assert answer.text.startswith("契約審査基準 第9条「知的財産・秘密保持・競業避止」に、")
    quote = answer.quotes[0]
    ja = next(v for v in kb.versions("contracts#第9条") if v.lang == "ja")
    assert "1年以内" in quote.text and quote.text in ja.text
    assert "> 3. 当社に課される競業避止義務の期間は、1年以内" in answer.text
    assert answer.owner == "legal"


def test_the_answer_is_in_the_askers_language(kb: KnowledgeBase) -> None:
    answer = answer_question(kb, "Do I need a receipt for a ¥2,500 taxi?")
    assert answer.confident and answer.locale == "en"
    assert "¥3,000 or more" in answer.text and "領収書" not in answer.text
    assert answer.citations[0] in ("expenses#第4条", "faq#q1")


def test_a_japanese_only_passage_is_quoted_as_written_for_an_english_asker(tmp_path: Path) -> None:
    for name in ("travel.ja.md", "glossary.yaml", "search.yaml"):
        shutil.copy(POLICIES / name, tmp_path / name)
    answer = answer_question(KnowledgeBase(tmp_path), "What's the per diem for business trips?", "en")
    assert answer.citations == ("travel#第5条",)
    assert "quoted in Japanese" in answer.text and "日当" in answer.text


def test_unsure_says_so_lists_the_closest_passages_and_names_the_owning_team(kb: KnowledgeBase) -> None:
    answer = answer_question(kb, "育児休業は取れますか?")
    assert not answer.confident
    assert answer.confidence < kb.settings.min_confidence
    assert answer.citations == ()
    assert answer.quotes and len(answer.quotes) <= kb.settings.closest
    assert answer.owner == "hr"
    assert "人事に質問を引き継ぎます" in answer.text
    for quote in answer.quotes:
        assert f"・{quote.citation}" in answer.text


def test_unsure_in_english_names_the_team_in_english(kb: KnowledgeBase) -> None:
    answer = answer_question(kb, "Is there a budget for home office equipment?")
    assert not answer.confident and answer.owner == "finance"
    assert "pass your question to finance" in answer.text


def test_nothing_close_at_all_asks_the_asker_to_choose_the_team(kb: KnowledgeBase) -> None:
    answer = answer_question(kb, "What's the dress code?")
    assert not answer.confident and answer.quotes == () and answer.owner is None
    assert answer.text == TEXTS["kb.unsure.no_team"]["en"]


def test_the_confidence_threshold_is_data(tmp_path: Path) -> None:
    for p in POLICIES.glob("*.*"):
        shutil.copy(p, tmp_path / p.name)
    search = (tmp_path / "search.yaml").read_text(encoding="utf-8")
    (tmp_path / "search.yaml").write_text(search.replace("min_confidence: 0.8", "min_confidence: 0.1"), "utf-8")
    assert answer_question(KnowledgeBase(tmp_path), "育児休業は取れますか?").confident


def test_every_text_exists_in_both_languages() -> None:
    for key, entry in TEXTS.items():
        assert key.startswith("kb.") and set(entry) == {"ja", "en"}, key


# -- the LLM path ------------------------------------------------------------------------------


def test_the_prompt_is_loaded_by_name_and_carries_the_passages_and_the_redacted_question(kb: KnowledgeBase) -> None:
    result = kb.search("出張の日当はいくら?連絡先は090-1234-5678です")
    prompt = build_prompt(result, PROMPTS)
    assert prompt.system.startswith((PROMPTS / "answer.ja.md").read_text(encoding="utf-8").split("\n")[0])
    assert "$passages" not in prompt.system
    assert prompt.section_ids and len(prompt.section_ids) <= kb.settings.llm_passages
    for sid in prompt.section_ids:
        assert f"[{sid}]" in prompt.system
    assert "090-1234-5678" not in prompt.user and "日当" in prompt.user
    en = build_prompt(kb.search("What's the per diem?", "en"), PROMPTS)
    assert en.system.startswith("You are the back-office bot")


def test_the_reply_schema_asks_for_an_answer_and_its_citations() -> None:
    assert ANSWER_SCHEMA["required"] == ["answer", "citations"]


@pytest.fixture
def taxi(kb: KnowledgeBase) -> SearchResult:
    result = kb.search("Do I need a receipt for a ¥2,500 taxi?", "en")
    assert "expenses#第4条" in build_prompt(result, PROMPTS).section_ids
    return result


def test_a_grounded_model_answer_is_kept(kb: KnowledgeBase, taxi: SearchResult) -> None:
    reply = json.dumps(
        {
            "answer": "No. A taxi is not public transport, and a receipt is needed from ¥3,000, "
            "so a ¥2,500 taxi fare needs no receipt.",
            "citations": ["expenses#第4条"],
        }
    )
    answer = validate_model_answer(reply, taxi, kb)
    assert answer.source == "llm" and answer.confident
    assert answer.citations == ("expenses#第4条",)
    assert answer.text.startswith("No. A taxi is not public transport")
    assert "Expense policy §4 (Receipts)" in answer.text and TEXTS["kb.llm_note"]["en"] in answer.text


def test_a_model_answer_citing_nothing_is_replaced_by_the_quote(kb: KnowledgeBase, taxi: SearchResult) -> None:
    offline = compose_answer(taxi, kb.glossary)
    reply = {"answer": "No receipt is needed for a taxi under ¥3,000.", "citations": []}
    answer = validate_model_answer(reply, taxi, kb)
    assert answer == offline and answer.source == "quoted"
    assert answer.quotes and answer.quotes[0].text in answer.text.replace("> ", "")


def test_a_model_answer_citing_an_unshown_section_is_replaced(kb: KnowledgeBase, taxi: SearchResult) -> None:
    model = ModelAnswer("Contracts must be reviewed by legal.", ("contracts#第10条",))
    assert grounding_problems(model, taxi, kb)
    assert validate_model_answer(model, taxi, kb).source == "quoted"


def test_a_model_answer_its_section_does_not_support_is_replaced(kb: KnowledgeBase, taxi: SearchResult) -> None:
    # Cites a passage it was shown, but the number is made up.
    wrong_number = ModelAnswer("A receipt is needed for a taxi from ¥5,000.", ("expenses#第4条",))
    assert any("numbers" in p for p in grounding_problems(wrong_number, taxi, kb))
    assert validate_model_answer(wrong_number, taxi, kb).source == "quoted"
    # Cites a passage it was shown, about something else.
    off_topic = ModelAnswer("Annual leave expires after two years unless carried over by HR.", ("expenses#第4条",))
    assert grounding_problems(off_topic, taxi, kb)
    assert validate_model_answer(off_topic, taxi, kb).source == "quoted"


@pytest.mark.parametrize("raw", [None, "", "not json", '{"answer": 3}', '["expenses#第4条"]'])
def test_an_unreadable_reply_falls_back_to_the_quote(kb: KnowledgeBase, taxi: SearchResult, raw: str | None) -> None:
    assert parse_model_answer(raw) is None
    assert validate_model_answer(raw, taxi, kb).source == "quoted"


def test_a_fenced_json_reply_is_read() -> None:
    model = parse_model_answer('```json\n{"answer": "x", "citations": ["faq#q1", "faq#q1"]}\n```')
    assert model == ModelAnswer("x", ("faq#q1",))


def test_when_retrieval_is_unsure_and_the_model_declines_the_question_is_handed_over(kb: KnowledgeBase) -> None:
    result = kb.search("育児休業は取れますか?")
    answer = validate_model_answer({"answer": "", "citations": []}, result, kb)
    assert not answer.confident and answer.owner == "hr"


# -- questions about one's own data ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("有給あと何日残ってる?", "balance"),
        ("有給の残り日数を教えて", "balance"),
        ("時間休はあと何時間使える?", "balance"),
        ("How many PTO days do I have left?", "balance"),
        ("what's my leave balance", "balance"),
        ("How many vacation days have I used this year?", "balance"),
        ("先週申請した出張旅費、もう振り込まれてますか?", "mine"),
        ("私の経費精算どうなってる?", "mine"),
        ("申請の状況を知りたい", "mine"),
        ("What is the status of my expense claim?", "mine"),
        ("Has my leave request been approved yet?", "mine"),
        ("有給って何日もらえる?", None),
        ("How many vacation days do I get?", None),
        ("Can I approve my own expense claim?", None),
        ("昨日のタクシー代 2,800円", None),
    ],
)
def test_questions_about_ones_own_data_are_told_apart(text: str, kind: str | None) -> None:
    assert is_personal_data_question(text) == kind
