"""`backoffice backup DEST`: a copy of everything the bot keeps, taken while it may be running.

    DEST/
      backoffice.db      the database, by SQLite's online backup API (sqlite3.Connection.backup): one consistent
                         snapshot, whatever the running bot commits meanwhile
      attachments/       receipts, contracts and the receipt archive (BACKOFFICE_ATTACHMENTS_DIR)
      audit.anchor       the anchor file (heads the log had), copied before the database, so that every head
                         in it is one the copied log has
      audit.key          the audit key file, when the key is file-based (not BACKOFFICE_AUDIT_KEY): the
                         backup is then as secret as the key itself
      manifest.json      when, the schema version, the audit head the copy verifies to, every file's SHA-256

Every file is written 0600 and every folder 0700. The copy is verified before the command says it is done: the
copied log, with the copied key and anchors, must verify (`audit verify`'s check) and its head is recorded.

Not copied: what the bot makes again from the database (journal exports, transfer files: var/exports,
var/transfers) and half-downloaded files (attachments/incoming).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.files import make_private_dir
from bot.store import audit_keys, files

DB_NAME = "backoffice.db"
ATTACHMENTS = "attachments"
ANCHOR_NAME = audit_keys.ANCHOR_FILE_NAME
KEY_NAME = audit_keys.KEY_FILE_NAME
MANIFEST = "manifest.json"
FORMAT = 1
SKIPPED_ATTACHMENT_FOLDERS = frozenset({"incoming"})


class BackupError(Exception):
    """Nothing usable was made (or restored): the message says why and what to do."""


@dataclass(frozen=True)
class Verified:
    entries: int
    head: str
    requests: int


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    verified: Verified
    files: int
    key_included: bool
    schema: int


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_private(src: Path, dst: Path) -> None:
    """Copy one file so that only its owner can read the copy, from the moment it exists."""
    files.private_dir(dst.parent)
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, files.FILE_MODE)
    try:
        os.fchmod(fd, files.FILE_MODE)
        with src.open("rb") as fh, os.fdopen(fd, "wb", closefd=False) as out:
            shutil.copyfileobj(fh, out)
    finally:
        os.close(fd)


def copy_database(src: Path, dst: Path) -> int:
    """SQLite's online backup of `src` into `dst` (made 0600 first), in one step: a single consistent snapshot
    even while another process writes. Returns the copy's schema version."""
    files.private_dir(dst.parent)
    files.private_file(dst)
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(dst, timeout=30)
    try:
        source.backup(target, pages=-1)
        # The copy stands alone: no -wal beside it, whatever journal mode the source has.
        target.execute("PRAGMA journal_mode=DELETE")
        return int(target.execute("PRAGMA user_version").fetchone()[0])
    finally:
        target.close()
        source.close()


def copy_tree(src: Path, dst: Path, skip: Iterable[str] = ()) -> list[Path]:
    """Every file under `src` copied under `dst` (0600 files, 0700 folders); the copies made."""
    made: list[Path] = []
    skipped = set(skip)
    if not src.is_dir():
        return made
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if rel.parts[0] in skipped or not path.is_file() or path.is_symlink():
            continue
        copy_private(path, dst / rel)
        made.append(dst / rel)
    return made


def verify(db: Path, key_file: Path | None, secret: str | None, anchor_file: Path | None) -> Verified:
    """The audit check `audit verify` makes, on a copy: BackupError when it does not hold."""
    from bot.store.db import AuditError, Store

    if secret is None and (key_file is None or not key_file.exists()):
        raise BackupError(
            "the copy cannot be checked: the audit key is neither in BACKOFFICE_AUDIT_KEY nor in a key file"
        )
    try:
        store = Store(db, audit_keys=lambda: audit_keys.load_keys(secret, key_file or db.parent / KEY_NAME),
                      anchor_file=anchor_file)  # fmt: skip
    except (AuditError, audit_keys.AuditKeyError, sqlite3.Error) as exc:
        raise BackupError(f"the copy does not open: {exc}") from None
    try:
        result = store.verify_audit()
    finally:
        store.close()
    if not result.ok:
        raise BackupError("the copied audit log does not verify: " + "; ".join(result.problems or [result.problem]))
    return Verified(result.entries, result.head, result.requests)


def _manifest(folder: Path, schema: int, verified: Verified, key_included: bool, at: str) -> dict[str, Any]:
    listed = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)
    return {
        "format": FORMAT,
        "made_at": at,
        "schema": schema,
        "audit": {"entries": verified.entries, "head": verified.head, "requests": verified.requests},
        "key_included": key_included,
        "files": {str(p.relative_to(folder)): sha256(p) for p in listed},
    }


def backup(settings: Settings, dest: str | Path, at: str) -> BackupResult:
    """Copy the bot's data into `dest` (missing or empty). `at` dates the manifest (the caller's clock)."""
    folder = Path(dest).expanduser()
    db = Path(settings.db)
    if not db.is_file():
        raise BackupError(f"there is no database at {db} (BACKOFFICE_DB): nothing to back up.")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} is not an empty folder: nothing was written. Choose a new folder.")
    attachments = Path(settings.attachments_dir).resolve()
    if folder.resolve() == attachments or attachments in folder.resolve().parents:
        raise BackupError(f"{folder} is inside the attachments folder {attachments}: back up somewhere else.")
    located = audit_keys.locate(settings)
    make_private_dir(folder)
    # The anchor first: every head it names was committed before the snapshot below, so the copy has them all.
    anchor = folder / ANCHOR_NAME
    if located.anchor_file.is_file():
        copy_private(located.anchor_file, anchor)
    schema = copy_database(db, folder / DB_NAME)
    # After the snapshot: every file a copied row points at was written before its row was committed.
    copy_tree(Path(settings.attachments_dir), folder / ATTACHMENTS, SKIPPED_ATTACHMENT_FOLDERS)
    key_included = located.secret is None and located.key_file.is_file()
    if key_included:
        copy_private(located.key_file, folder / KEY_NAME)
    verified = verify(
        folder / DB_NAME, folder / KEY_NAME if key_included else None, located.secret,
        anchor if anchor.exists() else None,
    )  # fmt: skip
    manifest = _manifest(folder, schema, verified, key_included, at)
    fd = os.open(folder / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, files.FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(manifest, out, ensure_ascii=False, indent=2)
    return BackupResult(folder, verified, len(manifest["files"]), key_included, schema)
