"""Chatwork's own rows in the store: the approval tasks it was given (messages go through bot.outbox)."""

from __future__ import annotations

from typing import Any

from bot.store.db import Store

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


# -- cards posted, to be edited when their request moves on ---------------------------------------


def card_posted(store: Store, card: dict[str, Any], room_id: str, message_id: str, at: str) -> None:
    store.execute(
        "INSERT INTO chatwork_cards (request_id, employee_id, room_id, message_id, prefix, text, locale, body, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (int(card["request_id"]), str(card["employee_id"]), room_id, message_id, str(card.get("prefix", "")),
         str(card.get("text", "")), str(card.get("locale", "ja")), str(card.get("body", "")), at),
    )  # fmt: skip


def card_redrawn(store: Store, card_id: int, body: str) -> None:
    store.execute("UPDATE chatwork_cards SET body = ? WHERE id = ?", (body, card_id))


def cards_of(store: Store, request_id: int) -> list[dict[str, Any]]:
    """Every copy of a request's card posted on Chatwork, oldest first."""
    return store.query("SELECT * FROM chatwork_cards WHERE request_id = ? ORDER BY id", (request_id,))

