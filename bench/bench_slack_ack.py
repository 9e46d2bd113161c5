"""Slack ack latency over real HTTP, ours beside a bare slack-bolt app that only acks.

20 clients send signed `/expense` commands to each server on loopback while the bot's model
(a fake OpenAI-compatible server answering after 2 s) has 50 slow calls in flight. Targets:
p99 ack <= 100 ms, <= 1.5x the bare app's, and no ack over 3 s.

Each party runs in a process of its own (the fakes, our server, the bare app, the clients), as
in production: the clients' threads must not compete with a server for its interpreter lock.

    python bench/bench_slack_ack.py [--requests 15]
"""

from __future__ import annotations

import argparse
import json
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


def in_process(target: Any, *args: Any) -> tuple[multiprocessing.Process, Any]:
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


def _run_ours(out: Any, tmp: str, slack_url: str, model_url: str, switch: float) -> None:
    if switch:
        sys.setswitchinterval(switch / 1000)
    settings = Settings(
        db=Path(tmp) / "bench.db", knowledge_dir=ROOT / "knowledge", attachments_dir=Path(tmp) / "f",
        engine="hybrid", openai_model="bench", openai_base_url=model_url,  # the default with a model
    )  # fmt: skip
    app = build_app(settings, FixedClock("2026-11-24T10:00"))
    slack = SlackFrontDoor(app, "xoxb-bench", SECRET, slack_url, work_workers=SLOW_CALLS + 14)
    out.put(serve(build_server(app, slack)))
    threading.Event().wait()


def filed(tmp: str) -> int:
    """Claims our server filed: proof the acks were measured while the real work was being done."""
    with sqlite3.connect(Path(tmp) / "bench.db") as db:
        return int(db.execute("select count(*) from requests").fetchone()[0])


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
    sig = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    headers = {"content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": ts,
               "x-slack-signature": sig}  # fmt: skip
    return body.encode(), headers


def measure(port: int, webhook: str, requests_per_client: int) -> list[float]:
    users = [f"U{n:010d}" for n in range(1, 14)]

    def client(n: int) -> list[float]:
        out = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            for i in range(requests_per_client):
                body, headers = signed(f"昨日の打ち合わせのお弁当 {2000 + n * 100 + i:,}円", users[n % 13], webhook)
                t0 = time.perf_counter()
                resp = http.post("/slack/events", content=body, headers=headers)
                out.append(time.perf_counter() - t0)
                assert resp.status_code == 200, resp.text
        return out

    with ThreadPoolExecutor(CLIENTS) as pool:
        return [x for chunk in pool.map(client, range(CLIENTS)) for x in chunk]


def figures(name: str, samples: list[float]) -> float:
    samples = sorted(samples)
    p50 = statistics.median(samples) * 1000
    p99 = samples[max(0, int(len(samples) * 0.99) - 1)] * 1000
    over = sum(1 for s in samples if s > 3.0)
    print(f"{name:<10} {len(samples):>4} acks  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  max {samples[-1] * 1000:7.1f} ms  "
          f"over 3 s: {over}")  # fmt: skip
    return p99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=15, help="requests per client")
    parser.add_argument("--switch", type=float, default=0, help="our thread switch interval, ms")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-ack-")
    fakes, (slack_url, webhook, model_url) = in_process(_run_fakes)
    ours, ours_port = in_process(_run_ours, tmp, slack_url, model_url, args.switch)
    bare, bare_port = in_process(_run_bare, slack_url)
    try:
        # 50 slow model calls in flight before and while we measure.
        for n in range(SLOW_CALLS):
            body, headers = signed(f"例の件 {n}", f"U{(n % 13) + 1:010d}", webhook)
            httpx.post(f"http://127.0.0.1:{ours_port}/slack/events", content=body, headers=headers, timeout=10)
        bare_p99 = figures("bare bolt", measure(bare_port, webhook, args.requests))
        ours_p99 = figures("ours", measure(ours_port, webhook, args.requests))
        print(f"ours filed {filed(tmp)} claims while acking ({CLIENTS * args.requests} sent)")
        print(f"ours / bare p99 = {ours_p99 / bare_p99:.2f}x (target <= 1.5x; ours target <= 100 ms)")
    finally:
        for proc in (ours, bare, fakes):
            proc.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
