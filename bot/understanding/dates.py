"""Dates as people write them, resolved by the conventions of understanding-eval.md.

ISO and `M/D` dates, `12月3日`, `令和8年12月3日`/`R8.12.3`, `Oct 14`, relative words
(今日, 昨日, おととい, 明日, あさって, last night…), `来月1日`, `今月末`, weekdays with or
without 今週/来週/先週/this/next/last, ranges (`A〜B`, `AからBまで`, `Oct 8-9`, `Monday
through Wednesday next week`), and `N日間`/`N days` counted in working days on the company
calendar. A year-less date or a bare weekday resolves toward the past for expenses and
toward the future for leave. All arithmetic is here, so a language model never does any.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from bot.understanding.amounts import normalize
from bot.workcalendar import WorkCalendar

Direction = Literal["past", "future"]

_WEEKDAYS_JA = "月火水木金土日"
_WEEKDAYS_EN = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "thursday": 3, "thu": 3,
    "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_MONTHS_EN = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_ERAS = {"令和": 2018, "r": 2018, "平成": 1988, "h": 1988}
_RELATIVE = {
    "一昨日": -2, "おととい": -2, "day before yesterday": -2, "昨日": -1, "きのう": -1, "昨夜": -1, "昨晩": -1,
    "yesterday": -1, "last night": -1, "今日": 0, "本日": 0, "きょう": 0, "今朝": 0, "today": 0, "tonight": 0,
    "this morning": 0, "this afternoon": 0, "明後日": 2, "あさって": 2, "day after tomorrow": 2, "明日": 1,
    "あした": 1, "あす": 1, "tomorrow": 1,
}  # fmt: skip
_WEEK_SHIFT = {"先週": -1, "last": -1, "今週": 0, "this": 0, "来週": 1, "next": 1, "coming": 1, "再来週": 2}
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
}  # fmt: skip

_MONTH_RE = "|".join(sorted(_MONTHS_EN, key=len, reverse=True))
_WD_EN_RE = "|".join(sorted(_WEEKDAYS_EN, key=len, reverse=True))
_REL_RE = "|".join(re.escape(k) for k in sorted(_RELATIVE, key=len, reverse=True))

_ATOM = re.compile(
    r"(?P<iso>(?<!\d)(?P<iy>\d{4})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})(?!\d))"
    r"|(?P<era_dot>(?<![A-Za-z])(?P<ea>[RH])(?P<ey>\d{1,2})\.(?P<em>\d{1,2})\.(?P<ed>\d{1,2})(?!\d))"
    r"|(?P<jp>(?:(?P<era>令和|平成)(?P<eyear>元|\d{1,2})年|(?P<jyear>\d{4})年)?\s*(?P<jm>\d{1,2})月(?P<jd>\d{1,2})日)"
    r"|(?P<md>(?<![\d/.,])(?P<mm>\d{1,2})/(?P<mdd>\d{1,2})(?![\d/]))"
    rf"|(?P<en>\b(?P<emon>{_MONTH_RE})\.?\s+(?P<eday>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(?P<eyr>\d{{4}}))?)"
    rf"|(?P<en2>\b(?P<eday2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<emon2>{_MONTH_RE})\b\.?(?:,?\s*(?P<eyr2>\d{{4}}))?)"
    r"|(?P<mon_rel>(?P<mrel>先月|今月|来月)(?:の)?(?:(?P<mday>\d{1,2})日|(?P<mend>末)|(?P<mstart>初め|頭)))"
    r"|(?P<mon_end>(?<![先今来])月末)"
    r"|(?P<en_mon_rel>(?:the\s+)?(?:(?P<emday>\d{1,2})(?:st|nd|rd|th)\s+of|end\s+of)\s+(?P<emrel>last|this|next)\s+month)"
    rf"|(?P<rel>{_REL_RE})"
    rf"|(?P<wd_ja>(?P<wjmod>先週|今週|来週|再来週)?の?(?P<wj>[{_WEEKDAYS_JA}])曜(?:日)?)"
    rf"|(?P<wd_en>\b(?:(?P<wemod>last|this|next|coming)\s+)?(?P<we>{_WD_EN_RE})\b(?:'s)?)",
    re.IGNORECASE,
)
_RANGE = re.compile(r"\s*(?:から|〜|~|-|–|—|ー|to|through|thru|until|till)\s*", re.IGNORECASE)
# "月曜と火曜", "Thursday and Friday": one span when the days follow each other.
_AND = re.compile(r"\s*(?:と|and|&|・)\s*", re.IGNORECASE)
_BARE_DAY = re.compile(r"(\d{1,2})(?!\d|日間)(?:日|st|nd|rd|th)?(?![\d/:])")
_WEEK_AFTER = re.compile(r"\s*(?:of\s+)?(?P<mod>next|last|this)\s+week\b", re.IGNORECASE)
_DURATION = re.compile(
    r"(?P<n>\d+|[一二三四五六七八九十])\s*(?:営業)?日間"
    r"|(?:for\s+)?(?P<en>\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:working\s+|business\s+)?days?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateMention:
    start: dt.date
    end: dt.date
    span: tuple[int, int]
    text: str
    relative: bool  # resolved from today (a weekday, 昨日, 来月…) rather than written out


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_day(month: int, day: int, today: dt.date, direction: Direction) -> dt.date | None:
    """A date with no year: the latest on/before today (past), the earliest on/after (future)."""
    this_year = _safe(today.year, month, day)
    if this_year is None:
        other = _safe(today.year + (1 if direction == "future" else -1), month, day)
        return other
    if direction == "past" and this_year > today:
        return _safe(today.year - 1, month, day)
    if direction == "future" and this_year < today:
        return _safe(today.year + 1, month, day)
    return this_year


def _weekday(weekday: int, shift: int | None, today: dt.date, direction: Direction) -> dt.date:
    if shift is not None:
        monday = today - dt.timedelta(days=today.weekday())
        return monday + dt.timedelta(weeks=shift, days=weekday)
    if direction == "past":
        back = (today.weekday() - weekday) % 7 or 7
        return today - dt.timedelta(days=back)
    ahead = (weekday - today.weekday()) % 7 or 7
    return today + dt.timedelta(days=ahead)


def _month_shift(today: dt.date, word: str) -> tuple[int, int]:
    shift = {"先月": -1, "last": -1, "今月": 0, "this": 0, "来月": 1, "next": 1}[word.lower()]
    index = today.year * 12 + today.month - 1 + shift
    return index // 12, index % 12 + 1


def _resolve(
    m: re.Match[str], today: dt.date, direction: Direction, week_mod: int | None
) -> tuple[dt.date, bool] | None:
    g = m.groupdict()
    if g["iso"]:
        d = _safe(int(g["iy"]), int(g["im"]), int(g["id"]))
        return (d, False) if d else None
    if g["era_dot"]:
        d = _safe(_ERAS[g["ea"].lower()] + int(g["ey"]), int(g["em"]), int(g["ed"]))
        return (d, False) if d else None
    if g["jp"]:
        month, day = int(g["jm"]), int(g["jd"])
        if g["era"]:
            year = _ERAS[g["era"]] + (1 if g["eyear"] == "元" else int(g["eyear"]))
            d = _safe(year, month, day)
        elif g["jyear"]:
            d = _safe(int(g["jyear"]), month, day)
        else:
            d = _month_day(month, day, today, direction)
        return (d, False) if d else None
    if g["md"]:
        d = _month_day(int(g["mm"]), int(g["mdd"]), today, direction)
        return (d, False) if d else None
    if g["en"] or g["en2"]:
        month = _MONTHS_EN[(g["emon"] or g["emon2"]).lower().rstrip(".")]
        day = int(g["eday"] or g["eday2"])
        written_year = g["eyr"] or g["eyr2"]
        d = _safe(int(written_year), month, day) if written_year else _month_day(month, day, today, direction)
        return (d, False) if d else None
    if g["mon_rel"]:
        year, month = _month_shift(today, g["mrel"])
        if g["mend"]:
            return dt.date(year, month, _calendar.monthrange(year, month)[1]), True
        d = _safe(year, month, int(g["mday"]) if g["mday"] else 1)
        return (d, True) if d else None
    if g["mon_end"]:
        return dt.date(today.year, today.month, _calendar.monthrange(today.year, today.month)[1]), True
    if g["en_mon_rel"]:
        year, month = _month_shift(today, g["emrel"])
        day = int(g["emday"]) if g["emday"] else _calendar.monthrange(year, month)[1]
        d = _safe(year, month, day)
        return (d, True) if d else None
    if g["rel"]:
        return today + dt.timedelta(days=_RELATIVE[g["rel"].lower()]), True
    if g["wd_ja"]:
        shift = _WEEK_SHIFT[g["wjmod"]] if g["wjmod"] else week_mod
        return _weekday(_WEEKDAYS_JA.index(g["wj"]), shift, today, direction), True
    if g["wd_en"]:
        shift = _WEEK_SHIFT[g["wemod"].lower()] if g["wemod"] else week_mod
        return _weekday(_WEEKDAYS_EN[g["we"].lower()], shift, today, direction), True
    return None


def _is_weekday_atom(m: re.Match[str]) -> bool:
    return bool(m.group("wd_en") or m.group("wd_ja")) and not (m.group("wemod") or m.group("wjmod"))


def find_dates(
    text: str, today: dt.date, direction: Direction, calendar: WorkCalendar | None = None
) -> list[DateMention]:
    """Every date or date range in `text` (normalised with NFKC), in order of appearance."""
    atoms = [m for m in _ATOM.finditer(text) if m.group(0).strip()]
    found: list[DateMention] = []
    i = 0
    while i < len(atoms):
        m = atoms[i]
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        between = text[m.end() : nxt.start()] if nxt else ""
        is_and = nxt is not None and _AND.fullmatch(between) is not None
        is_range = nxt is not None and (_RANGE.fullmatch(between) is not None or is_and)
        last = nxt if is_range and nxt else m
        # "Monday through Wednesday next week": the week named after the range applies to both ends.
        after = _WEEK_AFTER.match(text, last.end())
        week_mod = _WEEK_SHIFT[after.group("mod").lower()] if after else None
        first = _resolve(m, today, direction, week_mod if _is_weekday_atom(m) else None)
        if first is None:
            i += 1
            continue
        start, relative = first
        end, span_end = start, (after.end() if after else m.end())
        if is_range and nxt is not None:
            # The end of a range inherits the start's week ("next Thu-Fri").
            inherited = week_mod
            if inherited is None and (m.group("wemod") or m.group("wjmod")):
                inherited = _WEEK_SHIFT[(m.group("wemod") or m.group("wjmod")).lower()]
            if _is_weekday_atom(nxt) and inherited is not None:
                second = _resolve(nxt, today, direction, inherited)  # same week as the start
            else:
                second = _resolve(nxt, start - dt.timedelta(days=1), "future", None)  # on or after the start
            following = _next_day(start, calendar)
            if second and second[0] >= start and (not is_and or second[0] == following):
                end = second[0]
                span_end = after.end() if after else nxt.end()
                i += 1
        elif bare := re.compile(r"\s*(?:-|–|〜|~|から|to)\s*" + _BARE_DAY.pattern).match(text, m.end()):
            # "Oct 8-9", "12/24〜26": the end is a day of the same month.
            day_end = _safe(start.year, start.month, int(bare.group(1)))
            if day_end and day_end >= start:
                end, span_end = day_end, bare.end()
        found.append(DateMention(start, end, (m.start(), span_end), text[m.start() : span_end], relative))
        i += 1
    if calendar is not None:
        found = [_apply_duration(text, d, calendar) for d in found]
    return found


def _next_day(day: dt.date, calendar: WorkCalendar | None) -> dt.date:
    if calendar is None:
        return day + dt.timedelta(days=1)
    return calendar.nth_working_day_after(day, 1)


def _apply_duration(text: str, mention: DateMention, calendar: WorkCalendar) -> DateMention:
    """`12/24から5日間`, `4 days of PTO starting Jan 7`: N working days from the start."""
    if mention.end != mention.start:
        return mention
    window = text[max(0, mention.span[0] - 40) : mention.span[1] + 24]
    m = _DURATION.search(window)
    if not m:
        return mention
    raw = m.group("n") or m.group("en")
    count = int(raw) if raw.isdigit() else NUMBER_WORDS.get(raw.lower(), 0)
    if count < 2:
        return mention
    day = mention.start
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    end = calendar.nth_working_day_after(day, count - 1)
    return DateMention(day, end, mention.span, mention.text, mention.relative)


def resolve_date_expression(
    expression: str, today: dt.date, direction: Direction, calendar: WorkCalendar | None = None
) -> DateMention | None:
    """The first date or range in an expression as written (`来週水曜`, `Oct 8-9`, `12/24から5日間`)."""
    found = find_dates(normalize(expression), today, direction, calendar)
    return found[0] if found else None


_IMPOSSIBLE = re.compile(r"(?<!\d)(?:(?P<y>\d{4})[-/.年])?\s*(?P<m>\d{1,2})(?:月|/)(?P<d>\d{1,2})(?:日|(?![\d/]))")


def impossible_date(text: str) -> str | None:
    """A date as written that no calendar has (「2月30日」「4/31」「13月1日」), or None: the bot says so instead of
    reading past it and asking for the date as if none had been given."""
    for m in _IMPOSSIBLE.finditer(normalize(text)):
        month, day = int(m.group("m")), int(m.group("d"))
        year = int(m.group("y")) if m.group("y") else 2024  # a leap year: 2/29 may exist when no year is said
        if m.group("d") and (month < 1 or month > 12 or day < 1 or day > _calendar.monthrange(year, month)[1]):
            if month > 12 and "/" in m.group(0) and 1 <= month <= 31 and 1 <= day <= 12:
                continue  # 25/12 written day first is a real date, read (or not) elsewhere
            return m.group(0).strip()
    return None
