"""Names for a 全銀 file: half-width katakana and the few other characters every bank takes (accounting.md §5.5).

A 受取人名 the bank cannot read bounces the transfer and the fee is lost, so a name is turned into the safe set
[ZC] or refused, never guessed at: half-width kana without ｦ and the small kana, ﾞ and ﾟ as characters of their
own, A–Z, 0–9, space and `( ) - .`. What is turned: full-width katakana and hiragana to half-width (ガ → ｶﾞ),
small kana to large (ｷｭｳ → ｷﾕｳ, as banks register them), the long-vowel mark to `-` (ｰ is not in the set), full-
width letters and digits to ASCII, lower case to upper, full-width spaces and brackets to ASCII. Everything else
(ｦ, ヰ, ヱ, ・, kanji, commas …) is refused with the character named, for a person to write as the passbook has it.
"""

from __future__ import annotations

import unicodedata

# The safe set of accounting.md §5.5 [ZC]. ｦ (U+FF66), the small kana (U+FF67–FF6F) and ｰ (U+FF70) are left out.
ALLOWED = frozenset(
    [chr(c) for c in range(0xFF71, 0xFFA0)]  # ｱ … ﾝ ﾞ ﾟ
    + [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    + [chr(c) for c in range(ord("0"), ord("9") + 1)]
    + list(" ()-.")
)

_SMALL_TO_LARGE = dict(zip("ｧｨｩｪｫｬｭｮｯ", "ｱｲｳｴｵﾔﾕﾖﾂ", strict=True))
_VOICED = "\u3099"  # combining ゛, what NFD splits ガ into
_SEMI_VOICED = "\u309a"
# Full-width katakana → half-width, from the half-width block itself (NFKC maps each one to its full-width twin),
# plus the small kana with no half-width form of their own.
_HALF: dict[str, str] = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xFF66, 0xFF9E)}
_HALF.update({"ヮ": "ﾜ", "ヵ": "ｶ", "ヶ": "ｹ", _VOICED: "ﾞ", _SEMI_VOICED: "ﾟ", "゛": "ﾞ", "゜": "ﾟ"})
_DASHES = frozenset("ー－‐‑–—―−ｰ")  # long-vowel marks and dashes a person may type for `-`
_SPACES = frozenset("\u3000\u00a0\t")
_HIRAGANA = range(0x3041, 0x3097)  # ぁ … ゖ; + 0x60 is the katakana


class KanaError(ValueError):
    """A character that cannot go into a 全銀 name: `char` is it, `position` where (1-based)."""

    def __init__(self, char: str, position: int) -> None:
        super().__init__(f"character {char!r} at position {position} is not allowed")
        self.char = char
        self.position = position


def _one(ch: str) -> str:
    if ch in _SPACES:
        return " "
    if ch in _DASHES:
        return "-"
    if ord(ch) in _HIRAGANA:
        ch = chr(ord(ch) + 0x60)
    if "\u30a1" <= ch <= "\u30fa" or ch in (_VOICED, _SEMI_VOICED, "゛", "゜"):
        # ガ → カ + ゛ → ｶﾞ; ヴ → ｳﾞ. A full-width character with no half-width form (ヰ, ヱ) stays and is refused.
        return "".join(_HALF.get(part, part) for part in unicodedata.normalize("NFD", ch))
    if "\uff01" <= ch <= "\uff5e":  # full-width ASCII: Ａ → A, （ → (
        ch = unicodedata.normalize("NFKC", ch)
    return _SMALL_TO_LARGE.get(ch, ch).upper() if ch.isascii() or ch in _SMALL_TO_LARGE else ch


def normalise(text: str) -> str:
    """`text` in the safe set, spaces trimmed and runs of them made one; KanaError on the first character that
    is not (its position counted in the text as given)."""
    out: list[str] = []
    for position, ch in enumerate(text, start=1):
        converted = "".join(_SMALL_TO_LARGE.get(c, c) for c in _one(ch))
        for c in converted:
            if c not in ALLOWED:
                raise KanaError(ch, position)
        out.append(converted)
    return " ".join("".join(out).split())


def is_safe(text: str) -> bool:
    """Every character in the safe set (what a test asserts of a written file)."""
    return all(c in ALLOWED for c in text)
