"""From one inbound message to the replies: dedupe, pick the command, never lose a message."""

from __future__ import annotations

import logging
import secrets

from bot.i18n import t
from bot.models import Reply
from bot.services import Services
from handlers import Command, Inbound, command_table
from handlers.approval import is_bare_decision, read_decision
from handlers.base import locale_for, normalize
from handlers.intake import IntakeHandler

log = logging.getLogger(__name__)


class Router:
    def __init__(self, services: Services, commands: dict[str, Command] | None = None) -> None:
        self.services = services
        self.commands = commands if commands is not None else command_table()
        self.intake = IntakeHandler()

    def free_text(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        return self.intake.handle_text(msg, services)

    def handle(self, msg: Inbound) -> list[Reply]:
        services = self.services
        if msg.delivery_id and not services.store.claim_delivery(
            f"{msg.platform}:{msg.delivery_id}", services.now_iso()
        ):
            log.info("duplicate delivery %s:%s ignored", msg.platform, msg.delivery_id)
            return []
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
        elif is_bare_decision(text):
            return [Reply(locale, t("approval.need_id", locale))]
        else:
            # Anything that is not a command is read by the understanding engine.
            name, args, command = "", text, self.free_text
        try:
            return command(msg, args.strip(), services)
        except Exception as exc:
            ref = secrets.token_hex(4)
            log.exception("handling %r from %s failed (ref %s)", msg.text, msg.employee.id, ref)
            # The message is kept in the audit log so the back office can redo it by hand.
            try:
                with services.store.tx():
                    services.store.audit(
                        services.now_iso(),
                        msg.employee.id,
                        "inbound.failed",
                        None,
                        {
                            "ref": ref,
                            "platform": msg.platform,
                            "text": msg.text,
                            "error": f"{type(exc).__name__}: {exc}",
                        },
                    )
            except Exception:
                log.exception("could not record failed message ref %s", ref)
            return [Reply(locale, t("err.internal", locale, ref=ref))]
