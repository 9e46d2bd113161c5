"""Offline first, the model only where the offline reading is unsure.

Most messages ("昨日のタクシー代 3,200円") are read with confidence by the offline engine;
they cost nothing and never leave the process. Only when the intent, a required field or a
present field is unsure is the model asked, and then the two readings are merged field by
field: what offline was sure of stays, the model fills the gaps. The model's reading has been
held to the message by the LLM engine already (values not in the text dropped, derived values
the text does not support marked disputed), and a disputed value keeps that mark here.
"""

from __future__ import annotations

import datetime as dt

from bot.understanding.llm import LLMEngine
from bot.understanding.types import CONFIDENT, FIELDS_BY_INTENT, Engine, Understanding


class HybridEngine:
    name = "hybrid"

    def __init__(self, offline: Engine, llm: LLMEngine) -> None:
        self.offline = offline
        self.llm = llm

    def understand(self, text: str, today: dt.date, locale: str = "ja", kind_hint: str | None = None) -> Understanding:
        first = self.offline.understand(text, today, locale, kind_hint)
        gaps = [*first.unsure(), *first.missing()]
        if not gaps:
            return first  # sure of everything: no model call, nothing leaves the process
        second, reason = self.llm.attempt(text, today, locale, kind_hint, engine=self.name)
        if second is None:
            first.notes.append(f"llm: {reason}; offline reading kept")
            return first
        return merge(first, second)


def merge(offline: Understanding, model: Understanding) -> Understanding:
    """Field by field: offline where it was confident, the model where offline was missing or unsure.

    The intent comes from the model only when offline was unsure of it; the model's fields are
    used only when they belong to the intent that wins.
    """
    intent_from_model = "intent" in offline.unsure()
    intent = model.intent if intent_from_model else offline.intent
    out = Understanding(intent=intent, engine="hybrid", notes=[*offline.notes, *model.notes])
    out.confidence["intent"] = (model if intent_from_model else offline).confidence.get("intent", 1.0)

    own = FIELDS_BY_INTENT.get(intent, ())

    def offline_has(name: str) -> bool:
        # Offline fields read for another intent do not carry over (a leave start is no expense date).
        return name in offline.fields and (offline.intent == intent or name in own)

    def model_has(name: str) -> bool:
        return name in model.fields and (model.intent == intent or name in own)

    taken: list[str] = []
    for name in dict.fromkeys([*offline.fields, *model.fields]):
        sure = offline_has(name) and offline.confidence.get(name, 1.0) >= CONFIDENT
        if sure or (offline_has(name) and not model_has(name)):
            source = offline
        elif model_has(name):
            source = model
            taken.append(name)
            if name in model.disputed:  # only the model says so: it still needs the requester's word
                out.disputed[name] = model.disputed[name]
        else:
            continue
        out.fields[name] = source.fields[name]
        if name in source.confidence:
            out.confidence[name] = source.confidence[name]

    out.notes.append(
        "hybrid: intent from " + ("llm" if intent_from_model else "offline")
        + (f"; from llm: {', '.join(taken)}" if taken else "; no fields from llm")
    )  # fmt: skip
    return out
