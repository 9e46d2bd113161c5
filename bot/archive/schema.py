"""The tables of this package: its migration in bot.store.db's list, kept here so its owner edits one file."""

from __future__ import annotations

import sqlite_utils


def migrate(db: sqlite_utils.Database) -> None:
    """v13. Until released it may change; once released it is never edited (a new migration is added)."""
    # One row per version of an archived receipt (電子帳簿保存法, 電子取引: accounting.md §6). A receipt's first
    # version has version 1 and no `supersedes`; a change of its 取引年月日/金額/取引先 adds a row pointing at the
    # one it replaces, so every earlier state stays readable ("corrections recorded", NTA 一問一答 問9).
    # `claim_key` is the claim's date|yen|vendor the row was made from: a finance correction carries it over,
    # so only a later change of the claim itself makes another version.
    db.execute(
        "CREATE TABLE archive_entries ("
        "id INTEGER PRIMARY KEY, "
        "attachment_id INTEGER NOT NULL REFERENCES attachments(id), "
        "request_id INTEGER NOT NULL REFERENCES requests(id), "
        "version INTEGER NOT NULL, "
        "supersedes INTEGER REFERENCES archive_entries(id), "
        "tx_date TEXT NOT NULL, "  # 取引年月日, ISO
        "amount INTEGER, "  # 取引金額 in yen; NULL while a foreign claim has no yen amount yet
        "vendor TEXT NOT NULL DEFAULT '', "  # 取引先 as given; '' when the claim names none
        "vendor_key TEXT NOT NULL DEFAULT '', "  # NFKC, case-folded, no spaces: what a search compares
        "source TEXT NOT NULL, "  # claim | correction
        "reason TEXT NOT NULL DEFAULT '', "
        "claim_key TEXT NOT NULL, "
        "name TEXT NOT NULL, "  # the sender's name for the file, for display
        "path TEXT NOT NULL, "  # the archived original (0400), under <attachments>/archive
        "sha256 TEXT NOT NULL, "
        "size INTEGER NOT NULL, "
        "stored_by TEXT NOT NULL, "
        "stored_at TEXT NOT NULL, "
        "retain_until TEXT NOT NULL, "  # deletion is refused up to and including this day
        "deleted_at TEXT, "
        "deleted_by TEXT, "
        "UNIQUE (attachment_id, version))"
    )
    db.execute("CREATE INDEX archive_entries_date ON archive_entries (tx_date)")
    db.execute("CREATE INDEX archive_entries_request ON archive_entries (request_id)")
    # The database itself refuses what the archive never does, so a slip in code (or a hand with the sqlite3
    # shell) cannot rewrite history: rows are never deleted, their contents never change, and the only update
    # is marking a row deleted once (after its retention period: bot.archive.store.delete).
    db.execute(
        "CREATE TRIGGER archive_entries_no_delete BEFORE DELETE ON archive_entries "
        "BEGIN SELECT RAISE(ABORT, 'archive entries are never deleted'); END"
    )
    db.execute(
        "CREATE TRIGGER archive_entries_no_change BEFORE UPDATE ON archive_entries "
        "WHEN NEW.id IS NOT OLD.id OR NEW.attachment_id IS NOT OLD.attachment_id "
        "OR NEW.request_id IS NOT OLD.request_id OR NEW.version IS NOT OLD.version "
        "OR NEW.supersedes IS NOT OLD.supersedes OR NEW.tx_date IS NOT OLD.tx_date OR NEW.amount IS NOT OLD.amount "
        "OR NEW.vendor IS NOT OLD.vendor OR NEW.vendor_key IS NOT OLD.vendor_key OR NEW.source IS NOT OLD.source "
        "OR NEW.reason IS NOT OLD.reason OR NEW.claim_key IS NOT OLD.claim_key OR NEW.name IS NOT OLD.name "
        "OR NEW.path IS NOT OLD.path OR NEW.sha256 IS NOT OLD.sha256 OR NEW.size IS NOT OLD.size "
        "OR NEW.stored_by IS NOT OLD.stored_by OR NEW.stored_at IS NOT OLD.stored_at "
        "OR NEW.retain_until IS NOT OLD.retain_until OR OLD.deleted_at IS NOT NULL "
        "BEGIN SELECT RAISE(ABORT, 'archive entries are never changed: a correction is a new version'); END"
    )
