"""A template filled in: slot values read from what the requester said, checked against what the template
allows, and put in the text; optional articles in or out; articles numbered. Pure: no file, no model."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.drafting.templates import PLACEHOLDER, Bilingual, Clause, SlotSpec, Template, Templates

# Words that would make a slot value a clause of its own: an article heading, a placeholder, a line break.
_FORGED = re.compile(r"\{\{|\}\}|第\s*[0-9０-９一二三四五六七八九十百]+\s*条|(?i:\barticle\s+\d)|[\r\n\x00-\x1f\x7f]")
_MONTHS = re.compile(
    r"^(?P<n>\d{1,3})\s*(?P<unit>y|yr|yrs|years?|年間?|m|mo|mos|months?|か月間?|ヶ月間?|カ月間?|ケ月間?|箇月間?)?$",
    re.IGNORECASE,
)
_DAYS = re.compile(r"^(?P<n>\d{1,3})\s*(?:日間?|日以内|days?|d)?$", re.IGNORECASE)


class SlotError(ValueError):
    """A value the template does not allow; `key` is a catalogue key (bot/drafting/texts.py)."""

    def __init__(self, key: str, **data: Any) -> None:
        super().__init__(key)
        self.key = key
        self.data = data


@dataclass(frozen=True)
class Paragraph:
    style: str  # title | text | heading | closing
    text: str


@dataclass(frozen=True)
class Draft:
    template: Template
    locale: str
    slots: dict[str, Any]  # as kept: int for months/yen/days, str for text and choice
    options: dict[str, bool]
    paragraphs: tuple[Paragraph, ...]
    clauses: dict[str, tuple[str, ...]]  # article key → its rendered heading and paragraphs
    worded_by: str = "offline"  # or the model that worded the deal-specific slots
    model_slots: tuple[str, ...] = field(default=())  # the slots the model worded

    @property
    def title(self) -> str:
        return self.paragraphs[0].text

    def text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs) + "\n"

    def clause_text(self, key: str) -> str:
        return "\n".join(self.clauses.get(key, ()))


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_slot(name: str, spec: SlotSpec, raw: Any) -> Any:
    """The value as kept, or SlotError. Numbers come as written by a person: 2年, 24か月, 2y, 30日, 100万円."""
    if isinstance(raw, bool):
        raise SlotError("draft.bad_value", slot=name)
    if spec.kind == "text":
        value = re.sub(r"\s+", " ", _nfkc(str(raw))) if not isinstance(raw, str) else raw.strip()
        value = unicodedata.normalize("NFC", value)
        if not value:
            raise SlotError("draft.empty_value", slot=name)
        if _FORGED.search(value):
            raise SlotError("draft.forged_value", slot=name)
        if len(value) > spec.max_chars:
            raise SlotError("draft.too_long", slot=name, max=spec.max_chars)
        return value
    if spec.kind == "choice":
        word = _nfkc(str(raw)).lower()
        for key, choice in spec.values.items():
            if word == key or word in (_nfkc(s).lower() for s in choice.said):
                return key
        raise SlotError("draft.bad_choice", slot=name, values=", ".join(spec.values))
    number = _number(spec.kind, raw)
    if number is None:
        raise SlotError(f"draft.bad_{spec.kind}", slot=name)
    if (spec.min is not None and number < spec.min) or (spec.max is not None and number > spec.max):
        raise SlotError(f"draft.range_{spec.kind}", slot=name, min=spec.min, max=spec.max)
    return number


def _number(kind: str, raw: Any) -> int | None:
    if isinstance(raw, int):
        return raw if raw > 0 else None
    text = _nfkc(str(raw)).replace(" ", "")
    if kind == "months":
        m = _MONTHS.match(text)
        if not m:
            return None
        n, unit = int(m.group("n")), (m.group("unit") or "m").lower()
        return n * 12 if unit.startswith(("y", "年")) else n
    if kind == "days":
        m = _DAYS.match(text)
        return int(m.group("n")) if m and int(m.group("n")) > 0 else None
    from bot.understanding.amounts import parse_amount_text

    parsed = parse_amount_text(text)
    if parsed is None or parsed[1] != "JPY" or parsed[0] <= 0 or parsed[0] != parsed[0].to_integral_value():
        return None
    return int(Decimal(parsed[0]))


def shown(spec: SlotSpec, value: Any, locale: str) -> str:
    """A kept value as the contract writes it."""
    if spec.kind == "months":
        n = int(value)
        if n % 12 == 0:
            years = n // 12
            return f"{years}年間" if locale == "ja" else f"{years} year{'s' if years > 1 else ''}"
        return f"{n}か月間" if locale == "ja" else f"{n} month{'s' if n > 1 else ''}"
    if spec.kind == "yen":
        return f"{int(value):,}円" if locale == "ja" else f"JPY {int(value):,}"
    if spec.kind == "days":
        return f"{int(value)}日" if locale == "ja" else f"{int(value)} days"
    if isinstance(value, dict):
        return str(value.get(locale) or value.get("ja") or "")
    return str(value)


def missing_required(template: Template, slots: dict[str, Any]) -> list[str]:
    return [k for k in template.required() if k not in slots]


def fill(
    templates: Templates,
    template: Template,
    locale: str,
    slots: dict[str, Any],
    options: dict[str, bool] | None = None,
    *,
    worded: dict[str, str] | None = None,
    worded_by: str = "offline",
) -> Draft:
    """The draft in `locale`. `slots` are the requester's values (already parsed); `worded` holds the model's
    wording of deal-specific slots, used only for slots the template lets the model word."""
    text = template.texts[locale]
    chosen = {k: (options or {}).get(k, spec.default) for k, spec in template.spec.optional_clauses.items()}
    company = templates.company
    values: dict[str, str] = {
        "us": company.us.get(locale),
        "us_address": company.us_address.get(locale),
        "us_representative": company.us_representative.get(locale),
    }
    used_model: list[str] = []
    for name, spec in template.slots.items():
        if spec.kind == "choice":
            picked = slots.get(name, spec.default)
            if picked in spec.values:
                words = spec.values[picked].words
                values.update(words.ja if locale == "ja" else words.en)
            continue
        if worded and name in worded and spec.model:
            values[name] = worded[name]
            used_model.append(name)
        elif name in slots:
            values[name] = shown(spec, slots[name], locale)
        elif isinstance(spec.default, Bilingual):
            values[name] = spec.default.get(locale)
        elif spec.default is not None:
            values[name] = shown(spec, spec.default, locale)
        else:
            values[name] = "［　　　　］" if locale == "ja" else "[          ]"  # left for the people signing

    def sub(s: str) -> str:
        return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), s)

    paragraphs = [Paragraph("title", sub(text.title))]
    paragraphs += [Paragraph("text", sub(p)) for p in text.preamble]
    rendered: dict[str, tuple[str, ...]] = {}
    n = 0
    for clause in text.clauses:
        if clause.key in chosen and not chosen[clause.key]:
            continue
        n += 1
        heading = _heading(clause, n, locale, sub)
        body = tuple(sub(p) for p in clause.paragraphs)
        rendered[clause.key] = (heading, *body)
        paragraphs.append(Paragraph("heading", heading))
        paragraphs += [Paragraph("text", p) for p in body]
    paragraphs += [Paragraph("closing", sub(p)) for p in text.closing]
    return Draft(
        template,
        locale,
        dict(slots),
        chosen,
        tuple(paragraphs),
        rendered,
        worded_by if used_model else "offline",
        tuple(used_model),
    )


def _heading(clause: Clause, n: int, locale: str, sub: Any) -> str:
    title = sub(clause.title)
    return f"第{n}条（{title}）" if locale == "ja" else f"Article {n} ({title})"
