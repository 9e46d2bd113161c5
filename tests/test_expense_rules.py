"""Expense rules E1–E8 (reference-company.md) as the shipped knowledge sets them, with the
boundary on both sides of every threshold: what the claimant and the approvers would see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from bot.models import Decision, ExpenseClaim, Finding, Outcome, Severity
from bot.rules.engine import DecisionContext, PriorClaim, decide, is_public_transport
from bot.rules.loader import RuleSet
from tests.decisions import ids, only, roles, step_rules
from tests.people import WATANABE

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 24)
RECENT = TODAY - dt.timedelta(days=10)
GOOD_INVOICE = "T7010705000725"

REQUESTER = WATANABE


def claim(
    amount: int | str,
    category: str = "supplies",
    *,
    date: dt.date = RECENT,
    receipt: bool = True,
    **kw: object,
) -> ExpenseClaim:
    """A claim that passes every rule it is not about: dated ten days ago, with a receipt."""
    receipts = ("receipt.jpg",) if receipt else ()
    return ExpenseClaim(amount=Decimal(amount), date=date, category=category, receipts=receipts, **kw)  # type: ignore[arg-type]


def run(rules: RuleSet, c: ExpenseClaim, *prior: PriorClaim, today: dt.date = TODAY) -> Decision:
    return decide(c, DecisionContext(today=today, requester=REQUESTER, rules=rules, prior_claims=prior))


def assert_auto(d: Decision) -> None:
    assert d.outcome is Outcome.AUTO_APPROVED, d.findings
    assert d.chain == ()
    assert "E5" in ids(d)


def assert_bilingual_mentions(f: Finding, *texts: str) -> None:
    assert f.message_ja and f.message_en
    assert f.message_ja != f.message_en
    for text in texts:
        assert text in f.message_ja, f.message_ja
        assert text in f.message_en, f.message_en


# -- E1: submission deadline ------------------------------------------------------------------


def test_e1_claim_exactly_60_days_old_is_accepted(rules):
    d = run(rules, claim(1000, date=TODAY - dt.timedelta(days=60)))
    assert "E1" not in ids(d)
    assert_auto(d)


def test_e1_claim_61_days_old_is_rejected_with_the_reason(rules):
    d = run(rules, claim(1000, date=TODAY - dt.timedelta(days=61)))
    assert d.outcome is Outcome.REJECTED
    assert d.chain == ()
    f = only(d, "E1", Severity.REJECT)
    assert f.data == {"age": 61, "limit": 60}
    assert_bilingual_mentions(f, "61", "60")


def test_e1_late_claim_is_rejected_even_when_it_would_otherwise_need_approval(rules):
    d = run(rules, claim(200_000, "other", invoice_number=GOOD_INVOICE, date=TODAY - dt.timedelta(days=90)))
    assert d.outcome is Outcome.REJECTED
    assert d.chain == ()


def test_e1_future_expense_date_asks_to_check_the_date(rules):
    d = run(rules, claim(1000, date=TODAY + dt.timedelta(days=1)))
    assert d.outcome is Outcome.NEEDS_INFO
    assert d.chain == ()
    f = only(d, "E1", Severity.BLOCK)
    assert_bilingual_mentions(f, "2026-11-25")


def test_e1_claim_dated_today_is_accepted(rules):
    d = run(rules, claim(1000, date=TODAY))
    assert "E1" not in ids(d)
    assert_auto(d)


def test_e1_waived_by_finance_lets_a_late_claim_through(rules):
    d = run(rules, claim(1000, date=TODAY - dt.timedelta(days=61), waived=("E1",)))
    assert d.outcome is Outcome.AUTO_APPROVED
    f = only(d, "E1")
    assert f.severity is Severity.INFO
    assert "60" in f.message_en


def test_e1_waiver_of_another_rule_does_not_lift_the_deadline(rules):
    d = run(rules, claim(1000, date=TODAY - dt.timedelta(days=61), waived=("E2",)))
    assert d.outcome is Outcome.REJECTED


# -- E2: receipt --------------------------------------------------------------------------------


def test_e2_2999_yen_needs_no_receipt(rules):
    d = run(rules, claim(2999, receipt=False))
    assert "E2" not in ids(d)
    assert_auto(d)


def test_e2_3000_yen_without_receipt_waits_for_it_and_goes_to_nobody(rules):
    d = run(rules, claim(3000, receipt=False))
    assert d.outcome is Outcome.NEEDS_INFO
    assert d.chain == ()
    f = only(d, "E2", Severity.BLOCK)
    assert_bilingual_mentions(f, "¥3,000")


def test_e2_3000_yen_with_receipt_is_fine(rules):
    d = run(rules, claim(3000))
    assert "E2" not in ids(d)
    assert_auto(d)


def test_e2_missing_receipt_on_a_big_claim_still_has_no_chain(rules):
    d = run(rules, claim(600_000, "other", receipt=False, invoice_number=GOOD_INVOICE))
    assert d.outcome is Outcome.NEEDS_INFO
    assert d.chain == ()


def test_e2_train_fare_needs_no_receipt_and_is_auto_approved(rules):
    d = run(rules, claim(4000, "transport", receipt=False, description="電車 渋谷→新宿"))
    assert "E2" not in ids(d)
    assert_auto(d)


@pytest.mark.parametrize("description", ["タクシー 渋谷→新宿", "taxi to the client", "電車とタクシー"])
def test_e2_taxi_is_not_public_transport_and_needs_a_receipt(rules, description):
    c = claim(4000, "transport", receipt=False, description=description)
    assert not is_public_transport(c, rules.expenses)
    d = run(rules, c)
    assert d.outcome is Outcome.NEEDS_INFO
    only(d, "E2", Severity.BLOCK)


def test_e2_business_trip_does_not_match_the_keyword_bus(rules):
    c = claim(4000, "travel", receipt=False, description="business trip to Osaka")
    assert not is_public_transport(c, rules.expenses)
    d = run(rules, c)
    assert d.outcome is Outcome.NEEDS_INFO
    only(d, "E2", Severity.BLOCK)


@pytest.mark.parametrize(
    ("category", "description", "vendor"),
    [
        ("transport", "bus to Yokohama", None),
        ("transport", "Train fare", None),
        ("travel", "新幹線 東京→大阪", None),
        ("transport", "東京メトロ 銀座線", None),
        ("transport", "客先訪問", "JR東日本"),  # the vendor names the railway
        ("transport", "JR渋谷→新宿", None),  # an ASCII keyword next to Japanese text
        ("transport", "Suicaチャージ分", None),
        ("travel", "高速バス 新宿→甲府", None),  # a scheduled highway bus is a bus fare
    ],
    ids=["bus", "train", "shinkansen", "metro", "jr-vendor", "jr-prefix", "suica-prefix", "highway-bus"],
)
def test_e2_public_transport_is_recognised(rules, category, description, vendor):
    c = claim(4000, category, receipt=False, description=description, vendor=vendor)
    assert is_public_transport(c, rules.expenses)


def test_e2_jr_fare_written_the_usual_way_needs_no_receipt(rules):
    d = run(rules, claim(4000, "transport", receipt=False, description="JR渋谷→新宿 往復"))
    assert "E2" not in ids(d)
    assert_auto(d)


def test_e2_keyword_in_a_category_without_fares_is_not_public_transport(rules):
    c = claim(4000, "supplies", receipt=False, description="電車の模型")
    assert not is_public_transport(c, rules.expenses)
    assert run(rules, c).outcome is Outcome.NEEDS_INFO


# -- E3: qualified-invoice registration number ----------------------------------------------


def test_e3_29999_yen_needs_no_registration_number(rules):
    d = run(rules, claim(29_999, "other"))
    assert "E3" not in ids(d)
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert roles(d) == ["manager"]


def test_e3_30000_yen_without_number_is_a_warning_not_a_block(rules):
    d = run(rules, claim(30_000, "other"))
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert roles(d) == ["manager"]
    f = only(d, "E3", Severity.WARNING)
    assert_bilingual_mentions(f, "¥30,000")


def test_e3_valid_number_gives_no_finding(rules):
    d = run(rules, claim(30_000, "other", invoice_number=GOOD_INVOICE))
    assert "E3" not in ids(d)
    assert roles(d) == ["manager"]


def test_e3_number_written_with_hyphens_is_accepted(rules):
    d = run(rules, claim(30_000, "other", invoice_number="T-7010-7050-00725"))
    assert "E3" not in ids(d)


def test_e3_bad_check_digit_is_a_warning_naming_the_number(rules):
    d = run(rules, claim(30_000, "other", invoice_number="T7010705000726"))
    assert d.outcome is Outcome.NEEDS_APPROVAL
    f = only(d, "E3", Severity.WARNING)
    assert_bilingual_mentions(f, "T7010705000726")


def test_e3_malformed_number_is_a_warning(rules):
    d = run(rules, claim(30_000, "other", invoice_number="T12345"))
    only(d, "E3", Severity.WARNING)


def test_e3_public_transport_fare_is_exempt(rules):
    d = run(rules, claim(35_000, "travel", receipt=False, description="新幹線 東京→博多"))
    assert "E3" not in ids(d)
    assert "E2" not in ids(d)
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert roles(d) == ["manager"]


# -- E4: entertainment ------------------------------------------------------------------------


def dinner(amount: int, attendees: int | None) -> ExpenseClaim:
    return claim(amount, "entertainment", attendees=attendees, invoice_number=GOOD_INVOICE, description="会食")


@pytest.mark.parametrize("attendees", [None, 0])
def test_e4_entertainment_without_attendees_needs_info(rules, attendees):
    d = run(rules, dinner(12_000, attendees))
    assert d.outcome is Outcome.NEEDS_INFO
    assert d.chain == ()
    f = only(d, "E4", Severity.BLOCK)
    assert f.message_ja and f.message_en


def test_e4_exactly_10000_per_person_notes_meeting_cost(rules):
    d = run(rules, dinner(40_000, 4))
    f = only(d, "E4", Severity.INFO)
    assert f.data["per_person"] == 10_000
    assert_bilingual_mentions(f, "¥10,000", "会議費")
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert roles(d) == ["manager"]


def test_e4_10001_per_person_has_no_meeting_cost_note(rules):
    d = run(rules, dinner(40_004, 4))
    assert "E4" not in ids(d)
    assert roles(d) == ["manager"]


def test_e4_exactly_20000_per_person_needs_no_finance(rules):
    d = run(rules, dinner(80_000, 4))
    assert "E4" not in ids(d)
    assert roles(d) == ["manager"]


def test_e4_20001_per_person_adds_finance(rules):
    d = run(rules, dinner(80_004, 4))
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert roles(d) == ["manager", "finance"]
    assert step_rules(d, "finance") == ("E4",)
    f = only(d, "E4", Severity.WARNING)
    assert_bilingual_mentions(f, "¥20,001", "¥20,000")


def test_e4_small_entertainment_is_never_auto_approved(rules):
    d = run(rules, dinner(2000, 2))
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert roles(d) == ["manager"]


# -- E5: automatic approval -------------------------------------------------------------------

AUTO_LIMITS = [("transport", 5000), ("supplies", 3000), ("books", 5000), ("communication", 3000)]


@pytest.mark.parametrize(("category", "limit"), AUTO_LIMITS)
def test_e5_at_the_limit_is_auto_approved(rules, category, limit):
    d = run(rules, claim(limit, category))
    assert_auto(d)
    f = only(d, "E5", Severity.INFO)
    assert_bilingual_mentions(f, f"¥{limit:,}")


@pytest.mark.parametrize(("category", "limit"), AUTO_LIMITS)
def test_e5_one_yen_over_the_limit_goes_to_the_manager(rules, category, limit):
    d = run(rules, claim(limit + 1, category))
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert roles(d) == ["manager"]
    assert step_rules(d, "manager") == ("E6",)
    assert "E5" not in ids(d)


def test_e5_supplies_at_the_limit_without_receipt_waits_for_it(rules):
    d = run(rules, claim(3000, "supplies", receipt=False))
    assert d.outcome is Outcome.NEEDS_INFO


@pytest.mark.parametrize("category", ["training", "meeting", "other", "travel"])
def test_e5_category_without_auto_limit_goes_to_the_manager(rules, category):
    d = run(rules, claim(1000, category))
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert roles(d) == ["manager"]


def test_e5_decision_records_the_ruleset_version(rules):
    assert run(rules, claim(1000)).ruleset_version == rules.version


# -- E6: routing --------------------------------------------------------------------------------


def big(amount: int, category: str = "other") -> ExpenseClaim:
    return claim(amount, category, invoice_number=GOOD_INVOICE)


def test_e6_100000_goes_to_the_manager_only(rules):
    d = run(rules, big(100_000))
    assert roles(d) == ["manager"]


def test_e6_100001_adds_finance(rules):
    d = run(rules, big(100_001))
    assert roles(d) == ["manager", "finance"]
    assert step_rules(d, "finance") == ("E6",)
    assert any("¥100,000" in f.message_ja and "¥100,000" in f.message_en for f in d.findings if f.rule_id == "E6")


@pytest.mark.parametrize("amount", [500, 2999, 50_000])
def test_e6_software_at_any_amount_adds_finance(rules, amount):
    d = run(rules, big(amount, "software"))
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert roles(d) == ["manager", "finance"]


def test_e6_500000_needs_no_ceo(rules):
    d = run(rules, big(500_000))
    assert roles(d) == ["manager", "finance"]


def test_e6_500001_goes_to_manager_finance_and_ceo_in_that_order(rules):
    d = run(rules, big(500_001))
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert roles(d) == ["manager", "finance", "ceo"]
    assert all(step.rule_ids == ("E6",) for step in d.chain)
    assert any("¥500,000" in f.message_ja and "¥500,000" in f.message_en for f in d.findings if f.rule_id == "E6")


# -- E7: possible duplicate -------------------------------------------------------------------


def prior(amount: int, date: dt.date = RECENT, vendor: str | None = None, currency: str = "JPY") -> PriorClaim:
    return PriorClaim(request_id=41, amount=Decimal(amount), currency=currency, date=date, vendor=vendor)


@pytest.mark.parametrize(
    ("old_vendor", "new_vendor"),
    [
        ("Amazon", "Amazon"),
        ("ヨドバシ カメラ", "ヨドバシカメラ"),
        ("amazon", "AMAZON"),
        (None, "Amazon"),
        ("Amazon", None),
    ],
)
def test_e7_duplicate_adds_finance_and_is_never_auto(rules, old_vendor, new_vendor):
    d = run(rules, claim(1000, vendor=new_vendor), prior(1000, vendor=old_vendor))
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert roles(d) == ["manager", "finance"]
    assert step_rules(d, "finance") == ("E7",)
    f = only(d, "E7", Severity.WARNING)
    assert f.data == {"other": 41}
    assert_bilingual_mentions(f, "#41")


def test_e7_different_vendor_is_not_a_duplicate(rules):
    d = run(rules, claim(1000, vendor="Amazon"), prior(1000, vendor="ヨドバシカメラ"))
    assert "E7" not in ids(d)
    assert_auto(d)


@pytest.mark.parametrize(
    "other",
    [prior(1001), prior(1000, date=RECENT - dt.timedelta(days=1)), prior(1000, currency="USD")],
    ids=["amount", "date", "currency"],
)
def test_e7_different_amount_date_or_currency_is_not_a_duplicate(rules, other):
    d = run(rules, claim(1000), other)
    assert "E7" not in ids(d)
    assert_auto(d)


# -- E8: foreign currency -------------------------------------------------------------------


def usd(amount: str, **kw: object) -> ExpenseClaim:
    return claim(amount, "books", currency="USD", description="O'Reilly ebook", **kw)


def test_e8_foreign_claim_goes_to_finance_and_is_not_auto(rules):
    d = run(rules, usd("20"))
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert roles(d) == ["manager", "finance"]
    assert step_rules(d, "finance") == ("E8",)
    f = only(d, "E8", Severity.WARNING)
    assert_bilingual_mentions(f, "USD")


def test_e8_foreign_claim_needs_a_receipt_whatever_the_amount(rules):
    d = run(rules, usd("1.50", receipt=False))
    assert d.outcome is Outcome.NEEDS_INFO
    assert d.chain == ()
    only(d, "E2", Severity.BLOCK)


def test_e8_foreign_claim_is_not_auto_even_with_a_small_yen_amount_fixed(rules):
    d = run(rules, usd("20", amount_jpy=3000))
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert "finance" in roles(d)
    assert "E5" not in ids(d)


def test_e8_and_e7_both_name_finance_on_one_step(rules):
    d = run(rules, usd("20"), prior(20, currency="USD"))
    assert roles(d) == ["manager", "finance"]
    assert set(step_rules(d, "finance")) == {"E7", "E8"}


def test_e3_does_not_ask_a_supplier_abroad_for_a_japanese_invoice_number(rules):
    d = run(rules, usd("400", amount_jpy=62000))
    assert "E3" not in ids(d)
    domestic = run(rules, claim(62000))
    only(domestic, "E3", Severity.WARNING)


def test_e8_fixed_yen_amount_routes_like_a_yen_claim(rules):
    d = run(rules, claim("3400", "software", currency="USD", amount_jpy=527000))
    assert roles(d) == ["manager", "finance", "ceo"]
