"""The tables of this package: its migration in bot.store.db's list, kept here so its owner edits one file."""

from __future__ import annotations

import sqlite_utils


def migrate(db: sqlite_utils.Database) -> None:
    """v11. Until released it may change; once released it is never edited (a new migration is added)."""
    # A journal export batch: which claims went to the books together, in which format. A claim is in at most one
    # batch (the primary key of batch_claims), because 弥生 duplicates entries imported twice (accounting.md §3).
    db.execute(
        "CREATE TABLE export_batches (id TEXT PRIMARY KEY, format TEXT NOT NULL, period_from TEXT NOT NULL, "
        "period_to TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT, sha256 TEXT)"
    )
    db.execute(
        "CREATE TABLE batch_claims (request_id INTEGER PRIMARY KEY REFERENCES requests(id), "
        "batch_id TEXT NOT NULL REFERENCES export_batches(id), seq INTEGER NOT NULL)"
    )
    db.execute("CREATE INDEX batch_claims_batch ON batch_claims (batch_id, seq)")
