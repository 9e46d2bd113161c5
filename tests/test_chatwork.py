"""Chatwork end to end: the real ASGI server on loopback, signed webhooks as Chatwork sends them, and the
real httpx client talking to a fake Chatwork API (respx)."""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from bot.app import App, build_app
from bot.chatwork.app import ChatworkFrontDoor
from bot.chatwork.signature import sign
from bot.clock import FixedClock
from bot.config import Settings
from bot.server import build_server
from bot.store import records
from tests.fake_chatwork import BOT_ID, FakeChatwork
from tests.loopback import free_port

ROOT = Path(__file__).resolve().parents[1]
TOKEN = base64.b64encode(b"chatwork-webhook-token-for-tests").decode()
WATANABE, ITO, CLARK, YAMADA = "1000007", "1000006", "1000008", "1000001"
DIRECT = {ITO: "500006", WATANABE: "500007", CLARK: "500008", YAMADA: "500001"}
GROUP = "300"


class CwEnv:
    def __init__(self, tmp_path: Path, contacts: dict[str, str] | None = None, knowledge: Path | None = None) -> None:
        self.fake = FakeChatwork(time.time, contacts=contacts or DIRECT).__enter__()
        settings = Settings(
            db=tmp_path / "bot.db", knowledge_dir=knowledge or ROOT / "knowledge", attachments_dir=tmp_path / "f"
        )
        self.app: App = build_app(settings, FixedClock("2026-11-24T10:00"))
        self.chatwork = ChatworkFrontDoor(self.app, "cw-token", TOKEN, poll_seconds=0.2)
        # The fake file host lives in respx, not in DNS: the gate is told the public address it would have.
        self.chatwork._gate.resolver = lambda host, port: ["52.68.0.10"]
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(
            build_server(self.app, None, self.chatwork), host="127.0.0.1", port=self.port, log_level="warning"
        ))  # fmt: skip
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        self._ids = itertools.count(1_900_000_000_000_000_001)

    def close(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(10)
        self.app.close()
        self.fake.__exit__(None, None, None)

    def post(self, body: bytes, signature: str | None, query: str | None = None) -> httpx.Response:
        headers = {"content-type": "application/json", "user-agent": "ChatWork-Webhook/1.0.0"}
        if signature is not None:
            headers["x-chatworkwebhooksignature"] = signature
        params = {"chatwork_webhook_signature": query} if query else None
        return self.http.post("/chatwork/webhook", content=body, headers=headers, params=params)

    def say(self, sender: str, body: str, room: str = GROUP, message_id: str | None = None,
            kind: str = "mention_to_me") -> tuple[httpx.Response, str]:  # fmt: skip
        """A message as Chatwork delivers it; returns the answer and the message id."""
        message_id = message_id or str(next(self._ids))
        event: dict[str, Any] = {"room_id": int(room), "message_id": message_id, "body": body,
                                 "send_time": 1795482000, "update_time": 0}  # fmt: skip
        if kind == "mention_to_me":
            event |= {"from_account_id": int(sender), "to_account_id": int(BOT_ID)}
        else:
            event["account_id"] = int(sender)
        payload = {"webhook_setting_id": "12", "webhook_event_type": kind, "webhook_event_time": 1795482001,
                   "webhook_event": event}  # fmt: skip
        body_bytes = json.dumps(payload, ensure_ascii=False).encode()
        return self.post(body_bytes, sign(TOKEN, body_bytes)), message_id

    def wait(self, check: Any, timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if found := check():
                return found
            time.sleep(0.02)
        raise AssertionError(f"not seen in time; messages: {self.fake.messages}")

    def wait_room(self, room: str, count: int = 1) -> list[str]:
        return list(self.wait(lambda: (m := self.fake.in_room(room)) and len(m) >= count and m))


@pytest.fixture
def env(tmp_path: Path) -> Iterator[CwEnv]:
    e = CwEnv(tmp_path)
    yield e
    e.close()


def test_health_check_names_chatwork(env: CwEnv) -> None:
    assert env.http.get("/healthz").json()["chatwork"] is True


def test_an_expense_is_approved_by_reply_the_task_is_closed_and_the_requester_told(env: CwEnv) -> None:
    answer, asked = env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n昨日の打ち合わせのお弁当 2,400円")
    assert answer.status_code == 200 and answer.text == "ok"
    (reply,) = env.wait_room(GROUP)
    assert reply.startswith(f"[rp aid={WATANABE} to={GROUP}-{asked}] 渡辺 翔太さん\n")
    assert "#1 を申請しました。伊藤 大輔さんの承認待ちです。" in reply
    # The approver gets the card in the direct chat with the bot, and a task with a deadline.
    card = env.wait_room(DIRECT[ITO])[0]
    assert "[info][title]" in card and "承認 #1 / 却下 #1 理由 / 差戻し #1 理由" in card
    task = env.wait(lambda: env.fake.tasks)[0]
    assert task["room"] == DIRECT[ITO] and task["to_ids"] == ITO and task["limit_type"] == "date"
    assert time.gmtime(int(task["limit"]))[:3] == (2026, 11, 27)  # three working days after 2026-11-24
    assert env.fake.task_status[task["id"]] == "open"

    card_id = next(m["id"] for m in env.fake.messages if m["room"] == DIRECT[ITO])
    env.say(ITO, f"[rp aid={BOT_ID} to={DIRECT[ITO]}-{card_id}] 経費ボットさん\n承認 #1", room=DIRECT[ITO])
    env.wait(lambda: env.fake.task_status[task["id"]] == "done")
    req = records.get_request(env.app.store, 1)
    assert req is not None and req.status.value == "approved" and req.decided_by == "e006"
    told = env.wait_room(DIRECT[WATANABE])
    assert any("#1" in m and "承認" in m for m in told)
    confirmed = env.wait_room(DIRECT[ITO], 2)[1]
    assert confirmed.startswith(f"[rp aid={ITO} to={DIRECT[ITO]}-")


def test_a_non_approvers_approval_is_refused_and_nothing_changes(env: CwEnv) -> None:
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n昨日の打ち合わせのお弁当 2,400円")
    env.wait_room(DIRECT[ITO])
    env.say(CLARK, f"[To:{BOT_ID}]approve #1", room="301")
    (refused,) = env.wait_room("301")
    assert "You are not the approver of #1 (it waits for Daisuke Ito)." in refused
    req = records.get_request(env.app.store, 1)
    assert req is not None and req.status.value == "pending"


def test_a_plain_approval_without_a_number_gets_a_hint_never_an_approval(env: CwEnv) -> None:
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n昨日の打ち合わせのお弁当 2,400円")
    env.wait_room(DIRECT[ITO])
    env.say(ITO, f"[To:{BOT_ID}] 経費ボットさん\n承認します", room=DIRECT[ITO])
    hint = env.wait_room(DIRECT[ITO], 2)[1]
    assert "番号を付けてください" in hint and "承認 #12" in hint
    req = records.get_request(env.app.store, 1)
    assert req is not None and req.status.value == "pending"


def test_an_approval_in_a_message_not_addressed_to_the_bot_does_nothing(env: CwEnv) -> None:
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n昨日の打ち合わせのお弁当 2,400円")
    env.wait_room(DIRECT[ITO])
    env.say(ITO, "[toall]\n承認 #1", room=GROUP, kind="message_created")
    time.sleep(0.4)
    req = records.get_request(env.app.store, 1)
    assert req is not None and req.status.value == "pending"


def test_a_duplicate_delivery_is_handled_once_and_the_bots_own_message_ignored(env: CwEnv) -> None:
    body = f"[To:{BOT_ID}] 経費ボットさん\n12月1日 有給"
    first, message_id = env.say(WATANABE, body)
    again, _ = env.say(WATANABE, body, message_id=message_id)
    assert (first.text, again.text) == ("ok", "duplicate")
    env.say(BOT_ID, f"[To:{BOT_ID}] 経費ボットさん\n12月2日 有給", kind="message_created")
    env.wait_room(GROUP)
    time.sleep(0.4)
    assert len(env.fake.in_room(GROUP)) == 1
    assert len(records.list_requests(env.app.store)) == 1


def test_missing_and_forged_signatures_are_answered_200_and_leave_no_trace(env: CwEnv) -> None:
    body = json.dumps({"webhook_event_type": "mention_to_me", "webhook_event_time": 1795482001, "webhook_event": {
        "from_account_id": int(WATANABE), "room_id": 300, "message_id": "1", "body": f"[To:{BOT_ID}] 12月1日 有給"}}
    ).encode()  # fmt: skip
    forged = base64.b64encode(b"x" * 32).decode()
    for resp in (env.post(body, None), env.post(body, forged), env.post(body, None, query=forged)):
        assert resp.status_code == 200 and len(resp.content) < 2048 and resp.text == "ignored"
    assert env.post(b"not json", sign(TOKEN, b"not json")).text == "ignored"
    time.sleep(0.3)
    assert env.app.store.query("SELECT count(*) AS n FROM inbox")[0]["n"] == 0
    assert records.list_requests(env.app.store) == []
    assert [c for c, _ in env.fake.calls if c != "me"] == []
    # The copy of the signature in the query string is accepted when there is no header.
    good = env.post(body, None, query=sign(TOKEN, body))
    assert good.text == "ok"


def test_an_unknown_account_gets_a_polite_answer_and_admins_are_told_once(env: CwEnv) -> None:
    env.say("4242", f"[To:{BOT_ID}] 経費ボットさん\n昨日のタクシー 3200円")
    env.say("4242", f"[To:{BOT_ID}] 経費ボットさん\n残日数は?")
    answers = env.wait_room(GROUP, 2)
    assert all("社員名簿に登録されていません" in a for a in answers)
    admin = env.wait_room(DIRECT[YAMADA])
    time.sleep(0.3)
    assert len(env.fake.in_room(DIRECT[YAMADA])) == 1 and "4242" in admin[0]


def test_english_is_answered_in_english(env: CwEnv) -> None:
    env.say(CLARK, f"[To:{BOT_ID}] Expense Bot\nHow many PTO days do I have left?")
    (answer,) = env.wait_room(GROUP)
    assert (
        answer.startswith(f"[rp aid={CLARK} to={GROUP}-")
        and "\n[info][title]Annual leave balance on 2026-11-24" in answer
    )


def test_a_receipt_shared_with_the_message_is_fetched_and_attached(env: CwEnv) -> None:
    env.fake.files["55501"] = ("receipt.pdf", b"%PDF-1.4 receipt")
    body = (f"[To:{BOT_ID}] 経費ボットさん\n昨日の客先タクシー代 3,200円\n[info][title][dtext:file_uploaded][/title]"
            "[download:55501]receipt.pdf (1 KB)[/download][/info]")  # fmt: skip
    env.say(WATANABE, body)
    env.wait_room(GROUP)
    (attachment,) = env.wait(lambda: env.app.store.query("SELECT * FROM attachments"))
    assert attachment["request_id"] == 1 and Path(attachment["path"]).read_bytes() == b"%PDF-1.4 receipt"


def test_a_decision_made_elsewhere_closes_the_task(env: CwEnv) -> None:
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n昨日の打ち合わせのお弁当 2,400円")
    task = env.wait(lambda: env.fake.tasks)[0]
    ito = env.app.services.directory.get("e006")
    assert ito is not None
    assert env.app.services.workflow.act(1, ito, "approve", None).ok  # e.g. on Slack, or in the console
    env.wait(lambda: env.fake.task_status[task["id"]] == "done")


def test_a_message_kept_before_a_crash_is_worked_off_at_the_next_start(tmp_path: Path) -> None:
    from bot.inbox import Inbox
    from bot.store.db import Store

    event = {"webhook_setting_id": "12", "webhook_event_type": "mention_to_me", "webhook_event_time": 1795482001,
             "webhook_event": {"from_account_id": int(WATANABE), "to_account_id": int(BOT_ID), "room_id": 300,
                               "message_id": "1950000000000000001", "send_time": 1795482000, "update_time": 0,
                               "body": f"[To:{BOT_ID}] 経費ボットさん\n12月1日 有給"}}  # fmt: skip
    store = Store(tmp_path / "bot.db")
    kept = Inbox(store, lambda: "2026-11-24T09:59:00").accept(
        "chatwork:1950000000000000001", "chatwork", "event", f"chatwork:{WATANABE}", event
    )
    assert kept  # then the process died
    store.close()
    env = CwEnv(tmp_path)
    try:
        (answer,) = env.wait_room(GROUP)
        assert "#1 は自動承認されました。" in answer
        (row,) = env.app.store.query("SELECT status, done_at, payload FROM inbox")
        assert row["status"] == "done" and row["done_at"] and row["payload"] is None  # the words are not kept
    finally:
        env.close()


def test_a_message_that_fails_every_time_is_parked_and_the_sender_told_with_a_reference(
    env: CwEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    env.app.inbox.backoff = (0.01, 0.01)
    monkeypatch.setattr(env.app.services.workflow, "submit", broken)
    answer, _ = env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n12月1日 有給")
    assert answer.text == "ok"
    (told,) = env.wait_room(GROUP, 1)
    assert "申し訳ありません" in told and "参照:" in told
    (row,) = env.app.store.query("SELECT status, attempts, error, ref FROM inbox")
    assert row["status"] == "parked" and row["attempts"] == 3 and "boom" in row["error"] and row["ref"] in told
    assert records.list_requests(env.app.store) == []
    # A parked message does not hold back the sender's next one.
    monkeypatch.undo()
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n12月2日 有給")
    assert "#1 は自動承認されました。" in env.wait_room(GROUP, 2)[-1]


# -- contract checks ---------------------------------------------------------------------------------

LEGAL = "1000005"


def test_a_contract_shared_in_chatwork_is_checked_and_legal_approves_by_reply(tmp_path: Path) -> None:
    from tests.contracts_files import make_docx
    from tests.contracts_samples import SAMPLES

    e = CwEnv(tmp_path, contacts={**DIRECT, LEGAL: "500005"})
    try:
        sample = next(s for s in SAMPLES if s.name == "ja_master_without_antisocial")
        e.fake.files["66601"] = ("取引基本契約書.docx", make_docx(sample.text))
        body = (
            f"[To:{BOT_ID}] 経費ボットさん\nこの取引基本契約のチェックお願いします\n[info][title]"
            "[dtext:file_uploaded][/title][download:66601]取引基本契約書.docx (12 KB)[/download][/info]"
        )
        e.say(WATANABE, body)
        (reply,) = e.wait_room(GROUP)
        assert "契約書を確認しました(#1): 重大 2件" in reply
        assert "[info][title]契約審査 #1[/title]" in reply
        assert "反社会的勢力の排除" in reply and "[C2.antisocial]" in reply
        card = e.wait_room("500005")[0]  # legal's direct chat with the bot
        assert "承認 #1 / 却下 #1 理由 / 差戻し #1 理由" in card and "[C2.confidentiality]" in card
        task = e.wait(lambda: e.fake.tasks)[0]
        assert task["to_ids"] == LEGAL
        # The contract states no value the checker could read: legal gives it (here: none) as it approves (C3).
        e.say(LEGAL, f"[To:{BOT_ID}] 経費ボットさん\n承認 #1", room="500005")
        assert "契約金額を添えて承認してください" in e.wait_room("500005", 2)[1]
        e.say(LEGAL, f"[To:{BOT_ID}] 経費ボットさん\n承認 #1 yen=0", room="500005")
        e.wait(lambda: e.fake.task_status[task["id"]] == "done")
        req = records.get_request(e.app.store, 1)
        assert req is not None and req.status.value == "approved" and req.decided_by == "e005"
    finally:
        e.close()


def test_a_file_over_the_limit_is_named_in_the_answer_and_not_fetched(env: CwEnv) -> None:
    env.app.services.max_attachment_mb = 1
    env.fake.files["77701"] = ("scan.pdf", b"%PDF-1.4" + b"0" * (2 << 20))
    body = (f"[To:{BOT_ID}] 経費ボットさん\nNDAチェックお願いします\n"
            "[info][title][dtext:file_uploaded][/title][download:77701]scan.pdf (2 MB)[/download][/info]")  # fmt: skip
    env.say(WATANABE, body)
    answers = env.wait_room(GROUP, 2)
    assert any("「scan.pdf」は2.0MBあり、上限の1MBを超える" in a for a in answers)
    assert records.list_requests(env.app.store) == []


# -- policy questions ----------------------------------------------------------------------------------

HR = "1000004"


def test_an_unsure_question_goes_to_hr_and_the_answer_comes_back_and_becomes_an_faq(tmp_path: Path) -> None:
    import shutil

    knowledge = tmp_path / "knowledge"  # saving an FAQ writes into the policies: never the repository's
    shutil.copytree(ROOT / "knowledge", knowledge)
    e = CwEnv(tmp_path, contacts={**DIRECT, HR: "500004"}, knowledge=knowledge)
    try:
        question = "育児休業は何か月取れますか?"
        e.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n{question}")
        (reply,) = e.wait_room(GROUP)
        assert "確かな答えが見つかりませんでした" in reply and "担当者に聞く Q1" in reply  # the words to reply with
        e.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n担当者に聞く Q1")
        assert "人事" in e.wait_room(GROUP, 2)[1]
        team_card = e.wait_room("500004")[0]  # HR's direct chat with the bot
        assert question in team_card and "回答 Q1" in team_card and "渡辺 翔太" in team_card
        answer = "子が1歳になるまで取れます。詳しくは人事にご相談ください。"
        e.say(HR, f"[To:{BOT_ID}] 経費ボットさん\n回答 Q1 {answer}", room="500004")
        told = e.wait(lambda: [m for m in e.fake.in_room(DIRECT[WATANABE]) if answer in m])
        assert "高橋 陽子" in told[0]  # who answered
        confirmation = e.wait_room("500004", 2)[1]
        assert "FAQ登録 Q1" in confirmation
        e.say(HR, f"[To:{BOT_ID}] 経費ボットさん\nFAQ登録 Q1", room="500004")
        e.wait_room("500004", 3)
        e.say(CLARK, f"[To:{BOT_ID}] Bot\n{question}")
        again = e.wait(lambda: [m for m in e.fake.in_room(GROUP) if m.startswith(f"[rp aid={CLARK}")])[0]
        assert "子が1歳になるまで" in again and "Ask a person" not in again
    finally:
        e.close()


def test_a_claim_sent_back_is_fixed_by_typing_and_goes_to_the_approver_again(env: CwEnv) -> None:
    """#15: Chatwork has no forms: the requester types 「修正 #1 人数=6」 and the claim is decided again."""
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n昨日の打ち合わせのお弁当 2,400円")
    env.wait_room(DIRECT[ITO])
    env.say(ITO, f"[To:{BOT_ID}] 経費ボットさん\n差戻し #1 人数を書いてください", room=DIRECT[ITO])
    env.wait(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "needs_info")
    told = env.wait(lambda: [m for m in env.fake.in_room(DIRECT[WATANABE]) if "人数を書いてください" in m])
    assert "修正 #1" in told[-1]  # the reply to type is offered, as buttons are on Slack
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n修正 #1 人数=6", room=DIRECT[WATANABE])
    env.wait(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "pending")
    req = records.get_request(env.app.store, 1)
    assert req is not None and req.details.attendees == 6
    env.wait(lambda: len([m for m in env.fake.in_room(DIRECT[ITO]) if "#1" in m]) >= 2)  # asked again


def test_a_claim_sent_back_is_fixed_by_saying_what_changed_in_the_direct_chat(env: CwEnv) -> None:
    """#15: in the direct chat where the bot said the claim came back, 「参加者は6名でした」 and 「はい」 fix it."""
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n昨日の打ち合わせのお弁当 2,400円")
    env.wait_room(DIRECT[ITO])
    env.say(ITO, f"[To:{BOT_ID}] 経費ボットさん\n差戻し #1 人数を書いてください", room=DIRECT[ITO])
    told = env.wait(lambda: [m for m in env.fake.in_room(DIRECT[WATANABE]) if "人数を書いてください" in m])
    assert "直すところを書いて返信" in told[-1]
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n参加者は6名でした", room=DIRECT[WATANABE])
    asked = env.wait(lambda: [m for m in env.fake.in_room(DIRECT[WATANABE]) if "→ 6" in m])
    assert "#1" in asked[-1]
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\nはい", room=DIRECT[WATANABE])
    env.wait(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "pending")
    req = records.get_request(env.app.store, 1)
    assert req is not None and req.details.attendees == 6


def test_a_card_already_posted_is_edited_when_its_request_moves_on(env: CwEnv) -> None:
    """#15: Chatwork messages can be edited (PUT /rooms/{room}/messages/{id}): the approver's card says 取消 once
    the requester withdraws, and offers no 「承認 #1」 any more."""
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n昨日の打ち合わせのお弁当 2,400円")
    [card] = env.wait_room(DIRECT[ITO])
    assert "承認待ち" in card and "承認 #1" in card
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\nやっぱり取り消します #1")
    env.wait(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "cancelled")
    edited = env.wait(lambda: [m for m in env.fake.messages if m["room"] == DIRECT[ITO] and m.get("edits")])
    assert "取消" in edited[0]["body"] and "承認 #1" not in edited[0]["body"]
    assert edited[0]["body"] != card


def test_a_card_sent_back_and_fixed_is_edited_on_every_copy(env: CwEnv) -> None:
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n昨日の打ち合わせのお弁当 2,400円")
    env.wait_room(DIRECT[ITO])
    env.say(ITO, f"[To:{BOT_ID}] 経費ボットさん\n差戻し #1 人数を書いてください", room=DIRECT[ITO])
    first = env.wait(lambda: [m for m in env.fake.messages if m["room"] == DIRECT[ITO] and m.get("edits")])[0]
    assert "情報待ち" in first["body"] or "差戻し" in first["body"]
    env.say(WATANABE, f"[To:{BOT_ID}] 経費ボットさん\n修正 #1 人数=6", room=DIRECT[WATANABE])
    env.wait(lambda: (r := records.get_request(env.app.store, 1)) is not None and r.status.value == "pending")
    env.wait(lambda: first.get("edits", 0) >= 2 and "承認待ち" in first["body"])  # the same message, current again
