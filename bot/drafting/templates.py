"""The company's contract templates as data (knowledge/templates/): a YAML description per template and its
text in Japanese and English, validated at load the way the rule files are (every problem names the file and
the key), so a template a back-office person edits wrongly stops `backoffice templates check` and the first
draft with a message that says where, never a contract that silently lacks a clause.

    knowledge/templates/_company.yaml      how we appear in every template ({{us}}, {{us_address}}, …)
    knowledge/templates/nda_mutual.yaml    names, request words, contract type, slots, optional and protected clauses
    knowledge/templates/nda_mutual.ja.txt  the text: `= title`, preamble, `== key | 見出し` per article, `== -` closing

A protected clause (liability cap, jurisdiction, anti-social forces, payment terms, IP) may hold only slots
the requester gives (an amount, days); a slot the model may word can never stand in one: checked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.rules.loader import RuleError, describe_validation_error, read_yaml

LOCALES = ("ja", "en")
COMPANY_FILE = "_company.yaml"
TEMPLATES_DIR = "templates"
# What a template may name besides its own slots: our company, from _company.yaml.
BUILT_IN = ("us", "us_address", "us_representative")
PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")
_KEY = r"^[a-z][a-z0-9_]*$"
_HEADING = re.compile(r"^==\s*(?P<key>-|[a-z][a-z0-9_]*)\s*(?:\|\s*(?P<title>.+?))?\s*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Strict):
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, locale: str) -> str:
        return self.ja if locale == "ja" else self.en


class SlotSpec(_Strict):
    """One named blank. `kind`: text (as given), months (a term: 2年 / 24か月 / 2 years), yen (an amount),
    days (a number of days, e.g. payment after delivery), choice (one of `values`, each giving the words the
    text uses for it)."""

    kind: Literal["text", "months", "yen", "days", "choice"]
    ja: str = Field(min_length=1)  # how the slot is named when the bot asks for it
    en: str = Field(min_length=1)
    required: bool = False
    default: Bilingual | int | str | None = None
    model: bool = False  # the model may word it (deal-specific prose only: purpose, description of the work)
    max_chars: int = Field(default=200, ge=1, le=2000)
    min: int | None = None
    max: int | None = None
    # choice: value → {words: {ja: {word: text}, en: {word: text}}, said: [how people say it]}
    values: dict[str, ChoiceValue] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> SlotSpec:
        if self.kind == "choice":
            if not self.values:
                raise ValueError("a choice slot needs 'values'")
            names = [set(v.words.ja) | set(v.words.en) for v in self.values.values()]
            if any(n != names[0] for n in names) or any(
                set(v.words.ja) != set(v.words.en) for v in self.values.values()
            ):
                raise ValueError("every value of a choice slot must give the same words in ja and en")
        elif self.values:
            raise ValueError("only a choice slot has 'values'")
        if self.model and self.kind != "text":
            raise ValueError("only a text slot may be worded by the model")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is above 'max'")
        if self.required and self.default is not None:
            raise ValueError("a required slot has no default (the requester gives it)")
        return self


class ChoiceWords(_Strict):
    ja: dict[str, str]
    en: dict[str, str]


class ChoiceValue(_Strict):
    words: ChoiceWords
    said: list[str] = Field(default_factory=list)  # 開示側, we disclose, discloser…
    names: Bilingual | None = None  # how the value is shown: 開示側 / we disclose


class OptionalSpec(_Strict):
    ja: str
    en: str
    default: bool = False
    said: list[str] = Field(default_factory=list)  # words that turn it on in a request


class TemplateSpec(_Strict):
    names: Bilingual
    words: list[str] = Field(min_length=1)  # how a request names this template (NDA, 相互NDA, 業務委託(準委任)…)
    contract_type: str  # a key of contract_types in rules/contracts.yaml
    texts: dict[Literal["ja", "en"], str]
    slots: dict[str, SlotSpec] = Field(default_factory=dict)
    optional_clauses: dict[str, OptionalSpec] = Field(default_factory=dict)
    protected: list[str] = Field(min_length=1)  # clause keys the model never touches and a returned copy is held to
    order: int = 100  # where the template comes in the list


class CompanySpec(_Strict):
    us: Bilingual
    us_address: Bilingual
    us_representative: Bilingual


SlotSpec.model_rebuild()


@dataclass(frozen=True)
class Clause:
    key: str
    title: str
    paragraphs: tuple[str, ...]

    def placeholders(self) -> set[str]:
        return {m.group(1) for p in (self.title, *self.paragraphs) for m in PLACEHOLDER.finditer(p)}


@dataclass(frozen=True)
class TemplateText:
    title: str
    preamble: tuple[str, ...]
    clauses: tuple[Clause, ...]
    closing: tuple[str, ...]

    def clause(self, key: str) -> Clause | None:
        return next((c for c in self.clauses if c.key == key), None)

    def placeholders(self) -> set[str]:
        found = {m.group(1) for p in (self.title, *self.preamble, *self.closing) for m in PLACEHOLDER.finditer(p)}
        for c in self.clauses:
            found |= c.placeholders()
        return found


@dataclass(frozen=True)
class Template:
    key: str
    spec: TemplateSpec
    texts: dict[str, TemplateText]
    path: Path

    def name(self, locale: str) -> str:
        return self.spec.names.get(locale)

    @property
    def slots(self) -> dict[str, SlotSpec]:
        return self.spec.slots

    @property
    def protected(self) -> tuple[str, ...]:
        return tuple(self.spec.protected)

    def required(self) -> list[str]:
        return [k for k, s in self.spec.slots.items() if s.required]


@dataclass(frozen=True)
class Templates:
    company: CompanySpec
    templates: dict[str, Template] = field(default_factory=dict)

    def get(self, key: str) -> Template | None:
        return self.templates.get(key)

    def ordered(self) -> list[Template]:
        return sorted(self.templates.values(), key=lambda t: (t.spec.order, t.key))


def parse_text(raw: str, label: str) -> TemplateText:
    """`= title`, then the preamble, then `== key | 見出し` starting each article; `== -` starts the unnumbered
    closing. A blank line ends a paragraph; lines inside a paragraph are joined."""
    title = ""
    preamble: list[str] = []
    clauses: list[tuple[str, str, list[str]]] = []
    closing: list[str] | None = None
    current = preamble
    buf: list[str] = []
    problems: list[str] = []

    def flush() -> None:
        if buf:
            current.append("".join(buf) if _is_cjk(buf) else " ".join(buf))
            buf.clear()

    for n, line in enumerate(raw.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#"):
            continue  # a note for whoever edits the template, never in the contract
        if not title and stripped.startswith("= "):
            title = stripped[2:].strip()
            continue
        if stripped.startswith("=="):
            flush()
            m = _HEADING.match(stripped)
            if m is None:
                problems.append(f"{label}: line {n}: a heading is '== key | title' (key: a-z, 0-9, _) or '== -'")
                continue
            if m.group("key") == "-":
                closing = []
                current = closing
                continue
            if closing is not None:
                problems.append(f"{label}: line {n}: an article after the closing ('== -') block")
            if not m.group("title"):
                problems.append(f"{label}: line {n}: article '{m.group('key')}' has no title")
            clauses.append((m.group("key"), m.group("title") or "", []))
            current = clauses[-1][2]
            continue
        if not stripped:
            flush()
            continue
        buf.append(stripped)
    flush()
    if not title:
        problems.append(f"{label}: the first line must be the title ('= 秘密保持契約書')")
    keys = [k for k, _, _ in clauses]
    for k in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(f"{label}: article '{k}' appears twice")
    for k, _, body in clauses:
        if not body:
            problems.append(f"{label}: article '{k}' has no text")
    if problems:
        raise RuleError(problems)
    return TemplateText(
        title,
        tuple(preamble),
        tuple(Clause(k, t, tuple(b)) for k, t, b in clauses),
        tuple(closing or ()),
    )


def _is_cjk(lines: list[str]) -> bool:
    return any(ord(ch) > 0x2E7F for ch in "".join(lines))


def _validate(key: str, spec: TemplateSpec, texts: dict[str, TemplateText], label: str, types: set[str]) -> list[str]:
    problems: list[str] = []
    if types and spec.contract_type not in types:
        problems.append(
            f"{label}: key 'contract_type': '{spec.contract_type}' is not a contract type of rules/contracts.yaml "
            f"({', '.join(sorted(types))})"
        )
    for loc in LOCALES:
        if loc not in spec.texts:
            problems.append(f"{label}: key 'texts.{loc}' is missing")
    if problems or len(texts) != len(LOCALES):
        return problems
    clause_keys = {loc: [c.key for c in texts[loc].clauses] for loc in LOCALES}
    if clause_keys["ja"] != clause_keys["en"]:
        problems.append(
            f"{label}: the ja and en texts must have the same articles in the same order "
            f"(ja: {', '.join(clause_keys['ja'])}; en: {', '.join(clause_keys['en'])})"
        )
    keys = set(clause_keys["ja"])
    for i, name in enumerate(spec.protected):
        if name not in keys:
            problems.append(f"{label}: key 'protected[{i}]': '{name}' is not an article of the texts")
    for name in spec.optional_clauses:
        if name not in keys:
            problems.append(f"{label}: key 'optional_clauses.{name}': not an article of the texts")
        if name in spec.protected:
            problems.append(f"{label}: key 'optional_clauses.{name}': a protected article cannot be left out")
    choice_words = {w for s in spec.slots.values() if s.kind == "choice" for v in s.values.values() for w in v.words.ja}
    known = set(spec.slots) | set(BUILT_IN) | choice_words
    for loc in LOCALES:
        text = texts[loc]
        for name in sorted(text.placeholders() - known):
            problems.append(f"{label}: texts.{loc}: '{{{{{name}}}}}' is not a slot of the template (slots.{name}?)")
        for clause in text.clauses:
            if clause.key not in spec.protected:
                continue
            for name in sorted(clause.placeholders()):
                if name in spec.slots and spec.slots[name].model:
                    problems.append(
                        f"{label}: texts.{loc}: protected article '{clause.key}' holds '{{{{{name}}}}}', "
                        f"a slot the model words (slots.{name}.model)"
                    )
    used = texts["ja"].placeholders() | texts["en"].placeholders()
    for name, slot in spec.slots.items():
        if slot.kind == "choice":
            continue
        if name not in used:
            problems.append(f"{label}: key 'slots.{name}': not used in the texts")
    return problems


def load_templates(knowledge_dir: str | Path, contract_types: set[str] | None = None) -> Templates:
    """Every template under `knowledge_dir/templates`, all problems collected before failing (RuleError)."""
    folder = Path(knowledge_dir) / TEMPLATES_DIR
    if not folder.is_dir():
        raise RuleError([f"{folder}: template folder not found"])
    problems: list[str] = []
    company: CompanySpec | None = None
    label = f"{TEMPLATES_DIR}/{COMPANY_FILE}"
    try:
        data, _ = read_yaml(folder / COMPANY_FILE, label)
        company = CompanySpec.model_validate(data)
    except RuleError as err:
        problems += err.problems
    except ValidationError as err:
        problems += describe_validation_error(label, CompanySpec, err)
    found: dict[str, Template] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == COMPANY_FILE:
            continue
        key = path.stem
        label = f"{TEMPLATES_DIR}/{path.name}"
        if not re.match(_KEY, key):
            problems.append(f"{label}: a template's file name is its key: a-z, 0-9 and _ only")
            continue
        try:
            data, _ = read_yaml(path, label)
            spec = TemplateSpec.model_validate(data)
        except RuleError as err:
            problems += err.problems
            continue
        except ValidationError as err:
            problems += describe_validation_error(label, TemplateSpec, err)
            continue
        texts: dict[str, TemplateText] = {}
        for loc, name in spec.texts.items():
            text_label = f"{TEMPLATES_DIR}/{name}"
            target = (folder / name).resolve()
            if folder.resolve() not in target.parents:
                problems.append(f"{label}: key 'texts.{loc}': '{name}' is outside the template folder")
                continue
            try:
                texts[loc] = parse_text(target.read_text(encoding="utf-8"), text_label)
            except OSError as exc:
                problems.append(f"{label}: key 'texts.{loc}': {name} cannot be read ({exc.strerror})")
            except UnicodeDecodeError:
                problems.append(f"{text_label}: is not UTF-8 text")
            except RuleError as err:
                problems += err.problems
        problems += _validate(key, spec, texts, label, contract_types or set())
        found[key] = Template(key, spec, texts, path)
    if not found and not problems:
        problems.append(f"{folder}: no template (*.yaml) found")
    if problems:
        raise RuleError(problems)
    assert company is not None
    return Templates(company, found)
