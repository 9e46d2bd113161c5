"""Which engine reads messages: offline unless a model is configured, then hybrid by default;
and the model client the contract check and policy answers share, when there is one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config import Settings
from bot.ops.demo import PROMPTS_DIR  # prompts ship with the code (package data): found whatever the cwd is
from bot.rules.loader import RuleSet
from bot.store.db import Store
from bot.understanding.hybrid import HybridEngine
from bot.understanding.llm import LLMEngine
from bot.understanding.offline import OfflineEngine
from bot.understanding.types import Engine
from bot.understanding.usage import UsageRecorder

if TYPE_CHECKING:
    from bot.understanding.structured import StructuredModel  # langchain and openai: loaded only with a model


def make_engine(settings: Settings, rules: RuleSet, store: Store, clock: Clock, name: str | None = None) -> Engine:
    offline = OfflineEngine(rules.calendar)
    chosen = name or settings.understanding_engine
    if chosen == "offline":
        return offline
    key = settings.openai_api_key
    if not settings.openai_model or not (key or settings.openai_base_url):
        raise ValueError(f"the {chosen} engine needs OPENAI_MODEL and OPENAI_API_KEY or OPENAI_BASE_URL")
    llm = LLMEngine(
        settings.openai_model,
        key.get_secret_value() if key else None,
        settings.openai_base_url,
        offline,
        rules.calendar,
        prompts_dir=PROMPTS_DIR,
        usage=UsageRecorder(store, clock),
    )
    return llm if chosen == "llm" else HybridEngine(offline, llm)


def make_model(settings: Settings, store: Store, clock: Clock) -> StructuredModel | None:
    """The model for the contract checklist, wording drafts and policy answers; None when the bot runs
    offline: no model configured, or BACKOFFICE_ENGINE=offline chosen (then nothing leaves the process).

    The caller owns the client: close() it when the app stops."""
    key = settings.openai_api_key
    if settings.understanding_engine == "offline" or not settings.openai_model or not (key or settings.openai_base_url):
        return None
    from bot.understanding.structured import StructuredModel

    return StructuredModel(
        settings.openai_model,
        key.get_secret_value() if key else None,
        settings.openai_base_url,
        usage=UsageRecorder(store, clock),
    )


def offline_of(engine: Engine) -> Engine:
    """The offline engine inside `engine` (itself when it is one): what reads a requester's own answers, so that a
    model never decides what they meant."""
    if isinstance(engine, HybridEngine):
        return engine.offline
    if isinstance(engine, LLMEngine):
        return engine.fallback
    return engine


def model_of(engine: Engine) -> StructuredModel | None:
    """The model client the engine reads messages with, None offline. The contract checklist, wording drafts
    and policy answers share it: one connection pool and one set of retry settings, not a second client."""
    llm = engine.llm if isinstance(engine, HybridEngine) else engine
    return llm.client if isinstance(llm, LLMEngine) else None
