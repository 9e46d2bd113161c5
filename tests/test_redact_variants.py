"""Redaction (#13): what people type to get a number past a filter, and what must never be taken for one.

Each variant is normalised first (NFKC, invisible format characters dropped, separators unified), then found;
the placeholder covers exactly what was typed, and restore() gives the original back character for character.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from bot.understanding.redact import _FORMAT, is_valid_my_number, luhn_valid, redact

ZWSP, WJ, BOM, ZWJ = "\u200b", "\u2060", "\ufeff", "\u200d"


def _single(text: str, kind: str, original: str) -> None:
    r = redact(text)
    assert r.mapping == {f"[{kind}_1]": original}, (text, r.text, r.mapping)
    assert r.text == text.replace(original, f"[{kind}_1]")
    assert r.restore(r.text) == text


# -- the six variants of the issue, and more like them -------------------------------------------

MY_NUMBERS = [
    ("個人番号 1234.5678.9018", "1234.5678.9018"),  # the issue's: dots and a label
    ("番号は 6 2 1 4 9 8 3 2 0 2 5 7 です", "6 2 1 4 9 8 3 2 0 2 5 7"),  # the issue's: digit by digit
    (f"番号 6214{ZWSP}9832{ZWSP}0257 を登録", f"6214{ZWSP}9832{ZWSP}0257"),  # the issue's: zero-width spaces
    ("番号は6214.9832.0257です", "6214.9832.0257"),  # valid check digit, no label, dots
    ("番号は 6214・9832・0257 です", "6214・9832・0257"),  # katakana middle dots
    ("番号は 6214･9832･0257 です", "6214･9832･0257"),  # half-width middle dots
    ("番号は ６２１４．９８３２．０２５７ です", "６２１４．９８３２．０２５７"),  # full-width digits and dots
    (f"番号は 6{ZWSP}2{ZWSP}1{ZWSP}4{ZWSP}9832{WJ}0257 です", f"6{ZWSP}2{ZWSP}1{ZWSP}4{ZWSP}9832{WJ}0257"),
    (f"{BOM}621498320257 です", "621498320257"),  # the BOM is outside the number: only the digits go
    ("番号は 6214 - 9832 - 0257 です", "6214 - 9832 - 0257"),  # spaced hyphens
    ("番号は 6214  9832  0257 です", "6214  9832  0257"),  # double spaces
    ("番号は 6214\u00a09832\u00a00257 です", "6214\u00a09832\u00a00257"),  # no-break spaces
    ("番号は 6214\u30009832\u30000257 です", "6214\u30009832\u30000257"),  # ideographic spaces
    ("番号は 6-2-1-4-9-8-3-2-0-2-5-7 です", "6-2-1-4-9-8-3-2-0-2-5-7"),  # hyphen between every digit
    ("マイナンバー：1 2 3 4 5 6 7 8 9 0 1 2", "1 2 3 4 5 6 7 8 9 0 1 2"),  # invalid check digit, labelled
    ("My Number: 1234.5678.9012", "1234.5678.9012"),
    ("mynumber 12 3456 789012 for payroll", "12 3456 789012"),  # labelled: any grouping of 12 digits
    ("マイナ番号は 1234-5678-9012", "1234-5678-9012"),
]


@pytest.mark.parametrize(("text", "original"), MY_NUMBERS)
def test_my_number_variants(text: str, original: str) -> None:
    _single(text, "MY_NUMBER", original)


def test_the_check_digit_of_the_dotted_example_is_valid_and_a_wrong_one_needs_the_label() -> None:
    assert is_valid_my_number("1234.5678.9018")
    assert redact("番号 1234.5678.9019 です").mapping == {}  # wrong check digit, no label: a reference number
    assert redact("個人番号 1234.5678.9019 です").kinds == {"MY_NUMBER"}


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("携帯 090.1234.5678 まで", "090.1234.5678"),  # the issue's
        ("電話は 03.1234.5678 です", "03.1234.5678"),
        ("call 090 . 1234 . 5678", "090 . 1234 . 5678"),
        ("電話 0 9 0 1 2 3 4 5 6 7 8 まで", "0 9 0 1 2 3 4 5 6 7 8"),  # digit by digit
        (f"電話 090{ZWSP}1234{ZWSP}5678 まで", f"090{ZWSP}1234{ZWSP}5678"),
        ("電話 090・1234・5678 まで", "090・1234・5678"),
    ],
)
def test_phone_variants(text: str, original: str) -> None:
    _single(text, "PHONE", original)


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("連絡先は taro @ example.com です", "taro @ example.com"),  # the issue's
        ("連絡先は taro@ example.co.jp です", "taro@ example.co.jp"),
        ("連絡先は taro ＠ example.jp です", "taro ＠ example.jp"),
        ("mail taro (at) example (dot) com please", "taro (at) example (dot) com"),
        ("mail taro[at]example[dot]co[dot]jp please", "taro[at]example[dot]co[dot]jp"),
        ("mail taro <at> example.org please", "taro <at> example.org"),
        ("メールは taro アットマーク example.co.jp へ", "taro アットマーク example.co.jp"),
        (f"mail taro{ZWSP}@{ZWSP}example.com please", f"taro{ZWSP}@{ZWSP}example.com"),
    ],
)
def test_email_variants(text: str, original: str) -> None:
    _single(text, "EMAIL", original)


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("三井住友 新宿 7654321", "7654321"),  # the issue's: no 普通, no 銀行, no 振込先
        ("三菱UFJ 渋谷 1234567 にお願いします", "1234567"),
        ("みずほ 池袋 0123456", "0123456"),
        ("りそな 本店 1122334 です", "1122334"),
        ("ｍｉｚｕｈｏ Shinjuku 7654321", "7654321"),  # full-width latin
        ("MUFG Shibuya 1234567", "1234567"),
        ("SMBC Shinjuku 7654321 please", "7654321"),
        ("住信SBI 法人第一 7654321", "7654321"),
        ("城南信金 五反田 7654321", "7654321"),  # 信金 as a suffix
    ],
)
def test_bank_account_without_account_type(text: str, original: str) -> None:
    _single(text, "BANK_ACCOUNT", original)


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("カード 4111.1111.1111.1111 で", "4111.1111.1111.1111"),
        (f"カード 4111{ZWSP}1111{ZWSP}1111{ZWSP}1111 で", f"4111{ZWSP}1111{ZWSP}1111{ZWSP}1111"),
        ("カード 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 で", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"),
        ("カード 5555 - 5555 - 5555 - 4444 で", "5555 - 5555 - 5555 - 4444"),
    ],
)
def test_card_variants(text: str, original: str) -> None:
    _single(text, "CARD", original)


# -- what must never be taken for personal data ----------------------------------------------------

NEVER = [
    # amounts
    "タクシー ¥12,000",
    "1,234,567円の請求書",
    "会食 1万2千円",
    "Hotel 45.20 USD",
    "価格 1.234.567円",
    "¥1,234,567,890",
    "合計 12,345,678,901円",
    "単価 1234567.50円",
    "交通費 3200 円、宿泊 12000 円",
    # dates, times, durations
    "2026.11.20 の出張",
    "2026-11-20 の出張",
    "11/20 の会議",
    "2026/11/20",
    "10:30 から",
    "10:30-12:00",
    "2時間30分",
    "3日間",
    "R8.11.20",
    "20261120",
    "2026.11.20 10:30",
    # receipts, orders, invoices, corporate numbers
    "領収書番号 2026-1120-0001-2346",
    "レシート No. 0012-3456-7891",
    "注文番号 112-1234567-1234567",
    "注文番号 250-5839210-7766123",
    "予約番号 1234.5678.9012.3456",
    "請求書 T7010705000725",
    "登録番号 T4222222222222",
    "法人番号 7010705000725",
    "T-7010-7050-00725",
    # phone-like but not a phone
    "価格 0.5% 引き",
    "¥0120 の割引",
    "単価 0.1234 円",
    "v0.12.3456",
    # ids the bot and the platforms use
    "申請 #123 の件",
    "#1234567 はどうなりましたか",
    "1700000000.123456",
    "ts=1764000000.000200",
    "スレッド 1764000000.621498 で",
    "thanks @ bob.smith",
    "meet @ 3pm at the office",
    "3名 @ 2,400円",
    "部品 1234 5678",
]


@pytest.mark.parametrize("text", NEVER)
def test_back_office_content_is_never_redacted(text: str) -> None:
    r = redact(text)
    assert r.mapping == {}, (text, r.text)
    assert r.text == text


def test_the_never_list_holds_numbers_that_would_pass_a_check_if_read_carelessly() -> None:
    # So the list tests what it means to: these look like identifiers but belong to something longer.
    assert luhn_valid("4222222222222")
    assert is_valid_my_number("1120-0001-2346")


# -- normalisation --------------------------------------------------------------------------------


def test_format_characters_are_exactly_unicode_category_cf() -> None:
    pattern_chars = {c for c in map(chr, range(sys.maxunicode + 1)) if _FORMAT.match(c)}
    cf = {c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) == "Cf"}
    assert pattern_chars == cf, sorted(f"U+{ord(c):04X}" for c in pattern_chars ^ cf)


def test_zero_width_characters_elsewhere_do_not_change_the_text() -> None:
    text = f"お疲れ様です{ZWSP}。👩{ZWJ}💻 の件、{WJ}よろしくお願いします"
    assert redact(text).text == text


def test_a_message_full_of_disguised_data_keeps_none_of_it_and_restores_exactly() -> None:
    text = (
        f"個人番号 1234.5678.9018、携帯 090.1234.5678、メール taro @ example.com、"
        f"振込先 三井住友 新宿 7654321、カード 4111{ZWSP}1111{ZWSP}1111{ZWSP}1111。交通費 ¥12,000 (2026.11.20)"
    )
    r = redact(text)
    assert r.kinds == {"MY_NUMBER", "PHONE", "EMAIL", "BANK_ACCOUNT", "CARD"}
    digits = re.sub(r"\D", "", r.text)
    for gone in ("123456789018", "09012345678", "7654321", "4111111111111111"):
        assert gone not in digits
    assert "taro" not in r.text
    assert "¥12,000 (2026.11.20)" in r.text
    assert r.restore(r.text) == text
