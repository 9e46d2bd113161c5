"""Files the bot sends (Reply.file): what travels with them and what is said when one cannot go.

A file goes only to the recipient's direct chat with the bot (exports and transfer files carry other people's
money and bank details): Slack opens the DM, Chatwork posts to the direct chat, the console prints the path. The
file is read when it is sent, from the bot's own folder, so the outbox row stays small and survives a restart.
"""

from __future__ import annotations

from pathlib import Path

from bot.i18n import t
from bot.models import OutFile

CHATWORK_MAX_BYTES = 5 * 1024 * 1024  # POST /rooms/{room_id}/files takes at most 5 MB (research/chatwork.md)



def too_big(file: OutFile, limit: int, locale: str) -> str | None:
    """What to say instead when the file is over the platform's limit; None when it fits."""
    size = Path(file.path).stat().st_size if Path(file.path).exists() else 0
    if size <= limit:
        return None
    return t("file.too_big", locale, name=file.name, size=round(size / 1048576, 1), limit=limit // 1048576,
             path=file.path)  # fmt: skip
