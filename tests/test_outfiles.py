"""Files the bot sends (Reply.file, bot/outfiles.py) reach the person's direct chat only: over the Slack fake
(files.getUploadURLExternal → the bytes → files.completeUploadExternal into the DM, even when asked in a channel),
over Chatwork (POST /rooms/{room}/files to the direct chat; never into a shared room; over 5 MB, a message
instead), and in the console (the path). A command that hands back a file stands in for /export here: what is
tested is the delivery, with the real front doors, outboxes and HTTP clients."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.models import OutFile, Reply
from bot.services import Services
from handlers import Inbound
from tests.test_chatwork import BOT_ID, DIRECT, GROUP, WATANABE, CwEnv
from tests.test_slack import Env

PAYLOAD = "日付,金額\r\n2026/11/20,3200\r\n".encode("cp932")


def file_command(tmp: Path, size: int | None = None) -> object:
    def run(msg: Inbound, args: str, services: Services) -> list[Reply]:
        path = tmp / "out" / "journal.csv"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(PAYLOAD if size is None else b"x" * size)
        os.chmod(path, 0o600)
        return [Reply("ja", "仕訳ファイルを作りました。", file=OutFile(str(path), "journal-2026-11.csv", "text/csv"))]

    return run


@pytest.fixture
def slack(tmp_path: Path) -> Iterator[Env]:
    e = Env(tmp_path)
    e.app.router.commands["sendfile"] = file_command(tmp_path)  # type: ignore[assignment]
    yield e
    e.close()


def test_a_file_asked_for_in_a_channel_arrives_in_the_slack_dm_only(slack: Env) -> None:
    event = {"type": "app_mention", "user": "U0000000003", "text": "<@UBOT> /sendfile", "ts": "1764000000.000300",
             "channel": "C0123"}  # fmt: skip
    assert slack.event(event, "EvF1").status_code == 200
    [done] = slack.fake.wait_for("files.completeUploadExternal")
    assert done["channel_id"] == "D0000000003"  # the DM conversations.open gave, not the channel asked in
    [asked] = slack.fake.of("files.getUploadURLExternal")
    assert asked["filename"] == "journal-2026-11.csv" and int(asked["length"]) == len(PAYLOAD)
    [(file_id, data)] = slack.fake.uploads.items()
    assert data == PAYLOAD and file_id in done["files"]
    assert "仕訳ファイル" in done.get("initial_comment", "")


def test_a_slack_upload_refused_with_429_is_tried_again(slack: Env) -> None:
    slack.fake.fail("files.completeUploadExternal", 429)
    slack.command("/backoffice", "help", user="U0000000003")  # something else still flows
    event = {"type": "message", "channel_type": "im", "user": "U0000000003", "text": "/sendfile",
             "ts": "1764000000.000400", "channel": "D0000000003"}  # fmt: skip
    assert slack.event(event, "EvF2").status_code == 200
    done = slack.fake.wait_for("files.completeUploadExternal", 2)
    assert done[-1]["channel_id"] == "D0000000003"


def cw(tmp_path: Path, contacts: dict[str, str] | None = None, size: int | None = None) -> CwEnv:
    e = CwEnv(tmp_path, contacts=contacts)
    e.app.router.commands["sendfile"] = file_command(tmp_path, size)  # type: ignore[assignment]
    return e


def test_a_file_asked_for_in_a_chatwork_group_goes_to_the_direct_chat(tmp_path: Path) -> None:
    e = cw(tmp_path)
    try:
        e.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n/sendfile")
        e.wait_room(GROUP)
        upload = e.wait(lambda: e.fake.uploads)[0]
        assert upload["room"] == DIRECT[WATANABE] and upload["data"] == PAYLOAD
        assert upload["name"] == "journal-2026-11.csv" and "仕訳ファイル" in upload["message"]
        assert all(u["room"] != GROUP for u in e.fake.uploads)
    finally:
        e.close()


def test_with_no_direct_chat_the_file_is_not_posted_in_the_shared_room(tmp_path: Path) -> None:
    e = cw(tmp_path, contacts={k: v for k, v in DIRECT.items() if k != WATANABE})
    e.chatwork.outbox.fallback_room = GROUP  # CHATWORK_APPROVALS_ROOM: where people without a direct chat hear
    try:
        e.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n/sendfile")
        told = e.wait(lambda: [m for m in e.fake.in_room(GROUP) if "個別チャットでしかお送りできません" in m])
        assert f"[To:{WATANABE}]" in told[0]
        assert e.fake.uploads == []
    finally:
        e.close()


def test_a_file_over_chatworks_5_mb_is_told_not_posted(tmp_path: Path) -> None:
    e = cw(tmp_path, size=5 * 1024 * 1024 + 1)
    try:
        e.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n/sendfile")
        told = e.wait(lambda: [m for m in e.fake.in_room(DIRECT[WATANABE]) if "超えています" in m])
        assert "5 MB" in told[0]
        assert e.fake.uploads == []
    finally:
        e.close()


def test_the_console_shows_where_the_file_is(tmp_path: Path) -> None:
    import io

    from rich.console import Console as RichConsole

    from bot.app import build_app
    from bot.clock import FixedClock
    from bot.config import Settings
    from bot.console import ConsoleChat
    from tests.conftest import ROOT

    app = build_app(Settings(db=tmp_path / "bot.db", knowledge_dir=ROOT / "knowledge",
                             attachments_dir=tmp_path / "f"), FixedClock("2026-11-24T10:00"))  # fmt: skip
    try:
        app.router.commands["sendfile"] = file_command(tmp_path)  # type: ignore[assignment]
        out = io.StringIO()
        chat = ConsoleChat(app, app.directory.require("e003"), io.StringIO("/sendfile\n"), RichConsole(file=out))
        chat.run()
        shown = out.getvalue()
        assert "仕訳ファイルを作りました" in shown and str(tmp_path / "out" / "journal.csv") in shown.replace("\n", "")
    finally:
        app.close()


def test_export_asked_on_slack_by_finance_arrives_as_a_file_in_the_dm(tmp_path: Path) -> None:
    """#16 end to end: claims approved, then finance types `/backoffice export 2026-11 mf` and gets the MF file."""
    e = Env(tmp_path)
    try:
        e.command("/expense", "500 supplies 2026-11-20 ボールペン", user="U0000000007")
        e.fake.wait_for("webhook", 2)  # 「#1 は自動承認されました」: the claim waits for the books
        assert e.command("/backoffice", "export 2026-11 mf", user="U0000000003").status_code == 200
        [done] = e.fake.wait_for("files.completeUploadExternal")
        assert done["channel_id"] == "D0000000003"
        [data] = e.fake.uploads.values()
        text = data.decode("cp932")
        assert text.startswith("取引No,取引日") and "消耗品費" in text and "500" in text
        assert "\r\n" in text
    finally:
        e.close()
