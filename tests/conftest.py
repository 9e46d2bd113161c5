"""Shared by every test: the shipped rules loaded once, a store on a real file, faked HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import respx

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.rules.loader import RuleSet, load_rules
from bot.store.db import Store
from bot.understanding.structured import StructuredModel
from bot.understanding.usage import UsageRecorder

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules(ROOT / "knowledge")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "bot.db")
    yield s
    s.close()


@pytest.fixture
def http() -> Iterator[respx.MockRouter]:
    # assert_all_mocked: a request no route matches fails the test instead of going out.
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    """The whole bot on a fresh database, the demo company, Tuesday 24 November 2026, 10:00 in Tokyo."""
    settings = Settings(db=tmp_path / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=tmp_path / "files")
    a = build_app(settings, FixedClock("2026-11-24T10:00"))
    yield a
    a.close()


@pytest.fixture
def waits() -> list[float]:
    """The pauses a model client asked for between retries (recorded, never slept)."""
    return []


@pytest.fixture
def make_model(store: Store, waits: list[float]) -> Iterator[Callable[..., StructuredModel]]:
    """Real model clients (openai inside ChatOpenAI) for the fake OpenAI-compatible server of
    tests/fake_openai.py; keyword arguments override the test defaults. Closed after the test."""
    from tests.fake_openai import BASE_URL, MODEL

    made: list[StructuredModel] = []

    def make(**overrides: Any) -> StructuredModel:
        options: dict[str, Any] = {
            "model": MODEL,
            "api_key": None,
            "base_url": BASE_URL,
            "timeout": 2.0,
            "usage": UsageRecorder(store, FixedClock("2026-11-24T10:00")),
            "backoff": 0.01,
            "sleep": waits.append,  # no real waiting in tests
        }
        options.update(overrides)
        model = StructuredModel(**options)
        made.append(model)
        return model

    yield make
    for model in made:
        model.close()


@pytest.fixture
def model(make_model: Callable[..., StructuredModel]) -> StructuredModel:
    return make_model()
