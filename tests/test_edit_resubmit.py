"""Fix and resubmit (#15): a request sent back with 差戻し (or waiting for information) is corrected by its requester
in words — the console and Chatwork type 「修正 #6 金額=3,200 日付=11/20」 or `/edit 6 amount=…` — and goes through the
rules and the chain again; the audit log keeps the version before and after. Real router, real database."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from bot.app import App
from bot.models import Status
from bot.store import records
from handlers import Inbound


def say(app: App, who: str, text: str, platform: str = "console") -> str:
    replies = app.router.handle(Inbound(app.directory.require(who), text, platform=platform))
    return "\n".join(r.text for r in replies)


def sent_back_claim(app: App) -> int:
    say(app, "e007", "/expense 2800 entertainment 2026-11-20 取引先と会食 attendees=3")
    [claim] = records.list_requests(app.store, "e007")
    assert claim.id is not None
    assert claim.status is Status.PENDING, claim.status
    say(app, "e006", f"差戻し #{claim.id} 金額が違います")
    assert records.get_request(app.store, claim.id).status is Status.NEEDS_INFO
    return claim.id


@pytest.mark.parametrize(
    ("platform", "words"),
    [("console", "修正 #{id} 金額=2,600 日付=11/19"), ("chatwork", "修正 #{id} 金額=2,600 日付=11/19"),
     ("console", "/edit {id} amount=2600 date=2026-11-19")],
)  # fmt: skip
def test_a_claim_sent_back_is_corrected_and_decided_again(app: App, platform: str, words: str) -> None:
    rid = sent_back_claim(app)
    reply = say(app, "e007", words.format(id=rid), platform)
    assert f"#{rid}" in reply
    req = records.get_request(app.store, rid)
    assert req is not None and req.status is Status.PENDING  # the chain starts over: the manager again
    assert req.details.amount == Decimal(2600) and req.details.date == dt.date(2026, 11, 19)
    step = app.services.workflow.current_step(req)
    assert step is not None and step.approver_id == "e006"
    [rev] = app.store.query(
        "SELECT data FROM audit_log WHERE action = 'request.resubmitted' AND request_id = ?", (rid,)
    )
    data = json.loads(rev["data"])
    assert str(data["before"]["amount"]) == "2800" and str(data["details"]["amount"]) == "2600"
    assert records.undelivered(app.store, "e006")  # the approver is asked again


def test_only_the_requester_fixes_and_bad_values_are_said_back(app: App) -> None:
    rid = sent_back_claim(app)
    assert "Takahashi" not in say(app, "e004", f"修正 #{rid} 金額=1")  # HR is not the requester
    assert records.get_request(app.store, rid).status is Status.NEEDS_INFO
    assert "読み取れませんでした" in say(app, "e007", f"修正 #{rid} 金額=abc")
    assert "項目はありません" in say(app, "e007", f"修正 #{rid} 色=赤")
    assert "Expense fields" in say(app, "e008", "/edit")


def test_an_approved_request_cannot_be_edited(app: App) -> None:
    say(app, "e007", "12/24 午後半休で")
    [leave] = records.list_requests(app.store, "e007")
    assert leave.status is Status.APPROVED
    say(app, "e007", f"修正 #{leave.id} 開始=12/25")
    assert records.get_request(app.store, leave.id).details.start == dt.date(2026, 12, 24)


# -- fixing in words (handlers/fix.py) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "field", "value"),
    [("金額は2,600円の間違いでした", "amount", Decimal(2600)), ("the amount was 2,600 yen", "amount", Decimal(2600)),
     ("人数は5人です", "attendees", 5), ("5 people attended", "attendees", 5),
     ("日付は11/19でした", "date", dt.date(2026, 11, 19))],
)  # fmt: skip
def test_a_claim_sent_back_is_fixed_by_saying_what_changed(app: App, words: str, field: str, value: object) -> None:
    rid = sent_back_claim(app)
    asked = say(app, "e007", words)
    assert f"#{rid}" in asked and "→" in asked  # the change is shown before anything is changed
    req = records.get_request(app.store, rid)
    assert req is not None and req.status is Status.NEEDS_INFO and getattr(req.details, field) != value
    reply = say(app, "e007", "はい")
    assert f"#{rid}" in reply
    req = records.get_request(app.store, rid)
    assert req is not None and req.status is Status.PENDING and getattr(req.details, field) == value
    assert req.details.category == "entertainment"  # what the message did not name stays as it was
    sql = "SELECT data FROM audit_log WHERE action = 'request.resubmitted' AND request_id = ?"
    [rev] = app.store.query(sql, (rid,))
    assert json.loads(rev["data"])["before"] != json.loads(rev["data"])["details"]


def test_no_leaves_the_claim_and_new_files_the_message_as_a_request_of_its_own(app: App) -> None:
    rid = sent_back_claim(app)
    asked = say(app, "e007", "金額は2,600円の間違いでした")
    assert f"#{rid}" in asked
    assert "そのまま" in say(app, "e007", "いいえ")
    req = records.get_request(app.store, rid)
    assert req is not None and req.details.amount == Decimal(2800) and req.status is Status.NEEDS_INFO
    # A whole new claim said while one waits is filed as new, with no question about the old one.
    reply = say(app, "e007", "昨日のタクシー代 1,200円")
    assert "→" not in reply
    assert len(records.list_requests(app.store, "e007")) == 2
    # Told as a correction it is offered as one; 「新規」 files it as new all the same.
    asked = say(app, "e007", "タクシー代は1,500円の間違いです 11/20")
    assert f"#{rid}" in asked and "新規" in asked
    say(app, "e007", "新規")
    claims = records.list_requests(app.store, "e007")
    assert len(claims) == 3 and any(c.details.amount == Decimal(1500) for c in claims)
    assert records.get_request(app.store, rid).details.amount == Decimal(2800)


def test_a_question_or_something_else_is_not_taken_as_a_fix(app: App) -> None:
    rid = sent_back_claim(app)
    assert "→" not in say(app, "e007", "有給はあと何日残っていますか?")
    asked = say(app, "e007", "人数は5人です")
    assert "→" in asked
    say(app, "e007", "有給の残りは?")  # neither yes nor no: the offer lapses, the question is answered
    assert "→" not in say(app, "e007", "はい")
    assert records.get_request(app.store, rid).details.attendees == 3


def test_a_leave_request_sent_back_is_moved_by_saying_the_new_day(app: App) -> None:
    say(app, "e007", "/leave 2026-12-14 2026-12-16 annual 家族旅行")
    [leave] = records.list_requests(app.store, "e007")
    assert leave.status is Status.PENDING, leave.status
    say(app, "e006", f"差戻し #{leave.id} 12/14は繁忙日なのでずらしてください")
    asked = say(app, "e007", "12/21〜12/23に変更します")
    assert f"#{leave.id}" in asked
    say(app, "e007", "はい")
    req = records.get_request(app.store, leave.id)
    assert req is not None and req.details.start == dt.date(2026, 12, 21) and req.details.end == dt.date(2026, 12, 23)
    assert req.details.leave_type == "annual"
    assert req.status is Status.PENDING
