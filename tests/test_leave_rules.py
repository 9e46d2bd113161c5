"""Leave rules L1–L10 (reference-company.md) through `decide`, on the company calendar.

Today is Tuesday 2026-11-24; Monday 2026-11-23 was 勤労感謝の日 and 11/21–22 a weekend.
The next working days are 11/25, 11/26, 11/27, 11/30, 12/1 … and the 10th is Tuesday 12/8.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.models import Decision, LeaveRequest, Outcome, Severity
from bot.rules.engine import DecisionContext, LeaveFacts, decide
from bot.rules.loader import RuleSet
from tests.decisions import ids, only, roles, step_rules
from tests.people import WATANABE

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 24)  # Tuesday
FRIDAY = dt.date(2026, 11, 27)
TUE = dt.date(2026, 12, 1)
WED = dt.date(2026, 12, 2)

REQUESTER = WATANABE


def day(month: int, d: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, d)


def leave(start: dt.date, end: dt.date | None = None, leave_type: str = "annual", **kw: object) -> LeaveRequest:
    return LeaveRequest(leave_type=leave_type, start=start, end=end or start, **kw)  # type: ignore[arg-type]


def facts(balance: float = 10.0, team_size: int = 5, **kw: object) -> LeaveFacts:
    return LeaveFacts(balance_days=balance, team_size=team_size, **kw)  # type: ignore[arg-type]


def run(rules: RuleSet, req: LeaveRequest, f: LeaveFacts | None = None, today: dt.date = TODAY) -> Decision:
    return decide(req, DecisionContext(today=today, requester=REQUESTER, rules=rules, leave=f or facts()))


def assert_auto(d: Decision) -> None:
    assert d.outcome is Outcome.AUTO_APPROVED, d.findings
    assert d.chain == ()
    assert d.notify_roles == ("manager",)


def assert_manager(d: Decision) -> None:
    assert d.outcome is Outcome.NEEDS_APPROVAL, d.findings
    assert roles(d) == ["manager"]
    assert d.notify_roles == ()


# -- calendar sanity (the facts the other tests rest on) -------------------------------------


def test_calendar_knows_the_holidays_and_closure(rules):
    cal = rules.calendar
    assert not cal.is_working_day(day(11, 23))  # 勤労感謝の日
    assert not cal.is_working_day(day(9, 22))  # 国民の休日
    assert not cal.is_working_day(day(5, 6))  # 振替休日
    assert not cal.is_working_day(day(11, 21))  # Saturday
    assert all(not cal.is_working_day(d) for d in cal.days(day(12, 29), day(1, 3, 2027)))
    assert cal.is_working_day(day(12, 28)) and cal.is_working_day(day(1, 4, 2027))
    assert cal.nth_working_day_after(FRIDAY, 1) == day(11, 30)
    assert cal.nth_working_day_after(TODAY, 10) == day(12, 8)
    assert cal.working_days_between(FRIDAY, day(11, 30)) == 1


# -- L2: units and the hourly cap -------------------------------------------------------------


def test_l2_hours_equal_to_what_is_left_are_accepted(rules):
    d = run(rules, leave(TUE, portion="hours", hours=4), facts(hourly_used_hours=36))
    assert "L2" not in ids(d)
    assert_auto(d)


def test_l2_one_hour_past_the_cap_is_rejected_saying_hours_left(rules):
    d = run(rules, leave(TUE, portion="hours", hours=5), facts(hourly_used_hours=36))
    assert d.outcome is Outcome.REJECTED
    assert d.chain == ()
    f = only(d, "L2", Severity.REJECT)
    assert f.data["left"] == 4
    assert "残り4時間" in f.message_ja
    assert "4 hours are left" in f.message_en
    assert "40" in f.message_ja and "40" in f.message_en


def test_l2_cap_used_up_rejects_even_one_hour(rules):
    d = run(rules, leave(TUE, portion="hours", hours=1), facts(hourly_used_hours=40))
    assert d.outcome is Outcome.REJECTED
    assert "0 hours are left" in only(d, "L2", Severity.REJECT).message_en


@pytest.mark.parametrize("hours", [0, 8, None])
def test_l2_hourly_leave_must_be_less_than_a_day(rules, hours):
    d = run(rules, leave(TUE, portion="hours", hours=hours))
    assert d.outcome is Outcome.NEEDS_INFO
    assert d.chain == ()
    only(d, "L2", Severity.BLOCK)


@pytest.mark.parametrize("portion", ["am", "pm"])
def test_l2_half_day_counts_half_a_day(rules, portion):
    d = run(rules, leave(TUE, portion=portion), facts(balance=0.5))
    assert_auto(d)
    short = run(rules, leave(TUE, portion=portion), facts(balance=0.4))
    assert short.outcome is Outcome.NEEDS_INFO
    assert only(short, "L5", Severity.BLOCK).data["needed"] == 0.5


def test_l2_half_day_over_several_days_is_refused_as_a_unit(rules):
    d = run(rules, leave(TUE, WED, portion="am"))
    assert d.outcome is Outcome.NEEDS_INFO
    only(d, "L2", Severity.BLOCK)


def test_l2_hourly_leave_uses_hours_over_eight_of_the_balance(rules):
    assert run(rules, leave(TUE, portion="hours", hours=4), facts(balance=0.5)).outcome is Outcome.AUTO_APPROVED
    d = run(rules, leave(TUE, portion="hours", hours=5), facts(balance=0.5))
    assert d.outcome is Outcome.NEEDS_INFO
    assert only(d, "L5", Severity.BLOCK).data["needed"] == pytest.approx(5 / 8)


# -- L3: notice ---------------------------------------------------------------------------------


def test_l3_short_leave_one_working_day_ahead_is_fine(rules):
    d = run(rules, leave(day(11, 25)))
    assert "L3" not in ids(d)
    assert_auto(d)


def test_l3_same_day_request_is_flagged_for_the_manager(rules):
    d = run(rules, leave(TODAY))
    assert_manager(d)
    f = only(d, "L3", Severity.WARNING)
    assert "L3" in step_rules(d, "manager")
    assert "2026-11-25" in f.message_ja and "2026-11-25" in f.message_en


def test_l3_friday_request_for_monday_is_one_working_day_ahead(rules):
    d = run(rules, leave(day(11, 30)), today=FRIDAY)
    assert "L3" not in ids(d)
    assert_auto(d)


def test_l3_friday_request_for_that_friday_is_short_notice(rules):
    d = run(rules, leave(FRIDAY), today=FRIDAY)
    assert_manager(d)
    only(d, "L3", Severity.WARNING)


def test_l3_three_days_exactly_ten_working_days_ahead_is_fine(rules):
    d = run(rules, leave(day(12, 8), day(12, 10)))
    assert "L3" not in ids(d)
    assert_manager(d)  # 3 days is over the auto-approval limit
    assert step_rules(d, "manager") == ("L4",)


def test_l3_three_days_nine_working_days_ahead_is_flagged(rules):
    d = run(rules, leave(day(12, 7), day(12, 9)))
    assert_manager(d)
    f = only(d, "L3", Severity.WARNING)
    assert f.data["required"] == 10
    assert f.data["earliest"] == "2026-12-08"
    assert set(step_rules(d, "manager")) == {"L3", "L4"}


def test_l3_two_working_days_over_a_weekend_need_only_one_day_notice(rules):
    d = run(rules, leave(FRIDAY, day(11, 30)))  # Fri + Mon: 2 working days
    assert "L3" not in ids(d)
    assert_auto(d)


def test_l3_sick_leave_needs_no_notice(rules):
    d = run(rules, leave(TODAY, leave_type="sick"))
    assert "L3" not in ids(d)
    assert_manager(d)


# -- L4: automatic approval -------------------------------------------------------------------


def test_l4_two_working_days_with_balance_are_auto_approved_and_manager_told(rules):
    d = run(rules, leave(TUE, WED))
    assert_auto(d)
    assert only(d, "L4", Severity.INFO).message_en


def test_l4_three_working_days_go_to_the_manager(rules):
    d = run(rules, leave(day(12, 8), day(12, 10)))
    assert_manager(d)
    assert "3" in only(d, "L4", Severity.INFO).message_en


def test_l4_one_of_five_already_off_is_fine(rules):
    d = run(rules, leave(TUE, WED), facts(team_size=5, team_absent={WED: 1}))
    assert_auto(d)


def test_l4_two_of_five_already_off_goes_to_the_manager(rules):
    d = run(rules, leave(TUE, WED), facts(team_size=5, team_absent={WED: 2}))
    assert_manager(d)
    f = only(d, "L4", Severity.WARNING)
    assert f.data == {"date": "2026-12-02", "absent": 2, "size": 5}
    assert "2026-12-02" in f.message_ja and "2026-12-02" in f.message_en


@pytest.mark.parametrize(("size", "absent", "auto"), [(3, 1, False), (6, 1, True), (6, 2, False), (7, 2, True)])
def test_l4_a_third_of_the_team_off_is_not_under_a_third(rules, size, absent, auto):
    d = run(rules, leave(TUE), facts(team_size=size, team_absent={TUE: absent}))
    assert (d.outcome is Outcome.AUTO_APPROVED) is auto


def test_l4_team_absence_on_a_day_not_requested_does_not_matter(rules):
    d = run(rules, leave(TUE), facts(team_size=3, team_absent={WED: 3}))
    assert_auto(d)


@pytest.mark.parametrize("leave_type", ["unpaid", "compensatory"])
def test_l4_only_annual_leave_is_auto_approved(rules, leave_type):
    d = run(rules, leave(TUE, leave_type=leave_type, worked_holiday=day(11, 23)))
    assert_manager(d)


# -- L5: balance ----------------------------------------------------------------------------------


def test_l5_balance_exactly_enough_is_auto_approved(rules):
    d = run(rules, leave(TUE, WED), facts(balance=2.0))
    assert "L5" not in ids(d)
    assert_auto(d)


def test_l5_half_a_day_short_waits_and_says_what_is_left(rules):
    d = run(rules, leave(TUE, WED), facts(balance=1.5))
    assert d.outcome is Outcome.NEEDS_INFO
    assert d.chain == ()
    assert d.notify_roles == ()
    f = only(d, "L5", Severity.BLOCK)
    assert f.data["shortfall"] == 0.5
    assert f.data["offer_unpaid"] is True
    assert "1.5日" in f.message_ja and "0.5日" in f.message_ja
    assert "1.5 day(s)" in f.message_en and "0.5 day(s)" in f.message_en


def test_l5_shortfall_confirmed_as_unpaid_goes_to_the_manager(rules):
    d = run(rules, leave(TUE, WED, unpaid_days=0.5), facts(balance=1.5))
    assert_manager(d)
    assert "L5" in step_rules(d, "manager")
    assert only(d, "L5", Severity.INFO).data == {"unpaid": 0.5}


def test_l5_unpaid_days_less_than_the_shortfall_still_wait(rules):
    d = run(rules, leave(TUE, WED, unpaid_days=0.5), facts(balance=1.0))
    assert d.outcome is Outcome.NEEDS_INFO


def test_l1_no_grant_yet_is_explained(rules):
    d = run(rules, leave(TUE), facts(balance=0.0, first_grant=day(2, 1, 2027)))
    assert d.outcome is Outcome.NEEDS_INFO
    f = only(d, "L1", Severity.INFO)
    assert "2027-02-01" in f.message_ja and "2027-02-01" in f.message_en


# -- L6: special leave --------------------------------------------------------------------------

FIVE_DAYS = (day(12, 8), day(12, 14))  # Tue 12/8 … Mon 12/14: 5 working days
SIX_DAYS = (day(12, 8), day(12, 15))


@pytest.mark.parametrize("reason", [None, "honeymoon"])
def test_l6_special_leave_without_a_known_reason_needs_info(rules, reason):
    d = run(rules, leave(*FIVE_DAYS, leave_type="special", special_reason=reason))
    assert d.outcome is Outcome.NEEDS_INFO
    assert d.chain == ()
    f = only(d, "L6", Severity.BLOCK)
    assert "marriage" in f.message_en and "本人の結婚" in f.message_ja


def test_l6_marriage_five_days_goes_to_manager_then_hr(rules):
    d = run(rules, leave(*FIVE_DAYS, leave_type="special", special_reason="marriage"), facts(balance=0))
    assert d.outcome is Outcome.NEEDS_APPROVAL
    assert roles(d) == ["manager", "hr"]
    assert step_rules(d, "manager") == ("L6",) and step_rules(d, "hr") == ("L6",)
    assert not any(f.severity is Severity.WARNING for f in d.findings)
    assert "L5" not in ids(d)  # special leave does not use the annual balance


def test_l6_marriage_six_days_warns_about_the_extra_day(rules):
    d = run(rules, leave(*SIX_DAYS, leave_type="special", special_reason="marriage"))
    assert roles(d) == ["manager", "hr"]
    f = only(d, "L6", Severity.WARNING)
    assert f.data == {"entitled": 5, "over": 1}


def test_l6_bereavement_of_a_grandparent_is_three_days(rules):
    ok = run(rules, leave(day(12, 8), day(12, 10), leave_type="special", special_reason="bereavement_near"))
    assert not any(f.severity is Severity.WARNING for f in ok.findings)
    over = run(rules, leave(day(12, 8), day(12, 11), leave_type="special", special_reason="bereavement_near"))
    assert only(over, "L6", Severity.WARNING).data["entitled"] == 3


# -- L7: sick leave -------------------------------------------------------------------------------


def test_l7_sick_within_paid_days_goes_to_the_manager(rules):
    d = run(rules, leave(TODAY, day(11, 25), leave_type="sick"), facts(sick_paid_used_days=3))
    assert_manager(d)
    assert step_rules(d, "manager") == ("L7",)
    assert not any(f.severity is Severity.WARNING for f in d.findings)


def test_l7_sick_beyond_five_paid_days_warns(rules):
    d = run(rules, leave(TODAY, day(11, 25), leave_type="sick"), facts(sick_paid_used_days=4))
    assert_manager(d)
    f = only(d, "L7", Severity.WARNING)
    assert f.data == {"paid_left": 1, "over": 1}
    assert "5" in f.message_en and "5" in f.message_ja


# -- L8: compensatory leave -------------------------------------------------------------------


def test_l8_compensatory_without_the_worked_date_needs_info(rules):
    d = run(rules, leave(TUE, leave_type="compensatory"))
    assert d.outcome is Outcome.NEEDS_INFO
    assert d.chain == ()
    only(d, "L8", Severity.BLOCK)


def test_l8_worked_date_that_was_a_working_day_needs_info(rules):
    d = run(rules, leave(TUE, leave_type="compensatory", worked_holiday=day(11, 18)))
    assert d.outcome is Outcome.NEEDS_INFO
    assert "2026-11-18" in only(d, "L8", Severity.BLOCK).message_en


def test_l8_worked_date_in_the_future_needs_info(rules):
    d = run(rules, leave(TUE, leave_type="compensatory", worked_holiday=day(11, 29)))
    assert d.outcome is Outcome.NEEDS_INFO
    only(d, "L8", Severity.BLOCK)


@pytest.mark.parametrize("worked", [day(11, 22), day(11, 23)], ids=["sunday", "holiday"])
def test_l8_worked_sunday_or_holiday_goes_to_the_manager(rules, worked):
    d = run(rules, leave(TUE, leave_type="compensatory", worked_holiday=worked), facts(balance=0))
    assert_manager(d)
    assert step_rules(d, "manager") == ("L8",)
    assert worked.isoformat() in only(d, "L8", Severity.INFO).message_ja


# -- L10: only working days count -------------------------------------------------------------


def test_l10_range_over_weekend_and_holiday_counts_two_days(rules):
    # Asked on Wednesday 11/18 for Fri 11/20 – Tue 11/24: Sat, Sun and 勤労感謝の日 are not counted.
    d = run(rules, leave(day(11, 20), TODAY), facts(balance=2.0), today=day(11, 18))
    assert_auto(d)
    f = only(d, "L10", Severity.INFO)
    assert f.data["skipped"] == ["2026-11-21", "2026-11-22", "2026-11-23"]
    assert "11/23" in f.message_ja


def test_l10_range_over_weekend_and_holiday_uses_two_days_of_balance(rules):
    d = run(rules, leave(day(11, 20), TODAY), facts(balance=1.0), today=day(11, 18))
    assert d.outcome is Outcome.NEEDS_INFO
    assert only(d, "L5", Severity.BLOCK).data["needed"] == 2


def test_l10_range_of_only_days_off_needs_info(rules):
    d = run(rules, leave(day(11, 21), day(11, 23)))
    assert d.outcome is Outcome.NEEDS_INFO
    assert d.chain == ()
    only(d, "L10", Severity.BLOCK)


def test_l10_half_day_on_a_holiday_needs_info(rules):
    d = run(rules, leave(day(11, 23), portion="pm"))
    assert d.outcome is Outcome.NEEDS_INFO
    only(d, "L10", Severity.BLOCK)


def test_l10_year_end_closure_is_not_counted(rules):
    # Mon 12/28 … Mon 1/4: only 12/28 and 1/4 are working days.
    d = run(rules, leave(day(12, 28), day(1, 4, 2027)), facts(balance=2.0))
    assert_auto(d)
    skipped = only(d, "L10", Severity.INFO).data["skipped"]
    assert skipped[0] == "2026-12-29" and skipped[-1] == "2027-01-03" and len(skipped) == 6


def test_l10_closure_only_range_needs_info(rules):
    d = run(rules, leave(day(12, 29), day(1, 3, 2027)))
    assert d.outcome is Outcome.NEEDS_INFO
    only(d, "L10", Severity.BLOCK)
