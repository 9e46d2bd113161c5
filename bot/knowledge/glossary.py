"""The bilingual term map (knowledge/policies/glossary.yaml): one search term per idea.

Every text, a policy section as much as a question, is tagged with the ideas it names in any of
the glossary's words, in either language: 「日当」 and "per diem" both carry the tag of that idea.
BM25 then ranks by ideas as it does by words, with one document frequency per idea, so an
English question finds a Japanese article (no translation model, no network), and a section
is not rewarded for saying one thing in five synonyms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.knowledge.tokens import Words, analyze, is_japanese, normalize

TAG_PREFIX = "≡"  # cannot occur in a word the tokenizer makes


@dataclass(frozen=True, slots=True)
class _Entry:
    tag: str
    ja: tuple[str, ...]  # normalised Japanese words, found anywhere in a text
    phrases: tuple[tuple[str, ...], ...]  # English words and phrases, stemmed, stop words kept
    words: frozenset[str]  # every search term of the idea's words


@dataclass(frozen=True, slots=True)
class Tagged:
    tags: tuple[str, ...]  # one per mention, so BM25 sees how often an idea comes up
    covered: frozenset[str]  # the text's own terms that are part of a tagged idea


class Glossary:
    def __init__(self, entries: Iterable[tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        self._entries: list[_Entry] = []
        for i, (ja, en) in enumerate(entries):
            words: set[str] = set()
            for w in (*ja, *en):
                a = analyze(w)
                words.update(a.terms, a.compounds)
            phrases = tuple(p for p in (analyze(e).plain for e in en) if p)
            self._entries.append(_Entry(f"{TAG_PREFIX}{i}", tuple(normalize(j) for j in ja), phrases, frozenset(words)))

    def __len__(self) -> int:
        return len(self._entries)

    def tag(self, text: str, words: Words) -> Tagged:
        """The ideas `text` names (its analysis is `words`), and which of its terms they cover."""
        norm = normalize(text)
        present = set(words.terms) | set(words.compounds)
        tags: list[str] = []
        covered: set[str] = set()
        spans = _phrase_spans(self._entries, words.plain)
        ja_spans = _ja_spans(self._entries, norm)
        for k, entry in enumerate(self._entries):
            # Words of two characters or more were counted where written (ja_spans); the others are whole
            # words, and a dictionary form janome read (もらえる in もらえますか) counts once.
            count = ja_spans.get(k, 0) or sum(_count_ja(j, norm, present) for j in entry.ja if not _spanned(j, norm))
            count += spans.get(k, 0)
            if count:
                tags += [entry.tag] * count
                covered |= entry.words
                # 繰り越す is the verb janome reads where the glossary wrote 繰り越し: the same word.
                covered |= {t for t in present if any(_same_stem(t, j) for j in entry.ja if j in norm)}
        return Tagged(tuple(tags), frozenset(covered & present))


def _count_ja(word: str, text: str, present: set[str]) -> int:
    # One-character words (本, 父) must be whole words: 本 is also inside 本人 and 日本; so must
    # Latin ones written in the Japanese list (NDA is inside "mandatory").
    if len(word) > 1 and is_japanese(word):
        # the written form, or the dictionary form janome read (もらえる in もらえますか)
        return text.count(word) or int(word in present)
    return int(word in present)


def _same_stem(term: str, word: str) -> bool:
    return is_japanese(term) and len(term) > 2 and len(word) > 2 and term[:3] == word[:3]


def _phrase_spans(entries: list[_Entry], seq: tuple[str, ...]) -> dict[int, int]:
    """How often each entry's English phrases occur in `seq`, longest first: words already read as
    part of a longer phrase are not read again ("passed away" is a death, not an approver "away")."""
    found: list[tuple[int, int, int]] = []  # (start, length, entry)
    for k, entry in enumerate(entries):
        for phrase in entry.phrases:
            n = len(phrase)
            found += [(i, n, k) for i in range(len(seq) - n + 1) if seq[i : i + n] == phrase]
    return _longest_first(found)


def _longest_first(found: list[tuple[int, int, int]]) -> dict[int, int]:
    """Mentions per entry from (start, length, entry) matches, the longest read first: a match overlapping one
    already read is part of it, not a mention of its own (経費 inside 経費精算 is one mention either way)."""
    taken: set[int] = set()
    counts: dict[int, int] = {}
    for start, n, k in sorted(found, key=lambda f: (-f[1], f[0])):
        cells = set(range(start, start + n))
        if cells & taken:
            continue
        taken |= cells
        counts[k] = counts.get(k, 0) + 1
    return counts


def _spanned(word: str, text: str) -> bool:
    return len(word) > 1 and is_japanese(word) and word in text


def _ja_spans(entries: list[_Entry], text: str) -> dict[int, int]:
    """How often each entry's Japanese words (of two characters or more) are written in `text`, longest
    first: 承認 inside 自動承認 is the automatic approval, not a second idea."""
    found: list[tuple[int, int, int]] = []  # (start, length, entry)
    for k, entry in enumerate(entries):
        for word in entry.ja:
            if len(word) < 2 or not is_japanese(word):
                continue
            start = text.find(word)
            while start >= 0:
                found.append((start, len(word), k))
                start = text.find(word, start + 1)
    return _longest_first(found)
