"""Deciding on requests: approve, reject, request changes, cancel, override, confirm unpaid."""

from __future__ import annotations

from bot.models import Reply
from bot.services import Services
from handlers.base import Inbound, parse_request_id, result_reply, text_reply

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

    def make(self, command: str):
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
        result = services.workflow.act(rid, msg.employee, action, reason.strip() or None, expected_version)
        return result_reply(result, msg, services, command)
