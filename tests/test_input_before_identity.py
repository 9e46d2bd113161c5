"""Input before identity (#13, part 2): the real servers on loopback, answered before anything is believed."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.chatwork.signature import sign
from bot.slack import blocks
from bot.store import records
from tests.loopback import wait_until
from tests.test_chatwork import BOT_ID, TOKEN, CwEnv
from tests.test_chatwork import WATANABE as CW_WATANABE
from tests.test_slack import ITO, SECRET, WATANABE, Env


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    e = Env(tmp_path)
    yield e
    e.close()


def raw_post(env: Env, body: bytes, ctype: str, ts: str | None = None, signed: bool = True) -> int:
    ts = ts if ts is not None else str(int(time.time()))
    headers = {"content-type": ctype, "x-slack-request-timestamp": ts}
    if signed:
        digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
        headers["x-slack-signature"] = "v0=" + digest
    return env.http.post("/slack/events", content=body, headers=headers).status_code


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert [r for r in caplog.records if r.exc_info] == []
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(
    ("body", "ctype", "ts", "signed", "status"),
    [
        (b'{"type": "event_callback"}', "application/json", "not-a-number", False, 401),
        (b'{"type": "event_callback"}', "application/json", None, False, 401),
        (b"\xff\xfe\xc3\x28 not utf-8", "application/json", None, True, 400),
        (b'{"type": "event_callback", "event": {"type": "mess', "application/json", None, True, 400),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", None, True, 400),
        (b"command=%2Fexpense&text=3200", "application/json", None, True, 400),
        (b"payload=" + b"%7B" * 5000, "application/x-www-form-urlencoded", None, True, 400),
    ],
)
def test_malformed_posts_get_a_4xx_and_one_short_line_never_a_500(
    env: Env, caplog: pytest.LogCaptureFixture, body: bytes, ctype: str, ts: str | None, signed: bool, status: int
) -> None:
    caplog.set_level(logging.DEBUG)
    assert raw_post(env, body, ctype, ts, signed) == status
    no_tracebacks(caplog)
    refused = [r for r in caplog.records if "refused" in r.getMessage() and r.name == "bot.server"]
    assert len(refused) == 1 and len(refused[0].getMessage()) < 200
    assert body[:40].decode("latin-1") not in refused[0].getMessage()  # ids and sizes, never the body
    assert env.app.store.query("SELECT count(*) AS n FROM inbox")[0]["n"] == 0


def test_signed_payloads_of_the_wrong_shape_are_refused_or_answered(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    no_user = {"type": "block_actions", "team": {"id": "T1"}, "trigger_id": "t",
               "actions": [{"action_id": "approve", "value": "1:0"}]}  # fmt: skip
    view_without_type = {"type": "view_submission", "user": {"id": WATANABE}, "view": {"callback_id": "form_expense"}}
    form = "application/x-www-form-urlencoded"
    for payload in (no_user, view_without_type):
        assert raw_post(env, urlencode({"payload": json.dumps(payload)}).encode(), form) == 400
    command = urlencode({"command": "/expense", "text": "3200 taxi", "team_id": "T1"}).encode()
    assert raw_post(env, command, form) == 400  # a command without user_id
    no_tracebacks(caplog)
    assert env.app.store.query("SELECT count(*) AS n FROM inbox")[0]["n"] == 0


def test_an_impossible_date_in_a_form_is_an_error_beside_its_field(env: Env) -> None:
    view = {"id": "V1", "type": "modal", "callback_id": "form_leave", "private_metadata": '{"locale": "ja"}',
            "state": {"values": {"start": {"v": {"type": "datepicker", "selected_date": "2026-13-45"}},
                                 "type": {"v": {"type": "static_select",
                                                "selected_option": {"value": "annual"}}}}}}  # fmt: skip
    payload = {"type": "view_submission", "user": {"id": WATANABE}, "team": {"id": "T1"}, "view": view}
    resp = env.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    assert resp.status_code == 200 and resp.json()["response_action"] == "errors"
    assert "日付を読み取れません" in resp.json()["errors"]["start"]
    time.sleep(0.2)
    assert records.list_requests(env.app.store) == []


@pytest.mark.parametrize("claimed", ["e001", "ceo@example.com", "yamada@example.co.jp"])
def test_a_slack_user_is_matched_only_by_slack_id_never_an_employee_id_or_email(env: Env, claimed: str) -> None:
    ceo = env.app.directory.get("e001")
    assert ceo is not None and "ceo" in ceo.roles
    event = {"type": "message", "channel_type": "im", "user": claimed, "text": "/approve 1",
             "ts": "1764000000.000900", "channel": "D0000000001"}  # fmt: skip
    env.event(event, "EvId1")
    posts = lambda: env.fake.of("chat.postMessage")  # noqa: E731
    wait_until(lambda: any("社員名簿に登録されていません" in m.get("text", "") for m in posts()))
    assert env.slack.employee(claimed) is None
    assert env.slack.employee(ceo.email) is None and env.slack.employee("e001") is None


def test_a_button_value_without_its_version_decides_nothing(env: Env) -> None:
    value = env.lunch_claim_waiting_for_ito()
    request_id = value.split(":")[0]
    assert env.click(blocks.APPROVE, request_id, ITO).status_code == 200  # "1", not "1:0"
    time.sleep(0.5)
    req = records.get_request(env.app.store, int(request_id))
    assert req is not None and req.status.value == "pending"
    env.click(blocks.APPROVE, value, ITO)  # the card's own value still works
    wait_until(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "approved")


# -- Chatwork --------------------------------------------------------------------------------------


@pytest.fixture
def cw(tmp_path: Path) -> Iterator[CwEnv]:
    e = CwEnv(tmp_path)
    yield e
    e.close()


def cw_event(now: int, sender: object = CW_WATANABE, message_id: str = "1900000000000000077") -> bytes:
    payload = {"webhook_setting_id": "12", "webhook_event_type": "mention_to_me", "webhook_event_time": now,
               "webhook_event": {"from_account_id": sender, "to_account_id": int(BOT_ID), "room_id": 300,
                                 "message_id": message_id, "body": f"[To:{BOT_ID}] 経費ボットさん\n残日数は?",
                                 "send_time": now, "update_time": 0}}  # fmt: skip
    return json.dumps(payload, ensure_ascii=False).encode()


@pytest.mark.parametrize("offset", [-365 * 86400, -2 * 3600, 86400])
def test_a_chatwork_event_far_from_now_is_logged_and_ignored(
    cw: CwEnv, caplog: pytest.LogCaptureFixture, offset: int
) -> None:
    now = int(cw.app.services.clock.now().timestamp())
    body = cw_event(now + offset)
    assert cw.post(body, sign(TOKEN, body)).text == "ignored"
    assert "outside the" in caplog.text
    assert cw.app.store.query("SELECT count(*) AS n FROM inbox")[0]["n"] == 0
    fresh = cw_event(now - 30, message_id="1900000000000000078")
    assert cw.post(fresh, sign(TOKEN, fresh)).text == "ok"  # within the window: kept


def test_a_chatwork_sender_that_is_not_an_account_id_is_nobody(cw: CwEnv) -> None:
    now = int(cw.app.services.clock.now().timestamp())
    body = cw_event(now, sender="e001")
    assert cw.post(body, sign(TOKEN, body)).text == "ignored"
    assert cw.app.services.directory.by_chatwork_id("e001") is None
    assert cw.app.services.directory.by_chatwork_id(int(CW_WATANABE)) is not None
