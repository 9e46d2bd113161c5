"""Qualified-invoice registration numbers (適格請求書発行事業者登録番号): `T` + 13 digits."""

from __future__ import annotations

import re
import unicodedata

_DIGITS = re.compile(r"[TＴt]?\s*-?\s*((?:\d[\s-]?){13})")


def normalize_invoice_number(text: str) -> str | None:
    """`T-1234-5678-90123`, `ｔ１２３…` → `T1234567890123`; None when there are not 13 digits."""
    text = unicodedata.normalize("NFKC", text).strip()
    m = _DIGITS.fullmatch(text)
    if not m:
        return None
    return "T" + re.sub(r"\D", "", m.group(1))


def invoice_check_digit_ok(number: str) -> bool:
    """The 法人番号 check digit (財務省令第70号 第2条): the leading digit equals
    9 - (sum of the 12 base digits, weighted 1,2,1,2… from the right) mod 9. A sole trader's
    number may not follow it, so a failure is a warning for finance, never a rejection."""
    if not (len(number) == 14 and number[0] == "T" and number[1:].isdigit()):
        return False
    total = sum(int(d) * (2 if n % 2 == 0 else 1) for n, d in enumerate(reversed(number[2:]), 1))
    return int(number[1]) == 9 - total % 9
