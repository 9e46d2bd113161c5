"""SQLite through sqlite-utils: one file, WAL mode, a versioned schema migrated at start.

Every state change runs inside `Store.tx()` (BEGIN IMMEDIATE … COMMIT) together with its
audit entry, so a crash can never leave a decision without its record or the reverse.

The database, its -wal and -shm, and the folder made for it are private to their owner (0600 / 0700)
whatever the umask. The audit log is chained with a key kept outside the database, and each commit that
wrote audit entries appends the new head to an anchor file outside it too (bot.store.audit*).
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.accounting import schema as accounting_schema
from bot.archive import schema as archive_schema
from bot.store import audit, audit_anchor, audit_replay, files
from bot.store import audit_keys as audit_keys_module
from bot.store.audit import Head, Verification
from bot.transfers import schema as transfers_schema

log = logging.getLogger(__name__)

Migration = Callable[[sqlite_utils.Database], None]


def _v1(db: sqlite_utils.Database) -> None:
    db.table("employees").create(
        {
            "id": str,
            "name_ja": str,
            "name_en": str,
            "email": str,
            "locale": str,
            "team": str,
            "manager_id": str,
            "roles": str,
            "delegate_id": str,
            "hire_date": str,
            "weekly_days": int,
            "weekly_hours": float,
            "slack_user_id": str,
            "chatwork_account_id": str,
            "active": int,
        },
        pk="id",
        not_null={"name_ja", "name_en", "email"},
    )
    db.table("employees").create_index(["email"], unique=True)
    db.table("employees").create_index(["slack_user_id"])
    db.table("employees").create_index(["chatwork_account_id"])
    db.table("requests").create(
        {
            "id": int,
            "kind": str,
            "requester_id": str,
            "status": str,
            "details": str,
            "decision": str,
            "ruleset_version": str,
            "version": int,
            "current_step": int,
            "created_at": str,
            "updated_at": str,
            "submitted_on": str,
            "decided_by": str,
            "decided_at": str,
            "reason": str,
            "source": str,
        },
        pk="id",
        not_null={"kind", "requester_id", "status", "details", "version"},
        defaults={"version": 0},
    )
    db.table("requests").create_index(["requester_id", "status"])
    db.table("requests").create_index(["status"])
    # The duplicate-claim check (E7) looks claims up by requester, date and amount.
    db.execute(
        "CREATE INDEX requests_claim_key ON requests "
        "(requester_id, json_extract(details, '$.date'), json_extract(details, '$.amount'))"
    )
    db.table("approval_steps").create(
        {
            "id": int,
            "request_id": int,
            "seq": int,
            "role": str,
            "approver_id": str,
            "original_approver_id": str,
            "via": str,
            "status": str,
            "acted_by": str,
            "acted_at": str,
            "comment": str,
            "rule_ids": str,
        },
        pk="id",
        foreign_keys=[("request_id", "requests", "id")],
    )
    db.table("approval_steps").create_index(["request_id", "seq"], unique=True)
    db.table("approval_steps").create_index(["approver_id", "status"])
    db.table("leave_ledger").create(
        {
            "id": int,
            "employee_id": str,
            "entry": str,
            "date": str,
            "days": float,
            "hours": float,
            "leave_type": str,
            "expires": str,
            "request_id": int,
            "void": int,
            "note": str,
            "created_at": str,
        },
        pk="id",
        defaults={"void": 0, "hours": 0.0},
    )
    db.table("leave_ledger").create_index(["employee_id", "leave_type", "date"])
    db.table("leave_ledger").create_index(["date"])
    db.table("deliveries").create({"key": str, "received_at": str}, pk="key")
    db.table("audit_log").create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "action": str,
            "request_id": int,
            "data": str,
            "prev_hash": str,
            "hash": str,
        },
        pk="id",
        not_null={"at", "action", "prev_hash", "hash"},
    )
    db.table("audit_log").create_index(["request_id"])
    db.table("notifications").create(
        {
            "id": int,
            "recipient_id": str,
            "event": str,
            "request_id": int,
            "data": str,
            "created_at": str,
            "delivered_at": str,
        },
        pk="id",
    )
    db.table("notifications").create_index(["recipient_id", "delivered_at"])
    db.table("attachments").create(
        {
            "id": int,
            "request_id": int,
            "name": str,
            "path": str,
            "sha256": str,
            "size": int,
            "added_by": str,
            "added_at": str,
        },
        pk="id",
    )
    db.table("attachments").create_index(["request_id"])


def _v2(db: sqlite_utils.Database) -> None:
    # One row per request to a language model, for `backoffice stats`: cost and reliability, never message text.
    db.table("llm_calls").create(
        {
            "id": int,
            "at": str,
            "engine": str,
            "model": str,
            "ok": int,
            "prompt_tokens": int,
            "completion_tokens": int,
            "latency_ms": int,
            "reason": str,
        },
        pk="id",
        not_null={"at", "engine", "model", "ok"},
        defaults={"prompt_tokens": 0, "completion_tokens": 0},
    )
    db.table("llm_calls").create_index(["at"])


def _v3(db: sqlite_utils.Database) -> None:
    # A request being completed in chat: what was understood so far and the field asked for.
    db.table("conversations").create(
        {"employee_id": str, "kind": str, "fields": str, "asking": str, "text": str, "updated_at": str},
        pk="employee_id",
    )


def _v4(db: sqlite_utils.Database) -> None:
    # Where each request's card was posted on Slack, so a decision made anywhere updates every copy.
    db.table("slack_cards").create(
        {"id": int, "request_id": int, "employee_id": str, "channel": str, "ts": str, "posted_at": str}, pk="id"
    )
    db.table("slack_cards").create_index(["request_id"])


def _v5(db: sqlite_utils.Database) -> None:
    # Slack users matched to the directory by e-mail: remembered, so DMs reach them after a restart.
    db.table("slack_identities").create({"slack_user_id": str, "employee_id": str, "found_at": str}, pk="slack_user_id")
    db.table("slack_identities").create_index(["employee_id"])


def _v6(db: sqlite_utils.Database) -> None:
    # Chatwork never resends a webhook: each event is kept before it is answered, and worked off from here.
    db.table("chatwork_inbox").create(
        {"message_id": str, "event": str, "received_at": str, "done_at": str, "error": str}, pk="message_id"
    )
    # Everything the bot sends to Chatwork, in order per target, until Chatwork has accepted it.
    db.table("chatwork_outbox").create(
        {
            "id": int,
            "target": str,  # a room id, or "dm:<account id>" resolved to the direct chat when sent
            "kind": str,  # message | task | task_done
            "payload": str,
            "created_at": str,
            "attempts": int,
            "next_attempt": float,  # Unix time: a failed send waits before it is tried again
            "sent_at": str,
            "failed_at": str,  # refused for good (4xx): kept for the record, never retried
            "error": str,
            "result": str,
        },
        pk="id",
        defaults={"attempts": 0, "next_attempt": 0.0},
    )
    db.table("chatwork_outbox").create_index(["sent_at", "failed_at", "target"])
    # Approval tasks given on Chatwork, so they are closed when the step is decided anywhere.
    db.table("chatwork_tasks").create(
        {
            "id": int,
            "request_id": int,
            "seq": int,
            "account_id": str,
            "target": str,
            "room_id": str,
            "task_id": str,
            "created_at": str,
            "closing": int,
            "done_at": str,
        },
        pk="id",
        defaults={"closing": 0},
    )
    db.table("chatwork_tasks").create_index(["request_id"])


def _v7(db: sqlite_utils.Database) -> None:
    # Policy questions asked in chat: what the bot answered, whether a person was asked and what they said,
    # and the asker's vote. The question's words are for the asker and the owning team only: never logged.
    db.table("questions").create(
        {
            "id": int,
            "asker_id": str,
            "platform": str,
            "text": str,
            "locale": str,
            "answer": str,  # the bot's reply as sent
            "source": str,  # quoted | llm
            "confident": int,
            "confidence": float,
            "citations": str,  # JSON list of section ids: those cited, or the closest when not sure
            "owner": str,  # the team that answers for it (finance, hr, legal, admin); NULL when none
            "status": str,  # answered | unsure | asked | relayed
            "asked_at": str,  # when the asker handed it to a person
            "relayed_answer": str,  # the team's answer
            "answered_by": str,
            "answered_at": str,
            "faq_section": str,  # the FAQ entry it was saved as (faq-added#q3)
            "feedback": int,  # +1 helpful, -1 not helpful, NULL no vote; the last vote counts
            "feedback_at": str,
            "created_at": str,
        },
        pk="id",
        not_null={"asker_id", "text", "status", "created_at"},
    )
    db.table("questions").create_index(["asker_id"])
    db.table("questions").create_index(["status"])


def _v8(db: sqlite_utils.Database) -> None:
    # One inbox for every front door (bot.inbox): the delivery key is the dedupe, the row is the promise
    # made by the ack. Chatwork's own inbox and the delivery keys fold into it.
    db.execute(
        "CREATE TABLE inbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, "
        "platform TEXT NOT NULL, kind TEXT NOT NULL, lane TEXT NOT NULL, payload TEXT, "
        "status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, "
        "next_attempt REAL NOT NULL DEFAULT 0, received_at TEXT NOT NULL, done_at TEXT, error TEXT, ref TEXT)"
    )
    db.execute("CREATE INDEX inbox_pending ON inbox (status, lane, seq)")
    db.execute(
        "INSERT INTO inbox (key, platform, kind, lane, payload, status, received_at, done_at, error) "
        "SELECT 'chatwork:' || message_id, 'chatwork', 'event', "
        "'chatwork:' || COALESCE(json_extract(event, '$.webhook_event.from_account_id'), "
        "json_extract(event, '$.webhook_event.account_id'), '?'), "
        "CASE WHEN done_at IS NULL THEN event END, CASE WHEN done_at IS NULL THEN 'pending' ELSE 'done' END, "
        "received_at, done_at, error FROM chatwork_inbox ORDER BY received_at"
    )
    # Delivery keys seen before stay seen (an Events API retry across the upgrade is still dropped) ...
    db.execute(
        "INSERT OR IGNORE INTO inbox (key, platform, kind, lane, status, received_at, done_at) "
        "SELECT 'slack:event:' || substr(key, 7), 'slack', 'event', 'legacy', 'done', received_at, received_at "
        "FROM deliveries WHERE key LIKE 'slack:%'"
    )
    # ... and "tell the admins once" marks, which are not deliveries, get a table of their own.
    db.table("notices").create({"key": str, "at": str}, pk="key")
    db.execute("INSERT INTO notices (key, at) SELECT key, received_at FROM deliveries WHERE key LIKE '%-unknown:%'")
    db.table("deliveries").drop()
    db.table("chatwork_inbox").drop()
    # One outbox for every platform; Chatwork's rows move in unchanged.
    db.execute(
        "CREATE TABLE outbox (id INTEGER PRIMARY KEY, platform TEXT NOT NULL, target TEXT NOT NULL, "
        "kind TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, "
        "next_attempt REAL NOT NULL DEFAULT 0, sent_at TEXT, failed_at TEXT, error TEXT, result TEXT)"
    )
    db.execute("CREATE INDEX outbox_waiting ON outbox (platform, sent_at, failed_at, target)")
    db.execute(
        "INSERT INTO outbox (id, platform, target, kind, payload, created_at, attempts, next_attempt, sent_at, "
        "failed_at, error, result) SELECT id, 'chatwork', target, kind, payload, created_at, attempts, next_attempt, "
        "sent_at, failed_at, error, result FROM chatwork_outbox"
    )
    db.table("chatwork_outbox").drop()


def _v9(db: sqlite_utils.Database) -> None:
    # The audit chain's algorithm and the id of its key. A log from before the key is marked so the store
    # re-keys it (after checking it) once it has the key; a new log is keyed from its first entry.
    db.execute("CREATE TABLE audit_state (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    if db.execute("SELECT 1 FROM audit_log LIMIT 1").fetchone():
        db.execute("INSERT INTO audit_state VALUES (?, ?)", (audit.STATE_CHAIN, audit.LEGACY_ALGORITHM))


def _v10(db: sqlite_utils.Database) -> None:
    # Scheduled work done (bot/scheduler.py): one row per job and key (a request's step and day, a person's grant
    # year), inserted in the transaction that does the work, so a restart or a second process never does it twice.
    db.execute(
        "CREATE TABLE scheduler_runs (job TEXT NOT NULL, key TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (job, key))"
    )
    # A secret calendar-feed address per team (bot/ical.py): the token is the only credential, so it is random
    # and can be replaced.
    db.execute(
        "CREATE TABLE calendar_feeds (team TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)"
    )


def _v14(db: sqlite_utils.Database) -> None:
    # Where each card went on Chatwork (room and message id, with the words around it), so that a request that
    # moves on (cancelled, decided, resubmitted …) has every posted copy edited to say so (bot/chatwork/app.py).
    db.execute(
        "CREATE TABLE chatwork_cards (id INTEGER PRIMARY KEY, request_id INTEGER NOT NULL, employee_id TEXT NOT NULL, "
        "room_id TEXT NOT NULL, message_id TEXT NOT NULL, prefix TEXT NOT NULL, text TEXT NOT NULL, "
        "locale TEXT NOT NULL, body TEXT NOT NULL, at TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX chatwork_cards_request ON chatwork_cards (request_id)")


def _v15(db: sqlite_utils.Database) -> None:
    # The dashboard's sign-in (bot/web/auth.py): one-time links and sessions, each kept only as a SHA-256 of its
    # secret, so a copy of the database signs nobody in.
    db.execute(
        "CREATE TABLE web_links (token_hash TEXT PRIMARY KEY, employee_id TEXT NOT NULL, created REAL NOT NULL, "
        "expires REAL NOT NULL, used REAL)"
    )
    db.execute(
        "CREATE TABLE web_sessions (id_hash TEXT PRIMARY KEY, employee_id TEXT NOT NULL, created REAL NOT NULL, "
        "expires REAL NOT NULL, ended REAL)"
    )


def _v16(db: sqlite_utils.Database) -> None:
    # The archive finds an entry's latest version and a receipt's entry with NOT EXISTS on these columns: without
    # an index each lookup reads the whole table (bot/archive/store.py).
    db.execute("CREATE INDEX archive_entries_supersedes ON archive_entries (supersedes)")
    db.execute("CREATE INDEX archive_entries_attachment ON archive_entries (attachment_id)")


# Append only: a released migration is never edited, a new one is added after it. v11–v13 live beside the code
# that owns their tables (journal batches and freee; bank details and transfers; the receipt archive).
MIGRATIONS: list[Migration] = [
    _v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9, _v10, accounting_schema.migrate, transfers_schema.migrate,
    archive_schema.migrate, _v14, _v15, _v16,
]  # fmt: skip

KeySource = Sequence[bytes] | Callable[[], Sequence[bytes]]


class AuditError(Exception):
    """The audit log cannot be written or vouched for as things stand (wrong key, a broken chain)."""


class Store:
    """The database. `audit_keys` are the HMAC keys of the audit chain, the one in use first (or a function
    returning them, called again when another process has rotated the key); by default the key file
    `audit.key` beside the database, made at first start. `anchor_file` receives a "count head" line after
    every commit that wrote audit entries (default `audit.anchor` beside the database). `now` dates the entry
    that records the re-keying of a log from before the key (default: that log's last entry's time)."""

    def __init__(
        self,
        path: str | Path,
        audit_keys: KeySource | None = None,
        anchor_file: str | Path | None = None,
        now: Callable[[], str] | None = None,
    ) -> None:
        self.path = str(path)
        memory = self.path == ":memory:"
        if not memory:
            # Made 0600 before SQLite opens it: SQLite gives the -wal and -shm the database file's mode.
            files.private_dir(Path(self.path).parent)
            files.private_file(Path(self.path))
        conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self.db = sqlite_utils.Database(conn)
        # One connection shared by threads; the lock keeps their transactions from interleaving.
        self._lock = threading.RLock()
        if not memory:
            self.db.enable_wal()
            self._tighten_sidecars()
        self.db.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses no committed txn
        self.db.execute("PRAGMA foreign_keys=ON")
        self.migrate()
        folder = Path(self.path).parent
        if audit_keys is None and memory:
            audit_keys = [secrets.token_bytes(audit_keys_module.KEY_BYTES)]  # dies with the process, as the data
        elif audit_keys is None:
            key_file = folder / audit_keys_module.KEY_FILE_NAME
            audit_keys = lambda: audit_keys_module.load_keys(None, key_file)  # noqa: E731
        self._key_source = audit_keys if callable(audit_keys) else _fixed(list(audit_keys))
        if anchor_file is None and not memory:
            anchor_file = folder / audit_keys_module.ANCHOR_FILE_NAME
        self.anchor_file = Path(anchor_file) if anchor_file is not None else None
        self._now = now
        self._unanchored: tuple[Head, str] | None = None  # the head this transaction wrote, anchored at commit
        keys = list(self._key_source())
        if not keys:
            raise audit_keys_module.AuditKeyError("no audit key")
        self._key = keys[0]
        self._open_chain(keys)

    def _tighten_sidecars(self) -> None:
        # Files from before this version (or made by another program) may be 0644: take that back.
        for suffix in ("", "-wal", "-shm", "-journal"):
            files.tighten(Path(self.path + suffix))

    # -- schema ------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> int:
        """Bring the schema up to date; each migration commits with its version number."""
        current = self.schema_version
        if current > len(MIGRATIONS):
            raise RuntimeError(
                f"{self.path}: schema version {current} is newer than this program knows ({len(MIGRATIONS)}); "
                "upgrade the bot"
            )
        for number, migration in enumerate(MIGRATIONS[current:], start=current + 1):
            with self._lock, self.db.atomic():
                migration(self.db)
                self.db.execute(f"PRAGMA user_version = {number}")
        return self.schema_version

    # -- transactions ------------------------------------------------------------------------

    @contextlib.contextmanager
    def tx(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction. Nested calls join the outer one."""
        with self._lock:
            conn = self.db.conn
            if conn.in_transaction:
                yield self.db
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                conn.execute("COMMIT")
            except BaseException:
                self._unanchored = None
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            written, self._unanchored = self._unanchored, None
        # After the lock: other threads commit meanwhile; lines may land out of order, each stands alone.
        if written is not None:
            self._anchor_line(*written)

    def execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self.db.execute(sql, params)

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.db.query(sql, params))

    # -- the audit log -----------------------------------------------------------------------

    def audit(self, at: str, actor: str | None, action: str, request_id: int | None, data: dict[str, Any]) -> int:
        """Append to the keyed chain; must run inside `tx()` with the change it records. An entry about a
        request also records that request's state as the tables now hold it, which `verify_audit` compares
        with the tables later (bot.store.audit_replay)."""
        if not self.db.conn.in_transaction:
            raise RuntimeError("audit entries are written inside the transaction of their change")
        self._check_key()
        if request_id is not None and "after" not in data:
            state = audit_replay.snapshot(self.db, request_id)
            if state is not None:
                data = {**data, "after": state}
        written = audit.append(self.db, self._key, at, actor, action, request_id, data)
        self._unanchored = (written, audit.key_id(self._key))
        return written.count

    @property
    def audit_key_id(self) -> str:
        return audit.key_id(self._key)

    def verify_audit(self, anchors: Sequence[str] = ()) -> Verification:
        """Check the chain with the key, the anchors (the anchor file's and those given, e.g. a line kept
        elsewhere) and the tables against the log. Everything is read in one snapshot of the database."""
        found, problems = audit_anchor.read_anchor_file(self.anchor_file)  # before the snapshot: see below
        for number, line in enumerate(anchors, start=1):
            try:
                found.append(audit_anchor.parse_anchor(line, f"the anchor given ({number})"))
            except ValueError as exc:
                problems.append(str(exc))
        # The anchor file was read first: every line in it was written after its commit, so the snapshot
        # taken now contains every entry a line names, and a busy bot causes no false "tail removed".
        with self._lock:
            conn = self.db.conn
            own = not conn.in_transaction
            if own:
                conn.execute("BEGIN")
            try:
                key_problem = self._match_key()
                chain = audit.verify_chain(self.db, self._key, keep={a.count for a in found})
                rekeys = [r[0] for r in self.db.execute("SELECT id FROM audit_log WHERE action = 'audit.rekeyed'")]
                problems = [*audit.rekey_problems(self.db), *problems]
                replay = audit_replay.compare(self.db)
            finally:
                if own:
                    conn.execute("COMMIT")
        anchored = audit_anchor.check(found, chain, self.audit_key_id, rekeys)
        return audit.summarise(
            chain,
            [*problems, *anchored.problems, *replay.problems],
            [*anchored.notes, *replay.notes],
            anchored.anchored,
            replay.requests,
            first=[key_problem] if key_problem else [],
        )

    def anchor(self, at: str) -> str:
        """Verify, then append the head to the anchor file and return its line, to be kept elsewhere too.
        A log that does not verify is not anchored: that would vouch for what was tampered with."""
        result = self.verify_audit()
        if not result.ok:
            raise AuditError("; ".join(result.problems))
        # The head verify read in its snapshot: an entry committed since is anchored by its own commit.
        line = audit_anchor.format_anchor(Head(result.entries, result.head, at), self.audit_key_id, at)
        if self.anchor_file is not None:
            audit_anchor.append_line(self.anchor_file, line)
        return line

    def rekey(self, new_key: bytes, at: str, actor: str | None, reason: str = "rotation") -> Head:
        """Chain the whole log with `new_key`: verify it with the key in use (chain, anchors, tables), then
        recompute every link, record the change as an entry and anchor the new head, in one transaction.
        Anchors made before stay checkable by their counts only."""
        with self.tx():
            result = self.verify_audit()
            if not result.ok:
                raise AuditError("the log does not verify, so it is not re-keyed: " + "; ".join(result.problems))
            old_key, before = self._key, audit.head(self.db)
            try:
                audit.rechain(self.db, new_key)
                self._key = new_key
                self._set_state(audit.ALGORITHM, audit.key_id(new_key))
                self.audit(
                    at,
                    actor,
                    "audit.rekeyed",
                    None,
                    {
                        "reason": reason,
                        "from": audit.ALGORITHM,
                        "from_key": audit.key_id(old_key),
                        "to_key": audit.key_id(new_key),
                        "entries": before.count,
                        "previous_head": before.hash,
                        "previous_ok": True,
                    },
                )
            except BaseException:
                self._key = old_key
                raise
            return audit.head(self.db)

    def _state(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.db.execute("SELECT name, value FROM audit_state")}

    def _set_state(self, chain: str, key: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO audit_state (name, value) VALUES (?, ?), (?, ?)",
            (audit.STATE_CHAIN, chain, audit.STATE_KEY_ID, key),
        )

    def _match_key(self) -> str:
        """Use the key the log is chained with, if this process has it; else say which key is missing."""
        wanted = self._state().get(audit.STATE_KEY_ID)
        if wanted is None or wanted == self.audit_key_id:
            return ""
        for key in self._key_source():  # read again: another process may have rotated the key file
            if audit.key_id(key) == wanted:
                self._key = key
                return ""
        return (
            f"the log is chained with audit key {wanted}, but the key given (BACKOFFICE_AUDIT_KEY or the key "
            f"file) is {self.audit_key_id}: wrong or lost key, or the key was rotated elsewhere"
        )

    def _check_key(self) -> None:
        problem = self._match_key()
        if problem:
            # Chaining with another key would break the log for good: refuse the write instead.
            raise AuditError(problem)
        if self._state().get(audit.STATE_KEY_ID) is None:
            self._set_state(audit.ALGORITHM, self.audit_key_id)

    def _open_chain(self, keys: Sequence[bytes]) -> None:
        """Pick the key the log is chained with; key a new log; re-key a log from before the key."""
        with self._lock:
            state = self._state()
            wanted = state.get(audit.STATE_KEY_ID)
            self._key = next((k for k in keys if audit.key_id(k) == wanted), keys[0])
            if wanted is not None and wanted != self.audit_key_id:
                log.error("%s: the audit log is chained with key %s, which this process does not have; audit "
                          "entries (and so state changes) are refused until it does", self.path, wanted)  # fmt: skip
            if state.get(audit.STATE_CHAIN) == audit.LEGACY_ALGORITHM:
                self._upgrade_legacy()

    def _upgrade_legacy(self) -> None:
        with self.tx():
            if self._state().get(audit.STATE_CHAIN) != audit.LEGACY_ALGORITHM:
                return  # another process did it while this one waited for the lock
            if audit.verify_chain(self.db, self._key).ok:
                self._set_state(audit.ALGORITHM, self.audit_key_id)  # keyed already: only the mark was stale
                return
            old = audit.verify_chain(self.db, None)
            before = audit.head(self.db)
            audit.rechain(self.db, self._key)
            self._set_state(audit.ALGORITHM, self.audit_key_id)
            if not old.ok:
                log.error("%s: the audit log from before the key was already broken at entry %s (%s); it is "
                          "re-keyed, and `backoffice audit verify` keeps reporting it", self.path, old.broken_at,
                          old.problem)  # fmt: skip
            self.audit(
                self._now() if self._now else before.at,
                "system",
                "audit.rekeyed",
                None,
                {
                    "reason": "upgrade",
                    "from": audit.LEGACY_ALGORITHM,
                    "to_key": self.audit_key_id,
                    "entries": before.count,
                    "previous_head": before.hash,
                    "previous_ok": old.ok,
                    "previous_broken_at": old.broken_at,
                    "previous_problem": old.problem or None,
                },
            )

    def _anchor_line(self, written: Head, key: str) -> None:
        if self.anchor_file is None:
            return
        try:
            audit_anchor.append_line(self.anchor_file, audit_anchor.format_anchor(written, key, written.at))
        except OSError as exc:
            # The commit stands; the anchor only lags (verify then vouches for less). Say so loudly.
            log.error("audit anchor %s could not be written: %s", self.anchor_file, exc.strerror)

    # -- things done once --------------------------------------------------------------------

    def first_time(self, key: str, at: str) -> bool:
        """True the first time `key` is marked (admins hear of an unknown user once); joins an open transaction."""
        with self.tx():
            cur = self.db.execute("INSERT OR IGNORE INTO notices (key, at) VALUES (?, ?)", (key, at))
            return cur.rowcount == 1

    def close(self) -> None:
        with self._lock:
            self.db.close()


def _fixed(keys: list[bytes]) -> Callable[[], Sequence[bytes]]:
    return lambda: keys


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
