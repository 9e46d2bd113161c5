"""Time is injected: nothing in the core reads the wall clock, so tests and evals pass `today`."""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    """The only place that reads the wall clock; used by the composition root alone."""

    def __init__(self, tz: dt.tzinfo = TOKYO) -> None:
        self.tz = tz

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.tz)


class FixedClock:
    """A clock for tests, benchmarks and scripted sessions; `advance` moves it forward."""

    def __init__(self, at: dt.datetime | dt.date | str, tz: dt.tzinfo = TOKYO) -> None:
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
        if not isinstance(at, dt.datetime):
            at = dt.datetime.combine(at, dt.time(10, 0))
        self._now = at if at.tzinfo else at.replace(tzinfo=tz)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, **kwargs: float) -> None:
        self._now += dt.timedelta(**kwargs)

    def set(self, at: dt.datetime | dt.date | str) -> None:
        self._now = FixedClock(at, self._now.tzinfo or TOKYO)._now
