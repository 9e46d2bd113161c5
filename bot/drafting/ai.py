"""The model's part in a draft: it may word the deal-specific slots a template marks `model: true` (the purpose,
a description of the work) and nothing else. Its reply is held to that here, whatever the prompt said:

- a reply naming any other slot or clause (a liability cap, a court) is discarded whole;
- each wording must pass the slot's own check (length, no article heading, no line break);
- the draft made with it must leave every protected clause byte-identical to the offline fill, and every
  checklist item where the offline draft has it (bot.drafting.service checks that).

Any failure (timeout, refusal, malformed JSON) leaves the offline fill: slots as the requester gave them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from string import Template as PromptTemplate
from typing import Any

from bot.contracts.ai import redact_pair
from bot.drafting.fill import SlotError, parse_slot
from bot.drafting.templates import Template
from bot.ops.demo import PROMPTS_DIR
from bot.understanding.structured import StructuredModel

log = logging.getLogger(__name__)

ENGINE = "contract_template"  # how these calls are named in the usage table
SCHEMA_VIOLATION = "reply violates the schema"  # bot.understanding.structured's reason for such a reply


@dataclass(frozen=True)
class Worded:
    values: dict[str, str] | None  # slot → the model's wording; None: use the slots as given
    refused: bool = False  # the model's reply went outside the template's bounds and was discarded


def slot_schema(template: Template) -> dict[str, Any]:
    names = [k for k, s in template.slots.items() if s.model]
    return {
        "type": "object",
        "properties": {k: {"type": "string"} for k in names},
        "required": names,
        "additionalProperties": False,
    }


class SlotWorder:
    """Asks the model for the wording of a template's model slots; None whenever it gives nothing usable."""

    def __init__(self, model: StructuredModel, prompts_dir: Path = PROMPTS_DIR) -> None:
        self.model = model
        # A missing prompt file fails here, before any request leaves: the offline fill stands.
        self.prompts = {
            loc: PromptTemplate((prompts_dir / f"draft_slots.{loc}.md").read_text(encoding="utf-8"))
            for loc in ("ja", "en")
        }

    def __call__(self, template: Template, locale: str, given: dict[str, str], request: str) -> Worded:
        """The model's wording, or none: `refused` says the model gave one that broke the template's bounds."""
        try:
            return self._word(template, locale, given, request)
        except Exception as exc:  # the offline fill stands
            log.warning("draft slot wording failed for %s (%s)", template.key, type(exc).__name__)
            return Worded(None)

    def _word(self, template: Template, locale: str, given: dict[str, str], request: str) -> Worded:
        wanted = {k: s for k, s in template.slots.items() if s.model}
        if not wanted:
            return Worded(None)
        lines = [
            f"- {k}: {s.ja if locale == 'ja' else s.en} (max {s.max_chars}): {given.get(k) or '-'}"
            for k, s in wanted.items()
        ]
        protected = ", ".join(c.title for c in template.texts[locale].clauses if c.key in template.protected)
        system = self.prompts[locale].safe_substitute(
            template=template.name(locale), slots="\n".join(lines), protected=protected
        )
        redaction, messages = redact_pair(system, request.strip() or "-")
        reply, reason = self.model.ask(messages, slot_schema(template), engine=ENGINE, name="slots")
        if not isinstance(reply, dict):
            log.warning("draft slot wording: none for %s (%s); the slots are as given", template.key, reason)
            # A reply outside the schema (a key it may not word: a cap, a court) is one the model gave and we refused.
            return Worded(None, refused=str(reason).startswith(SCHEMA_VIOLATION))
        extra = set(reply) - set(wanted)
        if extra:
            # The model reached for what it may not word (a cap, a court): nothing of this reply is used.
            log.warning("draft slot wording for %s named %s: discarded", template.key, ", ".join(sorted(extra)))
            return Worded(None, refused=True)
        out: dict[str, str] = {}
        for name, value in reply.items():
            if not isinstance(value, str):
                log.warning("draft slot wording for %s: %s is not text: discarded", template.key, name)
                return Worded(None, refused=True)
            try:
                out[name] = parse_slot(name, wanted[name], redaction.restore(value))
            except SlotError as err:
                log.warning("draft slot wording for %s: %s refused (%s): discarded", template.key, name, err.key)
                return Worded(None, refused=True)
        return Worded(out or None)
