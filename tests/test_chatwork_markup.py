"""Chatwork's signature and notation: the published test vectors, and real-looking bodies read right."""

from __future__ import annotations

import pytest

from bot.chatwork import markup
from bot.chatwork.signature import sign, verify
from bot.models import Action, Card, Finding, Reply, Severity
from handlers.approval import is_bare_decision, read_decision

VECTOR_A = (
    "A9ne+ygvdV0IZBaPFV2zC1e5Bk+IsI14BPwieRoBQNU=",
    b'{"webhook_setting_id":"246","webhook_event_type":"message_created","webhook_event_time":1511238729,'
    b'"webhook_event":{"message_id":"984676321621704704","room_id":36818150,"account_id":1484814,"body":"test",'
    b'"send_time":1511238729,"update_time":0}}',
    "G7Gtrh5Ee6d8erOVXhWPtUrkNJqqIT5vwLU50KhyLQk=",
)
VECTOR_B = (
    "iY/hmitgwCBlc5DnjAZ8pyRG1HF0zFflfmKmtCDg1wk=",
    b'{"webhook_setting_id":"581","webhook_event_type":"mention_to_me","webhook_event_time":1516629767,'
    b'"webhook_event":{"from_account_id":2861671,"to_account_id":2739132,"room_id":93207172,'
    b'"message_id":"1007287971738591232","body":"[rp aid=2739132 to=93207172-1007287785163345920] sue445\\ntest",'
    b'"send_time":1516629766,"update_time":0}}',
    "NTIUzbXiwLvM7C/MT3Kd75Lw1w2N5tyWtcEieKiqhY0=",
)


@pytest.mark.parametrize("vector", [VECTOR_A, VECTOR_B], ids=["message_created", "mention_to_me"])
def test_published_signature_vectors_pass_and_one_changed_byte_fails(vector: tuple[str, bytes, str]) -> None:
    token, body, signature = vector
    assert sign(token, body) == signature
    assert verify(token, body, signature)
    assert verify(token, body, None, signature)  # the query-string copy, when there is no header
    changed = body[:-3] + bytes([body[-3] ^ 1]) + body[-2:]
    assert not verify(token, changed, signature)
    assert not verify(token, body, None)
    assert not verify(token, body, "G7Gtrh5Ee6d8erOVXhWPtUrkNJqqIT5vwLU50KhyLQk=" if vector is VECTOR_B else "x")


def test_the_token_must_be_base64_decoded_and_a_plus_survives_the_query_string() -> None:
    token, body, signature = VECTOR_B
    import base64
    import hashlib
    import hmac

    wrong = base64.b64encode(hmac.new(token.encode(), body, hashlib.sha256).digest()).decode()
    assert not verify(token, body, wrong)
    # parse_qs turns "+" into " ": the copy in the query string is still accepted.
    assert verify(token, body, None, signature.replace("+", " "))
    assert not verify("not base64!", body, signature)


BOT = "9999999"


@pytest.mark.parametrize(
    ("body", "text", "addressed"),
    [
        ("[To:9999999] 経費ボットさん\n昨日のタクシー 3200円", "昨日のタクシー 3200円", True),
        ("[To:9999999]経費ボットさん 昨日のタクシー 3200円", "昨日のタクシー 3200円", True),
        ("[To:9999999]Hello", "Hello", True),
        ("[rp aid=9999999 to=93207172-1007287785163345920] 経費ボットさん\n承認 #12", "承認 #12", True),
        ("[rp aid=9999999 to=93207172-1007287785163345920] Expense Bot\napprove #12", "approve #12", True),
        ("[To:1000006] 伊藤さん\n[To:9999999] 経費ボットさん\n来週金曜 午後半休で", "来週金曜 午後半休で", True),
        (
            "[qt][qtmeta aid=1000006 time=1764000000][To:9999999] 承認 #3[/qt]\n[To:9999999] 経費ボットさん\n残日数は?",
            "残日数は?",
            True,
        ),
        ("[qt][qtmeta aid=1][qt][qtmeta aid=2]承認 #1[/qt]入れ子[/qt][To:9999999]\nありがとう", "ありがとう", True),
        ("[toall]\n全員へ: 明日は棚卸しです", "全員へ: 明日は棚卸しです", False),
        ("[To:1000006] 伊藤さん\n承認 #4", "承認 #4", False),
        ("[TO:9999999] 経費ボット様\nお弁当 2,400円", "お弁当 2,400円", True),
        (
            "[To:9999999] 経費ボットさん\n[info][title][dtext:file_uploaded][/title]"
            "[download:55501]receipt.pdf (120 KB)[/download][/info]",
            "",
            True,
        ),
        ("[rp aid=9999999 to=1-2]\r\n却下 #9 私物のため", "却下 #9 私物のため", True),
        ("[To:9999999] 山田 太郎さん\n[To:1000006] 伊藤 大輔さん\n12月1日 有給", "12月1日 有給", True),
    ],
)
def test_mentions_replies_and_quotes_are_stripped(body: str, text: str, addressed: bool) -> None:
    parsed = markup.parse(body, names=["経費ボット", "Expense Bot"])
    assert parsed.text == text
    assert parsed.addressed_to(BOT) is addressed


def test_file_ids_are_read_from_a_shared_file() -> None:
    parsed = markup.parse(
        "[To:9999999]\n[info][title][dtext:file_uploaded][/title][download:55501]r.pdf[/download][/info]"
    )
    assert parsed.file_ids == ("55501",)


def test_someones_text_in_our_card_cannot_mention_or_frame() -> None:
    card = Card(
        title="経費精算 #3",
        fields=(("内容", "[toall] 見て [To:1] [info]偽物[/info]"), ("", "メモ")),
        findings=(Finding("E3", Severity.WARNING, "参加者が未記入です", "No attendees"),),
        actions=(Action("approve", "承認", 3, "primary"), Action("reject", "却下", 3, "danger")),
    )
    body = markup.render(Reply("ja", "承認依頼です", card))
    assert body.startswith("承認依頼です\n[info][title]経費精算 #3[/title]")
    assert "内容: ［toall] 見て ［To:1] ［info]偽物［/info]" in body
    assert "\nメモ\n" in body
    assert "⚠ [E3] 注意: 参加者が未記入です" in body
    assert body.endswith("[/info]\n▶ このメッセージに返信(返信ボタン)して送ってください: 承認 #3 / 却下 #3 理由")
    assert "[toall]" not in body and "[To:1]" not in body


def test_a_long_message_is_split_at_lines_under_the_limit() -> None:
    body = "\n".join(f"line {n} " + "x" * 50 for n in range(3000))
    pieces = markup.split(body, limit=60000)
    assert len(pieces) == 4 and all(len(p) <= 60000 for p in pieces)  # 181,890 characters
    assert "\n".join(pieces) == body


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("承認 #123", "/approve 123"),
        ("却下 #12 私物のため", "/reject 12 私物のため"),
        ("差戻し＃５ 領収書を添付してください", "/changes 5 領収書を添付してください"),
        ("差し戻し #5 日付が違います", "/changes 5 日付が違います"),
        ("approve #7", "/approve 7"),
        ("Reject #7 personal item", "/reject 7 personal item"),
        ("changes #8 wrong date", "/changes 8 wrong date"),
    ],
)
def test_a_typed_decision_is_the_same_as_its_command(text: str, command: str) -> None:
    assert read_decision(text) == command


@pytest.mark.parametrize("text", ["承認します", "承認", "承認お願いします", "却下で", "approve", "Approved."])
def test_a_decision_without_a_number_is_only_a_hint(text: str) -> None:
    assert read_decision(text) is None and is_bare_decision(text)


@pytest.mark.parametrize("text", ["承認待ち", "承認 12日に確認します", "昨日のタクシー 3200円"])
def test_other_words_are_not_decisions(text: str) -> None:
    assert read_decision(text) is None and not is_bare_decision(text)
