"""Export batches: each approved claim goes to the books in exactly one batch.

A batch is the unit the back office imports (one file) and pays (one 全銀 file): its claims are fixed when it is
made, so exporting it again gives the same file, and a claim already in one is never put in another (弥生 adds
an imported entry twice, accounting.md §3). The batch id is what finance names in chat and on the command line.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from bot.models import Request, Status
from bot.store import records
from bot.store.db import Store


class BatchError(ValueError):
    """A batch cannot be made as asked (a claim in another batch already, nothing to put in it)."""


@dataclass(frozen=True)
class Batch:
    id: str
    format: str
    period_from: dt.date
    period_to: dt.date
    created_at: str
    created_by: str | None
    request_ids: tuple[int, ...]
    sha256: str | None = None  # of the file as first written: a re-export must give the same bytes


def _batch(row: dict[str, object], request_ids: tuple[int, ...]) -> Batch:
    return Batch(
        str(row["id"]), str(row["format"]), dt.date.fromisoformat(str(row["period_from"])),
        dt.date.fromisoformat(str(row["period_to"])), str(row["created_at"]),
        None if row["created_by"] is None else str(row["created_by"]), request_ids,
        None if row["sha256"] is None else str(row["sha256"]),
    )  # fmt: skip


def get_batch(store: Store, batch_id: str) -> Batch | None:
    rows = store.query("SELECT * FROM export_batches WHERE id = ?", (batch_id,))
    if not rows:
        return None
    ids = tuple(
        int(r["request_id"])
        for r in store.query("SELECT request_id FROM batch_claims WHERE batch_id = ? ORDER BY seq", (batch_id,))
    )
    return _batch(rows[0], ids)


def list_batches(store: Store) -> list[Batch]:
    """Every batch, newest first."""
    out = []
    for row in store.query("SELECT id FROM export_batches ORDER BY created_at DESC, id DESC"):
        batch = get_batch(store, str(row["id"]))
        assert batch is not None
        out.append(batch)
    return out


def batch_of(store: Store, request_id: int) -> str | None:
    """The batch a claim went out in, or None."""
    rows = store.query("SELECT batch_id FROM batch_claims WHERE request_id = ?", (request_id,))
    return str(rows[0]["batch_id"]) if rows else None


def claims_in_batch(store: Store, batch_id: str) -> list[Request]:
    """The batch's claims in the order they were exported."""
    batch = get_batch(store, batch_id)
    if batch is None:
        return []
    claims = [records.get_request(store, rid) for rid in batch.request_ids]
    return [c for c in claims if c is not None]


def unbatched_approved_claims(store: Store, period_from: dt.date, period_to: dt.date) -> list[Request]:
    """Approved expense claims decided in the period (the day they became a debt to the employee) and in no batch
    yet, oldest decision first."""
    rows = store.query(
        "SELECT id FROM requests WHERE kind = 'expense' AND status = ? AND substr(decided_at, 1, 10) BETWEEN ? AND ? "
        "AND id NOT IN (SELECT request_id FROM batch_claims) ORDER BY decided_at, id",
        (Status.APPROVED.value, period_from.isoformat(), period_to.isoformat()),
    )
    claims = [records.get_request(store, int(r["id"])) for r in rows]
    return [c for c in claims if c is not None]


def next_batch_id(store: Store, period_to: dt.date) -> str:
    """B202611-01, B202611-02 …: the month the batch closes, and its number in that month."""
    prefix = f"B{period_to:%Y%m}-"
    rows = store.query("SELECT id FROM export_batches WHERE id LIKE ?", (prefix + "%",))
    numbers = [int(str(r["id"])[len(prefix) :]) for r in rows if str(r["id"])[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def create_batch(
    store: Store,
    fmt: str,
    period_from: dt.date,
    period_to: dt.date,
    request_ids: list[int],
    at: str,
    actor: str | None,
) -> Batch:
    """Record a new batch of these claims, with its audit entry, in one transaction. Refused when the list is
    empty or a claim is in a batch already (also when another process batched it a moment ago)."""
    if not request_ids:
        raise BatchError("empty")
    with store.tx():
        batch_id = next_batch_id(store, period_to)
        store.execute(
            "INSERT INTO export_batches (id, format, period_from, period_to, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (batch_id, fmt, period_from.isoformat(), period_to.isoformat(), at, actor),
        )
        try:
            for seq, rid in enumerate(request_ids, start=1):
                store.execute(
                    "INSERT INTO batch_claims (request_id, batch_id, seq) VALUES (?, ?, ?)", (rid, batch_id, seq)
                )
        except sqlite3.IntegrityError:
            raise BatchError("already_batched") from None
        store.audit(
            at, actor, "batch.created", None,
            {"batch": batch_id, "format": fmt, "from": period_from.isoformat(), "to": period_to.isoformat(),
             "requests": request_ids},
        )  # fmt: skip
    batch = get_batch(store, batch_id)
    assert batch is not None
    return batch


def set_sha256(store: Store, batch_id: str, sha256: str) -> None:
    """The digest of the batch's file as first written (only once: later exports are compared with it)."""
    store.execute("UPDATE export_batches SET sha256 = ? WHERE id = ? AND sha256 IS NULL", (sha256, batch_id))
