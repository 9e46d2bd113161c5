"""Folding contract text for matching, while keeping the way back to what the contract says.

Words and numbers are matched in a folded copy (NFKC, case-folded, spaces inside Japanese
dropped), but a report must quote the contract as written: `Folded` keeps, for every folded
character, the position of the character it came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from kanjize import kanji2number

KANJI_DIGITS = "〇零一二三四五六七八九十百千壱弐参"
# A number as contracts write it: 30, ３０ (after folding), 三十, 二.
NUM = rf"(?:\d+|[{KANJI_DIGITS}]+)"
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_SPACES = " \t\u3000\u00a0"


def is_wide(ch: str) -> bool:
    """Japanese script, CJK punctuation and full-width forms: text where words have no spaces."""
    return ch >= "\u2e80"


def number(text: str) -> int | None:
    """`30`, `３０`, `三十`, `二十一`, `iv` → an int; None when it is not a number."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    low = text.lower()
    if all(c in _ROMAN for c in low):
        total = 0
        for i, c in enumerate(low):
            value = _ROMAN[c]
            total += -value if i + 1 < len(low) and _ROMAN[low[i + 1]] > value else value
        return total
    if all(c in KANJI_DIGITS for c in text):
        try:
            return int(kanji2number(text.replace("零", "〇")))
        except (ValueError, KeyError, IndexError, TypeError):
            return None
    return None


def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch).casefold()
    # One dash and one wave for the many a PDF or a keyboard produces.
    return folded.translate(_DASHES)


_DASHES = str.maketrans({"～": "〜", "~": "〜", "‐": "-", "−": "-", "–": "-", "—": "-", "―": "-"})


def fold(text: str) -> str:
    """The folded form of a word from a rule file, comparable with `Folded.text`."""
    return Folded.of(text).text


@dataclass(frozen=True, slots=True)
class Folded:
    """`text` is `source` folded; `index[i]` is where `text[i]` came from in `source`."""

    source: str
    text: str
    index: tuple[int, ...]

    @classmethod
    def of(cls, source: str) -> Folded:
        chars: list[str] = []
        where: list[int] = []
        for i, ch in enumerate(source):
            if ch in _SPACES:
                if chars and chars[-1] not in " \n":
                    chars.append(" ")
                    where.append(i)
                continue
            if ch in "\r\n":
                if chars and chars[-1] == " ":
                    chars[-1] = "\n"
                elif chars and chars[-1] != "\n":
                    chars.append("\n")
                    where.append(i)
                continue
            for piece in _fold_char(ch):
                chars.append(piece)
                where.append(i)
        # A space between two Japanese characters is layout (PDF justification), not a word break.
        pairs = [
            (c, w)
            for k, (c, w) in enumerate(zip(chars, where, strict=True))
            if not (c == " " and 0 < k < len(chars) - 1 and is_wide(chars[k - 1]) and is_wide(chars[k + 1]))
        ]
        while pairs and pairs[-1][0] in " \n":
            pairs.pop()
        lead = next((k for k, (c, _) in enumerate(pairs) if c not in " \n"), len(pairs))
        pairs = pairs[lead:]
        return cls(source, "".join(c for c, _ in pairs), tuple(w for _, w in pairs))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of the folded span [start, end)."""
        if not self.index:
            return 0, 0
        start = min(max(start, 0), len(self.index) - 1)
        end = min(max(end, start + 1), len(self.index))
        return self.index[start], self.index[end - 1] + 1

    def find_any(self, words: Iterable[str]) -> tuple[int, int, str] | None:
        """The first place one of `words` (already folded) occurs: (start, end, word)."""
        best: tuple[int, int, str] | None = None
        for word in words:
            at = self.text.find(word)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, at + len(word), word)
        return best


def has_any(text: str, words: Iterable[str]) -> bool:
    return any(w in text for w in words)


def folded_words(words: Iterable[str]) -> tuple[str, ...]:
    """Rule-file words folded once, longest first so that a longer match wins a tie."""
    return tuple(sorted({fold(w) for w in words if fold(w)}, key=len, reverse=True))


def word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """A regex matching any of the folded `words`. A Latin word matches only at the start of a
    word, and as a prefix: `terminat` finds terminate and termination, `nda` is not in agenda."""
    parts = []
    for w in folded_words(words):
        escaped = re.escape(w)
        if w[:1].isascii() and w[:1].isalnum():
            escaped = r"(?<![a-z0-9])" + escaped
        parts.append(escaped)
    return re.compile("|".join(parts) if parts else r"(?!x)x")


# The rows of the kana table: a verb's ending changes within one row as it conjugates (完成さ-せる,
# 完成し-た, 完成す-る all keep the サ行).
_KANA_ROWS = (
    "あいうえお", "かきくけこ", "がぎぐげご", "さしすせそ", "ざじずぜぞ", "たちつてと", "だぢづでど", "なにぬねの",
    "はひふへほ", "ばびぶべぼ", "まみむめも", "らりるれろ", "わゐゑをん",
)  # fmt: skip
_PARTICLES = "とをにがはのでも"
_OKURIGANA = re.compile(r"(?P<stem>.*[^\u3041-\u309f])(?P<tail>[\u3041-\u309f]+)$")


def _stem(word: str) -> str:
    """A folded Japanese verb as a regex matching every form of it: 完成させる → 完成[さしすせそ].
    A word with no kana ending (請負, "quasi-mandate") stays as it is."""
    m = _OKURIGANA.match(word)
    if m is None or len(m.group("stem")) < 2:
        return re.escape(word)
    stem, tail = m.group("stem"), m.group("tail")
    if len(tail) > 1 and tail[0] in _PARTICLES:
        stem, tail = stem + tail[0], tail[1:]  # 委任契約とする: the particle stays, the verb after it is stemmed
    row = next((r for r in _KANA_ROWS if tail[0] in r), tail[0])
    return re.escape(stem) + f"[{row}]"


def stem_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Like `word_pattern`, but a Japanese verb matches by its stem, in any conjugation: a rule file
    lists 完成させる once and 完成させ, 完成し, 完成する, 完成します all match."""
    parts = []
    for w in folded_words(words):
        if w[:1].isascii() and w[:1].isalnum():
            parts.append(r"(?<![a-z0-9])" + re.escape(w))
        else:
            parts.append(_stem(w))
    return re.compile("|".join(parts) if parts else r"(?!x)x")
