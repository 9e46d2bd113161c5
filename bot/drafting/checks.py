"""Every template drafted in both languages with sample values and checked like any contract: what
`backoffice templates check` and the test suite run. A red flag is a template error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from bot.drafting.docx_write import docx_bytes
from bot.drafting.fill import fill
from bot.drafting.templates import LOCALES, Template, Templates, load_templates

COUNTERPARTY = {"ja": "株式会社サンプル", "en": "Sample Corporation"}
NUMBERS = {"months": 12, "yen": 1_000_000, "days": 30}


def sample_slots(template: Template, locale: str, choice: str | None = None) -> dict[str, Any]:
    """Values for every required slot, as a requester might give them."""
    out: dict[str, Any] = {}
    for name, spec in template.slots.items():
        if not spec.required:
            continue
        if spec.kind == "choice":
            out[name] = choice or next(iter(spec.values))
        elif spec.kind == "text":
            out[name] = COUNTERPARTY[locale] if name == "counterparty" else spec.ja if locale == "ja" else spec.en
        else:
            value = NUMBERS[spec.kind]
            lo, hi = spec.min or value, spec.max or value
            out[name] = min(max(value, lo), hi)
    return out


def variants(template: Template) -> list[str | None]:
    """Each value of the template's choice slot (開示側・受領側), or one draft when it has none."""
    for spec in template.slots.values():
        if spec.kind == "choice" and spec.required:
            return list(spec.values)
    return [None]


def check_all(knowledge_dir: Path, made_on: dt.date) -> list[tuple[str, str, dict[str, str]]]:
    from bot.contracts import check_contract, read_document
    from bot.rules.loader import load_rules

    rules = load_rules(knowledge_dir)
    templates: Templates = load_templates(knowledge_dir, set(rules.contracts.contract_types))
    out = []
    for template in templates.ordered():
        for locale in LOCALES:
            for choice in variants(template):
                slots = sample_slots(template, locale, choice)
                everything = {k: True for k in template.spec.optional_clauses}
                draft = fill(templates, template, locale, slots, everything)
                data = docx_bytes(draft)
                report = check_contract(
                    read_document(data, "draft.docx", max_bytes=len(data) + 1), rules, made_on=made_on,
                    counterparty=slots.get("counterparty"),
                )  # fmt: skip
                label = f"{template.key}:{choice}" if choice else template.key
                out.append((label, locale, report.statuses()))
    return out
