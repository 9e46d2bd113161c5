"""The written policies say the same numbers as the rule files the bot enforces."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.knowledge.documents import parse_document
from bot.rules.loader import RuleSet

POLICIES = Path(__file__).resolve().parents[1] / "knowledge" / "policies"


def yen(n: int) -> str:
    return f"¥{n:,}"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_expense_policy_states_every_threshold_of_the_rule_file(rules: RuleSet, lang: str) -> None:
    text = (POLICIES / f"expenses.{lang}.md").read_text(encoding="utf-8")
    p = rules.expenses
    amounts = {
        p.receipt.required_from_yen,
        p.invoice_number.required_from_yen,
        p.entertainment.meeting_cost_per_person_max_yen,
        p.entertainment.finance_per_person_over_yen,
        p.routing.finance_over_yen,
        p.routing.ceo_over_yen,
        *p.auto_approve_max_yen.values(),
    }
    missing = [yen(a) for a in sorted(amounts) if yen(a) not in text]
    assert not missing, f"expenses.{lang}.md does not mention {missing}"
    assert str(p.submission_deadline.max_days_after_expense) in text
    for rule_id in ("E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8"):
        assert rule_id in text


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_leave_policy_states_the_grant_table_caps_and_notice(rules: RuleSet, lang: str) -> None:
    text = (POLICIES / f"leave.{lang}.md").read_text(encoding="utf-8")
    lp = rules.leave
    assert str(lp.units.hourly_cap_hours_per_year) in text
    assert str(lp.notice.long_working_days_ahead) in text
    for days in lp.annual.full_time_days:
        assert str(days) in text
    for rule_id in ("L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9", "L10"):
        assert rule_id in text


def test_both_languages_have_the_same_sections() -> None:
    for topic in ("expenses", "leave", "approvals", "travel", "contracts", "faq"):
        ja = (POLICIES / f"{topic}.ja.md").read_text(encoding="utf-8")
        en = (POLICIES / f"{topic}.en.md").read_text(encoding="utf-8")
        assert ja.count("\n## ") == en.count("\n## "), topic


# -- every document, the new ones included --------------------------------------------------

RULES = POLICIES.parent / "rules"
# The rule files whose numbers each document may state. A file not written yet is skipped:
# the contract rules arrive separately, and the check starts to bite the day they do.
SOURCES = {
    "expenses": ["expenses.yaml"],
    "travel": ["expenses.yaml"],
    "leave": ["leave.yaml"],
    "approvals": ["expenses.yaml", "contracts.yaml"],
    "contracts": ["contracts.yaml"],
    "faq": ["expenses.yaml", "leave.yaml", "contracts.yaml"],
}
# A yen amount and the bound written next to it: 以上/or more and 未満/under speak of a "from"
# threshold, 以下/or less of a "max", 超/over of an "over" (README: bounds must match exactly).
_JA_AMOUNT = re.compile(r"¥(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?P<bound>以上|以下|超|未満|を超え)?")
_EN_AMOUNT = re.compile(
    r"(?P<pre>over|more than|under|below|up to)?\s*¥(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?P<post>\s+or (?:more|less))?"
)
_BOUND = {
    "以上": "from", "未満": "from", "or more": "from", "under": "from", "below": "from",
    "以下": "max", "or less": "max", "up to": "max",
    "超": "over", "を超え": "over", "over": "over", "more than": "over",
}  # fmt: skip
_EXAMPLE = re.compile(r"例[:：]|e\.g\.|Example", re.IGNORECASE)


def _rule_numbers(files: list[str]) -> dict[int, set[str | None]]:
    """Every number in the rule files, with the bound its key names (None: the key says none)."""
    found: dict[int, set[str | None]] = {}

    def walk(node: object, bound: str | None) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                k = str(key)
                kind = next((b for b in ("from", "max", "over") if k.endswith(f"_{b}_yen")), bound)
                walk(value, kind)
        elif isinstance(node, list):
            for value in node:
                walk(value, bound)
        elif isinstance(node, int | float) and not isinstance(node, bool):
            found.setdefault(int(node), set()).add(bound)

    for name in files:
        path = RULES / name
        if path.exists():
            walk(yaml.safe_load(path.read_text(encoding="utf-8")), None)
    return found


def _stated_amounts(text: str, lang: str) -> list[tuple[int, str | None, str]]:
    out = []
    for line in text.splitlines():
        if _EXAMPLE.search(line):
            continue  # an example's amount is made up on purpose
        if lang == "ja":
            for m in _JA_AMOUNT.finditer(line):
                out.append((int(m["n"].replace(",", "")), _BOUND.get(m["bound"] or ""), line))
        else:
            for m in _EN_AMOUNT.finditer(line):
                word = (m["post"] or "").strip() or (m["pre"] or "")
                out.append((int(m["n"].replace(",", "")), _BOUND.get(word), line))
    return out


def _documents() -> list[Path]:
    # faq-added.<lang>.md holds answers the teams saved from chat (a demo run may create one): written by
    # people, in the asker's language only, so these shipped-document checks do not apply to it.
    return sorted(p for p in POLICIES.glob("*.md") if p.name != "README.md" and not p.name.startswith("faq-added."))


@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.name)
def test_every_amount_a_document_states_is_a_rule_file_threshold_with_the_same_bound(path: Path) -> None:
    doc, lang = path.name.split(".")[:2]
    files = [f for f in SOURCES[doc] if (RULES / f).exists()]
    if not files:
        pytest.skip(f"{SOURCES[doc]} not written yet")
    numbers = _rule_numbers(files)
    for amount, bound, line in _stated_amounts(path.read_text(encoding="utf-8"), lang):
        assert amount in numbers, f"{path.name}: ¥{amount:,} is in no rule file {files}: {line!r}"
        kinds = numbers[amount]
        assert bound is None or None in kinds or bound in kinds, (
            f"{path.name}: ¥{amount:,} is written as '{bound}' but the rule file has {kinds}: {line!r}"
        )


def test_every_document_has_both_languages_with_the_same_section_ids() -> None:
    docs = {p.name.split(".")[0] for p in _documents()}
    assert {"expenses", "leave", "approvals", "travel", "contracts", "faq"} <= docs
    for doc in docs:
        ja = [s.id for s in parse_document(POLICIES / f"{doc}.ja.md")]
        en = [s.id for s in parse_document(POLICIES / f"{doc}.en.md")]
        assert ja == en, doc
        assert len(set(ja)) == len(ja), f"{doc}: a section id twice"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_travel_policy_states_the_expense_rules_a_trip_meets(rules: RuleSet, lang: str) -> None:
    text = (POLICIES / f"travel.{lang}.md").read_text(encoding="utf-8")
    p = rules.expenses
    for amount in (p.receipt.required_from_yen, p.invoice_number.required_from_yen):
        assert yen(amount) in text
    assert yen(p.routing.finance_over_yen) in text and yen(p.routing.ceo_over_yen) in text
    assert str(p.submission_deadline.max_days_after_expense) in text
    assert "travel" in p.categories and "travel" not in p.auto_approve_max_yen  # hence "never automatic"
    for rule_id in ("E1", "E2", "E3", "E5", "E6", "E8"):
        assert rule_id in text


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_contract_standard_states_the_checklist_and_approval_thresholds(lang: str) -> None:
    text = (POLICIES / f"contracts.{lang}.md").read_text(encoding="utf-8")
    for rule_id in ("C1", "C2", "C3", "C4", "C5"):
        assert rule_id in text
    # reference-company.md C2/C3: 60 days' payment, 1 month's opt-out notice, non-compete 1 year, ¥10,000,000.
    assert "¥10,000,000" in text
    stated = {"ja": ["60日", "1か月", "1年", "東京地方裁判所", "日本法"], "en": ["60 days", "1 month", "1 year",
              "Tokyo District Court", "law of Japan"]}[lang]  # fmt: skip
    for phrase in stated:
        assert phrase in text, phrase
    path = RULES / "contracts.yaml"
    if path.exists():  # where the rule file has the numbers, they must be the same
        assert 10_000_000 in _rule_numbers(["contracts.yaml"])
        periods = _rule_strings(yaml.safe_load(path.read_text(encoding="utf-8")))
        for period in ("60 days", "1 month", "1 year"):  # the file writes periods so
            assert period in periods, f"contracts.yaml has no '{period}' though contracts.{lang}.md states it"


def _rule_strings(node: object) -> set[str]:
    if isinstance(node, dict):
        return set().union(*(_rule_strings(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_rule_strings(v) for v in node))
    return {node} if isinstance(node, str) else set()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_faq_states_the_leave_numbers_of_the_rule_file(rules: RuleSet, lang: str) -> None:
    text = (POLICIES / f"faq.{lang}.md").read_text(encoding="utf-8")
    lp = rules.leave
    for days in lp.annual.full_time_days:
        assert str(days) in text
    assert str(lp.units.hourly_cap_hours_per_year) in text
    assert f"{lp.sick.paid_days_per_year:g}" in text
    assert str(lp.notice.long_working_days_ahead) in text
    assert f"{lp.five_day_duty.required_days:g}" in text
    assert str(rules.expenses.submission_deadline.max_days_after_expense) in text
    for reason in lp.special.reasons.values():
        assert f"{reason.days:g}" in text
