"""Files only their owner may read: the database, its -wal and -shm, the audit key and the anchor.

Modes are given to os.open / os.mkdir and then set again with chmod, because the process umask can only
take bits away and may be anything (0o000 in some containers). The umask itself is never changed: it is
process-wide, and flipping it around a call would race with every other thread creating files.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> None:
    """Create `path` and any missing parents 0700. A folder that already exists is left as it is (it may be
    the working directory or /tmp); what matters most, the files in it, are 0600 whatever the folder."""
    missing: list[Path] = []
    p = path
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            continue  # another process made it first: theirs, as they made it
        os.chmod(folder, DIR_MODE)


def private_file(path: Path) -> bool:
    """Make sure `path` exists, readable by its owner only; True when this call created it. An existing file
    with group or other bits (made by an older version, or under a loose umask) is tightened."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        tighten(path)
        return False
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return True


def tighten(path: Path) -> None:
    """Take group and other permissions off a file this user owns (no-op when it is missing or already private)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    if st.st_mode & 0o077 and st.st_uid == os.getuid():
        os.chmod(path, stat.S_IMODE(st.st_mode) & 0o700)


def open_append(path: Path) -> int:
    """An fd for appending to a private file, created 0600 when missing."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, FILE_MODE)
    except PermissionError:
        pass  # someone else's file, opened for appending all the same: its mode is theirs to set
    return fd
