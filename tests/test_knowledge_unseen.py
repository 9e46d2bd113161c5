"""Policy questions worded as people word them, none of which the code was written against:
tests/data/questions_paraphrase.jsonl (ja/en, casual, synonyms, cross-language, facts in the middle of
long sections, and questions the policies do not answer). Scored offline through answer_question."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, answer_question, detect_locale
from bot.knowledge.documents import parse_document, passage_units
from bot.knowledge.evaluate import AnswerScore, load_questions, score_answers

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "knowledge" / "policies"
CASES = load_questions(ROOT / "tests" / "data" / "questions_paraphrase.jsonl")


@pytest.fixture(scope="module")
def score() -> AnswerScore:
    kb = KnowledgeBase(POLICIES)
    kb.reindex()
    result = score_answers(kb, CASES)
    print(result.summary())
    return result


def test_the_set_is_big_enough_bilingual_and_has_unanswerable_questions() -> None:
    assert len(CASES) >= 40
    assert {c["lang"] for c in CASES} == {"ja", "en"}
    assert sum(not c["answerable"] for c in CASES) >= 6
    assert all(c["sections"] and c["fact"] for c in CASES if c["answerable"])


def test_floor_on_unseen_paraphrases(score: AnswerScore) -> None:
    # A ratchet on what the offline search reaches today (before this work: 11/60 stated, 4 confident
    # wrong, 45/60 right section first); raise it as the search improves.
    assert score.stated_share >= 0.85, score.failures  # confident, or quoted among the closest passages
    assert score.confident_wrong <= 2, [f for f in score.failures if f["outcome"] == "confident_wrong"]
    assert score.top_share >= 0.85
    assert score.unsure_unanswerable >= score.questions - score.answerable - 1


@pytest.mark.xfail(reason="issue #14 goal, not reached offline yet: fact stated >= 0.8, no confident wrong answer")
def test_goal_on_unseen_paraphrases(score: AnswerScore) -> None:
    assert score.stated_share >= 0.8 and score.confident_wrong == 0


def test_a_table_keeps_its_header_and_every_row_is_a_unit() -> None:
    # The header row of a table with rows used to be dropped with its separator, taking the first row with it.
    section = next(s for s in parse_document(POLICIES / "expenses.ja.md") if s.id == "expenses#第8条")
    assert "| 区分 | 自動承認の上限 |" in section.text
    assert "交通費(transport) — ¥5,000以下" in passage_units(section)


def test_an_amount_and_a_synonym_find_who_approves() -> None:
    kb = KnowledgeBase(POLICIES)
    answer = answer_question(kb, "15万円のパソコンを買ったら誰のハンコがいる?")
    assert answer.confident and answer.citations[0] == "expenses#第9条"
    assert "経理" in answer.text  # finance approves too, over ¥100,000


def test_the_sentence_holding_the_fact_is_quoted_not_the_first_item() -> None:
    kb = KnowledgeBase(POLICIES)
    answer = answer_question(kb, "If my brother passes away, how much bereavement leave can I take?")
    assert "sibling" in answer.text and ("3 days" in answer.text or "— 3" in answer.text)


def test_an_english_question_with_a_japanese_word_is_english() -> None:
    assert detect_locale("Can a team lunch with only our own staff be booked as 会議費?") == "en"
    assert detect_locale("PTOの有効期限ってどのくらい?") == "ja"


@pytest.mark.parametrize("question", [c["q"] for c in CASES if not c["answerable"]])
def test_most_questions_the_policies_do_not_answer_are_unsure(question: str) -> None:
    if question.startswith("Where can I park"):
        pytest.xfail("parking is named in the public-transport exclusions; still answered with confidence")
    assert not answer_question(KnowledgeBase(POLICIES), question).confident
