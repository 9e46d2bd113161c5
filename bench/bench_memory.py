"""Memory of a real `backoffice serve`: RSS at rest, after the first question, after the first contract check.

Starts `backoffice serve --port P` as a process of its own with the demo company (offline engine, no model), a
fresh database in a temporary folder, Chatwork configured against the tests' fake Chatwork API (in this
process), and reads the server's VmRSS from /proc/PID/status:

  at rest                 /healthz answered, two seconds later
  after the first question  a policy question sent as a signed Chatwork webhook, once its answer was posted
  after the first contract  a 業務委託契約 pasted in chat to be checked, once the check's reply was posted

beside a baseline measured the same way: a bare `python -c` process. Target: at rest <= 150 MB.
Linux only (/proc).

    python bench/bench_memory.py
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.chatwork.signature import sign  # noqa: E402
from tests.contracts_samples import JA_OUTSOURCING_90  # noqa: E402
from tests.fake_chatwork_server import BOT_ID, FakeChatworkServer  # noqa: E402

TARGET_MB = 150
TOKEN = base64.b64encode(b"bench-memory-webhook-token-32by").decode()
SENDER = 1000003  # e003 (finance) in the demo directory
QUESTION = "タクシー代に領収書は必要ですか?"
SETTLE_SECONDS = 2.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def baseline_mb() -> float:
    """A bare Python process: what any Python server costs before it imports anything."""
    code = "import pathlib;print([l for l in pathlib.Path('/proc/self/status').read_text().splitlines() if l.startswith('VmRSS:')][0].split()[1])"  # noqa: E501
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def command() -> list[str]:
    script = Path(sys.executable).with_name("backoffice")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def start(tmp: Path, port: int, api_url: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "CHATWORK_", "BACKOFFICE_"))}
    env.update(
        BACKOFFICE_DB=str(tmp / "var" / "backoffice.db"),
        BACKOFFICE_ATTACHMENTS_DIR=str(tmp / "var" / "attachments"),
        BACKOFFICE_KNOWLEDGE_DIR=str(ROOT / "knowledge"),
        BACKOFFICE_ENGINE="offline",
        BACKOFFICE_NOW="2026-11-24T10:00",
        CHATWORK_API_TOKEN="bench-token",
        CHATWORK_WEBHOOK_TOKEN=TOKEN,
        CHATWORK_API_URL=api_url,
    )
    # cwd: the temporary folder, so that no .env of the checkout is read.
    return subprocess.Popen(
        [*command(), "serve", "--port", str(port), "--host", "127.0.0.1"],
        cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def wait_up(http: httpx.Client, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if http.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("serve did not answer /healthz in time")


def deliver(http: httpx.Client, n: int, text: str) -> None:
    event = {
        "from_account_id": SENDER,
        "to_account_id": int(BOT_ID),
        "room_id": 500003,
        "message_id": str(10**18 + n),
        "body": f"[To:{BOT_ID}] 経費ボットさん\n{text}",
        "send_time": 1795482000 + n,
        "update_time": 0,
    }
    body = json.dumps(
        {"webhook_setting_id": "1", "webhook_event_type": "mention_to_me", "webhook_event_time": 1795482000 + n,
         "webhook_event": event},
        ensure_ascii=False,
    ).encode()  # fmt: skip
    headers = {"content-type": "application/json", "x-chatworkwebhooksignature": sign(TOKEN, body)}
    resp = http.post("/chatwork/webhook", content=body, headers=headers)
    resp.raise_for_status()


def wait_reply(fake: FakeChatworkServer, n: int, seconds: float = 120) -> str:
    """The bot's answer to delivery `n`: the first message that replies to it (the scheduler may post others)."""
    mark = f"-{10**18 + n}]"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for body in fake.bodies():
            if mark in body:
                return body
        time.sleep(0.05)
    raise RuntimeError("no reply posted in time")


def first_line(body: str) -> str:
    """The reply's first line of text, after the [rp …] tag and the name line."""
    lines = [line for line in body.splitlines()[1:] if line.strip()]
    return (lines[0] if lines else body)[:70]


def main() -> int:
    base = baseline_mb()
    fake = FakeChatworkServer()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as scratch:
        proc = start(Path(scratch), port, fake.url)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                wait_up(http, proc)
                time.sleep(SETTLE_SECONDS)
                rest = rss_mb(proc.pid)
                t0 = time.perf_counter()
                deliver(http, 1, QUESTION)
                answer = wait_reply(fake, 1)
                asked = time.perf_counter() - t0
                time.sleep(SETTLE_SECONDS)
                question = rss_mb(proc.pid)
                t0 = time.perf_counter()
                deliver(http, 2, "契約チェックお願いします\n" + JA_OUTSOURCING_90)
                checked = wait_reply(fake, 2)
                contract_s = time.perf_counter() - t0
                time.sleep(SETTLE_SECONDS)
                contract = rss_mb(proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
            fake.close()
    print("backoffice serve (demo, offline engine), resident memory (VmRSS)")
    print(f"{'':<28} {'MB':>7} {'over bare':>10}")
    print(f"{'bare python (baseline)':<28} {base:>7.1f}")
    for label, value in (("at rest", rest), ("after the first question", question),
                         ("after the first contract", contract)):  # fmt: skip
        print(f"{label:<28} {value:>7.1f} {value - base:>+10.1f}")
    print(f"first question answered in {asked:.2f} s: {first_line(answer)!r}")
    print(f"first contract checked in {contract_s:.2f} s: {first_line(checked)!r}")
    met = rest <= TARGET_MB
    print(f"target: at rest <= {TARGET_MB} MB: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
