"""Suggested wording for red flags and the per-item LLM prompt, read from prompts/ by name.

No clause text lives in Python: legal edits `prompts/contract_wording.{ja,en}.md`, one `## key`
section per checklist item, with `$us`, `$them` and `$limit` filled in per contract.

When a model is configured, a `Drafter` (bot.contracts.ai.ModelDrafter) may draft the wording for
a red flag from the clause and the template; the template is used whenever it does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template
from typing import Protocol

from bot.contracts.clauses import Clause
from bot.contracts.model import ItemResult
from bot.models import LOCALES
from bot.ops.demo import PROMPTS_DIR  # the prompts ship with the code (package data)

_SECTION = re.compile(r"^##\s+(?P<key>[A-Za-z0-9_]+)\s*$", re.MULTILINE)


class WordingError(Exception):
    """A prompt file is missing, or lacks a section a checklist item needs. Names file and key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Wording:
    """Templates by locale and checklist key, and the per-item LLM prompt by locale."""

    suggestions: dict[str, dict[str, Template]]  # locale → key → template
    item_prompts: dict[str, Template]  # locale → system prompt for one checklist item

    def suggestion(self, key: str, locale: str, **values: str) -> str:
        template = self.suggestions.get(locale, {}).get(key)
        return template.safe_substitute(values).strip() if template else ""

    def item_prompt(self, locale: str, **values: str) -> str:
        return self.item_prompts[locale if locale in self.item_prompts else "ja"].safe_substitute(values)

    def check_keys(self, keys: list[str], prompts_dir: Path = PROMPTS_DIR) -> None:
        """Every checklist item has a suggestion in every language; raises WordingError otherwise."""
        problems = [
            f"{prompts_dir / f'contract_wording.{loc}.md'}: no section '## {key}' (checklist item in contracts.yaml)"
            for loc in LOCALES
            for key in keys
            if key not in self.suggestions.get(loc, {})
        ]
        if problems:
            raise WordingError(problems)


@dataclass(frozen=True)
class DraftRequest:
    """What a drafter gets for one red-flag item in one language."""

    item: ItemResult
    locale: str
    us: str  # how the contract calls us (甲), or a neutral word (当社, "we") when unknown
    them: str
    template: str  # the template wording, filled in: the starting point, and what is shown if the draft fails
    clause: Clause | None  # the clause the item rests on; None when the contract has none


class Drafter(Protocol):
    """draft(request) → suggested wording, or None (or raise) to keep the template. It only writes
    text: the item's status is the rules' (and a verified judge's), never the drafter's."""

    def __call__(self, request: DraftRequest) -> str | None: ...


def parse_sections(text: str) -> dict[str, str]:
    """`## key` sections of a Markdown file; the text before the first one is a header for people."""
    found = list(_SECTION.finditer(text))
    return {m.group("key"): text[m.end() : found[i + 1].start() if i + 1 < len(found) else len(text)].strip()
            for i, m in enumerate(found)}  # fmt: skip


def load_wording(prompts_dir: Path = PROMPTS_DIR) -> Wording:
    problems: list[str] = []
    suggestions: dict[str, dict[str, Template]] = {}
    item_prompts: dict[str, Template] = {}
    for loc in LOCALES:
        for name in (f"contract_wording.{loc}.md", f"contract_item.{loc}.md"):
            path = prompts_dir / name
            try:
                body = path.read_text(encoding="utf-8")
            except OSError as exc:
                problems.append(f"{path}: cannot be read ({exc.strerror})")
                continue
            if name.startswith("contract_wording"):
                suggestions[loc] = {k: Template(v) for k, v in parse_sections(body).items()}
            else:
                item_prompts[loc] = Template(body)
    if problems:
        raise WordingError(problems)
    return Wording(suggestions, item_prompts)


@cache
def default_wording() -> Wording:
    """The shipped prompts, read once."""
    return load_wording(PROMPTS_DIR)
