"""Shared by the audit tests: the demo company on a real database, a day that takes every workflow path, and
what an attacker with the database file (but not the key) can do to it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

from bot.clock import FixedClock
from bot.directory import Directory, load_directory_file
from bot.models import ExpenseClaim, LeaveRequest
from bot.rules.loader import RuleSet
from bot.store import records
from bot.store.db import Store
from bot.workflow import Workflow

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-24T10:00:00+09:00"
TODAY = dt.date(2026, 11, 24)


def company(store: Store, rules: RuleSet) -> Workflow:
    records.save_employees(store, load_directory_file(ROOT / "knowledge" / "org.yaml"), NOW, None, "org.yaml")
    return Workflow(store, rules, Directory(records.load_employees(store)), FixedClock(NOW))


def claim(amount: int, category: str = "supplies", **more: object) -> ExpenseClaim:
    more.setdefault("receipts", ("receipt.pdf",))
    more.setdefault("date", dt.date(2026, 11, 20))
    return ExpenseClaim(amount=Decimal(amount), category=category, **more)  # type: ignore[arg-type]


def submit(wf: Workflow, who: str, details: ExpenseClaim | LeaveRequest) -> int:
    result = wf.submit(wf.directory.require(who), details)
    assert result.ok and result.request is not None and result.request.id is not None, result
    return result.request.id


def every_path(wf: Workflow, bump: int = 0) -> dict[str, int]:
    """One request down each road the workflow has, by name: what the replay must rebuild exactly. `bump`
    is added to every amount, so that a second round is not refused as duplicates of the first (E7)."""
    p = wf.directory.require

    def c(amount: int, category: str = "supplies", **more: object) -> ExpenseClaim:
        return claim(amount + bump, category, **more)

    ids: dict[str, int] = {}
    ids["approved"] = submit(wf, "e007", c(12000))
    assert wf.act(ids["approved"], p("e006"), "approve").code == "approved"
    ids["three_steps"] = submit(wf, "e008", c(600000))
    for who in ("e006", "e002", "e001"):
        assert wf.act(ids["three_steps"], p(who), "approve").ok
    ids["rejected"] = submit(wf, "e009", c(20000))
    assert wf.act(ids["rejected"], p("e006"), "reject", reason="duplicate").code == "rejected"
    ids["changes_then_fixed"] = submit(wf, "e007", c(13000))
    assert wf.act(ids["changes_then_fixed"], p("e006"), "request_changes", reason="itemised receipt").ok
    fixed = c(13000, description="toner", receipts=("itemised.pdf",))
    assert wf.update(ids["changes_then_fixed"], p("e007"), fixed, action="attach").code == "pending"
    ids["auto_approved_leave_cancelled"] = submit(
        wf, "e007", LeaveRequest("annual", dt.date(2026, 12, 2), dt.date(2026, 12, 2))
    )
    assert wf.act(ids["auto_approved_leave_cancelled"], p("e007"), "cancel").code == "cancelled"
    ids["pending_cancelled"] = submit(wf, "e009", c(9000))
    assert wf.act(ids["pending_cancelled"], p("e009"), "cancel").code == "cancelled"
    ids["escalated"] = submit(wf, "e010", c(8000))
    assert wf.escalate(ids["escalated"]).ok
    ids["late_overridden"] = submit(wf, "e007", c(12000, date=TODAY - dt.timedelta(days=61)))
    assert wf.act(ids["late_overridden"], p("e003"), "override", reason="long trip").code == "overridden"
    ids["yen_fixed"] = submit(wf, "e007", c(4200, "software", currency="USD"))
    assert wf.act(ids["yen_fixed"], p("e006"), "approve").ok
    assert wf.act(ids["yen_fixed"], p("e002"), "approve", "rate 155", amount_jpy=651000 + bump).code == "advanced"
    ids["unpaid_confirmed"] = submit(wf, "e010", LeaveRequest("annual", dt.date(2026, 12, 3), dt.date(2026, 12, 3)))
    assert wf.act(ids["unpaid_confirmed"], p("e010"), "confirm_unpaid").code == "pending"
    draft = wf.create_draft(p("e008"), c(11000)).request
    assert draft is not None and draft.id is not None
    ids["draft_sent"] = draft.id
    assert wf.submit_draft(draft.id, p("e008")).code == "pending"
    ids["pending"] = submit(wf, "e008", c(15000))
    return ids


# -- what someone with the database file can do ---------------------------------------------------------


def raw(path: Path) -> sqlite3.Connection:
    """A connection of the attacker's own, outside the bot (autocommit)."""
    return sqlite3.connect(path, isolation_level=None)


def plain_sha256(prev: str, entry_id: int, at: str, actor: str | None, action: str, rid: int | None, data: str) -> str:
    payload = json.dumps([prev, entry_id, at, actor, action, rid, data], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def rehash_plain(conn: sqlite3.Connection, start: int = 1) -> None:
    """Recompute every link from `start` on as the chain did before the key: what an attacker can do."""
    prev = conn.execute("SELECT hash FROM audit_log WHERE id = ?", (start - 1,)).fetchone()
    prev_hash = prev[0] if prev else "0" * 64
    rows = conn.execute(
        "SELECT id, at, actor, action, request_id, data FROM audit_log WHERE id >= ? ORDER BY id", (start,)
    ).fetchall()
    for entry_id, at, actor, action, rid, data in rows:
        digest = plain_sha256(prev_hash, entry_id, at, actor, action, rid, data)
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev_hash, digest, entry_id))
        prev_hash = digest


def make_pre_key_database(path: Path) -> None:
    """Turn a database into one written by the version before the key (schema 8): entries without the
    recorded request state, chained with plain SHA-256, no audit_state table."""
    conn = raw(path)
    try:
        conn.execute("BEGIN")
        for entry_id, data in conn.execute("SELECT id, data FROM audit_log").fetchall():
            value = json.loads(data)
            value.pop("after", None)
            conn.execute(
                "UPDATE audit_log SET data = ? WHERE id = ?",
                (json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")), entry_id),
            )
        rehash_plain(conn)
        conn.execute("DROP TABLE audit_state")
        # The tables of later migrations did not exist either (they are made again on open).
        conn.execute("DROP TABLE IF EXISTS scheduler_runs")
        conn.execute("DROP TABLE IF EXISTS calendar_feeds")
        for table in ("freee_deals", "freee_master", "freee_tokens", "batch_claims", "export_batches"):  # v11
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        for table in ("transfer_payments", "transfer_files", "bank_accounts"):  # v12, bot/transfers
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute("DROP TABLE IF EXISTS archive_entries")  # v13, bot/archive
        conn.execute("DROP TABLE IF EXISTS chatwork_cards")  # v14
        conn.execute("DROP TABLE IF EXISTS web_links")  # v15
        conn.execute("DROP TABLE IF EXISTS web_sessions")
        conn.execute("PRAGMA user_version = 8")
        conn.execute("COMMIT")
    finally:
        conn.close()
    (path.parent / "audit.anchor").unlink(missing_ok=True)  # that version kept no anchors


def entry_count(path: Path) -> int:
    conn = raw(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])
    finally:
        conn.close()
