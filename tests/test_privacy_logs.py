"""Logs carry ids and sizes, never a message (#13): at DEBUG the libraries print request and response bodies
(slack_sdk every Web API call's JSON, slack_bolt what it answers), so bot.privacy.configure_logging drops their
records below WARNING whatever level is set, cuts bodies out of the ones kept and redacts personal data."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import privacy
from bot.store import records
from tests.loopback import wait_until

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Logger levels and handler filters as they were: configure_logging changes the process's logging."""
    levels = {
        name: made.level for name, made in logging.Logger.manager.loggerDict.items() if isinstance(made, logging.Logger)
    }
    root_level = logging.getLogger().level
    yield
    for name, made in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(made, logging.Logger):
            made.setLevel(levels.get(name, logging.NOTSET))
    logging.getLogger().setLevel(root_level)
    for handler in logging.getLogger().handlers:
        for f in [f for f in handler.filters if isinstance(f, privacy.PrivacyFilter)]:
            handler.removeFilter(f)


def test_at_debug_no_message_body_reaches_the_log_through_slack(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, restore_logging: None
) -> None:
    from tests.test_slack import Env

    caplog.set_level(logging.DEBUG)  # BACKOFFICE_LOG_LEVEL=DEBUG with a plain logging.basicConfig
    env = Env(tmp_path)
    try:
        # The card to the approver goes through slack_sdk, which prints its JSON at DEBUG unless filtered. (Not
        # shown leaking first: other tests' CLI runs leave the process's logging configured, so that premise
        # depends on test order.)
        privacy.configure_logging("DEBUG")
        env.command("/expense", "昨日の打ち合わせ OKAPISUSHI 2,400円 個人番号 6214 9832 0257")
        wait_until(lambda: records.get_request(env.app.store, 1) is not None, timeout=20)
        wait_until(
            lambda: any("OKAPISUSHI" in json.dumps(a, ensure_ascii=False) for a in env.fake.of("chat.postMessage")),
            timeout=20,
        )
        wait_until(lambda: env.app.inbox.counts().get("pending", 0) == 0, timeout=20)
    finally:
        env.close()
    logged = caplog.text
    assert "OKAPISUSHI" not in logged and "打ち合わせ" not in logged
    assert "6214" not in logged and "621498320257" not in logged
    # Our own records are still there, with ids and kinds only.
    assert any(r.name == "bot.inbox" and "MY_NUMBER removed at intake" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.name.startswith(("slack_sdk", "slack_bolt")) and r.levelno < 30]


def test_library_warnings_keep_their_sense_but_lose_bodies_and_personal_data(
    caplog: pytest.LogCaptureFixture, restore_logging: None
) -> None:
    privacy.configure_logging("DEBUG")
    body = {"type": "view_submission", "view": {"state": {"values": {"d": {"v": {"value": "弁当 090-1234-5678"}}}}}}
    logging.getLogger("slack_bolt.App").warning("Unhandled request (%s)", body)
    logging.getLogger("slack_sdk.web.base_client").error("Failed to send a request: call 090-1234-5678 back")
    logging.getLogger("slack_bolt.App").info("request body: %s", body)
    logging.getLogger("httpcore.http11").debug("send_request_body.started request=%s", body)
    (warned, failed) = caplog.records
    assert warned.getMessage().startswith("Unhandled request (<") and "chars>" in warned.getMessage()
    assert "弁当" not in caplog.text and "090-1234-5678" not in caplog.text
    assert failed.getMessage() == "Failed to send a request: call [PHONE_1] back"


def test_a_library_logger_named_after_the_app_file_is_recognised_by_where_it_logs(
    caplog: pytest.LogCaptureFixture, restore_logging: None
) -> None:
    """slack_bolt names listener loggers after the app's file ("app.py:handler") and copies the root's level
    onto them when it makes them: only the file that logged tells it is the library."""
    from slack_bolt.logger import get_bolt_app_logger

    privacy.configure_logging("DEBUG")
    made_after = get_bolt_app_logger("app.py", object)
    assert made_after.level == logging.DEBUG  # what slack_bolt does
    from slack_bolt.logger import messages

    record = made_after.makeRecord(
        made_after.name, logging.INFO, messages.__file__, 1, "request body: %s", ({"text": "SECRETWORDS"},), None
    )
    made_after.handle(record)
    assert "SECRETWORDS" not in caplog.text
    logging.getLogger("bot.somewhere").debug("inbound %s kept (%d bytes)", "slack:event:Ev1", 812)
    assert "inbound slack:event:Ev1 kept (812 bytes)" in caplog.text  # ours: untouched, at any level


def test_a_traceback_quoting_a_message_is_redacted(caplog: pytest.LogCaptureFixture, restore_logging: None) -> None:
    privacy.configure_logging("DEBUG")
    try:
        raise ValueError("could not read 'マイナンバー 6214 9832 0257, 電話 090-1234-5678'")
    except ValueError:
        logging.getLogger("bot.inbox").exception("inbound %s failed", "console:1")
    assert "inbound console:1 failed" in caplog.text and "ValueError" in caplog.text
    assert "6214" not in caplog.text and "090-1234-5678" not in caplog.text


def test_the_command_line_sets_logging_up_this_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restore_logging: None
) -> None:
    from bot.cli import main

    monkeypatch.setenv("BACKOFFICE_DB", str(tmp_path / "bot.db"))
    monkeypatch.setenv("BACKOFFICE_KNOWLEDGE_DIR", str(ROOT / "knowledge"))
    monkeypatch.setenv("BACKOFFICE_LOG_LEVEL", "DEBUG")
    main(["stats"])
    filters = [f for h in logging.getLogger().handlers for f in h.filters]
    assert any(isinstance(f, privacy.PrivacyFilter) for f in filters)
    assert logging.getLogger("slack_sdk").getEffectiveLevel() >= logging.WARNING
