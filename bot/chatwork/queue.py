"""Chatwork's rows in the store: events received (inbox), messages to send (outbox), tasks given."""

from __future__ import annotations

import json
from typing import Any

from bot.store.db import Store, dumps

# -- inbox: an event is kept before Chatwork is answered, so a crash loses nothing ----------------


def keep_event(store: Store, message_id: str, event: dict[str, Any], at: str) -> bool:
    """False when this message was seen before (Chatwork may deliver one message to two webhooks)."""
    with store.tx():
        cur = store.execute(
            "INSERT OR IGNORE INTO chatwork_inbox (message_id, event, received_at) VALUES (?, ?, ?)",
            (message_id, dumps(event), at),
        )
        return cur.rowcount == 1


def event_done(store: Store, message_id: str, at: str, error: str | None = None) -> None:
    store.execute("UPDATE chatwork_inbox SET done_at = ?, error = ? WHERE message_id = ?", (at, error, message_id))


def unfinished_events(store: Store) -> list[tuple[str, dict[str, Any]]]:
    rows = store.query("SELECT message_id, event FROM chatwork_inbox WHERE done_at IS NULL ORDER BY received_at")
    return [(r["message_id"], json.loads(r["event"])) for r in rows]


# -- outbox ----------------------------------------------------------------------------------------


def enqueue(store: Store, target: str, kind: str, payload: dict[str, Any], at: str) -> int:
    cur = store.execute(
        "INSERT INTO chatwork_outbox (target, kind, payload, created_at) VALUES (?, ?, ?, ?)",
        (target, kind, dumps(payload), at),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def waiting(store: Store) -> list[dict[str, Any]]:
    """Everything not yet accepted nor refused for good, oldest first."""
    rows = store.query("SELECT * FROM chatwork_outbox WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY id")
    for r in rows:
        r["payload"] = json.loads(r["payload"])
    return rows


def sent(store: Store, job_id: int, at: str, result: Any) -> None:
    store.execute(
        "UPDATE chatwork_outbox SET sent_at = ?, result = ?, attempts = attempts + 1 WHERE id = ?",
        (at, dumps(result), job_id),
    )


def retry_later(store: Store, job_id: int, next_attempt: float, error: str, count_attempt: bool = True) -> None:
    store.execute(
        "UPDATE chatwork_outbox SET next_attempt = ?, error = ?, attempts = attempts + ? WHERE id = ?",
        (next_attempt, error, int(count_attempt), job_id),
    )


def refused(store: Store, job_id: int, at: str, error: str) -> None:
    store.execute(
        "UPDATE chatwork_outbox SET failed_at = ?, error = ?, attempts = attempts + 1 WHERE id = ?",
        (at, error, job_id),
    )


# -- tasks -----------------------------------------------------------------------------------------


def add_task(store: Store, request_id: int, seq: int, account_id: str, target: str, at: str) -> int:
    cur = store.execute(
        "INSERT INTO chatwork_tasks (request_id, seq, account_id, target, created_at) VALUES (?, ?, ?, ?, ?)",
        (request_id, seq, account_id, target, at),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def task_created(store: Store, row_id: int, room_id: str, task_id: str) -> None:
    store.execute("UPDATE chatwork_tasks SET room_id = ?, task_id = ? WHERE id = ?", (room_id, task_id, row_id))


def get_task(store: Store, row_id: int) -> dict[str, Any] | None:
    rows = store.query("SELECT * FROM chatwork_tasks WHERE id = ?", (row_id,))
    return rows[0] if rows else None


def open_tasks(store: Store) -> list[dict[str, Any]]:
    """Tasks not yet being closed."""
    return store.query("SELECT * FROM chatwork_tasks WHERE closing = 0 ORDER BY id")


def closing(store: Store, row_id: int) -> None:
    store.execute("UPDATE chatwork_tasks SET closing = 1 WHERE id = ?", (row_id,))


def task_done(store: Store, row_id: int, at: str) -> None:
    store.execute("UPDATE chatwork_tasks SET done_at = ? WHERE id = ?", (at, row_id))


def tasks_of(store: Store, request_id: int) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM chatwork_tasks WHERE request_id = ? ORDER BY id", (request_id,))
