"""Decisions per second for `decide` alone (pure rules, no I/O). Target: >= 5,000/s on one core.

python bench/bench_decide.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.directory import Directory, load_directory_file
from bot.models import ExpenseClaim, LeaveRequest
from bot.rules.engine import DecisionContext, LeaveFacts, PriorClaim, decide
from bot.rules.loader import load_rules

ROOT = Path(__file__).resolve().parents[1]


def cases(today: dt.date) -> list[tuple[object, DecisionContext]]:
    rules = load_rules(ROOT / "knowledge")
    directory = Directory(load_directory_file(ROOT / "knowledge" / "org.yaml"))
    emp = directory.require("e007")
    prior = (PriorClaim(1, Decimal(4200), "JPY", today - dt.timedelta(days=3), "ヨドバシカメラ"),)
    expense_ctx = DecisionContext(today, emp, rules, prior_claims=prior)
    leave_ctx = DecisionContext(
        today, emp, rules, leave=LeaveFacts(balance_days=12.5, team_size=5, team_absent={today: 1})
    )
    d = today - dt.timedelta(days=3)
    claims = [
        ExpenseClaim(Decimal(3200), d, "transport", description="タクシー 客先", receipts=("r.pdf",)),
        ExpenseClaim(Decimal(480), d, "transport", description="電車 渋谷→新宿"),
        ExpenseClaim(
            Decimal(58000), d, "entertainment", attendees=4, receipts=("r.pdf",), invoice_number="T7010705000725"
        ),
        ExpenseClaim(Decimal(4200), d, "supplies", vendor="ヨドバシカメラ", receipts=("r.pdf",)),
        ExpenseClaim(Decimal(650000), d, "software", receipts=("r.pdf",)),
        ExpenseClaim(Decimal("45.20"), d, "books", currency="USD", receipts=("r.pdf",)),
    ]
    leaves = [
        LeaveRequest("annual", today + dt.timedelta(days=7), today + dt.timedelta(days=8)),
        LeaveRequest("annual", today + dt.timedelta(days=20), today + dt.timedelta(days=30)),
        LeaveRequest("annual", today + dt.timedelta(days=3), today + dt.timedelta(days=3), portion="hours", hours=2),
        LeaveRequest("sick", today, today),
        LeaveRequest(
            "special", today + dt.timedelta(days=14), today + dt.timedelta(days=18), special_reason="marriage"
        ),
    ]
    return [(c, expense_ctx) for c in claims] + [(r, leave_ctx) for r in leaves]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    work = cases(dt.date(2026, 11, 24))
    for details, ctx in work:  # warm the calendar cache and compiled patterns
        decide(details, ctx)  # type: ignore[arg-type]
    count = 0
    start = time.perf_counter()
    deadline = start + args.seconds
    while time.perf_counter() < deadline:
        for details, ctx in work:
            decide(details, ctx)  # type: ignore[arg-type]
        count += len(work)
    elapsed = time.perf_counter() - start
    rate = count / elapsed
    print(f"decide: {count} decisions in {elapsed:.2f}s = {rate:,.0f} decisions/s (target >= 5,000/s)")


if __name__ == "__main__":
    main()
