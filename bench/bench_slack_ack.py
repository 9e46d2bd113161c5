"""Slack ack latency over real HTTP, ours beside a bare slack-bolt app that only acks.

20 clients send signed `/expense` commands to each server on loopback while the bot has 50
slow commands to work off first (its model, a fake OpenAI-compatible server, answers after 2 s).
Our ack includes keeping the inbound: the inbox row is committed before the 200 (checked below
by reading the database right after each of a few 200s). Targets: p99 ack <= 100 ms, <= 1.5x
the bare app's, and no ack over 3 s.

Each party runs in a process of its own (the fakes, our server, the bare app, the clients), as
in production: the clients' threads must not compete with a server for its interpreter lock.

    python bench/bench_slack_ack.py [--requests 15] [--inbox-threads N]

The server is started through uvicorn, so the ASGI lifespan starts the inbox's workers and the
outbox drain as in production. A build without an inbox (before bot.inbox) is measured the same
way; its figures are then reported without the inbox check.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import math
import multiprocessing
import shutil
import socket
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
from urllib.parse import urlencode

import httpx
import uvicorn
from slack_bolt import App as BoltApp
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.server import build_server
from bot.slack.app import SlackFrontDoor
from tests.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-signing-secret"
CLIENTS = 20
SLOW_CALLS = 50
MODEL_DELAY = 2.0
PROBES = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def slow_model_server() -> tuple[ThreadingHTTPServer, str]:
    """An OpenAI-compatible chat endpoint that takes MODEL_DELAY seconds to answer."""
    reply = {"intent": "expense", "amount_text": "2,400円", "date_text": "昨日", "category": "meeting"}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            time.sleep(MODEL_DELAY)
            body = json.dumps({
                "id": "chatcmpl-bench", "object": "chat.completion", "created": 1795492800, "model": "bench",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": json.dumps(reply), "refusal": None}}],
                "usage": {"prompt_tokens": 500, "completion_tokens": 40, "total_tokens": 540},
            }).encode()  # fmt: skip
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1"


def in_process(target: Any, *args: Any) -> tuple[multiprocessing.context.SpawnProcess, Any]:
    """Each party in a process of its own, as in real life: the clients' threads never share our GIL."""
    ctx = multiprocessing.get_context("spawn")
    out: Any = ctx.Queue()
    proc = ctx.Process(target=target, args=(out, *args), daemon=True)
    proc.start()
    return proc, out.get(timeout=60)


def _run_fakes(out: Any) -> None:
    fake = FakeSlack()
    _, model_url = slow_model_server()
    out.put((fake.url, fake.webhook, model_url))
    threading.Event().wait()


def serve(asgi: Any) -> int:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(asgi, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return port


def _run_ours(out: Any, tmp: str, slack_url: str, model_url: str, switch: float, inbox_threads: int) -> None:
    if switch:
        sys.setswitchinterval(switch / 1000)
    settings = Settings(
        db=Path(tmp) / "bench.db", knowledge_dir=ROOT / "knowledge", attachments_dir=Path(tmp) / "f",
        engine="hybrid", openai_model="bench", openai_base_url=model_url,  # the default with a model
    )  # fmt: skip
    app = build_app(settings, FixedClock("2026-11-24T10:00"))
    inbox = getattr(app, "inbox", None)
    if inbox is not None and inbox_threads:
        inbox.threads = inbox_threads  # read when the lifespan starts the workers
    extra: dict[str, Any] = {}
    if "work_workers" in inspect.signature(SlackFrontDoor).parameters:
        extra["work_workers"] = SLOW_CALLS + 14  # a build before the inbox: its own pool for the slow calls
    slack = SlackFrontDoor(app, "xoxb-bench", SECRET, slack_url, **extra)
    out.put(serve(build_server(app, slack)))
    threading.Event().wait()


def filed(tmp: str) -> int:
    """Claims our server filed: proof the acks were measured while the real work was being done."""
    with contextlib.closing(sqlite3.connect(Path(tmp) / "bench.db")) as db:
        return int(db.execute("select count(*) from requests").fetchone()[0])


def has_inbox(db_path: Path) -> bool:
    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        return db.execute("select 1 from sqlite_master where type = 'table' and name = 'inbox'").fetchone() is not None


def kept(db_path: Path, keys: list[str]) -> int:
    """How many of these delivery keys have their inbox row."""
    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        return sum(1 for k in keys if db.execute("select 1 from inbox where key = ?", (k,)).fetchone())


def statuses(db_path: Path) -> str:
    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        rows = db.execute("select status, count(*) from inbox where platform = 'slack' group by status order by 1")
        return ", ".join(f"{status} {n}" for status, n in rows) or "empty"


def probe(port: int, webhook: str, db_path: Path) -> int:
    """One command at a time; right after each 200 the database is read: is its inbox row there already?"""
    found = 0
    with (
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http,
        contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db,
    ):
        for i in range(PROBES):
            body, headers = signed(f"昨日のタクシー {1000 + i:,}円 (probe)", f"U{(i % 13) + 1:010d}", webhook)
            resp = http.post("/slack/events", content=body, headers=headers)
            assert resp.status_code == 200, resp.text
            found += db.execute("select 1 from inbox where key = ?", (key_of(headers),)).fetchone() is not None
    return found


def _run_bare(out: Any, slack_url: str) -> None:
    out.put(serve(bare_app(slack_url)))
    threading.Event().wait()


def bare_app(slack_url: str) -> Any:
    """slack-bolt with one listener that only acks: the floor our app is measured against."""
    from slack_bolt.request import BoltRequest
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    bolt = BoltApp(client=WebClient(token="xoxb-bench", base_url=slack_url), signing_secret=SECRET,
                   token_verification_enabled=False)  # fmt: skip
    bolt.command("/expense")(lambda ack: ack())

    async def events(request: Request) -> Response:
        body = (await request.body()).decode()
        resp = await run_in_threadpool(
            bolt.dispatch, BoltRequest(body=body, headers={k: [v] for k, v in request.headers.items()})
        )
        return Response(resp.body, status_code=resp.status)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])


def signed(text: str, user: str, webhook: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode({
        "command": "/expense", "text": text, "user_id": user, "channel_id": "C1", "team_id": "T1",
        "response_url": webhook + "c", "trigger_id": "t",
    })  # fmt: skip
    ts = str(int(time.time()))
    sig = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body) or ""
    headers = {"content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": ts,
               "x-slack-signature": sig}  # fmt: skip
    return body.encode(), headers


def key_of(headers: dict[str, str]) -> str:
    """The inbox key our front door gives a signed command (SlackFrontDoor.delivery_key)."""
    return f"slack:sig:{headers['x-slack-request-timestamp']}:{headers['x-slack-signature']}"


def measure(port: int, webhook: str, requests_per_client: int, tag: str = "") -> tuple[list[float], list[str]]:
    users = [f"U{n:010d}" for n in range(1, 14)]

    def client(n: int) -> tuple[list[float], list[str]]:
        out, keys = [], []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            for i in range(requests_per_client):
                text = f"昨日の打ち合わせのお弁当 {2000 + n * 1000 + i:,}円{tag}"
                body, headers = signed(text, users[n % 13], webhook)
                t0 = time.perf_counter()
                resp = http.post("/slack/events", content=body, headers=headers)
                out.append(time.perf_counter() - t0)
                assert resp.status_code == 200, resp.text
                keys.append(key_of(headers))
        return out, keys

    with ThreadPoolExecutor(CLIENTS) as pool:
        chunks = list(pool.map(client, range(CLIENTS)))
    return [x for c, _ in chunks for x in c], [k for _, c in chunks for k in c]


def stats(samples: list[float]) -> dict[str, float]:
    """Milliseconds; p99 by nearest rank."""
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[max(0, math.ceil(len(ordered) * 0.99) - 1)] * 1000,
        "max": ordered[-1] * 1000,
        "over 3 s": sum(1 for s in ordered if s > 3.0),
    }


def table(unit: str, columns: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """One table: a column per server, side by side, and ours over bare."""
    figs = {name: stats(samples) for name, samples in columns.items()}
    (bare_name, bare), (ours_name, ours) = figs.items()
    print(f"{'':<10} {bare_name:>10} {ours_name:>10} {'ours/bare':>10}")
    print(f"{unit:<10} {bare['n']:>10.0f} {ours['n']:>10.0f}")
    for row in ("p50", "p99", "max"):
        print(f"{row + ' ms':<10} {bare[row]:>10.1f} {ours[row]:>10.1f} {ours[row] / bare[row]:>9.2f}x")
    print(f"{'over 3 s':<10} {bare['over 3 s']:>10.0f} {ours['over 3 s']:>10.0f}")
    return figs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=15, help="requests per client")
    parser.add_argument("--switch", type=float, default=0, help="our thread switch interval, ms")
    parser.add_argument("--inbox-threads", type=int, default=0, help="our inbox workers (default: the app's own)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-ack-")
    db_path = Path(tmp) / "bench.db"
    fakes, (slack_url, webhook, model_url) = in_process(_run_fakes)
    ours, ours_port = in_process(_run_ours, tmp, slack_url, model_url, args.switch, args.inbox_threads)
    bare, bare_port = in_process(_run_bare, slack_url)
    try:
        # 50 slow commands first: their model calls are being made (or wait their turn) while we measure.
        for n in range(SLOW_CALLS):
            body, headers = signed(f"例の件 {n}", f"U{(n % 13) + 1:010d}", webhook)
            httpx.post(f"http://127.0.0.1:{ours_port}/slack/events", content=body, headers=headers, timeout=10)
        # One unmeasured request per client first, to each: neither's p99 is its first connections and threads.
        measure(bare_port, webhook, 1, "warm-up")
        bare_samples, _ = measure(bare_port, webhook, args.requests)
        measure(ours_port, webhook, 1, "warm-up")
        ours_samples, ours_keys = measure(ours_port, webhook, args.requests)
        print(f"slack /expense ack over HTTP, {CLIENTS} concurrent clients, {SLOW_CALLS} slow commands sent first")
        figs = table("acks", {"bare bolt": bare_samples, "ours": ours_samples})
        print(f"ours filed {filed(tmp)} claims while acking ({CLIENTS * args.requests} sent)")
        if has_inbox(db_path):
            print(f"ours kept {kept(db_path, ours_keys)} of {len(ours_keys)} measured commands in the inbox; "
                  f"{probe(ours_port, webhook, db_path)} of {PROBES} probes had their inbox row on disk "
                  "when their 200 arrived")  # fmt: skip
            print(f"ours inbox (slack) at the end: {statuses(db_path)}")
        else:
            print("ours has no inbox table: this build keeps nothing before the ack")
        ratio = figs["ours"]["p99"] / figs["bare bolt"]["p99"]
        print(f"ours / bare p99 = {ratio:.2f}x (target <= 1.5x; ours target <= 100 ms)")
    finally:
        for proc in (ours, bare, fakes):
            proc.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
