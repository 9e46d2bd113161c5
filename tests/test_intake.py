"""Free text in chat: understood, completed by asking for exactly what is missing, then filed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.models import ExpenseClaim, LeaveRequest, Reply, Status
from bot.store import records
from handlers import Inbound

ROOT = Path(__file__).resolve().parents[1]


def say(app: App, who: str, text: str) -> str:
    person = app.directory.find(who)
    assert person is not None
    replies: list[Reply] = app.router.handle(Inbound(person, text, platform="test"))
    return "\n".join(r.text for r in replies)


def test_a_complete_message_is_filed_at_once(app: App) -> None:
    assert "#1 を受け付けましたが、情報が不足しています。" in say(app, "e007", "昨日の客先訪問のタクシー代 3,200円")
    req = records.get_request(app.store, 1)
    assert req is not None and isinstance(req.details, ExpenseClaim)
    assert (req.details.amount, req.details.date, req.details.category) == (
        Decimal(3200),
        dt.date(2026, 11, 23),
        "transport",
    )
    assert req.status is Status.NEEDS_INFO  # a taxi over ¥3,000 waits for its receipt (E2)
    # Cards say how the message was read, marked as the AI's and kept apart from the rules.
    person = app.directory.require("e007")
    card = app.router.handle(Inbound(person, "/show 1"))[0].card
    assert card is not None and ("AIの読み取り(参考)", "offline: amount, date, category") in card.fields


def test_the_bot_asks_for_exactly_the_missing_field_and_continues(app: App) -> None:
    assert say(app, "e007", "ランチミーティングのお弁当 4,800円") == (
        "いつの経費ですか?(例: 昨日、11/20、先週金曜)(やめる場合は「キャンセル」)"
    )
    assert "すみません、読み取れませんでした。いつの経費ですか?" in say(app, "e007", "えーと")
    assert "#1 を受け付けましたが、情報が不足しています。" in say(app, "e007", "先週金曜")  # its receipt (E2)
    req = records.get_request(app.store, 1)
    assert req is not None and isinstance(req.details, ExpenseClaim)
    assert (req.details.date, req.details.category, req.details.amount) == (dt.date(2026, 11, 20), "meeting", 4800)
    assert records.get_conversation(app.store, "e007") is None


def test_a_guessed_category_is_asked_not_filed(app: App) -> None:
    question = say(app, "e008", "paid 2,000 yen yesterday for the thing we discussed")
    assert question.startswith("Which category is it? (Transport, Travel, Entertainment")
    assert say(app, "e008", "supplies") == "#1 was approved automatically."  # ¥2,000 of supplies (E5)
    req = records.get_request(app.store, 1)
    assert req is not None and isinstance(req.details, ExpenseClaim)
    assert (req.details.category, req.details.date) == ("supplies", dt.date(2026, 11, 23))


def test_a_conversation_survives_a_restart(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=tmp_path / "f")
    first = build_app(settings, FixedClock("2026-11-24T10:00"))
    assert "いつ休みますか" in say(first, "e007", "有給でお休みください")
    first.close()
    second = build_app(settings, FixedClock("2026-11-24T10:05"))
    assert "#1 は自動承認されました。" in say(second, "e007", "12/24")
    req = records.get_request(second.store, 1)
    assert req is not None and isinstance(req.details, LeaveRequest)
    assert (req.details.start, req.details.end, req.details.leave_type) == (
        dt.date(2026, 12, 24),
        dt.date(2026, 12, 24),
        "annual",
    )
    second.close()


def test_cancel_drops_the_unfinished_request(app: App) -> None:
    say(app, "e007", "タクシー 3000円")
    assert say(app, "e007", "キャンセル") == "入力中の申請を取りやめました。"
    assert records.get_conversation(app.store, "e007") is None
    assert records.list_requests(app.store) == []


def test_a_new_request_replaces_an_unfinished_one(app: App) -> None:
    say(app, "e007", "タクシー 3000円")
    assert "#1 は自動承認されました。" in say(app, "e007", "来週金曜 午後半休で")
    assert records.get_conversation(app.store, "e007") is None


def test_leave_in_english_with_a_range_and_half_days(app: App) -> None:
    assert "was approved automatically" in say(app, "e008", "Can I take Friday afternoon off?")
    req = records.get_request(app.store, 1)
    assert req is not None and isinstance(req.details, LeaveRequest)
    assert (req.details.start, req.details.portion) == (dt.date(2026, 11, 27), "pm")
    say(app, "e008", "PTO next Thu-Fri")
    two = records.get_request(app.store, 2)
    assert two is not None and isinstance(two.details, LeaveRequest)
    assert (two.details.start, two.details.end) == (dt.date(2026, 12, 3), dt.date(2026, 12, 4))


def test_status_and_other_messages(app: App) -> None:
    person = app.directory.find("e007")
    assert person is not None
    balance = app.router.handle(Inbound(person, "有給あと何日残ってる？"))
    assert balance[0].card is not None and balance[0].card.title.startswith("有給休暇の残日数")
    assert "経費精算や休暇申請を文章で送ってください" in say(app, "e007", "お疲れ様です！")
    answer = say(app, "e007", "慶弔休暇って何日取れるんでしょうか")
    assert "結婚は5日" in answer and "休暇規程 第10条「特別休暇」" in answer  # answered from the policies, cited


def test_a_question_about_contracts_is_answered_and_a_request_for_a_check_asks_for_the_file(app: App) -> None:
    assert "よくある質問" in say(app, "e007", "NDAは誰が確認しますか?")
    requests = ("このNDAをチェックしてもらえますか?", "Could you review our NDA?", "NDAのチェックお願いします")
    for text in requests:
        assert "契約書のファイル" in say(app, "e007", text), text


def test_free_text_after_a_command_is_understood(app: App) -> None:
    assert "#1 を受け付けましたが、情報が不足しています。" in say(app, "e007", "/expense 昨日のタクシー 3200円")
    req = records.get_request(app.store, 1)
    assert req is not None and isinstance(req.details, ExpenseClaim)
    assert (req.details.amount, req.details.date, req.details.category) == (3200, dt.date(2026, 11, 23), "transport")
    # A /leave command whose text says no date gets the question, not an error.
    assert say(app, "e007", "/leave 有給で休みたいです").startswith("いつ休みますか?")
    assert "#2 は自動承認されました。" in say(app, "e007", "12/24")
