"""The results of a contract check: plain frozen data, bilingual, with the clause each rests on."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.contracts.clauses import Clause
from bot.i18n import t


class ItemStatus(StrEnum):
    """`missing`: the contract has no clause on the item; how that counts is the item's `missing:` level."""

    OK = "ok"
    WARNING = "warning"
    RED_FLAG = "red_flag"
    MISSING = "missing"


LEVEL_ORDER = {"ok": 0, "warning": 1, "red_flag": 2}


@dataclass(frozen=True)
class Citation:
    """The words an item rests on: `clause` names the article (第5条（支払条件）, or 前文/Preamble),
    `excerpt` is the sentence as written, cut with … where long."""

    clause_index: int
    clause_ja: str
    clause_en: str
    excerpt: str

    @classmethod
    def of(cls, clause: Clause, start: int, end: int) -> Citation:
        return cls(clause.index, clause.name("ja"), clause.name("en"), clause.excerpt(start, end))

    def text(self, locale: str) -> str:
        return f"{self.clause_ja if locale == 'ja' else self.clause_en}: {self.excerpt}"


@dataclass(frozen=True)
class Message:
    """A catalogue key and its blanks; rendered in either language on demand."""

    key: str
    data: dict[str, Any] = field(default_factory=dict)

    def text(self, locale: str) -> str:
        shown = {k: (v[locale] if isinstance(v, dict) else v) for k, v in self.data.items()}
        return t(self.key, locale, **shown)


@dataclass(frozen=True)
class ItemResult:
    """One checklist item: its status, why (a one-line explanation), and the clause it rests on."""

    key: str  # the checklist key in contracts.yaml: antisocial, payment…
    title_ja: str
    title_en: str
    status: ItemStatus
    level: str  # how it counts: ok | warning | red_flag (a missing item counts as its `missing:` level)
    reason: Message
    citation: Citation | None = None
    applicable: bool = True  # False: the item does not apply to this contract (we pay nobody)
    facts: dict[str, Any] = field(default_factory=dict)  # what was read: days=90, notice_days=90…
    suggestion_ja: str = ""
    suggestion_en: str = ""
    source: str = "rules"  # rules | llm: who set the status
    ai_note: Message | None = None  # an AI reading that was not adopted, shown for legal
    # Locales whose suggestion the model drafted (the rest are the templates in prompts/): a draft is
    # shown marked as the AI's, for legal to check; it never touches the status.
    ai_drafted: tuple[str, ...] = ()

    @property
    def rule_id(self) -> str:
        return f"C2.{self.key}"

    def title(self, locale: str) -> str:
        return self.title_ja if locale == "ja" else self.title_en

    def explanation(self, locale: str) -> str:
        return self.reason.text(locale)

    def suggestion(self, locale: str) -> str:
        return self.suggestion_ja if locale == "ja" else self.suggestion_en

    def suggestion_drafted(self, locale: str) -> bool:
        """True when the suggestion in `locale` is the model's draft rather than a template."""
        return ("ja" if locale == "ja" else "en") in self.ai_drafted
