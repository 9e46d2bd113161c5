"""The router and handlers as every adapter uses them: one inbound message in, replies out."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.models import ExpenseClaim, Reply
from bot.store import records
from handlers import Inbound

ROOT = Path(__file__).resolve().parents[1]


def say(app: App, who: str, text: str, delivery_id: str | None = None, platform: str = "console") -> list[Reply]:
    person = app.directory.find(who)
    assert person is not None
    return app.router.handle(Inbound(person, text, platform=platform, delivery_id=delivery_id))


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def test_a_new_database_is_seeded_with_the_demo_company(app: App) -> None:
    assert len(app.directory) == 13
    assert app.directory.require("e001").has_role("ceo")


def test_full_width_commands_and_japanese_aliases_work(app: App) -> None:
    assert "#1 は自動承認されました。" in texts(say(app, "e007", "／経費　２８００　交通費　昨日　電車 渋谷→新宿"))
    assert "有給休暇の残日数" in say(app, "e007", "/残日数")[0].card.title  # type: ignore[union-attr]


def test_finance_approves_a_foreign_claim_with_its_yen_amount_in_one_line(app: App) -> None:
    receipt = Path(app.settings.attachments_dir).parent / "inv.pdf"
    receipt.write_bytes(b"%PDF-1.4")
    say(app, "e007", f"/expense $45.20 books 2026-11-20 O'Reilly ebook receipt={receipt}")
    say(app, "e006", "/approve 1")
    assert "円換算額を添えて承認してください" in texts(say(app, "e002", "/approve 1"))
    assert "#1 を承認しました。" in texts(say(app, "e002", "/approve 1 yen=7,010 rate 155.1"))
    req = records.get_request(app.store, 1)
    assert req is not None and isinstance(req.details, ExpenseClaim)
    assert req.details.amount_jpy == 7010
    assert records.get_steps(app.store, 1)[1].comment == "rate 155.1"


def test_approvers_see_what_waits_for_them_and_others_cannot_see_it(app: App) -> None:
    receipt = Path(app.settings.attachments_dir).parent / "r.pdf"
    receipt.write_bytes(b"%PDF-1.4")
    say(app, "e007", f"/expense 12000 supplies 2026-11-20 椅子 receipt={receipt}")
    # The queue is one line a request; /show opens it as the card with the decision's buttons.
    assert texts(say(app, "e006", "/pending")) == (
        "あなたの承認待ち(1件・古い順)\n#1 渡辺 翔太 経費 消耗品費 ¥12,000 · 今日から\n詳細は /show 1"
    )
    shown = say(app, "e006", "/show 1")
    assert shown[0].card is not None and [a.id for a in shown[0].card.actions] == [
        "approve",
        "reject",
        "request_changes",
    ]
    # The delegate (e007) sees Ito's queue too, but never their own request in it.
    assert texts(say(app, "e007", "/pending")) == "承認待ちの申請はありません。"
    # A colleague outside the request cannot read it; finance can.
    assert texts(say(app, "e009", "/show 1")) == "#1 という申請は見つかりません。"
    assert say(app, "e003", "/show 1")[0].card is not None


def test_reject_needs_a_reason_and_the_requester_is_told_why(app: App) -> None:
    receipt = Path(app.settings.attachments_dir).parent / "r.pdf"
    receipt.write_bytes(b"%PDF-1.4")
    say(app, "e013", f"/expense 12000 supplies 2026-11-20 chair receipt={receipt}")
    assert "理由を添えてください。例: /reject 1" in texts(say(app, "e012", "/reject 1"))
    assert "#1 を却下しました。" in texts(say(app, "e012", "/reject 1 私物のため"))
    note = records.undelivered(app.store, "e013")[-1]
    assert note["event"] == "decided"
    card = say(app, "e013", "/show 1")[0].card
    assert card is not None and ("Comment", "私物のため") in card.fields


def test_a_file_path_typed_in_chat_is_refused_the_console_may_name_one(app: App) -> None:
    # From chat, a path would name a file on the bot's own server; only the console's user sits there.
    secret = Path(app.settings.attachments_dir).parent / "server-only.pdf"
    secret.write_bytes(b"%PDF-1.4 server file")
    for text in (f"/expense 12000 supplies 2026-11-20 椅子 receipt={secret}", f"/contract {secret}"):
        replies = say(app, "e007", text, platform="chatwork")
        assert "添付して" in texts(replies), text
    say(app, "e007", "/expense 3200 transport 2026-11-20 タクシー", platform="slack")
    assert "添付して" in texts(say(app, "e007", f"/attach 1 {secret}", platform="slack"))
    assert app.store.query("SELECT * FROM attachments") == []
    assert "#2 を申請しました" in texts(say(app, "e007", f"/expense 12000 supplies 2026-11-20 椅子 receipt={secret}"))
