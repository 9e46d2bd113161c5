"""One persistent outbox for every platform: what the bot says waits in SQLite until the platform has it.

Rows are written in the same transaction as the state change they report (bot.inbox), so a
reply exists exactly when its effect does. Each platform's sender drains its own rows after the
commit: in order per target (a conversation), a row that cannot go out holding back the ones
after it and no one else's; 429, 5xx and network errors are tried again later with growing
pauses, kept across restarts; a refusal for good (4xx) is kept with its error and the queue
moves on. Sending is at least once: a row is marked sent the moment the platform answers, so a
message goes out twice only when the bot dies in that instant (README, "Delivery guarantees").
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from bot.store.db import Store, dumps

log = logging.getLogger(__name__)


# -- rows --------------------------------------------------------------------------------------------


def enqueue(store: Store, platform: str, target: str, kind: str, payload: dict[str, Any], at: str) -> int:
    cur = store.execute(
        "INSERT INTO outbox (platform, target, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)",
        (platform, target, kind, dumps(payload), at),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def waiting(store: Store, platform: str) -> list[dict[str, Any]]:
    """Everything not yet accepted nor refused for good, oldest first."""
    rows = store.query(
        "SELECT * FROM outbox WHERE platform = ? AND sent_at IS NULL AND failed_at IS NULL ORDER BY id", (platform,)
    )
    for r in rows:
        r["payload"] = json.loads(r["payload"])
    return rows


def heads(store: Store, platform: str) -> list[dict[str, Any]]:
    """The first waiting row of each target: only it may go now, so order holds per conversation."""
    seen: dict[str, dict[str, Any]] = {}
    for job in waiting(store, platform):
        seen.setdefault(job["target"], job)
    return list(seen.values())


def due(store: Store, platform: str, now: float) -> bool:
    """Whether a row could go out now (the head of its conversation, not waiting out a pause)."""
    return any(job["next_attempt"] <= now for job in heads(store, platform))


def cards_waiting(store: Store, platform: str, request_id: int) -> list[dict[str, Any]]:
    """Cards of one request still waiting to be posted (their payload names it under `card`)."""
    rows = store.query(
        "SELECT * FROM outbox WHERE platform = ? AND sent_at IS NULL AND failed_at IS NULL "
        "AND json_extract(payload, '$.card.request_id') = ? ORDER BY id",
        (platform, request_id),
    )
    for r in rows:
        r["payload"] = json.loads(r["payload"])
    return rows


def sent(store: Store, job_id: int, at: str, result: Any) -> None:
    store.execute(
        "UPDATE outbox SET sent_at = ?, result = ?, attempts = attempts + 1 WHERE id = ?", (at, dumps(result), job_id)
    )


def retry_later(store: Store, job_id: int, next_attempt: float, error: str, count_attempt: bool = True) -> None:
    store.execute(
        "UPDATE outbox SET next_attempt = ?, error = ?, attempts = attempts + ? WHERE id = ?",
        (next_attempt, error, int(count_attempt), job_id),
    )


def refused(store: Store, job_id: int, at: str, error: str) -> None:
    store.execute(
        "UPDATE outbox SET failed_at = ?, error = ?, attempts = attempts + 1 WHERE id = ?", (at, error, job_id)
    )


def backlog(store: Store, platform: str | None = None) -> int:
    where = "AND platform = ?" if platform else ""
    params = (platform,) if platform else ()
    rows = store.query(f"SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL {where}", params)
    return int(rows[0]["n"])


# -- a sender that runs in a thread of its own --------------------------------------------------------


class Retry(Exception):
    """Not now: `wait` seconds if the platform said (429), else the drain's own backoff."""

    def __init__(self, error: str, wait: float | None = None, count: bool = True) -> None:
        super().__init__(error)
        self.wait = wait
        self.count = count


class Refused(Exception):
    """Refused for good (a 4xx other than 429): kept with its error, never tried again."""


class Sender(Protocol):
    def send(self, job: dict[str, Any]) -> Any:
        """Send one row; return what the platform answered (kept on the row). Raise Retry or Refused."""

    def on_sent(self, job: dict[str, Any], result: Any) -> None:
        """Inside the transaction that marks the row sent: remember what the platform gave back (a card's ts)."""


class Drain:
    """Drains one platform's rows from a background thread; `wake()` after each commit that added some."""

    def __init__(
        self,
        store: Store,
        platform: str,
        sender: Sender,
        now_iso: Callable[[], str],
        *,
        timer: Callable[[], float] = time.time,
        backoff: tuple[float, float] = (2.0, 600.0),
    ) -> None:
        self.store = store
        self.platform = platform
        self.sender = sender
        self.now_iso = now_iso
        self.timer = timer
        self.backoff = backoff
        self._cv = threading.Condition()
        self._woken = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name=f"outbox-{self.platform}", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        with self._cv:
            self._woken = True
            self._cv.notify_all()

    def stop(self, timeout: float = 10.0) -> bool:
        """Send what can go within `timeout` seconds, then stop; True when nothing due was left behind."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._due():
            self.wake()
            time.sleep(0.05)
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        if self._thread is not None:
            self._thread.join(max(0.1, deadline - time.monotonic()))
            self._thread = None
        return not self._due()

    def _due(self) -> bool:
        return due(self.store, self.platform, self.timer())

    def _run(self) -> None:
        while True:
            with self._cv:
                if self._stopping:
                    return
                self._woken = False
            try:
                pause = self.drain()
            except Exception:
                log.exception("%s outbox pass failed; trying again shortly", self.platform)
                pause = 1.0
            with self._cv:
                if self._stopping:
                    return
                if not self._woken:
                    self._cv.wait(pause)

    def drain(self) -> float:
        """Send every head that is due, until none is; return the seconds until the next one is."""
        while True:
            now = self.timer()
            due = [job for job in heads(self.store, self.platform) if job["next_attempt"] <= now]
            if not due:
                later = [job["next_attempt"] - now for job in heads(self.store, self.platform)]
                return max(0.05, min(later)) if later else 5.0
            for job in due:
                if self._stopping:
                    return 0.0
                self.send_one(job)

    def send_one(self, job: dict[str, Any]) -> bool:
        try:
            result = self.sender.send(job)
        except Retry as exc:
            pause = exc.wait if exc.wait is not None else min(self.backoff[1], self.backoff[0] * 2 ** job["attempts"])
            with self.store.tx():
                retry_later(self.store, job["id"], self.timer() + pause, str(exc), count_attempt=exc.count)
            log.warning("%s outbox row %s: %s; next try in %.1f s", self.platform, job["id"], exc, pause)
            return False
        except Refused as exc:
            with self.store.tx():
                refused(self.store, job["id"], self.now_iso(), str(exc))
            log.error("%s refused outbox row %s for good: %s", self.platform, job["id"], exc)
            return False
        with self.store.tx():
            sent(self.store, job["id"], self.now_iso(), result)
            self.sender.on_sent(job, result)
        return True


def seconds(value: Any, default: float) -> float:
    """A Retry-After header's seconds; `default` when absent or not a number."""
    try:
        wait = float(value)
    except (TypeError, ValueError):
        return default
    return wait if math.isfinite(wait) and wait >= 0 else default
