"""The offline answer: the best passage quoted with its citation, or "not sure" and who to ask.

No model is involved: the reply quotes the policy itself, so it can be wrong only in choosing
the passage, never in what the passage says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import t
from bot.knowledge.documents import Section, is_rule_line
from bot.knowledge.glossary import Glossary
from bot.knowledge.index import Hit, KnowledgeBase, SearchResult
from bot.knowledge.texts import TEXTS
from bot.knowledge.tokens import analyze

# Wider tables are quoted whole: a row of a grant table means nothing without its header.
_MAX_ROW_COLUMNS = 4
_ITEM = re.compile(r"^\d+\.\s")
_SEPARATOR = re.compile(r"^\|[\s|:-]+\|$")


@dataclass(frozen=True, slots=True)
class Quote:
    section_id: str
    citation: str  # "経費精算規程 第4条「領収書」" / "Expense policy §4 (Receipts)"
    text: str  # the lines quoted, as written
    lang: str


@dataclass(frozen=True, slots=True)
class Answer:
    """A reply to a policy question, ready to send, with what it rests on."""

    question: str
    locale: str
    text: str  # the whole reply
    confident: bool
    confidence: float  # 0–1; below the threshold in search.yaml the reply says "not sure"
    citations: tuple[str, ...]  # section ids the answer rests on; empty when not sure
    quotes: tuple[Quote, ...]  # the passages quoted (sure) or the closest ones (not sure)
    owner: str | None  # the team to hand the question to when not sure (finance, hr, legal…)
    source: str = "quoted"  # "quoted" (offline) or "llm" (a model's answer that passed the checks)


def citation(section: Section) -> str:
    """How a section is named in a reply: in its own language, as its document titles it."""
    key = "kb.citation.faq" if section.label.startswith("Q") else "kb.citation"
    return t(key, section.lang, title=section.title, label=section.label, name=section.name)


def team_name(owner: str | None, locale: str) -> str | None:
    if owner is None:
        return None
    key = f"kb.team.{owner}"
    return t(key, locale) if key in TEXTS else owner


def answer_question(kb: KnowledgeBase, question: str, locale: str | None = None) -> Answer:
    """Search and answer in one step: what a question handler calls on the offline path."""
    return compose_answer(kb.search(question, locale), kb.glossary)


def compose_answer(result: SearchResult, glossary: Glossary) -> Answer:
    """The offline answer to a search: quoted when sure, a hand-over when not."""
    locale = result.locale
    if not result.confident or result.top is None:
        return unsure_answer(result)
    top = result.top
    section = top.section
    lines = best_passage(section, result, glossary)
    cite = citation(section)
    if section.lang != locale:
        lead_key = "kb.lead.other_language"
    elif section.label.startswith("Q"):
        lead_key = "kb.lead.faq"
    else:
        lead_key = "kb.lead"
    parts = [t(lead_key, locale, citation=cite), *(f"> {line}" for line in lines.splitlines())]
    cited = [top.id]
    second = _second(result)
    if second is not None:
        parts.append(t("kb.see_also", locale, citations=citation(second.section)))
        cited.append(second.id)
    quote = Quote(top.id, cite, lines, section.lang)
    reply = "\n".join(parts)
    return Answer(result.question, locale, reply, True, result.confidence, tuple(cited), (quote,), top.owner)


def unsure_answer(result: SearchResult) -> Answer:
    """Not sure: say so, name the team that will answer, list the closest passages."""
    locale = result.locale
    team = team_name(result.owner, locale)
    parts = [t("kb.unsure", locale, team=team) if team else t("kb.unsure.no_team", locale)]
    closest = result.hits[: result.settings.closest]
    quotes = tuple(Quote(h.id, citation(h.section), h.section.text, h.section.lang) for h in closest)
    if quotes:
        parts.append(t("kb.closest", locale))
        parts += [f"・{q.citation}" for q in quotes]
    return Answer(result.question, locale, "\n".join(parts), False, result.confidence, (), quotes, result.owner)


def _second(result: SearchResult) -> Hit | None:
    """A runner-up worth naming: close in score and in confidence to the best."""
    if len(result.hits) < 2:
        return None
    top, second = result.hits[0], result.hits[1]
    close = second.score >= result.settings.second_passage_ratio * top.score
    return second if close and second.confidence >= result.settings.min_confidence else None


def passage_units(section: Section) -> list[str]:
    """A section cut where a reader would quote it: numbered items (with their sub-points),
    paragraphs, the rows of a narrow table; the closing rule-id line is left out."""
    units: list[str] = []
    table: list[str] = []

    def flush_table() -> None:
        if not table:
            return
        rows = [r for r in table if not _SEPARATOR.match(r.strip())]
        cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
        if len(cells[0]) > _MAX_ROW_COLUMNS or len(cells) < 2:
            units.append("\n".join(table))
        else:
            units.extend(" — ".join(row) for row in cells[1:])
        table.clear()

    for line in section.text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            table.append(stripped)
            continue
        flush_table()
        if not stripped or is_rule_line(stripped):
            continue
        if units and not _ITEM.match(stripped) and line.startswith((" ", "\t")):
            units[-1] += "\n" + stripped  # a sub-point belongs to its item
        else:
            units.append(stripped)
    flush_table()
    return units


def best_passage(section: Section, result: SearchResult, glossary: Glossary, max_units: int = 2) -> str:
    """The one or two units of a section that say most of what the question asks, in order."""
    units = passage_units(section)
    if not units:
        return section.text
    weights = {c.token: w for c, w in zip(result.concepts, result.weights, strict=True)}
    support = {c.token for c in result.concepts if not c.counts}
    found: list[set[str]] = []
    for u in units:
        words = analyze(u)
        tokens = {*words.tokens, *glossary.tag(u, words).tags}
        found.append({t for t in weights if t in tokens})

    def gain(i: int, have: set[str]) -> float:
        new = found[i] - have
        return sum(weights[t] for t in new) + 0.1 * len(new & support)

    chosen: list[int] = []
    have: set[str] = set()
    while len(chosen) < max_units:
        candidates = [i for i in range(len(units)) if i not in chosen]
        if not candidates:
            break
        best = max(candidates, key=lambda i: (gain(i, have), -i))
        if chosen and gain(best, have) <= 0:
            break
        chosen.append(best)
        have |= found[best]
    return "\n".join(units[i] for i in sorted(chosen))
