"""From one inbound message to the replies: pick the command and run it (dedupe and failures: bot.inbox)."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from bot import privacy
from bot.i18n import t
from bot.models import Reply
from bot.services import Services
from handlers import Command, Inbound, command_table
from handlers.approval import is_bare_decision, read_decision
from handlers.base import locale_for, normalize
from handlers.edit import read_typed_edit
from handlers.intake import IntakeHandler

log = logging.getLogger(__name__)

# Withdrawing one's own request in words: a cancel verb and a request number (#20, 20番), not asked as a question.
_CANCEL_WORDS = re.compile(
    r"取り?消し?(?:ます|たい|て|で|を)|取消|キャンセル|取り下げ|取下げ|\b(?:cancel|withdraw)\b", re.IGNORECASE
)
_REQUEST_NO = re.compile(r"(?<![\w#])#\s?(\d{1,9})(?!\d)|(?<!\d)(\d{1,9})\s?番")
_ASKED = re.compile(r"[?？]|ますか|ですか|でしょうか|できる\b|\b(?:how|can i|could i)\b", re.IGNORECASE)


def typed_cancel(text: str) -> str | None:
    """The request number a typed withdrawal names (「やっぱり取り消します #20」 → "20"), or None. 「#20 はキャンセル
    できますか?」 asks, and is left to the understanding engine."""
    if not _CANCEL_WORDS.search(text) or _ASKED.search(text):
        return None
    numbers = {m.group(1) or m.group(2) for m in _REQUEST_NO.finditer(text)}
    return numbers.pop() if len(numbers) == 1 else None


class Router:
    def __init__(self, services: Services, commands: dict[str, Command] | None = None) -> None:
        self.services = services
        self.commands = commands if commands is not None else command_table()
        self.intake = IntakeHandler()

    def free_text(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        return self.intake.handle_text(msg, services)

    def handle(self, msg: Inbound) -> list[Reply]:
        """The replies to one message. Runs inside the inbox's transaction (bot.inbox): a failure is raised,
        not answered here, so that nothing it half did is committed; the inbox retries, then parks the
        message and tells the sender with a reference.

        A My Number (or card number) masked at intake left its mark in the text: the rest of the message is
        handled as usual, the sender is told not to send such numbers in chat, and HR is told one came and
        was dropped, in this same transaction (so exactly once, and never if the message is not handled)."""
        services = self.services
        # The inbox masked it already; this covers a caller that did not come through the inbox.
        kinds = privacy.dropping(services.drop_card_numbers)
        masked, _ = privacy.mask_text(msg.text, kinds, msg.platform, defuse=False)
        if masked != msg.text:
            msg = replace(msg, text=masked)
        replies = self._route(msg)
        dropped = privacy.dropped(msg.text)
        if dropped:
            notice = privacy.tell(services, msg.employee, msg.platform, dropped, locale_for(msg, services))
            replies = [*replies, notice]
            log.info(
                "told the sender and HR of %s dropped from delivery %s", ", ".join(sorted(dropped)), msg.delivery_id
            )
        return replies

    def _route(self, msg: Inbound) -> list[Reply]:
        services = self.services
        text = normalize(msg.text)
        locale = locale_for(msg, services)
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            command = self.commands.get(name.lower())
            if command is None:
                return [Reply(locale, t("err.unknown_command", locale, command="/" + name))]
        elif decision := read_decision(text):
            # 「承認 #12」 typed as a reply (Chatwork has no buttons) is the same as /approve 12.
            name, _, args = decision[1:].partition(" ")
            command = self.commands[name]
        elif edit := read_typed_edit(text):
            # 「修正 #6 金額=3,200」: the edit command typed as words (Chatwork has no forms).
            name, _, args = edit[1:].partition(" ")
            command = self.commands["edit"]
        elif cancel := typed_cancel(text):
            # 「やっぱり取り消します #20」: the sender withdraws their own request, in words, wherever the number is.
            name, args, command = "cancel", cancel, self.commands["cancel"]
        elif text.lower().rstrip("!！。.") in ("login", "dashboard", "ログイン", "ダッシュボード"):
            # The word alone asks for the dashboard's sign-in link (Chatwork has no slash commands).
            name, args, command = "login", "", self.commands["login"]
        elif is_bare_decision(text):
            return [Reply(locale, t("approval.need_id", locale))]
        else:
            # Anything that is not a command is read by the understanding engine.
            name, args, command = "", text, self.free_text
        return command(msg, args.strip(), services)
