"""SQLite through sqlite-utils: one file, WAL mode, a versioned schema migrated at start.

Every state change runs inside `Store.tx()` (BEGIN IMMEDIATE … COMMIT) together with its
audit entry, so a crash can never leave a decision without its record or the reverse.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.store import audit
from bot.store.audit import Verification

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


# Append only: a released migration is never edited, a new one is added after it.
MIGRATIONS: list[Migration] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8]


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self.db = sqlite_utils.Database(conn)
        # One connection shared by threads; the lock keeps their transactions from interleaving.
        self._lock = threading.RLock()
        if self.path != ":memory:":
            self.db.enable_wal()
        self.db.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses no committed txn
        self.db.execute("PRAGMA foreign_keys=ON")
        self.migrate()

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
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self.db.execute(sql, params)

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.db.query(sql, params))

    def audit(self, at: str, actor: str | None, action: str, request_id: int | None, data: dict[str, Any]) -> int:
        """Append to the hash chain; must run inside `tx()` with the change it records."""
        if not self.db.conn.in_transaction:
            raise RuntimeError("audit entries are written inside the transaction of their change")
        return audit.append(self.db, at, actor, action, request_id, data)

    def verify_audit(self) -> Verification:
        with self._lock:
            return audit.verify(self.db)

    # -- things done once --------------------------------------------------------------------

    def first_time(self, key: str, at: str) -> bool:
        """True the first time `key` is marked (admins hear of an unknown user once); joins an open transaction."""
        with self.tx():
            cur = self.db.execute("INSERT OR IGNORE INTO notices (key, at) VALUES (?, ?)", (key, at))
            return cur.rowcount == 1

    def close(self) -> None:
        with self._lock:
            self.db.close()


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
