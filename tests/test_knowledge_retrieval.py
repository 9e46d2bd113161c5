"""Policy search finds the section that answers an employee's question, in either language."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, detect_locale, is_personal_data_question
from bot.knowledge.documents import parse_document

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "knowledge" / "policies"
QUESTIONS = [json.loads(line) for line in (ROOT / "tests" / "data" / "questions.jsonl").open(encoding="utf-8")]
ANSWERABLE = [q for q in QUESTIONS if q["expected"]]
OUT_OF_SCOPE = [q for q in QUESTIONS if not q["expected"]]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    shipped = KnowledgeBase(POLICIES)
    shipped.reindex()
    return shipped


def _copy_policies(dest: Path, pattern: str = "*") -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for p in POLICIES.glob(pattern):
        shutil.copy(p, dest / p.name)
    for name in ("glossary.yaml", "search.yaml"):
        shutil.copy(POLICIES / name, dest / name)
    return dest


def _top1(kb: KnowledgeBase, questions: list[dict[str, object]]) -> tuple[float, list[str]]:
    misses = []
    for q in questions:
        result = kb.search(str(q["q"]), str(q["lang"]))
        got = result.top.id if result.top else None
        if got not in q["expected"]:  # type: ignore[operator]
            misses.append(f"{q['q']} → {got} (expected {q['expected']})")
    return 1 - len(misses) / len(questions), misses


# -- the question set ----------------------------------------------------------------------


def test_the_question_set_is_big_enough_and_bilingual() -> None:
    assert len(ANSWERABLE) >= 40
    langs = {q["lang"] for q in ANSWERABLE}
    assert langs == {"ja", "en"}
    assert min(sum(q["lang"] == lang for q in ANSWERABLE) for lang in langs) >= 20


def test_top1_citation_accuracy_is_at_least_90_percent(kb: KnowledgeBase) -> None:
    accuracy, misses = _top1(kb, ANSWERABLE)
    print(f"top-1 citation accuracy {accuracy:.3f} over {len(ANSWERABLE)} questions")
    assert accuracy >= 0.9, "\n".join(misses)


def test_every_expected_section_exists(kb: KnowledgeBase) -> None:
    ids = {s.id for s in kb.sections}
    for q in ANSWERABLE:
        assert set(q["expected"]) <= ids, q


def test_answerable_questions_are_often_answered_with_confidence_and_then_rightly(kb: KnowledgeBase) -> None:
    # A confident answer must be right (#14); the bar in search.yaml is set so, and the rest are quoted unsure.
    results = [(q, kb.search(q["q"], q["lang"])) for q in ANSWERABLE]
    sure = [(q, r) for q, r in results if r.confident]
    assert len(sure) / len(ANSWERABLE) >= 0.55
    assert [q["q"] for q, r in sure if r.top is None or r.top.id not in q["expected"]] == []


def test_questions_the_policies_do_not_answer_are_mostly_unsure(kb: KnowledgeBase) -> None:
    unsure = [q["q"] for q in OUT_OF_SCOPE if not kb.search(q["q"], q["lang"]).confident]
    assert len(unsure) / len(OUT_OF_SCOPE) >= 0.8, set(q["q"] for q in OUT_OF_SCOPE) - set(unsure)


def test_no_policy_question_is_taken_for_a_question_about_ones_own_data() -> None:
    assert [q["q"] for q in QUESTIONS if is_personal_data_question(q["q"])] == []


# -- across languages ------------------------------------------------------------------------


@pytest.mark.parametrize(("only", "asked"), [("ja", "en"), ("en", "ja")])
def test_a_question_finds_the_article_when_only_the_other_language_has_it(
    tmp_path: Path, only: str, asked: str
) -> None:
    # The shipped documents all exist in both languages, so the glossary's reach is measured by
    # taking one language away: English questions against the Japanese documents alone, and back.
    kb = KnowledgeBase(_copy_policies(tmp_path, f"*.{only}.md"))
    accuracy, misses = _top1(kb, [q for q in ANSWERABLE if q["lang"] == asked])
    assert accuracy >= 0.8, "\n".join(misses)


def test_an_english_question_cites_the_japanese_article_and_quotes_it(tmp_path: Path) -> None:
    kb = KnowledgeBase(_copy_policies(tmp_path, "travel.ja.md"))
    result = kb.search("What's the per diem for business trips?", "en")
    assert result.top is not None and result.top.id == "travel#第5条"
    assert result.top.section.lang == "ja"  # no English version to prefer


def test_the_asker_gets_the_section_in_their_language_when_there_is_one(kb: KnowledgeBase) -> None:
    assert kb.search("タクシー代って領収書いる?", "ja").top.section.lang == "ja"  # type: ignore[union-attr]
    en = kb.search("Do I need a receipt for a taxi?", "en").top
    assert en is not None and en.section.lang == "en" and {v.lang for v in en.versions} == {"ja", "en"}


def test_locale_follows_the_script_when_not_given() -> None:
    assert detect_locale("有給って何日もらえる?") == "ja"
    assert detect_locale("How many vacation days do I get?") == "en"


# -- sections ----------------------------------------------------------------------------------


def test_sections_have_stable_ids_titles_headings_and_owners(kb: KnowledgeBase) -> None:
    by_id = {(s.id, s.lang): s for s in kb.sections}
    receipts = by_id[("expenses#第4条", "ja")]
    assert (receipts.title, receipts.label, receipts.name) == ("経費精算規程", "第4条", "領収書")
    assert by_id[("expenses#第4条", "en")].heading == "§4 Receipts"
    assert by_id[("faq#q3", "en")].label == "Q3"
    assert receipts.rule_ids == ("E2",)
    owners = {
        "expenses#第4条": "finance",
        "travel#第5条": "finance",
        "leave#第4条": "hr",
        "contracts#第10条": "legal",
        "faq#q1": "finance",  # cites E2
        "faq#q6": "finance",  # names the travel policy
        "faq#q7": "hr",
        "faq#q16": "legal",
    }
    for section_id, owner in owners.items():
        assert {s.owner for s in kb.versions(section_id)} == {owner}, section_id


def test_an_overview_table_row_is_searched_with_the_section_it_points_to() -> None:
    sections = {s.id: s for s in parse_document(POLICIES / "expenses.ja.md")}
    assert "¥3,000以上は必要" in sections["expenses#第4条"].digest
    assert "¥3,000以上は必要" not in sections["expenses#第1条"].text


# -- keeping the index fresh -----------------------------------------------------------------


@pytest.fixture
def small_kb(tmp_path: Path) -> Iterator[tuple[KnowledgeBase, Path]]:
    root = _copy_policies(tmp_path / "policies", "leave.*.md")
    kb = KnowledgeBase(root)
    kb.reindex()
    yield kb, root


def _touch_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_an_edited_document_is_searched_as_edited_without_a_restart(small_kb: tuple[KnowledgeBase, Path]) -> None:
    kb, root = small_kb
    question = "ボランティア休暇は何日?"
    assert not kb.search(question).confident
    doc = root / "leave.ja.md"
    doc.write_text(
        doc.read_text(encoding="utf-8") + "\n## 第15条 ボランティア休暇\n\nボランティア休暇は年3日とする。\n",
        encoding="utf-8",
    )
    _touch_later(doc)
    result = kb.search(question)
    assert result.top is not None and result.top.id == "leave#第15条" and result.confident


def test_a_removed_document_is_no_longer_found(small_kb: tuple[KnowledgeBase, Path]) -> None:
    kb, root = small_kb
    assert any(s.lang == "en" for s in kb.sections)
    (root / "leave.en.md").unlink()
    assert kb.refresh() is True
    assert {s.lang for s in kb.sections} == {"ja"}


def test_an_unchanged_knowledge_base_is_not_rebuilt(small_kb: tuple[KnowledgeBase, Path]) -> None:
    kb, _ = small_kb
    assert kb.refresh() is False


def test_only_the_changed_file_is_read_again(
    small_kb: tuple[KnowledgeBase, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    kb, root = small_kb
    import bot.knowledge.index as index

    read: list[str] = []
    real = index.parse_document
    monkeypatch.setattr(index, "parse_document", lambda p: read.append(p.name) or real(p))
    doc = root / "leave.en.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _touch_later(doc)
    assert kb.refresh() is True
    assert read == ["leave.en.md"]


def test_the_glossary_is_data_and_a_change_to_it_applies(small_kb: tuple[KnowledgeBase, Path]) -> None:
    kb, root = small_kb
    (root / "glossary.yaml").write_text("terms:\n  - {ja: [忌引], en: [mourning leave]}\n", encoding="utf-8")
    _touch_later(root / "glossary.yaml")
    hit = kb.search("Is there mourning leave?", "en").top
    assert hit is not None and hit.id == "leave#第10条"
