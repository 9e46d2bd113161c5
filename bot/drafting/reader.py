"""A draft request told in words, read by our own code (never a model): 「株式会社Xと相互NDAを作って。期間2年」,
"Prepare a one-way NDA with Sakura Tech Inc., we disclose, 2 years". A verb of making (作って, 作成, 起案,
ドラフト, draft, prepare) and a template's name are both needed; then whatever slots the words give are read
with the template's own limits, and the rest is asked for."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from bot.drafting.fill import SlotError, parse_slot
from bot.drafting.templates import Template, Templates
from bot.understanding.amounts import find_amounts
from bot.understanding.names import after_last_particle

VERB = re.compile(
    r"作って|作成|起案|ドラフト|作りたい|作れ|用意して|ひな形|雛形|下書き"
    r"|\bdraft\b|\bprepare\b|\bdraw up\b|\bcreate\b|\bmake\b",
    re.IGNORECASE,
)
# A contract already made, or one to be checked: the contract check's business (handlers/contract.py), not a draft.
NOT_A_DRAFT = re.compile(
    r"作成(?:した|済|しました|された)|作った|作りました|チェック|確認|レビュー|審査|見て|添付"
    r"|\b(?:check|review|attached|drafted|prepared|made)\b",
    re.IGNORECASE,
)
_COMPANY_FORMS = r"(?:株式会社|合同会社|有限会社|合資会社|合名会社|一般社団法人|（株）|\(株\))"
_JA_BEFORE = re.compile(rf"{_COMPANY_FORMS}[^\s、。,と様御]+")
_JA_AFTER = re.compile(rf"[^\s、。,「」()（）]+?{_COMPANY_FORMS}")
_EN_COMPANY = re.compile(
    r"\b(?:with|and|for|between)\s+(?P<c>[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*)*?,?\s+"
    r"(?:Inc\.?|Ltd\.?|LLC|Co\.,?\s*Ltd\.?|Corporation|Corp\.?|GmbH|K\.K\.|Limited|plc|LLP|S\.A\.))"
)
_TERM_JA = re.compile(
    r"(?:期間|有効期間|契約期間)\s*[はを:：]?\s*(\d{1,3})\s*(年|か月|ヶ月|カ月|ケ月|箇月)|(\d{1,3})\s*(年間|か月間|ヶ月間|カ月間)"
)
_TERM_EN = re.compile(r"(\d{1,3})[-\s]*(years?|months?)\b", re.IGNORECASE)
_DAYS = re.compile(
    r"(?:支払|払い|payment|pay)[^。.\n]{0,12}?(\d{1,3})\s*(?:日|days?)|(\d{1,3})\s*日以内(?:に)?(?:支払|払)", re.I
)
_QUOTED = re.compile(r"[「\"]([^」\"]{2,300})[」\"]")
_PURPOSE = re.compile(
    r"(?:目的|内容|業務|商品|purpose|services?|goods|work)\s*(?:は|:|：|=)\s*(?P<v>[^。\n、,]+)", re.IGNORECASE
)


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


@dataclass
class DraftAsk:
    template: Template
    slots: dict[str, Any] = field(default_factory=dict)
    options: dict[str, bool] = field(default_factory=dict)
    refused: dict[str, SlotError] = field(default_factory=dict)  # slots whose value in the words was out of bounds


def find_template(text: str, templates: Templates) -> Template | None:
    """The template whose longest name the words contain (相互NDA beats NDA; 片務NDA beats NDA)."""
    folded = fold(text)
    best: tuple[int, int, Template] | None = None
    for template in templates.ordered():
        for word in [template.key, *template.spec.words]:
            w = fold(word)
            if not w:
                continue
            hit = re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", folded) if w.isascii() else None
            if (hit is not None) if w.isascii() else (w in folded):
                score = (len(w), -template.spec.order)
                if best is None or score > best[:2]:
                    best = (score[0], score[1], template)
    return best[2] if best else None


def asks_for_a_draft(text: str) -> bool:
    """A making verb and no word of a contract already made or to be checked: worth looking for a template."""
    clean = unicodedata.normalize("NFKC", text)
    return bool(VERB.search(clean)) and not NOT_A_DRAFT.search(clean)


def read_request(text: str, templates: Templates) -> DraftAsk | None:
    if not asks_for_a_draft(text):
        return None
    template = find_template(text, templates)
    if template is None:
        return None
    return read_slots(text, template)


def read_slots(text: str, template: Template) -> DraftAsk:
    ask = DraftAsk(template)
    clean = unicodedata.normalize("NFKC", text)
    for name, spec in template.slots.items():
        raw = _raw_value(name, spec.kind, clean, template)
        if raw is None:
            continue
        try:
            ask.slots[name] = parse_slot(name, spec, raw)
        except SlotError as err:
            ask.refused[name] = err
    folded = fold(text)
    for key, opt in template.spec.optional_clauses.items():
        if any(fold(w) in folded for w in opt.said):
            ask.options[key] = True
    return ask


def counterparty_in(text: str) -> str | None:
    if m := _JA_BEFORE.search(text):
        return m.group(0)
    if m := _JA_AFTER.search(text):
        name = m.group(0)
        form = re.search(_COMPANY_FORMS + "$", name)
        assert form is not None
        head = after_last_particle(name[: form.start()]) or name[: form.start()]
        return head + form.group(0)
    if m := _EN_COMPANY.search(text):
        return m.group("c").strip()
    return None


def _raw_value(name: str, kind: str, text: str, template: Template) -> Any:
    if name == "counterparty":
        return counterparty_in(text)
    if kind == "months":
        if m := _TERM_JA.search(text):
            n, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            return f"{n}{'年' if unit.startswith('年') else 'か月'}"
        if m := _TERM_EN.search(text):
            return f"{m.group(1)} {m.group(2)}"
        return None
    if kind == "yen":
        amounts = [a for a in find_amounts(text) if a.currency == "JPY"]
        return int(max(amounts, key=lambda a: a.value).value) if amounts else None
    if kind == "days":
        if m := _DAYS.search(text):
            return m.group(1) or m.group(2)
        return None
    if kind == "choice":
        spec = template.slots[name]
        folded = fold(text)
        for value, choice in spec.values.items():
            if any(fold(s) in folded for s in sorted(choice.said, key=len, reverse=True) if len(fold(s)) > 3):
                return value
        return None
    if template.slots[name].model or kind == "text":
        if m := _QUOTED.search(text):
            return m.group(1).strip()
        if m := _PURPOSE.search(text):
            return m.group("v").strip(" 、,.")
    return None
