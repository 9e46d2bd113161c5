"""Searching the receipt archive by the three keys 電子帳簿保存法 names: 取引年月日 (a range), 取引金額 (a range) and
取引先, each alone or combined (accounting.md §6.1: ranges on date and amount, two or more fields combined)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.archive.store import Entry, entries, sync, vendor_key

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class Query:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    min_yen: int | None = None
    max_yen: int | None = None
    vendor: str | None = None  # a part of the name, compared as bot.archive.store.vendor_key does
    vendor_missing: bool = False  # only receipts whose claim names no vendor
    requester_id: str | None = None  # only this person's receipts (an employee searching their own)
    all_versions: bool = False  # superseded versions too (the history), not only each receipt's latest


def search(services: Services, query: Query) -> list[Entry]:
    """The live entries matching every condition given, by 取引年月日 then id. An amount range leaves out
    receipts with no yen amount yet (a foreign claim before finance fixed it)."""
    sync(services)
    where = ["e.deleted_at IS NULL"]
    params: list[Any] = []
    if not query.all_versions:
        where.append("NOT EXISTS (SELECT 1 FROM archive_entries n WHERE n.supersedes = e.id)")
    if query.date_from is not None:
        where.append("e.tx_date >= ?")
        params.append(query.date_from.isoformat())
    if query.date_to is not None:
        where.append("e.tx_date <= ?")
        params.append(query.date_to.isoformat())
    if query.min_yen is not None:
        where.append("e.amount >= ?")
        params.append(query.min_yen)
    if query.max_yen is not None:
        where.append("e.amount <= ?")
        params.append(query.max_yen)
    if query.vendor is not None and vendor_key(query.vendor):
        where.append("instr(e.vendor_key, ?) > 0")  # instr, not LIKE: a % or _ in the text is a character
        params.append(vendor_key(query.vendor))
    if query.vendor_missing:
        where.append("e.vendor_key = ''")
    if query.requester_id is not None:
        where.append("e.request_id IN (SELECT id FROM requests WHERE requester_id = ?)")
        params.append(query.requester_id)
    return entries(services, " AND ".join(where), tuple(params))


_YEN = re.compile(r"^[¥￥]?(\d{1,3}(?:,\d{3})+|\d+)(?:円|yen)?$", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")


def parse_yen(text: str) -> int | None:
    """`3200`, `3,200`, `¥3,200`, `3200円` (full width too) as yen; None when it is not a yen amount."""
    m = _YEN.match(unicodedata.normalize("NFKC", text).strip())
    return int(m.group(1).replace(",", "")) if m else None


def parse_day(text: str) -> dt.date | None:
    m = _DAY.match(unicodedata.normalize("NFKC", text).strip())
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    except ValueError:
        return None


def parse_period(text: str) -> tuple[dt.date, dt.date] | None:
    """A month (`2026-11`), a day (`2026-11-20`) or two days joined by `..`, `~` or `〜` as (first, last)."""
    text = unicodedata.normalize("NFKC", text).strip()
    for joint in ("..", "~", "〜"):
        if joint in text:
            low_text, _, high_text = text.partition(joint)
            low, high = parse_day(low_text), parse_day(high_text)
            return (low, high) if low and high else None
    if m := _MONTH.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            return None
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    day = parse_day(text)
    return (day, day) if day else None
