"""Chatwork webhook latency: from a signed delivery arriving to its 200, under 20 concurrent deliveries.

Our server runs in a process of its own with a fake Chatwork API (also its own process) behind
CHATWORK_API_URL, so every delivery is really kept, worked off and answered while we measure.
Target: p99 <= 50 ms.

    python bench/bench_chatwork_webhook.py [--requests 25]
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_slack_ack import in_process, serve

from bot.app import build_app
from bot.chatwork.app import ChatworkFrontDoor
from bot.chatwork.signature import sign
from bot.clock import FixedClock
from bot.config import Settings
from bot.server import build_server

ROOT = Path(__file__).resolve().parents[1]
TOKEN = base64.b64encode(b"bench-chatwork-webhook-token-32b").decode()
CLIENTS = 20
BOT = 9999999


def _run_fake_chatwork(out: Any) -> None:
    ids = itertools.count(1)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _json(self, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.endswith("/me"):
                self._json({"account_id": BOT, "name": "経費ボット"})
            else:
                self._json([{"account_id": 1000000 + n, "room_id": 500000 + n} for n in range(1, 14)])

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            self._json({"task_ids": [next(ids)]} if self.path.endswith("/tasks") else {"message_id": str(next(ids))})

        do_PUT = do_POST

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    out.put(f"http://127.0.0.1:{server.server_address[1]}/v2")
    server.serve_forever()


def _run_ours(out: Any, tmp: str, api_url: str) -> None:
    settings = Settings(db=Path(tmp) / "bench.db", knowledge_dir=ROOT / "knowledge", attachments_dir=Path(tmp) / "f")
    app = build_app(settings, FixedClock("2026-11-24T10:00"))
    chatwork = ChatworkFrontDoor(app, "bench-token", TOKEN, api_url)
    out.put(serve(build_server(app, None, chatwork)))
    threading.Event().wait()


def _run_bare(out: Any) -> None:
    """The floor: a Starlette endpoint that checks the signature and answers, doing nothing else."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from bot.chatwork.signature import verify

    async def webhook(request: Request) -> PlainTextResponse:
        body = await request.body()
        return PlainTextResponse(
            "ok" if verify(TOKEN, body, request.headers.get("x-chatworkwebhooksignature")) else "no"
        )

    out.put(serve(Starlette(routes=[Route("/chatwork/webhook", webhook, methods=["POST"])])))
    threading.Event().wait()


def delivery(n: int) -> tuple[bytes, dict[str, str]]:
    sender = 1000001 + n % 13
    texts = ["昨日の打ち合わせのお弁当 2,400円", "12月1日 有給", "残日数は?", "昨日のタクシー 3,200円"]
    event = {
        "from_account_id": sender,
        "to_account_id": BOT,
        "room_id": 300 + n % 7,
        "message_id": str(10**18 + n),
        "body": f"[To:{BOT}] 経費ボットさん\n{texts[n % len(texts)]}",
        "send_time": 1795500000,
        "update_time": 0,
    }
    body = json.dumps(
        {
            "webhook_setting_id": "1",
            "webhook_event_type": "mention_to_me",
            "webhook_event_time": 1795500000,
            "webhook_event": event,
        },
        ensure_ascii=False,
    ).encode()
    return body, {"content-type": "application/json", "x-chatworkwebhooksignature": sign(TOKEN, body)}  # fmt: skip


def measure(port: int, requests: int, counter: Any) -> list[float]:
    def client(_: int) -> list[float]:
        out = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            for _ in range(requests):
                body, headers = delivery(next(counter))
                t0 = time.perf_counter()
                resp = http.post("/chatwork/webhook", content=body, headers=headers)
                out.append(time.perf_counter() - t0)
                assert resp.status_code == 200 and resp.text == "ok", resp.text
        return out

    with ThreadPoolExecutor(CLIENTS) as pool:
        return sorted(x for chunk in pool.map(client, range(CLIENTS)) for x in chunk)


def figures(name: str, samples: list[float]) -> None:
    p50, p99 = statistics.median(samples) * 1000, samples[max(0, int(len(samples) * 0.99) - 1)] * 1000
    print(f"{name:<10} {len(samples)} deliveries, {CLIENTS} concurrent: p50 {p50:5.1f} ms  p99 {p99:5.1f} ms  "
          f"max {samples[-1] * 1000:5.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=25, help="deliveries per client")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-cw-")
    fake, api_url = in_process(_run_fake_chatwork)
    ours, port = in_process(_run_ours, tmp, api_url)
    bare, bare_port = in_process(_run_bare)
    try:
        figures("bare", measure(bare_port, args.requests, itertools.count()))
        samples = measure(port, args.requests, itertools.count())
        figures("ours", samples)
        print("target: ours p99 <= 50 ms")
        time.sleep(2)
        with sqlite3.connect(Path(tmp) / "bench.db") as db:
            done = db.execute("select count(*) from chatwork_inbox where done_at is not null").fetchone()[0]
            sent = db.execute("select count(*) from chatwork_outbox where sent_at is not null").fetchone()[0]
        print(f"ours worked off {done} of {len(samples)} events 2 s later; {sent} messages and tasks sent "
              "(10 posts per 10 s per room)")  # fmt: skip
    finally:
        for proc in (ours, bare, fake):
            proc.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
