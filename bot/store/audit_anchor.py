"""Head anchors: "the log had COUNT entries ending in HEAD", kept outside the database.

The store appends one line to the anchor file after every commit that wrote audit entries, and
`backoffice audit anchor` prints one to keep somewhere else (an admin's DM, a ticket, a printout). A chain
alone cannot tell a log whose last rows were deleted from a shorter log; an anchor can, and it also pins
the whole history up to it (the head hash covers every entry before it).

A line looks like

    backoffice-audit-anchor count=1234 head=<64 hex> at=2026-11-24T10:00:00+09:00 key=<key id>

and reading is lenient about the rest: "1234 <head>" is an anchor too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.store import files
from bot.store.audit import GENESIS, ChainCheck, Head

PREFIX = "backoffice-audit-anchor"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Anchor:
    count: int
    head: str
    at: str = ""
    key: str = ""  # the id of the key the head was made with; empty: not said
    source: str = ""  # where it came from, for messages


def format_anchor(head: Head, key: str, at: str) -> str:
    return f"{PREFIX} count={head.count} head={head.hash} at={at or '-'} key={key}"


def parse_anchor(text: str, source: str) -> Anchor:
    """One anchor line; ValueError saying what is wrong with it."""
    fields: dict[str, str] = {}
    loose: list[str] = []
    for token in text.split():
        name, eq, value = token.partition("=")
        if eq:
            fields[name.lower()] = value
        elif token != PREFIX:
            loose.append(token)
    count_text = fields.get("count") or next((t for t in loose if t.isdigit()), None)
    head = (fields.get("head") or next((t for t in loose if _HEX64.match(t.lower())), "")).lower()
    if count_text is None or not count_text.isdigit():
        raise ValueError(f"{source}: no entry count in it (expected '{PREFIX} count=N head=HASH …')")
    if not _HEX64.match(head):
        raise ValueError(f"{source}: no head hash (64 hex digits) in it")
    at = fields.get("at", "")
    return Anchor(int(count_text), head, "" if at == "-" else at, fields.get("key", ""), source)


def read_anchor_file(path: Path | None) -> tuple[list[Anchor], list[str]]:
    """Every anchor in the file, and a problem for each line that is not one (a mangled file is news too)."""
    if path is None:
        return [], []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        return [], [f"the anchor file {path} cannot be read ({exc.strerror})"]
    anchors, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            anchors.append(parse_anchor(line, f"{path} line {number}"))
        except ValueError as exc:
            problems.append(f"{exc}: the anchor file was edited")
    return anchors, problems


def append_line(path: Path, line: str) -> None:
    """One write() of one line to a file opened O_APPEND: lines from threads and processes never interleave
    (each is far below the size the kernel writes in one piece), and nothing already there is rewritten."""
    fd = files.open_append(path)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)


@dataclass(frozen=True)
class AnchorCheck:
    problems: list[str]
    notes: list[str]
    anchored: int  # the highest count vouched for


def check(anchors: Sequence[Anchor], chain: ChainCheck, key: str, rekeyed_at: Iterable[int] = ()) -> AnchorCheck:
    """Each anchor says the log had `count` entries ending in `head`: the log must still reach that far, and
    (when the anchor was made with the key in use now) its entry `count` must still have that hash."""
    problems: list[str] = []
    notes: list[str] = []
    beyond = [a for a in anchors if a.count > chain.last_id]
    if beyond:
        far = max(beyond, key=lambda a: a.count)
        first_gone = chain.last_id + 1
        gone = f"entry {first_gone}" if far.count == first_gone else f"entries {first_gone}-{far.count}"
        others = len(beyond) - 1
        problems.append(
            f"the log ends at entry {chain.last_id} but {far.source} records {far.count} entries "
            f"(head {far.head[:16]}…{', at ' + far.at if far.at else ''}): {gone} were removed from the end"
            + (f" ({others} more anchors reach past the end)" if others else "")
        )
    other_key = [a for a in anchors if a.key and a.key != key and a.count <= chain.last_id]
    checkable = [a for a in anchors if not (a.key and a.key != key) and a.count <= chain.last_id]
    mismatched = []
    for a in checkable:
        if a.count == 0:
            if a.head != GENESIS:
                mismatched.append((a, GENESIS))
            continue
        have = chain.hashes.get(a.count)
        if have is not None and have != a.head:
            mismatched.append((a, have))
        # An entry past a break in the chain is not compared: the chain's own problem names that entry.
    if mismatched:
        a, have = mismatched[0]
        problems.append(
            f"entry {a.count} no longer has the head hash {a.source} records ({a.head[:16]}…, the log has "
            f"{have[:16]}…): the history up to entry {a.count} was rewritten"
            + (f" ({len(mismatched) - 1} more anchors disagree)" if len(mismatched) > 1 else "")
        )
    if other_key:
        since = max(rekeyed_at, default=None)
        notes.append(
            f"{len(other_key)} anchor(s) were made with an earlier key"
            + (f" (the log was re-keyed at entry {since})" if since else "")
            + ": only their entry counts can be checked, not their hashes"
        )
    anchored = max((a.count for a in anchors), default=0)
    return AnchorCheck(problems, notes, anchored)
