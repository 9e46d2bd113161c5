"""Scoring policy answers on a question set: is the fact stated, and is a confident answer ever wrong?

A set is JSON lines, one question each (tests/data/questions_paraphrase.jsonl):

    {"id": "p07", "lang": "ja", "q": "…", "answerable": true, "sections": ["expenses#第7条", "faq#q5"],
     "fact": [["10,000以下"]]}

`fact` is a list of groups; the reply must hold one alternative of every group (compared folded: NFKC,
case, spaces and digit commas ignored). A reply *states* the fact when it is confident and holds it;
it is *confident and wrong* when it is confident and does not (or the question is not answerable).
An unsure reply is never wrong, only unhelpful: it is what an unanswerable question must get.

    score = score_answers(kb, load_questions(path))
    print(score.summary())
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.knowledge.answer import Answer, answer_question
from bot.knowledge.index import KnowledgeBase


def load_questions(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace(" ", "").replace(",", "")


def holds_fact(reply: str, groups: list[list[str]]) -> bool:
    folded = fold(reply)
    return all(any(fold(alt) in folded for alt in group) for group in groups)


@dataclass
class AnswerScore:
    questions: int = 0
    answerable: int = 0
    # The reply holds the fact: a confident answer, or an unsure one that quotes it among the closest passages
    # (the asker reads it there, told that a person should confirm).
    stated: int = 0
    stated_confidently: int = 0
    confident_wrong: int = 0  # confident without the fact, or confident on an unanswerable question
    unsure_answerable: int = 0
    unsure_unanswerable: int = 0
    top_section: int = 0  # answerable questions whose best hit is one of the expected sections
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def stated_share(self) -> float:
        return self.stated / self.answerable if self.answerable else 0.0

    @property
    def top_share(self) -> float:
        return self.top_section / self.answerable if self.answerable else 0.0

    def summary(self) -> str:
        return (
            f"{self.questions} questions ({self.answerable} answerable):"
            f" fact stated {self.stated}/{self.answerable} ({self.stated_share:.3f};"
            f" confidently {self.stated_confidently}), confident wrong {self.confident_wrong}, unsure on answerable"
            f" {self.unsure_answerable}, unanswerable kept unsure {self.unsure_unanswerable}"
            f"/{self.questions - self.answerable}, right section first {self.top_section}/{self.answerable}"
        )


Answerer = Callable[[KnowledgeBase, str, "str | None"], Answer]


def score_answers(kb: KnowledgeBase, cases: list[dict[str, Any]], answer: Answerer = answer_question) -> AnswerScore:
    """Ask every question (in its own language) and score what the asker would read."""
    score = AnswerScore()
    for case in cases:
        score.questions += 1
        answerable = bool(case["answerable"])
        score.answerable += answerable
        reply = answer(kb, case["q"], None)
        result = kb.search(case["q"], reply.locale)
        if answerable and result.top is not None and result.top.id in case["sections"]:
            score.top_section += 1
        holds = answerable and holds_fact(reply.text, case["fact"])
        if reply.confident and holds:
            score.stated += 1
            score.stated_confidently += 1
            continue
        if holds:
            score.stated += 1
            score.unsure_answerable += 1
            continue
        if reply.confident:
            score.confident_wrong += 1
            outcome = "confident_wrong"
        elif answerable:
            score.unsure_answerable += 1
            outcome = "unsure"
        else:
            score.unsure_unanswerable += 1
            continue
        score.failures.append(
            {
                "id": case.get("id"),
                "outcome": outcome,
                "q": case["q"],
                "expected": case["sections"],
                "got": [h.id for h in result.hits[:3]],
                "confidence": round(reply.confidence, 3),
                "reply": reply.text[:400],
            }
        )
    return score
