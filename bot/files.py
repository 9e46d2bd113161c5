"""What a file from outside may be, and where it is kept.

Nothing a sender or a platform says about a file is trusted: not its name, not its id, not its declared size or
type. A file is known by its bytes: its kind by its magic bytes, its place on disk by its SHA-256. The name the
sender gave it is kept for display only, cleaned, and never becomes part of a path.

`bot.downloads` fetches files from chat platforms under these rules; the console's local files and a claim's
receipt go through `keep` as well, so every file the bot holds was checked the same way.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from bot.contracts.documents import detect_kind
from bot.store.files import DIR_MODE, private_dir

# What a receipt may be (a photo from a phone is often HEIC) and what a contract may be. A file of any other
# kind is refused politely at the door rather than kept and stumbled over later.
RECEIPT_KINDS = frozenset({"pdf", "jpeg", "png", "heic", "webp"})
CONTRACT_KINDS = frozenset({"pdf", "docx", "text"})
ACCEPTED_KINDS = RECEIPT_KINDS | CONTRACT_KINDS
_EXTENSION = {"pdf": "pdf", "jpeg": "jpg", "png": "png", "heic": "heic", "webp": "webp", "docx": "docx", "text": "txt"}

# Shown in the refusal, so the sender knows what to send instead.
KIND_NAMES = "PDF, JPEG, PNG, HEIC, WebP, Word (.docx), text"
RECEIPT_KIND_NAMES = "PDF, JPEG, PNG, HEIC, WebP"

_NAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
NAME_MAX = 80


class FileRefused(Exception):
    """A file the bot will not take. `key` and `data` make the polite message to the sender (bot.i18n);
    `reason` is for the log (ids and sizes only, never content)."""

    def __init__(self, key: str, reason: str, **data: object) -> None:
        super().__init__(reason)
        self.key = key
        self.reason = reason
        self.data = data


@dataclass(frozen=True)
class Kept:
    path: str  # <folder>/<sha256>.<extension of its kind>: nothing from outside in it
    name: str  # the sender's name for it, cleaned, for display only
    kind: str
    sha256: str
    size: int


def clean_name(name: object, fallback: str = "file") -> str:
    """A name fit to show and to put in a Content-Disposition: no path, no control characters, bounded."""
    text = unicodedata.normalize("NFKC", str(name or "")).strip()
    text = text.replace("\\", "/").rstrip("/").rpartition("/")[2]  # a name, not a path: its last part only
    text = _NAME_UNSAFE.sub("_", text).strip(" .") or fallback
    if len(text) > NAME_MAX:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: NAME_MAX - len(ext) - 1] + "." + ext) if dot and len(ext) <= 8 else text[:NAME_MAX]
    return text


def kind_of(data: bytes) -> str:
    """The kind of file the bytes are (pdf, jpeg, png, heic, webp, docx, text, …, unknown)."""
    return detect_kind(data)


def make_private_dir(folder: Path) -> None:
    """Create the folder (and missing parents) 0700 whatever the umask, as the store does for the database;
    unlike the database's folder, an attachment folder is ours alone, so one that exists is tightened too."""
    private_dir(folder)
    os.chmod(folder, DIR_MODE)


def keep(data: bytes, name: object, folder: Path, kinds: frozenset[str] = ACCEPTED_KINDS) -> Kept:
    """Keep a file's bytes under their content hash, 0600 in a 0700 folder, once: the same bytes sent twice are
    one file. Raises FileRefused when the bytes are not one of `kinds`."""
    shown = clean_name(name)
    kind = kind_of(data)
    if kind not in kinds:
        allowed = RECEIPT_KIND_NAMES if kinds == RECEIPT_KINDS else KIND_NAMES
        raise FileRefused("err.file_kind", f"content is {kind}", name=shown, kinds=allowed)
    digest = hashlib.sha256(data).hexdigest()
    make_private_dir(folder)
    target = folder / f"{digest}.{_EXTENSION[kind]}"
    if not target.exists():
        # Written under a temporary name and renamed, so a crash never leaves half a file under the hash.
        temp = folder / f".{digest}.{os.getpid()}.{threading.get_ident()}.part"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temp, target)
        finally:
            if temp.exists():
                temp.unlink()
    return Kept(str(target), shown, kind, digest, len(data))


class Attached(TypedDict):
    attachments: tuple[str, ...]
    names: tuple[str, ...]


def attached(kept: tuple[Kept, ...] | list[Kept]) -> Attached:
    """The `attachments` and `names` of an Inbound carrying these files."""
    return {"attachments": tuple(k.path for k in kept), "names": tuple(k.name for k in kept)}
