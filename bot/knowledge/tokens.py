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

from janome.tokenizer import Tokenizer

_JA_CHAR = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヵヶー"
# A Japanese run keeps its digits ("10000000円以上"): janome reads 円以上 wrongly without them.
_RUN = re.compile(rf"[0-9]*[{_JA_CHAR}][{_JA_CHAR}0-9]*|[a-z0-9]+(?:[-'.][a-z0-9]+)*")
_JA_RUN = re.compile(rf"[{_JA_CHAR}]")
# "1.2万", "1000万", "1万2千", "3千": written-out multipliers, so "2万円" and "¥20,000" are one number.
_UNITS = {"億": 100_000_000, "万": 10_000, "千": 1_000}
_JA_MULTIPLIER = re.compile(r"(\d+(?:\.\d+)?)(億|万|千)(?:(\d+)千)?")
_DIGIT_GROUPS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


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
                self._tokenizer = Tokenizer()
            return [(t.surface, t.part_of_speech, t.base_form) for t in self._tokenizer.tokenize(text)]  # type: ignore[union-attr]


_JANOME = _Janome()


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits, ￥), lower case, `3,000` → `3000`, `2万` → `20000`."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _DIGIT_GROUPS.sub("", text)
    return _JA_MULTIPLIER.sub(_expand_multiplier, text)


def _expand_multiplier(m: re.Match[str]) -> str:
    try:
        value = Decimal(m.group(1)) * _UNITS[m.group(2)] + (Decimal(m.group(3)) * 1000 if m.group(3) else 0)
    except InvalidOperation:
        return m.group(0)
    return str(int(value)) if value == value.to_integral_value() else str(value)


def is_japanese(text: str) -> bool:
    return bool(_JA_RUN.search(text))


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
