"""Slack end to end: a real slack-bolt app behind the real ASGI server on loopback, signed
requests as Slack sends them, and a fake Slack Web API recording every call."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from slack_sdk.signature import SignatureVerifier

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.server import build_server
from bot.slack import blocks
from bot.slack.app import SlackFrontDoor
from bot.store import records
from tests.fake_slack import FakeSlack
from tests.loopback import free_port, wait_until

ROOT = Path(__file__).resolve().parents[1]
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
WATANABE, ITO, CLARK = "U0000000007", "U0000000006", "U0000000008"


class Env:
    def __init__(self, tmp_path: Path, knowledge: Path = ROOT / "knowledge") -> None:
        self.fake = FakeSlack(
            users={"U9999999999": {"id": "U9999999999", "locale": "en-US", "profile": {"email": "guest@example.com"}}}
        )
        settings = Settings(db=tmp_path / "bot.db", knowledge_dir=knowledge, attachments_dir=tmp_path / "f")
        self.app: App = build_app(settings, FixedClock("2026-11-24T10:00"))
        self.slack = SlackFrontDoor(self.app, "xoxb-test", SECRET, self.fake.url)
        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(build_server(self.app, self.slack), host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        self.verifier = SignatureVerifier(SECRET)

    def close(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(5)
        self.slack.shutdown()
        self.app.close()
        self.fake.close()

    def post(
        self, body: str, content_type: str, timestamp: int | None = None, secret: str | None = None
    ) -> httpx.Response:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signer = SignatureVerifier(secret) if secret else self.verifier
        headers = {
            "content-type": content_type,
            "x-slack-request-timestamp": ts,
            "x-slack-signature": signer.generate_signature(timestamp=ts, body=body),
        }
        return self.http.post("/slack/events", content=body.encode("utf-8"), headers=headers)

    def command(self, command: str, text: str, user: str = WATANABE, **kwargs: Any) -> httpx.Response:
        form = {
            "command": command, "text": text, "user_id": user, "channel_id": "C0123", "team_id": "T1",
            "response_url": self.fake.webhook + "commands/1", "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }  # fmt: skip
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **kwargs)

    def click(
        self,
        action_id: str,
        value: str,
        user: str,
        channel: str = "D0000000006",
        ts: str = "1.1",
        action_ts: str = "1764000000.1",
    ) -> httpx.Response:
        payload = {
            "type": "block_actions", "user": {"id": user}, "team": {"id": "T1"}, "api_app_id": "A1",
            "trigger_id": "trigger-" + user, "container": {"type": "message", "channel_id": channel, "message_ts": ts},
            "channel": {"id": channel}, "response_url": self.fake.webhook + "actions/1",
            "actions": [{"action_id": action_id, "block_id": "approval", "type": "button", "value": value,
                         "action_ts": action_ts}],
        }  # fmt: skip
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def submit_reason(self, view: dict[str, Any], reason: str, user: str = ITO) -> httpx.Response:
        view = {
            **view,
            "id": "V1",
            "state": {"values": {"reason": {"reason": {"type": "plain_text_input", "value": reason}}}},
        }
        payload = {"type": "view_submission", "user": {"id": user}, "team": {"id": "T1"}, "view": view}
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def event(self, event: dict[str, Any], event_id: str) -> httpx.Response:
        body = {"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id,
                "event_time": 1764000000, "event": event}  # fmt: skip
        return self.post(json.dumps(body), "application/json")

    def lunch_claim_waiting_for_ito(self) -> str:
        """File a ¥2,400 meeting lunch for Watanabe; return the value its card's buttons carry."""
        self.command("/expense", "昨日の打ち合わせのお弁当 2,400円")
        self.approval_card()
        req = records.get_request(self.app.store, 1)
        assert req is not None
        return f"1:{req.version}"

    def approval_card(self, recipient_channel: str = "D0000000006") -> dict[str, Any]:
        """The card posted to `recipient_channel`: posts go out one by one from the outbox, the requester's
        own answer often first, so wait for this one rather than for the first post."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for args in self.fake.of("chat.postMessage"):
                if args.get("channel") == recipient_channel:
                    return args
            time.sleep(0.02)
        raise AssertionError(f"no card posted to {recipient_channel}: {self.fake.of('chat.postMessage')}")


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    e = Env(tmp_path)
    yield e
    e.close()


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for block in message.get("blocks") or []:
        if block.get("type") == "actions":
            found += [(el["action_id"], el.get("value", "")) for el in block["elements"]]
    return found


# -- the server and request verification ---------------------------------------------------------


def test_health_check(env: Env) -> None:
    resp = env.http.get("/healthz")
    assert resp.status_code == 200 and resp.json()["ok"] is True and resp.json()["slack"] is True


def test_forged_signature_and_stale_timestamp_are_rejected_and_nothing_happens(env: Env) -> None:
    assert env.command("/expense", "昨日のタクシー 3200円", secret="not-the-secret").status_code == 401
    assert env.command("/expense", "昨日のタクシー 3200円", timestamp=int(time.time()) - 600).status_code == 401
    time.sleep(0.3)
    assert records.list_requests(env.app.store) == []
    assert env.fake.calls == []


# -- commands -----------------------------------------------------------------------------------


def test_backoffice_help_answers_through_the_response_url(env: Env) -> None:
    assert env.command("/backoffice", "help").status_code == 200
    working, reply = env.fake.wait_for("webhook", 2)[:2]
    assert working["text"] == "処理中です…"  # seen at once, then replaced by the answer
    assert reply["replace_original"] in (True, "true") and "コマンド一覧" in reply["text"]


@pytest.mark.parametrize(
    ("command", "text", "expected"),
    [
        ("/leave", "12月1日 有給", "#1 は自動承認されました。"),
        ("/backoffice", "", "コマンド一覧"),
        ("/backoffice", "mine", "申請はまだありません。"),
        ("/backoffice", "cancel 5", "#5 という申請は見つかりません。"),
        ("/backoffice", "balance", "年5日取得義務: 0/5日"),
        ("/ask", "", "コマンド一覧"),
        ("/ask", "出張の日当はいくら?", "旅費規程 第5条「日当」"),
        ("/contract", "", "契約書のファイル(PDF・Word・テキスト、20MBまで)を添付して"),
        ("/contract", "このNDAチェックお願いします", "契約書のファイル"),
    ],
)
def test_each_command_answers_through_its_response_url(env: Env, command: str, text: str, expected: str) -> None:
    assert env.command(command, text).status_code == 200
    working, answer = env.fake.wait_for("webhook", 2)[:2]
    assert working["text"] == "処理中です…"
    assert expected in answer["text"] + json.dumps(answer.get("blocks") or [], ensure_ascii=False)


def test_pending_and_mine_are_mrkdwn_lines_and_the_hint_opens_the_card(env: Env) -> None:
    env.lunch_claim_waiting_for_ito()
    env.command("/backoffice", "pending", user=ITO)
    answer = env.fake.wait_for("webhook", 4)[3]
    lines = answer["blocks"][0]["text"]["text"].split("\n")
    assert answer["blocks"][0]["text"]["type"] == "mrkdwn"
    assert lines[0] == "*あなたの承認待ち(1件・古い順)*"
    assert lines[1].startswith("*#1* 渡辺 翔太 経費 会議費 ¥2,400 · 今日から")
    assert lines[-1] == "詳細は `/backoffice show 1`"
    env.command("/backoffice", "mine")
    mine = env.fake.wait_for("webhook", 6)[5]["blocks"][0]["text"]["text"]
    assert "*#1* 経費 会議費 ¥2,400 · 承認待ち(伊藤 大輔さん) · 今日から" in mine
    env.command("/backoffice", "show 1", user=ITO)  # what the hint says
    shown = env.fake.wait_for("webhook", 8)[7]
    assert buttons(shown)[0][0] == blocks.APPROVE


def test_expense_in_free_text_reaches_the_approver_with_buttons_and_one_click_decides(env: Env) -> None:
    resp = env.command("/expense", "昨日の打ち合わせのお弁当 2,400円")
    assert resp.status_code == 200
    answer = env.fake.wait_for("webhook", 2)[1]
    assert "#1 を申請しました。伊藤 大輔さんの承認待ちです。" in answer["text"]
    card = env.approval_card()
    req = records.get_request(env.app.store, 1)
    assert req is not None
    value = f"1:{req.version}"
    assert buttons(card) == [
        (blocks.APPROVE, value),
        (blocks.REJECT, value),
        (blocks.REQUEST_CHANGES, value),
    ]
    assert env.click(blocks.APPROVE, value, ITO, channel=card["channel"], ts="x").status_code == 200
    wait_until(lambda: env.fake.of("chat.update"))
    updated = env.fake.of("chat.update")[-1]
    assert buttons(updated) == []  # the buttons are gone once decided
    assert "伊藤 大輔" in json.dumps(updated["blocks"], ensure_ascii=False)
    after = records.get_request(env.app.store, 1)
    assert after is not None and after.status.value == "approved" and after.decided_by == "e006"
    # Watanabe is told in a DM.
    wait_until(lambda: any(m.get("channel") == "D0000000007" for m in env.fake.of("chat.postMessage")))


def test_the_requester_and_a_colleague_cannot_decide(env: Env) -> None:
    value = env.lunch_claim_waiting_for_ito()
    env.click(blocks.APPROVE, value, WATANABE)
    env.click(blocks.APPROVE, value, CLARK)
    ephemeral = env.fake.wait_for("chat.postEphemeral", 2)
    texts = sorted(m["text"] for m in ephemeral)
    assert any("ご自身の申請は承認・却下できません" in x for x in texts)
    assert any("You are not the approver of #1 (it waits for Daisuke Ito)." in x for x in texts)
    still = records.get_request(env.app.store, 1)
    assert still is not None and still.status.value == "pending" and value == f"1:{still.version}"


def test_two_concurrent_clicks_make_one_decision(env: Env) -> None:
    value = env.lunch_claim_waiting_for_ito()
    # Two clicks are two requests (each its own action_ts and signature), not a replay of one.
    threads = [
        threading.Thread(target=env.click, args=(blocks.APPROVE, value, ITO), kwargs={"action_ts": f"1764000000.{n}"})
        for n in (1, 2)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wait_until(lambda: env.fake.of("chat.postEphemeral"))
    approved = env.app.store.query("SELECT count(*) AS n FROM audit_log WHERE action = 'request.approved'")
    assert approved[0]["n"] == 1
    assert "すでに伊藤 大輔さんにより承認済み" in env.fake.of("chat.postEphemeral")[0]["text"]


def test_reject_asks_for_a_reason_in_a_modal(env: Env) -> None:
    value = env.lunch_claim_waiting_for_ito()
    env.click(blocks.REJECT, value, ITO)
    view = env.fake.wait_for("views.open")[0]["view"]
    assert view["callback_id"] == "approval_reason"
    empty = env.submit_reason(view, "   ")
    assert empty.status_code == 200 and empty.json()["response_action"] == "errors"
    assert "reason" in empty.json()["errors"]
    assert env.submit_reason(view, "私物のため").status_code == 200
    wait_until(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "rejected")
    rejected = records.get_request(env.app.store, 1)
    assert rejected is not None and rejected.reason == "私物のため"


# -- events -------------------------------------------------------------------------------------


def test_a_mention_is_answered_in_its_thread_and_a_retry_is_handled_once(env: Env) -> None:
    event = {"type": "app_mention", "user": WATANABE, "text": "<@UBOT> 来週金曜 午後半休で", "ts": "1764000000.000100",
             "channel": "C0123", "event_ts": "1764000000.000100"}  # fmt: skip
    assert env.event(event, "Ev01").status_code == 200
    assert env.event(event, "Ev01").status_code == 200  # Slack's retry of the same delivery
    replies = env.fake.wait_for("chat.postMessage")
    time.sleep(0.3)
    assert len(records.list_requests(env.app.store)) == 1
    mine = [m for m in env.fake.of("chat.postMessage") if m.get("channel") == "C0123"]
    assert len(mine) == 1 and mine[0]["thread_ts"] == "1764000000.000100"
    assert "#1 は自動承認されました。" in json.dumps(replies, ensure_ascii=False)


def test_a_direct_message_is_routed_like_any_message(env: Env) -> None:
    event = {"type": "message", "channel_type": "im", "user": CLARK, "text": "How many PTO days do I have left?",
             "ts": "1764000000.000200", "channel": "D0000000008"}  # fmt: skip
    assert env.event(event, "Ev02").status_code == 200
    reply = env.fake.wait_for("chat.postMessage")[0]
    assert reply["channel"] == "D0000000008"
    assert "Annual leave balance" in json.dumps(reply["blocks"])


def test_an_unknown_person_gets_a_polite_answer_and_admins_are_told_once(env: Env) -> None:
    env.command("/expense", "昨日のタクシー 3200円", user="U9999999999")
    env.command("/backoffice", "help", user="U9999999999")
    hooks = env.fake.wait_for("webhook", 2)
    assert all("is not in the employee directory" in h["text"] for h in hooks)
    time.sleep(0.3)
    to_admin = [m for m in env.fake.of("chat.postMessage") if m.get("channel") == "D0000000001"]
    assert len(to_admin) == 1


def test_a_429_from_chat_post_message_is_retried_and_delivered(env: Env) -> None:
    env.fake.fail("chat.postMessage", 429, times=1)
    env.command("/expense", "昨日の打ち合わせのお弁当 2,400円")

    def to_ito() -> list[dict[str, Any]]:
        return [m for m in env.fake.of("chat.postMessage") if m.get("channel") == "D0000000006"]

    wait_until(lambda: len(to_ito()) == 2)  # the first answered 429 with Retry-After, the retry went through
    assert buttons(to_ito()[-1])
    wait_until(
        lambda: records.get_request(env.app.store, 1) is not None and not records.undelivered(env.app.store, "e006")
    )


def test_an_approval_card_slack_keeps_refusing_waits_in_the_outbox_and_goes_once_slack_is_back(env: Env) -> None:
    from bot import outbox

    # More 429s and 503s than the client's own retries: the row waits in the outbox and is tried again later.
    env.fake.fail("chat.postMessage", 429, times=4)
    env.fake.fail("chat.postMessage", 503, times=3)
    env.command("/expense", "昨日の打ち合わせのお弁当 2,400円")
    wait_until(lambda: any(j["error"] for j in outbox.waiting(env.app.store, "slack")), timeout=20)
    env.slack.outbox.backoff = (0.05, 0.05)
    to_ito = lambda: [m for m in env.fake.of("chat.postMessage") if m.get("channel") == "D0000000006"]  # noqa: E731
    wait_until(lambda: any(buttons(m) for m in to_ito()), timeout=20)
    wait_until(lambda: outbox.waiting(env.app.store, "slack") == [])
    (card,) = [c for c in records.slack_cards(env.app.store, 1) if c["employee_id"] == "e006"]
    assert card["channel"] == "D0000000006"  # remembered when it went out, so a decision can update it


def test_request_changes_sends_it_back_with_the_reason(env: Env) -> None:
    value = env.lunch_claim_waiting_for_ito()
    env.click(blocks.REQUEST_CHANGES, value, ITO)
    view = env.fake.wait_for("views.open")[0]["view"]
    assert env.submit_reason(view, "人数を書いてください").status_code == 200
    wait_until(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "needs_info")
    back = records.get_request(env.app.store, 1)
    assert back is not None and back.reason == "人数を書いてください"
    wait_until(lambda: any("人数を書いてください" in json.dumps(m, ensure_ascii=False)
                           for m in env.fake.of("chat.postMessage") if m.get("channel") == "D0000000007"))  # fmt: skip


def test_a_command_that_fails_every_time_is_parked_and_the_user_told_with_a_reference(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    env.app.inbox.backoff = (0.01, 0.01)
    monkeypatch.setattr(env.app.router, "handle", broken)
    env.command("/backoffice", "help")
    wait_until(lambda: any("申し訳ありません" in (h.get("text") or "") for h in env.fake.of("webhook")))
    told = [h["text"] for h in env.fake.of("webhook") if "申し訳ありません" in (h.get("text") or "")]
    (row,) = env.app.inbox.rows("parked")
    assert row["ref"] in told[0] and "boom" in row["error"]


def test_a_replayed_signed_slash_command_files_one_claim(env: Env) -> None:
    ts = int(time.time())
    answers = [env.command("/expense", "昨日のタクシー代 3,200円 渋谷→新宿", timestamp=ts) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 6
    wait_until(lambda: env.app.inbox.counts().get("done") == 1)
    time.sleep(0.3)
    assert len(records.list_requests(env.app.store)) == 1
    # The same words sent again by the user (a new request, a new signature) are a new claim.
    env.command("/expense", "昨日のタクシー代 3,200円 渋谷→新宿", timestamp=ts + 1)
    wait_until(lambda: len(records.list_requests(env.app.store)) == 2)


def test_an_answer_whose_send_failed_after_the_commit_waits_in_the_outbox_and_goes_out_later(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import outbox

    env.slack.outbox.stop(0)  # the sender is down: what the commit left must wait for it
    env.command("/backoffice", "help")
    wait_until(lambda: env.app.inbox.counts().get("done") == 1)
    (job,) = outbox.waiting(env.app.store, "slack")
    assert job["kind"] == "respond" and "/expense" in json.dumps(job["payload"], ensure_ascii=False)
    assert not [h for h in env.fake.of("webhook") if "/expense" in json.dumps(h, ensure_ascii=False)]
    env.slack.start()
    wait_until(lambda: any("/expense" in json.dumps(h, ensure_ascii=False) for h in env.fake.of("webhook")))
    wait_until(lambda: outbox.waiting(env.app.store, "slack") == [])


def form_view(opened: dict[str, Any], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The view Slack sends back on submit: the opened one plus what the user entered."""
    return {**opened, "id": "V9", "state": {"values": {k: {"v": v} for k, v in values.items()}}}


def submit_form(env: Env, view: dict[str, Any], user: str = WATANABE) -> httpx.Response:
    payload = {"type": "view_submission", "user": {"id": user}, "team": {"id": "T1"}, "view": view}
    return env.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def test_expense_without_text_opens_a_form_checked_field_by_field(env: Env) -> None:
    assert env.command("/expense", "").status_code == 200
    opened = env.fake.wait_for("views.open")[0]["view"]
    assert opened["callback_id"] == "form_expense"
    assert {b["block_id"] for b in opened["blocks"]} >= {"amount", "date", "category", "attendees"}
    bad = submit_form(env, form_view(opened, {
        "amount": {"type": "plain_text_input", "value": "たくさん"},
        "date": {"type": "datepicker", "selected_date": "2026-12-24"},
        "category": {"type": "static_select", "selected_option": None},
        "attendees": {"type": "plain_text_input", "value": "zero"},
    }))  # fmt: skip
    assert bad.status_code == 200 and bad.json()["response_action"] == "errors"
    assert set(bad.json()["errors"]) == {"amount", "date", "category", "attendees"}
    assert "未来の日付" in bad.json()["errors"]["date"]
    time.sleep(0.2)
    assert records.list_requests(env.app.store) == []  # nothing filed from a wrong form
    env.fake.files["bento.pdf"] = b"%PDF-1.4 bento"
    receipt = {"id": "F05", "name": "bento.pdf", "size": 10, "url_private_download": env.fake.base + "/files/bento.pdf"}
    good = submit_form(env, form_view(opened, {
        "receipt": {"type": "file_input", "files": [receipt]},
        "amount": {"type": "plain_text_input", "value": "2,400円"},
        "date": {"type": "datepicker", "selected_date": "2026-11-20"},
        "category": {"type": "static_select", "selected_option": {"value": "meeting"}},
        "description": {"type": "plain_text_input", "value": "定例のお弁当"},
        "attendees": {"type": "plain_text_input", "value": "6"},
    }))  # fmt: skip
    assert good.status_code == 200 and good.content in (b"", b"{}")
    wait_until(lambda: records.get_request(env.app.store, 1) is not None)
    req = records.get_request(env.app.store, 1)
    assert req is not None and req.status.value == "pending"
    assert env.approval_card()  # Ito gets the card
    assert env.app.store.query("SELECT name FROM attachments WHERE request_id = 1") == [{"name": "bento.pdf"}]
    wait_until(lambda: any(m.get("channel") == "D0000000007" for m in env.fake.of("chat.postMessage")))


def test_leave_without_text_opens_a_form(env: Env) -> None:
    env.command("/leave", "", user=CLARK)
    opened = env.fake.wait_for("views.open")[0]["view"]
    assert opened["callback_id"] == "form_leave" and opened["title"]["text"] == "Leave request"
    bad = submit_form(env, form_view(opened, {
        "type": {"type": "static_select", "selected_option": {"value": "annual"}},
        "start": {"type": "datepicker", "selected_date": "2026-12-10"},
        "end": {"type": "datepicker", "selected_date": "2026-12-09"},
        "portion": {"type": "static_select", "selected_option": {"value": "full"}},
    }), user=CLARK)  # fmt: skip
    assert bad.json()["errors"] == {"end": "The last day must be on or after the first."}
    good = submit_form(env, form_view(opened, {
        "type": {"type": "static_select", "selected_option": {"value": "annual"}},
        "start": {"type": "datepicker", "selected_date": "2026-12-10"},
        "portion": {"type": "static_select", "selected_option": {"value": "pm"}},
    }), user=CLARK)  # fmt: skip
    assert good.status_code == 200
    wait_until(lambda: records.get_request(env.app.store, 1) is not None)
    req = records.get_request(env.app.store, 1)
    assert req is not None and req.status.value == "approved"  # half a day with notice: approved by rule (L4)


def test_slack_locale_is_used_when_the_directory_sets_none(env: Env) -> None:
    from dataclasses import replace

    from bot.directory import Directory

    people = [replace(e, locale="") if e.id == "e009" else e for e in env.app.directory]
    records.save_employees(env.app.store, people, "2026-11-24T10:00", None, "test")
    env.app.services.workflow.set_directory(Directory(records.load_employees(env.app.store)))
    env.fake.users["U0000000009"] = {"id": "U0000000009", "locale": "en-US", "profile": {}}
    env.command("/backoffice", "help", user="U0000000009")
    working, answer = env.fake.wait_for("webhook", 2)[:2]
    assert working["text"] == "Working on it…"
    assert answer["text"].startswith("Commands")
    # Someone whose directory entry says ja gets Japanese whatever Slack says.
    env.fake.users["U0000000007"] = {"id": "U0000000007", "locale": "en-US", "profile": {}}
    env.command("/backoffice", "help")
    assert "コマンド一覧" in env.fake.wait_for("webhook", 4)[3]["text"]


def test_a_person_matched_by_e_mail_is_remembered_across_a_restart(tmp_path: Path) -> None:
    first = Env(tmp_path)
    try:
        guest = "U7777777777"  # not in the directory by Slack id; Slack knows Watanabe's e-mail under it
        first.fake.users[guest] = {
            "id": guest,
            "locale": "ja-JP",
            "profile": {"email": "watanabe@hikari-works.example"},
        }
        first.command("/backoffice", "mine", user=guest)
        assert "申請はまだありません" in first.fake.wait_for("webhook", 2)[1]["text"]
    finally:
        first.close()
    second = Env(tmp_path)
    try:
        assert second.slack.slack_id(second.app.directory.require("e007")) in ("U0000000007", "U7777777777")
        assert second.slack.employee("U7777777777") == second.app.directory.require("e007")
        assert second.fake.of("users.info") == []  # known from the store, no lookup needed
    finally:
        second.close()


def test_a_receipt_shared_in_a_dm_is_downloaded_and_attached(env: Env) -> None:
    env.fake.files["receipt.pdf"] = b"%PDF-1.4 taxi receipt"
    shared = {
        "id": "F01",
        "name": "receipt.pdf",
        "size": 21,
        "url_private_download": env.fake.base + "/files/receipt.pdf",
    }
    event = {"type": "message", "subtype": "file_share", "channel_type": "im", "user": WATANABE,
             "text": "昨日の客先タクシー代 3,200円", "files": [shared], "ts": "1764000000.000300",
             "channel": "D0000000007"}  # fmt: skip
    assert env.event(event, "Ev10").status_code == 200
    wait_until(lambda: records.get_request(env.app.store, 1) is not None)
    req = records.get_request(env.app.store, 1)
    assert req is not None and req.status.value == "approved"  # with its receipt: a taxi under ¥5,000 (E5)
    rows = env.app.store.query("SELECT name, size FROM attachments WHERE request_id = 1")
    assert rows == [{"name": "receipt.pdf", "size": 21}]
    assert env.fake.of("files.download") == [{"path": "/files/receipt.pdf", "ok": True}]


def test_a_receipt_sent_later_completes_the_claim_waiting_for_it(env: Env) -> None:
    env.command("/expense", "昨日の客先タクシー代 3,200円")
    wait_until(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "needs_info")
    env.fake.files["taxi.jpg"] = b"\xff\xd8\xff jpeg"
    shared = {"id": "F02", "name": "taxi.jpg", "size": 8, "url_private_download": env.fake.base + "/files/taxi.jpg"}
    event = {"type": "message", "subtype": "file_share", "channel_type": "im", "user": WATANABE, "text": "",
             "files": [shared], "ts": "1764000000.000400", "channel": "D0000000007"}  # fmt: skip
    env.event(event, "Ev11")
    wait_until(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "approved")


def test_a_reason_form_sent_too_late_is_answered_in_a_dm(env: Env) -> None:
    value = env.lunch_claim_waiting_for_ito()
    env.click(blocks.REJECT, value, ITO)
    view = env.fake.wait_for("views.open")[0]["view"]
    env.click(blocks.APPROVE, value, ITO)  # approved meanwhile, from the card
    wait_until(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "approved")
    env.submit_reason(view, "やはり却下")
    wait_until(lambda: any("すでに伊藤 大輔さんにより承認済み" in json.dumps(m, ensure_ascii=False)
                           for m in env.fake.of("chat.postMessage") if m.get("channel") == "D0000000006"))  # fmt: skip
    after = records.get_request(env.app.store, 1)
    assert after is not None and after.status.value == "approved"


# -- contract checks ---------------------------------------------------------------------------------

LEGAL = "U0000000005"


def share_file(env: Env, name: str, data: bytes, text: str, event_id: str, mention: bool = True) -> None:
    env.fake.files[name] = data
    shared = {"id": "F" + event_id, "name": name, "size": len(data),
              "url_private_download": env.fake.base + "/files/" + name}  # fmt: skip
    if mention:
        event = {"type": "app_mention", "user": WATANABE, "text": f"<@U0BOT> {text}", "files": [shared],
                 "ts": "1764000000.000500", "channel": "C0123"}  # fmt: skip
    else:
        event = {"type": "message", "subtype": "file_share", "channel_type": "im", "user": WATANABE, "text": text,
                 "files": [shared], "ts": "1764000000.000600", "channel": "D0000000007"}  # fmt: skip
    assert env.event(event, event_id).status_code == 200


def test_a_contract_dropped_in_a_channel_is_checked_and_legal_decides_with_a_click(env: Env) -> None:
    from tests.contracts_files import make_pdf
    from tests.contracts_samples import SAMPLES

    sample = next(s for s in SAMPLES if s.name == "ja_outsourcing_90_days")
    share_file(env, "gyomu_itaku.pdf", make_pdf(sample.text), "この業務委託契約チェックお願いします", "Ev20")
    posted = env.fake.wait_for("chat.postMessage", 2)
    in_thread = next(p for p in posted if p.get("channel") == "C0123")
    assert in_thread["thread_ts"] == "1764000000.000500"
    body = json.dumps(in_thread["blocks"], ensure_ascii=False)
    assert "契約書を確認しました(#1): 重大 1件" in in_thread["text"]
    assert "支払期日が納品から最長約90日後" in body and "[C2.payment]" in body and "修正案" in body
    # Legal gets the report on the approval card, with the buttons, in a DM.
    card = env.approval_card("D0000000005")
    card_text = json.dumps(card["blocks"], ensure_ascii=False)
    assert "契約審査 #1" in card_text and "第4条" in card_text
    req = records.get_request(env.app.store, 1)
    assert req is not None
    assert (blocks.APPROVE, f"1:{req.version}") in buttons(card)
    env.click(blocks.APPROVE, f"1:{req.version}", LEGAL, channel="D0000000005")
    wait_until(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "approved")


def test_a_contract_too_large_for_the_bot_is_answered_politely(env: Env) -> None:
    env.app.services.max_attachment_mb = 1
    share_file(env, "huge.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10), "NDAチェックお願いします", "Ev21", False)
    answers = [m["text"] for m in env.fake.wait_for("chat.postMessage", 2)]
    assert any("「huge.pdf」は1.0MBあり、上限の1MBを超える" in a for a in answers)
    assert any("ファイル" in a and "添付" in a for a in answers)  # and what to do instead
    assert records.list_requests(env.app.store) == []
    assert env.fake.of("files.download") == []  # never fetched


def test_contract_command_without_a_file_says_how_to_send_one(env: Env) -> None:
    env.command("/contract", "")
    answer = env.fake.wait_for("webhook", 2)[-1]
    assert "契約書のファイル" in answer["text"]


# -- policy questions ------------------------------------------------------------------------------

HR, FINANCE = "U0000000004", "U0000000003"
UNSURE = "育児休業は取れますか?"  # the policies do not say: HR answers for leave


@pytest.fixture
def qenv(tmp_path: Path) -> Iterator[Env]:
    """The bot on a copy of the knowledge folder: saving an FAQ writes into its policies."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge, ignore=shutil.ignore_patterns("faq-added.*"))
    e = Env(tmp_path, knowledge)
    yield e
    e.close()


def dm(env: Env, user: str, text: str, event_id: str) -> None:
    event = {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": "1764000000.000700",
             "channel": "D" + user[1:]}  # fmt: skip
    assert env.event(event, event_id).status_code == 200


def sent(env: Env, method: str, channel: str, containing: str = "") -> dict[str, Any]:
    """The first `method` call to `channel` whose text or blocks contain `containing`, waiting for it."""
    found: list[dict[str, Any]] = []

    def check() -> bool:
        found[:] = [
            m for m in env.fake.of(method)
            if m.get("channel") == channel and containing in m.get("text", "") + json.dumps(m.get("blocks") or [],
                                                                                             ensure_ascii=False)
        ]  # fmt: skip
        return bool(found)

    wait_until(check)
    return found[0]


def submit_answer(env: Env, view: dict[str, Any], answer: str, user: str = HR) -> httpx.Response:
    submitted = {**view, "id": "V2", "state": {"values": {"answer": {"answer": {"type": "plain_text_input",
                                                                              "value": answer}}}}}  # fmt: skip
    payload = {"type": "view_submission", "user": {"id": user}, "team": {"id": "T1"}, "view": submitted}
    return env.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def test_an_unsure_question_goes_to_hr_is_answered_in_a_form_and_saved_as_an_faq(qenv: Env) -> None:
    env = qenv
    unsure = env.app.services.knowledge.answer(UNSURE)
    assert unsure.confident is False and unsure.owner == "hr"
    dm(env, WATANABE, UNSURE, "Ev30")
    answer = sent(env, "chat.postMessage", "D0000000007", "確かな答えが見つかりませんでした")
    assert (blocks.QUESTION_ASK_PERSON, "Q1") in buttons(answer)

    # The asker clicks "ask a person": told beside the card; HR (and only HR) gets the card with "answer".
    assert env.click(blocks.QUESTION_ASK_PERSON, "Q1", WATANABE, channel="D0000000007").status_code == 200
    assert "人事にお送りしました" in sent(env, "chat.postEphemeral", "D0000000007")["text"]
    team = sent(env, "chat.postMessage", "D0000000004", "質問 Q1")
    assert buttons(team) == [(blocks.QUESTION_ANSWER, "Q1")]
    assert UNSURE in json.dumps(team["blocks"], ensure_ascii=False)
    assert {r["recipient_id"] for r in env.app.store.query("SELECT recipient_id FROM notifications")} == {"e004"}

    # HR clicks "answer": the form opens (before the ack), with the question above the input.
    assert env.click(blocks.QUESTION_ANSWER, "Q1", HR, channel="D0000000004").status_code == 200
    view = env.fake.wait_for("views.open")[0]["view"]
    assert view["callback_id"] == blocks.ANSWER_CALLBACK and UNSURE in json.dumps(view, ensure_ascii=False)
    reply = "取得できます。子が1歳になるまで、申請により休業できます。"
    done = submit_answer(env, view, reply)
    assert done.status_code == 200 and done.content in (b"", b"{}")

    # The asker gets the answer in a DM; HR gets the confirmation with "save as FAQ" in a DM.
    relayed = sent(env, "chat.postMessage", "D0000000007", reply)
    assert "高橋 陽子" in relayed["text"]
    assert [a for a, _ in buttons(relayed)] == [blocks.QUESTION_HELPFUL, blocks.QUESTION_UNHELPFUL]
    confirmation = sent(env, "chat.postMessage", "D0000000004", "渡辺 翔太さんにお届けしました")
    assert buttons(confirmation) == [(blocks.QUESTION_SAVE_FAQ, "Q1")]
    row = records.get_question(env.app.store, 1)
    assert row is not None and row.status == "relayed" and row.answered_by == "e004" and row.relayed_answer == reply

    # One more click keeps it as an FAQ entry, written to the copy of the policies.
    env.click(blocks.QUESTION_SAVE_FAQ, "Q1", HR, channel="D0000000004")
    saved = sent(env, "chat.postEphemeral", "D0000000004", "FAQに登録しました")
    assert "よくある質問(担当者の回答) Q1" in saved["text"]
    entry = (env.app.settings.knowledge_dir / "policies" / "faq-added.ja.md").read_text(encoding="utf-8")
    assert f"## Q1. {UNSURE}" in entry and reply in entry

    # The same question asked again is answered at once, from the new entry, with nobody to ask.
    dm(env, WATANABE, UNSURE, "Ev31")
    again = sent(env, "chat.postMessage", "D0000000007", "よくある質問(担当者の回答) Q1")
    assert "子が1歳になるまで" in again["text"]
    assert [a for a, _ in buttons(again)] == [blocks.QUESTION_HELPFUL, blocks.QUESTION_UNHELPFUL]
    second = records.get_question(env.app.store, 2)
    assert second is not None and second.confident and second.citations[0] == "faq-added#q1"


def test_a_thumbs_up_is_recorded_and_a_colleagues_is_refused_politely(env: Env) -> None:
    dm(env, WATANABE, "タクシー代に領収書は必要ですか?", "Ev40")
    answer = sent(env, "chat.postMessage", "D0000000007", "よくある質問 Q1")
    assert buttons(answer) == [(blocks.QUESTION_HELPFUL, "Q1"), (blocks.QUESTION_UNHELPFUL, "Q1")]
    env.click(blocks.QUESTION_HELPFUL, "Q1", CLARK, channel="D0000000008")
    refused = sent(env, "chat.postEphemeral", "D0000000008")
    assert refused["user"] == CLARK and "Only the person who asked Q1" in refused["text"]
    row = records.get_question(env.app.store, 1)
    assert row is not None and row.feedback is None
    env.click(blocks.QUESTION_HELPFUL, "Q1", WATANABE, channel="D0000000007")
    thanks = sent(env, "chat.postEphemeral", "D0000000007")
    assert thanks["user"] == WATANABE and "ありがとうございます" in thanks["text"]
    wait_until(lambda: (r := records.get_question(env.app.store, 1)) is not None and r.feedback == 1)
    stats = records.question_stats(env.app.store)
    assert (stats.answered, stats.helpful, stats.unhelpful) == (1, 1, 0)


def test_a_thumbs_down_offers_a_person_with_a_button_beside_the_card(env: Env) -> None:
    dm(env, WATANABE, "タクシー代に領収書は必要ですか?", "Ev41")
    sent(env, "chat.postMessage", "D0000000007", "よくある質問 Q1")
    env.click(blocks.QUESTION_UNHELPFUL, "Q1", WATANABE, channel="D0000000007")
    offer = sent(env, "chat.postEphemeral", "D0000000007")
    assert "経理" in offer["text"] and buttons(offer) == [(blocks.QUESTION_ASK_PERSON, "Q1")]
    assert records.question_stats(env.app.store).unhelpful == 1


def test_someone_outside_the_team_gets_no_form_but_the_routers_refusal(qenv: Env) -> None:
    env = qenv
    dm(env, WATANABE, UNSURE, "Ev50")
    sent(env, "chat.postMessage", "D0000000007", "Q1")
    env.click(blocks.QUESTION_ASK_PERSON, "Q1", WATANABE, channel="D0000000007")
    sent(env, "chat.postMessage", "D0000000004", "質問 Q1")
    env.click(blocks.QUESTION_ANSWER, "Q1", FINANCE, channel="D0000000003")  # finance does not answer for HR
    refused = sent(env, "chat.postEphemeral", "D0000000003")
    assert "人事の担当" in refused["text"]
    assert env.fake.of("views.open") == []  # neither the form nor the question's words
    env.click(blocks.QUESTION_SAVE_FAQ, "Q1", WATANABE, channel="D0000000007")  # nor does the asker save it
    assert "人事の担当" in sent(env, "chat.postEphemeral", "D0000000007", "人事の担当")["text"]
    row = records.get_question(env.app.store, 1)
    assert row is not None and row.status == "asked" and row.faq_section is None


def test_an_empty_answer_stays_in_the_form_and_nothing_is_relayed(qenv: Env) -> None:
    env = qenv
    dm(env, WATANABE, UNSURE, "Ev60")
    sent(env, "chat.postMessage", "D0000000007", "Q1")
    env.click(blocks.QUESTION_ASK_PERSON, "Q1", WATANABE, channel="D0000000007")
    sent(env, "chat.postMessage", "D0000000004", "質問 Q1")
    env.click(blocks.QUESTION_ANSWER, "Q1", HR, channel="D0000000004")
    view = env.fake.wait_for("views.open")[0]["view"]
    empty = submit_answer(env, view, "  \n ")
    assert empty.status_code == 200 and empty.json() == {
        "response_action": "errors",
        "errors": {"answer": "回答を入力してください。"},
    }
    time.sleep(0.3)
    row = records.get_question(env.app.store, 1)
    assert row is not None and row.status == "asked" and row.relayed_answer is None
    to_asker = [m for m in env.fake.of("chat.postMessage") if m.get("channel") == "D0000000007"]
    assert len(to_asker) == 1  # only the bot's own answer, nothing from HR
    # Once answered, another click on "answer" says who did, instead of opening the form again.
    submit_answer(env, view, "取得できます。")
    wait_until(lambda: (r := records.get_question(env.app.store, 1)) is not None and r.status == "relayed")
    env.click(blocks.QUESTION_ANSWER, "Q1", "U0000000001", channel="D0000000001")  # an admin
    assert "高橋 陽子さんが回答しています" in sent(env, "chat.postEphemeral", "D0000000001")["text"]
    assert len(env.fake.of("views.open")) == 1


def test_a_claim_sent_back_is_fixed_in_its_own_form_filled_in_and_sent_again(env: Env) -> None:
    """#15: after 差戻し the requester's card has a fix button; the form opens filled in with the claim as it is;
    what they change goes through the rules and the chain again, the audit keeps both versions, and the old card
    copies are redrawn."""
    value = env.lunch_claim_waiting_for_ito()
    env.click(blocks.REQUEST_CHANGES, value, ITO)
    reason_view = env.fake.wait_for("views.open")[0]["view"]
    env.submit_reason(reason_view, "人数を書いてください")
    wait_until(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "needs_info")
    back = records.get_request(env.app.store, 1)
    assert back is not None

    def fix_button() -> list[tuple[str, str]]:
        return [b for m in env.fake.of("chat.postMessage") if m.get("channel") == "D0000000007"
                for b in buttons(m) if b[0] == blocks.EDIT]  # fmt: skip

    wait_until(lambda: fix_button())
    env.click(blocks.EDIT, fix_button()[-1][1], WATANABE, channel="D0000000007")
    wait_until(lambda: len(env.fake.of("views.open")) == 2)
    opened = env.fake.of("views.open")[1]["view"]
    fields = {b["block_id"]: b["element"] for b in opened["blocks"]}
    assert fields["amount"]["initial_value"] == "2400"
    assert fields["category"]["initial_option"]["value"] == "meeting"
    assert json.loads(opened["private_metadata"])["request_id"] == 1
    sent = submit_form(env, form_view(opened, {
        "amount": {"type": "plain_text_input", "value": "2,400円"},
        "date": {"type": "datepicker", "selected_date": "2026-11-23"},
        "category": {"type": "static_select", "selected_option": {"value": "meeting"}},
        "attendees": {"type": "plain_text_input", "value": "6"},
    }))  # fmt: skip
    assert sent.status_code == 200
    wait_until(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "pending")
    req = records.get_request(env.app.store, 1)
    assert req is not None and req.details.attendees == 6 and req.version > back.version
    assert len(records.list_requests(env.app.store)) == 1  # fixed, not filed again
    [entry] = env.app.store.query("SELECT data FROM audit_log WHERE action = 'request.resubmitted'")
    data = json.loads(entry["data"])
    assert data["before"]["attendees"] is None and data["details"]["attendees"] == 6
    wait_until(lambda: len(env.fake.of("chat.update")) >= 1)  # the old copies of the card redrawn
    # Someone else's click on the fix button opens nothing.
    env.click(blocks.EDIT, f"1:{req.version}", ITO)
    time.sleep(0.3)
    assert len(env.fake.of("views.open")) == 2


def test_a_request_cancelled_elsewhere_has_its_slack_card_redrawn(env: Env) -> None:
    """#15: cards tell the truth on every copy: a claim withdrawn in the console (or on Chatwork) loses the
    approver's buttons on Slack when the Slack door next delivers what happened."""
    from handlers import Inbound

    env.lunch_claim_waiting_for_ito()
    card = env.approval_card()
    assert buttons(card)
    watanabe = env.app.directory.require("e007")
    env.app.router.handle(Inbound(watanabe, "/cancel 1", platform="console"))
    env.slack.deliver()  # what the Slack door's poller does every few seconds
    wait_until(lambda: any(u.get("channel") == card["channel"] and not buttons(u) for u in env.fake.of("chat.update")))
    update = [u for u in env.fake.of("chat.update") if u.get("channel") == card["channel"]][-1]
    assert "取消" in json.dumps(update, ensure_ascii=False)
