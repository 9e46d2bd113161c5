"""The optional LLM hook, with fake judges (no network): a judgement counts only with a quote that is
really in the contract, and it can only make an item stricter; the rules' reading always stands
otherwise, and a judge that fails loses nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from bot.contracts import ChecklistEntry, ItemJudgement, ItemStatus, check_contract, find_quote
from bot.contracts.clauses import Clause, split_clauses
from bot.rules.loader import RuleSet
from tests.contracts_samples import JA_MUTUAL_NDA, JA_OUTSOURCING_90

MADE_ON = dt.date(2026, 12, 1)


def judge_returning(key: str, judgement: ItemJudgement | None):
    asked: list[ChecklistEntry] = []

    def judge(entry: ChecklistEntry, clauses: Sequence[Clause]) -> ItemJudgement | None:
        asked.append(entry)
        return judgement if entry.key == key else None

    judge.asked = asked  # type: ignore[attr-defined]
    return judge


def test_a_verified_stricter_reading_is_adopted_with_the_ais_quote(rules: RuleSet) -> None:
    judgement = ItemJudgement(
        ItemStatus.RED_FLAG,
        quote="甲及び乙は、相手方から開示を受けた秘密情報を厳に秘密として保持し",
        reason_ja="開示範囲に従業員が含まれていません。",
        reason_en="Employees are not covered.",
    )
    judge = judge_returning("confidentiality", judgement)
    report = check_contract(JA_MUTUAL_NDA, rules, made_on=MADE_ON, judge=judge)
    item = report.item("confidentiality")
    assert (item.status, item.level, item.source) == (ItemStatus.RED_FLAG, "red_flag", "llm")
    assert item.explanation("ja") == "AIの判定: 開示範囲に従業員が含まれていません。"
    assert item.citation is not None and item.citation.clause_ja == "第３条（秘密保持義務）"
    assert item.suggestion_ja  # a red flag, whoever raised it, comes with wording
    assert report.has_red_flag and not report.is_standard_mutual_nda
    asked = judge.asked  # type: ignore[attr-defined]
    assert [e.key for e in asked] == list(rules.contracts.checklist)
    assert asked[0].us == "甲" and asked[0].them == "乙"
    assert asked[0].offline.status is ItemStatus.OK


def test_a_quote_that_is_not_in_the_contract_is_discarded(rules: RuleSet) -> None:
    invented = ItemJudgement(
        ItemStatus.RED_FLAG, quote="乙は、甲に対し無制限の損害賠償責任を負う。", reason_en="Unlimited."
    )
    report = check_contract(JA_MUTUAL_NDA, rules, made_on=MADE_ON, judge=judge_returning("liability", invented))
    item = report.item("liability")
    assert (item.status, item.source) == (ItemStatus.OK, "rules")
    assert item.ai_note is not None
    assert (
        item.ai_note.text("en")
        == "The AI's reading (Red flag) was not used: the words it quoted are not in the contract."
    )
    assert not report.has_red_flag and report.is_standard_mutual_nda


def test_a_milder_reading_never_lowers_a_red_flag(rules: RuleSet) -> None:
    milder = ItemJudgement(
        ItemStatus.OK, quote="毎月末日締め翌々月末日払い", reason_ja="業界慣行です。", reason_en="Industry practice."
    )
    report = check_contract(JA_OUTSOURCING_90, rules, made_on=MADE_ON, judge=judge_returning("payment", milder))
    item = report.item("payment")
    assert (item.status, item.source) == (ItemStatus.RED_FLAG, "rules")
    assert item.ai_note is not None
    assert item.ai_note.text("en") == "The AI reads it as 'OK' (for reference): Industry practice."


def test_a_missing_judgement_with_no_quote_is_discarded(rules: RuleSet) -> None:
    report = check_contract(
        JA_MUTUAL_NDA,
        rules,
        made_on=MADE_ON,
        judge=judge_returning("antisocial", ItemJudgement(ItemStatus.MISSING, "")),
    )
    assert report.item("antisocial").status is ItemStatus.OK


def test_a_failing_judge_leaves_the_rules_reading(rules: RuleSet) -> None:
    def broken(entry: ChecklistEntry, clauses: Sequence[Clause]) -> ItemJudgement:
        raise TimeoutError("model did not answer")

    report = check_contract(JA_OUTSOURCING_90, rules, made_on=MADE_ON, judge=broken)
    assert report.statuses() == check_contract(JA_OUTSOURCING_90, rules, made_on=MADE_ON).statuses()
    assert all(i.ai_note is not None and i.ai_note.key == "contract.ai.failed" for i in report.items)


def test_a_status_the_judge_made_up_is_treated_as_a_failure(rules: RuleSet) -> None:
    odd = ItemJudgement("fine", quote="毎月末日締め翌々月末日払い")  # type: ignore[arg-type]
    report = check_contract(JA_OUTSOURCING_90, rules, made_on=MADE_ON, judge=judge_returning("payment", odd))
    assert report.item("payment").status is ItemStatus.RED_FLAG
    assert report.item("payment").ai_note is not None


@pytest.mark.parametrize(
    "quote",
    [
        "毎月末日締め翌々月末日払いとし",  # as written
        "毎月末日締め 翌々月末日払いとし",  # a space the model added
        "「毎月末日締め翌々月末日払いとし」",  # in quotation marks
        "委託料は、毎月末日締め…乙の指定する銀行口座に振り込む",  # with an ellipsis
        "委託料は、毎月末日締め...乙の指定する銀行口座",  # three dots
    ],
)
def test_quotes_are_found_despite_spacing_marks_and_ellipses(quote: str) -> None:
    contract = split_clauses(JA_OUTSOURCING_90)
    citation = find_quote(quote, contract.clauses)
    assert citation is not None
    assert citation.clause_ja == "第4条（支払条件）"
    assert "翌々月末日払い" in citation.excerpt


def test_full_width_and_case_differences_are_folded() -> None:
    contract = split_clauses("第1条（支払）\n委託料は月額ＡＢＣ円とし、Net 30で支払う。")
    assert find_quote("月額ABC円とし、NET 30で支払う", contract.clauses) is not None


@pytest.mark.parametrize(
    "quote",
    [
        "甲",  # too short to prove anything
        "毎月末日締め翌月末日払い",  # close, but not what it says
        "振り込む方法により支払う…毎月末日締め",  # the right words in the wrong order
        "東京地方裁判所を第一審の専属的合意管轄裁判所…毎月末日締め翌々月末日払い",  # spread over two articles
    ],
)
def test_quotes_that_do_not_hold(quote: str) -> None:
    assert find_quote(quote, split_clauses(JA_OUTSOURCING_90).clauses) is None


def test_the_prompt_and_reply_helpers_for_wiring_a_real_model(rules: RuleSet) -> None:
    from bot.contracts.judge import JUDGEMENT_SCHEMA, item_messages, parse_judgement

    seen: list[tuple[str, str]] = []

    def judge(entry: ChecklistEntry, clauses: Sequence[Clause]) -> ItemJudgement | None:
        seen.append(item_messages(entry, clauses, "en"))
        # What a model would send back, in the shape of JUDGEMENT_SCHEMA.
        return parse_judgement({"status": "warning", "quote": "毎月末日締め翌々月末日払い", "reason": "Check."}, "en")

    report = check_contract(JA_OUTSOURCING_90, rules, made_on=MADE_ON, judge=judge)
    system, user = seen[6]  # the payment item
    assert "Payment within 60 days of delivery (C2.payment)" in system
    assert "red_flag" in system and "$" not in system
    assert user.startswith("Preamble\n業務委託契約書") and "第4条（支払条件）\n委託料は" in user
    assert report.item("payment").status is ItemStatus.RED_FLAG  # a milder AI reading changes nothing
    assert set(JUDGEMENT_SCHEMA["required"]) == {"status", "quote", "reason"}
    assert parse_judgement({"status": "great"}, "en") is None
