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
