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
    # freee API (bot/accounting/freee.py). A claim posted as a deal, so a retry never posts it twice: `posting` is
    # written before the POST and `posted` with the deal id after; a `posting` row left by a lost answer is
    # looked up in freee (by ref_number) before anything is posted again.
    db.execute(
        "CREATE TABLE freee_deals (request_id INTEGER PRIMARY KEY REFERENCES requests(id), batch_id TEXT NOT NULL, "
        "ref_number TEXT NOT NULL, company_id INTEGER NOT NULL, state TEXT NOT NULL, deal_id INTEGER, "
        "updated_at TEXT NOT NULL)"
    )
    # freee master data (account items, tax codes, partners, the company) by name, looked up once and kept.
    db.execute(
        "CREATE TABLE freee_master (company_id INTEGER NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, "
        "value TEXT NOT NULL, fetched_at TEXT NOT NULL, PRIMARY KEY (company_id, kind, name))"
    )
    # The OAuth tokens: freee's refresh token works once, so the new one is kept the moment it arrives
    # (accounting.md §1.4). `seed` is the digest of the FREEE_REFRESH_TOKEN it started from: a new setting wins.
    db.execute(
        "CREATE TABLE freee_tokens (id INTEGER PRIMARY KEY CHECK (id = 1), seed TEXT NOT NULL, "
        "refresh_token TEXT NOT NULL, access_token TEXT, expires_at TEXT, updated_at TEXT NOT NULL)"
    )
