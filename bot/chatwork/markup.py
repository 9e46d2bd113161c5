"""Chatwork message notation: read what a person wrote, and write cards and replies back.

Reading never cuts at fixed offsets: tags are matched by pattern wherever they are, quotes
are dropped whole (nested ones too), and the display name Chatwork puts after a mention is
dropped only where it is recognisably a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.i18n import t
from bot.models import Card, Reply

_QUOTE = re.compile(r"\[qt\](?:(?!\[qt\]).)*?\[/qt\]", re.IGNORECASE | re.DOTALL)
_TO = re.compile(r"\[to:(\d+)\]", re.IGNORECASE)
_REPLY = re.compile(r"\[(?:rp|reply) aid=(\d+)(?: to=(\d+)-(\d+))?\]", re.IGNORECASE)
_TOALL = re.compile(r"\[toall\]", re.IGNORECASE)
_DOWNLOAD = re.compile(r"\[download:(\d+)\](.*?)\[/download\]", re.IGNORECASE | re.DOTALL)
_PREVIEW = re.compile(r"\[preview [^\]]*\]", re.IGNORECASE)
_ICON = re.compile(r"\[(?:picon|pname|piconname):\d+\]", re.IGNORECASE)
_DTEXT = re.compile(r"\[dtext:[a-z_]+\]", re.IGNORECASE)
_WRAPPERS = re.compile(r"\[/?(?:info|title|code|task[^\]]*)\]|\[hr\]", re.IGNORECASE)
_HONORIFIC = re.compile(r"^\s*(?:さん|様|さま|くん|君|殿|san\b)\s*", re.IGNORECASE)
# Tags a person's text could carry into our own messages (a mention, a fake card): defused on the way out.
_ANY_TAG = re.compile(
    r"\[(?=/?(?:to|rp|reply|toall|info|title|hr|code|qt|qtmeta|picon|pname|piconname|download|preview|dtext|task)\b)",
    re.IGNORECASE,
)
_NAME_LINE_MAX = 40


@dataclass(frozen=True)
class Parsed:
    """A message as the bot reads it."""

    text: str
    to_ids: tuple[str, ...] = ()
    reply_to: tuple[str, str | None, str | None] | None = None  # (account id, room id, message id)
    file_ids: tuple[str, ...] = ()
    to_all: bool = False
    names_dropped: tuple[str, ...] = field(default=())

    def addressed_to(self, account_id: str | None) -> bool:
        """A mention of the bot or a reply to one of its messages: the only messages that may act."""
        if not account_id:
            return False
        return account_id in self.to_ids or (self.reply_to is not None and self.reply_to[0] == account_id)


def parse(body: str, names: Iterable[str] = ()) -> Parsed:
    """Strip notation from a message body; `names` are display names that may follow a mention."""
    text = body.replace("\r\n", "\n")
    while True:  # innermost quotes first, until none is left
        stripped = _QUOTE.sub("", text)
        if stripped == text:
            break
        text = stripped
    to_ids = tuple(_TO.findall(text))
    reply = _REPLY.search(text)
    reply_to = (reply.group(1), reply.group(2), reply.group(3)) if reply else None
    file_ids = tuple(m.group(1) for m in _DOWNLOAD.finditer(text))
    to_all = bool(_TOALL.search(text))
    known = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)

    lines = text.split("\n")
    out: list[str] = []
    dropped: list[str] = []
    for n, line in enumerate(lines):
        had_tag = bool(_TO.search(line) or _REPLY.search(line) or _TOALL.search(line))
        line = _TOALL.sub("", _REPLY.sub("", _TO.sub("", line)))
        if had_tag:
            rest = line.strip()
            name = next((k for k in known if rest.startswith(k)), None)
            if name is not None:
                dropped.append(name)
                rest = _HONORIFIC.sub("", rest[len(name) :], count=1).strip()
            elif rest and _looks_like_name_line(rest, lines[n + 1 :]):
                # The UI writes "[To:1] 山田さん" on a line of its own: a short line before the message.
                dropped.append(rest)
                rest = ""
            line = rest
        out.append(line)
    text = "\n".join(out)
    text = _DOWNLOAD.sub("", text)
    for pattern in (_PREVIEW, _ICON, _DTEXT, _WRAPPERS):
        text = pattern.sub("", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return Parsed(text, to_ids, reply_to, file_ids, to_all, tuple(dropped))


def _looks_like_name_line(rest: str, following: list[str]) -> bool:
    has_more = any(line.strip() for line in following)
    if not has_more or len(rest) > _NAME_LINE_MAX:
        return False
    return bool(re.search(r"(?:さん|様|さま|殿|san)$", rest)) or not re.search(r"[\d#＃]", rest)


def defuse(text: str) -> str:
    """Someone's words inside our message must not mention, quote or frame anything: "[" becomes "［"."""
    return _ANY_TAG.sub("［", text)


def mention(account_id: str, name: str) -> str:
    return f"[To:{account_id}] {defuse(name)}"


def reply_header(account_id: str, room_id: str, message_id: str, name: str, locale: str) -> str:
    """Quote the message answered, so the asker is notified and sees what the answer is to."""
    tag = f"[rp aid={account_id} to={room_id}-{message_id}]"
    if not name:
        return tag + "\n"
    return f"{tag} {defuse(name)}{'さん' if locale == 'ja' else ''}\n"


def card_markup(card: Card, locale: str) -> str:
    """A card as `[info][title]…[/title]…[/info]`, with the exact replies that act on it."""
    lines: list[str] = []
    for label, value in card.fields:
        value = defuse(value) if value else "—"
        lines.append(f"{defuse(label)}: {value}" if label.strip() else value)
    if card.findings:
        if lines:
            lines.append("[hr]")
        for f in card.findings:
            level = f.data.get("level")
            if level in _LEVEL_MARK:  # a contract checklist item opens with its own status word
                lines.append(f"{_LEVEL_MARK[level]} [{defuse(f.rule_id)}] {defuse(f.message(locale))}")
                continue
            word = t("severity." + f.severity.value, locale)
            lines.append(
                f"{_SEVERITY_MARK[f.severity.value]} [{defuse(f.rule_id)}] {word}: {defuse(f.message(locale))}"
            )
    if card.footer:
        lines.append(defuse(card.footer))
    body = "\n".join(lines)
    out = f"[info][title]{defuse(card.title)}[/title]{body}[/info]"
    hints = action_hints(card, locale)
    return out + ("\n" + hints if hints else "")


_SEVERITY_MARK = {"info": "ℹ", "warning": "⚠", "block": "⛔", "reject": "✖"}
_LEVEL_MARK = {"ok": "✔", "warning": "⚠", "red_flag": "🚩"}
_ACTION_KEYS = {
    "approve": "chatwork.reply_approve",
    "reject": "chatwork.reply_reject",
    "request_changes": "chatwork.reply_changes",
    "edit": "chatwork.reply_edit",
}


def action_hints(card: Card, locale: str) -> str:
    """Chatwork has no buttons: the actions become the words to reply with."""
    words = [t(_ACTION_KEYS[a.id], locale, id=a.request_id) for a in card.actions if a.id in _ACTION_KEYS]
    if not words:
        return ""
    return t("chatwork.reply_hint", locale, options=" / ".join(words))


def render(reply: Reply) -> str:
    """A platform-neutral reply as one Chatwork message body."""
    parts = []
    if reply.text:
        parts.append(defuse(reply.text))
    if reply.card is not None:
        parts.append(card_markup(reply.card, reply.locale))
    return "\n".join(parts)


def split(body: str, limit: int = 60000) -> list[str]:
    """Chatwork takes at most 65,535 characters a message: longer text goes out in pieces, cut at lines."""
    pieces: list[str] = []
    current = ""
    for line in body.split("\n"):
        for chunk in [line[i : i + limit] for i in range(0, len(line), limit)] or [""]:
            candidate = f"{current}\n{chunk}" if current else chunk
            if len(candidate) > limit:
                pieces.append(current)
                candidate = chunk
            current = candidate
    if current:
        pieces.append(current)
    return pieces
