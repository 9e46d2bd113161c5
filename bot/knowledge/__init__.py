"""Policy questions: the company's policy documents, searched in Japanese and English, answered
with the passage quoted and cited, or handed to the team that owns them.

    kb = KnowledgeBase(settings.knowledge_dir / "policies")   # built on first use; kb.reindex() to build now
    answer = answer_question(kb, "出張の日当はいくら?")            # offline: quoted passage, or "not sure"

In the running bot, `services.knowledge` (service.KnowledgeService) owns the knowledge base and keeps it
current; handlers/question.py answers through it, and cards.question_notification renders what the team
and the asker are told.

LLM path: `result = kb.search(q)`, `prompt = build_prompt(result)`, send prompt.system and
prompt.user (response_format: ANSWER_SCHEMA), then `validate_model_answer(reply, result, kb)`.
"""

from __future__ import annotations

import importlib
from typing import Any

# The tokenizer and the ranking library take a fifth of a second to import: the package loads them only
# when a search is asked for, so that importing its texts (bot.i18n does, at every start) stays free.
_HOME = {
    "Answer": "answer", "Quote": "answer", "answer_question": "answer", "compose_answer": "answer",
    "KnowledgeError": "documents", "SearchSettings": "documents", "Section": "documents",
    "ANSWER_SCHEMA": "grounded", "GroundedPrompt": "grounded", "ModelAnswer": "grounded", "build_prompt": "grounded",
    "grounding_problems": "grounded", "parse_model_answer": "grounded", "validate_model_answer": "grounded",
    "Hit": "index", "KnowledgeBase": "index", "SearchResult": "index", "detect_locale": "index",
    "is_personal_data_question": "personal", "TEXTS": "texts",
    "KnowledgeService": "service", "KnowledgeUnavailable": "service", "question_notification": "cards",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'bot.knowledge' has no attribute {name!r}")
    return getattr(importlib.import_module(f"bot.knowledge.{_HOME[name]}"), name)


__all__ = [
    "ANSWER_SCHEMA",
    "TEXTS",
    "Answer",
    "GroundedPrompt",
    "Hit",
    "KnowledgeBase",
    "KnowledgeError",
    "KnowledgeService",
    "KnowledgeUnavailable",
    "ModelAnswer",
    "Quote",
    "SearchResult",
    "SearchSettings",
    "Section",
    "answer_question",
    "build_prompt",
    "compose_answer",
    "detect_locale",
    "grounding_problems",
    "is_personal_data_question",
    "parse_model_answer",
    "question_notification",
    "validate_model_answer",
]
