"""The shape every handler shares, and the helpers they use to answer."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.cards import request_card
from bot.i18n import CATALOG, t
from bot.models import Employee, Reply, Request, Status
from bot.services import Services
from bot.workflow import Result


@dataclass(frozen=True)
class Inbound:
    """One message from any platform, already mapped to an employee."""

    employee: Employee
    text: str
    platform: str = "console"
    delivery_id: str | None = None
    locale: str | None = None  # the platform's locale for the user, if it gives one
    attachments: tuple[str, ...] = field(default_factory=tuple)  # local file paths
    # The sender's names for the attachments, one per path: a file from chat is kept under its content hash, so
    # its path says nothing a person would recognise.
    names: tuple[str, ...] = field(default_factory=tuple)

    def name_of(self, path: str) -> str:
        """The name to show for one of the attachments (a console file: its own name)."""
        if path in self.attachments and len(self.names) == len(self.attachments):
            return self.names[self.attachments.index(path)]
        return Path(path).name


Command = Callable[[Inbound, str, Services], list[Reply]]

# A path typed in a message names a file on the bot's own machine: only a person sitting at that
# machine (the console) may point at one. From chat it would let anyone read the server's files.
LOCAL_FILE_PLATFORMS = frozenset({"console"})


def may_name_local_files(msg: Inbound) -> bool:
    return msg.platform in LOCAL_FILE_PLATFORMS


def locale_for(msg: Inbound, services: Services) -> str:
    # The directory setting wins over the platform's; the company default is the last resort.
    return msg.employee.locale or msg.locale or services.default_locale


def text_reply(msg: Inbound, services: Services, key: str, **data: object) -> list[Reply]:
    locale = locale_for(msg, services)
    return [Reply(locale, t(key, locale, **data))]


def card_reply(req: Request, services: Services, locale: str, viewer: Employee, text: str = "") -> Reply:
    return Reply(locale, text, request_card(req, services, locale, viewer))


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


_ID = re.compile(r"^#?(\d+)$")


def parse_request_id(token: str) -> int | None:
    m = _ID.match(normalize(token))
    return int(m.group(1)) if m else None


def split_options(args: str) -> tuple[list[str], dict[str, str]]:
    """Words and `key=value` options; a value may be quoted to hold spaces."""
    words: list[str] = []
    options: dict[str, str] = {}
    for m in re.finditer(r'(\w+)=("([^"]*)"|\S+)|(\S+)', normalize(args)):
        if m.group(1):
            options[m.group(1).lower()] = m.group(3) if m.group(3) is not None else m.group(2)
        else:
            words.append(m.group(4))
    return words, options


_RELATIVE = {
    "today": 0,
    "今日": 0,
    "本日": 0,
    "きょう": 0,
    "yesterday": -1,
    "昨日": -1,
    "きのう": -1,
    "tomorrow": 1,
    "明日": 1,
    "あした": 1,
}


def parse_date(token: str, today: dt.date, prefer_future: bool) -> dt.date | None:
    """ISO dates, `M/D` (resolved toward the past for expenses, the future for leave) and a
    few relative words. Free-text dates are the understanding engine's job."""
    token = normalize(token).lower()
    if token in _RELATIVE:
        return today + dt.timedelta(days=_RELATIVE[token])
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", token)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = re.fullmatch(r"(\d{1,2})[/月](\d{1,2})日?", token)
        if m:
            month, day = int(m.group(1)), int(m.group(2))
            candidate = dt.date(today.year, month, day)
            if prefer_future and candidate < today:
                candidate = dt.date(today.year + 1, month, day)
            elif not prefer_future and candidate > today:
                candidate = dt.date(today.year - 1, month, day)
            return candidate
    except ValueError:
        return None
    return None


def result_reply(result: Result, msg: Inbound, services: Services, command: str = "") -> list[Reply]:
    """Turn a workflow result into the words the actor sees, in their language."""
    locale = locale_for(msg, services)
    req = result.request
    rid = req.id if req else result.data.get("id")
    if result.ok and req is not None:
        if result.code == "advanced":
            text = t("res.advanced", locale, id=rid, approver=services.name(result.data.get("next"), locale))
        else:
            text = t(f"res.{result.code}", locale, id=rid)
        return [card_reply(req, services, locale, msg.employee, text)]
    data = dict(result.data)
    data.pop("id", None)
    if result.code == "already_decided":
        status = t(f"status.{data.get('status')}", locale)
        if not data.get("by") and data.get("status") not in ("approved", "rejected", "cancelled"):
            return [Reply(locale, t("err.not_pending", locale, id=rid, status=status))]
        if data.get("by") == "rules":
            return [Reply(locale, t("err.already_decided_rules", locale, id=rid, status=status))]
        return [
            Reply(
                locale,
                t("err.already_decided", locale, id=rid, status=status, by=services.name(data.get("by"), locale)),
            )
        ]
    if result.code in ("not_approver", "stale"):
        approver = services.name(data.get("approver"), locale)
        return [Reply(locale, t(f"err.{result.code}", locale, id=rid, approver=approver))]
    if result.code in ("not_editable", "cannot_cancel"):
        data["status"] = t(f"status.{data.get('status')}", locale)
    if result.code == "not_allowed":
        data["role"] = t(f"role.{data.get('role')}", locale)
    return [Reply(locale, t(f"err.{result.code}", locale, id=rid, command=command, **data))]


def submitted_reply(req: Request, msg: Inbound, services: Services) -> Reply:
    """The requester's answer after a submit: what happened, who is next, and the card."""
    locale = locale_for(msg, services)
    key = f"res.submitted.{req.status.value}"
    approver = None
    if req.status is Status.PENDING:
        step = services.workflow.current_step(req)
        approver = services.name(step.approver_id if step else None, locale)
    return card_reply(req, services, locale, msg.employee, t(key, locale, id=req.id, approver=approver))


def category_of(token: str, categories: list[str]) -> str | None:
    word = normalize(token).lower()
    if word in categories:
        return word
    for cat in categories:
        labels = CATALOG.get(f"cat.{cat}", {})
        if word in (labels.get("ja", ""), labels.get("en", "").lower()):
            return cat
    return None
