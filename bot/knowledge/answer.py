"""The offline answer: the best passage quoted with its citation, or "not sure" and who to ask.

No model is involved: the reply quotes the policy itself, so it can be wrong only in choosing
the passage, never in what the passage says.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import t
from bot.knowledge.answer_type import asked_type, has_type
from bot.knowledge.documents import Section
from bot.knowledge.glossary import Glossary
from bot.knowledge.index import Hit, KnowledgeBase, SearchResult
from bot.knowledge.texts import TEXTS
from bot.knowledge.tokens import analyze, is_number

# A second unit is quoted beside the best one only when it scored at least this share of it.
SECOND_UNIT_RATIO = 0.6
# ...and always when it scored nearly as well: two close units are both quoted rather than one guessed.
CLOSE_UNIT_RATIO = 0.85


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
        return unsure_answer(result, glossary)
    top = result.top
    section = top.section
    lines = best_passage(top, result, glossary)
    if not has_type(lines, asked_type(result.question)):
        # Asked for a number of days, an amount, who or by when, and the passage has none: not an answer to
        # say with confidence, whatever the words in common.
        return unsure_answer(result, glossary)
    cite = citation(section)
    if section.lang != locale:
        lead_key = "kb.lead.other_language"
    elif section.label.startswith("Q"):
        lead_key = "kb.lead.faq"
    else:
        lead_key = "kb.lead"
    parts = [t(lead_key, locale, citation=cite), *quoted(lines)]
    cited = [top.id]
    second = _second(result)
    if second is not None:
        parts.append(t("kb.see_also", locale, citations=citation(second.section)))
        cited.append(second.id)
    quote = Quote(top.id, cite, lines, section.lang)
    reply = "\n".join(parts)
    return Answer(result.question, locale, reply, True, result.confidence, tuple(cited), (quote,), top.owner)


def quoted(lines: str, indent: str = "") -> list[str]:
    return [f"{indent}> {line}" for line in lines.splitlines()]


def unsure_answer(result: SearchResult, glossary: Glossary | None = None) -> Answer:
    """Not sure: say so, name the team that will answer, and show the closest passages, each with the
    lines of it that come nearest to the question quoted (the asker may find the answer there)."""
    locale = result.locale
    team = team_name(result.owner, locale)
    parts = [t("kb.unsure", locale, team=team) if team else t("kb.unsure.no_team", locale)]
    quotes = closest_quotes(result, glossary)
    if quotes:
        parts.append(t("kb.closest", locale))
        for q in quotes:
            parts += [f"・{q.citation}", *quoted(q.text, "  ")]
    return Answer(result.question, locale, "\n".join(parts), False, result.confidence, (), quotes, result.owner)


def closest_quotes(result: SearchResult, glossary: Glossary | None = None) -> tuple[Quote, ...]:
    """The closest sections (search.yaml `closest`), each with its best line: a summary and the section
    it summarises are one passage, not two."""
    quotes: list[Quote] = []
    for h in result.hits[: result.settings.closest]:
        lines = best_passage(h, result, glossary, max_units=2)
        quotes.append(Quote(h.id, citation(h.section), lines, h.section.lang))
    return tuple(quotes)


def _second(result: SearchResult) -> Hit | None:
    """A runner-up worth naming: close in score, and holding the question's ideas as the best does."""
    if len(result.hits) < 2:
        return None
    top, second = result.hits[0], result.hits[1]
    close = second.score >= result.settings.second_passage_ratio * top.score
    return second if close and second.coverage >= result.settings.min_confidence else None


def best_passage(hit: Hit, result: SearchResult, glossary: Glossary | None = None, max_units: int = 2) -> str:
    """The unit of a section that holds what the question asks (an item, a paragraph, a table row: the
    one that scored best on its own), and a second one when it adds a key idea the first lacks; in the
    order the section has them."""
    passages = hit.passages
    if not passages:
        return hit.section.text
    weights = {c.token: w for c, w in zip(result.concepts, result.weights, strict=True) if w > 0}

    def found(text: str) -> set[str]:
        words = analyze(text)
        tokens = {*words.tokens, *(glossary.tag(text, words).tags if glossary else ())}
        return {t for t in weights if t in tokens}

    head = passages[0]
    if head.score <= 0:  # nothing scored on its own: the unit holding most of the question, else the first
        head = max(passages, key=lambda p: (sum(weights[t] for t in found(p.text)), -p.position))
    chosen = [head]
    have = found(head.text)
    kind = asked_type(result.question)
    asked_numbers = {t for t in analyze(result.question).tokens if is_number(t)}
    if asked_numbers and not asked_numbers & set(analyze(head.text).tokens):
        # 「勤続3年半だと何日?」: the unit that has the question's own figure (the grant table's 3.5年 column) is
        # where its answer is, when the best-scoring unit does not mention it.
        numbered = [p for p in passages if p is not head and asked_numbers & set(analyze(p.text).tokens)]
        if numbered:
            chosen.append(numbered[0])
            have |= found(numbered[0].text)
            max_units += 1
    if not has_type(head.text, kind) and not any(has_type(p.text, kind) for p in chosen):
        # 「何日付与される?」 quoted from the rule's first item while the days are in the table: reach for the
        # best unit of the section that has what is asked (a number of days, an amount, a role, a time limit).
        typed = [p for p in passages if p is not head and has_type(p.text, kind) and (found(p.text) or p.score > 0)]
        if typed:
            chosen.append(typed[0])
            have |= found(typed[0].text)
            max_units += 1
    for p in passages:
        if len(chosen) >= max_units or p.score < SECOND_UNIT_RATIO * head.score:
            break
        if p is head:
            continue
        new = found(p.text) - have
        if p.score >= CLOSE_UNIT_RATIO * head.score or sum(weights[t] for t in new) > 0:
            chosen.append(p)
            have |= new
    return "\n".join(p.text for p in sorted(chosen, key=lambda p: p.position))
