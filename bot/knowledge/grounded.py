"""The LLM path for policy questions: a prompt grounded in the retrieved passages, and a check
that the model's answer stays on them.

The model drafts; it never decides what the policy says. An answer is kept only when every
section it cites was among those it was shown and those sections contain what it states (every
number, and most of its words); anything else is replaced by the offline, quoted answer. The
model client lives elsewhere: this module only builds text and reads text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any

from bot.i18n import t
from bot.knowledge.answer import Answer, Quote, citation, compose_answer
from bot.knowledge.index import KnowledgeBase, SearchResult, question_concepts
from bot.knowledge.tokens import normalize
from bot.understanding.redact import redact

# The reply format, for the request's response_format (structured outputs).
ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "answer": {"type": "string"},
        "citations": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["answer", "citations"],
    "additionalProperties": False,
}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class GroundedPrompt:
    system: str  # the prompt file with the passages filled in
    user: str  # the question, redacted
    section_ids: tuple[str, ...]  # the passages shown: the only ones the answer may cite


@dataclass(frozen=True, slots=True)
class ModelAnswer:
    text: str
    citations: tuple[str, ...]


@lru_cache(maxsize=8)
def _template(path: Path) -> Template:
    return Template(path.read_text(encoding="utf-8"))


def load_prompt(locale: str, prompts_dir: Path = Path("prompts")) -> Template:
    """prompts/answer.<locale>.md (Japanese for any other locale); a missing file raises at once."""
    name = f"answer.{locale if locale in ('ja', 'en') else 'ja'}.md"
    return _template(prompts_dir / name)


def build_prompt(result: SearchResult, prompts_dir: Path = Path("prompts")) -> GroundedPrompt:
    """The system and user messages for a grounded answer to a searched question."""
    hits = result.hits[: result.settings.llm_passages]
    blocks = []
    for h in hits:
        s = h.section
        blocks.append(f"[{h.id}] {s.title} {s.heading}\n{s.text}")
    system = load_prompt(result.locale, prompts_dir).safe_substitute(passages="\n\n".join(blocks) or "-")
    return GroundedPrompt(system, redact(result.question).text, tuple(h.id for h in hits))


def parse_model_answer(raw: str | Mapping[str, Any] | None) -> ModelAnswer | None:
    """The model's reply (JSON text or an already parsed object); None when unreadable."""
    if raw is None:
        return None
    data: Any = raw
    if isinstance(raw, str):
        body = raw.strip()
        fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", body, re.DOTALL)
        try:
            data = json.loads(fenced.group(1) if fenced else body)
        except json.JSONDecodeError:
            return None
    if not isinstance(data, Mapping):
        return None
    answer, cites = data.get("answer"), data.get("citations")
    if not isinstance(answer, str) or not isinstance(cites, list) or not all(isinstance(c, str) for c in cites):
        return None
    return ModelAnswer(answer.strip(), tuple(dict.fromkeys(c.strip() for c in cites)))


def grounding_problems(model: ModelAnswer, result: SearchResult, kb: KnowledgeBase) -> list[str]:
    """Why a model's answer is not grounded in what it was shown; empty when it is."""
    if not model.text:
        return ["no answer"]
    if not model.citations:
        return ["cites nothing"]
    shown = {h.id for h in result.hits[: result.settings.llm_passages]}
    strangers = [c for c in model.citations if c not in shown]
    if strangers:
        return [f"cites sections it was not shown: {strangers}"]
    cited = [s for c in model.citations for s in kb.versions(c)]
    source = "\n".join(f"{s.title} {s.heading}\n{s.text}\n{s.digest}" for s in cited)
    allowed = numbers(source) | numbers(result.question)
    unsupported = sorted(numbers(model.text) - allowed)
    problems = [f"numbers not in the cited sections: {unsupported}"] if unsupported else []
    support = word_support(model.text, model.citations, kb)
    if support < result.settings.min_answer_support:
        problems.append(f"only {support:.0%} of its words are in the cited sections")
    return problems


def numbers(s: str) -> set[str]:
    """Every number written, normalised (¥3,000 / 3,000円 / 3千円 → "3000")."""
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in _NUMBER.findall(normalize(s))}


def word_support(answer: str, citations: tuple[str, ...], kb: KnowledgeBase) -> float:
    """The share of the answer's words and ideas (weighted by rarity) the cited sections contain."""
    concepts = [c for c in question_concepts(answer, kb.glossary) if c.counts]
    if not concepts:
        return 1.0
    tokens: set[str] = set()
    for c in citations:
        tokens |= kb.section_tokens(c)
    weights = kb.rarity([c.token for c in concepts])
    total = sum(weights)
    found = sum(w for c, w in zip(concepts, weights, strict=True) if c.token in tokens)
    return found / total if total else 1.0


def validate_model_answer(
    raw: str | Mapping[str, Any] | ModelAnswer | None, result: SearchResult, kb: KnowledgeBase
) -> Answer:
    """The model's answer when it is grounded; otherwise the offline, quoted answer."""
    model = raw if isinstance(raw, ModelAnswer) else parse_model_answer(raw)
    if model is None or grounding_problems(model, result, kb):
        return compose_answer(result, kb.glossary)
    locale = result.locale
    hits = {h.id: h for h in result.hits}
    quotes = tuple(
        Quote(c, citation(hits[c].section), hits[c].section.text, hits[c].section.lang) for c in model.citations
    )
    cited = "、".join(q.citation for q in quotes) if locale == "ja" else "; ".join(q.citation for q in quotes)
    body = f"{model.text}\n({cited})\n{t('kb.llm_note', locale)}"
    support = word_support(model.text, model.citations, kb)
    return Answer(result.question, locale, body, True, support, model.citations, quotes, result.owner, "llm")
