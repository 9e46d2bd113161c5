"""Policy questions answered by the model, held to the passages the search found.

The search decides whether the bot knows: when it is not confident the model is not asked at all
(the team that owns the question answers it). When it is, the model is shown the passages and asked
for an answer citing them (prompts/answer.<locale>.md, ANSWER_SCHEMA); `validate_model_answer`
keeps that answer only when it cites what it was shown and states nothing they do not. Any
failure, or an answer that does not hold, gives the offline answer: the passage itself, quoted.

    model = make_model(settings, store, clock)        # bot.understanding.factory; None offline
    answer = ModelAnswerer(model, PROMPTS_DIR).answer(kb, question, locale)
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.knowledge.answer import Answer, compose_answer
from bot.knowledge.grounded import ANSWER_SCHEMA, build_prompt, validate_model_answer
from bot.knowledge.index import KnowledgeBase
from bot.understanding.redact import redact
from bot.understanding.structured import StructuredModel

log = logging.getLogger(__name__)

ENGINE = "answer"  # how these calls are named in the usage table


class ModelAnswerer:
    """Search, then the model's grounded answer, or the quoted passage when the model's does not hold."""

    def __init__(self, model: StructuredModel, prompts_dir: Path) -> None:
        self.model = model
        self.prompts_dir = prompts_dir

    def answer(self, kb: KnowledgeBase, question: str, locale: str | None = None) -> Answer:
        result = kb.search(question, locale)
        offline = compose_answer(result, kb.glossary)
        if not result.confident or result.top is None:
            return offline  # not sure: a person answers, and nothing is sent anywhere
        try:
            prompt = build_prompt(result, self.prompts_dir)
            reply, reason = self.model.ask((prompt.system, prompt.user), ANSWER_SCHEMA, engine=ENGINE, name="answer")
            if not isinstance(reply, dict):
                log.warning("policy answer: no model answer (%s); the quoted passage is used", reason)
                return offline
            # build_prompt redacted the question; the same redaction puts the asker's own details back,
            # before the check, which compares the answer's numbers with the question's as asked.
            redaction = redact(result.question)
            answer = reply.get("answer")
            restored = {**reply, "answer": redaction.restore(answer) if isinstance(answer, str) else answer}
            checked = validate_model_answer(restored, result, kb)
        except Exception as exc:  # a bug of ours must not cost the asker the quoted answer
            log.warning("policy answer failed (%s); the quoted passage is used", type(exc).__name__)
            return offline
        if checked.source != "llm":
            log.info("policy answer: the model's answer was not grounded; the quoted passage is used")
        return checked
