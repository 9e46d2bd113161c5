"""The tables of this package: its migration in bot.store.db's list, kept here so its owner edits one file."""

from __future__ import annotations

import sqlite_utils


def migrate(db: sqlite_utils.Database) -> None:
    """v12. Until released it may change; once released it is never edited (a new migration is added)."""
    # Where each employee is paid back: imported from a file finance keeps (`backoffice bank import`), apart from
    # the directory file that is passed around. Only the 全銀 file and the masked listing read it.
    db.execute(
        "CREATE TABLE bank_accounts (employee_id TEXT PRIMARY KEY, bank_code TEXT NOT NULL, bank_name TEXT NOT NULL, "
        "branch_code TEXT NOT NULL, branch_name TEXT NOT NULL, account_type INTEGER NOT NULL, "
        "account_number TEXT NOT NULL, holder_kana TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT)"
    )
    # Each 全銀 file written for a batch (its digest, never its content: the content is bank details).
    db.execute(
        "CREATE TABLE transfer_files (id INTEGER PRIMARY KEY, batch_id TEXT NOT NULL REFERENCES export_batches(id), "
        "transfer_date TEXT NOT NULL, records INTEGER NOT NULL, total INTEGER NOT NULL, sha256 TEXT NOT NULL, "
        "created_at TEXT NOT NULL, created_by TEXT)"
    )
    # A batch paid: once, with the day the money went out.
    db.execute(
        "CREATE TABLE transfer_payments (batch_id TEXT PRIMARY KEY REFERENCES export_batches(id), "
        "paid_on TEXT NOT NULL, total INTEGER NOT NULL, people INTEGER NOT NULL, marked_at TEXT NOT NULL, "
        "marked_by TEXT)"
    )
