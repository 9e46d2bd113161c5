"""A keyed, hash-chained audit log: each entry holds an HMAC-SHA256 of its content and of the entry before it.

Editing, deleting or reordering any row breaks the chain at that row, and `verify_chain` names it. The key
lives outside the database (bot.store.audit_keys), so someone who can write the database cannot recompute
the chain after an edit. What a chain alone cannot show is a cut-off tail (the last rows deleted): the
head anchor does, a line "count head" kept outside the database (bot.store.audit_anchor).

Databases from before the key kept a plain SHA-256 chain; `rechain` re-keys it once it has been checked,
and the entry recording that says whether the old chain was intact.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

GENESIS = "0" * 64
ALGORITHM = "hmac-sha256"
LEGACY_ALGORITHM = "sha256"
# The chain's algorithm and the id of its key live in audit_state (not secret: the id reveals nothing).
STATE_CHAIN = "chain"
STATE_KEY_ID = "key_id"


def key_id(key: bytes) -> str:
    """A short name for a key that says which key a chain or an anchor was made with, and nothing of the key."""
    return hmac.new(key, b"backoffice audit key id", hashlib.sha256).hexdigest()[:16]


def _payload(
    prev_hash: str, entry_id: int, at: str, actor: str | None, action: str, request_id: int | None, data: str
) -> bytes:
    return json.dumps([prev_hash, entry_id, at, actor, action, request_id, data], ensure_ascii=False).encode("utf-8")


def entry_hash(
    key: bytes,
    prev_hash: str,
    entry_id: int,
    at: str,
    actor: str | None,
    action: str,
    request_id: int | None,
    data: str,
) -> str:
    return hmac.new(key, _payload(prev_hash, entry_id, at, actor, action, request_id, data), hashlib.sha256).hexdigest()


def plain_hash(
    prev_hash: str, entry_id: int, at: str, actor: str | None, action: str, request_id: int | None, data: str
) -> str:
    """The unkeyed SHA-256 of chains written before the key: only ever read, to check such a chain once."""
    return hashlib.sha256(_payload(prev_hash, entry_id, at, actor, action, request_id, data)).hexdigest()


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Head:
    """The last entry of a chain: anchoring it (count, hash) elsewhere makes a cut tail detectable."""

    count: int
    hash: str
    at: str


def append(
    db: sqlite_utils.Database,
    key: bytes,
    at: str,
    actor: str | None,
    action: str,
    request_id: int | None,
    data: dict[str, Any],
) -> Head:
    row = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev_id, prev_hash = (row[0], row[1]) if row else (0, GENESIS)
    entry_id = prev_id + 1
    payload = canonical(data)
    digest = entry_hash(key, prev_hash, entry_id, at, actor, action, request_id, payload)
    db.execute(
        "INSERT INTO audit_log (id, at, actor, action, request_id, data, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)",
        (entry_id, at, actor, action, request_id, payload, prev_hash, digest),
    )
    return Head(entry_id, digest, at)


def head(db: sqlite_utils.Database) -> Head:
    row = db.execute("SELECT id, hash, at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return Head(row[0], row[1], row[2]) if row else Head(0, GENESIS, "")


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int  # entries that verify, from the first
    broken_at: int | None = None
    problem: str = ""
    head: str = GENESIS
    last_id: int = 0  # the highest id in the table, verified or not
    hashes: dict[int, str] = field(default_factory=dict)  # id → hash of the verified entries asked for


_COLUMNS = "id, at, actor, action, request_id, data, prev_hash, hash"


def verify_chain(db: sqlite_utils.Database, key: bytes | None, keep: Collection[int] = ()) -> ChainCheck:
    """Walk the chain from the first entry; stop at the first entry that is missing, unlinked or edited.
    `key` None checks a chain from before the key (plain SHA-256), which only the upgrade ever does. The
    hashes of the entries in `keep` (those anchors name) are returned, and only those: a long log stays cheap."""
    prev_hash, expected_id, count = GENESIS, 1, 0
    hashes: dict[int, str] = {}
    last_id = db.execute("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetchone()[0]
    for entry_id, at, actor, action, request_id, data, stored_prev, stored_hash in db.execute(
        f"SELECT {_COLUMNS} FROM audit_log ORDER BY id"
    ):
        if entry_id != expected_id:
            missing = f"{expected_id}" if entry_id == expected_id + 1 else f"{expected_id}-{entry_id - 1}"
            return ChainCheck(False, count, expected_id, f"entry {missing} is missing", prev_hash, last_id, hashes)
        if stored_prev != prev_hash:
            return ChainCheck(
                False, count, entry_id, "does not link to the entry before it", prev_hash, last_id, hashes
            )
        if key is None:
            expected = plain_hash(prev_hash, entry_id, at, actor, action, request_id, data)
        else:
            expected = entry_hash(key, prev_hash, entry_id, at, actor, action, request_id, data)
        if not hmac.compare_digest(expected, stored_hash or ""):
            return ChainCheck(
                False,
                count,
                entry_id,
                "its content does not match its hash (edited, or re-hashed without the key)",
                prev_hash,
                last_id,
                hashes,
            )
        if entry_id in keep:
            hashes[entry_id] = stored_hash
        prev_hash, expected_id, count = stored_hash, expected_id + 1, count + 1
    return ChainCheck(True, count, head=prev_hash, last_id=last_id, hashes=hashes)


def rechain(db: sqlite_utils.Database, key: bytes) -> Head:
    """Recompute every link with `key`, in id order, keeping each entry's content. Run inside a transaction,
    after the chain was checked with the key (or algorithm) it had: this is how a chain changes key."""
    prev_hash, last = GENESIS, Head(0, GENESIS, "")
    rows = db.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY id").fetchall()
    for entry_id, at, actor, action, request_id, data, _prev, _hash in rows:
        digest = entry_hash(key, prev_hash, entry_id, at, actor, action, request_id, data)
        db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev_hash, digest, entry_id))
        prev_hash, last = digest, Head(entry_id, digest, at)
    return last


def rekey_problems(db: sqlite_utils.Database) -> list[str]:
    """Re-keyings that took over a chain which was already broken: the break stays on record for good."""
    problems = []
    for entry_id, data in db.execute("SELECT id, data FROM audit_log WHERE action = 'audit.rekeyed' ORDER BY id"):
        try:
            info = json.loads(data)
        except ValueError:
            continue  # the chain check names an entry whose data is not even JSON
        if info.get("previous_ok") is False:
            problems.append(
                f"entry {entry_id} re-keyed a {info.get('from', 'previous')} chain that was already broken at entry "
                f"{info.get('previous_broken_at')} ({info.get('previous_problem')}); entries before entry {entry_id} "
                "cannot be trusted"
            )
    return problems


@dataclass(frozen=True)
class Verification:
    """What `audit verify` found. `problems` lists everything wrong (the chain, the anchors, the tables
    against the log); `broken_at`/`problem` name the first broken link of the chain itself."""

    ok: bool
    entries: int
    broken_at: int | None = None
    problem: str = ""
    head: str = GENESIS  # hash of the last entry that verifies
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # fine, but worth saying: old entries checked leniently, old-key anchors
    anchored: int = 0  # the highest count an anchor vouches for
    requests: int = 0  # requests rebuilt from the log and compared with the tables


def summarise(
    chain: ChainCheck,
    problems: Sequence[str],
    notes: Sequence[str],
    anchored: int,
    requests: int,
    first: Sequence[str] = (),
) -> Verification:
    """`first`: problems that explain the others (the wrong key makes every link fail), listed before them."""
    every = [*first, *([f"entry {chain.broken_at}: {chain.problem}"] if not chain.ok else []), *problems]
    return Verification(
        ok=not every,
        entries=chain.entries,
        broken_at=chain.broken_at,
        problem=chain.problem,
        head=chain.head,
        problems=tuple(every),
        notes=tuple(notes),
        anchored=anchored,
        requests=requests,
    )
