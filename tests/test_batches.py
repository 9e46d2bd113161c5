"""Export batches (bot/accounting/batches.py): a claim goes to the books in exactly one batch. Real database."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.accounting import batches
from bot.app import App
from bot.models import Status
from bot.store import records
from handlers import Inbound

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def approved_claims(app: App, n: int) -> list[int]:
    for i in range(n):
        app.router.handle(Inbound(app.directory.require("e007"), f"/expense {500 + i} supplies 2026-11-20 文具"))
    ids = [r.id for r in records.list_requests(app.store, "e007", [Status.APPROVED]) if r.id is not None]
    assert len(ids) == n
    return sorted(ids)


def test_a_claim_goes_into_one_batch_only(app: App) -> None:
    ids = approved_claims(app, 3)
    waiting = batches.unbatched_approved_claims(app.store, *NOV)
    assert [c.id for c in waiting] == ids
    first = batches.create_batch(app.store, "mf", *NOV, ids[:2], app.services.now_iso(), "e003")
    assert first.id == "B202611-01" and first.request_ids == tuple(ids[:2])
    assert [c.id for c in batches.unbatched_approved_claims(app.store, *NOV)] == ids[2:]
    with pytest.raises(batches.BatchError):
        batches.create_batch(app.store, "csv", *NOV, ids[1:], app.services.now_iso(), "e003")
    assert batches.get_batch(app.store, "B202611-02") is None  # the refused batch left nothing behind
    second = batches.create_batch(app.store, "csv", *NOV, ids[2:], app.services.now_iso(), "e003")
    assert second.id == "B202611-02" and batches.batch_of(app.store, ids[2]) == "B202611-02"
    assert [c.id for c in batches.claims_in_batch(app.store, first.id)] == ids[:2]
    [entry] = app.store.query("SELECT data FROM audit_log WHERE action = 'batch.created' AND data LIKE '%B202611-01%'")
    assert str(ids[0]) in entry["data"]
