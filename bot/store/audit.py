"""A hash-chained audit log: each entry holds the hash of the one before it.

Editing, deleting or reordering any row breaks the chain at that row, and `verify` names it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

GENESIS = "0" * 64


def entry_hash(
    prev_hash: str, entry_id: int, at: str, actor: str | None, action: str, request_id: int | None, data: str
) -> str:
    payload = json.dumps([prev_hash, entry_id, at, actor, action, request_id, data], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    db: sqlite_utils.Database, at: str, actor: str | None, action: str, request_id: int | None, data: dict[str, Any]
) -> int:
    row = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev_id, prev_hash = (row[0], row[1]) if row else (0, GENESIS)
    entry_id = prev_id + 1
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = entry_hash(prev_hash, entry_id, at, actor, action, request_id, payload)
    db.execute(
        "INSERT INTO audit_log (id, at, actor, action, request_id, data, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)",
        (entry_id, at, actor, action, request_id, payload, prev_hash, digest),
    )
    return entry_id


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    broken_at: int | None = None
    problem: str = ""
    head: str = GENESIS  # hash of the last entry: note it elsewhere to detect a cut-off tail


def verify(db: sqlite_utils.Database) -> Verification:
    prev_hash, expected_id, count = GENESIS, 1, 0
    cur = db.execute("SELECT id, at, actor, action, request_id, data, prev_hash, hash FROM audit_log ORDER BY id")
    for entry_id, at, actor, action, request_id, data, stored_prev, stored_hash in cur:
        if entry_id != expected_id:
            return Verification(False, count, expected_id, f"entry {expected_id} is missing")
        if stored_prev != prev_hash:
            return Verification(False, count, entry_id, "does not link to the entry before it")
        if entry_hash(prev_hash, entry_id, at, actor, action, request_id, data) != stored_hash:
            return Verification(False, count, entry_id, "its content does not match its hash (edited)")
        prev_hash, expected_id, count = stored_hash, expected_id + 1, count + 1
    return Verification(True, count, head=prev_hash)
