"""The cost of keeping one inbound: `Inbox.accept` on a real SQLite file, beside a bare INSERT+COMMIT.

Every webhook is acknowledged only once its inbound is on disk (bot.inbox), so this write is on
every ack path. This measures it on a real file in a temporary directory (`Store`: WAL,
synchronous=NORMAL, the full schema) for distinct delivery keys with a ~1 KB Slack
slash-command body as payload, and, in the same run and interleaved with it, the floor: a bare
sqlite3 connection with the same pragmas doing one INSERT + COMMIT of the same key and the same
serialised bytes into a one-table database. Then it measures duplicates: `accept` of a key seen
before (a Slack retry, a replayed command), which must write nothing and answer False.
Target: inbox write p50 <= 2 ms.

    python bench/bench_inbox.py [--keys 2000] [--dir /path/on/the/disk/to/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import math
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.inbox import Inbox
from bot.store.db import Store, dumps

TARGET_P50_MS = 2.0
WARMUP = 50
USERS = 13


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def slash_command(n: int) -> tuple[str, str, dict[str, Any]]:
    """Delivery key, lane and payload of the n-th `/expense` command, as Slack posts it (form fields)."""
    user = f"U{(n % USERS) + 1:010d}"
    ts = str(1795492800 + n)
    signature = "v0=" + hashlib.sha256(f"bench-{n}".encode()).hexdigest()
    payload = {
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "team_id": "T0001ABCDEF",
        "team_domain": "example-backoffice",
        "enterprise_id": "E0001ABCDEF",
        "enterprise_name": "Example Holdings",
        "channel_id": "C0123456789",
        "channel_name": "directmessage",
        "user_id": user,
        "user_name": f"taro.yamada{n % USERS}",
        "command": "/expense",
        "text": f"昨日の打ち合わせのお弁当 {2000 + n % 5000:,}円 取引先(株式会社サンプル商事)との定例会議、"
        "会議費で参加者5名 領収書は後で添付します プロジェクト: 基幹システム刷新 2026年度下期 "
        "先方3名・当社2名、一人あたり480円で上限内です。支払は法人カード(末尾1234)、丸の内の弁当店にて。"
        "承認をお願いします",
        "api_app_id": "A0123456789",
        "is_enterprise_install": "false",
        "response_url": f"https://hooks.slack.com/commands/T0001ABCDEF/{7000000000000 + n}/"
        + hashlib.sha1(f"url-{n}".encode()).hexdigest()[:24],
        "trigger_id": f"{7000000000000 + n}.{1000000000000 + n}." + hashlib.md5(f"trigger-{n}".encode()).hexdigest(),
    }
    return f"slack:sig:{ts}:{signature}", f"slack:{user}", payload


class BareTable:
    """The floor: one table, one connection, the pragmas `Store` uses, one INSERT + COMMIT per call."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS inbox (key TEXT PRIMARY KEY, payload TEXT)")
        self.conn.commit()

    def insert(self, key: str, payload: str) -> None:
        self.conn.execute("INSERT INTO inbox (key, payload) VALUES (?, ?)", (key, payload))
        self.conn.commit()

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM inbox").fetchone()[0])

    def close(self) -> None:
        self.conn.close()


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = call()
    return (time.perf_counter() - t0) * 1000, result


def pct(samples: list[float], q: float) -> float:
    """Nearest-rank percentile of milliseconds."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def row(name: str, samples: list[float]) -> str:
    return (
        f"{name:<26} {len(samples):>6} {pct(samples, 0.50):>9.3f} {pct(samples, 0.99):>9.3f} "
        f"{statistics.fmean(samples):>9.3f} {max(samples):>9.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=2000, help="distinct delivery keys to accept")
    parser.add_argument("--dir", type=Path, default=None, help="where the database files go (default: a tempdir)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-inbox-", dir=args.dir))
    store = Store(tmp / "bench.db")
    inbox = Inbox(store, now_iso)  # no worker started: only the ack path is measured
    bare = BareTable(tmp / "bare.db")
    try:
        commands = [slash_command(n) for n in range(WARMUP + args.keys)]
        size = len(dumps(commands[0][2]).encode())
        for key, lane, payload in commands[:WARMUP]:
            inbox.accept(key, "slack", "command", lane, payload)
            bare.insert(key, dumps(payload))

        first: list[float] = []
        floor: list[float] = []
        encode: list[float] = []
        for key, lane, payload in commands[WARMUP:]:
            # Interleaved, so both see the same machine (other load, the disk, the page cache) at the same time.
            ms, kept = timed(lambda: inbox.accept(key, "slack", "command", lane, payload))  # noqa: B023
            assert kept is True, key
            first.append(ms)
            ms, data = timed(lambda: dumps(payload))  # noqa: B023
            encode.append(ms)
            ms, _ = timed(lambda: bare.insert(key, data))  # noqa: B023
            floor.append(ms)

        again: list[float] = []
        for key, lane, payload in commands[WARMUP:]:
            ms, kept = timed(lambda: inbox.accept(key, "slack", "command", lane, payload))  # noqa: B023
            assert kept is False, key
            again.append(ms)

        rows = store.query("SELECT COUNT(*) AS n FROM inbox")[0]["n"]
        assert rows == WARMUP + args.keys == bare.count(), (rows, bare.count())

        print(f"inbox accept on {tmp} (WAL, synchronous=NORMAL), {args.keys} keys, payload {size} bytes of JSON")
        print(f"{'':<26} {'n':>6} {'p50 ms':>9} {'p99 ms':>9} {'mean ms':>9} {'max ms':>9}")
        print(row("Inbox.accept, new key", first))
        print(row("bare INSERT+COMMIT", floor))
        print(row("  (json dumps alone)", encode))
        print(row("Inbox.accept, duplicate", again))
        p50, floor50 = pct(first, 0.50), pct(floor, 0.50)
        print(f"accept / bare: p50 {p50 / floor50:.2f}x, p99 {pct(first, 0.99) / pct(floor, 0.99):.2f}x; "
              f"rows kept {rows}, duplicates kept 0")  # fmt: skip
        verdict = "PASS" if p50 <= TARGET_P50_MS else "FAIL"
        print(f"verdict: {verdict}: inbox write p50 {p50:.3f} ms (target <= {TARGET_P50_MS:g} ms)")
    finally:
        store.close()
        bare.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
