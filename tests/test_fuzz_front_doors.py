"""Bounded fuzzing of the two webhooks (#13): over a thousand malformed or random bodies each, signed and
unsigned, against the real servers on loopback. Not one answer of 500 or more, not one traceback in the log,
and /healthz still fine afterwards.

A seeded generator, not hypothesis: the same bodies every run, so a failure here is reproducible by its seed and
index; the mutations start from payloads shaped like the platforms' real ones, so they reach past the parsers
into the listeners and the workers."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import logging
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.chatwork.signature import sign
from tests.test_chatwork import BOT_ID, TOKEN, CwEnv
from tests.test_chatwork import WATANABE as CW_WATANABE
from tests.test_slack import ITO, SECRET, WATANABE, Env

SEED = 13
ROUNDS = int(__import__("os").environ.get("FUZZ_ROUNDS", "1000"))

ODD_VALUES: list[Any] = [
    None, True, 0, -1, 2**70, 1.5, "", " ", "e001", "a@example.com", "U0000000001", "2026-13-45", "26", "1:x",
    "../../x", "<!channel>", "\u202e\u200b", "é" * 300, "x" * 5000, [], [1, "a"], {}, {"a": {"b": None}},
    "承認", "1e400", "NaN",
]  # fmt: skip


def slack_templates(env: Env) -> list[tuple[str, dict[str, Any]]]:
    """Payloads shaped like Slack's: (how they travel, the payload), its URLs on the fake Slack: a worker
    waiting on a host that does not answer would only make the run slow."""
    event = {"type": "message", "channel_type": "im", "user": WATANABE, "text": "昨日のタクシー 3,200円",
             "ts": "1764000000.000100", "channel": "D0000000007",
             "files": [{"id": "F1", "name": "r.pdf", "size": 10,
                        "url_private_download": env.fake.base + "/files/r.pdf"}]}
    mention = {"type": "app_mention", "user": WATANABE, "text": "<@U0BOT> 残日数は?", "ts": "1.2", "channel": "C1"}
    button = {"type": "block_actions", "user": {"id": ITO}, "team": {"id": "T1"}, "trigger_id": "t1",
              "container": {"type": "message", "channel_id": "D0000000006", "message_ts": "1.1"},
              "channel": {"id": "D0000000006"}, "response_url": env.fake.webhook + "actions/1",
              "actions": [{"action_id": "approve", "block_id": "approval", "type": "button", "value": "1:0",
                           "action_ts": "1.1"}]}
    expense_view = {"type": "view_submission", "user": {"id": WATANABE}, "team": {"id": "T1"}, "view": {
        "id": "V1", "type": "modal", "callback_id": "form_expense", "private_metadata": '{"locale": "ja"}',
        "state": {"values": {
            "amount": {"v": {"type": "plain_text_input", "value": "2,400円"}},
            "date": {"v": {"type": "datepicker", "selected_date": "2026-11-20"}},
            "category": {"v": {"type": "static_select", "selected_option": {"value": "meeting"}}},
            "attendees": {"v": {"type": "plain_text_input", "value": "3"}},
            "receipt": {"v": {"type": "file_input", "files": []}}}}}}
    leave_view = {"type": "view_submission", "user": {"id": WATANABE}, "team": {"id": "T1"}, "view": {
        "id": "V2", "type": "modal", "callback_id": "form_leave", "private_metadata": '{"locale": "en"}',
        "state": {"values": {
            "type": {"v": {"type": "static_select", "selected_option": {"value": "annual"}}},
            "start": {"v": {"type": "datepicker", "selected_date": "2026-12-01"}},
            "portion": {"v": {"type": "static_select", "selected_option": {"value": "full"}}}}}}}
    reason_view = {"type": "view_submission", "user": {"id": ITO}, "team": {"id": "T1"}, "view": {
        "id": "V3", "type": "modal", "callback_id": "approval_reason",
        "private_metadata": '{"action": "reject", "request_id": 1, "version": 0}',
        "state": {"values": {"reason": {"reason": {"type": "plain_text_input", "value": "no"}}}}}}
    command = {"command": "/expense", "text": "3200 transport 2026-11-20 taxi", "user_id": WATANABE,
               "channel_id": "C1", "team_id": "T1", "response_url": env.fake.webhook + "commands/1",
               "trigger_id": "t2"}  # fmt: skip
    wrap = {"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_time": 1764000000}
    return [
        ("json", {**wrap, "event_id": "Ev0", "event": event}),
        ("json", {**wrap, "event_id": "Ev0", "event": mention}),
        ("payload", button), ("payload", expense_view), ("payload", leave_view), ("payload", reason_view),
        ("form", command), ("form", {**command, "command": "/backoffice", "text": "approve 1"}),
        ("form", {**command, "command": "/leave", "text": ""}),
    ]  # fmt: skip


def mutate(rng: random.Random, value: Any, depth: int = 0) -> Any:
    """One random change somewhere in the payload: a key dropped, a value swapped for an odd one."""
    if isinstance(value, dict) and value and depth < 6:
        key = rng.choice(list(value))
        roll = rng.random()
        if roll < 0.25:
            del value[key]
        elif roll < 0.55:
            value[key] = rng.choice(ODD_VALUES)
        else:
            value[key] = mutate(rng, value[key], depth + 1)
        return value
    if isinstance(value, list) and value and depth < 6:
        i = rng.randrange(len(value))
        value[i] = mutate(rng, value[i], depth + 1) if rng.random() < 0.7 else rng.choice(ODD_VALUES)
        return value
    return rng.choice(ODD_VALUES)


def junk(rng: random.Random) -> bytes:
    """Bodies no platform sends: random bytes, invalid UTF-8, deep nesting, truncated JSON, huge numbers."""
    kind = rng.randrange(7)
    if kind == 0:
        return rng.randbytes(rng.randrange(0, 400))
    if kind == 1:
        return b"\xff\xfe" + "請求".encode("utf-16-le") + b"\xc3\x28"
    if kind == 2:
        depth = rng.choice([1000, 100_000])
        return b"[" * depth + b"]" * depth
    if kind == 3:
        whole = json.dumps({"type": "event_callback", "event": {"type": "message", "text": "x"}}).encode()
        return whole[: rng.randrange(1, len(whole))]
    if kind == 4:
        return b'{"a": ' + b"9" * 5000 + b"}"
    if kind == 5:
        return b"payload=" + b"%7B" * 2000
    return urlencode({"payload": "{" * 50_000}).encode()


def encode_slack(how: str, payload: dict[str, Any]) -> tuple[bytes, str]:
    if how == "json":
        return json.dumps(payload, ensure_ascii=False).encode(), "application/json"
    if how == "payload":
        form = urlencode({"payload": json.dumps(payload, ensure_ascii=False)})
        return form.encode(), "application/x-www-form-urlencoded"
    flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
    return urlencode(flat).encode(), "application/x-www-form-urlencoded"


def slack_signature(ts: str, body: bytes) -> str:
    """Slack's v0 signature over the exact bytes (slack_sdk's helper wants text, and these may not be)."""
    return "v0=" + hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()


class Tracebacks(logging.Handler):
    """Every log record that carries a traceback, from any logger (ours, uvicorn's, Bolt's)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or "Traceback" in record.getMessage():
            self.records.append(record)


@pytest.fixture
def tracebacks() -> Iterator[Tracebacks]:
    handler = Tracebacks()
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.DEBUG)
    yield handler
    root.setLevel(old)
    root.removeHandler(handler)


def settle(count: Callable[[], int]) -> None:
    """Let the inbox work off what was kept, so a worker's failure shows up before the test ends."""
    deadline = time.monotonic() + 120
    while count() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert count() == 0, f"{count()} rows still pending"


def test_slack_events_survive_a_thousand_malformed_bodies(tmp_path: Path, tracebacks: Tracebacks) -> None:
    env = Env(tmp_path)
    rng = random.Random(SEED)
    templates = slack_templates(env)
    env.fake.files["r.pdf"] = b"%PDF-1.4 receipt"
    statuses: dict[int, int] = {}
    try:
        for n in range(ROUNDS):
            roll = rng.random()
            if roll < 0.55:
                how, template = rng.choice(templates)
                payload = copy.deepcopy(template)
                for _ in range(rng.randrange(1, 4)):
                    payload = mutate(rng, payload)
                if not isinstance(payload, dict):
                    payload = {"value": payload}
                if how == "json":
                    payload["event_id"] = f"EvF{n}"
                body, ctype = encode_slack(how, payload)
            else:
                body = junk(rng)
                ctype = rng.choice(["application/json", "application/x-www-form-urlencoded", "text/plain", ""])
            signed = rng.random() < 0.7
            ts = rng.choice([str(int(time.time()))] * 8 + ["abc", "", "-5", "1" * 40, "１２３"])
            headers = {"content-type": ctype, "x-slack-request-timestamp": ts}
            if signed and ts.isascii() and ts.isdigit():
                headers["x-slack-signature"] = slack_signature(ts, body)
            elif rng.random() < 0.5:
                headers["x-slack-signature"] = rng.choice(["v0=" + "0" * 64, "garbage", "v0=ü"])
            started = time.monotonic()
            resp = env.http.post("/slack/events", content=body, headers={k: v.encode() for k, v in headers.items()})
            if time.monotonic() - started > 0.5:
                print("SLOW", n, round(time.monotonic() - started, 2), body[:120])
            statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
            assert resp.status_code < 500, (n, body[:200], resp.status_code)
        assert env.http.get("/healthz").json()["ok"] is True
        settle(lambda: env.app.store.query("SELECT count(*) AS n FROM inbox WHERE status = 'pending'")[0]["n"])
        parked = env.app.store.query("SELECT count(*) AS n FROM inbox WHERE status = 'parked'")[0]["n"]
    finally:
        env.close()
    assert tracebacks.records == [], [r.getMessage()[:200] for r in tracebacks.records[:5]]
    assert parked == 0  # signed but malformed payloads are answered or refused, never left to fail in a worker
    assert statuses.get(200, 0) > 100 and statuses.get(401, 0) > 100 and statuses.get(400, 0) > 10, statuses


def chatwork_template(now: int) -> dict[str, Any]:
    return {"webhook_setting_id": "12", "webhook_event_type": "mention_to_me", "webhook_event_time": now,
            "webhook_event": {"from_account_id": int(CW_WATANABE), "to_account_id": int(BOT_ID), "room_id": 300,
                              "message_id": "1900000000000000001",
                              "body": f"[To:{BOT_ID}] 経費ボットさん\n昨日のタクシー 3200円",
                              "send_time": now, "update_time": 0}}  # fmt: skip


def test_the_chatwork_webhook_survives_a_thousand_malformed_bodies(tmp_path: Path, tracebacks: Tracebacks) -> None:
    env = CwEnv(tmp_path)
    rng = random.Random(SEED)
    now = int(env.app.services.clock.now().timestamp())
    answers: dict[str, int] = {}
    try:
        for n in range(ROUNDS):
            if rng.random() < 0.6:
                payload = copy.deepcopy(chatwork_template(now))
                payload["webhook_event"]["message_id"] = str(1_900_000_000_000_000_100 + n)
                for _ in range(rng.randrange(1, 4)):
                    payload = mutate(rng, payload)
                body = json.dumps(payload, ensure_ascii=False).encode() if rng.random() < 0.95 else b"{" * 60_000
            else:
                body = junk(rng)
            roll = rng.random()
            forged = rng.choice(["", "AAAA", "%%%", "x" * 300]) if roll < 0.9 else None
            signature = sign(TOKEN, body) if roll < 0.7 else forged
            resp = env.post(body, signature)
            answers[resp.text] = answers.get(resp.text, 0) + 1
            assert resp.status_code == 200 and len(resp.content) < 64, (n, body[:200], resp.status_code, resp.text)
        assert env.http.get("/healthz").json()["ok"] is True
        settle(lambda: env.app.store.query("SELECT count(*) AS n FROM inbox WHERE status = 'pending'")[0]["n"])
        parked = env.app.store.query("SELECT count(*) AS n FROM inbox WHERE status = 'parked'")[0]["n"]
    finally:
        env.close()
    assert tracebacks.records == [], [r.getMessage()[:200] for r in tracebacks.records[:5]]
    assert parked == 0
    assert answers.get("ok", 0) > 50 and answers.get("ignored", 0) > 300, answers
