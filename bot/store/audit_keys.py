"""The audit chain's HMAC key, kept outside the database.

Either a secret from the environment (BACKOFFICE_AUDIT_KEY), or a key file (BACKOFFICE_AUDIT_KEY_FILE, by
default `audit.key` beside the database) created 0600 in a 0700 folder at first start. The key is never
logged and never written to the database; only its id (bot.store.audit.key_id) is.

A key file holds one key per line, in hex, the one in use first. During a rotation (`backoffice audit
rekey`) it briefly holds the new key and the old one: a process that finds the log chained with the other
key picks that one, so a rotation interrupted at any point leaves a log that verifies.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.store import files

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

KEY_BYTES = 32
KEY_FILE_NAME = "audit.key"
ANCHOR_FILE_NAME = "audit.anchor"
MIN_SECRET_CHARS = 32


class AuditKeyError(Exception):
    """The key cannot be read or does not fit the log: the message says which file or setting, never the key."""


@dataclass(frozen=True)
class AuditFiles:
    key_file: Path
    anchor_file: Path
    secret: str | None  # BACKOFFICE_AUDIT_KEY; when set, the key file is not used


def locate(settings: Settings) -> AuditFiles:
    """Where the key and the anchor are. Unless set explicitly they sit beside the database, so each database
    has its own (the documented defaults var/audit.key and var/audit.anchor are that, for var/backoffice.db)."""
    folder = Path(settings.db).parent
    explicit = settings.model_fields_set
    key_file = settings.audit_key_file if "audit_key_file" in explicit else folder / KEY_FILE_NAME
    anchor = settings.audit_anchor_file if "audit_anchor_file" in explicit else folder / ANCHOR_FILE_NAME
    secret = settings.audit_key.get_secret_value() if settings.audit_key else None
    return AuditFiles(key_file, anchor, secret or None)


def load_keys(secret: str | None, key_file: Path) -> list[bytes]:
    """The keys to chain with, the one in use first: the secret when given, else the key file (made if missing)."""
    if secret:
        if len(secret) < MIN_SECRET_CHARS:
            log.warning("BACKOFFICE_AUDIT_KEY is short (%d characters): use %d or more random ones",
                        len(secret), MIN_SECRET_CHARS)  # fmt: skip
        return [secret.encode("utf-8")]
    if not key_file.exists():
        create_key_file(key_file)
    return read_key_file(key_file)


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def read_key_file(path: Path) -> list[bytes]:
    try:
        text = path.read_text(encoding="ascii")
        mode = path.stat().st_mode
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditKeyError(f"{path}: the audit key file cannot be read ({exc.__class__.__name__})") from None
    if mode & 0o077:
        log.warning("%s: the audit key file can be read by others (mode %o); make it 0600", path, mode & 0o777)
    keys = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            key = bytes.fromhex(line)
        except ValueError:
            key = b""
        if len(key) < 16:
            raise AuditKeyError(f"{path} line {number}: not an audit key (hex, 32 bytes)")
        keys.append(key)
    if not keys:
        raise AuditKeyError(f"{path}: the audit key file holds no key")
    return keys


def create_key_file(path: Path) -> None:
    """A new random key, written whole or not at all: two processes starting at once end up with one key."""
    write_key_file(path, [new_key()], replace=False)


def write_key_file(path: Path, keys: Sequence[bytes], replace: bool = True) -> None:
    """Write the keys to a 0600 temporary file beside `path` (O_CREAT|O_EXCL), flush it to disk, then move
    it into place: atomically replacing the old file, or (replace=False) only if there is none yet."""
    files.private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, files.FILE_MODE)
    try:
        os.fchmod(fd, files.FILE_MODE)
        os.write(fd, "".join(f"{k.hex()}\n" for k in keys).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        if replace:
            os.replace(tmp, path)
        else:
            with contextlib.suppress(FileExistsError):  # the key another process just made stands
                os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _sync_dir(path.parent)


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
