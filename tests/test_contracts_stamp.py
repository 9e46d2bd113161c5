"""Stamp duty (C4) at every band boundary of the shipped tables (jp-rules.md §3.1): an amount exactly
on a limit pays that band, one yen more pays the next. The date decides the reduced rates."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.contracts.stamp import DUE, ELECTRONIC, EXEMPT, NOT_TAXABLE, UNKNOWN, stamp_duty
from bot.rules.loader import RuleSet

IN_FORCE = dt.date(2026, 12, 1)
AFTER = dt.date(2027, 4, 1)

# (upper limit of a band, duty in it, duty just above it)
NO1 = [
    (100_000, 200, 400),
    (500_000, 400, 1_000),
    (1_000_000, 1_000, 2_000),
    (5_000_000, 2_000, 10_000),
    (10_000_000, 10_000, 20_000),
    (50_000_000, 20_000, 60_000),
    (100_000_000, 60_000, 100_000),
    (500_000_000, 100_000, 200_000),
    (1_000_000_000, 200_000, 400_000),
    (5_000_000_000, 400_000, 600_000),
]
NO2 = [
    (1_000_000, 200, 400),
    (2_000_000, 400, 1_000),
    (3_000_000, 1_000, 2_000),
    (5_000_000, 2_000, 10_000),
    (10_000_000, 10_000, 20_000),
    (50_000_000, 20_000, 60_000),
    (100_000_000, 60_000, 100_000),
    (500_000_000, 100_000, 200_000),
    (1_000_000_000, 200_000, 400_000),
    (5_000_000_000, 400_000, 600_000),
]
REALTY_REDUCED = [
    (100_000, 200, 200),  # up to ¥100,000 the normal table; above it the reduced one
    (500_000, 200, 500),
    (1_000_000, 500, 1_000),
    (5_000_000, 1_000, 5_000),
    (10_000_000, 5_000, 10_000),
    (50_000_000, 10_000, 30_000),
    (100_000_000, 30_000, 60_000),
    (500_000_000, 60_000, 160_000),
    (1_000_000_000, 160_000, 320_000),
    (5_000_000_000, 320_000, 480_000),
]
CONSTRUCTION_REDUCED = [
    (1_000_000, 200, 200),  # up to ¥1,000,000 the normal table; above it the reduced one
    (2_000_000, 200, 500),
    (3_000_000, 500, 1_000),
    (5_000_000, 1_000, 5_000),
    (10_000_000, 5_000, 10_000),
    (50_000_000, 10_000, 30_000),
    (100_000_000, 30_000, 60_000),
    (500_000_000, 60_000, 160_000),
    (1_000_000_000, 160_000, 320_000),
    (5_000_000_000, 320_000, 480_000),
]


def duty(
    rules: RuleSet, klass: str, amount: int | None, made_on: dt.date = IN_FORCE, subject: str | None = None
) -> int:
    result = stamp_duty(rules.stamp_duty, klass, amount, made_on=made_on, electronic=False, subject=subject)
    assert result.duty_yen is not None
    return result.duty_yen


@pytest.mark.parametrize(("limit", "at", "above"), NO1, ids=[f"{n:,}" for n, _, _ in NO1])
def test_class_1_bands(rules: RuleSet, limit: int, at: int, above: int) -> None:
    assert duty(rules, "no1", limit) == at
    assert duty(rules, "no1", limit + 1) == above


@pytest.mark.parametrize(("limit", "at", "above"), NO2, ids=[f"{n:,}" for n, _, _ in NO2])
def test_class_2_bands(rules: RuleSet, limit: int, at: int, above: int) -> None:
    assert duty(rules, "no2", limit) == at
    assert duty(rules, "no2", limit + 1) == above


@pytest.mark.parametrize(("limit", "at", "above"), REALTY_REDUCED, ids=[f"{n:,}" for n, _, _ in REALTY_REDUCED])
def test_reduced_real_estate_bands_until_march_2027(rules: RuleSet, limit: int, at: int, above: int) -> None:
    assert duty(rules, "no1", limit, subject="realty_sale") == at
    assert duty(rules, "no1", limit + 1, subject="realty_sale") == above


@pytest.mark.parametrize(
    ("limit", "at", "above"), CONSTRUCTION_REDUCED, ids=[f"{n:,}" for n, _, _ in CONSTRUCTION_REDUCED]
)
def test_reduced_construction_bands_until_march_2027(rules: RuleSet, limit: int, at: int, above: int) -> None:
    assert duty(rules, "no2", limit, subject="construction") == at
    assert duty(rules, "no2", limit + 1, subject="construction") == above


@pytest.mark.parametrize(
    ("made_on", "expected", "reduced"),
    [
        (dt.date(2014, 3, 31), 10_000, False),
        (dt.date(2014, 4, 1), 5_000, True),
        (dt.date(2027, 3, 31), 5_000, True),
        (dt.date(2027, 4, 1), 10_000, False),
    ],
)
def test_the_reduced_rate_follows_the_date_the_contract_is_made(
    rules: RuleSet, made_on: dt.date, expected: int, reduced: bool
) -> None:
    for klass, subject in (("no1", "realty_sale"), ("no2", "construction")):
        result = stamp_duty(rules.stamp_duty, klass, 8_000_000, made_on=made_on, electronic=False, subject=subject)
        assert (result.duty_yen, result.reduced) == (expected, reduced)
    assert "軽減税率" in stamp_duty(
        rules.stamp_duty, "no1", 8_000_000, made_on=IN_FORCE, electronic=False, subject="realty_sale"
    ).text("ja")


@pytest.mark.parametrize("klass", ["no1", "no2"])
def test_under_10000_yen_is_exempt_and_10000_is_not(rules: RuleSet, klass: str) -> None:
    below = stamp_duty(rules.stamp_duty, klass, 9_999, made_on=IN_FORCE, electronic=False)
    assert (below.status, below.duty_yen) == (EXEMPT, 0)
    assert (
        below.text("ja")
        == f"記載金額¥9,999は¥10,000未満のため、印紙税はかかりません({rules.stamp_duty.classes[klass].ja})。"
    )
    at = stamp_duty(rules.stamp_duty, klass, 10_000, made_on=IN_FORCE, electronic=False)
    assert (at.status, at.duty_yen) == (DUE, 200)


@pytest.mark.parametrize("klass", ["no1", "no2"])
def test_no_amount_stated_pays_200_yen(rules: RuleSet, klass: str) -> None:
    result = stamp_duty(rules.stamp_duty, klass, None, made_on=IN_FORCE, electronic=False)
    assert (result.status, result.duty_yen) == (DUE, 200)
    assert "no amount stated" in result.text("en")


def test_the_largest_band_has_no_upper_limit(rules: RuleSet) -> None:
    assert duty(rules, "no1", 10**12) == 600_000
    assert duty(rules, "no2", 10**12) == 600_000


def test_class_7_master_agreement(rules: RuleSet) -> None:
    master = stamp_duty(rules.stamp_duty, "no7", None, made_on=IN_FORCE, electronic=False, term_months=12, renews=True)
    assert (master.status, master.duty_yen) == (DUE, 4_000)
    assert master.text("ja") == "印紙税は¥4,000です(第7号文書(継続的取引の基本となる契約書)、定額)。"
    short = stamp_duty(rules.stamp_duty, "no7", None, made_on=IN_FORCE, electronic=False, term_months=3, renews=False)
    assert (short.status, short.duty_yen) == (EXEMPT, 0)
    renewing = stamp_duty(rules.stamp_duty, "no7", None, made_on=IN_FORCE, electronic=False, term_months=3, renews=True)
    assert renewing.duty_yen == 4_000
    longer = stamp_duty(rules.stamp_duty, "no7", None, made_on=IN_FORCE, electronic=False, term_months=4)
    assert longer.duty_yen == 4_000


def test_an_electronic_contract_owes_nothing_and_says_why(rules: RuleSet) -> None:
    result = stamp_duty(rules.stamp_duty, "no2", 50_000_000, made_on=IN_FORCE, electronic=True)
    assert (result.status, result.duty_yen) == (ELECTRONIC, 0)
    assert "電子契約のため印紙税はかかりません" in result.text("ja")
    assert "基本通達44条" in result.text("ja")
    assert result.text("en").startswith("No stamp duty: an electronic contract")


def test_when_nobody_said_paper_or_electronic_both_are_stated(rules: RuleSet) -> None:
    result = stamp_duty(rules.stamp_duty, "no2", 4_800_000, made_on=IN_FORCE, electronic=None)
    assert result.duty_yen == 2_000
    assert result.text("en").endswith("(If signed on paper; an electronic contract owes none.)")


def test_an_unknown_class_says_it_cannot_tell(rules: RuleSet) -> None:
    for klass in (None, "unknown"):
        result = stamp_duty(rules.stamp_duty, klass, 1_000_000, made_on=IN_FORCE, electronic=False)
        assert (result.status, result.duty_yen) == (UNKNOWN, None)
        assert (
            result.text("en")
            == "The stamp-duty class cannot be told from this contract; legal or finance should decide."
        )


def test_a_document_that_is_not_taxed(rules: RuleSet) -> None:
    result = stamp_duty(
        rules.stamp_duty,
        "not_taxable",
        None,
        made_on=IN_FORCE,
        electronic=False,
        type_name={"ja": "秘密保持契約", "en": "non-disclosure agreement"},
    )
    assert (result.status, result.duty_yen) == (NOT_TAXABLE, 0)
    assert result.text("en") == "No stamp duty: a non-disclosure agreement is not a taxable document."
