"""Words for policy search, from Japanese and English text alike.

Japanese has no spaces, so Japanese runs go through janome (its dictionary ships inside the
wheel: nothing is downloaded); Latin runs are split on word boundaries and lightly stemmed.
Both languages come out in one token stream, so a Japanese policy that mentions `/expense` or
an English one that mentions 会議費 is found either way.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from janome.tokenizer import Tokenizer

_JA_CHAR = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヵヶー"
# A Japanese run keeps its digits ("10000000円以上"): janome reads 円以上 wrongly without them.
# A decimal ("3.5年") is its own number, not digits at the end of the Japanese before it.
_RUN = re.compile(rf"[0-9]*[{_JA_CHAR}](?:[{_JA_CHAR}]|[0-9]+(?![.0-9]))*|[a-z0-9]+(?:[-'.][a-z0-9]+)*")
_JA_RUN = re.compile(rf"[{_JA_CHAR}]")
# "1.2万", "1000万", "1万2千", "3千": written-out multipliers, so "2万円" and "¥20,000" are one number.
_UNITS = {"億": 100_000_000, "万": 10_000, "千": 1_000}
_JA_MULTIPLIER = re.compile(r"(\d+(?:\.\d+)?)(億|万|千)(?:(\d+)千)?")
_DIGIT_GROUPS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_HALF = re.compile(r"(\d+)(年|か月|ヶ月|日|時間)半")
_CURRENCY = re.compile(r"[¥￥\\]\s?(\d[\d.]*)|(?<=\d)(?:円| ?yen\b)")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that say nothing about which rule is meant. Kept short on purpose: a word dropped here
# can never be searched for.
EN_STOPWORDS = _word_set(
    """a an the and or of to in on at for from by with as is are was were be been being am do does did done
    doing i me my mine we our us you your he she him her it its they them their this that these those what
    which who whom whose when where why how can could may might must shall should will would there here if
    then than so not no yes any some all each every more most other such about into again further once just
    also too very s t get gets got getting give given take takes took taking make made go goes going happen
    happens happened want like know tell please let lets use used much many one thing things someone
    anything something okay ok allowed possible rule rules policy company"""
)
JA_STOPWORDS = _word_set(
    """する ある いる なる できる れる られる いう 思う くれる ない いい よい こと もの ため とき 場合 方 方法
    どう 何 いくら いつ 誰 どこ どれ どちら どの 教える 知る もらう 取れる 分 よう そう これ それ
    あれ ここ そこ 中 等 今 的 本当 気 つける みたい"""
)
# English words that help ranking but that a question is never "about": the verbs and adjectives of
# asking (Japanese verbs are told apart by janome; English has no such reader here, so they are listed).
EN_WEAK = _word_set(
    """have has had having need needs needed keep kept put puts write wrote written ask asked asking check say
    says said think mean means count counts counted still already just only really actually same new old
    enough again ever even okay fine right wrong able sure yet way need let see look looking looked else come
    comes came buy buys bought purchase purchased happen happens happened accidentally mistake"""
)
# Japanese parts of speech that name things; particles, auxiliaries and pronouns say nothing.
_JA_NOUN_KEEP = ("一般", "固有名詞", "サ変接続", "形容動詞語幹", "ナイ形容詞語幹", "副詞可能")
_JA_CONTENT_POS = ("名詞", "動詞", "形容詞")


@dataclass(frozen=True, slots=True)
class Words:
    """One text, analysed.

    `terms` are the single words that carry meaning, in order (numbers included, as plain
    digits); `weak` are those of them that are Japanese verbs or adjectives (もらえる, 休む):
    they help ranking, but a question is not "about" them. `compounds` are runs of Japanese nouns
    written together (領収書, タクシー代), extra tokens so an exact phrase ranks higher. `plain`
    is every English word in order, stemmed, stop words kept: phrases such as "on vacation"
    are matched on it.
    """

    terms: tuple[str, ...]
    compounds: tuple[str, ...] = ()
    weak: frozenset[str] = frozenset()
    plain: tuple[str, ...] = ()

    @property
    def tokens(self) -> list[str]:
        return [*self.terms, *self.compounds]


class _Janome:
    """One janome tokenizer for the process: it takes ~0.2 s to open and is not thread-safe."""

    def __init__(self) -> None:
        self._tokenizer: Tokenizer | None = None
        self._lock = threading.Lock()

    def parse(self, text: str) -> list[tuple[str, str, str]]:
        with self._lock:
            if self._tokenizer is None:
                from janome.tokenizer import Tokenizer  # tens of MB: opened at the first policy search

                self._tokenizer = Tokenizer()
            return [(t.surface, t.part_of_speech, t.base_form) for t in self._tokenizer.tokenize(text)]  # type: ignore[union-attr]


_JANOME = _Janome()


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits, ￥), lower case, `3,000` → `3000`, `2万` → `20000`."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _DIGIT_GROUPS.sub("", text)
    text = _JA_MULTIPLIER.sub(_expand_multiplier, text)
    text = _HALF.sub(r"\1.5\2", text)  # 3年半 → 3.5年, as a grant table writes it
    # An amount is its number: "¥30,000以上", "3万円以上" and "30,000 yen or more" read alike.
    return _CURRENCY.sub(r"\1", text)


def _expand_multiplier(m: re.Match[str]) -> str:
    try:
        value = Decimal(m.group(1)) * _UNITS[m.group(2)] + (Decimal(m.group(3)) * 1000 if m.group(3) else 0)
    except InvalidOperation:
        return m.group(0)
    return str(int(value)) if value == value.to_integral_value() else str(value)


def is_japanese(text: str) -> bool:
    return bool(_JA_RUN.search(text))


_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def japanese_share(text: str) -> float:
    """How Japanese a text reads, 0–1: 1 with any kana; else its kanji against its English words."""
    text = unicodedata.normalize("NFKC", text)
    if _KANA.search(text):
        return 1.0
    kanji = len(_JA_RUN.findall(text))
    words = len(_LATIN_WORD.findall(text))
    return kanji / (kanji + words) if kanji + words else 0.0


def stem(word: str) -> str:
    """A deliberately small English stemmer: plural, -ing, -ed, final e. The same function reads
    documents and questions, so "approved", "approves" and "approval" need only agree with
    themselves, not with a dictionary."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("al", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + repl
            if repl == "" and len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiousz":
                word = word[:-1]
            break
    else:
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def analyze(text: str) -> Words:
    """The words of `text` for searching: the same function for documents and questions."""
    terms: list[str] = []
    compounds: list[str] = []
    weak: set[str] = set()
    plain: list[str] = []
    for run in _RUN.findall(normalize(text)):
        if is_japanese(run):
            _japanese(run, terms, compounds, weak)
        elif run[0].isdigit():
            terms.append(run.rstrip("."))
            plain.append(run.rstrip("."))
        else:
            for part in re.split(r"[-'.]", run):
                if part:
                    word = part if part.isdigit() else stem(part)
                    plain.append(word)
                    if part not in EN_STOPWORDS:
                        terms.append(word)
                        if part in EN_WEAK:
                            weak.add(word)
            if "-" in run:  # "non-compete" is also one word, as the glossary writes it
                terms.append(stem(run.replace("-", "")))
    return Words(tuple(terms), tuple(compounds), frozenset(weak), tuple(plain))


def is_number(token: str) -> bool:
    return token[:1].isdigit()


def _japanese(run: str, terms: list[str], compounds: list[str], weak: set[str]) -> None:
    chunk: list[str] = []  # consecutive nouns, for the compound

    def close() -> None:
        if len(chunk) > 1:
            compounds.append("".join(chunk))
        chunk.clear()

    for surface, pos, base in _JANOME.parse(run):
        major, minor = pos.split(",")[:2]
        if major == "名詞":
            chunk.append(surface)
            number = minor == "数" and surface.isdigit()
            if number or (minor in _JA_NOUN_KEEP and surface not in JA_STOPWORDS):
                terms.append(surface)
            continue
        close()
        if major in _JA_CONTENT_POS and "自立" in pos and base not in JA_STOPWORDS:
            terms.append(base)
            weak.add(base)
    close()


# A bound written with a number: "30000以上", "100000を超える", "3000 or more", "over 500000".
_BOUND_AFTER = re.compile(r"(\d+(?:\.\d+)?)\s?(以上|以下|超|未満|を超え|まで|or more|or less|and over|and under)")
_BOUND_BEFORE = re.compile(r"\b(over|under|more than|less than|at least|at most|up to|from)\s(\d+(?:\.\d+)?)")
_AT_LEAST = {"以上", "or more", "and over", "at least", "from"}
_ABOVE = {"超", "を超え", "over", "more than"}
_AT_MOST = {"以下", "まで", "or less", "at most", "up to"}
# Amounts smaller than this are days, hours or people, not money a threshold is about.
MIN_AMOUNT = 1000


def amounts(text: str) -> list[float]:
    """The amounts of money a text mentions (numbers of MIN_AMOUNT or more), normalised."""
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", normalize(text)) if float(n) >= MIN_AMOUNT]


def thresholds(text: str) -> list[tuple[float, str]]:
    """The amount bounds a text states: (value, "ge" | "gt" | "le" | "lt")."""
    norm = normalize(text)
    found = [(float(m.group(1)), _bound(m.group(2))) for m in _BOUND_AFTER.finditer(norm)]
    found += [(float(m.group(2)), _bound(m.group(1))) for m in _BOUND_BEFORE.finditer(norm)]
    return [(v, b) for v, b in found if v >= MIN_AMOUNT]


def _bound(word: str) -> str:
    if word in _AT_LEAST:
        return "ge"
    if word in _ABOVE:
        return "gt"
    if word in _AT_MOST:
        return "le"
    return "lt"


def meets(amount: float, value: float, bound: str) -> bool:
    return {"ge": amount >= value, "gt": amount > value, "le": amount <= value, "lt": amount < value}[bound]
