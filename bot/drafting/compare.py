"""The other side's edits: a copy of our template sent back is held to the template, protected article by
protected article (liability cap, jurisdiction, anti-social forces, payment terms, IP). Each one changed or
gone is listed with both wordings side by side, for legal, as findings on the review.

The returned text is split into articles by the contract checker's own reader (bot.contracts.clauses), and an
article is found by its title, else by the closest wording. Words are compared with spaces and full/half width
folded away, so a reflowed line is no change. With the slot values of our draft the template is filled exactly;
without them a slot matches any words (the counterparty's name differs; the clause around it may not).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from bot.contracts.clauses import Clause as ReadClause
from bot.contracts.clauses import split_clauses
from bot.drafting.fill import fill
from bot.drafting.templates import PLACEHOLDER, Template, Templates
from bot.i18n import t
from bot.models import Finding, Severity

RULE_ID = "T1"  # a protected article of our template changed by the other side
_SPACE = re.compile(r"\s+")
_TITLE_SPLIT = re.compile(r"[・及びと、,]|and")


@dataclass(frozen=True)
class ClauseChange:
    key: str
    title: str  # the article's title in our template
    ours: str  # our template's wording (slots filled where known)
    theirs: str | None  # their wording, None when the article is gone
    their_heading: str = ""

    @property
    def removed(self) -> bool:
        return self.theirs is None


def _folded(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).lower()


def locale_of(text: str) -> str:
    cjk = sum(1 for ch in text[:4000] if "\u3040" <= ch <= "\u9fff")
    return "ja" if cjk > 40 else "en"


def compare(
    returned: str,
    templates: Templates,
    template: Template,
    locale: str | None = None,
    slots: dict[str, Any] | None = None,
    options: dict[str, bool] | None = None,
) -> list[ClauseChange]:
    """The protected articles of `template` the returned text changed or dropped, in the template's order."""
    locale = locale or locale_of(returned)
    contract = split_clauses(returned)
    articles = [c for c in contract.clauses if c.kind == "article"]
    text = template.texts[locale]
    draft = fill(templates, template, locale, slots or {}, options) if slots is not None else None
    changes: list[ClauseChange] = []
    used: set[int] = set()
    for key in template.protected:
        clause = text.clause(key)
        if clause is None:
            continue
        ours = "\n".join(draft.clauses[key][1:]) if draft and key in draft.clauses else "\n".join(clause.paragraphs)
        theirs = _find(articles, clause.title, ours, used)
        if theirs is None:
            changes.append(ClauseChange(key, clause.title, _shown(ours), None))
            continue
        used.add(theirs.index)
        same = _folded(theirs.body) == _folded(ours) if draft else _matches(clause.paragraphs, theirs.body)
        if not same:
            changes.append(ClauseChange(key, clause.title, _shown(ours), _shown(theirs.body), theirs.heading))
    return changes


def _shown(text: str) -> str:
    return " ".join(text.split())


def _find(articles: list[ReadClause], title: str, ours: str, used: set[int]) -> ReadClause | None:
    free = [a for a in articles if a.index not in used]
    want = _folded(title)
    for a in free:
        if _folded(a.title) == want:
            return a
    # Renamed or renumbered: the article whose words are closest, if close enough to be the same article.
    scored = [(difflib.SequenceMatcher(None, _folded(ours), _folded(a.body)).ratio(), a) for a in free]
    best = max(scored, key=lambda s: s[0], default=None)
    return best[1] if best is not None and best[0] >= 0.6 else None


def _matches(paragraphs: tuple[str, ...], body: str) -> bool:
    """The template's wording with every slot as a wildcard, against theirs."""
    parts = PLACEHOLDER.split(_folded("".join(paragraphs)))
    # split keeps the slot names at odd positions: they become wildcards
    pattern = "".join(re.escape(p) if i % 2 == 0 else ".+?" for i, p in enumerate(parts))
    return re.fullmatch(pattern, _folded(body)) is not None


def findings(changes: list[ClauseChange], template: Template) -> tuple[Finding, ...]:
    """One warning per protected article changed, both wordings quoted, in either language."""
    out = []
    for c in changes:
        data = {"key": c.key, "template": template.key, "ours": c.ours, "theirs": c.theirs, "status": "changed"}
        if c.removed:
            messages = {
                loc: t("draft.compare.removed", loc, title=c.title, ours=c.ours, template=template.name(loc))
                for loc in ("ja", "en")
            }
        else:
            messages = {
                loc: t("draft.compare.changed", loc, title=c.title, ours=c.ours, theirs=c.theirs or "",
                       heading=c.their_heading, template=template.name(loc))
                for loc in ("ja", "en")
            }  # fmt: skip
        out.append(Finding(f"{RULE_ID}.{c.key}", Severity.WARNING, messages["ja"], messages["en"], data))
    return tuple(out)


def which_template(returned: str, templates: Templates) -> Template | None:
    """The template a returned contract was made from: the one whose protected articles' titles it has most of,
    its title breaking ties; None when it shares too little with any."""
    locale = locale_of(returned)
    contract = split_clauses(returned)
    titles = {_folded(c.title) for c in contract.clauses if c.kind == "article"}
    head = _folded(contract.title or returned.strip().splitlines()[0] if returned.strip() else "")
    best: tuple[float, Template] | None = None
    for template in templates.ordered():
        text = template.texts[locale]
        mine = [_folded(c.title) for c in text.clauses]
        if not mine:
            continue
        score = sum(1 for m in mine if m in titles) / len(mine) + (0.5 if _folded(text.title) == head else 0.0)
        if best is None or score > best[0]:
            best = (score, template)
    return best[1] if best is not None and best[0] >= 0.5 else None
