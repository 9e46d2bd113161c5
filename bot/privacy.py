"""Personal data the bot must never keep, and logs that never carry a message.

**Never storing a My Number.** Under the My Number Act a 個人番号 may be provided only in the listed cases and
used only for social security, tax and disaster response (番号法19条, jp-rules §4.1); that a company may not
collect or keep one beyond those purposes is taken from issue #13 (the article, 20条, is UNCONFIRMED in
jp-rules). A number typed in chat serves none of them, and once in the hash-chained audit log it could not be
removed without breaking the chain. So every inbound is masked at intake, in `bot.inbox.Inbox.accept`, before
its row is written: each My Number (and each card number, unless `BACKOFFICE_DROP_CARD_NUMBERS=false`) in the
text a person typed becomes a mark such as `[個人番号削除]`, and the row records which kinds were dropped
(`privacy_dropped`), never the values. Everything after the inbox (requests,
conversations, audit entries, the outbox, notifications) is built from the masked text, so none of it ever holds
the number. The mark in the text is also the signal: the router (`bot.router`) sees it, tells the sender politely,
and tells HR that one was received and dropped (`tell_hr`), whatever the front door.

Which strings are masked: every string value in the payload except those under keys that name identifiers,
timestamps, URLs, tokens or signatures (`_ID_KEY`). Masking everything else fails safe: a front door that starts
keeping a new field of user text is covered without a change here, while an id is never touched because its key
says what it is (a Slack ts like "1700000000.123456", an event id, a Chatwork message id of 19 digits that might
pass the Luhn check). Inside user text, platform markup is left alone too (a Chatwork `[rp aid=… to=…-<message
id>]` tag, a Slack `<@U123>` mention, any URL): the bot needs those ids to answer.

The mark is in the language of the text it stands in (Japanese in text with kana or kanji, English otherwise), so
masking never changes which language a message reads as. A mark a person types themselves is defused (its
brackets become parentheses), so it cannot raise a notice to HR.

**Logs.** `configure_logging` is how the process sets up logging: the libraries we use (slack_bolt, slack_sdk,
httpx, httpcore, openai, langchain, urllib3, websockets) print request and response bodies at DEBUG, and
slack_bolt some at INFO (a bad signature's body), so their records below WARNING are dropped whatever level is
configured, and those kept have bodies cut to their size and personal identifiers redacted, as every
traceback has.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
from collections.abc import Iterable
from typing import Any

from bot.i18n import t
from bot.models import Employee, Reply
from bot.store import records
from bot.understanding.redact import CARD, MY_NUMBER, find, redact

log = logging.getLogger(__name__)

DROPPED_KEY = "privacy_dropped"  # in an inbox payload: which kinds were masked at intake
EVENT = "personal_data_dropped"  # the notification HR gets
HR_ROLE = "hr"

MARKS: dict[str, dict[str, str]] = {
    MY_NUMBER: {"ja": "[個人番号削除]", "en": "[MY NUMBER REMOVED]"},
    CARD: {"ja": "[カード番号削除]", "en": "[CARD NUMBER REMOVED]"},
}
_KIND_OF_MARK = {mark: kind for kind, marks in MARKS.items() for mark in marks.values()}
_MARK = re.compile("|".join(re.escape(m) for m in sorted(_KIND_OF_MARK, key=len, reverse=True)))
# A mark as a person might type it (any bracket width, spacing, case): defused before our own are put in.
_TYPED_MARK = re.compile(
    r"[\[［]\s*(個人番号削除|カード番号削除|my\s*number\s*removed|card\s*number\s*removed)\s*[\]］]", re.IGNORECASE
)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")

# Keys whose values a platform or the bot made, never a person: ids, timestamps, URLs, tokens, signatures, hashes.
_ID_KEY = re.compile(
    r"(?:^|_)(?:id|ids|ts|url|urls|token|hash|signature|time|timestamp|key|secret|version)$"
    r"|^(?:url|permalink|type|subtype|user|channel|channel_type|team|command|private_metadata|today)",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>|\]\"']+", re.IGNORECASE)
# Markup a platform writes into the text, with ids the bot needs to answer.
_MARKUP = {
    "slack": re.compile(r"<[^<>\n]*>"),  # <@U123>, <#C123|general>, <https://…|label>; people's own < is &lt;
    "chatwork": re.compile(
        r"\[/?(?:to|rp|reply|qtmeta|picon|pname|piconname|download|preview|task|dtext)\b[^\]\n]*\]", re.IGNORECASE
    ),
}
_MIN_DIGITS = 12  # a My Number has 12 digits, a card 13 to 19: a string with fewer cannot hold either


def dropping(cards: bool) -> frozenset[str]:
    """The kinds masked at intake: My Numbers always, card numbers when configured."""
    return frozenset({MY_NUMBER, CARD}) if cards else frozenset({MY_NUMBER})


def mask_text(
    text: str, kinds: Iterable[str] = (MY_NUMBER, CARD), platform: str = "", *, defuse: bool = True
) -> tuple[str, set[str]]:
    """`text` with each identifier of `kinds` replaced by its mark, and which kinds were found. `defuse`: marks
    the text already holds are a person's typing (at intake), not ours (later), and lose their brackets."""
    if not text:
        return text, set()
    if defuse and ("削除" in text or "REMOVED" in text.upper()):
        text = _TYPED_MARK.sub(lambda m: f"({m.group(1)})", text)
    if sum(ch.isdigit() for ch in text) < _MIN_DIGITS:
        return text, set()
    wanted = set(kinds)
    # Markup and URLs are blanked out one character for one, so the spans found are spans of `text`.
    searched = text
    for pattern in (_URL, _MARKUP.get(platform)):
        if pattern is not None:
            searched = pattern.sub(lambda m: "\x00" * len(m.group()), searched)
    spans = [(s, e, k) for s, e, k in find(searched) if k in wanted]
    if not spans:
        return text, set()
    language = "ja" if _JAPANESE.search(text) else "en"
    out: list[str] = []
    pos = 0
    for start, end, kind in spans:
        out.append(text[pos:start])
        out.append(MARKS[kind][language])
        pos = end
    out.append(text[pos:])
    return "".join(out), {k for _, _, k in spans}


def mask_payload(payload: Any, kinds: Iterable[str], platform: str = "") -> tuple[Any, set[str]]:
    """A copy of an inbound payload with the identifiers of `kinds` masked in every string a person may have
    typed (everything but values under id-ish keys, see the module docstring), and the kinds found."""
    wanted = frozenset(kinds)
    found: set[str] = set()

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            masked, kinds_here = mask_text(value, wanted, platform)
            found.update(kinds_here)
            return masked
        if isinstance(value, dict):
            return {k: v if isinstance(k, str) and _ID_KEY.search(k) else walk(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        return value

    return walk(payload), found


def dropped(text: str) -> set[str]:
    """The kinds masked at intake, read from the marks left in a message's text (what the router sees)."""
    return {_KIND_OF_MARK[m.group()] for m in _MARK.finditer(text)}


# -- telling people --------------------------------------------------------------------------------


def _ordered(kinds: Iterable[str]) -> list[str]:
    return [k for k in (MY_NUMBER, CARD) if k in set(kinds)]


def sender_notice(kinds: Iterable[str], locale: str) -> Reply:
    """The polite note to the person who sent it: what was removed, that it was not kept, not to send it again."""
    lines = [t(f"privacy.sender.{kind}", locale) for kind in _ordered(kinds)]
    lines.append(t("privacy.sender.rest", locale))
    return Reply(locale, "\n".join(lines))


def hr_recipients(directory: Any, sender: Employee) -> list[Employee]:
    """Who hears of it: the HR role holders (the admins if there are none), never the sender themselves."""
    for role in (HR_ROLE, "admin"):
        people = [p for p in directory.holders(role) if p.id != sender.id]
        if people:
            return people
    return []


def tell_hr(store: Any, directory: Any, sender: Employee, platform: str, kinds: Iterable[str], at: str) -> int:
    """A notification to each HR holder, in the caller's transaction: who, where, which kinds; never the number."""
    data = {"from": sender.id, "platform": platform, "kinds": _ordered(kinds)}
    people = hr_recipients(directory, sender)
    for person in people:
        records.notify(store, person.id, EVENT, None, data, at)
    return len(people)


def tell(services: Any, sender: Employee, platform: str, kinds: Iterable[str], locale: str) -> Reply:
    """HR told (in the caller's transaction) and the note for the sender, for a message whose `kinds` were
    dropped. The router does this for every message it handles; a front door that files without the router (a
    Slack form) calls it with the kinds its row recorded under `DROPPED_KEY`."""
    tell_hr(services.store, services.directory, sender, platform, kinds, services.now_iso())
    return sender_notice(kinds, locale)


def notification_text(data: dict[str, Any], services: Any, locale: str) -> str:
    """What HR reads (bot.cards.notification_reply renders `EVENT` with this)."""
    platform = str(data.get("platform") or "")
    key = f"privacy.platform.{platform}"
    shown_platform = t(key, locale) if t(key, locale) != key else platform
    what = t("privacy.and", locale).join(t(f"privacy.hr.{k}", locale) for k in _ordered(data.get("kinds") or ()))
    who = services.name(data.get("from"), locale)
    return t(
        "privacy.hr.dropped", locale, who=who, platform=shown_platform, what=what or t("privacy.hr.MY_NUMBER", locale)
    )


def notification_reply(data: dict[str, Any], services: Any, recipient: Employee) -> Reply:
    locale = services.locale_of(recipient)
    return Reply(locale, notification_text(data, services, locale), to=recipient.id)


# -- logs ------------------------------------------------------------------------------------------

LIBRARIES = (
    "slack_bolt", "slack_sdk", "httpx", "httpcore", "httpx2", "httpcore2", "openai", "langchain", "langchain_core",
    "langchain_openai", "langsmith", "urllib3", "requests", "websockets", "aiohttp",
)  # fmt: skip
_BODYISH = re.compile(r"(?:b?['\"])?[\[{].{40,}[\]}](?:['\"])?", re.DOTALL)  # a dict, list or JSON printed whole


def _library_dirs() -> tuple[str, ...]:
    dirs: list[str] = []
    for name in LIBRARIES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        for location in (spec.submodule_search_locations or []) if spec else []:
            dirs.append(os.path.join(os.path.realpath(location), ""))
    return tuple(dirs)


class PrivacyFilter(logging.Filter):
    """On a handler: library records below WARNING dropped (that is where bodies and prompts are printed); in the
    library records kept, bodies cut to their size and personal identifiers redacted; in tracebacks (ours too,
    since an exception's message may quote what it choked on), personal identifiers redacted. Our own messages
    are left as written: they carry ids and sizes only, and an id must stay readable.

    Libraries are recognised by the file that logged as well as the logger's name: slack_bolt names some loggers
    after the app's file and sets their levels from the root's when it makes them, so neither names nor levels
    are enough."""

    def __init__(self) -> None:
        super().__init__()
        self._dirs = _library_dirs()
        self._formatter = logging.Formatter()
        self._known: dict[str, bool] = {}

    def _from_library(self, record: logging.LogRecord) -> bool:
        if record.name.split(".", 1)[0] in LIBRARIES:
            return True
        path = record.pathname or ""
        if path not in self._known:
            self._known[path] = bool(path) and os.path.realpath(path).startswith(self._dirs)
        return self._known[path]

    def filter(self, record: logging.LogRecord) -> bool:
        library = self._from_library(record)
        if library and record.levelno < logging.WARNING:
            return False
        if library:
            try:
                message = record.getMessage()
            except Exception:  # a broken format string: keep the template, not the arguments
                message = str(record.msg)
            message = _BODYISH.sub(lambda m: f"<{len(m.group())} chars>", message)
            record.msg, record.args = redact(message).text, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text).text
        if record.stack_info:
            record.stack_info = redact(record.stack_info).text
        return True


def quiet_library_loggers() -> None:
    """Library loggers no lower than WARNING, so their DEBUG and INFO records are not even made (the filter is
    the guarantee; this saves the work)."""
    for name in LIBRARIES:
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)
    # slack_bolt's own loggers copy the root's level when they are made: lift the ones made already.
    for name, made in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(made, logging.Logger) and name.split(".", 1)[0] in LIBRARIES and made.level < logging.WARNING:
            made.setLevel(logging.WARNING)


def install_filter(logger: logging.Logger | None = None) -> None:
    """Put a PrivacyFilter on every handler of `logger` (the root's by default) that has none yet."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, PrivacyFilter) for f in handler.filters):
            handler.addFilter(PrivacyFilter())


LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


_OWN_LOGGERS = frozenset({"bot", "handlers", "__main__", "root"})


def _below_warning_from_library(record: logging.LogRecord) -> bool:
    """False (drop) for a record below WARNING from a logger that is not the bot's own."""
    return record.levelno >= logging.WARNING or record.name.split(".", 1)[0] in _OWN_LOGGERS


def configure_logging(level: str) -> None:
    """How the process sets up logging (bot.cli.main): the level asked for, and no message body at any level.

    Below DEBUG, every library's records under WARNING are dropped at the handler too, not only those of
    LIBRARIES: heavy libraries are imported when first needed, after this ran, and some set their own logger to
    DEBUG on import (bm25s does), which no level set here beforehand can undo. BACKOFFICE_LOG_LEVEL=DEBUG lets
    those through (LIBRARIES' stay dropped by the PrivacyFilter: they are the ones that print bodies)."""
    wanted = level.upper()
    logging.basicConfig(level=wanted, format=LOG_FORMAT)
    logging.getLogger().setLevel(wanted)
    install_filter()
    quiet_library_loggers()
    for handler in logging.getLogger().handlers:
        if _below_warning_from_library in handler.filters:
            handler.removeFilter(_below_warning_from_library)
        if wanted != "DEBUG":
            handler.addFilter(_below_warning_from_library)
