"""Deciding on requests: approve, reject, request changes, cancel, override, confirm unpaid."""

from __future__ import annotations

import re

from bot.models import Reply
from bot.services import Services
from handlers.base import Command, Inbound, normalize, parse_request_id, result_reply, text_reply

_YEN = re.compile(r"(?:^|\s)(?:yen=|円=|¥)(\d[\d,]*)(?:円)?(?=\s|$)", re.IGNORECASE)

# The command a person types, the workflow action it means.
ACTION_OF_COMMAND = {
    "approve": "approve",
    "reject": "reject",
    "changes": "request_changes",
    "cancel": "cancel",
    "override": "override",
    "confirm": "confirm_unpaid",
}


class ApprovalHandler:
    kind = "approval"

    def make(self, command: str) -> Command:
        action = ACTION_OF_COMMAND[command]

        def run(msg: Inbound, args: str, services: Services) -> list[Reply]:
            return self.act(msg, args, services, command, action)

        return run

    def act(
        self,
        msg: Inbound,
        args: str,
        services: Services,
        command: str,
        action: str,
        expected_version: int | None = None,
    ) -> list[Reply]:
        head, _, reason = args.strip().partition(" ")
        rid = parse_request_id(head) if head else None
        if rid is None:
            return text_reply(msg, services, "err.bad_id", command=command)
        amount_jpy = None
        if m := _YEN.search(normalize(reason)):
            # Finance gives the yen amount of a foreign-currency claim as it approves (E8).
            amount_jpy = int(m.group(1).replace(",", ""))
            reason = _YEN.sub("", normalize(reason))
        result = services.workflow.act(
            rid, msg.employee, action, reason.strip() or None, expected_version, amount_jpy=amount_jpy
        )
        return result_reply(result, msg, services, command)
