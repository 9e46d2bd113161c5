"""Nothing acknowledged is lost, nothing is done twice: the real server killed with SIGKILL mid-burst.

`backoffice serve` runs as a process of its own on loopback, with the fake Slack Web API and a
fake Chatwork API (both on loopback too). A burst of slash commands, DMs and Chatwork mentions,
each a distinct expense claim, is sent from four threads; the process is killed with SIGKILL at
points a seeded random picks (after the k-th acknowledgement, plus a few milliseconds, so the
kill lands while deliveries are being kept, worked and answered) and started again on the same
database, six times. Slack resends an event it got no 200 for (same event_id), as Slack does;
a slash command or Chatwork message without a 200 is not resent (its sender was told it failed,
or Chatwork never resends). Then: every acknowledged inbound has exactly one claim, an
unacknowledged one at most one, every acknowledged sender got the answer naming its claim, and
the audit chain verifies.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.chatwork.signature import sign
from tests.fake_chatwork_server import BOT_ID, FakeChatworkServer
from tests.fake_slack import FakeSlack
from tests.loopback import free_port

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261202
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CW_TOKEN = "Y2hhdHdvcmstd2ViaG9vay10b2tlbi1mb3ItdGVzdHM="
KILLS = 6
PER_KIND = 20  # 60 inbounds in all
CLAIM = "/expense {amount} meeting 2026-11-23 打ち合わせ弁当"


@dataclass
class Delivery:
    kind: str  # command | dm | chatwork
    amount: int
    n: int
    acked: bool = False
    tries: int = 0
    answer: str = field(default="")

    @property
    def money(self) -> str:
        return f"¥{self.amount:,}"


class Bot:
    """`backoffice serve` in a process of its own, started and killed like a real deployment."""

    def __init__(self, tmp: Path, slack: FakeSlack, chatwork: FakeChatworkServer) -> None:
        self.port = free_port()
        self.env = {
            key: value for key, value in os.environ.items() if not key.startswith(("OPENAI_", "SLACK_", "CHATWORK_"))
        } | {
            "BACKOFFICE_DB": str(tmp / "bot.db"), "BACKOFFICE_KNOWLEDGE_DIR": str(ROOT / "knowledge"),
            "BACKOFFICE_ATTACHMENTS_DIR": str(tmp / "files"), "BACKOFFICE_NOW": "2026-11-24T10:00",
            "BACKOFFICE_ENGINE": "offline", "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.url, "CHATWORK_API_TOKEN": "cw-token", "CHATWORK_WEBHOOK_TOKEN": CW_TOKEN,
            "CHATWORK_API_URL": chatwork.url, "PYTHONPATH": str(ROOT),
        }  # fmt: skip
        self.log = (tmp / "server.log").open("ab")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, cwd=ROOT, stdout=self.log, stderr=self.log,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)


def slack_request(d: Delivery, retry: int, webhook: str) -> tuple[str, dict[str, str]]:
    user = f"U00000000{6 + d.n % 8:02d}"
    text = CLAIM.format(amount=d.amount)
    if d.kind == "command":
        form = {"command": "/expense", "text": text.removeprefix("/expense "), "user_id": user,
                "channel_id": "C0123", "team_id": "T1", "response_url": f"{webhook}commands/{d.n}",
                "trigger_id": f"{d.n}.738474920.8088930838d88f008e0"}  # fmt: skip
        body, kind = urlencode(form), "application/x-www-form-urlencoded"
    else:
        event = {"type": "message", "channel_type": "im", "user": user, "text": text, "channel": "D" + user[1:],
                 "ts": f"1764000000.{d.n:06d}"}  # fmt: skip
        body = json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": f"Ev{d.n:04d}",
                           "event_time": 1764000000, "event": event})  # fmt: skip
        kind = "application/json"
    ts = str(int(time.time()))
    headers = {"content-type": kind, "x-slack-request-timestamp": ts,
               "x-slack-signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)}  # fmt: skip
    if retry:
        headers |= {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_error"}
    return body, headers


def chatwork_request(d: Delivery) -> bytes:
    event = {"from_account_id": 1000006 + d.n % 8, "to_account_id": int(BOT_ID), "room_id": 300,
             "message_id": str(1_900_000_000_000_000_000 + d.n), "send_time": 1795482000, "update_time": 0,
             "body": f"[To:{BOT_ID}] 経費ボットさん\n" + CLAIM.format(amount=d.amount)}  # fmt: skip
    payload = {"webhook_setting_id": "12", "webhook_event_type": "mention_to_me", "webhook_event_time": 1795482001,
               "webhook_event": event}  # fmt: skip
    return json.dumps(payload, ensure_ascii=False).encode()


def send(port: int, d: Delivery, webhook: str) -> bool:
    d.tries += 1
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            if d.kind == "chatwork":
                body = chatwork_request(d)
                headers = {"content-type": "application/json", "x-chatworkwebhooksignature": sign(CW_TOKEN, body)}
                resp = http.post("/chatwork/webhook", content=body, headers=headers)
                ok = resp.status_code == 200 and resp.text in ("ok", "duplicate")
            else:
                text, headers = slack_request(d, d.tries - 1, webhook)
                ok = http.post("/slack/events", content=text.encode(), headers=headers).status_code == 200
    except httpx.HTTPError:
        return False
    d.acked = d.acked or ok
    return ok


def burst(bot: Bot, batch: list[Delivery], kill_after: int | None, jitter: float, webhook: str) -> None:
    """Send `batch` from four threads; after the `kill_after`-th acknowledgement, SIGKILL the server."""
    acks, lock, killed = [0], threading.Lock(), threading.Event()

    def one(d: Delivery) -> None:
        if killed.is_set():
            return
        if send(bot.port, d, webhook) and kill_after is not None:
            with lock:
                acks[0] += 1
                due = acks[0] == kill_after
            if due:
                time.sleep(jitter)  # a few ms more: the kill lands while rows are worked and replies sent
                killed.set()
                bot.kill()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, batch))
    if kill_after is not None and not killed.is_set():
        killed.set()
        bot.kill()


def shut_down(bot: Bot, slack: FakeSlack, chatwork: FakeChatworkServer) -> None:
    """Whatever a test left running: the server (killed if still up) and both fakes."""
    if bot.proc and bot.proc.poll() is None:
        bot.kill()
    slack.close()
    chatwork.close()


def db_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_kill_9_during_a_burst_loses_nothing_acknowledged_and_doubles_nothing(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    slack, chatwork = FakeSlack(), FakeChatworkServer()
    deliveries = [Delivery(kind, 2000 + 3 * n + k, n) for n in range(PER_KIND)
                  for k, kind in enumerate(("command", "dm", "chatwork"))]  # fmt: skip
    rng.shuffle(deliveries)
    for n, d in enumerate(deliveries):
        d.n = n
    bot = Bot(tmp_path, slack, chatwork)
    try:
        queue, size = list(deliveries), len(deliveries) // KILLS
        for _ in range(KILLS):
            batch, queue = queue[:size], queue[size:]
            bot.start()
            burst(bot, batch, kill_after=rng.randint(1, size - 1), jitter=rng.uniform(0.0, 0.03), webhook=slack.webhook)
            # Not yet sent when the kill came: sent to the next process. Slack retries an event that got no 200,
            # with the same event_id; a command or a Chatwork message that got none is not resent.
            queue += [d for d in batch if d.tries == 0 or (d.kind == "dm" and not d.acked)]
        bot.start()
        burst(bot, queue, kill_after=None, jitter=0, webhook=slack.webhook)
        db = tmp_path / "bot.db"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            left = db_rows(db, "SELECT COUNT(*) FROM inbox WHERE status = 'pending'")[0][0]
            unsent = db_rows(db, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")[0][0]
            if left == 0 and unsent == 0:
                break
            time.sleep(0.1)
        # SIGTERM: a graceful stop (uvicorn re-raises the signal once it has shut down, hence -SIGTERM)
        assert bot.stop() in (0, -signal.SIGTERM)
    finally:
        shut_down(bot, slack, chatwork)

    counts: dict[int, int] = {}
    for (details,) in db_rows(db, "SELECT details FROM requests WHERE kind = 'expense'"):
        amount = int(json.loads(details)["amount"])
        counts[amount] = counts.get(amount, 0) + 1
    acked = [d for d in deliveries if d.acked]
    assert len(acked) >= len(deliveries) - 4 * KILLS  # a kill cuts off what is in flight then (four threads)
    assert {d.amount: counts.get(d.amount, 0) for d in acked} == {d.amount: 1 for d in acked}, "lost or doubled"
    assert all(counts.get(d.amount, 0) <= 1 for d in deliveries), "an unacknowledged delivery was done twice"
    assert db_rows(db, "SELECT COUNT(*) FROM inbox WHERE status != 'done'") == [(0,)]

    answered = [json.dumps(args, ensure_ascii=False) for method, args in slack.calls if method != "users.info"]
    answered += chatwork.bodies()
    missing = [(d.kind, d.money) for d in acked if not any(d.money in a for a in answered)]
    assert missing == [], "acknowledged but never answered"
    verify = subprocess.run(
        [sys.executable, "-m", "bot.cli", "audit", "verify"], env=bot.env, cwd=ROOT, capture_output=True, timeout=60
    )
    assert verify.returncode == 0, verify.stdout.decode() + verify.stderr.decode()


def test_sigterm_right_after_the_acks_finishes_the_work_in_hand_and_sends_its_answers(tmp_path: Path) -> None:
    slack, chatwork = FakeSlack(), FakeChatworkServer()
    slack.delay = 0.15  # a slow Slack: the answers are still being sent when the stop comes
    bot = Bot(tmp_path, slack, chatwork)
    burst_of = [Delivery(kind, 3000 + n, n) for n, kind in enumerate(("command", "dm", "chatwork") * 3)]
    try:
        bot.start()
        for d in burst_of:
            assert send(bot.port, d, slack.webhook)
        # SIGTERM at once: uvicorn stops taking requests, the rows in hand are worked off, the outboxes flushed.
        assert bot.stop() in (0, -signal.SIGTERM)
    finally:
        shut_down(bot, slack, chatwork)
    db = tmp_path / "bot.db"
    left = db_rows(db, "SELECT COUNT(*) FROM inbox WHERE status != 'done'")[0][0]
    answered = [json.dumps(args, ensure_ascii=False) for _, args in slack.calls] + chatwork.bodies()
    unsent = db_rows(db, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")[0][0]
    assert (left, unsent) == (0, 0)
    assert [d.money for d in burst_of if not any(d.money in a for a in answered)] == []
