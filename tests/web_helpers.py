"""A back office with some history, for the dashboard's tests and its benchmark: claims, leave and contracts filed
through the real workflow by the demo company's people, decided (or not) by their real approvers, over weeks of a
moving clock; policy questions handed over, rated and saved as FAQ entries."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from bot.app import App
from bot.clock import FixedClock
from bot.models import ContractReview, ExpenseClaim, LeaveRequest, Status
from bot.store import records

FILERS = ("e006", "e007", "e008", "e009", "e010", "e011", "e012", "e013", "e003", "e004")
VENDORS = (
    "JR東日本",
    "タクシー東京",
    "居酒屋はな",
    "Amazon",
    "丸善",
    "Zoom",
    "ホテル雅",
    "喫茶ルポ",
    "AWS",
    "文具の森",
)
CATEGORIES = ("transport", "travel", "entertainment", "meeting", "supplies", "books", "software", "communication")


def seed(app: App, clock: FixedClock, count: int, start: str = "2026-08-03T09:00", seed_value: int = 17) -> None:
    """`count` requests from `start` on, the clock moving an hour or so between them, and ending at
    2026-11-24 10:00 (the tests' "now"); about a third still waiting on someone."""
    rnd = random.Random(seed_value)
    wf, directory = app.services.workflow, app.services.directory
    clock.set(start)
    end = dt.datetime.fromisoformat("2026-11-24T10:00").replace(tzinfo=clock.now().tzinfo)
    step = (end - clock.now()) / max(1, count)
    for n in range(count):
        clock.set(dt.datetime.fromisoformat(start).replace(tzinfo=end.tzinfo) + step * n)
        today = clock.now().date()
        who = directory.require(FILERS[n % len(FILERS)])
        roll = rnd.random()
        if roll < 0.7:
            category = CATEGORIES[rnd.randrange(len(CATEGORIES))]
            amount = rnd.choice((800, 1200, 2400, 4800, 9000, 15000, 32000, 120000))
            details: ExpenseClaim | LeaveRequest | ContractReview = ExpenseClaim(
                amount=Decimal(amount),
                date=today - dt.timedelta(days=rnd.randrange(1, 10)),
                category=category,
                description="打ち合わせ" if category in ("entertainment", "meeting") else "業務",
                vendor=VENDORS[rnd.randrange(len(VENDORS))],
                attendees=rnd.choice((2, 3, 4)) if category == "entertainment" else None,
                receipts=("receipt.pdf",) if amount >= 3000 else (),
                invoice_number="T1234567890123" if amount >= 30000 and rnd.random() < 0.5 else None,
            )
        elif roll < 0.93:
            first = today + dt.timedelta(days=rnd.randrange(1, 30))
            details = LeaveRequest(leave_type="annual", start=first, end=first, portion=rnd.choice(("full", "am")))
        else:
            flags = tuple(rnd.sample(("C2.antisocial", "C2.liability", "C2.renewal"), rnd.randrange(0, 3)))
            details = ContractReview(
                title=f"業務委託契約書 {n}", contract_type="outsourcing", counterparty="株式会社サンプル",
                amount_yen=rnd.choice((300000, 1200000)), red_flags=flags,
            )  # fmt: skip
        result = wf.submit(who, details, source="seed")
        req = result.request
        if req is None or req.id is None or req.status not in (Status.PENDING, Status.ESCALATED):
            continue
        if rnd.random() < 0.35:
            continue  # left waiting
        for _ in range(4):
            current = records.get_request(app.store, req.id)
            step_now = wf.current_step(current) if current else None
            if current is None or step_now is None or not step_now.approver_id:
                break
            clock.advance(hours=rnd.choice((1, 3, 6, 20, 50)))
            approver = directory.require(step_now.approver_id)
            action = "reject" if rnd.random() < 0.08 else "approve"
            wf.act(req.id, approver, action, "見送り" if action == "reject" else None, current.version)
    clock.set("2026-11-24T10:00")
    add_questions(app)


def add_questions(app: App) -> None:
    at = app.services.now_iso()
    store = app.store
    with store.tx():
        for n, (asker, owner, status) in enumerate(
            [("e007", "finance", "asked"), ("e008", "hr", "asked"), ("e009", "legal", "asked"),
             ("e010", "finance", "relayed"), ("e013", "hr", "answered")]
        ):  # fmt: skip
            qid = records.add_question(
                store, asker_id=asker, platform="console", text=f"質問{n}: 出張の日当はいくらですか", locale="ja",
                answer="…", source="quoted", confident=status == "answered", confidence=0.4, citations=[],
                owner=owner, at=at,
            )  # fmt: skip
            if status != "answered":
                store.execute("UPDATE questions SET status = ?, asked_at = ? WHERE id = ?", (status, at, qid))
            if status == "relayed":
                store.execute(
                    "UPDATE questions SET relayed_answer = '3,000円です', answered_by = 'e003', answered_at = ?, "
                    "faq_section = 'faq-added#q1' WHERE id = ?",
                    (at, qid),
                )
            store.execute("UPDATE questions SET feedback = ? WHERE id = ?", (1 if n % 2 else -1, qid))
