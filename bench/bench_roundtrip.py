"""Submit-and-approve round trips per second on a real SQLite file. Target: >= 500/s on one core.

Each round trip: an employee files a claim that needs their manager (decide, insert, chain,
audit, notification in one transaction), then the manager approves it (authorise,
compare-and-set, audit, notification in another).

    python bench/bench_roundtrip.py [--count 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.clock import FixedClock
from bot.directory import Directory, load_directory_file
from bot.models import ExpenseClaim
from bot.rules.loader import load_rules
from bot.store import records
from bot.store.db import Store
from bot.workflow import Workflow

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        records.save_employees(store, load_directory_file(ROOT / "knowledge" / "org.yaml"), "bench", None, "org")
        directory = Directory(records.load_employees(store))
        workflow = Workflow(store, load_rules(ROOT / "knowledge"), directory, FixedClock("2026-11-24T10:00"))
        employee, manager = directory.require("e007"), directory.require("e006")
        day = dt.date(2026, 11, 20)
        start = time.perf_counter()
        for i in range(args.count):
            claim = ExpenseClaim(Decimal(10_000 + i), day, "supplies", description="bench", receipts=("r.pdf",))
            submitted = workflow.submit(employee, claim)
            assert submitted.request is not None and submitted.code == "pending", submitted.code
            approved = workflow.act(submitted.request.id or 0, manager, "approve")
            assert approved.code == "approved", approved.code
        elapsed = time.perf_counter() - start
        verified = store.verify_audit()
        store.close()
    rate = args.count / elapsed
    print(
        f"round trip: {args.count} submit+approve in {elapsed:.2f}s = {rate:,.0f} round trips/s "
        f"(target >= 500/s); audit chain of {verified.entries} entries intact: {verified.ok}"
    )


if __name__ == "__main__":
    main()
