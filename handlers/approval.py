"""Deciding on requests: approve, reject, request changes, cancel, override, confirm unpaid."""

from __future__ import annotations

import re

from bot.models import Reply
from bot.services import Services
from handlers.base import Command, Inbound, normalize, parse_request_id, result_reply, text_reply

# The yen an approver gives: a foreign-currency claim's (E8) or an unread contract value (C3).
_YEN = re.compile(r"(?:^|\s)(?:yen=|円=|amount=|金額=|¥)(\d[\d,]*)(?:円)?(?=\s|$)", re.IGNORECASE)

# The command a person types, the workflow action it means.
ACTION_OF_COMMAND = {
    "approve": "approve",
    "reject": "reject",
    "changes": "request_changes",
    "cancel": "cancel",
    "override": "override",
    "confirm": "confirm_unpaid",
}


# A decision typed as a reply on a chat with no buttons: 「承認 #12」「却下 #12 理由」, "approve #12".
_DECISION_WORDS = {
    "承認": "approve",
    "却下": "reject",
    "差戻し": "changes",
    "差し戻し": "changes",
    "差戻": "changes",
    "approve": "approve",
    "reject": "reject",
    "changes": "changes",
    "request changes": "changes",
}
_DECISION = re.compile(
    r"^(承認|却下|差し戻し|差戻し|差戻|approve|reject|request changes|changes)\s*(?:#\s*(\d+)|(\d+)(?=\s|$))\s*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_BARE_DECISION = re.compile(
    r"^(?:(?:承認|却下|差し戻し|差戻し)(?:します|しました|する|です|で|でお願いします|お願いします)?"
    r"|approve|approved|reject|rejected)[\s。.!！]*$",
    re.IGNORECASE,
)


def read_decision(text: str) -> str | None:
    """The command a typed decision stands for (`/approve 12 reason`), or None."""
    m = _DECISION.match(normalize(text))
    if not m:
        return None
    command = _DECISION_WORDS[m.group(1).lower()]
    return f"/{command} {m.group(2) or m.group(3)} {m.group(4).strip()}".strip()


def is_bare_decision(text: str) -> bool:
    """「承認します」 with no request number: it gets a hint, never an approval."""
    return bool(_BARE_DECISION.match(normalize(text)))


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
