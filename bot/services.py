"""What handlers are given to work with: one object, built once by the composition root."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.directory import Directory
from bot.knowledge.service import KnowledgeService
from bot.models import Employee
from bot.rules.loader import RuleSet
from bot.store.db import Store
from bot.understanding.types import Engine
from bot.workflow import Workflow

if TYPE_CHECKING:
    from bot.understanding.structured import StructuredModel  # langchain and openai: loaded only with a model


@dataclass
class Services:
    store: Store
    rules: RuleSet
    workflow: Workflow
    clock: Clock
    attachments_dir: Path
    understanding: Engine
    knowledge: KnowledgeService
    default_locale: str = "ja"
    max_attachment_mb: int = 20
    # The model for the contract checklist's second reading and wording drafts (policy answers reach it
    # through `knowledge`); None offline. It only ever reads and drafts: the rules decide.
    model: StructuredModel | None = None
    # A platform event dated further than this from now is logged and not acted on (replays, forged times).
    event_window_minutes: int = 60
    # Card numbers typed in chat are masked at intake, as My Numbers always are.
    drop_card_numbers: bool = True

    @property
    def directory(self) -> Directory:
        return self.workflow.directory

    def now_iso(self) -> str:
        return self.clock.now().isoformat(timespec="seconds")

    def today(self) -> dt.date:
        return self.clock.now().date()

    def name(self, employee_id: str | None, locale: str) -> str:
        if employee_id == "rules":
            return "ルール" if locale == "ja" else "the rules"
        person = self.directory.get(employee_id) if employee_id else None
        return person.name(locale) if person else (employee_id or "?")

    def locale_of(self, employee: Employee | None) -> str:
        return employee.locale if employee and employee.locale else self.default_locale
