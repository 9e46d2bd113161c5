"""Search the policy documents: BM25 (bm25s) over their sections in both languages.

The index is built on first use or by `reindex()`, and rebuilt when a document, the glossary or
the search settings change on disk (a stat of each file per search: a few microseconds). Files
are re-read and re-tokenised only when they themselves changed, so editing one policy does not
re-read the others.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path

import bm25s
import numpy as np

from bot.knowledge.documents import (
    GLOSSARY_FILE,
    SEARCH_FILE,
    SearchSettings,
    Section,
    assign_owners,
    load_glossary,
    load_settings,
    parse_document,
    passage_units,
    policy_files,
    summarised_ids,
)
from bot.knowledge.glossary import Glossary
from bot.knowledge.tokens import amounts, analyze, is_number, japanese_share, meets, thresholds

# Words that only help ranking (numbers, compounds, verbs) count for less than what the question
# is about.
SUPPORT_WEIGHT = 0.5
# How many sections a search returns at most (the answer uses the first few).
MAX_HITS = 8
# A section is ranked by its own BM25 score plus this share of its best unit's (an item, a paragraph,
# a table row): the sentence that holds the fact lifts the section it is in.
UNIT_WEIGHT = 0.03
# The unit stating the bound an asked amount meets is lifted by this share of its section's best unit.
AMOUNT_LIFT = 0.6
# How the confidence is made (0–1): the share of the question's key ideas the best passage holds,
# the share the whole section holds, and how far the best section stands ahead of the next one
# that says something else. A margin of MARGIN_FULL or more counts in full.
PASSAGE_SHARE, MARGIN_SHARE, HEADING_SHARE = 0.6, 0.3, 0.2
MARGIN_FULL, HEADING_FULL = 0.3, 0.25

Fingerprint = tuple[tuple[str, int, int], ...]
# One file read: (mtime, size, its sections, each section's tokens, each section's units with their tokens).
_Parsed = tuple[int, int, list[Section], list[list[str]], list[list[tuple[str, list[str]]]]]


@dataclass(frozen=True, slots=True)
class Concept:
    """One thing a question asks about: a glossary idea (its tag) or a word of its own."""

    token: str
    counts: bool  # toward confidence; numbers, compounds and verbs only help ranking


@dataclass(frozen=True, slots=True)
class Passage:
    """One unit of a section (a numbered item with its sub-points, a paragraph, a table row), scored."""

    text: str
    score: float  # BM25 of the unit among every unit of every document
    position: int  # its place in the section, for quoting in order


@dataclass(frozen=True, slots=True)
class Hit:
    """One section that matched, with every language version of it."""

    id: str
    score: float  # the section's BM25 (the best of its language versions) plus its best unit's share
    confidence: float  # 0–1: see PASSAGE_SHARE; only the first hit's margin is known, others get 0
    section: Section  # in the asker's language when the document has one
    versions: tuple[Section, ...]
    coverage: float = 0.0  # share of the question's key ideas (weighted by rarity) the section holds
    passage_coverage: float = 0.0  # ...that its best passage holds (with the section's heading)
    passages: tuple[Passage, ...] = ()  # the units of `section`, best first
    heading_coverage: float = 0.0  # ...that its heading holds, in any language (what the section is about)

    @property
    def owner(self) -> str | None:
        return self.section.owner


@dataclass(frozen=True, slots=True)
class SearchResult:
    question: str
    locale: str
    hits: tuple[Hit, ...]  # best first; only sections sharing a word with the question
    concepts: tuple[Concept, ...]
    settings: SearchSettings
    weights: tuple[float, ...] = ()  # of each concept toward confidence: its rarity (idf)
    margin: float = 0.0  # 1 - (the next different section's score / the best's): 0 tie … 1 alone

    @property
    def top(self) -> Hit | None:
        return self.hits[0] if self.hits else None

    @property
    def confidence(self) -> float:
        return self.hits[0].confidence if self.hits else 0.0

    @property
    def confident(self) -> bool:
        return self.confidence >= self.settings.min_confidence

    @property
    def owner(self) -> str | None:
        """The team to hand the question to: the owner of the closest section."""
        return next((h.owner for h in self.hits if h.owner), None)


def detect_locale(text: str) -> str:
    """The language a question is written in: Japanese when any kana is in it, or when its kanji
    outweigh its English words ("Is 日当 paid on a day trip?" is English; 「NDAの承認者は?」 Japanese)."""
    return "ja" if japanese_share(text) >= 0.5 else "en"


def idf(df: int, n: int) -> float:
    """BM25's inverse document frequency (never negative)."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


class _Snapshot:
    """One built index; replaced whole on a rebuild, so a search never sees half of one."""

    def __init__(
        self,
        fingerprint: Fingerprint,
        sections: list[Section],
        tokens: list[list[str]],
        units: list[list[tuple[str, list[str]]]],
        glossary: Glossary,
        root: Path,
    ) -> None:
        self.fingerprint = fingerprint
        self.settings = load_settings(root)
        self.glossary = glossary
        self.sections = assign_owners(sections, self.settings)
        self.ids: list[str] = []
        position: dict[str, int] = {}
        self.id_of: list[int] = []
        for s in self.sections:
            if s.id not in position:
                position[s.id] = len(self.ids)
                self.ids.append(s.id)
            self.id_of.append(position[s.id])
        self.versions: list[list[Section]] = [[] for _ in self.ids]
        self.version_index: list[list[int]] = [[] for _ in self.ids]  # positions in self.sections
        id_tokens: list[set[str]] = [set() for _ in self.ids]
        for k, (s, toks, i) in enumerate(zip(self.sections, tokens, self.id_of, strict=True)):
            self.versions[i].append(s)
            self.version_index[i].append(k)
            id_tokens[i].update(toks)
        # Which ids mention a token, in any language: the document frequency of a word or idea.
        self.postings: dict[str, int] = {}
        for toks_set in id_tokens:
            for t in toks_set:
                self.postings[t] = self.postings.get(t, 0) + 1
        self.id_tokens = [frozenset(t) for t in id_tokens]
        # Every unit of every section version: its text, its tokens, and which section version it is in.
        self.unit_text: list[str] = []
        self.unit_tokens: list[frozenset[str]] = []
        self.unit_section: list[int] = []
        self.units_of: list[list[int]] = [[] for _ in self.sections]
        unit_corpus: list[list[str]] = []
        for k, section_units in enumerate(units):
            for text, toks in section_units:
                self.units_of[k].append(len(self.unit_text))
                self.unit_text.append(text)
                self.unit_tokens.append(frozenset(toks))
                self.unit_section.append(k)
                unit_corpus.append(toks)
        self.head_tokens = [frozenset(heading_tokens(s, glossary)) for s in self.sections]
        # The amount bounds each unit states ("¥3,000以上", "over ¥100,000"), for questions that name an amount.
        self.unit_bounds = {u: b for u, text in enumerate(self.unit_text) if (b := thresholds(text))}
        # A summary (an FAQ entry) and the sections it names give the same answer: neither is the
        # other's rival when the margin is measured.
        titles = {s.title: s.doc for s in self.sections}
        self.same: list[set[int]] = [set() for _ in self.ids]
        for s, i in zip(self.sections, self.id_of, strict=True):
            for target in summarised_ids(s, titles):
                if target in position:
                    self.same[i].add(position[target])
                    self.same[position[target]].add(i)
        self.retriever: bm25s.BM25 | None = None
        self.unit_retriever: bm25s.BM25 | None = None
        if self.sections:
            self.retriever = bm25s.BM25()
            self.retriever.index(tokens, show_progress=False)
        if unit_corpus:
            self.unit_retriever = bm25s.BM25()
            self.unit_retriever.index(unit_corpus, show_progress=False)


class KnowledgeBase:
    """The policy documents of one company (`knowledge/policies/`), searchable."""

    def __init__(self, policies_dir: Path | str) -> None:
        self.root = Path(policies_dir)
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        # path → (mtime, size, sections, tokens, units): files re-read and re-tokenised only when
        # they change, all of them when the glossary does
        self._parsed: dict[Path, _Parsed] = {}
        self._glossary: tuple[tuple[int, int], Glossary] | None = None

    # -- index ---------------------------------------------------------------------------

    def reindex(self) -> None:
        """Build the index now (at start, or after an edit the caller knows of)."""
        with self._lock:
            self._snapshot = self._build(self._fingerprint())

    def refresh(self) -> bool:
        """Rebuild if any document or setting changed on disk; True when it did."""
        fp = self._fingerprint()
        snap = self._snapshot
        if snap is not None and snap.fingerprint == fp:
            return False
        with self._lock:
            snap = self._snapshot
            if snap is None or snap.fingerprint != fp:
                self._snapshot = self._build(fp)
                return True
        return False

    def _fingerprint(self) -> Fingerprint:
        found: list[tuple[str, int, int]] = []
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return ()
        for e in entries:
            if e.name.endswith(".md") or e.name in (SEARCH_FILE, GLOSSARY_FILE):
                st = e.stat()
                found.append((e.name, st.st_mtime_ns, st.st_size))
        return tuple(sorted(found))

    def _build(self, fp: Fingerprint) -> _Snapshot:
        glossary = self._load_glossary()
        sections: list[Section] = []
        tokens: list[list[str]] = []
        units: list[list[tuple[str, list[str]]]] = []
        parsed: dict[Path, _Parsed] = {}
        for path in policy_files(self.root):
            st = path.stat()
            cached = self._parsed.get(path)
            if cached is None or cached[:2] != (st.st_mtime_ns, st.st_size):
                secs = parse_document(path)
                cached = (
                    st.st_mtime_ns,
                    st.st_size,
                    secs,
                    [section_tokens(s, glossary) for s in secs],
                    [[(u, unit_tokens(u, glossary)) for u in passage_units(s)] for s in secs],
                )
            parsed[path] = cached
            sections += cached[2]
            tokens += cached[3]
            units += cached[4]
        self._parsed = parsed
        return _Snapshot(fp, sections, tokens, units, glossary, self.root)

    def _load_glossary(self) -> Glossary:
        path = self.root / GLOSSARY_FILE
        st = path.stat() if path.exists() else None
        stamp = (st.st_mtime_ns, st.st_size) if st else (0, 0)
        if self._glossary is None or self._glossary[0] != stamp:
            self._glossary = (stamp, Glossary(load_glossary(self.root)))
            self._parsed = {}  # every section's ideas change with the glossary
        return self._glossary[1]

    def _current(self) -> _Snapshot:
        self.refresh()
        assert self._snapshot is not None
        return self._snapshot

    # -- reading -------------------------------------------------------------------------

    @property
    def settings(self) -> SearchSettings:
        return self._current().settings

    @property
    def glossary(self) -> Glossary:
        return self._current().glossary

    @property
    def sections(self) -> list[Section]:
        return list(self._current().sections)

    def versions(self, section_id: str) -> tuple[Section, ...]:
        """Every language version of one section; empty if there is no such id."""
        snap = self._current()
        try:
            return tuple(snap.versions[snap.ids.index(section_id)])
        except ValueError:
            return ()

    def rarity(self, tokens: list[str]) -> list[float]:
        """How rare each search token is across the sections (idf), for weighing words."""
        snap = self._current()
        return [idf(snap.postings.get(t, 0), len(snap.ids)) for t in tokens]

    def section_tokens(self, section_id: str) -> frozenset[str]:
        """Every search token of a section, in all its languages."""
        snap = self._current()
        try:
            return snap.id_tokens[snap.ids.index(section_id)]
        except ValueError:
            return frozenset()

    def search(self, question: str, locale: str | None = None) -> SearchResult:
        """The sections that best answer `question`, best first, with a confidence for the first."""
        snap = self._current()
        locale = locale or detect_locale(question)
        concepts = question_concepts(question, snap.glossary)
        if snap.retriever is None:
            return SearchResult(question, locale, (), tuple(concepts), snap.settings)
        main = [c.token for c in concepts if c.counts]
        support = [c.token for c in concepts if not c.counts]
        scores = _scores(snap.retriever, main, support, len(snap.sections))
        best = np.zeros(len(snap.ids))
        np.maximum.at(best, np.asarray(snap.id_of), scores)
        unit_scores = np.zeros(len(snap.unit_text))
        if snap.unit_retriever is not None:
            unit_scores = _scores(snap.unit_retriever, main, support, len(snap.unit_text))
            _lift_bounds(snap, unit_scores, amounts(question))
            best_unit = np.zeros(len(snap.ids))
            owners = np.asarray([snap.id_of[k] for k in snap.unit_section])
            np.maximum.at(best_unit, owners, unit_scores)
            best = best + UNIT_WEIGHT * best_unit
        order = [int(i) for i in np.argsort(-best, kind="stable")[:MAX_HITS] if best[i] > 0]
        n = len(snap.ids)
        weights = [_weight(snap.postings.get(c.token, 0), n) if c.counts else 0.0 for c in concepts]
        hits = [self._hit(snap, i, float(best[i]), concepts, weights, unit_scores, locale) for i in order]
        # A summary and the section it summarises rank together; the one whose best passage holds more of
        # the question is quoted (an FAQ answer may leave out the very detail asked about).
        if len(hits) > 1 and order[1] in snap.same[order[0]]:
            first, second = hits[0], hits[1]
            close = second.score >= snap.settings.second_passage_ratio * first.score
            if close and second.passage_coverage > first.passage_coverage:
                hits[0], hits[1] = second, first
                order[0], order[1] = order[1], order[0]
        margin = _margin(order, best, snap.same)
        if hits:
            top = hits[0]
            confidence = _confidence(top.coverage, top.passage_coverage, top.heading_coverage, margin)
            hits[0] = replace(top, confidence=confidence)
        return SearchResult(question, locale, tuple(hits), tuple(concepts), snap.settings, tuple(weights), margin)

    @staticmethod
    def _hit(
        snap: _Snapshot,
        i: int,
        score: float,
        concepts: list[Concept],
        weights: list[float],
        unit_scores: np.ndarray,
        locale: str,
    ) -> Hit:
        k = _in_locale_index(snap, i, locale)
        ranked = sorted(
            (Passage(snap.unit_text[u], float(unit_scores[u]), p) for p, u in enumerate(snap.units_of[k])),
            key=lambda x: (-x.score, x.position),
        )
        coverage = _coverage(concepts, weights, snap.id_tokens[i])
        # The best unit of each language version, read with its section's heading.
        held = [
            _coverage(concepts, weights, snap.unit_tokens[_best_unit(snap, v, unit_scores)] | snap.head_tokens[v])
            for v in snap.version_index[i]
            if snap.units_of[v]
        ]
        heads = frozenset().union(*(snap.head_tokens[v] for v in snap.version_index[i]))
        return Hit(
            snap.ids[i],
            score,
            0.0,
            snap.sections[k],
            tuple(snap.versions[i]),
            coverage,
            max(held, default=coverage),
            tuple(ranked),
            _coverage(concepts, weights, heads),
        )


def _lift_bounds(snap: _Snapshot, unit_scores: np.ndarray, asked: list[float]) -> None:
    """A question that names an amount is answered by the bound that amount meets: in each section, the
    unit stating the closest bound the amount satisfies ("15万円" meets "over ¥100,000", not "over
    ¥500,000") is lifted by AMOUNT_LIFT of the section's best unit score."""
    if not asked:
        return
    best: dict[int, tuple[float, int]] = {}  # section version → (distance, unit)
    for u, bounds in snap.unit_bounds.items():
        for value, bound in bounds:
            for amount in asked:
                if meets(amount, value, bound):
                    distance = abs(math.log(amount / value))
                    k = snap.unit_section[u]
                    if k not in best or distance < best[k][0]:
                        best[k] = (distance, u)
    for k, (_, u) in best.items():
        top = max(unit_scores[v] for v in snap.units_of[k])
        if top > 0:
            unit_scores[u] += AMOUNT_LIFT * top


def _scores(retriever: bm25s.BM25, main: list[str], support: list[str], size: int) -> np.ndarray:
    scores = retriever.get_scores(main) if main else np.zeros(size)
    if support:
        scores = scores + SUPPORT_WEIGHT * retriever.get_scores(support)
    return np.asarray(scores, dtype=float)


def _weight(df: int, n: int) -> float:
    """A key idea's weight toward confidence: its rarity. A word no section uses weighs as much as the
    rarest word that is used: it may be what the question is about (wifi, parking), or just a word."""
    return idf(max(df, 1), n)


def _best_unit(snap: _Snapshot, k: int, unit_scores: np.ndarray) -> int:
    units = snap.units_of[k]
    return max(units, key=lambda u: (unit_scores[u], -u))


def _margin(order: list[int], best: np.ndarray, same: list[set[int]]) -> float:
    """How far the best section stands ahead of the next one that is not a summary of it (or it of)."""
    if not order:
        return 0.0
    top = order[0]
    rival = next((i for i in order[1:] if i not in same[top]), None)
    if rival is None or best[top] <= 0:
        return 1.0
    return float(max(0.0, 1 - best[rival] / best[top]))


def _confidence(coverage: float, passage_coverage: float, heading: float, margin: float) -> float:
    held = PASSAGE_SHARE * passage_coverage + (1 - PASSAGE_SHARE) * coverage
    standing = 1 - MARGIN_SHARE - HEADING_SHARE
    standing += MARGIN_SHARE * min(1.0, margin / MARGIN_FULL) + HEADING_SHARE * min(1.0, heading / HEADING_FULL)
    return held * standing


def question_concepts(question: str, glossary: Glossary) -> list[Concept]:
    """What a question asks about: the glossary ideas it names, then its other words."""
    words = analyze(question)
    tagged = glossary.tag(question, words)
    concepts = [Concept(t, True) for t in dict.fromkeys(tagged.tags)]
    for t in dict.fromkeys(words.tokens):
        if t not in tagged.covered:
            counts = t in words.terms and t not in words.weak and not is_number(t)
            concepts.append(Concept(t, counts))
    return concepts


def section_tokens(section: Section, glossary: Glossary) -> list[str]:
    """What a section is found by: its words and ideas, and its heading's twice (a heading says
    what the section is about more surely than any sentence in it)."""
    text = f"{section.title}\n{section.text}\n{section.digest}"
    body, head = analyze(text), analyze(section.name)
    head_tokens = [*head.tokens, *glossary.tag(section.name, head).tags]
    return [*body.tokens, *glossary.tag(text, body).tags, *head_tokens, *head_tokens]


def heading_tokens(section: Section, glossary: Glossary) -> list[str]:
    head = analyze(section.name)
    return [*head.tokens, *glossary.tag(section.name, head).tags]


def unit_tokens(text: str, glossary: Glossary) -> list[str]:
    """What one unit of a section is found by: its words and the ideas it names."""
    words = analyze(text)
    return [*words.tokens, *glossary.tag(text, words).tags]


def _coverage(concepts: list[Concept], weights: list[float], tokens: frozenset[str]) -> float:
    total = sum(weights)
    if total == 0:
        return 0.0
    return sum(w for c, w in zip(concepts, weights, strict=True) if c.token in tokens) / total


def _in_locale_index(snap: _Snapshot, i: int, locale: str) -> int:
    ks = snap.version_index[i]
    return next((k for k in ks if snap.sections[k].lang == locale), ks[0])


def _in_locale(versions: list[Section], locale: str) -> Section:
    return next((s for s in versions if s.lang == locale), versions[0])
