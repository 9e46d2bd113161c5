"""Block Kit for Slack, built by pure functions from the platform-neutral `Card` and `Reply`.

Why a module of its own: the listeners stay about wiring, while everything Slack is strict
about (text and block limits, mrkdwn escaping, the action ids and values a button carries,
the reason form and what comes back from it) is decided here once, without a Slack client,
so it can be tested against slack_sdk's models. Nothing here calls Slack.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.i18n import t
from bot.models import Action, Card, Reply, Severity

# -- the ids Slack sends back: fixed, so listeners match them exactly -------------------------

APPROVE = "approval_approve"
REJECT = "approval_reject"
REQUEST_CHANGES = "approval_changes"
CANCEL = "request_cancel"
CONFIRM_UNPAID = "request_confirm_unpaid"
OVERRIDE = "request_override"
EDIT = "request_edit"

# Our `Action.id` → the Slack action id of its button. `attach` has no button on Slack: people
# upload the file instead, so it is left out and skipped when a card is rendered.
ACTION_IDS: dict[str, str] = {
    "approve": APPROVE,
    "reject": REJECT,
    "request_changes": REQUEST_CHANGES,
    "cancel": CANCEL,
    "confirm_unpaid": CONFIRM_UNPAID,
    "override": OVERRIDE,
    "edit": EDIT,
}
# The other way round: a clicked button's action id → our `Action.id`.
ACTION_OF_SLACK_ID: dict[str, str] = {slack_id: ours for ours, slack_id in ACTION_IDS.items()}

# Policy questions (bot/knowledge/cards.py) have buttons of their own. They are not requests: no approval
# chain and no version, so their value is the question's number ("Q12") and a click simply runs the same
# command the card's footer suggests typing. Kept apart from ACTION_IDS so request buttons stay as they are.
QUESTION_HELPFUL = "question_helpful"
QUESTION_UNHELPFUL = "question_unhelpful"
QUESTION_ASK_PERSON = "question_ask_person"
QUESTION_ANSWER = "question_answer"
QUESTION_SAVE_FAQ = "question_save_faq"

QUESTION_ACTION_IDS: dict[str, str] = {
    "helpful": QUESTION_HELPFUL,
    "unhelpful": QUESTION_UNHELPFUL,
    "ask_person": QUESTION_ASK_PERSON,
    "answer_question": QUESTION_ANSWER,
    "save_faq": QUESTION_SAVE_FAQ,
}
QUESTION_ACTION_OF_SLACK_ID: dict[str, str] = {slack_id: ours for ours, slack_id in QUESTION_ACTION_IDS.items()}

ANSWER_CALLBACK = "question_answer"  # callback_id of the answer modal
ANSWER_BLOCK = "answer"  # block_id and action_id of its one input
ANSWER_ACTION = "answer"
ANSWER_MAX = 3000  # plain_text_input max_length

REASON_CALLBACK = "approval_reason"  # callback_id of the reason modal
REASON_BLOCK = "reason"  # block_id and action_id of its one input
REASON_ACTION = "reason"
REASON_ACTIONS = ("reject", "request_changes")  # the actions that need a reason

SEVERITY_EMOJI: dict[Severity, str] = {
    Severity.INFO: "ℹ️",
    Severity.WARNING: "⚠️",
    Severity.BLOCK: "✋",
    Severity.REJECT: "⛔",
}

# -- Slack's limits (docs.slack.dev block reference; slack_sdk.models enforces most) ---------

MAX_BLOCKS = 50  # per message
HEADER_MAX = 150
SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
LABEL_MAX = 200  # our own cap on a field's label, so its value keeps most of the field
FIELDS_PER_SECTION = 10
CONTEXT_TEXT_MAX = 2000  # conservative: the text object allows 3000
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
BLOCK_ID_MAX = 255
MODAL_TITLE_MAX = 24
MODAL_BUTTON_MAX = 24
INPUT_LABEL_MAX = 2000
INPUT_HINT_MAX = 2000
REASON_MAX = 3000  # plain_text_input max_length
METADATA_MAX = 3000
FALLBACK_TEXT_MAX = 3000  # the notification text; the blocks carry the rest

ELLIPSIS = "…"


def _tx(key: str, locale: str, **data: Any) -> str:
    """Slack-only strings live in the shared catalogue under `slack.`."""
    return t(f"slack.{key}", locale, **data)


# -- text helpers ------------------------------------------------------------------------------

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str) -> str:
    """Text as mrkdwn shows it literally: `<@U123>` stays text, never a mention or a link."""
    return "".join(_ESCAPES.get(c, c) for c in text)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending in "…" when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _escaped_clip(text: str, limit: int) -> str:
    """Escape, then clip to `limit` without cutting an entity such as `&amp;` in two."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    out: list[str] = []
    used = 0
    for c in text:
        piece = _ESCAPES.get(c, c)
        if used + len(piece) > limit - 1:
            break
        out.append(piece)
        used += len(piece)
    return "".join(out) + ELLIPSIS


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def _mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack does not auto-link or parse names in it; escaping already keeps `<…>` text.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _chunks(lines: list[str], limit: int) -> list[str]:
    """Lines (each already at most `limit` long) joined into pieces of at most `limit` characters."""
    pieces: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, limit)
        if current and len(current) + 1 + len(line) > limit:
            pieces.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        pieces.append(current)
    return pieces


# -- button values -----------------------------------------------------------------------------

# Always with the version the card was drawn at: a value without one (or anything else that does not parse
# exactly) is refused, so a click can never skip the check that the request has not changed since.
_VALUE = re.compile(r"([1-9][0-9]{0,17}):([0-9]{1,18})")


def encode_value(request_id: int, version: int | None = None) -> str:
    """The `value` a button carries: "12:3" (request 12 as of version 3), or "12"."""
    return f"{request_id}:{version}" if version is not None else str(request_id)


def decode_value(value: object) -> tuple[int, int] | None:
    """(request id, version) from a button value; None for anything else."""
    if not isinstance(value, str):
        return None
    m = _VALUE.fullmatch(value)
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2))


_QUESTION_VALUE = re.compile(r"Q([1-9][0-9]{0,17})")


def encode_question_value(question_id: int) -> str:
    """The `value` a question's button carries: "Q12", the number people type too."""
    return f"Q{question_id}"


def decode_question_value(value: object) -> int | None:
    """The question number from a question button's value; None for anything else."""
    if not isinstance(value, str):
        return None
    m = _QUESTION_VALUE.fullmatch(value)
    return int(m.group(1)) if m else None


# -- cards -------------------------------------------------------------------------------------


def _header(card: Card) -> list[dict[str, Any]]:
    if not card.title.strip():
        return []
    return [{"type": "header", "text": _plain(card.title, HEADER_MAX)}]


def _field_sections(card: Card) -> list[dict[str, Any]]:
    texts = []
    for label, value in card.fields:
        head = f"*{_escaped_clip(label, LABEL_MAX)}*\n" if label.strip() else ""  # a note under the field before
        texts.append(head + (_escaped_clip(value, FIELD_TEXT_MAX - len(head)) if value else "—"))
    return [
        {"type": "section", "fields": [_mrkdwn(x) for x in texts[i : i + FIELDS_PER_SECTION]]}
        for i in range(0, len(texts), FIELDS_PER_SECTION)
    ]


# A contract checklist item is marked by its own level: an OK item is not "information".
LEVEL_EMOJI = {"ok": "✅", "warning": "⚠️", "red_flag": "🚩"}


def finding_line(severity: Severity, rule_id: str, message: str, locale: str, level: str | None = None) -> str:
    """One finding as mrkdwn: `⚠️ *[E3] 注意*: message`; a checklist item `🚩 *[C2.payment]* 重大: …`."""
    if level in LEVEL_EMOJI:
        return f"{LEVEL_EMOJI[level]} *[{escape(rule_id)}]* {escape(message)}"
    word = t("severity." + severity.value, locale)
    return f"{SEVERITY_EMOJI[severity]} *[{escape(rule_id)}] {escape(word)}*: {escape(message)}"


def _finding_sections(card: Card, locale: str) -> list[dict[str, Any]]:
    lines = []
    for f in card.findings:
        level = f.data.get("level")
        line = finding_line(f.severity, f.rule_id, f.message(locale), locale, level)
        if len(line) > SECTION_TEXT_MAX:  # cut the message, never an entity or the rule id
            head = finding_line(f.severity, f.rule_id, "", locale, level)
            line = head + _escaped_clip(f.message(locale), SECTION_TEXT_MAX - len(head))
        lines.append(line)
    return [{"type": "section", "text": _mrkdwn(chunk)} for chunk in _chunks(lines, SECTION_TEXT_MAX)]


def _button(action: Action, slack_id: str, locale: str, version: int | None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": slack_id,
        "text": _plain(action.label, BUTTON_TEXT_MAX),
        "value": clip(encode_value(action.request_id, version), BUTTON_VALUE_MAX),
    }
    if action.style in ("primary", "danger"):
        button["style"] = action.style
    if action.id == "cancel":
        # One click would cancel for good: Slack asks first.
        button["confirm"] = {
            "title": _plain(_tx("confirm.cancel.title", locale), 100),
            "text": _plain(_tx("confirm.cancel.text", locale, id=action.request_id), 300),
            "confirm": _plain(_tx("confirm.cancel.yes", locale), 30),
            "deny": _plain(_tx("confirm.cancel.no", locale), 30),
            "style": "danger",
        }
    return button


def _question_button(action: Action, slack_id: str) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": slack_id,
        "text": _plain(action.label, BUTTON_TEXT_MAX),
        "value": encode_question_value(action.request_id),
    }
    if action.style in ("primary", "danger"):
        button["style"] = action.style
    return button


def _actions(card: Card, locale: str, version: int | None) -> list[dict[str, Any]]:
    buttons: list[dict[str, Any]] = []
    seen: set[str] = set()
    for action in card.actions:
        slack_id = ACTION_IDS.get(action.id) or QUESTION_ACTION_IDS.get(action.id)
        if slack_id is None or slack_id in seen:  # attach (no button on Slack), an action we do not know, or a repeat
            continue
        seen.add(slack_id)
        if action.id in ACTION_IDS:
            buttons.append(_button(action, slack_id, locale, version))
        else:
            buttons.append(_question_button(action, slack_id))
    if not buttons:
        return []
    block_id = clip(f"actions:{card.request_id}" if card.request_id is not None else "actions", BLOCK_ID_MAX)
    return [{"type": "actions", "block_id": block_id, "elements": buttons[:25]}]


def _context(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "context", "elements": [_mrkdwn(_escaped_clip(text, CONTEXT_TEXT_MAX))]}
    if block_id:
        block["block_id"] = block_id
    return block


def _footer(card: Card) -> list[dict[str, Any]]:
    return [_context(card.footer)] if card.footer.strip() else []


def _fit(
    head: list[dict[str, Any]], body: list[dict[str, Any]], tail: list[dict[str, Any]], room: int, locale: str
) -> list[dict[str, Any]]:
    """head + body + tail in at most `room` blocks: the body is cut, with a note, if it must be."""
    if len(head) + len(body) + len(tail) <= room:
        return head + body + tail
    keep = max(0, room - len(head) - len(tail) - 1)
    return head + body[:keep] + [_context(_tx("more", locale))] + tail


def _card_blocks(
    card: Card, locale: str, version: int | None, decided_line: str | None, room: int
) -> list[dict[str, Any]]:
    body = _field_sections(card) + _finding_sections(card, locale)
    if decided_line is None:
        tail = _actions(card, locale, version)
    else:
        tail = [_context(decided_line, "decided")] if decided_line.strip() else []
    tail += _footer(card)
    return _fit(_header(card), body, tail, room, locale)


def card_blocks(card: Card, locale: str, version: int | None = None) -> list[dict[str, Any]]:
    """A card as blocks: header, fields, findings, one button per action, footer.

    `version` is the request's version when the card was drawn; buttons carry it so a click
    on an old card cannot decide a later step."""
    return _card_blocks(card, locale, version, None, MAX_BLOCKS)


def decided_blocks(card: Card, locale: str, decided_line: str) -> list[dict[str, Any]]:
    """The card with its buttons replaced by a line saying what happened (for chat.update)."""
    return _card_blocks(card, locale, None, decided_line, MAX_BLOCKS)


def reply_blocks(reply: Reply, version: int | None = None) -> tuple[str, list[dict[str, Any]]]:
    """(fallback text, blocks) for chat.postMessage / respond. The fallback is what
    notifications and screen readers show: the reply's text, else the card's title."""
    fallback = reply.text or (reply.card.title if reply.card else "")
    lines = [_escaped_clip(line, SECTION_TEXT_MAX) for line in reply.text.strip("\n").split("\n")]
    text_blocks: list[dict[str, Any]] = [
        {"type": "section", "text": _mrkdwn(chunk)} for chunk in _chunks(lines, SECTION_TEXT_MAX) if chunk.strip()
    ]
    if reply.card is None:
        return _escaped_clip(fallback, FALLBACK_TEXT_MAX), text_blocks[:MAX_BLOCKS]
    text_blocks = text_blocks[: MAX_BLOCKS // 5]  # the card keeps the greater part of the room
    card = _card_blocks(reply.card, reply.locale, version, None, MAX_BLOCKS - len(text_blocks))
    return _escaped_clip(fallback, FALLBACK_TEXT_MAX), text_blocks + card


# -- the reason form ---------------------------------------------------------------------------


def _our_action(action: str) -> str:
    ours = ACTION_OF_SLACK_ID.get(action, action)
    if ours not in REASON_ACTIONS:
        raise ValueError(f"no reason form for action {action!r}")
    return ours


def reason_modal(action: str, request_id: int, locale: str, version: int | None) -> dict[str, Any]:
    """The modal that asks why, for reject and request_changes (our ids or the Slack ones).

    Which request, which action and which version travel in `private_metadata`, so the
    submission needs nothing else."""
    ours = _our_action(action)
    metadata = json.dumps(
        {"action": ours, "request_id": request_id, "version": version}, separators=(",", ":"), ensure_ascii=False
    )
    if len(metadata) > METADATA_MAX:  # only with absurd numbers; never send what Slack refuses
        raise ValueError("private_metadata too long")
    return {
        "type": "modal",
        "callback_id": REASON_CALLBACK,
        "title": _plain(_tx(f"modal.title.{ours}", locale), MODAL_TITLE_MAX),
        "submit": _plain(t(f"action.{ours}", locale), MODAL_BUTTON_MAX),
        "close": _plain(_tx("modal.close", locale), MODAL_BUTTON_MAX),
        "private_metadata": metadata,
        "blocks": [
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "label": _plain(_tx(f"modal.label.{ours}", locale, id=request_id), INPUT_LABEL_MAX),
                "hint": _plain(_tx("modal.hint", locale), INPUT_HINT_MAX),
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON_ACTION,
                    "multiline": True,
                    "max_length": REASON_MAX,
                },
            }
        ],
    }


def read_reason_submission(view: dict[str, Any]) -> tuple[str, int, int | None, str]:
    """(action, request id, version, reason stripped) from a view_submission's `view`.

    An empty reason comes back as "" for the caller to refuse with a form error; anything
    that is not our form, or metadata that is not ours, raises ValueError."""
    if not isinstance(view, dict) or view.get("callback_id") != REASON_CALLBACK:
        raise ValueError("not the reason form")
    try:
        meta = json.loads(view.get("private_metadata") or "")
    except (TypeError, ValueError) as exc:
        raise ValueError("private_metadata is not JSON") from exc
    if not isinstance(meta, dict):
        raise ValueError("private_metadata is not an object")
    action, request_id, version = meta.get("action"), meta.get("request_id"), meta.get("version")
    if not isinstance(action, str):
        raise ValueError("no action in private_metadata")
    action = _our_action(action)
    if isinstance(request_id, bool) or not isinstance(request_id, int) or request_id < 1:
        raise ValueError("bad request id in private_metadata")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 0):
        raise ValueError("bad version in private_metadata")
    try:
        entry = view["state"]["values"][REASON_BLOCK][REASON_ACTION]
    except (KeyError, TypeError) as exc:
        raise ValueError("the reason input is missing") from exc
    if not isinstance(entry, dict):
        raise ValueError("the reason input is malformed")
    value = entry.get("value")
    if value is not None and not isinstance(value, str):
        raise ValueError("the reason is not text")
    return action, request_id, version, (value or "").strip()


# -- the answer form (a policy question handed to a team) -----------------------------------------


def answer_modal(question_id: int, locale: str, question: str = "") -> dict[str, Any]:
    """The modal where someone of the owning team writes the answer to question `question_id`.

    The question's words are shown above the input only when given: the caller passes them once it
    knows the clicker may read them. The number travels in `private_metadata`."""
    blocks_: list[dict[str, Any]] = []
    if question.strip():
        head = f"*{escape(t('kb.q.field.question', locale))}*\n"
        text = head + _escaped_clip(question, SECTION_TEXT_MAX - len(head))
        blocks_.append({"type": "section", "text": _mrkdwn(text)})
    blocks_.append(
        {
            "type": "input",
            "block_id": ANSWER_BLOCK,
            "label": _plain(_tx("question.modal.label", locale, id=question_id), INPUT_LABEL_MAX),
            "hint": _plain(_tx("question.modal.hint", locale), INPUT_HINT_MAX),
            "element": {
                "type": "plain_text_input",
                "action_id": ANSWER_ACTION,
                "multiline": True,
                "max_length": ANSWER_MAX,
            },
        }
    )
    return {
        "type": "modal",
        "callback_id": ANSWER_CALLBACK,
        "title": _plain(_tx("question.modal.title", locale), MODAL_TITLE_MAX),
        "submit": _plain(_tx("question.modal.submit", locale), MODAL_BUTTON_MAX),
        "close": _plain(_tx("modal.close", locale), MODAL_BUTTON_MAX),
        "private_metadata": json.dumps({"question": question_id}, separators=(",", ":")),
        "blocks": blocks_,
    }


def read_answer_submission(view: dict[str, Any]) -> tuple[int, str]:
    """(question number, answer stripped) from the answer form's view_submission.

    An empty answer comes back as "" for the caller to refuse with a field error; a view that is not
    our form, or metadata that is not ours, raises ValueError."""
    if not isinstance(view, dict) or view.get("callback_id") != ANSWER_CALLBACK:
        raise ValueError("not the answer form")
    try:
        meta = json.loads(view.get("private_metadata") or "")
    except (TypeError, ValueError) as exc:
        raise ValueError("private_metadata is not JSON") from exc
    question_id = meta.get("question") if isinstance(meta, dict) else None
    if isinstance(question_id, bool) or not isinstance(question_id, int) or question_id < 1:
        raise ValueError("bad question number in private_metadata")
    try:
        entry = view["state"]["values"][ANSWER_BLOCK][ANSWER_ACTION]
    except (KeyError, TypeError) as exc:
        raise ValueError("the answer input is missing") from exc
    if not isinstance(entry, dict):
        raise ValueError("the answer input is malformed")
    value = entry.get("value")
    if value is not None and not isinstance(value, str):
        raise ValueError("the answer is not text")
    return question_id, (value or "").strip()
