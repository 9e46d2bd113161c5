"""A My Number typed in chat is never stored (#13): masked at intake, before the inbox row is written.

Through the real inbox, router, handlers, workflow and store on a real SQLite file: the console front door in
process, and Slack and Chatwork end to end (signed requests on loopback, fake platform APIs). After each message
the WHOLE database (main file, -wal, -shm) and every other file the bot wrote are searched for the number's
digits; the sender is told politely, HR is told without the number, and the rest of the message is handled.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import respx

from bot import privacy
from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.console import ConsoleWork
from bot.i18n import t
from bot.models import Reply
from bot.store import records
from tests.fake_openai import BASE_URL, COMPLETIONS, MODEL, api_error
from tests.loopback import wait_until

ROOT = Path(__file__).resolve().parents[1]
WATANABE, CLARK, TAKAHASHI_HR = "e007", "e008", "e004"
ZWSP = "\u200b"
CARD_NUMBER = "4111 1111 1111 1111"  # Luhn-valid test card


def settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        db=tmp_path / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=tmp_path / "files", **extra
    )


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    a = build_app(settings(tmp_path), FixedClock("2026-11-24T10:00"))
    yield a
    a.close()


def console(app: App) -> ConsoleWork:
    work = ConsoleWork(app)
    app.inbox.register("console", work)
    return work


def say(app: App, work: ConsoleWork, who: str, text: str) -> list[Reply]:
    return work.say(app.directory.require(who), text)


def everything_written(tmp_path: Path) -> bytes:
    """Every byte of every file under the test's directory: bot.db, bot.db-wal, bot.db-shm, attachments, keys."""
    return b"".join(p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file())


def assert_nowhere(data: bytes, typed: str) -> None:
    """Neither the number as typed nor its digits (bare, or grouped the usual ways) are in `data`."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", typed))
    forms = {typed, digits, " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))}
    forms.add("-".join(digits[i : i + 4] for i in range(0, len(digits), 4)))
    for form in forms:
        assert form.encode("utf-8") not in data, form
        assert json.dumps(form).encode("ascii") not in data, form  # as a JSON string with \u escapes


def hr_notifications(app: App, who: str = TAKAHASHI_HR) -> list[dict[str, Any]]:
    return [r for r in records.undelivered(app.store, who) if r["event"] == privacy.EVENT]


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


# -- the console, in process -----------------------------------------------------------------------

MY_NUMBER_FORMS = [
    "621498320257",
    "6214 9832 0257",
    "6214-9832-0257",
    "６２１４９８３２０２５７",
    f"6214{ZWSP}9832{ZWSP}0257",
    "6 2 1 4 9 8 3 2 0 2 5 7",
    "1234.5678.9018",
]


@pytest.mark.parametrize("number", MY_NUMBER_FORMS)
def test_a_my_number_in_a_claim_is_never_stored_the_claim_is_filed_and_sender_and_hr_are_told(
    app: App, tmp_path: Path, number: str
) -> None:
    work = console(app)
    replies = say(app, work, WATANABE, f"/expense 2400 meeting 2026-11-23 打ち合わせ弁当 個人番号 {number}")

    # The claim is filed from the rest of the message, with the number masked in its description.
    assert "#1 を申請しました。" in texts(replies)
    req = records.get_request(app.store, 1)
    assert req is not None and req.details.description == "打ち合わせ弁当 個人番号 [個人番号削除]"
    # The sender is told, politely and in their language.
    assert t("privacy.sender.MY_NUMBER", "ja") in texts(replies)
    # HR is told who sent one and where, never the number.
    (note,) = hr_notifications(app)
    assert note["data"] == {"from": WATANABE, "platform": "console", "kinds": ["MY_NUMBER"]}
    shown = privacy.notification_reply(note["data"], app.services, app.directory.require(TAKAHASHI_HR)).text
    assert "渡辺 翔太" in shown and "コンソール" in shown and "マイナンバー" in shown
    assert not re.search(r"\d{4}", unicodedata.normalize("NFKC", shown))
    # Nothing anywhere on disk holds it: inbox, requests, audit, outbox, notifications, the WAL.
    assert_nowhere(everything_written(tmp_path), number)


def test_free_text_with_a_my_number_is_still_understood_and_the_number_is_gone(app: App, tmp_path: Path) -> None:
    work = console(app)
    replies = say(app, work, WATANABE, "昨日の客先タクシー代 3,200円 マイナンバーは 6214-9832-0257 です")
    assert "#1 を" in texts(replies)
    req = records.get_request(app.store, 1)
    assert req is not None and req.details.amount == 3200
    assert "[個人番号削除]" in req.details.description
    assert len(hr_notifications(app)) == 1
    assert_nowhere(everything_written(tmp_path), "6214-9832-0257")


def test_an_english_speaker_is_told_in_english_and_the_mark_reads_english(app: App, tmp_path: Path) -> None:
    work = console(app)
    replies = say(app, work, CLARK, "/expense 2400 meeting 2026-11-23 team lunch, my number 6214 9832 0257")
    assert "Your message contained a My Number" in texts(replies)
    req = records.get_request(app.store, 1)
    assert req is not None and req.details.description == "team lunch, my number [MY NUMBER REMOVED]"
    # HR reads it in their own language, naming the sender.
    (note,) = hr_notifications(app)
    shown = privacy.notification_reply(note["data"], app.services, app.directory.require(TAKAHASHI_HR)).text
    assert shown.startswith("エミリー・クラークさんからコンソールで")
    assert_nowhere(everything_written(tmp_path), "6214 9832 0257")


def test_a_message_that_is_only_a_my_number_is_answered_and_nothing_of_it_is_kept(app: App, tmp_path: Path) -> None:
    work = console(app)
    replies = say(app, work, WATANABE, "621498320257")
    assert t("privacy.sender.MY_NUMBER", "ja") in texts(replies)
    assert records.list_requests(app.store) == []
    assert_nowhere(everything_written(tmp_path), "621498320257")


def test_a_card_number_is_dropped_too_and_hr_is_told_which_kind(app: App, tmp_path: Path) -> None:
    work = console(app)
    replies = say(app, work, WATANABE, f"/expense 5800 supplies 2026-11-20 ケーブル カード {CARD_NUMBER} で購入")
    assert "#1 を" in texts(replies)
    assert t("privacy.sender.CARD", "ja") in texts(replies)
    assert t("privacy.sender.MY_NUMBER", "ja") not in texts(replies)
    req = records.get_request(app.store, 1)
    assert req is not None and "[カード番号削除]" in req.details.description
    (note,) = hr_notifications(app)
    assert note["data"]["kinds"] == ["CARD"]
    assert_nowhere(everything_written(tmp_path), CARD_NUMBER)


def test_a_number_that_only_looks_like_one_is_kept_and_nobody_is_bothered(app: App) -> None:
    work = console(app)
    # 12 digits with a wrong check digit and no label (a receipt number), a 16-digit reference failing Luhn.
    replies = say(
        app, work, WATANABE, "/expense 2400 meeting 2026-11-23 弁当 領収書 123456789012 伝票 1234 5678 1234 5678"
    )
    req = records.get_request(app.store, 1)
    assert req is not None and req.details.description == "弁当 領収書 123456789012 伝票 1234 5678 1234 5678"
    assert hr_notifications(app) == []
    assert t("privacy.sender.rest", "ja") not in texts(replies)


def test_a_mark_typed_by_a_person_raises_nothing(app: App) -> None:
    work = console(app)
    replies = say(app, work, WATANABE, "/expense 2400 meeting 2026-11-23 弁当 [個人番号削除] ［MY NUMBER REMOVED］")
    assert hr_notifications(app) == []
    assert t("privacy.sender.rest", "ja") not in texts(replies)


def test_with_card_dropping_off_the_card_is_kept_but_never_reaches_the_model(tmp_path: Path) -> None:
    app = build_app(
        settings(tmp_path, drop_card_numbers=False, engine="llm", openai_model=MODEL, openai_base_url=BASE_URL),
        FixedClock("2026-11-24T10:00"),
    )
    try:
        with respx.mock(assert_all_mocked=True) as http:
            route = http.post(COMPLETIONS).mock(
                return_value=api_error(401, "Incorrect API key", "invalid_request_error")
            )
            work = console(app)
            replies = say(app, work, WATANABE, f"昨日の文房具 5,800円 カード {CARD_NUMBER} で払いました")
        assert route.called
        sent = "".join(call.request.content.decode("utf-8") for call in route.calls)
        assert "4111" not in sent and "[CARD_1]" in sent
        assert t("privacy.sender.CARD", "ja") not in texts(replies)
        assert hr_notifications(app) == []
        assert CARD_NUMBER.encode() in everything_written(tmp_path)  # kept, as configured
    finally:
        app.close()


def test_the_setting_reaches_the_inbox(tmp_path: Path) -> None:
    app = build_app(settings(tmp_path, drop_card_numbers=False), FixedClock("2026-11-24T10:00"))
    try:
        assert app.inbox.drop_card_numbers is False
    finally:
        app.close()


def test_hr_reads_the_notification_on_every_platform(app: App) -> None:
    from bot.cards import notification_reply

    hr = app.directory.require(TAKAHASHI_HR)
    data = {"from": WATANABE, "platform": "slack", "kinds": ["MY_NUMBER"]}
    reply = notification_reply(privacy.EVENT, None, data, app.services, hr)
    assert reply.text == privacy.notification_text(data, app.services, "ja")


# -- which strings of a payload are masked ---------------------------------------------------------


def test_ids_timestamps_urls_and_markup_are_never_touched_only_what_a_person_typed() -> None:
    valid = "621498320257"  # a check-digit-valid 12-digit string where ids live
    luhn = "4111111111111111"
    slack = {
        "user": "U0000000007",
        "event": {
            "text": f"<@U0BOT> 個人番号 {valid} <https://example.com/r/{valid}|link>",
            "ts": f"{valid}.000100",
            "thread_ts": f"{valid}.000001",
            "channel": "D0000000007",
            "files": [{"id": f"F{valid}", "name": f"scan {valid}.pdf", "url_private_download": f"https://f/{valid}"}],
        },
        "response_url": f"https://hooks.slack.com/commands/T1/{valid}/x",
        "trigger_id": f"{valid}.{luhn}",
        "view": {"id": "V1", "hash": valid, "state": {"values": {"d": {"v": {"value": f"昼食 {valid}"}}}}},
    }
    masked, kinds = privacy.mask_payload(slack, privacy.dropping(True), "slack")
    assert kinds == {"MY_NUMBER"}
    assert masked["event"]["text"] == f"<@U0BOT> 個人番号 [個人番号削除] <https://example.com/r/{valid}|link>"
    assert masked["event"]["ts"] == slack["event"]["ts"] and masked["event"]["thread_ts"] == slack["event"]["thread_ts"]
    assert masked["event"]["files"][0]["id"] == f"F{valid}"
    assert masked["event"]["files"][0]["name"] == "scan [MY NUMBER REMOVED].pdf"
    assert masked["event"]["files"][0]["url_private_download"] == f"https://f/{valid}"
    assert masked["response_url"] == slack["response_url"] and masked["trigger_id"] == slack["trigger_id"]
    assert (
        masked["view"]["hash"] == valid
        and masked["view"]["state"]["values"]["d"]["v"]["value"] == "昼食 [個人番号削除]"
    )
    assert slack["event"]["text"].endswith("|link>") and valid in slack["event"]["text"]  # the caller's dict untouched

    assert luhn_valid_16(luhn)
    header = f"[rp aid=1000001 to=300-{luhn}] 経費ボットさん\n[To:1000002] "
    chatwork = {
        "webhook_setting_id": valid,
        "webhook_event_type": "mention_to_me",
        "webhook_event": {
            "message_id": luhn,
            "room_id": 300,
            "body": f"{header}カード {CARD_NUMBER} マイナンバー {valid}",
        },
    }
    masked, kinds = privacy.mask_payload(chatwork, privacy.dropping(True), "chatwork")
    assert kinds == {"MY_NUMBER", "CARD"}
    event = masked["webhook_event"]
    assert event["message_id"] == luhn and masked["webhook_setting_id"] == valid
    assert event["body"] == f"{header}カード [カード番号削除] マイナンバー [個人番号削除]"

    masked, kinds = privacy.mask_payload(chatwork, privacy.dropping(False), "chatwork")
    assert kinds == {"MY_NUMBER"} and CARD_NUMBER in masked["webhook_event"]["body"]


def luhn_valid_16(number: str) -> bool:
    from bot.understanding.redact import luhn_valid

    return len(number) == 16 and luhn_valid(number)


def test_the_inbox_row_records_which_kinds_were_dropped_never_the_values(app: App) -> None:
    app.inbox.accept(
        "console:x", "console", "line", f"console:{WATANABE}", {"user": WATANABE, "text": "番号 621498320257"}
    )
    (row,) = app.store.query("SELECT payload FROM inbox")
    assert json.loads(row["payload"]) == {
        "user": WATANABE,
        "text": "番号 [個人番号削除]",
        privacy.DROPPED_KEY: ["MY_NUMBER"],
    }


# -- Slack and Chatwork, end to end ----------------------------------------------------------------


def test_slack_a_command_a_direct_message_and_a_form_never_store_the_number(tmp_path: Path) -> None:
    from tests.test_slack import CLARK as CLARK_SLACK
    from tests.test_slack import Env, form_view, submit_form

    env = Env(tmp_path)
    try:
        env.command("/expense", "昨日の打ち合わせのお弁当 2,400円 個人番号 6214.9832.0257")
        event = {"type": "message", "channel_type": "im", "user": CLARK_SLACK, "channel": "D0000000008",
                 "text": f"Taxi to the client yesterday 3,200 yen. My Number 6214{ZWSP}9832{ZWSP}0257",
                 "ts": "1764000000.000200"}  # fmt: skip
        assert env.event(event, "Ev0P1").status_code == 200
        wait_until(lambda: len(records.list_requests(env.app.store)) == 2, timeout=20)
        sent = lambda: json.dumps(env.fake.calls, ensure_ascii=False)  # noqa: E731
        wait_until(lambda: t("privacy.sender.MY_NUMBER", "ja") in sent(), timeout=20)
        wait_until(lambda: t("privacy.sender.MY_NUMBER", "en") in sent(), timeout=20)
        # The DM is answered in its own channel, the claim filed with the number masked.
        to_clark = [m for m in env.fake.of("chat.postMessage") if m.get("channel") == "D0000000008"]
        assert any(re.search(r"#[12] ", json.dumps(m, ensure_ascii=False)) for m in to_clark)
        descriptions = sorted(r.details.description for r in records.list_requests(env.app.store))
        assert any("[MY NUMBER REMOVED]" in d for d in descriptions)
        assert any("[個人番号削除]" in d for d in descriptions)
        assert len(hr_notifications_any(env.app)) == 2

        # A form's fields are kept in the view's state: masked there too.
        env.command("/expense", "")
        opened = env.fake.wait_for("views.open")[0]["view"]
        good = submit_form(env, form_view(opened, {
            "amount": {"type": "plain_text_input", "value": "2,400円"},
            "date": {"type": "datepicker", "selected_date": "2026-11-20"},
            "category": {"type": "static_select", "selected_option": {"value": "meeting"}},
            "description": {"type": "plain_text_input", "value": "定例のお弁当 マイナンバー 1234 5678 9018"},
            "attendees": {"type": "plain_text_input", "value": "6"},
        }))  # fmt: skip
        assert good.status_code == 200
        wait_until(lambda: records.get_request(env.app.store, 3) is not None, timeout=20)
        req = records.get_request(env.app.store, 3)
        assert req is not None and req.details.description == "定例のお弁当 マイナンバー [個人番号削除]"
        wait_until(lambda: env.app.inbox.counts().get("pending", 0) == 0, timeout=20)
        time.sleep(0.3)  # the last replies leave the outbox
        for number in ("6214.9832.0257", "621498320257", "1234 5678 9018"):
            assert_nowhere(everything_written(tmp_path), number)
            assert re.sub(r"\D", "", number) not in re.sub(r"\D", "", sent())  # nor in anything sent to Slack
    finally:
        env.close()


def hr_notifications_any(app: App) -> list[dict[str, Any]]:
    rows = app.store.query("SELECT * FROM notifications WHERE event = ?", (privacy.EVENT,))
    return [{**r, "data": json.loads(r["data"])} for r in rows]


def test_chatwork_a_mention_with_a_my_number_is_answered_in_its_thread_and_nothing_keeps_it(tmp_path: Path) -> None:
    from tests.fake_chatwork import BOT_ID
    from tests.test_chatwork import GROUP, CwEnv
    from tests.test_chatwork import WATANABE as WATANABE_CW

    env = CwEnv(tmp_path)
    try:
        answer, asked = env.say(
            WATANABE_CW, f"[To:{BOT_ID}] 経費ボットさん\n昨日の打ち合わせのお弁当 2,400円 個人番号 6214 9832 0257"
        )
        assert answer.text == "ok"
        replies = env.wait_room(GROUP, 2)
        assert all(r.startswith(f"[rp aid={WATANABE_CW} to={GROUP}-{asked}]") for r in replies)
        assert any("#1 を申請しました。" in r for r in replies)
        assert any(t("privacy.sender.MY_NUMBER", "ja") in r for r in replies)
        req = records.get_request(env.app.store, 1)
        assert req is not None and "[個人番号削除]" in req.details.description
        (note,) = hr_notifications_any(env.app)
        assert note["data"] == {"from": "e007", "platform": "chatwork", "kinds": ["MY_NUMBER"]}
        wait_until(lambda: env.app.inbox.counts().get("pending", 0) == 0, timeout=20)
        assert_nowhere(everything_written(tmp_path), "6214 9832 0257")
        assert "621498320257" not in re.sub(r"\D", "", json.dumps(env.fake.messages))
    finally:
        env.close()
