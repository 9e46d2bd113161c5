"""Names in a message: who was paid (the vendor) and who a contract is with, told from common nouns.

Word lists cannot know every shop. Two things together can: where a word stands (「Xで」 before what was
bought or paid, right before the amount, 「Xの」 before the item, "at X", in brackets after ホテル) and
what kind of word it is. Japanese words are tagged by janome (its dictionary ships inside the wheel):
a proper noun or an organisation (丸善, ビックカメラ, ヤマト運輸) is a name; a single common noun (現地,
宅急便, 手土産, ホテル) is not; an unknown or compound katakana run (スペースマーケット, サブウェイ) and a
Latin word with a capital or a digit (ANA, IIJmio, 7-Eleven) are names. A place (銀座, Roppongi after
"from") is where, not who. The tokenizer loads on first use (about a second) and is shared.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from janome.tokenizer import Tokenizer

_LOCK = threading.Lock()
_TOKENIZER: Tokenizer | None = None


def _tokenizer() -> Tokenizer:
    global _TOKENIZER
    with _LOCK:
        if _TOKENIZER is None:
            from janome.tokenizer import Tokenizer  # its dictionary is tens of MB: opened at the first name

            _TOKENIZER = Tokenizer()
        return _TOKENIZER


@dataclass(frozen=True)
class Token:
    surface: str
    pos: tuple[str, ...]


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    found = _tokenizer().tokenize(text)
    return tuple(Token(t.surface, tuple(t.part_of_speech.split(","))) for t in found if not isinstance(t, str))


_KATAKANA = re.compile(r"^[\u30A0-\u30FFー・]+$")
_LATIN_NAME = re.compile(r"[A-Z]|\d[A-Za-z]|[A-Za-z]\d|\.(?:com|jp|net|io)\b|[a-z][A-Z]")
_SHOP_SUFFIX = re.compile(
    r"(?:書店|商店|本店|支店|屋|苑|亭|堂|軒|庵|館|店|グリル|食堂|酒場|珈琲|運輸|急便|電機|カメラ|ストア|マート)$"
)
_HONORIFIC = re.compile(r"(?:さん|様|さま|殿|社|御中)$")
_GENERIC_LATIN = re.compile(
    r"^(?:the|a|an|my|our|i|me|we|us|it|this|that|team|client|clients|office|claim|expense|receipt|invoice|total"
    r"|yesterday|today|tomorrow|last|next|night|morning|dinner|lunch|drinks|taxi|train|bus|hotel|flight|meeting|mtg"
    r"|jpy|usd|yen|ok|fyi|pm|am|q[1-4]|pto|wfh|sim|wi-?fi|t\d+|pro|plus|business|team|premium|enterprise|standard|basic"
    r"|professional|personal|starter|annual|monthly|plan|\w+ing|claiming|expensing|paid|bought|picked|grabbed)$",
    re.IGNORECASE,
)


def is_name(span: str, common: Callable[[str], bool] | None = None, labelled: bool = False) -> bool:
    """Whether `span` names a shop, a firm or a service rather than a thing or a place.

    `common` says whether a word is one the bot already knows as a thing bought (its category words).
    `labelled`: the message itself marks the span as the shop (「お店は「和食 さいとう」」, 「ホテル(…)」), so any
    words that are not a thing, a count or a phrase will do (久兵衛 reads as a person's name to the dictionary)."""
    span = _HONORIFIC.sub("", span.strip(" 　、。・:：,-—()（）「」『』"))
    if not span or span.isdigit() or len(span) > 40:
        return False
    if re.search(r"\d\s?(?:名|人|年|月|日|泊|個|枚|円|時)|[のとをがは](?:方|うち)|から\d", span):
        return False  # a count, a date or a phrase, not a name
    if common is not None and common(span):
        return False
    if labelled and not span.isascii():
        return True
    if span.isascii():
        words = [w for w in re.split(r"[\s,]+", span) if w]
        if all(_GENERIC_LATIN.match(w) for w in words):
            return False
        lower = [w for w in words if not re.match(r"[A-Z0-9&]", w) and w.lower() not in ("of", "and", "de", "la")]
        if len(words) > 1 and lower:
            return False  # "group on Sep 30": a phrase, not a name (names are capitalised word by word)
        return bool(_LATIN_NAME.search(span))
    if _SHOP_SUFFIX.search(span) and len(span) >= 3:
        return True
    toks = [t for t in tokens(span) if t.pos[0] != "記号" and t.surface.strip()]
    if not toks:
        return False
    if any(t.pos[1] == "固有名詞" and t.pos[2] in ("組織", "一般") for t in toks):
        return True
    if all(t.pos[1] == "固有名詞" and t.pos[2] == "地域" for t in toks):
        return False  # 銀座, 名古屋: where, not who
    if any(re.search(r"[A-Za-z]", t.surface) for t in toks):
        return bool(_LATIN_NAME.search(span))
    # A compound with a katakana word in it (楽天モバイル, ドーミーイン梅田, リッチモンドホテル博多駅前): a brand
    # and its branch, not a thing, unless it is a thing and what it is for (業務用スマホ): every part common.
    compound = len(toks) >= 2 and any(_KATAKANA.match(t.surface) and len(t.surface) >= 3 for t in toks)
    proper = any(t.pos[1] == "固有名詞" for t in toks)
    if compound and (proper or (all(t.pos[1] != "接尾" for t in toks) and not span.endswith("代"))):
        return not all(common(t.surface) for t in toks if _KATAKANA.match(t.surface)) if common else True
    if _KATAKANA.match(span):
        # One word the dictionary knows (ホテル, コーヒー, タクシー) is a thing; a run it cannot read as one
        # word (スペースマーケット, サブウェイ) or does not know is most likely a name.
        return len(toks) > 1 or toks[0].pos[1] in ("固有名詞",) or (toks[0].pos[0] == "名詞" and len(span) >= 6)
    # Kanji and kana: a single common noun (現地, 宅急便, 手土産) is not a name.
    return False


def proper_nouns(text: str) -> list[tuple[str, str]]:
    """(surface, kind) of every proper noun janome finds: kind is 組織, 人名, 地域 or 一般."""
    return [(t.surface, t.pos[2]) for t in tokens(text) if t.pos[1] == "固有名詞"]


def after_last_particle(run: str) -> str:
    """The end of a Japanese run after its last particle or auxiliary: 「11/9にムームードメイン」 → ムームードメイン,
    while 「とらや」 keeps its と (a word of its own to the tokenizer, not the particle)."""
    toks = tokens(run)
    cut = 0
    for i, t in enumerate(toks):
        if t.pos[0] in ("助詞", "助動詞", "動詞", "形容詞") or t.surface.strip(" 　、。,!?！？「」()（）") == "":
            cut = i + 1
    return "".join(t.surface for t in toks[cut:])


def is_person(word: str) -> bool:
    """A family name as the dictionary knows one (山田, 佐藤)."""
    toks = tokens(word)
    return len(toks) == 1 and toks[0].pos[1] == "固有名詞" and toks[0].pos[2] == "人名"
