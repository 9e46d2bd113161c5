"""The company's policy documents as the running bot sees them: one knowledge base, kept current.

Built cheaply at start (nothing is read until the first question, or `reindex()`), re-checked
for edited files at most every few seconds, so a policy edited on disk is answered from without
a restart. A document that cannot be read costs the bot its policy answers only: questions get a
polite "cannot be read now" (`KnowledgeUnavailable`) while expenses and leave carry on.

    knowledge = KnowledgeService(settings.knowledge_dir / "policies", monotonic=time.monotonic)
    answer = knowledge.answer("出張の日当はいくら?")      # bot.knowledge.Answer
    knowledge.answerer = ModelAnswerer(model, prompts).answer   # the LLM path, when configured

The search libraries are imported on first use, not here: every start of the bot imports this.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bot.i18n import t
from bot.knowledge.documents import KnowledgeError

if TYPE_CHECKING:
    from bot.knowledge.answer import Answer
    from bot.knowledge.index import KnowledgeBase

log = logging.getLogger(__name__)

Answerer = Callable[["KnowledgeBase", str, "str | None"], "Answer"]

# How often, at most, the files are looked at for edits before a question is answered.
REFRESH_SECONDS = 3.0
# What an unreadable policy folder raises while the index is built: a malformed document or
# setting (KnowledgeError names the file), a file gone or unreadable, YAML the loader chokes on.
READ_ERRORS: tuple[type[Exception], ...] = (KnowledgeError, OSError, ValueError, yaml.YAMLError)


class KnowledgeUnavailable(Exception):
    """The policy documents cannot be read now; `first` is True the first time this problem is seen,
    so whoever catches it tells the admins once rather than at every question."""

    def __init__(self, problem: str, first: bool) -> None:
        super().__init__(problem)
        self.problem = problem
        self.first = first


class KnowledgeService:
    def __init__(
        self,
        policies_dir: Path | str,
        answerer: Answerer | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        refresh_seconds: float = REFRESH_SECONDS,
    ) -> None:
        self.root = Path(policies_dir)
        self.answerer = answerer
        self.monotonic = monotonic
        self.refresh_seconds = refresh_seconds
        self._kb: KnowledgeBase | None = None
        self._checked_at: float | None = None
        self._problem: str | None = None
        self._told: set[str] = set()
        self._lock = threading.Lock()

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base itself (no file is read until it is searched)."""
        if self._kb is None:
            from bot.knowledge.index import KnowledgeBase

            self._kb = KnowledgeBase(self.root)
        return self._kb

    @property
    def problem(self) -> str | None:
        """Why the documents cannot be read, as last seen; None when they could be."""
        return self._problem

    # -- index ---------------------------------------------------------------------------------

    def reindex(self) -> tuple[int, float]:
        """Build the index now: (sections, seconds). A broken file raises KnowledgeError naming it."""
        start = self.monotonic()
        try:
            self.kb.reindex()
            sections = len(self.kb.sections)
        except KnowledgeError as exc:
            self._broken(exc)
            raise
        except READ_ERRORS as exc:
            self._broken(exc)
            raise KnowledgeError(_describe(exc)) from exc
        self._healthy(start)
        return sections, self.monotonic() - start

    def _ready(self) -> KnowledgeBase:
        """The knowledge base, checked for edited files when the last check is a few seconds old."""
        kb = self.kb
        now = self.monotonic()
        if self._checked_at is None or now - self._checked_at >= self.refresh_seconds:
            try:
                kb.refresh()
            except READ_ERRORS as exc:
                self._checked_at = now
                raise self._broken(exc) from exc
            self._healthy(now)
        if self._problem is not None:
            raise KnowledgeUnavailable(self._problem, first=False)
        return kb

    def _broken(self, exc: Exception) -> KnowledgeUnavailable:
        problem = _describe(exc)
        with self._lock:
            first = problem not in self._told
            self._told.add(problem)
            self._problem = problem
        if first:
            # The file and what is wrong with it; never a question (those stay with the asker and the team).
            log.error("policy documents cannot be read; questions get 'cannot be read now': %s", problem)
        return KnowledgeUnavailable(problem, first)

    def _healthy(self, now: float) -> None:
        with self._lock:
            if self._problem is not None:
                log.warning("policy documents readable again")
            self._checked_at = now
            self._problem = None
            self._told.clear()  # a later break is news again

    # -- answering -----------------------------------------------------------------------------

    def answer(self, question: str, locale: str | None = None) -> Answer:
        """The answer to a policy question (the answerer's when one is set and it works, else the quoted
        passage); locale None answers in the language the question is written in.
        Raises KnowledgeUnavailable when the documents cannot be read."""
        from bot.knowledge.answer import answer_question

        kb = self._ready()
        if self.answerer is not None:
            try:
                return self.answerer(kb, question, locale)
            except Exception as exc:  # the model path must never cost the asker the quoted answer
                log.warning("policy answerer failed (%s); the quoted answer is used", type(exc).__name__)
        try:
            return answer_question(kb, question, locale)
        except READ_ERRORS as exc:  # a file broken between the check and the search
            raise self._broken(exc) from exc

    def citation(self, section_id: str, locale: str) -> str:
        """How a section is cited to a reader of `locale`; its id when it is gone or unreadable."""
        from bot.knowledge.answer import citation

        try:
            versions = self.kb.versions(section_id)
        except READ_ERRORS:
            return section_id
        if not versions:
            return section_id
        return citation(next((v for v in versions if v.lang == locale), versions[0]))

    def owner_document(self, owner: str | None, lang: str) -> str | None:
        """The title of the first document `owner` answers for (search.yaml `owners`), in `lang` if it has one."""
        if owner is None:
            return None
        try:
            kb = self.kb
            docs = [doc for doc, team in kb.settings.owners.items() if team == owner]
            titles = {(s.doc, s.lang): s.title for s in kb.sections if s.doc in docs}
        except READ_ERRORS:
            return None
        for doc in docs:
            title = titles.get((doc, lang)) or next((v for (d, _), v in titles.items() if d == doc), None)
            if title:
                return title
        return None

    # -- FAQ ---------------------------------------------------------------------------------

    def save_faq(self, question: str, answer: str, lang: str, owner: str | None, team: str, day: dt.date) -> str:
        """Append the team's answer as an FAQ entry and take it into the index at once; its section id.

        The entry's closing line names a document of the owning team, as the shipped FAQ entries
        do: that is how search.yaml's owner rules give the new entry its team with no bookkeeping."""
        from bot.knowledge.faq import append_entry

        document = self.owner_document(owner, lang)
        if document:
            source = t("kb.faq_added.source", lang, document=document, team=team, date=day.isoformat())
        else:
            source = t("kb.faq_added.source.team", lang, team=team, date=day.isoformat())
        section_id = append_entry(self.root, lang, question, answer, source)
        try:
            self.kb.refresh()
            self._healthy(self.monotonic())
        except READ_ERRORS as exc:
            self._broken(exc)  # saved all the same; it is searched once the other file is fixed
        return section_id


def _describe(exc: Exception) -> str:
    if isinstance(exc, KnowledgeError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
