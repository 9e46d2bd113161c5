"""The tables of this package: its migration in bot.store.db's list, kept here so its owner edits one file."""

from __future__ import annotations

import sqlite_utils


def migrate(db: sqlite_utils.Database) -> None:
    """Create this package's tables. Until released it may change; once released it is never edited."""
