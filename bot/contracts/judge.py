"""The optional LLM hook: a second reader for each checklist item, held to what the contract says.

A model may read a clause the keywords missed, but it may also invent one. So a judgement counts
only with a supporting quote that is found, verbatim (after folding), in the contract; otherwise
it is discarded and the offline judgement stands. And because the rules decide (architecture.md,
principle 1), a verified judgement can only make an item stricter: an AI that finds a red flag the
rules missed raises it, an AI that thinks a red flag is fine is shown to legal as a note, never
used to approve.

The wiring to a real model (redaction first: bot.understanding.redact; then restore the
placeholders in the quote before returning it) lives with the LLM client, not here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from bot.contracts.clauses import Clause
from bot.contracts.model import LEVEL_ORDER, Citation, ItemResult, ItemStatus, Message
from bot.contracts.text import Folded
from bot.i18n import t

log = logging.getLogger(__name__)

# A quote shorter than this (after folding, spaces removed) proves nothing: "甲" is in every contract.
MIN_QUOTE_CHARS = 8
_ELLIPSIS = re.compile(r"…+|\.{3,}|‥+")
_STRIP = re.compile(r"[\s「」『』\"“”'‘’]")


@dataclass(frozen=True)
class ChecklistEntry:
    """What the judge is asked about: the item as the rule file defines it, and the offline result."""

    key: str
    rule_id: str
    title_ja: str
    title_en: str
    config: Any  # the item's model from contracts.yaml (PresenceCheck, PaymentCheck…)
    offline: ItemResult
    us: str  # how the contract calls us (甲, "Company"), or "" when unknown
    them: str


@dataclass(frozen=True)
class ItemJudgement:
    status: ItemStatus
    quote: str  # required: the contract's words the judgement rests on
    reason_ja: str = ""
    reason_en: str = ""


class ItemJudge(Protocol):
    """judge(entry, clauses) → ItemJudgement, or None to abstain. May raise: the rules' reading stands."""

    def __call__(self, entry: ChecklistEntry, clauses: Sequence[Clause]) -> ItemJudgement | None: ...


# The reply a model is asked for (OpenAI `response_format` json_schema); parse it with `parse_judgement`.
JUDGEMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": [s.value for s in ItemStatus]},
        "quote": {"type": "string"},
        "reason": {"type": "string"},
    },
    "required": ["status", "quote", "reason"],
    "additionalProperties": False,
}


def item_messages(
    entry: ChecklistEntry, clauses: Sequence[Clause], locale: str, wording: Any = None
) -> tuple[str, str]:
    """(system, user) messages for one item: the prompt from prompts/contract_item.<locale>.md and the
    clauses with their headings. Redact the user message before it leaves (bot.understanding.redact)."""
    from bot.contracts.wording import default_wording

    wording = wording or default_wording()
    offline = entry.offline
    system = wording.item_prompt(
        locale,
        item_title=entry.title_ja if locale == "ja" else entry.title_en,
        rule_id=entry.rule_id,
        item_standard=entry.title_ja if locale == "ja" else entry.title_en,
        offline_status=offline.status.value,
        offline_reason=offline.explanation(locale),
        us=entry.us or "-",
        them=entry.them or "-",
    )
    user = "\n\n".join(f"{c.name(locale)}\n{c.body}" for c in clauses if c.body)
    return system, user


def parse_judgement(data: dict[str, Any], locale: str) -> ItemJudgement | None:
    """A model's JSON reply (JUDGEMENT_SCHEMA) as an ItemJudgement; None when it is not one."""
    try:
        status = ItemStatus(str(data["status"]))
    except (KeyError, ValueError):
        return None
    reason = str(data.get("reason", ""))
    return ItemJudgement(
        status,
        str(data.get("quote", "")),
        reason_ja=reason if locale == "ja" else "",
        reason_en=reason if locale != "ja" else "",
    )


def find_quote(quote: str, clauses: Sequence[Clause]) -> Citation | None:
    """Where `quote` is in the contract: every part between ellipses, in order, in one clause.
    Compared folded (full-width, case) and with spaces and quotation marks ignored."""
    parts = [_STRIP.sub("", Folded.of(p).text) for p in _ELLIPSIS.split(quote)]
    parts = [p for p in parts if p]
    if sum(len(p) for p in parts) < MIN_QUOTE_CHARS:
        return None
    for clause in clauses:
        folded = clause.folded
        keep = [i for i, c in enumerate(folded.text) if not _STRIP.match(c)]
        flat = "".join(folded.text[i] for i in keep)
        pos, first = 0, -1
        for part in parts:
            at = flat.find(part, pos)
            if at < 0:
                break
            first = at if first < 0 else first
            pos = at + len(part)
        else:
            start, end = folded.span(keep[first], keep[pos - 1] + 1)
            return Citation.of(clause, start, end)
    return None


def apply_judgement(
    result: ItemResult, judgement: ItemJudgement | None, clauses: Sequence[Clause], missing_level: str
) -> ItemResult:
    """The item after the AI's reading: stricter when the AI's quote checks out and its level is higher;
    unchanged (with a note for legal) when the quote is not in the contract or the AI is milder."""
    if judgement is None:
        return result
    status_word = {"ja": _status_word(judgement.status, "ja"), "en": _status_word(judgement.status, "en")}
    reason = {"ja": judgement.reason_ja or judgement.reason_en, "en": judgement.reason_en or judgement.reason_ja}
    citation = find_quote(judgement.quote, clauses) if judgement.quote else None
    if citation is None:
        return replace(result, ai_note=Message("contract.ai.discarded", {"status": status_word}))
    level = missing_level if judgement.status is ItemStatus.MISSING else judgement.status.value
    if LEVEL_ORDER[level] > LEVEL_ORDER[result.level]:
        return replace(
            result,
            status=judgement.status,
            level=level,
            reason=Message("contract.ai.adopted", {"reason": reason}),
            citation=citation,
            source="llm",
            ai_note=None,
        )
    if judgement.status is not result.status:
        return replace(result, ai_note=Message("contract.ai.milder", {"status": status_word, "reason": reason}))
    return result


def run_judge(judge: ItemJudge, entry: ChecklistEntry, clauses: Sequence[Clause], missing_level: str) -> ItemResult:
    """Ask the judge about one item; any failure leaves the rules' reading, with a note."""
    try:
        judgement = judge(entry, clauses)
    except Exception:  # the hook is an edge: a model or network failure must not lose the report
        log.warning("contract judge failed for %s", entry.rule_id, exc_info=True)
        return replace(entry.offline, ai_note=Message("contract.ai.failed"))
    if judgement is not None and not isinstance(judgement.status, ItemStatus):
        try:
            judgement = replace(judgement, status=ItemStatus(str(judgement.status)))
        except ValueError:
            return replace(entry.offline, ai_note=Message("contract.ai.failed"))
    return apply_judgement(entry.offline, judgement, clauses, missing_level)


def _status_word(status: ItemStatus, locale: str) -> str:
    return t(f"contract.status.{status.value}", locale)
