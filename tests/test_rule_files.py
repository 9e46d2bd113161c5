"""The rule files: the shipped knowledge loads, its version follows its content, and a broken
file is refused with a message that names the file and the key (what an admin editing it sees).
Also the qualified-invoice number check (jp-rules.md §2.1)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.rules.invoice import invoice_check_digit_ok, normalize_invoice_number
from bot.rules.loader import RuleError, load_rules

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A private copy of the shipped rule files to break."""
    shutil.copytree(KNOWLEDGE / "rules", tmp_path / "rules")
    return tmp_path


def edit(knowledge: Path, name: str, old: str, new: str) -> Path:
    path = knowledge / "rules" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def problems(knowledge: Path) -> list[str]:
    with pytest.raises(RuleError) as info:
        load_rules(knowledge)
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


def the_problem(knowledge: Path) -> str:
    found = problems(knowledge)
    assert len(found) == 1, found
    return found[0]


# -- the shipped knowledge ----------------------------------------------------------------------


def test_shipped_rules_load_with_the_reference_thresholds():
    rules = load_rules(KNOWLEDGE)
    assert re.fullmatch(r"[0-9a-f]{12}", rules.version)
    assert rules.expenses.submission_deadline.max_days_after_expense == 60
    assert rules.expenses.receipt.required_from_yen == 3000
    assert rules.expenses.invoice_number.required_from_yen == 30_000
    assert rules.expenses.auto_approve_max_yen == {
        "transport": 5000,
        "supplies": 3000,
        "books": 5000,
        "communication": 3000,
    }
    assert (rules.expenses.routing.finance_over_yen, rules.expenses.routing.ceo_over_yen) == (100_000, 500_000)
    assert rules.leave.annual.full_time_days == [10, 11, 12, 14, 16, 18, 20]
    assert rules.leave.units.hourly_cap_hours_per_year == 40
    assert rules.leave.auto_approve.team_absent_below == pytest.approx(1 / 3)
    assert rules.routing.chain_order == ["manager", "finance", "hr", "legal", "ceo"]


def test_version_is_stable_for_the_same_content(knowledge):
    assert load_rules(knowledge).version == load_rules(KNOWLEDGE).version


def test_version_changes_when_a_file_changes(knowledge):
    before = load_rules(knowledge).version
    edit(knowledge, "expenses.yaml", "max_days_after_expense: 60", "max_days_after_expense: 45")
    after = load_rules(knowledge)
    assert re.fullmatch(r"[0-9a-f]{12}", after.version)
    assert after.version != before
    assert after.expenses.submission_deadline.max_days_after_expense == 45


def test_version_changes_when_another_file_changes(knowledge):
    before = load_rules(knowledge).version
    edit(knowledge, "calendar.yaml", "company_holidays: []", "company_holidays: [2026-08-14]")
    assert load_rules(knowledge).version != before


# -- broken files ---------------------------------------------------------------------------------


def test_unknown_key_typo_names_file_key_and_suggests_the_right_one(knowledge):
    path = edit(knowledge, "expenses.yaml", "required_from_yen: 3000", "requird_from_yen: 3000")
    found = problems(knowledge)
    typo = [p for p in found if "requird_from_yen" in p]
    assert len(typo) == 1, found
    assert str(path) in typo[0]
    assert "receipt.requird_from_yen" in typo[0]
    assert "'required_from_yen'" in typo[0]
    assert "did you mean" in typo[0]


def test_wrong_type_names_the_key_and_the_value(knowledge):
    path = edit(knowledge, "expenses.yaml", "ceo_over_yen: 500000", "ceo_over_yen: lots")
    msg = the_problem(knowledge)
    assert str(path) in msg
    assert "routing.ceo_over_yen" in msg
    assert "lots" in msg


def test_negative_amount_is_refused(knowledge):
    edit(knowledge, "expenses.yaml", "finance_over_yen: 100000", "finance_over_yen: -1")
    assert "routing.finance_over_yen" in the_problem(knowledge)


def test_broken_yaml_names_the_file_and_line(knowledge):
    path = knowledge / "rules" / "routing.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "chain_order: [manager, finance")  # line 3 opens a list it never closes
    lines.insert(3, "oops: here: there")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    msg = the_problem(knowledge)
    assert str(path) in msg
    assert re.search(r"line 4\b", msg), msg
    assert "invalid YAML" in msg


def test_tab_indent_names_the_line(knowledge):
    path = knowledge / "rules" / "leave.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("hours_per_day"))
    lines.insert(number, "\tbad")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    msg = the_problem(knowledge)
    assert str(path) in msg
    assert f"line {number + 1}," in msg


def test_missing_file_is_named(knowledge):
    path = knowledge / "rules" / "routing.yaml"
    path.unlink()
    msg = the_problem(knowledge)
    assert str(path) in msg
    assert "missing" in msg


def test_missing_rule_folder_is_named(tmp_path):
    msg = the_problem(tmp_path)
    assert str(tmp_path / "rules") in msg


def test_misnamed_rule_file_is_reported_with_a_suggestion(knowledge):
    (knowledge / "rules" / "leave.yaml").rename(knowledge / "rules" / "leaves.yaml")
    found = problems(knowledge)
    assert any("leaves.yaml" in p and "unknown rule file" in p and "'leave.yaml'" in p for p in found), found
    assert any(str(knowledge / "rules" / "leave.yaml") in p and "missing" in p for p in found), found


def test_unknown_category_in_auto_approve_limits(knowledge):
    path = edit(knowledge, "expenses.yaml", "  communication: 3000\n", "  communication: 3000\n  food: 1000\n")
    msg = the_problem(knowledge)
    assert str(path) in msg
    assert "auto_approve_max_yen" in msg
    assert "'food'" in msg


@pytest.mark.parametrize(
    ("old", "new", "key", "bad"),
    [
        ("exempt_types: [sick]", "exempt_types: [sick, holiday]", "notice.exempt_types", "holiday"),
        ("leave_types: [annual]", "leave_types: [annual, vacation]", "auto_approve.leave_types", "vacation"),
    ],
)
def test_unknown_leave_type_names_the_key(knowledge, old, new, key, bad):
    path = edit(knowledge, "leave.yaml", old, new)
    msg = the_problem(knowledge)
    assert str(path) in msg
    assert key in msg
    assert f"'{bad}'" in msg


def test_unknown_role_is_refused(knowledge):
    edit(knowledge, "expenses.yaml", "add_role: finance", "add_role: accounting")
    msg = the_problem(knowledge)
    assert "duplicates.add_role" in msg
    assert "accounting" in msg


def test_every_problem_in_every_file_is_listed_at_once(knowledge):
    edit(knowledge, "expenses.yaml", "ceo_over_yen: 500000", "ceo_over_yen: lots")
    edit(knowledge, "leave.yaml", "hours_per_day: 8", "hours_per_dya: 8")
    found = problems(knowledge)
    assert any("expenses.yaml" in p and "ceo_over_yen" in p for p in found), found
    assert any("leave.yaml" in p and "hours_per_dya" in p and "'hours_per_day'" in p for p in found), found


# -- qualified-invoice numbers (E3) ---------------------------------------------------------

PUBLISHED = ["T7010705000725", "T4011001098993", "T2120901007402", "T7123456789012", "T5835678256246"]


@pytest.mark.parametrize("number", PUBLISHED)
def test_published_examples_pass_the_check_digit(number):
    assert invoice_check_digit_ok(number)


@pytest.mark.parametrize("number", PUBLISHED)
def test_any_single_digit_typo_fails_except_a_0_9_swap(number):
    for pos in range(1, 14):
        for digit in "0123456789":
            if digit == number[pos]:
                continue
            typo = number[:pos] + digit + number[pos + 1 :]
            swap_0_9 = pos >= 2 and {digit, number[pos]} == {"0", "9"}
            assert invoice_check_digit_ok(typo) is swap_0_9, typo


@pytest.mark.parametrize("bad", ["T701070500072", "T70107050007255", "7010705000725", "X7010705000725", ""])
def test_check_digit_needs_t_and_13_digits(bad):
    assert not invoice_check_digit_ok(bad)


@pytest.mark.parametrize(
    "text",
    [
        "T7010705000725",
        "T-7010-7050-00725",
        "T 7010 7050 00725",
        "Ｔ７０１０７０５０００７２５",
        "t7010705000725",
        "7010705000725",
        "  T7010705000725  ",
    ],
)
def test_normalisation(text):
    assert normalize_invoice_number(text) == "T7010705000725"


@pytest.mark.parametrize("text", ["T701070500072", "T70107050007251", "T7010-ABCD-00725", "登録番号なし", ""])
def test_normalisation_refuses_what_is_not_13_digits(text):
    assert normalize_invoice_number(text) is None
