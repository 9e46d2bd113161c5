"""The offline engine: accuracy on the labelled sets, and each convention of understanding-eval.md."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from bot.rules.loader import RuleSet
from bot.understanding.amounts import find_amounts, normalize, parse_amount_text
from bot.understanding.dates import find_dates, resolve_date_expression
from bot.understanding.evaluate import evaluate, load_cases
from bot.understanding.offline import OfflineEngine

DATA = Path(__file__).resolve().parent / "data"
TUE = dt.date(2026, 11, 24)  # a Tuesday; Monday 11/23 was 勤労感謝の日


@pytest.fixture(scope="module")
def engine(rules: RuleSet) -> OfflineEngine:
    return OfflineEngine(rules.calendar)


def test_dev_set_meets_the_bar(engine: OfflineEngine) -> None:
    report = evaluate(engine, load_cases(DATA / "dev.jsonl"))
    assert report.cases == 90
    assert report.intent_accuracy >= 0.97, report.failures
    assert report.field_accuracy >= 0.95, report.failures


@pytest.mark.parametrize("name", ["conventions.jsonl", "holdout.jsonl"])
def test_our_own_cases_meet_the_bar(engine: OfflineEngine, name: str) -> None:
    # conventions: one case per convention of the spec; holdout: 100 messages written blind,
    # by someone who had not seen the engine, to measure how it generalises.
    report = evaluate(engine, load_cases(DATA / name))
    assert report.intent_accuracy >= 0.97, report.failures
    assert report.field_accuracy >= 0.95, report.failures


# -- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("タクシー代 3,200円", "3200", "JPY"),
        ("ランチ代 1.2万円", "12000", "JPY"),
        ("合計 1万2千円", "12000", "JPY"),
        ("手数料 二千八百円", "2800", "JPY"),
        ("五百円玉で払った 三千円", "3000", "JPY"),
        ("５，４００円", "5400", "JPY"),
        ("￥１２，０００", "12000", "JPY"),
        ("12000 yen", "12000", "JPY"),
        ("8,980 JPY", "8980", "JPY"),
        ("Uber $45.20", "45.20", "USD"),
        ("45 USD", "45", "USD"),
        ("€35 ticket", "35", "EUR"),
        ("1日3,000円×2日分", "6000", "JPY"),
    ],
)
def test_amounts_in_every_written_form(text: str, value: str, currency: str) -> None:
    assert parse_amount_text(text) == (Decimal(value), currency)


@pytest.mark.parametrize(
    "text", ["4名で会議", "13時に集合", "2駅先", "注文番号 4821-9932", "2026/11/24", "T7010705000725"]
)
def test_numbers_that_are_not_money_are_not_amounts(text: str) -> None:
    assert find_amounts(normalize(text)) == []


def test_the_total_wins_over_other_amounts() -> None:
    amounts = find_amounts(normalize("コーヒー ¥500、ケーキ ¥700、合計 ¥1,200"))
    assert [a.total for a in amounts] == [False, False, True]
    assert parse_amount_text("コーヒー ¥500、ケーキ ¥700、合計 ¥1,200") == (Decimal(1200), "JPY")


# -- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "direction", "start", "end"),
    [
        ("今日", "past", "2026-11-24", None),
        ("昨日", "past", "2026-11-23", None),
        ("おととい", "past", "2026-11-22", None),
        ("明日", "future", "2026-11-25", None),
        ("あさって", "future", "2026-11-26", None),
        ("last night", "past", "2026-11-23", None),
        ("金曜", "past", "2026-11-20", None),  # expense: the latest Friday before today
        ("金曜", "future", "2026-11-27", None),  # leave: the earliest Friday after today
        ("火曜", "past", "2026-11-17", None),  # never today itself
        ("今週金曜", "past", "2026-11-27", None),
        ("来週水曜", "future", "2026-12-02", None),
        ("先週木曜", "past", "2026-11-19", None),
        ("last Tuesday", "past", "2026-11-17", None),
        ("next Monday", "future", "2026-11-30", None),
        ("this Friday", "future", "2026-11-27", None),
        ("12/2", "past", "2025-12-02", None),  # a year-less date in the future is last year's for an expense
        ("12/2", "future", "2026-12-02", None),
        ("11/20", "future", "2027-11-20", None),
        ("来月1日", "future", "2026-12-01", None),
        ("今月末", "future", "2026-11-30", None),
        ("先月末", "past", "2026-10-31", None),
        ("令和8年12月3日", "future", "2026-12-03", None),
        ("令和元年5月1日", "past", "2019-05-01", None),
        ("R8.11.10", "past", "2026-11-10", None),
        ("2026年12月3日", "future", "2026-12-03", None),
        ("Oct 14", "past", "2026-10-14", None),
        ("14 October", "past", "2026-10-14", None),
        ("2/1〜2/5", "future", "2027-02-01", "2027-02-05"),
        ("12/28から1/5まで", "future", "2026-12-28", "2027-01-05"),
        ("Oct 8-9", "future", "2027-10-08", "2027-10-09"),
        ("12月7日から11日まで", "future", "2026-12-07", "2026-12-11"),
        ("Monday through Wednesday next week", "future", "2026-11-30", "2026-12-02"),
        ("next Thu-Fri", "future", "2026-12-03", "2026-12-04"),
        ("月曜と火曜", "future", "2026-11-30", "2026-12-01"),
    ],
)
def test_date_conventions(text: str, direction: str, start: str, end: str | None) -> None:
    mention = resolve_date_expression(text, TUE, direction)  # type: ignore[arg-type]
    assert mention is not None
    assert (mention.start.isoformat(), mention.end.isoformat()) == (start, end or start)


def test_days_that_do_not_follow_each_other_are_not_one_span() -> None:
    found = find_dates("月曜と水曜", TUE, "future")
    assert len(found) == 2
    assert (found[0].start, found[0].end) == (dt.date(2026, 11, 30), dt.date(2026, 11, 30))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("11/19から3日間", "2026-11-19", "2026-11-24"),  # skips the weekend and 勤労感謝の日
        ("12/24から5日間", "2026-12-24", "2027-01-05"),  # skips the 12/29–1/3 closure
        ("4 days starting Jan 7", "2027-01-07", "2027-01-13"),  # 成人の日 on 1/11
        ("for 2 days from 2/10", "2027-02-10", "2027-02-12"),  # 建国記念の日 on 2/11
    ],
)
def test_n_days_count_working_days_on_the_company_calendar(rules: RuleSet, text: str, start: str, end: str) -> None:
    mention = resolve_date_expression(text, dt.date(2026, 11, 4), "future", rules.calendar)
    assert mention is not None
    assert (mention.start.isoformat(), mention.end.isoformat()) == (start, end)


# -- fields ----------------------------------------------------------------------------------


def test_an_expense_reads_every_field(engine: OfflineEngine) -> None:
    u = engine.understand(
        "12/2 株式会社サクラ様と会食\n先方3名・当方2名\n合計 4万2千円（銀座 久兵衛）\n登録番号 Ｔ-7010-0010-12345", TUE
    )
    assert u.intent == "expense"
    assert u.fields["amount"] == Decimal(42000)
    assert u.fields["date"] == dt.date(2025, 12, 2)
    assert u.fields["category"] == "entertainment"
    assert u.fields["attendees"] == 5
    assert u.fields["invoice_number"] == "T7010001012345"
    assert "久兵衛" in u.fields["vendor"]
    assert u.missing() == []


def test_chatwork_mentions_are_not_part_of_the_message(engine: OfflineEngine) -> None:
    u = engine.understand("[To:4815162]経費Botさん\n昨日 ロフトでノート 880円 精算お願いします", TUE)
    assert (u.intent, u.fields["vendor"], u.fields["amount"]) == ("expense", "ロフト", Decimal(880))


def test_hourly_leave_is_hours_not_the_clock_time(engine: OfflineEngine) -> None:
    u = engine.understand("10/20は15時に早退します。2時間の時間休でお願いします", dt.date(2026, 10, 16))
    assert (u.fields["portion"], u.fields["hours"], u.fields["start"]) == ("hours", 2, dt.date(2026, 10, 20))


def test_compensatory_leave_keeps_the_worked_holiday(engine: OfflineEngine) -> None:
    u = engine.understand("先週土曜の展示会出勤の振替休日、今週金曜に取ります", dt.date(2026, 11, 4))
    assert u.fields["leave_type"] == "compensatory"
    assert u.fields["start"] == dt.date(2026, 11, 6)
    assert u.fields["worked_holiday"] == dt.date(2026, 10, 31)


def test_a_guess_is_marked_as_a_guess(engine: OfflineEngine) -> None:
    sure = engine.understand("昨日のタクシー代 3,200円", TUE)
    assert sure.unsure() == [] and sure.missing() == []
    vague = engine.understand("例の件の精算お願いします 5000円", TUE)
    assert vague.intent == "expense"
    assert "date" in vague.missing()
    assert "category" in vague.unsure()


def test_a_question_with_an_amount_is_still_a_question(engine: OfflineEngine) -> None:
    assert engine.understand("Can I expense a $30 Kindle book, or do I need approval first?", TUE).intent == "question"
    claim = engine.understand("Paid ¥18,600 on Oct 14 for the hotel on my trip. Can I submit that here?", TUE)
    assert claim.intent == "expense"
