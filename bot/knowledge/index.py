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
from dataclasses import dataclass
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
    policy_files,
)
from bot.knowledge.glossary import Glossary
from bot.knowledge.tokens import analyze, is_japanese, is_number

# Words that only help ranking (numbers, compounds, verbs) count for less than what the question
# is about.
SUPPORT_WEIGHT = 0.5
# How many sections a search returns at most (the answer uses the first few).
MAX_HITS = 8

Fingerprint = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True, slots=True)
class Concept:
    """One thing a question asks about: a glossary idea (its tag) or a word of its own."""

    token: str
    counts: bool  # toward confidence; numbers, compounds and verbs only help ranking


@dataclass(frozen=True, slots=True)
class Hit:
    """One section that matched, with every language version of it."""

    id: str
    score: float  # BM25, the best of its language versions
    confidence: float  # share of the question's ideas (weighted by rarity) the section contains, 0–1
    section: Section  # in the asker's language when the document has one
    versions: tuple[Section, ...]

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
    """The language a question is written in: any kana or kanji makes it Japanese."""
    return "ja" if is_japanese(text) else "en"


def idf(df: int, n: int) -> float:
    """BM25's inverse document frequency (never negative)."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


class _Snapshot:
    """One built index; replaced whole on a rebuild, so a search never sees half of one."""

    def __init__(
        self, fingerprint: Fingerprint, sections: list[Section], tokens: list[list[str]], glossary: Glossary, root: Path
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
        id_tokens: list[set[str]] = [set() for _ in self.ids]
        for s, toks, i in zip(self.sections, tokens, self.id_of, strict=True):
            self.versions[i].append(s)
            id_tokens[i].update(toks)
        # Which ids mention a token, in any language: the document frequency of a word or idea.
        self.postings: dict[str, int] = {}
        for toks_set in id_tokens:
            for t in toks_set:
                self.postings[t] = self.postings.get(t, 0) + 1
        self.id_tokens = [frozenset(t) for t in id_tokens]
        self.retriever: bm25s.BM25 | None = None
        if self.sections:
            self.retriever = bm25s.BM25()
            self.retriever.index(tokens, show_progress=False)


class KnowledgeBase:
    """The policy documents of one company (`knowledge/policies/`), searchable."""

    def __init__(self, policies_dir: Path | str) -> None:
        self.root = Path(policies_dir)
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        # path → (mtime, size, sections, tokens): files re-read and re-tokenised only when they
        # change, all of them when the glossary does
        self._parsed: dict[Path, tuple[int, int, list[Section], list[list[str]]]] = {}
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
        parsed: dict[Path, tuple[int, int, list[Section], list[list[str]]]] = {}
        for path in policy_files(self.root):
            st = path.stat()
            cached = self._parsed.get(path)
            if cached is None or cached[:2] != (st.st_mtime_ns, st.st_size):
                secs = parse_document(path)
                cached = (st.st_mtime_ns, st.st_size, secs, [section_tokens(s, glossary) for s in secs])
            parsed[path] = cached
            sections += cached[2]
            tokens += cached[3]
        self._parsed = parsed
        return _Snapshot(fp, sections, tokens, glossary, self.root)

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
        """The sections that best answer `question`, best first, with a confidence for each."""
        snap = self._current()
        locale = locale or detect_locale(question)
        concepts = question_concepts(question, snap.glossary)
        if snap.retriever is None:
            return SearchResult(question, locale, (), tuple(concepts), snap.settings)
        main = [c.token for c in concepts if c.counts]
        support = [c.token for c in concepts if not c.counts]
        scores = snap.retriever.get_scores(main) if main else np.zeros(len(snap.sections))
        if support:
            scores = scores + SUPPORT_WEIGHT * snap.retriever.get_scores(support)
        best = np.zeros(len(snap.ids))
        np.maximum.at(best, np.asarray(snap.id_of), scores)
        order = [int(i) for i in np.argsort(-best, kind="stable")[:MAX_HITS] if best[i] > 0]
        n = len(snap.ids)
        weights = [idf(snap.postings.get(c.token, 0), n) if c.counts else 0.0 for c in concepts]
        hits = tuple(
            Hit(
                snap.ids[i],
                float(best[i]),
                _coverage(concepts, weights, snap.id_tokens[i]),
                _in_locale(snap.versions[i], locale),
                tuple(snap.versions[i]),
            )
            for i in order
        )
        return SearchResult(question, locale, hits, tuple(concepts), snap.settings, tuple(weights))


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


def _coverage(concepts: list[Concept], weights: list[float], tokens: frozenset[str]) -> float:
    total = sum(weights)
    if total == 0:
        return 0.0
    return sum(w for c, w in zip(concepts, weights, strict=True) if c.token in tokens) / total


def _in_locale(versions: list[Section], locale: str) -> Section:
    return next((s for s in versions if s.lang == locale), versions[0])
