"""The SQLite store: the versioned schema, WAL mode, a state change and its audit entry in one
transaction, the hash-chained audit log that names the entry someone tampered with, and
delivery keys that are handled once."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.directory import Directory, load_directory_file
from bot.models import ExpenseClaim, LeaveRequest
from bot.rules.loader import RuleSet
from bot.store import audit, db, records
from bot.store.db import MIGRATIONS, Store
from bot.workflow import Workflow

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-24T10:00"
TABLES = {
    "employees",
    "requests",
    "approval_steps",
    "leave_ledger",
    "inbox",
    "outbox",
    "notices",
    "audit_log",
    "notifications",
    "attachments",
}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "bot.db"


@pytest.fixture
def store(path: Path):
    s = Store(path)
    yield s
    s.close()


def workflow(store: Store, rules: RuleSet) -> Workflow:
    records.save_employees(store, load_directory_file(ROOT / "knowledge" / "org.yaml"), NOW, None, "org.yaml")
    return Workflow(store, rules, Directory(records.load_employees(store)), FixedClock(NOW))


def claim(amount: int) -> ExpenseClaim:
    return ExpenseClaim(amount=Decimal(amount), date=dt.date(2026, 11, 20), category="supplies", receipts=("r.pdf",))


def count(store: Store, table: str) -> int:
    return store.query(f"SELECT count(*) AS n FROM {table}")[0]["n"]


def audit_rows(store: Store) -> list[dict]:
    return store.query("SELECT * FROM audit_log ORDER BY id")


def busy_day(store: Store, rules: RuleSet) -> Workflow:
    """A directory import and a handful of requests and decisions: a real chain to tamper with."""
    wf = workflow(store, rules)
    person = wf.directory.require
    a = wf.submit(person("e007"), claim(12000)).request
    b = wf.submit(person("e008"), claim(600000)).request
    c = wf.submit(person("e009"), claim(20000)).request
    wf.act(a.id, person("e006"), "approve")
    wf.act(b.id, person("e006"), "approve")
    wf.act(b.id, person("e002"), "approve")
    wf.act(c.id, person("e006"), "reject", reason="duplicate of an earlier claim")
    wf.submit(person("e007"), LeaveRequest("annual", dt.date(2026, 12, 1), dt.date(2026, 12, 1)))
    d = wf.submit(person("e010"), claim(8000)).request
    wf.escalate(d.id)
    return wf


# -- schema ------------------------------------------------------------------------------------


def test_a_new_file_gets_the_whole_schema(store: Store, path: Path) -> None:
    assert path.exists()
    assert store.schema_version == len(MIGRATIONS)
    assert set(store.db.table_names()) >= TABLES
    assert store.migrate() == len(MIGRATIONS)


def test_reopening_the_file_keeps_the_data_and_runs_no_migration_again(
    store: Store, path: Path, rules: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    wf = workflow(store, rules)
    req = wf.submit(wf.directory.require("e007"), claim(12000)).request
    store.close()

    def must_not_run(_db) -> None:
        raise AssertionError("a migration ran again on an up-to-date database")

    monkeypatch.setattr(db, "MIGRATIONS", [must_not_run] * len(MIGRATIONS))
    reopened = Store(path)
    try:
        assert reopened.schema_version == len(MIGRATIONS)
        again = records.get_request(reopened, req.id)
        assert again is not None
        assert (again.requester_id, again.status, again.version) == ("e007", req.status, req.version)
        assert len(records.load_employees(reopened)) == 13
        assert reopened.verify_audit().ok
    finally:
        reopened.close()


def test_an_unapplied_migration_runs_once_on_open(store: Store, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store.close()
    runs: list[int] = []

    def v_next(database) -> None:
        runs.append(1)
        database["extra"].create({"id": int}, pk="id")

    monkeypatch.setattr(db, "MIGRATIONS", [*MIGRATIONS, v_next])
    for _ in range(2):
        s = Store(path)
        assert s.schema_version == len(MIGRATIONS) + 1
        assert "extra" in s.db.table_names()
        s.close()
    assert runs == [1]


def test_a_database_from_a_newer_program_is_refused(store: Store, path: Path) -> None:
    store.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    store.close()

    with pytest.raises(RuntimeError, match="newer than this program knows"):
        Store(path)


def test_the_file_is_in_wal_mode(store: Store, path: Path) -> None:
    assert store.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # WAL is a property of the file: another connection sees it too.
    other = sqlite3.connect(path)
    try:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        other.close()


# -- a change and its audit entry are one transaction ------------------------------------------


def failing_after(calls: int):
    """An audit.append that works `calls` times, then fails like a full disk would."""
    real = audit.append
    seen = {"n": 0}

    def append(*args, **kwargs):
        seen["n"] += 1
        if seen["n"] > calls:
            raise sqlite3.OperationalError("database or disk is full")
        return real(*args, **kwargs)

    return append


@pytest.mark.parametrize("calls", [0, 1], ids=["first entry fails", "entry after the status update fails"])
def test_a_state_change_without_its_audit_entry_is_not_written(
    store: Store, rules: RuleSet, monkeypatch: pytest.MonkeyPatch, calls: int
) -> None:
    wf = workflow(store, rules)
    audit_before = audit_rows(store)
    # With calls=1 the 'request.submitted' entry is written, the request is moved to pending,
    # its approval step and notification are written, and then the 'request.pending' entry fails.
    monkeypatch.setattr(audit, "append", failing_after(calls))

    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        wf.submit(wf.directory.require("e007"), claim(12000))

    monkeypatch.undo()
    assert count(store, "requests") == 0
    assert count(store, "approval_steps") == 0
    assert count(store, "notifications") == 0
    assert audit_rows(store) == audit_before
    assert not store.db.conn.in_transaction
    # The store is still usable, and the next request gets a clean chain.
    req = wf.submit(wf.directory.require("e007"), claim(12000)).request
    assert req.id is not None
    assert store.verify_audit().ok


def test_a_decision_without_its_audit_entry_is_not_written(
    store: Store, rules: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    wf = workflow(store, rules)
    req = wf.submit(wf.directory.require("e007"), claim(12000)).request
    monkeypatch.setattr(audit, "append", failing_after(0))

    with pytest.raises(sqlite3.OperationalError):
        wf.act(req.id, wf.directory.require("e006"), "approve")

    monkeypatch.undo()
    after = records.get_request(store, req.id)
    assert (after.status, after.version, after.decided_by) == (req.status, req.version, None)
    assert [s.status for s in records.get_steps(store, req.id)] == ["pending"]
    assert [n["event"] for n in records.undelivered(store, "e007")] == []
    assert wf.act(req.id, wf.directory.require("e006"), "approve").code == "approved"


def test_an_audit_entry_outside_a_transaction_is_refused(store: Store) -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        store.audit(NOW, "e001", "request.approved", 1, {})
    assert count(store, "audit_log") == 0


def test_nested_transactions_join_the_outer_one(store: Store) -> None:
    with pytest.raises(ValueError), store.tx():
        store.audit(NOW, "e001", "test.outer", None, {})
        with store.tx():
            store.audit(NOW, "e001", "test.inner", None, {})
        raise ValueError("roll back both")
    assert count(store, "audit_log") == 0


# -- the hash-chained audit log ----------------------------------------------------------------


def test_a_fresh_chain_of_real_entries_verifies(store: Store, rules: RuleSet) -> None:
    busy_day(store, rules)
    rows = audit_rows(store)

    result = store.verify_audit()

    assert len(rows) == 16
    assert rows[-1]["action"] == "request.escalated"
    assert result.ok
    assert (result.entries, result.broken_at, result.problem) == (len(rows), None, "")
    assert [r["id"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["prev_hash"] == audit.GENESIS
    assert all(r["prev_hash"] == prev["hash"] for prev, r in itertools.pairwise(rows))


def test_an_empty_log_verifies(store: Store) -> None:
    assert store.verify_audit() == audit.Verification(True, 0)


def middle_entry(store: Store) -> dict:
    rows = audit_rows(store)
    return rows[len(rows) // 2]


def test_an_edited_entry_is_named(store: Store, rules: RuleSet) -> None:
    busy_day(store, rules)
    target = middle_entry(store)

    store.execute("UPDATE audit_log SET data = ? WHERE id = ?", ('{"reason":"nothing to see"}', target["id"]))
    result = store.verify_audit()

    assert not result.ok
    assert result.broken_at == target["id"]
    assert result.entries == target["id"] - 1
    assert "edited" in result.problem


@pytest.mark.parametrize(("column", "value"), [("actor", "e003"), ("action", "request.rejected"), ("at", NOW)])
def test_editing_any_recorded_column_is_detected(store: Store, rules: RuleSet, column: str, value: str) -> None:
    busy_day(store, rules)
    target = middle_entry(store)
    assert target[column] != value

    store.execute(f"UPDATE audit_log SET {column} = ? WHERE id = ?", (value, target["id"]))

    assert store.verify_audit().broken_at == target["id"]


def test_a_deleted_middle_entry_is_named(store: Store, rules: RuleSet) -> None:
    busy_day(store, rules)
    target = middle_entry(store)

    store.execute("DELETE FROM audit_log WHERE id = ?", (target["id"],))
    result = store.verify_audit()

    assert not result.ok
    assert result.broken_at == target["id"]
    assert "missing" in result.problem


def test_an_edit_rehashed_without_the_key_is_named(store: Store, rules: RuleSet) -> None:
    # The forger recomputes the entry's hash as the chain did before the key (plain SHA-256): it no longer fits.
    busy_day(store, rules)
    target = middle_entry(store)
    forged_data = '{"reason":"approved by the CEO"}'
    forged_hash = audit.plain_hash(
        target["prev_hash"],
        target["id"],
        target["at"],
        target["actor"],
        target["action"],
        target["request_id"],
        forged_data,
    )

    store.execute("UPDATE audit_log SET data = ?, hash = ? WHERE id = ?", (forged_data, forged_hash, target["id"]))
    result = store.verify_audit()

    assert not result.ok
    assert result.broken_at == target["id"]
    assert result.entries == target["id"] - 1
    assert "re-hashed without the key" in result.problem


def test_swapped_entries_are_detected(store: Store, rules: RuleSet) -> None:
    busy_day(store, rules)
    target = middle_entry(store)
    a, b = target["id"], target["id"] + 1

    store.execute("UPDATE audit_log SET id = -1 WHERE id = ?", (a,))
    store.execute("UPDATE audit_log SET id = ? WHERE id = ?", (a, b))
    store.execute("UPDATE audit_log SET id = ? WHERE id = -1", (b,))

    assert store.verify_audit().broken_at == a
