"""Shared by every test: the shipped rules, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.rules.loader import RuleSet, load_rules

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules(ROOT / "knowledge")
