"""contracts.yaml and stamp_duty.yaml: the shipped values, and what an admin sees after a typo:
an error that names the file and the key. Also the wording files the red flags draw on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.contracts.wording import WordingError, default_wording, load_wording
from bot.rules.loader import RuleError, RuleSet, load_rules

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "knowledge" / "rules", tmp_path / "rules")
    return tmp_path


def edit(knowledge: Path, name: str, old: str, new: str) -> Path:
    path = knowledge / "rules" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def the_problem(knowledge: Path) -> str:
    with pytest.raises(RuleError) as info:
        load_rules(knowledge)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


def test_shipped_contract_rules_carry_the_reference_company_numbers(rules: RuleSet) -> None:
    c = rules.contracts
    assert c.approval.ceo_from_yen == 10_000_000
    assert c.approval.auto_approve_types == ["nda"]
    assert list(c.checklist) == [
        "antisocial", "liability", "renewal", "termination", "governing_law", "jurisdiction", "payment", "ip",
        "confidentiality", "non_compete",
    ]  # fmt: skip
    payment, renewal, non_compete = c.checklist["payment"], c.checklist["renewal"], c.checklist["non_compete"]
    assert (payment.max_days.value, payment.max_days.unit) == (60, "days")  # type: ignore[union-attr]
    assert (renewal.notice_max.value, renewal.notice_max.unit) == (1, "months")  # type: ignore[union-attr]
    assert (non_compete.max.value, non_compete.max.unit) == (1, "years")  # type: ignore[union-attr]
    assert c.checklist["antisocial"].missing == "red_flag"  # type: ignore[union-attr]
    assert [d.name for d in c.deny_list] == ["株式会社黒鉄興業", "合同会社シャドウファイナンス"]
    assert rules.stamp_duty.classes["no7"].flat_yen == 4_000
    assert [r.until.isoformat() for r in rules.stamp_duty.reduced] == ["2027-03-31", "2027-03-31"]


def test_a_company_changes_a_threshold_without_code(knowledge: Path) -> None:
    from bot.contracts import check_contract
    from tests.contracts_samples import JA_OUTSOURCING_90

    edit(knowledge, "contracts.yaml", "max_days: 60 days", "max_days: 3 months")
    rules = load_rules(knowledge)
    import datetime as dt

    report = check_contract(JA_OUTSOURCING_90, rules, made_on=dt.date(2026, 12, 1))
    assert report.item("payment").status.value == "ok"  # 90 days ≤ 3 months of 30 days


def test_the_shipped_rule_files_change_the_version(knowledge: Path) -> None:
    before = load_rules(knowledge).version
    edit(knowledge, "stamp_duty.yaml", "flat_yen: 4000", "flat_yen: 5000")
    assert load_rules(knowledge).version != before


def test_unknown_key_typo_is_named_with_a_suggestion(knowledge: Path) -> None:
    path = edit(knowledge, "contracts.yaml", "    notice_max: 1 month", "    notice_maximum: 1 month")
    with pytest.raises(RuleError) as info:
        load_rules(knowledge)
    assert info.value.problems == [
        f"{path}: key 'checklist.renewal.notice_max' is missing",
        f"{path}: unknown key 'checklist.renewal.notice_maximum' (did you mean 'notice_max'?)",
    ]


def test_a_mistyped_check_kind_suggests_the_right_one(knowledge: Path) -> None:
    path = edit(knowledge, "contracts.yaml", "check: non_compete", "check: noncompete")
    msg = the_problem(knowledge)
    assert msg.startswith(f"{path}: key 'checklist.non_compete.check': 'noncompete' is not one of presence, ")
    assert msg.endswith("(did you mean 'non_compete'?)")


@pytest.mark.parametrize(
    ("old", "new", "key", "shown"),
    [
        ("max_days: 60 days", "max_days: 60 dayz", "checklist.payment", "60 dayz"),
        ("    missing: red_flag\n", "    missing: fatal\n", "checklist.antisocial", "fatal"),
        ("ceo_from_yen: 10000000", "ceo_from_yen: ten million", "approval.ceo_from_yen", "ten million"),
        ("check: non_compete", "check: noncompete", "checklist.non_compete", "noncompete"),
        ("auto_approve_types: [nda]", "auto_approve_types: [ndas]", "approval.auto_approve_types", "ndas"),
        ("stamp_class: not_taxable\n  realty_sale", "stamp_class: none\n  realty_sale", "contract_types.nda", "none"),
    ],
    ids=["period", "level", "amount", "check-kind", "unknown-type", "stamp-class"],
)
def test_a_bad_value_names_file_key_and_value(knowledge: Path, old: str, new: str, key: str, shown: str) -> None:
    path = edit(knowledge, "contracts.yaml", old, new)
    msg = the_problem(knowledge)
    assert str(path) in msg
    assert key in msg
    assert shown in msg


def test_a_checklist_item_without_its_words_is_refused(knowledge: Path) -> None:
    path = edit(knowledge, "contracts.yaml", "    missing: red_flag\n\n  liability:", "\n  liability:")
    msg = the_problem(knowledge)
    assert str(path) in msg
    assert "checklist.antisocial" in msg and "missing" in msg


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("{up_to_yen: 500000, duty_yen: 400}", "{up_to_yen: 50000, duty_yen: 400}", "must rise"),
        ("{up_to_yen: null, duty_yen: 600000}\n  no2", "{up_to_yen: 9999999999, duty_yen: 600000}\n  no2", "null"),
        ("    until: 2027-03-31\n    applies_over_yen: 100000", "    until: 2013-03-31\n    applies_over_yen: 100000",
         "before from"),
        ("    flat_yen: 4000", "    flat_yen: 4000\n    bands: [{up_to_yen: null, duty_yen: 1}]", "not both"),
        ("  no7:", "  no8:", "no1, no2, no7"),
    ],
    ids=["bands-not-rising", "last-band-bounded", "dates-reversed", "flat-and-bands", "unknown-class"],
)  # fmt: skip
def test_stamp_table_mistakes_are_named(knowledge: Path, old: str, new: str, words: str) -> None:
    path = edit(knowledge, "stamp_duty.yaml", old, new)
    with pytest.raises(RuleError) as info:
        load_rules(knowledge)
    assert any(str(path) in p and words in p for p in info.value.problems), info.value.problems


def test_a_reduced_rate_subject_must_exist_in_the_stamp_file(knowledge: Path) -> None:
    path = edit(knowledge, "contracts.yaml", "stamp_subject: realty_sale", "stamp_subject: realty")
    msg = the_problem(knowledge)
    assert str(path) in msg
    assert "contract_types.realty_sale.stamp_subject" in msg
    assert "'realty'" in msg and "construction, realty_sale" in msg


def test_a_missing_contract_rule_file_is_named(knowledge: Path) -> None:
    path = knowledge / "rules" / "stamp_duty.yaml"
    path.unlink()
    msg = the_problem(knowledge)
    assert str(path) in msg and "missing" in msg


# -- prompts/contract_*.md ---------------------------------------------------------------------------


def test_every_checklist_item_has_suggested_wording_in_both_languages(rules: RuleSet) -> None:
    wording = default_wording()
    wording.check_keys(list(rules.contracts.checklist))
    text = wording.suggestion("payment", "ja", us="甲", them="乙", limit="60日")
    assert text.startswith("甲は、乙から成果物の納品")
    assert "$" not in text
    assert "$item_title" not in wording.item_prompt("en", item_title="Liability cap (ours)")


def test_a_missing_wording_section_names_file_and_key(tmp_path: Path, rules: RuleSet) -> None:
    for name in ("contract_wording.ja.md", "contract_wording.en.md", "contract_item.ja.md", "contract_item.en.md"):
        shutil.copy(ROOT / "prompts" / name, tmp_path / name)
    path = tmp_path / "contract_wording.en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("## ip\n", "## ipp\n"), encoding="utf-8")
    with pytest.raises(WordingError) as info:
        load_wording(tmp_path).check_keys(list(rules.contracts.checklist), tmp_path)
    assert info.value.problems == [f"{path}: no section '## ip' (checklist item in contracts.yaml)"]


def test_a_missing_prompt_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(WordingError) as info:
        load_wording(tmp_path)
    assert any(str(tmp_path / "contract_item.ja.md") in p for p in info.value.problems)
