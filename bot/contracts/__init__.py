"""Contract check core (C1–C5): read a contract file, split it into articles, judge the checklist
offline (optionally with an LLM second reader held to verbatim quotes), work out the stamp duty,
and report. Channel-neutral: no chat platform, no network.

    text = read_document(data, filename, max_bytes=10_000_000)
    report = check_contract(text, rules, made_on=today, electronic=False)
    card = report_card(report, locale)

With a model configured (bot.understanding.factory.make_model), pass
`judge=ModelJudge(model, locale), drafter=ModelDrafter(model)` (bot.contracts.ai).
"""

from __future__ import annotations

import importlib
from typing import Any

# PDF and Word readers load only when a contract is checked: bot.i18n imports this package's texts at every start.
_HOME = {
    "ModelDrafter": "ai",
    "ModelJudge": "ai",
    "ContractText": "documents",
    "DocumentError": "documents",
    "check_size": "documents",
    "detect_kind": "documents",
    "from_pasted_text": "documents",
    "read_document": "documents",
    "JUDGEMENT_SCHEMA": "judge",
    "ChecklistEntry": "judge",
    "ItemJudge": "judge",
    "ItemJudgement": "judge",
    "find_quote": "judge",
    "item_messages": "judge",
    "parse_judgement": "judge",
    "Citation": "model",
    "ItemResult": "model",
    "ItemStatus": "model",
    "report_card": "render",
    "report_fields": "render",
    "report_findings": "render",
    "ContractReport": "report",
    "DeniedMatch": "report",
    "check_contract": "report",
    "StampDuty": "stamp",
    "stamp_duty": "stamp",
    "TEXTS": "texts",
    "DraftRequest": "wording",
    "Drafter": "wording",
    "Wording": "wording",
    "WordingError": "wording",
    "load_wording": "wording",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'bot.contracts' has no attribute {name!r}")
    return getattr(importlib.import_module(f"bot.contracts.{_HOME[name]}"), name)


__all__ = [
    "JUDGEMENT_SCHEMA",
    "TEXTS",
    "ChecklistEntry",
    "Citation",
    "ContractReport",
    "ContractText",
    "DeniedMatch",
    "DocumentError",
    "DraftRequest",
    "Drafter",
    "ItemJudge",
    "ItemJudgement",
    "ItemResult",
    "ItemStatus",
    "ModelDrafter",
    "ModelJudge",
    "StampDuty",
    "Wording",
    "WordingError",
    "check_contract",
    "check_size",
    "detect_kind",
    "find_quote",
    "from_pasted_text",
    "item_messages",
    "load_wording",
    "parse_judgement",
    "read_document",
    "report_card",
    "report_fields",
    "report_findings",
    "stamp_duty",
]
