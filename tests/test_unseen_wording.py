"""What a new user tries (#14), through the real router on a real database: a claim with no amount or with a bare
number, a refused value said with its reason, a withdrawal in words, questions that name amounts and dates."""

from __future__ import annotations

import datetime as dt

from bot.app import App
from bot.models import Status
from bot.store import records
from handlers import Inbound


def say(app: App, who: str, text: str) -> str:
    person = app.directory.require(who)
    replies = app.router.handle(Inbound(person, text, platform="console"))
    return "\n".join(r.text + (f" [{r.card.title}]" if r.card else "") for r in replies)


def newest(app: App, who: str):  # type: ignore[no-untyped-def]
    return records.list_requests(app.store, who)[0]


def test_a_bare_number_beside_a_cost_word_is_confirmed_then_filed(app: App) -> None:
    asked = say(app, "e007", "昨日のタクシー代 3200")
    assert "3,200円" in asked and "確かではありません" in asked
    assert records.list_requests(app.store, "e007") == []  # nothing filed on a guess
    say(app, "e007", "はい")
    claim = newest(app, "e007")
    assert claim.details.amount == 3200 and claim.details.category == "transport"


def test_a_claim_with_no_amount_asks_for_it(app: App) -> None:
    assert "金額はいくらですか" in say(app, "e007", "昨日のチームランチ代の精算をお願いします")
    assert "How much" in say(app, "e008", "Please reimburse yesterday's team lunch")


def test_a_negative_amount_and_a_date_that_does_not_exist_are_refused_with_the_reason(app: App) -> None:
    assert "マイナス" in say(app, "e007", "-3,200円 タクシー 昨日")
    say(app, "e007", "キャンセル")
    reply = say(app, "e007", "2月30日に有給を取ります")
    assert "「2月30日」という日付は存在しません" in reply
    assert "There is no such date" in say(app, "e008", "PTO on 2/30 please")


def test_a_withdrawal_in_words_cancels_the_named_request(app: App) -> None:
    say(app, "e007", "12/24 午後半休で")
    leave = newest(app, "e007")
    reply = say(app, "e007", f"やっぱり取り消します #{leave.id}")
    assert f"#{leave.id}" in reply
    assert records.get_request(app.store, leave.id).status is Status.CANCELLED
    assert say(app, "e007", f"#{leave.id} はキャンセルできますか?")  # a question: answered, nothing acted on


def test_a_question_naming_an_amount_or_a_date_is_never_a_claim_or_leave(app: App) -> None:
    for text in ("3万円の接待って事前申請いる?", "12/28って会社休み?", "Do I need a receipt for a ¥800 bus fare?"):
        say(app, "e007", text)
        assert records.get_conversation(app.store, "e007") is None, text
    assert records.list_requests(app.store, "e007") == []


def test_a_reason_does_not_choose_the_kind_of_leave(app: App) -> None:
    say(app, "e007", "12/24 午前半休で通院します")
    leave = newest(app, "e007")
    assert leave.details.leave_type == "annual" and leave.details.portion == "am"
    assert leave.details.start == dt.date(2026, 12, 24)


def test_a_fare_to_a_meeting_is_transport_and_a_line_starting_with_a_number_sign_is_answered(app: App) -> None:
    say(app, "e007", "打ち合わせで品川まで行った電車代です 往復 420円 昨日")
    assert newest(app, "e007").details.category == "transport"
    assert say(app, "e007", "#6 の支払先はNotionです")  # read, and answered, not dropped
