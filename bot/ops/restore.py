"""`backoffice restore SRC`: a backup made by `backoffice backup` put back as the bot's data.

Into the folders the settings name (BACKOFFICE_DB, BACKOFFICE_ATTACHMENTS_DIR, the audit key and anchor files),
meant for a fresh folder: a database that already holds data is refused unless `--force`. Stop the bot first.

Before anything is written, the backup is checked against its manifest (every file's SHA-256) and its audit
log must verify; afterwards the restored database is verified again, and the head must be the manifest's.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.ops.backup import (
    ANCHOR_NAME,
    ATTACHMENTS,
    DB_NAME,
    KEY_NAME,
    MANIFEST,
    BackupError,
    Verified,
    copy_database,
    copy_private,
    copy_tree,
    sha256,
    verify,
)
from bot.store import audit_keys, files


@dataclass(frozen=True)
class RestoreResult:
    verified: Verified
    attachments: int
    key_restored: bool
    notes: list[str]


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} is not a backup made by `backoffice backup` (no {MANIFEST}).") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} cannot be read ({exc.__class__.__name__}): the backup is damaged.") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise BackupError(f"{path} is not a backup manifest: the backup is damaged.")
    return manifest


def check_files(folder: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is there with the same SHA-256."""
    bad: list[str] = []
    for rel, digest in sorted(manifest["files"].items()):
        path = folder / rel
        if not path.is_file():
            bad.append(f"{rel} is missing")
        elif sha256(path) != digest:
            bad.append(f"{rel} has changed since the backup was made")
    if bad:
        raise BackupError("the backup is damaged; nothing was restored:\n  " + "\n  ".join(bad))


def has_data(db: Path) -> bool:
    """True when `db` holds any table: a database a bot has opened (a fresh folder has none)."""
    if not db.exists() or db.stat().st_size == 0:
        return False
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0
    except sqlite3.DatabaseError:
        return True  # not a database we can read: not ours to overwrite either
    finally:
        conn.close()


def _verify_backup(folder: Path, secret: str | None) -> Verified:
    """The backup must verify before it replaces anything; checked on a scratch copy, because opening a database
    may migrate it and the backup stays as it was made."""
    with tempfile.TemporaryDirectory(prefix="backoffice-restore-") as scratch:
        work = Path(scratch)
        for name in (DB_NAME, KEY_NAME, ANCHOR_NAME):
            if (folder / name).is_file():
                copy_private(folder / name, work / name)
        anchor = work / ANCHOR_NAME
        return verify(work / DB_NAME, work / KEY_NAME if secret is None else None, secret,
                      anchor if anchor.exists() else None)  # fmt: skip


def restore(settings: Settings, src: str | Path, force: bool = False) -> RestoreResult:
    folder = Path(src).expanduser()
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder: give the folder `backoffice backup` made.")
    manifest = read_manifest(folder)
    check_files(folder, manifest)
    located = audit_keys.locate(settings)
    key_in_backup = folder / KEY_NAME
    anchor_in_backup = folder / ANCHOR_NAME
    notes: list[str] = []
    if not key_in_backup.is_file() and located.secret is None:
        raise BackupError(
            "the backup has no audit key file (the bot it came from used BACKOFFICE_AUDIT_KEY): set "
            "BACKOFFICE_AUDIT_KEY to that key, then restore again."
        )
    secret = None if key_in_backup.is_file() else located.secret
    _verify_backup(folder, secret)
    db = Path(settings.db)
    if has_data(db) and not force:
        raise BackupError(
            f"{db} already holds data: nothing was restored. Restore into a fresh folder (set BACKOFFICE_DB), "
            "or add --force to replace it (stop the bot first)."
        )
    copy_database(folder / DB_NAME, db)
    for suffix in ("-wal", "-shm"):
        files.tighten(Path(str(db) + suffix))
    attachments = copy_tree(folder / ATTACHMENTS, Path(settings.attachments_dir))
    if anchor_in_backup.is_file():
        copy_private(anchor_in_backup, located.anchor_file)
    elif located.anchor_file.exists() and force:
        located.anchor_file.unlink()  # anchors of the replaced database would not match the restored log
    key_restored = False
    if secret is None:
        if located.secret is not None:
            notes.append("BACKOFFICE_AUDIT_KEY is set: the key file from the backup was not used; the log verifies "
                         "only if the variable holds the same key.")  # fmt: skip
        else:
            copy_private(key_in_backup, located.key_file)
            key_restored = True
    anchor = located.anchor_file if located.anchor_file.exists() else None
    verified = verify(db, located.key_file, located.secret, anchor)
    expected = manifest.get("audit", {}).get("head")
    if expected and verified.head != expected:
        raise BackupError(f"the restored log ends in {verified.head}, the backup recorded {expected}: do not start "
                          "the bot on it; restore again.")  # fmt: skip
    return RestoreResult(verified, len(attachments), key_restored, notes)
