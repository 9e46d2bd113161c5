"""Block Kit built from real cards: the buttons each person gets, Slack's limits, the reason form,
and the two app manifests agreeing with each other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.app import App
from bot.cards import notification_reply, request_card
from bot.models import Action, Card, Finding, Reply, Request, Severity
from bot.slack import blocks
from bot.slack.blocks import (
    ACTION_IDS,
    APPROVE,
    CANCEL,
    EDIT,
    OVERRIDE,
    REJECT,
    REQUEST_CHANGES,
    card_blocks,
    decided_blocks,
    decode_value,
    encode_value,
    read_reason_submission,
    reason_modal,
    reply_blocks,
)
from bot.store import records
from handlers import Inbound

ROOT = Path(__file__).resolve().parents[1]
APPROVER, REQUESTER, COLLEAGUE, FINANCE = "e006", "e007", "e008", "e003"  # Ito, Watanabe, Clark (en), Suzuki


def file_claim(app: App, text: str, who: str = REQUESTER, receipt: bool = True) -> Request:
    """File a claim through the router, as a person would, and return the stored request."""
    if receipt:
        path = Path(app.settings.attachments_dir).parent / "receipt.pdf"
        path.write_bytes(b"%PDF-1.4")
        text += f" receipt={path}"
    person = app.directory.require(who)
    app.router.handle(Inbound(person, text, platform="console"))
    newest = max(records.list_requests(app.store), key=lambda r: r.id or 0)
    return newest


def card_for(app: App, req: Request, who: str, locale: str | None = None) -> Card:
    viewer = app.directory.require(who)
    return request_card(req, app.services, locale or app.services.locale_of(viewer), viewer)


def of_type(body: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [b for b in body if b["type"] == kind]


def buttons(body: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in of_type(body, "actions") for e in b["elements"]]


def all_text(body: list[dict[str, Any]]) -> str:
    return json.dumps(body, ensure_ascii=False)


def assert_valid_block_kit(body: list[dict[str, Any]]) -> None:
    """Slack's limits, checked by hand and by slack_sdk's own models."""
    assert 0 < len(body) <= 50
    for block in body:
        assert len(block.get("block_id", "")) <= 255
        if block["type"] == "header":
            assert 0 < len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert ("text" in block) != ("fields" in block)
            if "text" in block:
                assert 0 < len(block["text"]["text"]) <= 3000
            for field in block.get("fields", []):
                assert 0 < len(field["text"]) <= 2000
            assert len(block.get("fields", [])) <= 10
        if block["type"] == "context":
            assert 0 < len(block["elements"]) <= 10
            assert all(0 < len(e["text"]) <= 3000 for e in block["elements"])
        if block["type"] == "actions":
            ids = [e["action_id"] for e in block["elements"]]
            assert len(ids) == len(set(ids)) and 0 < len(ids) <= 25
            for e in block["elements"]:
                assert 0 < len(e["text"]["text"]) <= 75 and len(e["value"]) <= 2000 and len(e["action_id"]) <= 255
                assert e.get("style") in (None, "primary", "danger")
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()  # raises SlackObjectFormationError on anything Slack would refuse
        assert parsed.to_dict() == block  # nothing we send is unknown to the model


# -- buttons -------------------------------------------------------------------------------------


def test_the_approver_gets_approve_reject_and_changes_carrying_the_request_and_its_version(app: App) -> None:
    req = file_claim(app, "/expense 12000 supplies 2026-11-20 椅子")
    assert req.status.value == "pending"
    body = card_blocks(card_for(app, req, APPROVER), "ja", req.version)
    assert_valid_block_kit(body)
    found = buttons(body)
    assert [b["action_id"] for b in found] == [APPROVE, REJECT, REQUEST_CHANGES]
    assert {b["value"] for b in found} == {f"1:{req.version}"}
    assert [b.get("style") for b in found] == ["primary", "danger", None]
    assert [b["text"]["text"] for b in found] == ["承認", "却下", "差戻し"]
    assert decode_value(found[0]["value"]) == (1, req.version)


def test_a_colleague_gets_the_card_but_no_buttons(app: App) -> None:
    req = file_claim(app, "/expense 12000 supplies 2026-11-20 椅子")
    body = card_blocks(card_for(app, req, COLLEAGUE), "en", req.version)
    assert_valid_block_kit(body)
    assert of_type(body, "actions") == []
    assert body[0] == {"type": "header", "text": {"type": "plain_text", "text": "Expense claim #1", "emoji": True}}


def test_the_requester_can_only_cancel_and_slack_asks_before_it_happens(app: App) -> None:
    req = file_claim(app, "/expense 12000 supplies 2026-11-20 椅子")
    body = card_blocks(card_for(app, req, REQUESTER), "ja", req.version)
    assert_valid_block_kit(body)
    (cancel,) = buttons(body)
    assert cancel["action_id"] == CANCEL and cancel["value"] == f"1:{req.version}" and cancel["style"] == "danger"
    assert cancel["confirm"]["text"]["text"] == "#1 を取り消します。よろしいですか?"


def test_attach_has_no_button_on_slack_so_a_claim_waiting_for_its_receipt_offers_cancel(app: App) -> None:
    req = file_claim(app, "/expense 12000 supplies 2026-11-20 椅子", receipt=False)
    card = card_for(app, req, REQUESTER)
    assert [a.id for a in card.actions] == ["attach", "edit", "cancel"]  # fixing it is offered too (#15)
    body = card_blocks(card, "ja", req.version)
    assert [b["action_id"] for b in buttons(body)] == [EDIT, CANCEL]
    assert "✋ *[E2] 要対応*" in all_text(body)
    assert "attach" not in ACTION_IDS


def test_finance_gets_the_override_button_on_a_claim_the_deadline_rejected(app: App) -> None:
    req = file_claim(app, "/expense 5000 supplies 2026-08-01 古い椅子")
    assert req.status.value == "rejected"
    body = card_blocks(card_for(app, req, FINANCE), "ja", req.version)
    assert_valid_block_kit(body)
    assert [b["action_id"] for b in buttons(body)] == [OVERRIDE]
    assert "⛔ *[E1] 却下*" in all_text(body)
    assert of_type(card_blocks(card_for(app, req, REQUESTER), "ja"), "actions") == []


def test_every_action_of_ours_but_attach_has_a_fixed_slack_id() -> None:
    assert ACTION_IDS == {
        "approve": "approval_approve",
        "reject": "approval_reject",
        "request_changes": "approval_changes",
        "cancel": "request_cancel",
        "confirm_unpaid": "request_confirm_unpaid",
        "override": "request_override",
        "edit": "request_edit",  # opens the request's own form, filled in (#15)
    }
    assert blocks.ACTION_OF_SLACK_ID[REQUEST_CHANGES] == "request_changes"


def test_without_a_version_the_value_is_the_request_id(app: App) -> None:
    req = file_claim(app, "/expense 12000 supplies 2026-11-20 椅子")
    assert {b["value"] for b in buttons(card_blocks(card_for(app, req, APPROVER), "ja"))} == {"1"}


# -- findings, locale ------------------------------------------------------------------------------


def test_findings_show_their_rule_ids_and_a_localised_severity(app: App) -> None:
    req = file_claim(app, "/expense 60000 entertainment 2026-11-20 会食 attendees=4 invoice=T1234567890123")
    rules = {f.rule_id: f.severity for f in req.decision.findings}  # type: ignore[union-attr]
    assert rules == {"E3": Severity.WARNING, "E6": Severity.INFO}
    ja = all_text(card_blocks(card_for(app, req, APPROVER, "ja"), "ja", req.version))
    en = all_text(card_blocks(card_for(app, req, APPROVER, "en"), "en", req.version))
    assert "⚠️ *[E3] 注意*: 登録番号 T1234567890123" in ja and "ℹ️ *[E6] 情報*: 上長の承認が必要です。" in ja
    assert "⚠️ *[E3] warning*: Registration number T1234567890123" in en
    assert "ℹ️ *[E6] info*: Your manager approves this." in en


def test_labels_follow_the_locale(app: App) -> None:
    req = file_claim(app, "/expense 12000 supplies 2026-11-20 椅子")
    ja = card_blocks(card_for(app, req, APPROVER, "ja"), "ja", req.version)
    en = card_blocks(card_for(app, req, APPROVER, "en"), "en", req.version)
    assert ja[0]["text"]["text"] == "経費精算 #1" and en[0]["text"]["text"] == "Expense claim #1"
    assert ja[1]["fields"][0]["text"] == "*申請者*\n渡辺 翔太"
    assert en[1]["fields"][0]["text"] == "*Requester*\nShota Watanabe"
    assert [b["text"]["text"] for b in buttons(en)] == ["Approve", "Reject", "Request changes"]
    assert of_type(ja, "context")[-1]["elements"][0]["text"].startswith("規程バージョン ")
    assert of_type(en, "context")[-1]["elements"][0]["text"].startswith("Rule set ")
    confirm_en = buttons(card_blocks(card_for(app, req, REQUESTER, "en"), "en"))[0]["confirm"]
    assert confirm_en["title"]["text"] == "Cancel this request?"


# -- escaping and limits ---------------------------------------------------------------------------


def test_user_text_is_escaped_so_it_cannot_mention_or_link(app: App) -> None:
    req = file_claim(app, "/expense 12000 supplies 2026-11-20 <@U123> & <!channel> <https://evil.example|here>")
    body = card_blocks(card_for(app, req, APPROVER), "ja", req.version)
    assert_valid_block_kit(body)
    (description,) = [f["text"] for f in body[1]["fields"] if f["text"].startswith("*内容*")]
    assert description == "*内容*\n&lt;@U123&gt; &amp; &lt;!channel&gt; &lt;https://evil.example|here&gt;"
    assert "<@U123>" not in all_text(body) and "<!channel>" not in all_text(body)
    assert blocks.escape("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_an_oversized_card_is_cut_to_fit_every_limit_without_breaking_an_entity() -> None:
    long = "<&>" * 2000  # 6000 characters, 18000 once escaped
    card = Card(
        title="経" * 400,
        fields=tuple((f"label {i} {long}", long) for i in range(60)),
        findings=tuple(Finding(f"E{i}", Severity.WARNING, long, long) for i in range(80)),
        actions=(
            Action("approve", "A" * 200, 7, "primary"),
            Action("approve", "again", 7, "primary"),
            Action("attach", "Attach", 7),
            Action("mystery", "?", 7),
        ),
        footer=long,
        request_id=7,
    )
    body = card_blocks(card, "en", 3)
    assert_valid_block_kit(body)
    assert len(body) == 50
    assert body[0]["text"]["text"].endswith("…") and len(body[0]["text"]["text"]) == 150
    (button,) = buttons(body)
    assert button["text"]["text"] == "A" * 74 + "…" and button["value"] == "7:3"
    assert body[-1]["type"] == "context" and body[-2]["type"] == "actions"
    assert body[-3]["elements"][0]["text"] == "(more items not shown)"
    for block in body:
        for text in [f["text"] for f in block.get("fields", [])] + [block.get("text", {}).get("text", "")]:
            assert not text.rstrip("…").endswith(("&", "&a", "&am", "&amp", "&l", "&lt", "&g", "&gt"))
    decided = decided_blocks(card, "en", long)
    assert_valid_block_kit(decided)
    assert of_type(decided, "actions") == []


# -- after a decision --------------------------------------------------------------------------------


def test_decided_blocks_drop_the_buttons_and_say_who_decided(app: App) -> None:
    req = file_claim(app, "/expense 12000 supplies 2026-11-20 椅子")
    app.router.handle(Inbound(app.directory.require(APPROVER), "/approve 1", platform="test"))
    req = records.get_request(app.store, 1)  # type: ignore[assignment]
    assert req.status.value == "approved"
    card = card_for(app, req, APPROVER)
    line = "✅ 伊藤 大輔さんが承認しました (2026-11-24 10:00) <@U1>"
    body = decided_blocks(card, "ja", line)
    assert_valid_block_kit(body)
    assert of_type(body, "actions") == []
    decided = [b for b in body if b.get("block_id") == "decided"]
    assert decided[0]["elements"][0]["text"] == "✅ 伊藤 大輔さんが承認しました (2026-11-24 10:00) &lt;@U1&gt;"
    assert body[-1]["elements"][0]["text"].startswith("規程バージョン")  # the footer stays last
    # Even a card that still has buttons loses them.
    pending = file_claim(app, "/expense 12000 supplies 2026-11-21 机")
    assert of_type(decided_blocks(card_for(app, pending, APPROVER), "ja", "…"), "actions") == []


# -- replies -----------------------------------------------------------------------------------------


def test_a_notification_has_its_text_first_then_the_card(app: App) -> None:
    req = file_claim(app, "/expense 12000 supplies 2026-11-20 椅子")
    reply = notification_reply("approval_needed", req.id, {}, app.services, app.directory.require(APPROVER))
    text, body = reply_blocks(reply, req.version)
    assert text == "承認依頼: 渡辺 翔太さんの申請 #1"
    assert_valid_block_kit(body)
    assert body[0] == {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}
    assert body[1]["type"] == "header"
    assert {b["value"] for b in buttons(body)} == {f"1:{req.version}"}


def test_a_card_without_text_falls_back_to_its_title_and_text_alone_has_no_card(app: App) -> None:
    req = file_claim(app, "/expense 12000 supplies 2026-11-20 椅子")
    text, body = reply_blocks(Reply("en", card=card_for(app, req, COLLEAGUE)))
    assert text == "Expense claim #1" and body[0]["type"] == "header"
    text, body = reply_blocks(Reply("ja", "一行目 <@U9>\n\n二行目"))
    assert text == "一行目 &lt;@U9&gt;\n\n二行目"
    assert body == [{"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}]


def test_a_long_reply_with_a_card_still_fits_in_one_message(app: App) -> None:
    req = file_claim(app, "/expense 12000 supplies 2026-11-20 椅子")
    reply = Reply("ja", "\n".join("行" * 2500 for _ in range(100)), card_for(app, req, APPROVER))
    text, body = reply_blocks(reply, req.version)
    assert_valid_block_kit(body)
    assert len(text) <= 3000 and of_type(body, "header") and len(buttons(body)) == 3


# -- the reason form ---------------------------------------------------------------------------------


def submission(modal: dict[str, Any], value: Any) -> dict[str, Any]:
    """The `view` of a view_submission payload, as Slack sends it back for our modal."""
    return {
        "id": "V123",
        "type": "modal",
        "callback_id": modal["callback_id"],
        "private_metadata": modal["private_metadata"],
        "blocks": modal["blocks"],
        "state": {"values": {"reason": {"reason": {"type": "plain_text_input", "value": value}}}},
    }


@pytest.mark.parametrize(
    ("action", "locale", "title", "submit"),
    [
        ("reject", "ja", "却下の理由", "却下"),
        ("reject", "en", "Reason for rejecting", "Reject"),
        ("request_changes", "ja", "差戻しの理由", "差戻し"),
        ("request_changes", "en", "What should change?", "Request changes"),
    ],
)
def test_the_reason_modal_round_trips(action: str, locale: str, title: str, submit: str) -> None:
    modal = reason_modal(action, 12, locale, 3)
    View(**modal).validate_json()
    assert modal["type"] == "modal" and modal["callback_id"] == "approval_reason"
    assert modal["title"]["text"] == title and len(title) <= 24
    assert modal["submit"]["text"] == submit
    assert modal["close"]["text"] == ("キャンセル" if locale == "ja" else "Cancel")
    (block,) = modal["blocks"]
    assert block["block_id"] == "reason" and block["element"]["action_id"] == "reason"
    assert block["element"]["type"] == "plain_text_input" and block["element"]["multiline"] is True
    assert block.get("optional", False) is False
    assert modal["private_metadata"] == f'{{"action":"{action}","request_id":12,"version":3}}'
    assert read_reason_submission(submission(modal, "  金額が違います\n ")) == (action, 12, 3, "金額が違います")


def test_the_reason_modal_takes_slack_action_ids_too_and_no_version() -> None:
    modal = reason_modal(REQUEST_CHANGES, 5, "en", None)
    assert json.loads(modal["private_metadata"]) == {"action": "request_changes", "request_id": 5, "version": None}
    assert read_reason_submission(submission(modal, "fix the date")) == ("request_changes", 5, None, "fix the date")
    # A blank reason is not malformed: the caller answers it with a form error.
    assert read_reason_submission(submission(modal, "   "))[3] == ""
    assert read_reason_submission(submission(modal, None))[3] == ""
    with pytest.raises(ValueError):
        reason_modal("approve", 5, "en", None)


@pytest.mark.parametrize(
    "metadata",
    [
        "",
        "not json",
        "[]",
        "null",
        '{"action":"approve","request_id":1,"version":null}',
        '{"action":"reject","request_id":"1","version":null}',
        '{"action":"reject","request_id":0,"version":null}',
        '{"action":"reject","request_id":true,"version":null}',
        '{"action":"reject","request_id":1,"version":-1}',
        '{"action":"reject","request_id":1,"version":"2"}',
        '{"request_id":1}',
    ],
)
def test_junk_private_metadata_raises(metadata: str) -> None:
    view = submission(reason_modal("reject", 1, "ja", None), "理由")
    view["private_metadata"] = metadata
    with pytest.raises(ValueError):
        read_reason_submission(view)


def test_a_view_that_is_not_our_form_raises() -> None:
    modal = reason_modal("reject", 1, "ja", 2)
    other = submission(modal, "理由") | {"callback_id": "something_else"}
    missing_state = {k: v for k, v in submission(modal, "理由").items() if k != "state"}
    wrong_block = submission(modal, "理由") | {"state": {"values": {"other": {"reason": {"value": "x"}}}}}
    not_text = submission(modal, 42)
    views: list[Any] = [other, missing_state, wrong_block, not_text, [], None]
    for view in views:
        with pytest.raises(ValueError):
            read_reason_submission(view)


# -- button values -----------------------------------------------------------------------------------


def test_button_values_encode_and_decode() -> None:
    assert encode_value(12, 3) == "12:3" and encode_value(12, None) == "12" and encode_value(12, 0) == "12:0"
    assert decode_value("12:3") == (12, 3) and decode_value("12") is None and decode_value("12:0") == (12, 0)
    for junk in [
        "",
        "abc",
        "12:",
        ":3",
        "0",
        "-1",
        "1:-2",
        "1:2:3",
        " 1",
        "1\n",
        "1:2\n",
        "1_0",
        "１２",
        "1.5",
        None,
        12,
        "9" * 30,
    ]:
        assert decode_value(junk) is None, junk


# -- manifests ---------------------------------------------------------------------------------------


def load_manifest(name: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_two_manifests_offer_the_same_app_one_over_http_one_over_socket_mode() -> None:
    http, socket = load_manifest("manifest.yml"), load_manifest("manifest.socket.yml")
    commands = {c["command"]: c for c in http["features"]["slash_commands"]}
    socket_commands = {c["command"]: c for c in socket["features"]["slash_commands"]}
    assert set(commands) == set(socket_commands) == {"/expense", "/leave", "/contract", "/ask", "/backoffice"}
    scopes = set(http["oauth_config"]["scopes"]["bot"])
    assert scopes == set(socket["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "commands",
        "chat:write",
        "app_mentions:read",
        "im:history",
        "im:write",
        "users:read",
        "users:read.email",
        "files:read",
    }
    for manifest in (http, socket):
        events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
        assert events == {"app_mention", "message.im", "app_home_opened"}
        assert manifest["settings"]["interactivity"]["is_enabled"] is True
        assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
        info = manifest["display_information"]
        assert len(info["name"]) <= 35 and len(info["description"]) <= 140
        assert 175 <= len(info["long_description"]) <= 4000
        for command in manifest["features"]["slash_commands"]:
            assert len(command["command"]) <= 32 and 0 < len(command["description"]) <= 2000
            assert 0 < len(command["usage_hint"]) <= 1000
    # HTTP: one URL for everything; Socket Mode: no URL anywhere.
    url = "https://YOUR-HOST/slack/events"
    assert http["settings"]["socket_mode_enabled"] is False
    assert {c["url"] for c in commands.values()} == {url}
    assert http["settings"]["event_subscriptions"]["request_url"] == url
    assert http["settings"]["interactivity"]["request_url"] == url
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "YOUR-HOST" not in (ROOT / "manifest.socket.yml").read_text(encoding="utf-8")
    assert not any("url" in c for c in socket_commands.values())
    assert "request_url" not in socket["settings"]["event_subscriptions"]
    assert "request_url" not in socket["settings"]["interactivity"]
    # Apart from the URLs and the mode, they are the same app.
    assert {k: v for k, v in commands["/expense"].items() if k != "url"} == socket_commands["/expense"]
    assert http["display_information"] == socket["display_information"]


def test_a_field_without_a_label_shows_its_text_alone() -> None:
    card = Card(title="残日数", fields=(("年次有給休暇", "12日"), ("", "年5日取得義務: 0/5日")))
    body = card_blocks(card, "ja", None)
    assert_valid_block_kit(body)
    texts = [f["text"] for f in body[1]["fields"]]
    assert texts == ["*年次有給休暇*\n12日", "年5日取得義務: 0/5日"]


# -- contract reports ------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_every_test_contract_s_report_is_valid_block_kit_with_red_flags_marked(app: App, locale: str) -> None:
    from tests.contracts_files import make_pdf
    from tests.contracts_samples import SAMPLES

    legal = app.directory.require("e005")
    for n, sample in enumerate(SAMPLES, start=1):
        path = Path(app.settings.attachments_dir).parent / f"{sample.name}.pdf"
        path.write_bytes(make_pdf(sample.text))
        app.router.handle(Inbound(app.directory.require(REQUESTER), "/contract 紙", "test", attachments=(str(path),)))
        req = records.get_request(app.store, n)
        assert req is not None and req.kind == "contract"
        card = request_card(req, app.services, locale, legal)
        _, body = blocks.reply_blocks(Reply(locale, "", card), req.version)
        assert_valid_block_kit(body)
        text = all_text(body)
        flagged = [k for k, v in sample.expected.items() if v == "red_flag"]
        for key in flagged:
            assert f"🚩 *[C2.{key}]*" in text, (sample.name, key)
        assert "*[C4]" in text  # the stamp duty, whatever the contract
        if req.status.value == "pending":
            assert [b["action_id"] for b in buttons(body)] == [APPROVE, REJECT, REQUEST_CHANGES]


# -- policy questions ----------------------------------------------------------------------------------


def ask(app: App, who: str, text: str) -> Reply:
    (reply,) = app.router.handle(Inbound(app.directory.require(who), text, platform="slack"))
    return reply


def told(app: App, who: str) -> list[Reply]:
    """What `who` is sent next, rendered as the Slack adapter's deliver() renders it."""
    person = app.directory.require(who)
    rows = records.undelivered(app.store, who)
    records.mark_delivered(app.store, [r["id"] for r in rows], app.services.now_iso())
    return [notification_reply(r["event"], r["request_id"], r["data"], app.services, person) for r in rows]


def test_every_question_action_has_a_fixed_slack_id_apart_from_the_request_ones() -> None:
    assert blocks.QUESTION_ACTION_IDS == {
        "helpful": "question_helpful",
        "unhelpful": "question_unhelpful",
        "ask_person": "question_ask_person",
        "answer_question": "question_answer",
        "save_faq": "question_save_faq",
    }
    assert not set(blocks.QUESTION_ACTION_IDS.values()) & set(ACTION_IDS.values())
    assert blocks.QUESTION_ACTION_OF_SLACK_ID[blocks.QUESTION_ANSWER] == "answer_question"


def test_question_cards_get_buttons_carrying_the_question_number_and_no_version(app: App) -> None:
    # Sure: 👍/👎 on the asker's answer. A version passed in (as for a request) never reaches these values.
    sure = ask(app, REQUESTER, "/ask タクシー代に領収書は必要ですか?")
    _, body = reply_blocks(sure, 7)
    assert_valid_block_kit(body)
    assert [(b["action_id"], b["value"], b.get("style")) for b in buttons(body)] == [
        (blocks.QUESTION_HELPFUL, "Q1", None),
        (blocks.QUESTION_UNHELPFUL, "Q1", None),
    ]
    assert [b["text"]["text"] for b in buttons(body)] == ["👍 役に立った", "👎 役に立たなかった"]
    assert "役に立った Q1" in all_text(body)  # the typed hint stays for those who prefer words
    # Not sure: "ask a person" as well, the primary one.
    unsure = ask(app, REQUESTER, "/ask 育児休業は取れますか?")
    _, body = reply_blocks(unsure)
    assert_valid_block_kit(body)
    assert [(b["action_id"], b["value"], b.get("style")) for b in buttons(body)] == [
        (blocks.QUESTION_HELPFUL, "Q2", None),
        (blocks.QUESTION_UNHELPFUL, "Q2", None),
        (blocks.QUESTION_ASK_PERSON, "Q2", "primary"),
    ]
    # HR's card: "answer".
    ask(app, REQUESTER, "/askperson Q2")
    (team,) = told(app, "e004")
    _, body = reply_blocks(team)
    assert_valid_block_kit(body)
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in buttons(body)] == [
        (blocks.QUESTION_ANSWER, "Q2", "回答する")
    ]
    # The answerer's confirmation: "save as FAQ"; the asker's relayed answer: 👍/👎 again.
    done = ask(app, "e004", "/answer Q2 取得できます。<@U123> & 人事まで")
    _, body = reply_blocks(done)
    assert_valid_block_kit(body)
    assert [(b["action_id"], b["value"]) for b in buttons(body)] == [(blocks.QUESTION_SAVE_FAQ, "Q2")]
    assert "<@U123>" not in all_text(body) and "&lt;@U123&gt; &amp; 人事まで" in all_text(body)
    (answered,) = told(app, REQUESTER)
    _, body = reply_blocks(answered)
    assert_valid_block_kit(body)
    assert [b["action_id"] for b in buttons(body)] == [blocks.QUESTION_HELPFUL, blocks.QUESTION_UNHELPFUL]


def test_question_buttons_follow_the_askers_language(app: App) -> None:
    reply = ask(app, COLLEAGUE, "/ask What's the dress code?")
    _, body = reply_blocks(reply)
    assert_valid_block_kit(body)
    assert [b["text"]["text"] for b in buttons(body)] == ["👍 Helpful", "👎 Not helpful", "Ask a person"]


def test_question_values_encode_and_decode() -> None:
    assert blocks.encode_question_value(12) == "Q12"
    assert blocks.decode_question_value("Q12") == 12
    for junk in ["", "12", "12:3", "Q", "Q0", "q12", "Q-1", "Q12\n", " Q12", "Q１２", "Q" + "9" * 19, None, 12]:
        assert blocks.decode_question_value(junk) is None, junk


def answer_submission(modal: dict[str, Any], value: Any) -> dict[str, Any]:
    return {
        "id": "V124",
        "type": "modal",
        "callback_id": modal["callback_id"],
        "private_metadata": modal["private_metadata"],
        "blocks": modal["blocks"],
        "state": {"values": {"answer": {"answer": {"type": "plain_text_input", "value": value}}}},
    }


@pytest.mark.parametrize(
    ("locale", "title", "label", "submit"),
    [
        ("ja", "質問への回答", "Q12 への回答", "回答を送る"),
        ("en", "Answer a question", "Your answer to Q12", "Send answer"),
    ],
)
def test_the_answer_modal_shows_the_question_and_round_trips(locale: str, title: str, label: str, submit: str) -> None:
    modal = blocks.answer_modal(12, locale, "育児休業は <@U1> 取れますか?")
    View(**modal).validate_json()
    assert modal["callback_id"] == "question_answer" and json.loads(modal["private_metadata"]) == {"question": 12}
    assert modal["title"]["text"] == title and len(title) <= 24 and modal["submit"]["text"] == submit
    question, field = modal["blocks"]
    assert question["type"] == "section" and question["text"]["text"].endswith("育児休業は &lt;@U1&gt; 取れますか?")
    assert field["block_id"] == "answer" and field["label"]["text"] == label
    assert field["element"]["multiline"] is True and field["element"]["max_length"] == 3000
    assert blocks.read_answer_submission(answer_submission(modal, "  取れます。\n申請は人事へ。 ")) == (
        12,
        "取れます。\n申請は人事へ。",
    )
    # Blank is not malformed: the listener answers it with a field error.
    assert blocks.read_answer_submission(answer_submission(modal, "   ")) == (12, "")
    assert blocks.read_answer_submission(answer_submission(modal, None)) == (12, "")
    # Without the question's words (the caller did not pass them) there is only the input.
    assert [b["type"] for b in blocks.answer_modal(3, "en")["blocks"]] == ["input"]


def test_an_answer_form_that_is_not_ours_raises() -> None:
    modal = blocks.answer_modal(5, "ja")
    views: list[Any] = [
        answer_submission(modal, "x") | {"callback_id": "approval_reason"},
        answer_submission(modal, "x") | {"private_metadata": "not json"},
        answer_submission(modal, "x") | {"private_metadata": '{"question":0}'},
        answer_submission(modal, "x") | {"private_metadata": '{"question":true}'},
        answer_submission(modal, "x") | {"private_metadata": '{"question":"5"}'},
        answer_submission(modal, "x") | {"private_metadata": "[5]"},
        answer_submission(modal, "x") | {"state": {"values": {}}},
        answer_submission(modal, "x") | {"state": {"values": {"answer": {"answer": "x"}}}},
        answer_submission(modal, 42),
        [],
        None,
    ]
    for view in views:
        with pytest.raises(ValueError):
            blocks.read_answer_submission(view)
