"""One durable inbox for every front door: an ack is a promise, and this is where it is kept.

Every inbound (a Slack command, event, click or form; a Chatwork webhook; a console line) is
written here with its delivery key *before* the platform is answered, and worked off by a
pool of workers. The key is the dedupe: a second delivery of the same key is acknowledged and
dropped, whatever the front door (an Events API retry has its event_id, a replayed slash
command its signature, a Chatwork message its message id).

Working one off is one SQLite transaction: the state change it causes (a request filed, a
step decided, a conversation advanced), the replies it leaves in the outbox, and "done" commit
together or not at all. A crash anywhere leaves the row pending, with nothing half written, and
it is worked off again at the next start; a row once done is never worked again. What must
talk to the outside first (identity lookups, file downloads: a front door's `prepare`; model
calls: bot.outside) happens outside the transaction and is safe to repeat.

Rows of one lane (one sender) are worked in order, lanes in parallel. A row that fails is
tried again with growing pauses, a bounded number of times, then parked with its error: the
sender is told with a reference, the admins are told, and the lane moves on. `backoffice
inbox` lists, retries and drops parked rows.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot import privacy
from bot.outside import NeedOutside, answered_from
from bot.store import records
from bot.store.db import Store, dumps

log = logging.getLogger(__name__)

PENDING, DONE, PARKED, DROPPED = "pending", "done", "parked", "dropped"
# A handler that needs more model calls than this in one message is looping, not thinking.
MAX_PASSES = 12


@dataclass(frozen=True)
class Row:
    seq: int
    key: str
    platform: str
    kind: str
    lane: str
    payload: dict[str, Any]
    attempts: int
    received_at: str

    @property
    def delivery_id(self) -> str:
        """The key without its platform: what a request's `source` names it by."""
        return self.key.partition(":")[2]


class Work(Protocol):
    """What a front door registers to have its inbounds worked off."""

    def prepare(self, row: Row) -> Any:
        """Outside the transaction: whatever talks to the outside first. Safe to repeat."""

    def apply(self, row: Row, prepared: Any) -> None:
        """Inside the transaction: the state change and the outbox rows of the replies."""

    def failed(self, row: Row, ref: str) -> None:
        """Inside a transaction: tell the sender this message could not be worked off (outbox rows)."""

    def after(self, row: Row) -> None:
        """After the commit: wake whatever sends the outbox."""


def _row(r: dict[str, Any]) -> Row:
    return Row(
        r["seq"], r["key"], r["platform"], r["kind"], r["lane"], json.loads(r["payload"] or "{}"),
        r["attempts"], r["received_at"],
    )  # fmt: skip


class Inbox:
    def __init__(
        self,
        store: Store,
        now_iso: Callable[[], str],
        *,
        timer: Callable[[], float] = time.time,
        max_attempts: int = 3,
        backoff: tuple[float, float] = (1.0, 60.0),
        threads: int = 16,
        admins: Callable[[], list[str]] = list,
        drop_card_numbers: bool = True,
    ) -> None:
        self.store = store
        self.now_iso = now_iso
        # Seconds since the epoch, for retry pauses that must mean the same after a restart.
        self.timer = timer
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.threads = threads
        self.admins = admins  # who is told of a parked row (employee ids)
        # My Numbers are masked at intake always, card numbers unless configured otherwise (bot.privacy).
        self.drop_card_numbers = drop_card_numbers
        self._works: dict[str, Work] = {}
        self._cv = threading.Condition()
        self._busy: set[str] = set()  # lanes being worked right now
        self._generation = 0  # counts wake-ups, so a worker never sleeps through one that came while it read
        self._stopping = False
        self._pool: list[threading.Thread] = []

    # -- the ack path ----------------------------------------------------------------------------

    def register(self, platform: str, work: Work) -> None:
        self._works[platform] = work

    def accept(self, key: str, platform: str, kind: str, lane: str, payload: dict[str, Any]) -> bool:
        """Keep one inbound; False when its key was seen before (a retry or a replay: answer, do nothing).

        What is kept is the payload with every My Number (and card number) masked (bot.privacy): the number
        never reaches the database, so nothing made from the row can hold it. The key was computed by the front
        door from the delivery as it came, so masking changes nothing about dedupe."""
        payload, dropped = privacy.mask_payload(payload, privacy.dropping(self.drop_card_numbers), platform)
        if dropped:
            payload[privacy.DROPPED_KEY] = sorted(dropped)
            log.warning("inbound %s: %s removed at intake", key, ", ".join(sorted(dropped)))
        with self.store.tx():
            cur = self.store.execute(
                "INSERT OR IGNORE INTO inbox (key, platform, kind, lane, payload, status, received_at) "
                "VALUES (?, ?, ?, ?, ?, 'pending', ?)",
                (key, platform, kind, lane, dumps(payload), self.now_iso()),
            )
        if cur.rowcount != 1:
            log.info("inbound %s seen before: acknowledged, not worked again", key)
            return False
        self.wake()
        return True

    # -- workers -------------------------------------------------------------------------------

    def wake(self) -> None:
        """Something changed (a row kept, a lane freed). Holds `_cv` only to count and notify, never over I/O:
        the ack path calls this."""
        with self._cv:
            self._generation += 1
            self._cv.notify_all()

    def start(self) -> None:
        """Start the workers; they first work off whatever an earlier run left pending."""
        self._stopping = False
        if self._pool:
            return
        for n in range(self.threads):
            thread = threading.Thread(target=self._loop, name=f"inbox-{n}", daemon=True)
            thread.start()
            self._pool.append(thread)

    def stop(self, timeout: float = 10.0) -> bool:
        """Take no new row; let rows in hand finish (a row cut off stays pending for the next start)."""
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        deadline = time.monotonic() + timeout
        for thread in self._pool:
            thread.join(max(0.0, deadline - time.monotonic()))
        alive = [t for t in self._pool if t.is_alive()]
        self._pool = alive
        return not alive

    def _loop(self) -> None:
        while True:
            with self._cv:
                if self._stopping:
                    return
                seen = self._generation
            heads = self._heads()  # read with no lock of ours held, so wake() never waits behind the database
            with self._cv:
                if self._stopping:
                    return
                row, wait = self._pick(heads)
                if row is None:
                    if self._generation == seen:  # nothing changed since the read: sleep until something does
                        self._cv.wait(wait)
                    continue
            try:
                self.work(row)
            except Exception:  # never let a worker die: the row stays pending and is tried again, not at once
                log.exception("inbox worker failed on %s", row.key)
                time.sleep(1.0)
            finally:
                self._release(row.lane)

    def _heads(self) -> list[dict[str, Any]]:
        """The oldest pending row of each lane, of the platforms registered here."""
        if not self._works:
            return []
        marks = ",".join("?" * len(self._works))
        return self.store.query(
            f"SELECT * FROM inbox WHERE seq IN (SELECT MIN(seq) FROM inbox WHERE status = 'pending' "
            f"AND platform IN ({marks}) GROUP BY lane) ORDER BY seq",
            tuple(self._works),
        )

    def _pick(self, heads: list[dict[str, Any]]) -> tuple[Row | None, float]:
        """The first head whose lane no worker holds and that is due, taking its lane; else how long to sleep.
        Holds `_cv`. A head read a moment ago may be done meanwhile: `work` then finds it so and does nothing."""
        now, soonest = self.timer(), 1.0
        for r in heads:
            if r["lane"] in self._busy:
                continue
            if r["next_attempt"] > now:
                soonest = min(soonest, r["next_attempt"] - now)
                continue
            self._busy.add(r["lane"])
            return _row(r), 0.0
        return None, max(0.01, soonest)

    def _release(self, lane: str) -> None:
        with self._cv:
            self._busy.discard(lane)
            self._generation += 1  # the lane's next row may be claimed now
            self._cv.notify_all()

    def run_now(self, key: str) -> str:
        """Work one row off in the calling thread, its tries one after the other with no pause (a person at
        the console waits for the answer); its status after: done, or parked with the sender told."""
        for _ in range(self.max_attempts):
            while True:
                rows = self.store.query("SELECT * FROM inbox WHERE key = ?", (key,))
                if not rows or rows[0]["status"] != PENDING:
                    return rows[0]["status"] if rows else DROPPED
                with self._cv:
                    if rows[0]["lane"] not in self._busy:
                        self._busy.add(rows[0]["lane"])
                        break
                    self._cv.wait(0.05)
            row = _row(rows[0])
            try:
                self.work(row)
            finally:
                self._release(row.lane)
        return self.status(key) or DROPPED

    # -- one row ---------------------------------------------------------------------------------

    def work(self, row: Row) -> bool:
        """Work one row off; True when it is done now (by this call)."""
        work = self._works[row.platform]
        try:
            prepared = work.prepare(row)
            memo: dict[str, Any] = {}
            for _ in range(MAX_PASSES):
                try:
                    with answered_from(memo), self.store.tx():
                        if self.status(row.key) != PENDING:
                            return False  # done meanwhile (`inbox drop`, another worker): nothing to do
                        work.apply(row, prepared)
                        self.store.execute(
                            "UPDATE inbox SET status = 'done', done_at = ?, attempts = attempts + 1, payload = NULL, "
                            "error = NULL WHERE key = ?",
                            (self.now_iso(), row.key),
                        )  # the payload holds the message's words: kept only while it may be worked again
                    break
                except NeedOutside as need:
                    memo[need.key] = need.call()  # no transaction is open here: the lock is free meanwhile
            else:
                raise RuntimeError(f"more than {MAX_PASSES} outside calls for one inbound")
        except Exception as exc:
            self._failed(row, work, exc)
            return False
        try:
            work.after(row)
        except Exception:
            log.exception("after-commit step of %s failed (its effect and replies are saved)", row.key)
        return True

    def _failed(self, row: Row, work: Work, exc: Exception) -> None:
        attempts = row.attempts + 1
        error = f"{type(exc).__name__}: {exc}"[:500]
        if attempts < self.max_attempts:
            pause = min(self.backoff[1], self.backoff[0] * 4 ** (attempts - 1))
            # The exception's type only: its message may quote the words it choked on (the traceback, which
            # names the line, is redacted by bot.privacy's log filter).
            log.warning("inbound %s failed (%s); try %d of %d in %.0f s", row.key, type(exc).__name__, attempts + 1,
                        self.max_attempts, pause, exc_info=exc)  # fmt: skip
            with self.store.tx():
                self.store.execute(
                    "UPDATE inbox SET attempts = ?, error = ?, next_attempt = ? WHERE key = ?",
                    (attempts, error, self.timer() + pause, row.key),
                )
            return
        ref = secrets.token_hex(4)
        log.error(
            "inbound %s parked after %d tries (ref %s): %s", row.key, attempts, ref, type(exc).__name__, exc_info=exc
        )
        with self.store.tx():
            self.store.execute(
                "UPDATE inbox SET status = 'parked', attempts = ?, error = ?, ref = ?, done_at = ? WHERE key = ?",
                (attempts, error, ref, self.now_iso(), row.key),
            )
            self.store.audit(
                self.now_iso(), None, "inbox.parked", None,
                {"key": row.key, "platform": row.platform, "kind": row.kind, "ref": ref, "error": error},
            )  # fmt: skip
            for admin in self.admins():
                records.notify(self.store, admin, "inbox_parked", None, {"ref": ref, "key": row.key}, self.now_iso())
        try:
            with self.store.tx():
                work.failed(row, ref)
        except Exception:
            log.exception("could not tell the sender of %s about ref %s", row.key, ref)
        try:
            work.after(row)
        except Exception:
            log.exception("after-park step of %s failed", row.key)

    # -- for people: `backoffice inbox` -----------------------------------------------------------

    def status(self, key: str) -> str | None:
        rows = self.store.query("SELECT status FROM inbox WHERE key = ?", (key,))
        return rows[0]["status"] if rows else None

    def rows(self, status: str | None = PARKED, limit: int = 100) -> list[dict[str, Any]]:
        where, params = ("WHERE status = ?", (status, limit)) if status else ("", (limit,))
        return self.store.query(
            "SELECT seq, key, platform, kind, lane, status, attempts, received_at, done_at, error, ref "
            f"FROM inbox {where} ORDER BY seq DESC LIMIT ?",
            params,
        )

    def counts(self) -> dict[str, int]:
        rows = self.store.query("SELECT status, COUNT(*) AS n FROM inbox GROUP BY status")
        return {r["status"]: r["n"] for r in rows}

    def retry(self, key: str) -> bool:
        """A parked row goes back to the queue with its tries counted afresh."""
        with self.store.tx():
            cur = self.store.execute(
                "UPDATE inbox SET status = 'pending', attempts = 0, next_attempt = 0, done_at = NULL "
                "WHERE key = ? AND status = 'parked'",
                (key,),
            )
        self.wake()
        return cur.rowcount == 1

    def drop(self, key: str, actor: str | None = None) -> bool:
        """A parked (or pending) row is given up on for good, with an audit entry; its words are deleted."""
        with self.store.tx():
            cur = self.store.execute(
                "UPDATE inbox SET status = 'dropped', payload = NULL, done_at = ? WHERE key = ? "
                "AND status IN ('parked', 'pending')",
                (self.now_iso(), key),
            )
            if cur.rowcount == 1:
                self.store.audit(self.now_iso(), actor, "inbox.dropped", None, {"key": key})
        return cur.rowcount == 1
