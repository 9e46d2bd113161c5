"""Contract check core (C1–C5): read a contract file, split it into articles, judge the checklist
offline (optionally with an LLM second reader held to verbatim quotes), work out the stamp duty,
and report. Channel-neutral: no chat platform, no network.

    text = read_document(data, filename, max_bytes=10_000_000)
    report = check_contract(text, rules, made_on=today, electronic=False)
    card = report_card(report, locale)
"""

from bot.contracts.documents import ContractText, DocumentError, detect_kind, from_pasted_text, read_document
from bot.contracts.judge import (
    JUDGEMENT_SCHEMA,
    ChecklistEntry,
    ItemJudge,
    ItemJudgement,
    find_quote,
    item_messages,
    parse_judgement,
)
from bot.contracts.model import Citation, ItemResult, ItemStatus
from bot.contracts.render import report_card, report_fields, report_findings
from bot.contracts.report import ContractReport, DeniedMatch, check_contract
from bot.contracts.stamp import StampDuty, stamp_duty
from bot.contracts.texts import TEXTS
from bot.contracts.wording import Wording, WordingError, load_wording

__all__ = [
    "JUDGEMENT_SCHEMA",
    "TEXTS",
    "ChecklistEntry",
    "Citation",
    "ContractReport",
    "ContractText",
    "DeniedMatch",
    "DocumentError",
    "ItemJudge",
    "ItemJudgement",
    "ItemResult",
    "ItemStatus",
    "StampDuty",
    "Wording",
    "WordingError",
    "check_contract",
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
