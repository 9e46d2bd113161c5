"""The inbox (bot.inbox): kept before the ack, worked off once, in one transaction with its effect.

The real router, handlers, workflow and store on a real SQLite file; the console's front door
(the simplest one) carries the messages, so what is tested is the inbox, not a platform.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.console import ConsoleWork
from bot.inbox import Inbox, Row
from bot.outside import outside
from bot.store import records
from bot.store.db import Store
from tests.loopback import wait_until

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-24T10:00:00"
WATANABE = "e007"
CLAIM = "/expense 2400 meeting 2026-11-23 打ち合わせ弁当"


def console(app: App) -> ConsoleWork:
    work = ConsoleWork(app)
    app.inbox.register("console", work)
    return work


def keep(app: App, key: str, text: str = CLAIM, who: str = WATANABE) -> bool:
    return app.inbox.accept(key, "console", "line", f"console:{who}", {"user": who, "text": text})


def claims(app: App) -> int:
    return len(records.list_requests(app.store, limit=500))


# -- one delivery, one effect ----------------------------------------------------------------------


def test_a_delivery_key_is_kept_once_and_a_second_delivery_does_nothing(app: App) -> None:
    work = console(app)
    assert keep(app, "console:a") is True
    assert keep(app, "console:a") is False
    assert "#1" in work.work_off("console:a")[0].text
    assert keep(app, "console:a") is False  # done, and still remembered
    assert claims(app) == 1
    (row,) = app.store.query("SELECT status, payload FROM inbox")
    assert row == {"status": "done", "payload": None}  # the message's words are not kept once worked off


def test_simultaneous_deliveries_of_one_key_through_two_connections_are_kept_once(store: Store, tmp_path: Path) -> None:
    second = Store(tmp_path / "bot.db")
    inboxes = [Inbox(store, lambda: NOW), Inbox(second, lambda: NOW)]
    n = 8
    barrier = threading.Barrier(n)
    results: list[bool | None] = [None] * n

    def deliver(i: int) -> None:
        barrier.wait()
        results[i] = inboxes[i % 2].accept("slack:event:Ev9", "slack", "message", "slack:U1", {"n": i})

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    second.close()
    assert sorted(results) == [False] * (n - 1) + [True]


def test_a_kept_message_survives_a_restart_and_is_worked_off_at_the_next_start(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=tmp_path / "f")
    first = build_app(settings, FixedClock("2026-11-24T10:00"))
    assert keep(first, "console:1")
    first.close()  # gone before any worker touched it

    again = build_app(settings, FixedClock("2026-11-24T10:00"))
    try:
        console(again)
        again.inbox.start()
        wait_until(lambda: again.inbox.status("console:1") == "done")
        assert claims(again) == 1
        assert keep(again, "console:1") is False
    finally:
        again.close()


# -- the transaction boundary ----------------------------------------------------------------------


class CrashBeforeDone:
    """The console's work, with a failure injected after the state change and before "done"."""

    def __init__(self, inner: ConsoleWork) -> None:
        self.inner = inner
        self.crashes = 1

    def prepare(self, row: Row) -> Any:
        return self.inner.prepare(row)

    def apply(self, row: Row, prepared: Any) -> None:
        self.inner.apply(row, prepared)  # the claim is filed, its audit entry and notifications written ...
        if self.crashes:
            self.crashes -= 1
            raise RuntimeError("power cut")  # ... and then the process "dies" before the row is marked done

    def failed(self, row: Row, ref: str) -> None:
        self.inner.failed(row, ref)

    def after(self, row: Row) -> None:
        pass


def test_a_failure_after_the_state_change_but_before_done_leaves_nothing_committed(app: App) -> None:
    work = CrashBeforeDone(ConsoleWork(app))
    app.inbox.register("console", work)
    audit_before = app.store.query("SELECT COUNT(*) AS n FROM audit_log")[0]["n"]
    keep(app, "console:x")
    app.inbox.work(row_of(app, "console:x"))
    assert claims(app) == 0
    assert app.store.query("SELECT COUNT(*) AS n FROM audit_log")[0]["n"] == audit_before
    assert app.store.query("SELECT COUNT(*) AS n FROM notifications")[0]["n"] == 0
    (row,) = app.store.query("SELECT status, attempts, error FROM inbox")
    assert row["status"] == "pending" and row["attempts"] == 1 and "power cut" in row["error"]
    # Redone, it has its effect exactly once.
    app.inbox.work(row_of(app, "console:x"))
    assert claims(app) == 1 and app.inbox.status("console:x") == "done"
    assert app.store.verify_audit().ok


def row_of(app: App, key: str) -> Row:
    from bot.inbox import _row

    (r,) = app.store.query("SELECT * FROM inbox WHERE key = ?", (key,))
    return _row(r)


def test_a_call_to_the_outside_runs_with_no_transaction_open_and_the_work_is_redone_with_its_answer(
    app: App,
) -> None:
    seen: list[bool] = []

    class AsksOutside(ConsoleWork):
        def apply(self, row: Row, prepared: Any) -> None:
            # What a model call does inside a handler (bot.understanding.structured goes through outside()).
            word = outside("k1", lambda: seen.append(app.store.db.conn.in_transaction) or "2400")
            assert app.store.db.conn.in_transaction
            row.payload["text"] = f"/expense {word} meeting 2026-11-23 打ち合わせ弁当"
            super().apply(row, prepared)

    work = AsksOutside(app)
    app.inbox.register("console", work)
    keep(app, "console:o")
    assert "#1" in work.work_off("console:o")[0].text
    assert seen == [False]  # asked once, and with the database free for everyone else meanwhile
    assert claims(app) == 1


# -- poison messages -------------------------------------------------------------------------------


def test_a_message_that_fails_every_time_is_parked_the_sender_told_and_admins_told(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = console(app)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(app.services.workflow, "submit", broken)
    keep(app, "console:p")
    (answer,) = work.work_off("console:p")
    assert "エラーが発生しました" in answer.text or "went wrong" in answer.text
    (row,) = app.inbox.rows("parked")
    assert row["key"] == "console:p" and row["attempts"] == 3 and "disk on fire" in row["error"]
    assert row["ref"] in answer.text
    # The admins are told, once, with the reference; the audit log records it (never the words).
    told = app.store.query("SELECT recipient_id, data FROM notifications WHERE event = 'inbox_parked'")
    assert [t["recipient_id"] for t in told] == [e.id for e in app.directory.holders("admin")]
    assert row["ref"] in told[0]["data"]
    (audit,) = app.store.query("SELECT data FROM audit_log WHERE action = 'inbox.parked'")
    assert "打ち合わせ" not in audit["data"]
    assert app.store.verify_audit().ok
    # Fixed, it is retried from `backoffice inbox retry` and has its effect.
    monkeypatch.undo()
    assert app.inbox.retry("console:p") is True
    assert "#1" in work.work_off("console:p")[0].text
    assert claims(app) == 1 and app.inbox.rows("parked") == []


def test_a_parked_message_does_not_hold_back_the_senders_next_one(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    console(app)
    app.inbox.backoff = (0.01, 0.01)
    real = app.router.handle

    def fails_on_poison(msg: Any) -> Any:
        if "poison" in msg.text:
            raise ValueError("cannot read this")
        return real(msg)

    monkeypatch.setattr(app.router, "handle", fails_on_poison)
    keep(app, "console:1", "poison")
    keep(app, "console:2")
    app.inbox.start()
    wait_until(lambda: app.inbox.status("console:2") == "done")
    assert app.inbox.status("console:1") == "parked"
    assert claims(app) == 1


def test_a_dropped_row_is_given_up_with_an_audit_entry_and_its_words_deleted(app: App) -> None:
    keep(app, "console:d")
    assert app.inbox.drop("console:d", actor="e012") is True
    (row,) = app.store.query("SELECT status, payload FROM inbox")
    assert row == {"status": "dropped", "payload": None}
    assert app.store.query("SELECT actor FROM audit_log WHERE action = 'inbox.dropped'") == [{"actor": "e012"}]
    assert app.inbox.drop("console:d") is False


# -- order ----------------------------------------------------------------------------------------


def test_one_senders_messages_are_worked_in_the_order_they_came(app: App) -> None:
    work = console(app)
    order: list[str] = []
    real = work.apply

    def recording(row: Row, prepared: Any) -> None:
        order.append(row.key)
        real(row, prepared)

    work.apply = recording  # type: ignore[method-assign]
    app.inbox.threads = 4
    for n in range(12):
        keep(app, f"console:{n:02d}", f"/expense {1000 + n} meeting 2026-11-23 弁当{n}")
    app.inbox.start()
    wait_until(lambda: app.inbox.counts().get("done") == 12)
    assert order == [f"console:{n:02d}" for n in range(12)]


# -- the upgrade ----------------------------------------------------------------------------------


def test_an_old_database_keeps_its_unfinished_chatwork_message_and_its_delivery_keys(tmp_path: Path) -> None:
    from bot.store import db

    path = tmp_path / "old.db"
    old = Store.__new__(Store)
    conn = sqlite3.connect(path)
    old.db = db.sqlite_utils.Database(conn)
    for migration in db.MIGRATIONS[:7]:
        migration(old.db)
    conn.execute("PRAGMA user_version = 7")
    conn.execute("INSERT INTO deliveries VALUES ('slack:Ev1', ?), ('slack-unknown:U9', ?)", (NOW, NOW))
    conn.execute(
        "INSERT INTO chatwork_inbox (message_id, event, received_at) VALUES "
        "('42', '{\"webhook_event\": {\"from_account_id\": 1000007}}', ?)",
        (NOW,),
    )
    conn.execute(
        "INSERT INTO chatwork_outbox (target, kind, payload, created_at) VALUES ('300', 'message', '{}', ?)", (NOW,)
    )
    conn.commit()
    conn.close()

    store = Store(path)
    try:
        assert store.schema_version == len(db.MIGRATIONS)
        rows = {r["key"]: r for r in store.query("SELECT key, status, lane FROM inbox")}
        assert rows["chatwork:42"]["status"] == "pending" and rows["chatwork:42"]["lane"] == "chatwork:1000007"
        assert rows["slack:event:Ev1"]["status"] == "done"
        assert store.first_time("slack-unknown:U9", NOW) is False
        assert store.query("SELECT platform, target FROM outbox") == [{"platform": "chatwork", "target": "300"}]
    finally:
        store.close()
