"""The written policies say the same numbers as the rule files the bot enforces."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    for topic in ("expenses", "leave", "approvals"):
        ja = (POLICIES / f"{topic}.ja.md").read_text(encoding="utf-8")
        en = (POLICIES / f"{topic}.en.md").read_text(encoding="utf-8")
        assert ja.count("\n## ") == en.count("\n## "), topic
