"""C3 and C5 as rules: who a checked contract goes to, decided from what the checker recorded.

`decide()` sees a ContractReview (the report's facts), never the file: a decision can be replayed,
and the numbers come from knowledge/rules/contracts.yaml, not the code.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.models import ContractReview, Finding, Outcome, Severity
from bot.rules.engine import DecisionContext, decide
from bot.rules.loader import RuleSet, load_rules
from tests.people import WATANABE

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 24)

NDA = ContractReview(
    title="秘密保持契約書",
    contract_type="nda",
    mutual=True,
    counterparty="株式会社サンプル",
    findings=(Finding("C2.antisocial", Severity.INFO, "問題なし", "OK"),),
)


def decide_for(review: ContractReview, rules: RuleSet) -> tuple[Outcome, list[str], list[str], list[str]]:
    d = decide(review, DecisionContext(TODAY, WATANABE, rules))
    return d.outcome, [s.role for s in d.chain], [f.rule_id for f in d.findings], list(d.notify_roles)


def test_a_mutual_nda_with_no_red_flag_is_approved_by_rule_and_legal_told(rules: RuleSet) -> None:
    outcome, chain, ids, notify = decide_for(NDA, rules)
    assert outcome is Outcome.AUTO_APPROVED
    assert chain == [] and notify == ["legal"]
    assert ids == ["C2.antisocial", "C3"]  # the report's findings are kept, C3 says why it passed


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"red_flags": ("C2.liability",)}, "a red flag"),
        ({"mutual": False}, "one-way confidentiality"),
        ({"mutual": None}, "confidentiality not found"),
        ({"contract_type": "outsourcing"}, "not an NDA"),
        ({"contract_type": None}, "type not told"),
        ({"unread": ("contract.C1.pages_without_text",)}, "a page nobody could read"),
    ],
)
def test_anything_else_goes_to_legal(rules: RuleSet, change: dict, why: str) -> None:
    outcome, chain, ids, notify = decide_for(replace(NDA, **change), rules)
    assert outcome is Outcome.NEEDS_APPROVAL, why
    assert chain == ["legal"] and notify == []
    assert "C3" in ids


@pytest.mark.parametrize(
    ("amount", "chain"),
    [(9_999_999, ["legal"]), (10_000_000, ["legal", "ceo"]), (25_000_000, ["legal", "ceo"]), (None, ["legal"])],
)
def test_the_ceo_approves_from_ten_million_yen_after_legal(rules: RuleSet, amount: int | None, chain: list) -> None:
    review = replace(NDA, contract_type="outsourcing", amount_yen=amount)
    outcome, roles, _, _ = decide_for(review, rules)
    assert outcome is Outcome.NEEDS_APPROVAL and roles == chain
    d = decide(review, DecisionContext(TODAY, WATANABE, rules))
    messages = " ".join(f.message_ja for f in d.findings)
    if amount is None:
        assert "契約金額を読み取れませんでした" in messages  # the reviewer learns the CEO may be needed
    elif amount >= 10_000_000:
        assert "代表取締役の承認も必要" in messages


def test_even_a_standard_nda_at_ten_million_goes_to_legal_and_the_ceo(rules: RuleSet) -> None:
    outcome, chain, _, _ = decide_for(replace(NDA, amount_yen=10_000_000), rules)
    assert outcome is Outcome.NEEDS_APPROVAL and chain == ["legal", "ceo"]


def test_a_deny_listed_counterparty_always_goes_to_legal(rules: RuleSet) -> None:
    match = {"name": "株式会社黒鉄興業", "reason": "反社チェックで不適合", "found_as": "黒鉄興業"}
    review = replace(NDA, denied=(match,))
    outcome, chain, ids, notify = decide_for(review, rules)
    assert outcome is Outcome.NEEDS_APPROVAL and chain == ["legal"] and notify == []
    assert ids[0] == "C5"


def test_a_counterparty_put_on_the_deny_list_later_is_caught_when_decided_again(rules: RuleSet) -> None:
    # The checker found no match when it read the contract; the name is checked against today's list too.
    review = replace(NDA, counterparty="シャドウファイナンス合同会社")
    outcome, chain, ids, _ = decide_for(review, rules)
    assert outcome is Outcome.NEEDS_APPROVAL and chain == ["legal"]
    assert "C5" in ids
    d = decide(review, DecisionContext(TODAY, WATANABE, rules))
    assert "取引禁止先リスト" in next(f.message_ja for f in d.findings if f.rule_id == "C5")


def test_thresholds_and_types_come_from_the_rule_file(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    path = knowledge / "rules" / "contracts.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("ceo_from_yen: 10000000", "ceo_from_yen: 5000000").replace(
        "auto_approve_types: [nda]", "auto_approve_types: []"
    )
    path.write_text(text, encoding="utf-8")
    edited = load_rules(knowledge)
    assert decide_for(NDA, edited)[:2] == (Outcome.NEEDS_APPROVAL, ["legal"])  # no type approved by rule now
    assert decide_for(replace(NDA, amount_yen=5_000_000), edited)[1] == ["legal", "ceo"]


def test_a_contract_review_survives_the_store_round_trip() -> None:
    review = replace(
        NDA,
        amount_yen=1_200_000,
        electronic=False,
        denied=({"name": "x", "reason": "y", "found_as": "z"},),
        summary={"ja": (("種類", "秘密保持契約"),), "en": (("Type", "NDA"),)},
        file="/tmp/a.pdf",
    )
    assert ContractReview.from_dict(review.to_dict()) == review
