"""/pending and /mine as compact lists, one line a request, with /show N for the full card.

Real router, real SQLite file, the demo company (knowledge/org.yaml): e001 Yamada (CEO), e003 Suzuki (finance),
e006 Ito (engineering manager; e007 is his delegate), e007 Watanabe, e008 Clark (English), e009 Nakamura.
Ages are working days on the company calendar: Monday 23 November 2026 is 勤労感謝の日, so a claim from
Friday the 20th has waited one working day on Tuesday the 24th, not four.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from bot import lists
from bot.app import App
from bot.chatwork import markup
from bot.clock import FixedClock
from bot.models import ContractReview, ExpenseClaim, LeaveRequest, Reply, Request, Status
from bot.scheduler import Scheduler
from bot.slack import blocks
from bot.slack.app import SlackFrontDoor
from bot.store import records
from handlers import Inbound

THU, FRI, TUE, THU_NEXT = "2026-11-19T10:00", "2026-11-20T10:00", "2026-11-24T10:00", "2026-11-26T10:00"


def say(app: App, who: str, text: str, platform: str = "console", locale: str | None = None) -> list[Reply]:
    person = app.directory.find(who)
    assert person is not None
    if locale:  # the directory's setting wins over the platform's, so the test sets it on the person
        person = dataclasses.replace(person, locale=locale)
    return app.router.handle(Inbound(person, text, platform=platform))


def text(replies: list[Reply]) -> str:
    assert len(replies) == 1 and replies[0].card is None, replies
    return replies[0].text


def at(app: App, moment: str) -> None:
    clock = app.services.clock
    assert isinstance(clock, FixedClock)
    clock.set(moment)


def receipt(app: App) -> Path:
    path = Path(app.settings.attachments_dir).parent / "receipt.pdf"
    path.write_bytes(b"%PDF-1.4 receipt")
    return path


@pytest.fixture
def queue(app: App) -> App:
    """Two requests waiting for Ito: Watanabe's shinkansen fare (Thursday), Clark's three days off (Friday)."""
    at(app, THU)
    assert "伊藤 大輔さんの承認待ち" in say(app, "e007", "/expense 6000 transport 2026-11-19 新幹線 大阪出張")[0].text
    at(app, FRI)
    assert "waits for Daisuke Ito" in say(app, "e008", "/leave 2026-12-14 2026-12-16")[0].text
    at(app, TUE)
    return app


# -- /pending ----------------------------------------------------------------------------------


def test_pending_is_one_line_a_request_with_its_age_in_working_days(queue: App) -> None:
    assert not queue.services.rules.calendar.is_working_day(dt.date(2026, 11, 23))  # 勤労感謝の日
    assert text(say(queue, "e006", "/pending")) == (
        "あなたの承認待ち(2件・古い順)\n"
        "#1 渡辺 翔太 経費 交通費 ¥6,000 · 2営業日前から\n"
        "#2 エミリー・クラーク 休暇 有給 12/14–12/16 · 1営業日前から\n"
        "詳細は /show 1"
    )


def test_pending_in_english(queue: App) -> None:
    assert text(say(queue, "e006", "/pending", locale="en")) == (
        "Waiting for your approval (2, oldest first)\n"
        "#1 Shota Watanabe expense transport ¥6,000 · 2 working days\n"
        "#2 Emily Clark annual leave Dec 14–16 · 1 working day\n"
        "Details: /show 1"
    )


def test_a_delegate_sees_the_queue_they_stand_in_for_but_never_their_own_request(queue: App) -> None:
    assert text(say(queue, "e007", "/pending")) == (
        "あなたの承認待ち(1件・古い順)\n"
        "#2 エミリー・クラーク 休暇 有給 12/14–12/16 · 1営業日前から · 伊藤 大輔さんの代理\n"
        "詳細は /show 2"
    )


def test_a_later_step_waits_from_the_decision_before_it_not_from_the_submission(app: App) -> None:
    # Software goes to the manager and then finance (E6). Filed Wednesday, Ito approves on Friday:
    # on Tuesday finance has waited one working day (the holiday between), not four.
    at(app, "2026-11-18T10:00")
    say(app, "e009", f"/expense 20000 software 2026-11-18 IDEライセンス receipt={receipt(app)}")
    at(app, FRI)
    assert "#1 を承認しました。" in say(app, "e006", "/approve 1")[0].text
    at(app, TUE)
    step = records.get_steps(app.store, 1)[1]
    assert step.role == "finance" and step.status == "pending" and step.approver_id
    assert text(say(app, step.approver_id, "/pending")) == (
        "あなたの承認待ち(1件・古い順)\n#1 中村 結衣 経費 ソフトウェア ¥20,000 · 1営業日前から\n詳細は /show 1"
    )


def test_an_escalated_request_is_marked_and_its_wait_starts_again(queue: App) -> None:
    # Ito's own leave waits for his manager, the CEO, from Tuesday.
    assert "山田 光さんの承認待ち" in say(queue, "e006", "/leave 2026-12-21 2026-12-23")[0].text
    # Thursday: #1 (filed Thursday the 19th) is past its three working days and goes up to the CEO.
    at(queue, THU_NEXT)
    assert any(d.job == "escalate" and d.request_id == 1 for d in Scheduler(queue.services).tick())
    assert text(say(queue, "e001", "/pending")) == (
        "あなたの承認待ち(2件・古い順)\n"
        "#3 伊藤 大輔 休暇 有給 12/21–12/23 · 2営業日前から\n"
        "#1 渡辺 翔太 経費 交通費 ¥6,000 · 今日から · ⤴ 伊藤 大輔さんからエスカレーション\n"
        "詳細は /show 3"
    )
    assert "⤴ escalated from Daisuke Ito" in text(say(queue, "e001", "/pending", locale="en"))
    assert "#1 " not in text(say(queue, "e006", "/pending"))  # no longer Ito's to decide
    assert text(say(queue, "e007", "/mine")) == (
        "あなたの申請(新しい順)\n"
        "#1 経費 交通費 ¥6,000 · 承認待ち(山田 光さん) · 今日から · ⤴ エスカレーション済み\n"
        "詳細は /show 1"
    )
    # The one it was escalated away from may still read it; the one it went to may decide it.
    assert say(queue, "e006", "/show 1")[0].card is not None
    card = say(queue, "e001", "/show 1")[0].card
    assert card is not None and [a.id for a in card.actions] == ["approve", "reject", "request_changes"]


def test_a_long_queue_is_cut_and_says_how_many_more(app: App) -> None:
    at(app, THU)
    people = ("e007", "e008", "e009", "e010")
    for n in range(32):
        say(app, people[n % 4], f"/expense {6001 + n} transport 2026-11-19 新幹線")
    at(app, TUE)
    lines = text(say(app, "e006", "/pending")).split("\n")
    assert lines[0] == "あなたの承認待ち(32件・古い順)"
    assert len([line for line in lines if line.startswith("#")]) == lists.PENDING_CAP
    assert lines[1].startswith("#1 渡辺 翔太 経費 交通費 ¥6,001") and lines[30].startswith("#30 ")
    assert lines[-2:] == ["ほかに2件あります(古い順に30件を表示)。", "詳細は /show 1"]
    assert "…and 2 more (the oldest 30 are shown)." in text(say(app, "e006", "/pending", locale="en"))


def test_nothing_waiting_is_said_in_one_friendly_line(app: App) -> None:
    assert text(say(app, "e006", "/pending")) == "承認待ちの申請はありません。"
    assert text(say(app, "e006", "/pending", locale="en")) == "Nothing is waiting for your approval."
    assert text(say(app, "e007", "/mine")) == "申請はまだありません。"
    assert text(say(app, "e008", "/mine")) == "You have no requests yet."


# -- /mine -------------------------------------------------------------------------------------


def test_mine_says_where_each_request_stands_newest_first(app: App) -> None:
    at(app, FRI)
    say(app, "e007", "/expense 3200 transport 2026-11-19 電車 渋谷→新宿")  # 1: approved by the rules
    say(app, "e007", "/expense 6000 transport 2026-11-19 新幹線")  # 2: waits for Ito
    say(app, "e007", "/expense 7000 transport 2026-11-19 新幹線 横浜")  # 3: sent back
    say(app, "e007", "/expense 8000 transport 2026-11-19 新幹線 名古屋")  # 4: rejected
    say(app, "e007", "/expense 9000 transport 2026-11-19 新幹線 静岡")  # 5: withdrawn
    say(app, "e007", "/expense 4000 supplies 2026-11-19 マウス")  # 6: no receipt yet
    say(app, "e007", "/leave 2026-12-24 pm")  # 7: a half day, approved by the rules
    say(app, "e006", "/changes 3 領収書の区間を書いてください")
    say(app, "e006", "/reject 4 重複です")
    say(app, "e007", "/cancel 5")
    at(app, TUE)
    assert text(say(app, "e007", "/mine")) == (
        "あなたの申請(新しい順)\n"
        "#7 休暇 有給 12/24 午後 · 承認済み\n"
        "#6 経費 消耗品費 ¥4,000 · 要対応(情報不足) · 1営業日前から\n"
        "#5 経費 交通費 ¥9,000 · 取消\n"
        "#4 経費 交通費 ¥8,000 · 却下\n"
        "#3 経費 交通費 ¥7,000 · 差戻し(伊藤 大輔さん) · 1営業日前から\n"
        "#2 経費 交通費 ¥6,000 · 承認待ち(伊藤 大輔さん) · 1営業日前から\n"
        "#1 経費 交通費 ¥3,200 · 承認済み\n"
        "詳細は /show 7"
    )
    assert text(say(app, "e007", "/mine", locale="en")) == (
        "Your requests (newest first)\n"
        "#7 annual leave Dec 24 pm · approved\n"
        "#6 expense supplies ¥4,000 · needs information from you · 1 working day\n"
        "#5 expense transport ¥9,000 · cancelled\n"
        "#4 expense transport ¥8,000 · rejected\n"
        "#3 expense transport ¥7,000 · sent back by Daisuke Ito · 1 working day\n"
        "#2 expense transport ¥6,000 · waiting for Daisuke Ito · 1 working day\n"
        "#1 expense transport ¥3,200 · approved\n"
        "Details: /show 7"
    )


def test_a_lapsed_claim_says_so(app: App) -> None:
    say(app, "e007", "/expense 4000 supplies 2026-11-20 マウス")
    assert app.services.workflow.lapse(1, 10).ok
    assert "#1 経費 消耗品費 ¥4,000 · 期限切れで取消" in text(say(app, "e007", "/mine"))
    assert "#1 expense supplies ¥4,000 · lapsed" in text(say(app, "e007", "/mine", locale="en"))


def test_mine_shows_the_last_twenty(app: App) -> None:
    for n in range(21):
        say(app, "e007", f"/expense {500 + n} transport 2026-11-20 電車")
    lines = text(say(app, "e007", "/mine")).split("\n")
    numbered = [line for line in lines if line.startswith("#")]
    assert len(numbered) == lists.MINE_CAP
    assert numbered[0] == "#21 経費 交通費 ¥520 · 承認済み" and numbered[-1].startswith("#2 ")
    assert lines[-2:] == ["最新20件を表示しています。", "詳細は /show 21"]


# -- /show N: the full card, for those who may see it --------------------------------------------


def test_show_is_the_full_card_for_those_involved_and_the_back_office_only(queue: App) -> None:
    approver = say(queue, "e006", "/show 1")[0].card
    assert approver is not None and approver.title == "経費精算 #1"
    assert [a.id for a in approver.actions] == ["approve", "reject", "request_changes"]
    assert any("新幹線 大阪出張" in value for _, value in approver.fields)
    own = say(queue, "e007", "/show 1")[0].card
    assert own is not None and [a.id for a in own.actions] == ["cancel"]
    assert say(queue, "e003", "/show 1")[0].card is not None  # finance
    assert text(say(queue, "e009", "/show 1")) == "#1 という申請は見つかりません。"  # a colleague: not there
    assert text(say(queue, "e009", "/show 1", locale="en")) == "There is no request #1."


# -- each front door -----------------------------------------------------------------------------


def test_slack_gets_the_list_as_mrkdwn_lines(queue: App) -> None:
    fallback, shown = blocks.reply_blocks(say(queue, "e006", "/pending", platform="slack")[0])
    assert [b["type"] for b in shown] == ["section"]
    assert shown[0]["text"]["type"] == "mrkdwn"
    assert shown[0]["text"]["text"] == (
        "*あなたの承認待ち(2件・古い順)*\n"
        "*#1* 渡辺 翔太 経費 交通費 ¥6,000 · 2営業日前から\n"
        "*#2* エミリー・クラーク 休暇 有給 12/14–12/16 · 1営業日前から\n"
        "詳細は `/backoffice show 1`"  # Slack's own slash command, with the word
    )
    assert "渡辺 翔太" in fallback
    # What the hint says works (tests/test_slack.py types it over the Slack fake).
    assert SlackFrontDoor._command_text("/backoffice", "show 1") == "/show 1"


def test_chatwork_and_the_console_get_plain_lines(queue: App) -> None:
    body = markup.render(say(queue, "e006", "/pending", platform="chatwork")[0])
    assert body == (
        "あなたの承認待ち(2件・古い順)\n"
        "#1 渡辺 翔太 経費 交通費 ¥6,000 · 2営業日前から\n"
        "#2 エミリー・クラーク 休暇 有給 12/14–12/16 · 1営業日前から\n"
        "詳細は /show 1"
    )
    assert "[info]" not in body and "*" not in body
    assert "*" not in text(say(queue, "e006", "/pending", platform="console"))


def test_a_counterparty_with_chatwork_tags_is_defused_on_chatwork(app: App) -> None:
    req = Request(
        id=9, kind="contract", requester_id="e007", status=Status.PENDING,
        details=ContractReview(title="NDA", counterparty="[toall]株式会社ABC"),
    )  # fmt: skip
    line = lists.what_text(req, dt.date(2026, 11, 24), "ja")
    assert markup.render(Reply("ja", line)) == "契約 ［toall]株式会社ABC"


# -- the words of one line -------------------------------------------------------------------------


TODAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("leave", "ja", "en"),
    [
        (LeaveRequest("annual", dt.date(2026, 12, 24), dt.date(2026, 12, 24), "pm"), "12/24 午後", "Dec 24 pm"),
        (LeaveRequest("annual", dt.date(2026, 12, 24), dt.date(2026, 12, 24), "am"), "12/24 午前", "Dec 24 am"),
        (LeaveRequest("annual", dt.date(2026, 12, 24), dt.date(2026, 12, 24)), "12/24", "Dec 24"),
        (LeaveRequest("annual", dt.date(2026, 12, 1), dt.date(2026, 12, 1), "hours", 2), "12/1 2時間", "Dec 1 2h"),
        (LeaveRequest("sick", dt.date(2026, 12, 14), dt.date(2026, 12, 16)), "12/14–12/16", "Dec 14–16"),
        (LeaveRequest("annual", dt.date(2026, 11, 30), dt.date(2026, 12, 2)), "11/30–12/2", "Nov 30–Dec 2"),
        (LeaveRequest("annual", dt.date(2027, 1, 5), dt.date(2027, 1, 5)), "2027/1/5", "Jan 5, 2027"),
        (
            LeaveRequest("annual", dt.date(2026, 12, 28), dt.date(2027, 1, 5)),
            "12/28–2027/1/5",
            "Dec 28–Jan 5, 2027",
        ),
    ],
)
def test_leave_dates_are_short(leave: LeaveRequest, ja: str, en: str) -> None:
    assert lists.leave_dates(leave, TODAY, "ja") == ja
    assert lists.leave_dates(leave, TODAY, "en") == en


def test_what_a_request_is_in_a_few_words() -> None:
    def of(details: ExpenseClaim | LeaveRequest | ContractReview) -> Request:
        return Request(id=1, kind=details.kind, requester_id="e007", details=details)

    contract = of(ContractReview(title="業務委託契約書.pdf", counterparty="株式会社ABC", amount_yen=500000))
    assert lists.what_text(contract, TODAY, "ja") == "契約 株式会社ABC ¥500,000"
    assert lists.what_text(contract, TODAY, "en") == "contract 株式会社ABC ¥500,000"
    unnamed = of(ContractReview(title="NDA draft"))
    assert lists.what_text(unnamed, TODAY, "en") == "contract NDA draft"  # no counterparty read: its title
    foreign = of(ExpenseClaim(Decimal("45.20"), TODAY, "books", currency="USD"))
    assert lists.what_text(foreign, TODAY, "ja") == "経費 書籍代 45.20 USD"
    sick = of(LeaveRequest("sick", dt.date(2026, 12, 1), dt.date(2026, 12, 1)))
    assert lists.what_text(sick, TODAY, "ja") == "休暇 病気休暇 12/1"
    assert lists.what_text(sick, TODAY, "en") == "sick leave Dec 1"


def test_ages_count_working_days_only(app: App) -> None:
    cal = app.services.rules.calendar
    fri, tue = dt.date(2026, 11, 20), dt.date(2026, 11, 24)
    assert lists.working_days_waited(cal, fri, tue) == 1  # Sat, Sun, the Monday holiday do not count
    assert lists.working_days_waited(cal, tue, tue) == 0
    assert lists.age_text(cal, dt.date(2026, 11, 19), tue, "ja") == "2営業日前から"
    assert lists.age_text(cal, dt.date(2026, 11, 19), tue, "en") == "2 working days"
    # Across the year-end closure (12-29..01-03): from 28 December to 4 January is one working day.
    assert lists.working_days_waited(cal, dt.date(2026, 12, 28), dt.date(2027, 1, 4)) == 1
