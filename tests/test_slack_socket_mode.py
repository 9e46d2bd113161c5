"""Slack over Socket Mode: the same Bolt app, fed by a real WebSocket as Slack feeds it.

The bot opens the connection itself (apps.connections.open on the fake Web API hands it the
fake socket's URL), so no public URL and no signing secret are involved. Every envelope must
be acknowledged within 3 seconds; the work then happens as over HTTP.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.slack import blocks, forms
from bot.slack.app import SlackFrontDoor
from bot.store import records
from tests.fake_slack import FakeSlack
from tests.fake_socket_mode import FakeSocketMode
from tests.loopback import wait_until

ROOT = Path(__file__).resolve().parents[1]
WATANABE, ITO = "U0000000007", "U0000000006"


class SocketEnv:
    def __init__(self, tmp_path: Path) -> None:
        self.socket = FakeSocketMode()
        self.fake = FakeSlack()
        self.fake.socket_url = self.socket.url
        settings = Settings(db=tmp_path / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=tmp_path / "f")
        self.app: App = build_app(settings, FixedClock("2026-11-24T10:00"))
        self.slack = SlackFrontDoor(self.app, "xoxb-test", None, self.fake.url)  # no signing secret in Socket Mode
        self.handler = self.slack.socket_mode("xapp-1-test")
        self.slack.start()
        self.app.inbox.start()
        self.handler.connect()
        self.socket.wait_connected()

    def close(self) -> None:
        self.handler.close()
        self.slack.shutdown()
        self.app.close()
        self.socket.close()
        self.fake.close()

    def command(self, command: str, text: str, user: str = WATANABE) -> dict[str, Any]:
        return self.socket.push("slash_commands", {
            "command": command, "text": text, "user_id": user, "channel_id": "C0123", "team_id": "T1",
            "response_url": self.fake.webhook + "commands/1", "trigger_id": "13345224609.738474920.8088930838d88f00",
        })  # fmt: skip

    def event(self, event: dict[str, Any], event_id: str, retry_attempt: int = 0) -> dict[str, Any]:
        body = {"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id,
                "event_time": 1764000000, "event": event}  # fmt: skip
        return self.socket.push("events_api", body, retry_attempt=retry_attempt)

    def click(self, action_id: str, value: str, user: str, channel: str = "D0000000006") -> dict[str, Any]:
        return self.socket.push("interactive", {
            "type": "block_actions", "user": {"id": user}, "team": {"id": "T1"}, "api_app_id": "A1",
            "trigger_id": "trigger-" + user,
            "container": {"type": "message", "channel_id": channel, "message_ts": "1.1"},
            "channel": {"id": channel}, "response_url": self.fake.webhook + "actions/1",
            "actions": [{"action_id": action_id, "block_id": "approval", "type": "button", "value": value,
                         "action_ts": "1764000000.1"}],
        })  # fmt: skip


@pytest.fixture
def env(tmp_path: Path) -> Iterator[SocketEnv]:
    e = SocketEnv(tmp_path)
    yield e
    e.close()


def test_the_bot_opens_its_own_connection_with_the_app_token(env: SocketEnv) -> None:
    assert env.fake.of("apps.connections.open"), "the socket URL comes from apps.connections.open"


def test_a_slash_command_is_acknowledged_then_answered_and_filed(env: SocketEnv) -> None:
    ack = env.command("/expense", "昨日の打ち合わせのお弁当 2,400円")
    assert ack["_seconds"] < 3
    working, answer = env.fake.wait_for("webhook", 2)[:2]
    assert working["text"] == "処理中です…"
    assert "#1 を申請しました。伊藤 大輔さんの承認待ちです。" in answer["text"]
    card = next(m for m in env.fake.wait_for("chat.postMessage") if m["channel"] == "D0000000006")
    assert any(block["type"] == "actions" for block in card["blocks"])


def test_a_slash_command_envelope_delivered_twice_files_one_claim(env: SocketEnv) -> None:
    # Socket Mode has no signature: the same payload again (its trigger id is unique to one invocation) is the
    # same delivery.
    for _ in range(3):
        assert env.command("/expense", "昨日のタクシー代 3,200円 渋谷→新宿")["_seconds"] < 3
    wait_until(lambda: env.app.inbox.counts().get("done") == 1)
    time.sleep(0.3)
    assert len(records.list_requests(env.app.store)) == 1
    assert env.app.store.query("SELECT key FROM inbox")[0]["key"].startswith("slack:body:")


def test_a_click_over_the_socket_decides_and_the_card_loses_its_buttons(env: SocketEnv) -> None:
    env.command("/expense", "昨日の打ち合わせのお弁当 2,400円")
    wait_until(lambda: any(m["channel"] == "D0000000006" for m in env.fake.of("chat.postMessage")))
    req = records.get_request(env.app.store, 1)
    assert req is not None
    env.click(blocks.APPROVE, f"1:{req.version}", ITO)
    wait_until(lambda: env.fake.of("chat.update"))
    assert not any(block["type"] == "actions" for block in env.fake.of("chat.update")[-1]["blocks"])
    after = records.get_request(env.app.store, 1)
    assert after is not None and after.status.value == "approved" and after.decided_by == "e006"


def test_a_click_by_someone_else_changes_nothing(env: SocketEnv) -> None:
    env.command("/expense", "昨日の打ち合わせのお弁当 2,400円")
    wait_until(lambda: records.get_request(env.app.store, 1) is not None)
    req = records.get_request(env.app.store, 1)
    assert req is not None
    env.click(blocks.APPROVE, f"1:{req.version}", WATANABE, channel="C0123")
    refused = env.fake.wait_for("chat.postEphemeral")[0]
    assert "ご自身の申請は承認・却下できません" in refused["text"]
    still = records.get_request(env.app.store, 1)
    assert still is not None and still.status.value == "pending"


def test_a_command_without_text_opens_the_form_before_the_ack(env: SocketEnv) -> None:
    env.command("/leave", "")
    # views.open must happen inside the ack window: it is already there when the ack arrives.
    opened = env.fake.of("views.open")
    assert opened and opened[0]["view"]["callback_id"] == forms.LEAVE_CALLBACK


def test_a_reason_form_left_empty_gets_its_error_in_the_ack(env: SocketEnv) -> None:
    env.command("/expense", "昨日の打ち合わせのお弁当 2,400円")
    wait_until(lambda: any(m["channel"] == "D0000000006" for m in env.fake.of("chat.postMessage")))
    req = records.get_request(env.app.store, 1)
    assert req is not None
    env.click(blocks.REJECT, f"1:{req.version}", ITO)
    view = env.fake.wait_for("views.open")[0]["view"]
    view = {**view, "id": "V1", "state": {"values": {"reason": {"reason": {"type": "plain_text_input", "value": ""}}}}}
    ack = env.socket.push("interactive", {"type": "view_submission", "user": {"id": ITO}, "team": {"id": "T1"},
                                          "view": view})  # fmt: skip
    assert ack["payload"]["response_action"] == "errors" and "reason" in ack["payload"]["errors"]


def test_a_mention_is_answered_in_its_thread_and_a_redelivery_is_handled_once(env: SocketEnv) -> None:
    event = {"type": "app_mention", "user": WATANABE, "text": "<@UBOT> 来週金曜 午後半休で", "ts": "1764000000.000100",
             "channel": "C0123", "event_ts": "1764000000.000100"}  # fmt: skip
    env.event(event, "Ev01")
    env.event(event, "Ev01", retry_attempt=1)  # Slack sends it again when an ack was late
    wait_until(lambda: any(m["channel"] == "C0123" for m in env.fake.of("chat.postMessage")))
    time.sleep(0.3)
    assert len(records.list_requests(env.app.store)) == 1
    mine = [m for m in env.fake.of("chat.postMessage") if m["channel"] == "C0123"]
    assert len(mine) == 1 and mine[0]["thread_ts"] == "1764000000.000100"
    assert "#1 は自動承認されました。" in json.dumps(mine, ensure_ascii=False)
