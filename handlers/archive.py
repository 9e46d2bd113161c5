"""Chat commands of #16 (archive): /receipts (/領収書) searches the 電子帳簿保存法 receipt archive.

Finance and admins search every receipt; anyone else sees the receipts of their own claims only, and is told so.
"""

from __future__ import annotations

import dataclasses

from bot.archive.search import Query, parse_day, parse_period, parse_yen, search
from bot.archive.store import Entry
from bot.i18n import t, yen
from bot.models import Reply
from bot.services import Services
from handlers.base import Command, Inbound, locale_for, split_options

SEARCHERS = ("finance", "admin")  # who may search everyone's receipts
MAX_LINES = 30  # a chat reply stays readable; the command line lists everything
_NO_VENDOR = frozenset({"なし", "無し", "none", "-", "空"})


class _Unreadable(Exception):
    def __init__(self, key: str, **data: object) -> None:
        super().__init__(key)
        self.key = key
        self.data = data


def _query(args: str) -> Query:
    words, options = split_options(args)
    query = Query()
    for word in words:
        period = parse_period(word)
        if period is None:
            raise _Unreadable("archive.bad_word", word=word)
        query = dataclasses.replace(query, date_from=period[0], date_to=period[1])
    for name, value in options.items():
        if name in ("from", "to"):
            day = parse_day(value)
            if day is None:
                raise _Unreadable("archive.err.bad_date", value=value)
            if name == "from":
                query = dataclasses.replace(query, date_from=day)
            else:
                query = dataclasses.replace(query, date_to=day)
        elif name in ("min", "max"):
            amount = parse_yen(value)
            if amount is None:
                raise _Unreadable("archive.err.bad_yen", value=value)
            if name == "min":
                query = dataclasses.replace(query, min_yen=amount)
            else:
                query = dataclasses.replace(query, max_yen=amount)
        elif name in ("vendor", "取引先"):
            if value.strip().casefold() in _NO_VENDOR:
                query = dataclasses.replace(query, vendor_missing=True)
            else:
                query = dataclasses.replace(query, vendor=value)
        else:
            raise _Unreadable("archive.bad_word", word=f"{name}={value}")
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise _Unreadable("archive.bad_range", low=query.date_from.isoformat(), high=query.date_to.isoformat())
    if query.min_yen is not None and query.max_yen is not None and query.min_yen > query.max_yen:
        raise _Unreadable("archive.bad_range", low=yen(query.min_yen), high=yen(query.max_yen))
    return query


def _conditions(query: Query, locale: str) -> str:
    parts: list[str] = []
    if query.date_from or query.date_to:
        low = query.date_from.isoformat() if query.date_from else ""
        high = query.date_to.isoformat() if query.date_to else ""
        parts.append(t("archive.cond.date", locale, low=low, high=high))
    if query.min_yen is not None or query.max_yen is not None:
        low = yen(query.min_yen) if query.min_yen is not None else ""
        high = yen(query.max_yen) if query.max_yen is not None else ""
        parts.append(t("archive.cond.amount", locale, low=low, high=high))
    if query.vendor:
        parts.append(t("archive.cond.vendor", locale, vendor=query.vendor))
    if query.vendor_missing:
        parts.append(t("archive.cond.vendor_missing", locale))
    return t("archive.conditions", locale, what=" / ".join(parts))


def line(entry: Entry, locale: str) -> str:
    return t(
        "archive.line",
        locale,
        id=entry.id,
        date=entry.tx_date.isoformat(),
        amount=yen(entry.amount) if entry.amount is not None else t("archive.no_amount", locale),
        vendor=entry.vendor or t("archive.no_vendor", locale),
        request=entry.request_id,
        file=entry.name,
        version=entry.version,
    )


def receipts_command(msg: Inbound, args: str, services: Services) -> list[Reply]:
    """/receipts 2026-11 vendor=… min=… max=…: the archive's receipts matching every condition given."""
    locale = locale_for(msg, services)
    if not args.strip():
        return [Reply(locale, t("archive.usage", locale))]
    try:
        query = _query(args)
    except _Unreadable as err:
        return [Reply(locale, t(err.key, locale, **err.data) + "\n\n" + t("archive.usage", locale))]
    everyone = any(msg.employee.has_role(r) for r in SEARCHERS)
    if not everyone:
        query = dataclasses.replace(query, requester_id=msg.employee.id)
    found = search(services, query)
    lines = [t("archive.title", locale, n=len(found)), _conditions(query, locale)]
    if not everyone:
        lines.append(t("archive.own_only", locale))
    if not found:
        lines.append(t("archive.none", locale))
    lines += [line(e, locale) for e in found[:MAX_LINES]]
    if len(found) > MAX_LINES:
        lines.append(t("archive.more", locale, n=len(found) - MAX_LINES))
    return [Reply(locale, "\n".join(lines))]


COMMANDS: dict[str, Command] = {
    "receipts": receipts_command,
    "領収書": receipts_command,
}
