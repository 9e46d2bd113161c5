"""Redaction before text leaves for an external model (architecture principle 6, jp-rules §4)."""

from __future__ import annotations

import re
import time
import unicodedata

import pytest

from bot.understanding.redact import (
    KINDS,
    Redaction,
    is_valid_my_number,
    luhn_valid,
    my_number_check_digit,
    redact,
)

# ---------------------------------------------------------------------------------------------
# Check digits


def _check_digit_by_hand(first11: str) -> int:
    """jp-rules §4.1 spelled out again, independently: weights 2..7,2..6 from the rightmost digit."""
    weights = [2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6]
    total = sum(int(d) * w for d, w in zip(reversed(first11), weights, strict=True))
    return 0 if total % 11 <= 1 else 11 - total % 11


def _my_number(first11: str) -> str:
    return first11 + str(_check_digit_by_hand(first11))


@pytest.mark.parametrize(
    ("first11", "check"),
    [
        ("62149832025", 7),  # the test vector in jp-rules §4.1 (verified there against python-stdnum)
        ("12345678901", 8),  # Σ = 212, 212 mod 11 = 3 → 11 − 3
        ("98765432109", 3),  # Σ = 228, mod 11 = 8 → 3
        ("12345678905", 0),  # Σ = 220, mod 11 = 0 → 0
        ("00000000000", 0),
        ("37021234567", 0),  # remainder 1 → 0, not 10
    ],
)
def test_my_number_check_digit_on_worked_examples(first11: str, check: int) -> None:
    assert my_number_check_digit(first11) == check
    assert _check_digit_by_hand(first11) == check


def test_my_number_check_digit_agrees_with_the_formula_everywhere() -> None:
    import random

    rng = random.Random(20261124)
    for _ in range(2000):
        first11 = "".join(rng.choice("0123456789") for _ in range(11))
        assert my_number_check_digit(first11) == _check_digit_by_hand(first11)


def test_is_valid_my_number() -> None:
    assert is_valid_my_number("621498320257")
    assert is_valid_my_number("6214 9832 0257")
    assert is_valid_my_number("6214-9832-0257")
    assert not is_valid_my_number("621498320258")  # last digit off by one
    assert not is_valid_my_number("123456789012")  # check digit should be 8
    assert not is_valid_my_number("62149832025")  # 11 digits
    assert not is_valid_my_number("6214983202577")
    with pytest.raises(ValueError):
        my_number_check_digit("1234")


def test_luhn() -> None:
    for number in ("4111111111111111", "5555 5555 5555 4444", "378282246310005", "4222222222222", "3530111333300000"):
        assert luhn_valid(number), number
    for number in ("4111111111111112", "1234567812345678", "", "abc"):
        assert not luhn_valid(number), number


# ---------------------------------------------------------------------------------------------
# Helpers


def _only_digits(text: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text))


def _assert_gone(r: Redaction, original: str) -> None:
    """Neither the value as typed nor its bare digits survive anywhere in the redacted text."""
    assert original not in r.text, (original, r.text)
    digits = _only_digits(original)
    if len(digits) >= 5:
        assert digits not in _only_digits(r.text), (original, r.text)


def _single(text: str, kind: str, original: str) -> Redaction:
    """`text` has exactly one redaction, of `kind`, covering exactly `original` as typed."""
    r = redact(text)
    assert r.mapping == {f"[{kind}_1]": original}, (text, r.text, r.mapping)
    assert r.text == text.replace(original, f"[{kind}_1]")
    assert r.kinds == {kind}
    assert r.restore(r.text) == text
    return r


# ---------------------------------------------------------------------------------------------
# Each kind, in the ways people write it


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("年末調整のため個人番号を提出します：621498320257", "621498320257"),
        ("番号は 6214 9832 0257 です", "6214 9832 0257"),  # check digit valid, no keyword needed
        ("番号は 6214-9832-0257 です", "6214-9832-0257"),
        ("番号は６２１４　９８３２　０２５７です", "６２１４　９８３２　０２５７"),  # full-width digits and space
        (f"扶養家族の分: {_my_number('12345678901')}", _my_number("12345678901")),
        (f"Dependant: {_my_number('98765432109')} (spouse)", _my_number("98765432109")),
        ("My Number is 1234-5678-9012, please update payroll", "1234-5678-9012"),  # invalid, but keyword
        ("マイナンバー：１２３４５６７８９０１２", "１２３４５６７８９０１２"),  # invalid, keyword, full-width
        ("123456789012（個人番号）を人事に送りました", "123456789012"),  # keyword after the number
    ],
)
def test_my_number(text: str, original: str) -> None:
    _single(text, "MY_NUMBER", original)


def test_my_number_with_wrong_check_digit_needs_the_keyword() -> None:
    assert not is_valid_my_number("123456789012")
    plain = "受付番号 123456789012 で登録しました"
    assert redact(plain).text == plain
    assert redact(plain).mapping == {}
    _single("マイナンバー 123456789012 で登録しました", "MY_NUMBER", "123456789012")
    _single("個人番号は 1234 5678 9012 です", "MY_NUMBER", "1234 5678 9012")
    # The keyword has to be near (about 15 characters), not anywhere in the message.
    far = "マイナンバーカードの申請方法は総務省のサイトをご覧ください。なお受付番号は 123456789012 です"
    assert redact(far).text == far


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("振込先は三菱UFJ銀行 渋谷支店 普通 1234567 です", "1234567"),
        ("振込先：みずほ銀行 新宿支店 普通預金 口座番号 7654321 名義 ヤマダタロウ", "7654321"),
        ("口座番号：１２３４５６７", "１２３４５６７"),
        ("当座 0012345 に入金してください", "0012345"),
        ("Please transfer to MUFG Bank, Shibuya Branch, Savings Account No. 1234567.", "1234567"),
        ("acct 0123456", "0123456"),
        ("ゆうちょ銀行 10140-12345671 にお願いします", "10140-12345671"),
        ("古い口座なので口座番号 123456 です", "123456"),
    ],
)
def test_bank_account(text: str, original: str) -> None:
    _single(text, "BANK_ACCOUNT", original)


def test_bank_branch_code_and_yucho_mark_and_number() -> None:
    r = redact("三井住友銀行 支店番号 123 普通 7654321")
    assert r.text == "三井住友銀行 支店番号 [BANK_ACCOUNT_1] 普通 [BANK_ACCOUNT_2]"
    assert r.mapping == {"[BANK_ACCOUNT_1]": "123", "[BANK_ACCOUNT_2]": "7654321"}

    r = redact("ゆうちょ 記号１０１４０ 番号１２３４５６７１ へ")
    assert r.text == "ゆうちょ 記号[BANK_ACCOUNT_1] 番号[BANK_ACCOUNT_2] へ"
    assert r.restore(r.text) == "ゆうちょ 記号１０１４０ 番号１２３４５６７１ へ"


def test_seven_digits_without_bank_wording_are_not_an_account() -> None:
    for text in ("伝票番号 1234567 の件です", "注文 1234567 を確認", "銀行振込 1234567円 を申請"):
        assert redact(text).text == text, text


@pytest.mark.parametrize(
    "original",
    [
        "03-1234-5678",
        "090-1234-5678",
        "0120-123-456",
        "(03)1234-5678",
        "03(1234)5678",
        "09012345678",
        "0312345678",
        "080 1234 5678",
        "+81 90 1234 5678",
        "+81-3-1234-5678",
        "+81 (0)3-1234-5678",
        "+1 415 555 0100",
        "+14155550100",
        "+44 20 7946 0958",
        "０９０−１２３４−５６７８",  # full-width digits, minus sign
        "０９０－１２３４－５６７８",  # full-width hyphen-minus
        "090ー1234ー5678",  # long-vowel mark typed as a dash
        "（０３）１２３４－５６７８",
        "＋８１　９０　１２３４　５６７８",
    ],
)
def test_phone(original: str) -> None:
    _single(f"急ぎの場合は {original} までお電話ください", "PHONE", original)
    _single(f"Call me on {original}.", "PHONE", original)


@pytest.mark.parametrize(
    "original",
    [
        "taro.yamada@example.co.jp",
        "Taro.Yamada+expense@sub.example.com",
        "ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ",
        "hanako_suzuki@example.jp",
        "taro (at) example.com",
        "taro[at]example.com",
    ],
)
def test_email(original: str) -> None:
    _single(f"請求書は {original} に送ってください", "EMAIL", original)


def test_international_number_stops_at_fifteen_digits() -> None:
    r = redact("+81 90 1234 5678 1234 5678")
    assert r.text == "[PHONE_1] 1234 5678"
    assert r.mapping == {"[PHONE_1]": "+81 90 1234 5678"}


def test_email_words_are_not_emails() -> None:
    text = "Let's meet at 3pm at the office; the price is 45.20 USD at most."
    assert redact(text).text == text


@pytest.mark.parametrize(
    "original",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "５５５５ ５５５５ ５５５５ ４４４４",
        "3782 822463 10005",  # American Express, 4-6-5
        "378282246310005",
        "4222222222222",  # 13 digits
    ],
)
def test_card(original: str) -> None:
    _single(f"法人カード {original} で決済しました。有効期限 12/27", "CARD", original)


def test_card_that_fails_luhn_is_not_a_card() -> None:
    assert not luhn_valid("1234 5678 1234 5678")
    text = "予約番号 1234 5678 1234 5678 です"
    r = redact(text)
    assert "CARD" not in r.kinds


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("送付先は〒150-0002 東京都渋谷区渋谷2-21-1 です", "150-0002 東京都渋谷区渋谷2-21-1"),
        ("〒1500002東京都渋谷区渋谷2-21-1", "1500002東京都渋谷区渋谷2-21-1"),
        ("〒１５０－０００２　東京都渋谷区渋谷２－２１－１", "１５０－０００２　東京都渋谷区渋谷２－２１－１"),
        (
            "〒150-0002 東京都渋谷区渋谷2-21-1 渋谷ヒカリエ8F までお送りください",
            "150-0002 東京都渋谷区渋谷2-21-1 渋谷ヒカリエ8F",
        ),
        ("〒150-0002 東京都 渋谷区 渋谷 2-21-1 宛", "150-0002 東京都 渋谷区 渋谷 2-21-1"),
        ("〒330-0001 さいたま市浦和区高砂1-2-3、12/24 に届けてください", "330-0001 さいたま市浦和区高砂1-2-3"),
        ("〒152-0035 東京都目黒区自由が丘1丁目2番3号に転居しました", "152-0035 東京都目黒区自由が丘1丁目2番3号"),
        ("発送元: 150-0002 東京都渋谷区渋谷2-21-1", "150-0002 東京都渋谷区渋谷2-21-1"),  # no 〒, address follows
        ("〒150-0002\n東京都渋谷区渋谷2-21-1\n山田太郎", "150-0002\n東京都渋谷区渋谷2-21-1"),  # signature layout
        (
            "住所変更です。新住所: 東京都世田谷区三軒茶屋1-2-3 ハイツ三茶101号室 です",
            "東京都世田谷区三軒茶屋1-2-3 ハイツ三茶101号室",
        ),
    ],
)
def test_address(text: str, original: str) -> None:
    _single(text, "ADDRESS", original)


def test_address_stops_before_amounts_dates_and_contact_details() -> None:
    r = redact("〒150-0002 東京都渋谷区渋谷2-21-1、交通費 ¥12,000 を申請します")
    assert r.text == "〒[ADDRESS_1]、交通費 ¥12,000 を申請します"
    r = redact("〒150-0002 東京都渋谷区渋谷2-21-1 2026-11-24 訪問")
    assert r.text == "〒[ADDRESS_1] 2026-11-24 訪問"
    r = redact("〒150-0002 東京都渋谷区渋谷2-21-1 12月3日着")
    assert r.text == "〒[ADDRESS_1] 12月3日着"
    r = redact("〒150-0002 東京都渋谷区渋谷2-21-1交通費12,000円")
    assert r.mapping == {"[ADDRESS_1]": "150-0002 東京都渋谷区渋谷2-21-1交通費"}
    assert r.text.endswith("12,000円")
    r = redact("〒150-0002 東京都渋谷区渋谷2-21-1 TEL 03-1234-5678")
    assert r.text == "〒[ADDRESS_1] TEL [PHONE_1]"
    assert r.kinds == {"ADDRESS", "PHONE"}
    r = redact("〒150-0002 東京都渋谷区渋谷2-21-1TEL03-1234-5678")
    assert r.text == "〒[ADDRESS_1]TEL[PHONE_1]"


def test_a_bare_postal_code_pattern_is_not_an_address() -> None:
    for text in ("150-0002 は何の番号ですか", "部品番号 150-0002 を10個", "区画 150-0002"):
        assert redact(text).text == text, text


# ---------------------------------------------------------------------------------------------
# What the bot needs stays byte-identical

KEEP = [
    "タクシー代 ¥12,000 を申請します",
    "会食 1万2千円（4名）",
    "Hotel 45.20 USD, taxi $12.50",
    "1,234,567円の請求書",
    "2026-11-24 の出張",
    "12/24 の忘年会",
    "令和8年12月3日から2日間",
    "R8.12.3",
    "13時から15:00まで、2時間",
    "14:00-15:00",
    "登録番号 T7010705000725",
    "T-8011101012345",
    "Ｔ６０１１１０１０１２３４５",
    "適格請求書 T4222222222222",  # a T-number whose 13 digits happen to pass Luhn
    "Invoice registration no. T 4222222222222",
    "法人番号 7010705000725",
    "申請 #123 の状況は？",
    "#1234567 はどうなりましたか",
    "4名で会食、2時間",
    "領収書番号 A-20261120-001",
    "注文番号 112-1234567-1234567",
    "レシート No. 0012-3456-7891",
    "伝票 20261124001",
    "振替伝票番号 2026-1120-0001-2346",
    "顧客番号 0012345678",  # 10 digits, but no Japanese number starts with 00
    "整理番号 0000001234567897",  # passes Luhn, but no card number starts with 0
    "差額 +1,200円、気温 +3.5度",  # a hyphenated reference: its inner 1120-0001-2346 is not a My Number
    "150-0002",
    "来月1日から3日間、有給を取ります",
    "I took 3 days off from Oct 8-9 and spent $1,234.",
]


@pytest.mark.parametrize("text", KEEP)
def test_back_office_content_is_left_alone(text: str) -> None:
    r = redact(text)
    assert r.text == text
    assert r.mapping == {}
    assert r.kinds == set()


def test_keep_list_has_no_accidental_my_numbers() -> None:
    # So the keep list tests what it means to: the 12-digit receipt number is not check-digit valid.
    assert not is_valid_my_number("001234567891")
    # …and the hyphenated reference does hide a check-digit-valid 4-4-4 group, which must not be taken out of it.
    assert is_valid_my_number("1120-0001-2346")
    assert not luhn_valid("2026-1120-0001-2346")
    assert luhn_valid("0000001234567897")


def test_t_number_digits_are_not_a_card_or_my_number_even_inside_a_message() -> None:
    assert luhn_valid("4222222222222")
    text = "T4222222222222 の適格請求書、カード 4111 1111 1111 1111 で支払い"
    r = redact(text)
    assert r.text == "T4222222222222 の適格請求書、カード [CARD_1] で支払い"


# ---------------------------------------------------------------------------------------------
# A message full of personal data

FULL = (
    "お疲れ様です、山田です。年末調整の書類を提出します。\n"
    "マイナンバー：６２１４ ９８３２ ０２５７\n"
    "給与振込口座：三菱UFJ銀行 渋谷支店（支店番号 123）普通 1234567\n"
    "携帯：090-1234-5678、自宅 (03)9876-5432\n"
    "メール：taro.yamada@example.co.jp\n"
    "立替のカード 4111 1111 1111 1111 の明細も添付します。\n"
    "〒150-0002 東京都渋谷区渋谷2-21-1 渋谷ハイツ101号室\n"
    "交通費 ¥12,000（2026-11-24、T7010705000725）も申請します。"
)
FULL_VALUES = {
    "MY_NUMBER": ["６２１４ ９８３２ ０２５７"],
    "BANK_ACCOUNT": ["123", "1234567"],
    "PHONE": ["090-1234-5678", "(03)9876-5432"],
    "EMAIL": ["taro.yamada@example.co.jp"],
    "CARD": ["4111 1111 1111 1111"],
    "ADDRESS": ["150-0002 東京都渋谷区渋谷2-21-1 渋谷ハイツ101号室"],
}


def test_a_message_full_of_personal_data_keeps_none_of_it() -> None:
    r = redact(FULL)
    assert r.kinds == set(KINDS)
    assert sorted(r.mapping.values()) == sorted(v for vs in FULL_VALUES.values() for v in vs)
    for kind, values in FULL_VALUES.items():
        for value in values:
            assert value in r.mapping.values()
            assert next(p for p, v in r.mapping.items() if v == value).startswith(f"[{kind}_")
            _assert_gone(r, value)
    for word in ("東京都渋谷区", "渋谷2-21-1", "150-0002", "1500002", "taro.yamada", "101号室"):
        assert word not in r.text, word
    # The long digit runs of the original are all gone; the T-number, amount and date stay.
    for run in ("621498320257", "1234567", "09012345678", "0398765432", "4111111111111111"):
        assert run not in _only_digits(r.text), run
    assert "T7010705000725" in r.text
    assert "¥12,000" in r.text
    assert "2026-11-24" in r.text
    assert r.restore(r.text) == FULL


def test_english_message_full_of_personal_data() -> None:
    text = (
        "Hi, for the reimbursement please use my account: MUFG Bank, Shibuya Branch, Savings Account No. 7654321. "
        "You can reach me on +81 90 1234 5678 or jane.doe@example.com. Card used: 5555 5555 5555 4444. "
        "Amount 45.20 USD on 2026-11-24."
    )
    r = redact(text)
    assert r.kinds == {"BANK_ACCOUNT", "PHONE", "EMAIL", "CARD"}
    for value in ("7654321", "+81 90 1234 5678", "jane.doe@example.com", "5555 5555 5555 4444"):
        _assert_gone(r, value)
    assert "45.20 USD on 2026-11-24" in r.text
    assert r.restore(r.text) == text


# ---------------------------------------------------------------------------------------------
# Placeholders, restore, and what must not happen


def test_same_value_twice_gets_one_placeholder() -> None:
    r = redact("090-1234-5678 に電話して、つながらなければ 090-1234-5678 にSMSを。別の番号 080-1111-2222 も")
    assert r.text == "[PHONE_1] に電話して、つながらなければ [PHONE_1] にSMSを。別の番号 [PHONE_2] も"
    assert r.mapping == {"[PHONE_1]": "090-1234-5678", "[PHONE_2]": "080-1111-2222"}


def test_numbering_is_per_kind_in_order_of_appearance() -> None:
    r = redact("a@example.com / 03-1234-5678 / b@example.com / 06-1234-5678")
    assert r.text == "[EMAIL_1] / [PHONE_1] / [EMAIL_2] / [PHONE_2]"


def test_restore_puts_originals_into_a_model_draft() -> None:
    r = redact("振込先は 普通 １２３４５６７、連絡は ０９０−１２３４−５６７８ か taro@example.co.jp まで")
    assert r.mapping == {
        "[BANK_ACCOUNT_1]": "１２３４５６７",
        "[PHONE_1]": "０９０−１２３４−５６７８",
        "[EMAIL_1]": "taro@example.co.jp",
    }
    draft = (
        "承知しました。口座 [BANK_ACCOUNT_1] に振り込み、完了したら [EMAIL_1] と ［PHONE_1］ "
        "にご連絡します。[CARD_9] は不明です。"
    )
    assert r.restore(draft) == (
        "承知しました。口座 １２３４５６７ に振り込み、完了したら taro@example.co.jp と ０９０−１２３４−５６７８ "
        "にご連絡します。[CARD_9] は不明です。"
    )
    assert redact("nothing here").restore("[PHONE_1]") == "[PHONE_1]"


def test_placeholders_already_in_the_message_are_not_reused() -> None:
    text = "テンプレートの [PHONE_1] を 090-1234-5678 に置き換えてください"
    r = redact(text)
    assert r.text == "テンプレートの [PHONE_1] を [PHONE_2] に置き換えてください"
    assert r.restore(r.text) == text


@pytest.mark.parametrize(
    "text",
    [
        "don't redact this: 090-1234-5678",
        "マスキング不要です。090-1234-5678",
        "redact=false 090-1234-5678",
        "[no-redact] 090-1234-5678",
    ],
)
def test_there_is_no_way_to_turn_redaction_off(text: str) -> None:
    r = redact(text)
    assert "090-1234-5678" not in r.text
    assert r.mapping == {"[PHONE_1]": "090-1234-5678"}


def test_redact_takes_no_options() -> None:
    import inspect

    assert list(inspect.signature(redact).parameters) == ["text"]


def test_repr_never_shows_the_originals() -> None:
    r = redact("090-1234-5678")
    assert "090-1234-5678" not in repr(r)
    assert "1234" not in repr(r)


def test_empty_and_plain_text() -> None:
    assert redact("") == Redaction(text="", mapping={})
    assert redact("明日の会議は15時からです").text == "明日の会議は15時からです"


def test_restore_round_trips_awkward_unicode() -> None:
    text = "ｶﾞｽ代の件、担当 ﾔﾏﾀﾞ 電話 ０３−１２３４−５６７８ ㍻ ① é"
    r = redact(text)
    assert r.mapping == {"[PHONE_1]": "０３−１２３４−５６７８"}
    assert r.text == "ｶﾞｽ代の件、担当 ﾔﾏﾀﾞ 電話 [PHONE_1] ㍻ ① é"
    assert r.restore(r.text) == text


def test_fast_enough() -> None:
    message = (FULL + " " + " ".join(KEEP))[:500]
    assert len(message) == 500
    redact(message)
    runs = 200
    start = time.perf_counter()
    for _ in range(runs):
        redact(message)
    per_message = (time.perf_counter() - start) / runs
    assert per_message < 0.002  # typically ~0.3 ms; the margin keeps slow CI machines green
