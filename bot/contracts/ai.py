"""The contract check's two model hooks, wired to a real model: a second reader for each checklist
item (`ModelJudge`) and drafts of the suggested wording for red flags (`ModelDrafter`).

Both send only redacted text (architecture.md, principle 6) and put the placeholders back in what
comes back. Both hold the model to what the rules allow: a judgement counts only with a quote
that is in the contract and can only make an item stricter (bot.contracts.judge), and a draft is
text shown to legal marked as the AI's, never a status. Any failure (timeout, HTTP error after
retries, malformed JSON, refusal) leaves the offline reading and the template wording.

    model = make_model(settings, store, clock)          # bot.understanding.factory; None offline
    report = check_contract(text, rules, made_on=today,
                            judge=ModelJudge(model, locale), drafter=ModelDrafter(model))
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from string import Template
from typing import Any

from bot.contracts.clauses import Clause
from bot.contracts.judge import JUDGEMENT_SCHEMA, ChecklistEntry, ItemJudgement, item_messages, parse_judgement
from bot.contracts.wording import PROMPTS_DIR, DraftRequest, Wording
from bot.understanding.redact import Redaction, redact
from bot.understanding.structured import StructuredModel

log = logging.getLogger(__name__)

JUDGE_ENGINE = "contract"  # how these calls are named in the usage table
DRAFT_ENGINE = "contract_draft"
# Between the two messages while they are redacted as one text: no pattern reaches across a blank line.
_SEPARATOR = "\n\n\x1e\n\n"
# A clause, not a memo: a longer "draft" is the model wandering off, and legal would have to read it all.
MAX_DRAFT_CHARS = 2000

DRAFT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"wording": {"type": "string"}},
    "required": ["wording"],
    "additionalProperties": False,
}


class ModelJudge:
    """An `ItemJudge` (bot.contracts.judge) that asks the model; None whenever the model gives nothing usable."""

    def __init__(self, model: StructuredModel, locale: str, wording: Wording | None = None) -> None:
        self.model = model
        self.locale = locale if locale in ("ja", "en") else "ja"
        self.wording = wording

    def __call__(self, entry: ChecklistEntry, clauses: Sequence[Clause]) -> ItemJudgement | None:
        try:
            redaction, messages = redact_pair(*item_messages(entry, clauses, self.locale, self.wording))
            reply, reason = self.model.ask(messages, JUDGEMENT_SCHEMA, engine=JUDGE_ENGINE, name="judgement")
            if not isinstance(reply, dict):
                log.warning("contract judge: no reading for %s (%s); the rules' reading stands", entry.rule_id, reason)
                return None
            # The quote is looked up in the contract as written, so the placeholders must go back first.
            restored = {k: redaction.restore(v) if isinstance(v, str) else v for k, v in reply.items()}
            return parse_judgement(restored, self.locale)
        except Exception as exc:  # a bug of ours must not cost legal the rules' reading
            log.warning("contract judge failed for %s (%s)", entry.rule_id, type(exc).__name__)
            return None


class ModelDrafter:
    """A `Drafter` (bot.contracts.wording) that asks the model for wording; None keeps the template."""

    def __init__(self, model: StructuredModel, prompts_dir: Path = PROMPTS_DIR) -> None:
        self.model = model
        # Read at start, so a missing prompt file stops the bot at once rather than on every contract.
        self.prompts = {
            loc: Template((prompts_dir / f"contract_draft.{loc}.md").read_text(encoding="utf-8"))
            for loc in ("ja", "en")
        }

    def __call__(self, request: DraftRequest) -> str | None:
        try:
            return self._draft(request)
        except Exception as exc:  # the template stands
            log.warning("contract drafter failed for %s (%s)", request.item.rule_id, type(exc).__name__)
            return None

    def _draft(self, request: DraftRequest) -> str | None:
        item, locale = request.item, request.locale if request.locale in self.prompts else "ja"
        system = self.prompts[locale].safe_substitute(
            item_title=item.title(locale),
            rule_id=item.rule_id,
            finding=item.explanation(locale),
            us=request.us,
            them=request.them,
            template=request.template or "-",
        )
        clause = request.clause
        current = f"{clause.name(locale)}\n{clause.body}" if clause is not None and clause.body else "-"
        redaction, messages = redact_pair(system, current)
        reply, reason = self.model.ask(messages, DRAFT_SCHEMA, engine=DRAFT_ENGINE, name="draft")
        if not isinstance(reply, dict):
            log.warning("contract drafter: no draft for %s (%s); the template is used", item.rule_id, reason)
            return None
        text = redaction.restore(str(reply.get("wording", ""))).strip()
        if not text or len(text) > MAX_DRAFT_CHARS:
            log.warning("contract drafter: unusable draft for %s (%d chars)", item.rule_id, len(text))
            return None
        return text


def redact_pair(system: str, user: str) -> tuple[Redaction, tuple[str, str]]:
    """Both messages redacted as one text, so each placeholder means one thing in either.

    The user message is the contract; the system message carries what was read from it (the item's
    finding, the parties' labels, and after a judge's reading its reason), so it is redacted too."""
    redaction = redact(f"{system}{_SEPARATOR}{user}")
    head, sep, tail = redaction.text.partition(_SEPARATOR)
    if not sep:  # cannot happen (a control character is never part of a match), but never send unredacted
        return redaction, (redaction.text, "-")
    return redaction, (head, tail)
