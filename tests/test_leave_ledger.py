"""Annual leave ledger (L1, L2, L9): statutory grants from the hire date, two-year expiry,
oldest days first, hourly use, and the five-day duty reminder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.leave_ledger import (
    Grant,
    Usage,
    add_months,
    allocate,
    compute_balance,
    five_day_duty,
    needs_reminder,
    statutory_grants,
)
from bot.models import Employee

ROOT = Path(__file__).resolve().parents[1]
D = dt.date


@pytest.fixture(scope="module")
def annual(rules):
    return rules.leave.annual


@pytest.fixture(scope="module")
def duty(rules):
    return rules.leave.five_day_duty


def person(hired: dt.date, weekly_days: int = 5, weekly_hours: float = 40.0, ident: str = "e100") -> Employee:
    return Employee(
        id=ident,
        name_ja="社員",
        name_en="Staff",
        email=f"{ident}@hikari-works.example",
        hire_date=hired,
        weekly_days=weekly_days,
        weekly_hours=weekly_hours,
    )


HIRED = D(2020, 4, 1)  # grants every 1 October from 2020
FULL = person(HIRED)


def day_off(date: dt.date, days: float = 1.0) -> Usage:
    return Usage(date=date, days=days)


def hours_off(date: dt.date, hours: float) -> Usage:
    return Usage(date=date, days=hours / 8, hours=hours)


# -- L1: grants --------------------------------------------------------------------------------


def test_first_grant_is_ten_days_six_months_after_hire(annual):
    assert statutory_grants(FULL, D(2020, 9, 30), annual) == []
    (g,) = statutory_grants(FULL, D(2020, 10, 1), annual)
    assert (g.date, g.days, g.expires) == (D(2020, 10, 1), 10, D(2022, 10, 1))


def test_full_time_table_by_years_of_service(annual):
    grants = statutory_grants(FULL, D(2028, 10, 1), annual)
    assert [g.date for g in grants] == [D(y, 10, 1) for y in range(2020, 2029)]
    # 0.5y, 1.5y, … 6.5y, then it stays at 20.
    assert [g.days for g in grants] == [10, 11, 12, 14, 16, 18, 20, 20, 20]


def test_hired_on_31_august_gets_the_first_grant_at_the_end_of_february(annual):
    assert statutory_grants(person(D(2025, 8, 31)), D(2026, 3, 1), annual)[0].date == D(2026, 2, 28)
    assert statutory_grants(person(D(2023, 8, 31)), D(2024, 3, 1), annual)[0].date == D(2024, 2, 29)
    assert add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)


def test_part_timer_three_days_eighteen_hours_gets_the_proportional_table(annual):
    kato = person(D(2019, 11, 1), weekly_days=3, weekly_hours=18)
    grants = statutory_grants(kato, D(2027, 5, 1), annual)
    assert [g.days for g in grants] == [5, 6, 6, 8, 9, 10, 11, 11]


def test_four_days_but_thirty_hours_is_full_time(annual):
    grants = statutory_grants(person(HIRED, weekly_days=4, weekly_hours=30), D(2021, 10, 1), annual)
    assert [g.days for g in grants] == [10, 11]


def test_four_days_under_thirty_hours_is_part_time(annual):
    grants = statutory_grants(person(HIRED, weekly_days=4, weekly_hours=29.5), D(2021, 10, 1), annual)
    assert [g.days for g in grants] == [7, 8]


def test_five_short_days_is_full_time(annual):
    grants = statutory_grants(person(HIRED, weekly_days=5, weekly_hours=20), D(2020, 10, 1), annual)
    assert [g.days for g in grants] == [10]


def test_no_hire_date_means_no_grants(annual):
    nobody = Employee(id="x", name_ja="x", name_en="x", email="x@example.com")
    assert statutory_grants(nobody, D(2030, 1, 1), annual) == []


# -- expiry --------------------------------------------------------------------------------------


def test_grant_is_usable_the_day_before_its_second_anniversary_and_gone_on_it(annual):
    g = statutory_grants(FULL, D(2020, 10, 1), annual)[0]
    assert g.valid_on(D(2022, 9, 30))
    assert not g.valid_on(D(2022, 10, 1))
    assert not g.valid_on(D(2020, 9, 30))


def test_balance_loses_unused_days_on_the_second_anniversary(annual):
    usages = [day_off(D(2021, 3, 1), 3)]
    before = compute_balance(FULL, usages, D(2022, 9, 30), annual)
    assert before.remaining == 7 + 11  # 2020 grant (7 left) + 2021 grant; the 2022 one is not made yet
    after = compute_balance(FULL, usages, D(2022, 10, 1), annual)
    first = after.grants[0]
    assert first.grant.date == D(2020, 10, 1)
    assert (first.used, first.expired, first.remaining) == (3, 7, 0)
    assert after.remaining == 11 + 12


def test_a_usage_after_expiry_cannot_draw_on_the_expired_grant(annual):
    # One day taken on the day the first grant expires comes from the 2021 grant.
    b = compute_balance(FULL, [day_off(D(2022, 10, 1))], D(2022, 10, 1), annual)
    assert [s.used for s in b.grants] == [0, 1, 0]
    assert b.grants[0].expired == 10


# -- FIFO ----------------------------------------------------------------------------------------


def test_usage_takes_the_oldest_valid_grant_first(annual):
    usages = [day_off(D(2021, 11, 1), 3), day_off(D(2022, 3, 1), 9)]
    b = compute_balance(FULL, usages, D(2022, 3, 1), annual)
    assert [s.grant.date for s in b.grants] == [D(2020, 10, 1), D(2021, 10, 1)]
    assert [s.used for s in b.grants] == [10, 2]
    assert b.remaining == 9


def test_allocate_reports_what_no_grant_covers():
    grants = [Grant(D(2021, 10, 1), 10, D(2023, 10, 1)), Grant(D(2022, 10, 1), 11, D(2024, 10, 1))]
    used, uncovered = allocate(grants, [day_off(D(2021, 5, 1), 1), day_off(D(2022, 11, 1), 12)])
    assert used == [10, 2]
    assert uncovered == 1  # nothing was granted yet on 2021-05-01


def test_allocate_newest_first_when_the_policy_says_so():
    grants = [Grant(D(2021, 10, 1), 10, D(2023, 10, 1)), Grant(D(2022, 10, 1), 11, D(2024, 10, 1))]
    used, _ = allocate(grants, [day_off(D(2022, 11, 1), 3)], oldest_first=False)
    assert used == [0, 3]


# -- half days and hourly leave -----------------------------------------------------------------


def test_half_days_and_hours_reduce_the_balance(annual):
    usages = [day_off(D(2021, 1, 12), 0.5), hours_off(D(2021, 2, 3), 3)]
    b = compute_balance(FULL, usages, D(2021, 3, 1), annual)
    assert b.remaining == pytest.approx(10 - 0.5 - 3 / 8)
    assert b.taken == pytest.approx(0.875)


def test_hourly_used_counts_only_the_current_leave_year(annual):
    usages = [hours_off(D(2021, 9, 15), 4), hours_off(D(2021, 10, 15), 3), hours_off(D(2022, 9, 30), 2)]
    b = compute_balance(FULL, usages, D(2021, 11, 1), annual)
    assert b.leave_year == (D(2021, 10, 1), D(2022, 10, 1))
    assert b.hourly_used_hours == 5
    b_prev = compute_balance(FULL, usages, D(2021, 9, 30), annual)
    assert b_prev.hourly_used_hours == 4


# -- balance as of a date ----------------------------------------------------------------------


def test_balance_before_the_first_grant_is_zero_and_names_it(annual):
    b = compute_balance(FULL, [], D(2020, 9, 30), annual)
    assert b.remaining == 0
    assert b.first_grant == D(2020, 10, 1)
    assert b.next_grant is not None and (b.next_grant.date, b.next_grant.days) == (D(2020, 10, 1), 10)
    assert b.leave_year is None


def test_balance_the_day_before_and_the_day_of_a_grant(annual):
    usages = [day_off(D(2021, 5, 10), 2)]
    before = compute_balance(FULL, usages, D(2021, 9, 30), annual)
    assert before.remaining == 8
    assert before.next_grant is not None and (before.next_grant.date, before.next_grant.days) == (D(2021, 10, 1), 11)
    assert before.expiring == (before.grants[0].grant, 8)
    on = compute_balance(FULL, usages, D(2021, 10, 1), annual)
    assert on.remaining == 8 + 11
    assert on.next_grant is not None and on.next_grant.date == D(2022, 10, 1)


def test_booked_future_leave_is_already_deducted(annual):
    b = compute_balance(FULL, [day_off(D(2021, 3, 1)), day_off(D(2021, 6, 1), 2)], D(2021, 4, 1), annual)
    assert (b.taken, b.booked, b.remaining) == (1, 2, 7)


# -- L9: five-day duty --------------------------------------------------------------------------

# FULL was granted 18 days on 2025-10-01: 5 days are due by 2026-09-30, reminders from 2026-07-01.
DUTY_YEAR = [day_off(D(2025, 12, 1)), day_off(D(2026, 1, 5)), day_off(D(2026, 2, 2), 2), day_off(D(2026, 3, 2), 0.5)]


def test_duty_status_for_the_grant_year(annual, duty):
    s = five_day_duty(FULL, DUTY_YEAR, D(2026, 6, 1), annual, duty)
    assert s is not None
    assert s.grant_date == D(2025, 10, 1)
    assert s.deadline == D(2026, 9, 30)
    assert s.remind_from == D(2026, 7, 1)
    assert (s.taken, s.required, s.short) == (4.5, 5, 0.5)


def test_short_of_five_days_is_reminded_from_three_months_before_the_end(annual, duty):
    assert not needs_reminder(five_day_duty(FULL, DUTY_YEAR, D(2026, 6, 30), annual, duty), D(2026, 6, 30))
    assert needs_reminder(five_day_duty(FULL, DUTY_YEAR, D(2026, 7, 1), annual, duty), D(2026, 7, 1))
    assert needs_reminder(five_day_duty(FULL, DUTY_YEAR, D(2026, 9, 30), annual, duty), D(2026, 9, 30))


def test_hourly_leave_does_not_count_toward_the_five_days(annual, duty):
    usages = [*DUTY_YEAR, hours_off(D(2026, 4, 1), 4)]
    s = five_day_duty(FULL, usages, D(2026, 7, 1), annual, duty)
    assert s is not None and s.taken == 4.5
    assert needs_reminder(s, D(2026, 7, 1))


def test_five_days_taken_means_no_reminder(annual, duty):
    usages = [*DUTY_YEAR, day_off(D(2026, 4, 1), 0.5)]
    s = five_day_duty(FULL, usages, D(2026, 8, 1), annual, duty)
    assert s is not None and s.taken == 5 and s.short == 0
    assert not needs_reminder(s, D(2026, 8, 1))


def test_days_from_the_previous_grant_year_do_not_count(annual, duty):
    usages = [day_off(D(2025, 9, 1), 5), day_off(D(2026, 1, 5))]
    s = five_day_duty(FULL, usages, D(2026, 7, 1), annual, duty)
    assert s is not None and s.taken == 1
    assert needs_reminder(s, D(2026, 7, 1))


def test_part_timer_granted_five_days_has_no_duty(annual, duty):
    kato = person(D(2023, 11, 1), weekly_days=3, weekly_hours=18)
    assert five_day_duty(kato, [], D(2026, 9, 1), annual, duty) is None
    assert not needs_reminder(None, D(2026, 9, 1))


def test_part_timer_who_reaches_ten_days_has_the_duty(annual, duty):
    veteran = person(D(2019, 11, 1), weekly_days=3, weekly_hours=18)  # 5.5 years on 2025-05-01: 10 days
    s = five_day_duty(veteran, [], D(2026, 2, 1), annual, duty)
    assert s is not None and s.grant_date == D(2025, 5, 1)
    assert needs_reminder(s, D(2026, 2, 1))
