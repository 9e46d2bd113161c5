"""The company's working-day calendar: weekdays, Japanese national holidays, company closures.

National holidays (substitute holidays and 国民の休日 included) come from `jpholiday`, a
maintained package, never a hand-typed list; the company's own closures come from
`knowledge/rules/calendar.yaml`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import jpholiday

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


class WorkCalendar:
    def __init__(
        self,
        workdays: Iterable[str] = ("mon", "tue", "wed", "thu", "fri"),
        closures: Iterable[tuple[str, str]] = (("12-29", "01-03"),),
        company_holidays: Iterable[dt.date] = (),
        national_holidays: bool = True,
    ) -> None:
        self.workdays = frozenset(WEEKDAY_NAMES.index(d) for d in workdays)
        self.closures = tuple((_month_day(a), _month_day(b)) for a, b in closures)
        self.company_holidays = frozenset(company_holidays)
        self.national_holidays = national_holidays
        self._cache: dict[dt.date, bool] = {}

    def in_closure(self, day: dt.date) -> bool:
        md = (day.month, day.day)
        # A closure such as 12-29..01-03 wraps the year end.
        return any((start <= md <= end) if start <= end else (md >= start or md <= end) for start, end in self.closures)

    def holiday_name(self, day: dt.date) -> str | None:
        if not self.national_holidays:
            return None
        return jpholiday.is_holiday_name(day)

    def is_working_day(self, day: dt.date) -> bool:
        cached = self._cache.get(day)
        if cached is None:
            cached = (
                day.weekday() in self.workdays
                and day not in self.company_holidays
                and not self.in_closure(day)
                and not (self.national_holidays and jpholiday.is_holiday(day))
            )
            self._cache[day] = cached
        return cached

    def days(self, start: dt.date, end: dt.date) -> Iterator[dt.date]:
        day = start
        while day <= end:
            yield day
            day += dt.timedelta(days=1)

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        return [d for d in self.days(start, end) if self.is_working_day(d)]

    def count_working_days(self, start: dt.date, end: dt.date) -> int:
        return sum(1 for d in self.days(start, end) if self.is_working_day(d))

    def nth_working_day_after(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day strictly after `day` (n=1: the next working day)."""
        found = 0
        while found < n:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                found += 1
        return day

    def working_days_between(self, made_on: dt.date, first_day: dt.date) -> int:
        """How many working days ahead `first_day` is when asked on `made_on` (L3): a Friday
        request for Monday is 1 working day ahead."""
        if first_day <= made_on:
            return 0
        return self.count_working_days(made_on + dt.timedelta(days=1), first_day)
