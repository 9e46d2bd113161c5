"""Chat commands of #16 (journal export); merged into handlers.command_table.

`/export 2026-11` (`/仕訳`) makes a batch of the month's approved claims not exported yet and sends the file
to the asker's direct chat only (it holds every employee's claims); `/export 2026-11-01 2026-11-30 mf` names
the period and the format; `/export B202611-01` gives a batch's file again, byte for byte. Finance and admins
only.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from bot.accounting import batches, export, formats
from bot.i18n import t
from bot.models import OutFile, Reply
from bot.services import Services
from handlers.base import Command, Inbound, locale_for, normalize, parse_date, text_reply

ALLOWED_ROLES = ("finance", "admin")
FORMAT_WORDS = {
    "freee": "freee", "フリー": "freee", "mf": "mf", "moneyforward": "mf", "マネーフォワード": "mf", "マネフォ": "mf",
    "yayoi": "yayoi", "弥生": "yayoi", "csv": "csv",
}  # fmt: skip
_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")
_BATCH = re.compile(r"^B\d{6}-\d{2,}$", re.IGNORECASE)


def _month(word: str) -> tuple[dt.date, dt.date] | None:
    m = _MONTH.match(word)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _parse(args: str, services: Services) -> tuple[str | None, dt.date | None, dt.date | None, str | None] | None:
    """(batch, from, to, format) from the words, in any order; None when a word means nothing here."""
    batch = fmt = None
    days: list[dt.date] = []
    for word in normalize(args).split():
        low = word.lower()
        if low in FORMAT_WORDS:
            fmt = FORMAT_WORDS[low]
        elif _BATCH.match(word):
            batch = word.upper()
        elif (month := _month(word)) is not None:
            days.extend(month)
        elif (day := parse_date(word, services.today(), prefer_future=False)) is not None:
            days.append(day)
        else:
            return None
    if batch is not None:
        return (batch, None, None, fmt) if not days else None
    if len(days) not in (1, 2, 4):
        return None
    return None, days[0], days[-1], fmt


def export_command(msg: Inbound, args: str, services: Services) -> list[Reply]:
    if not any(msg.employee.has_role(r) for r in ALLOWED_ROLES):
        return text_reply(msg, services, "journal.not_allowed")
    locale = locale_for(msg, services)
    default = services.rules.accounting.export.default_format
    parsed = _parse(args, services)
    if parsed is None:
        return text_reply(msg, services, "journal.usage", default=default)
    batch_id, start, end, fmt = parsed
    try:
        if batch_id is not None:
            existing = batches.get_batch(services.store, batch_id)
            if existing is not None and fmt is not None and fmt != existing.format:
                return text_reply(msg, services, "journal.other_format", batch=batch_id, format=existing.format)
            result = export.export_again(services, batch_id, msg.employee.id)
        else:
            assert start is not None and end is not None
            result = export.export_period(services, fmt or default, start, end, msg.employee.id)
    except export.ExportError as err:
        return [Reply(locale, err.text(locale))]
    text = "\n".join([export.summary(result, locale), t("journal.dm_only", locale)])
    name = export.file_name(result.batch)
    return [Reply(locale, text, file=OutFile(str(result.path), name, export.MIME))]


assert set(FORMAT_WORDS.values()) == set(formats.WRITERS)

COMMANDS: dict[str, Command] = {
    "export": export_command,
    "仕訳": export_command,
}
