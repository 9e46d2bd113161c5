"""Money in the ways people write it: ¥3,200 / 3,200円 / 1.2万円 / 1万2千円 / 二千八百円 / $45.20 / 45 USD.

Numbers that are not money (4名, 13時, 2駅, order numbers, dates) are never taken for an
amount: only a number with a currency mark, or a kanji numeral followed by 円, counts.
Kanji numerals are read by `kanjize`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kanjize import kanji2number

_KANJI_DIGITS = "〇一二三四五六七八九十百千万億壱弐参"
# Bounded repeats (no amount has more than 15 digits): unbounded ones made a 5,000-digit message take
# seconds to read, per pass, holding its sender's queue (#13). A longer digit run is not an amount at all.
_INT = r"(?:\d{1,3}(?:,\d{3}){1,5}|\d{1,15})(?!,?\d)"
_NUM = rf"{_INT}(?:\.\d{{1,6}})?(?:[万千億](?:{_INT}|[{_KANJI_DIGITS}]){{0,8}}[千百]?)?"
_KANJI_NUM = rf"[{_KANJI_DIGITS}]{{1,20}}"

_PREFIX = {
    "¥": "JPY", "$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "C$": "CAD", "A$": "AUD", "HK$": "HKD",
    # ISO codes written first: "USD 84", "JPY 3,000"
    "USD": "USD", "JPY": "JPY", "EUR": "EUR", "GBP": "GBP", "CAD": "CAD", "AUD": "AUD", "SGD": "SGD", "HKD": "HKD",
}  # fmt: skip
_SUFFIX = {
    "円": "JPY", "yen": "JPY", "jpy": "JPY", "usd": "USD", "dollars": "USD", "dollar": "USD", "ドル": "USD",
    "eur": "EUR", "euro": "EUR", "euros": "EUR", "ユーロ": "EUR", "gbp": "GBP", "cad": "CAD", "aud": "AUD",
    "cny": "CNY", "元": "CNY", "krw": "KRW", "ウォン": "KRW", "sgd": "SGD", "hkd": "HKD", "twd": "TWD",
}  # fmt: skip
_PREFIX_RE = "|".join(re.escape(p) for p in sorted(_PREFIX, key=len, reverse=True))
_SUFFIX_RE = "|".join(sorted((re.escape(s) for s in _SUFFIX), key=len, reverse=True))

_MARKED = re.compile(
    rf"(?<![A-Za-z])(?P<pre>{_PREFIX_RE})\s?(?P<num1>{_NUM})(?P<pre_unit>円)?"
    rf"|(?<![\d,.])(?P<num2>{_NUM}|{_KANJI_NUM})\s?(?P<suf>{_SUFFIX_RE})(?![a-z])",
    re.IGNORECASE,
)
# "1日3,000円×2日分", "¥1,500 x 3": a unit price times a count.
_TIMES = re.compile(r"\s*[×xX*]\s*(\d+)\s*(?:日|回|人|名|泊|枚|個|本|days?|nights?|times|people|pcs)?")
_TOTAL_WORDS = re.compile(r"(合計|総額|計|total|in total|altogether|全部で)\s*[:：]?\s*$", re.IGNORECASE)
_TOTAL_AFTER = re.compile(r"^\s*(total|in total|altogether)", re.IGNORECASE)


# A sign written against the number ("-3,200円"); a dash with a space after it is punctuation ("5 of us - 2,380 yen").
_MINUS_BEFORE = re.compile(r"(?:(?<![\d\w/])[-−–]|(?:マイナス|minus)\s?)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Amount:
    value: Decimal
    currency: str
    start: int  # span in the normalised text
    end: int
    total: bool = False  # the text calls it the total


def normalize(text: str) -> str:
    """NFKC folds full-width digits, ￥ and commas; the wave dash family becomes 〜."""
    return unicodedata.normalize("NFKC", text).replace("～", "〜").replace("~", "〜")


def number_value(text: str) -> Decimal | None:
    """`3,200` → 3200, `1.2万` → 12000, `1万2千` → 12000, `二千八百` → 2800."""
    text = text.replace(",", "")
    try:
        if re.fullmatch(r"\d+(\.\d+)?", text):
            return Decimal(text)
        m = re.fullmatch(r"(\d+(?:\.\d+)?)([万千億])", text)
        if m:  # kanjize reads "1.2万" too, but exactly is better than by float
            return Decimal(m.group(1)) * {"万": 10_000, "千": 1_000, "億": 100_000_000}[m.group(2)]
        return Decimal(kanji2number(text))
    except (InvalidOperation, ValueError, KeyError, TypeError, IndexError):
        return None


def find_amounts(text: str) -> list[Amount]:
    """Every amount of money in `text` (already normalised), in order."""
    found: list[Amount] = []
    for m in _MARKED.finditer(text):
        if m.group("pre"):
            raw, currency = m.group("num1"), _PREFIX[m.group("pre").upper()]
        else:
            raw, currency = m.group("num2"), _SUFFIX[m.group("suf").lower()]
        value = number_value(raw)
        if value is None or value <= 0:
            continue
        if _MINUS_BEFORE.search(text[max(0, m.start() - 5) : m.start()]):
            continue  # 「-3,200円」「マイナス500円」: no claim is below zero (negative_amount says so)
        if currency == "JPY" and value != value.to_integral_value():
            value = value.quantize(Decimal(1))
        start, end = m.start(), m.end()
        if t := _TIMES.match(text, end):
            value *= int(t.group(1))
            end = t.end()
        total = bool(_TOTAL_WORDS.search(text[max(0, start - 12) : start]) or _TOTAL_AFTER.match(text[end:]))
        found.append(Amount(value, currency, start, end, total))
    return found


def pick_amount(amounts: list[Amount]) -> Amount | None:
    """The amount claimed: the one called the total, else the largest in the main currency."""
    if not amounts:
        return None
    totals = [a for a in amounts if a.total]
    if totals:
        return totals[-1]
    currencies = {a.currency for a in amounts}
    main = "JPY" if currencies == {"JPY"} else next(a.currency for a in amounts if a.currency != "JPY")
    return max((a for a in amounts if a.currency == main), key=lambda a: a.value)


def parse_amount_text(text: str) -> tuple[Decimal, str] | None:
    """One amount as written (the LLM engine returns the span; this reads it)."""
    amount = pick_amount(find_amounts(normalize(text)))
    if amount is None:
        value = number_value(normalize(text).strip())
        return (value, "JPY") if value is not None else None
    return amount.value, amount.currency


# A number with no currency mark, right after a word for a cost: 「タクシー代 3200」「交通費:1500」 "taxi fare 3200".
# Only there: anywhere else a bare number is a count, a time or an order number. Not a unit that follows
# (3200名, 13時, 2泊), and never a negative or zero.
_BARE = re.compile(
    rf"(?:代|費|料金|運賃|料|金額|合計|総額|fare|cost|fee|price|total|amount)\s*(?:は|が|で|:|：|=|\s)?\s*"
    rf"(?P<num>{_INT}(?:\.\d{{1,2}})?(?:[万千](?:{_INT})?)?)"
    r"(?![\d.,]|\s*(?:名|人|時|日|月|年|駅|分|回|泊|個|枚|本|件|%|ページ|km|kg|gb|円|ドル|yen|usd|days?|hours?|nights?|people))",
    re.IGNORECASE,
)


def bare_amount(text: str) -> Amount | None:
    """A yen amount written without 円 or ¥ beside a cost word, or None. A weak cue: engines mark it unsure."""
    for m in _BARE.finditer(text):
        value = number_value(m.group("num"))
        if value is not None and value >= 1:
            return Amount(value.quantize(Decimal(1)), "JPY", m.start("num"), m.end("num"))
    return None


# 「-3,200円」「マイナス3200円」 "−¥500": an amount written below zero, which no claim can be.
_NEGATIVE = re.compile(
    rf"(?:[-−–]|マイナス\s?|minus\s)(?:[¥$€£]\s?)?{_INT}(?:\.\d{{1,6}})?\s?(?:円|yen|ドル|[¥$€£]|usd|jpy)?",
    re.IGNORECASE,
)


def negative_amount(text: str) -> bool:
    """Whether the text writes an amount of money below zero (and so the bot must say why it asks again)."""
    for m in _NEGATIVE.finditer(text):
        chunk = m.group(0)
        before = text[max(0, m.start() - 1) : m.start()]
        if before.isdigit() or before in ("/", "-"):  # a range 10-20 or a date 2026-11-20, not a sign
            continue
        if re.search(r"円|yen|ドル|[¥$€£]|usd|jpy|マイナス|minus", chunk, re.IGNORECASE):
            return True
    return False
