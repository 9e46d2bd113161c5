"""Which engine reads messages: offline unless a model is configured, then hybrid by default."""

from __future__ import annotations

from bot.clock import Clock
from bot.config import Settings
from bot.rules.loader import RuleSet
from bot.store.db import Store
from bot.understanding.offline import OfflineEngine
from bot.understanding.types import Engine


def make_engine(settings: Settings, rules: RuleSet, store: Store, clock: Clock, name: str | None = None) -> Engine:
    offline = OfflineEngine(rules.calendar)
    chosen = name or settings.understanding_engine
    if chosen == "offline":
        return offline
    raise ValueError(f"the {chosen} engine needs OPENAI_MODEL and OPENAI_API_KEY or OPENAI_BASE_URL")
