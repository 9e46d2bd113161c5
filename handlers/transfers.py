"""Chat commands of #16 (transfers); merged into handlers.command_table.

`/transfer BATCH DATE` (`/振込`) writes the batch's 全銀 file and sends it to the asker's direct chat only;
`/paid BATCH DATE` (`/支払済`) marks the batch paid and tells each requester. Finance and admins only: the file
holds everyone's bank details. No reply ever shows an account number.
"""

from __future__ import annotations

import datetime as dt

from bot.i18n import t, yen
from bot.models import OutFile, Reply
from bot.services import Services
from bot.transfers import payments
from handlers.base import Command, Inbound, locale_for, normalize, parse_date, text_reply

ALLOWED_ROLES = ("finance", "admin")


def _args(msg: Inbound, args: str, services: Services) -> tuple[str, dt.date] | None:
    words = normalize(args).split()
    if len(words) != 2:
        return None
    day = parse_date(words[1], services.today(), prefer_future=True)
    return (words[0].upper(), day) if day is not None else None


def _allowed(msg: Inbound) -> bool:
    return any(msg.employee.has_role(r) for r in ALLOWED_ROLES)


def transfer_command(msg: Inbound, args: str, services: Services) -> list[Reply]:
    if not _allowed(msg):
        return text_reply(msg, services, "transfer.not_allowed")
    parsed = _args(msg, args, services)
    if parsed is None:
        return text_reply(msg, services, "transfer.usage")
    batch_id, day = parsed
    locale = locale_for(msg, services)
    try:
        written = payments.write_file(services, batch_id, day, None, msg.employee.id)
    except payments.TransferError as err:
        return [Reply(locale, err.text(locale))]
    said = t("transfer.written", locale, batch=batch_id, people=len(written.shares), total=yen(written.total),
             date=day.isoformat())  # fmt: skip
    text = ("" if locale == "ja" else " ").join([said, t("transfer.do_not_forward", locale)])
    name = payments.file_name(batch_id, day)
    return [Reply(locale, text, file=OutFile(str(written.path), name, "text/plain"))]


def paid_command(msg: Inbound, args: str, services: Services) -> list[Reply]:
    if not _allowed(msg):
        return text_reply(msg, services, "transfer.not_allowed")
    parsed = _args(msg, args, services)
    if parsed is None:
        return text_reply(msg, services, "transfer.paid_usage")
    batch_id, day = parsed
    locale = locale_for(msg, services)
    try:
        shares = payments.mark_paid(services, batch_id, day, msg.employee.id)
    except payments.TransferError as err:
        return [Reply(locale, err.text(locale))]
    total = yen(sum(s.amount for s in shares))
    return text_reply(msg, services, "transfer.paid", batch=batch_id, date=day.isoformat(), people=len(shares),
                      total=total)  # fmt: skip


COMMANDS: dict[str, Command] = {
    "transfer": transfer_command,
    "振込": transfer_command,
    "paid": paid_command,
    "支払済": paid_command,
}
