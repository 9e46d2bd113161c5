"""The Slack App Home tab (#15): published (views.publish, on the Slack fake) when the tab opens, and again after a
change to one of the person's requests — what waits for me, my requests, my leave balance."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack import blocks
from tests.loopback import wait_until
from tests.test_slack import ITO, WATANABE, Env


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    e = Env(tmp_path)
    yield e
    e.close()


def home_of(env: Env, user: str) -> list[dict[str, Any]]:
    return [c for c in env.fake.of("views.publish") if c.get("user_id") == user]


def text_of(call: dict[str, Any]) -> str:
    view = call["view"] if isinstance(call["view"], dict) else json.loads(call["view"])
    return json.dumps(view, ensure_ascii=False)


def test_the_home_tab_is_published_when_opened_and_after_a_change(env: Env) -> None:
    opened = {"type": "app_home_opened", "user": WATANABE, "channel": "D0000000007", "tab": "home",
              "event_ts": "1764000000.1"}  # fmt: skip
    assert env.event(opened, "Ev-home-1").status_code == 200
    wait_until(lambda: home_of(env, WATANABE))
    first = text_of(home_of(env, WATANABE)[-1])
    assert "有給の残り" in first and "申請はまだありません" in first

    value = env.lunch_claim_waiting_for_ito()  # a claim waiting for Ito
    env.click(blocks.APPROVE, value, ITO)
    wait_until(lambda: any("#1" in text_of(c) for c in home_of(env, WATANABE)))
    wait_until(lambda: home_of(env, ITO))
    mine = text_of(home_of(env, WATANABE)[-1])
    assert "#1" in mine
    # A replayed delivery of the same event publishes nothing more.
    before = len(home_of(env, WATANABE))
    env.event(opened, "Ev-home-1")
    time.sleep(0.3)
    assert len(home_of(env, WATANABE)) == before
