"""The policy documents as sections with stable ids, and the search settings beside them.

A document is `knowledge/policies/<doc>.<lang>.md`: a `# Title`, then `## ` sections. A section's
id names the document and the article, the same in both languages (`expenses#第4条` for
`## 第4条 領収書` and `## 4. Receipts`; `faq#q3` for `## Q3. …`), so an answer cites one rule
whichever language it was found in. Text before the first section (title, preamble) is not a rule
and is not searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

_FILE = re.compile(r"^(?P<doc>[a-z0-9_-]+)\.(?P<lang>ja|en)\.md$")
_ARTICLE_JA = re.compile(r"^第(?P<n>\d+)条\s*(?P<name>.*)$")
_ARTICLE_EN = re.compile(r"^(?P<n>\d+)\.\s*(?P<name>.*)$")
_QUESTION = re.compile(r"^Q(?P<n>\d+)\.?\s*(?P<name>.*)$", re.IGNORECASE)
# "(E2)", "(E2, E3)", "(経費精算規程 第4条、E2)": the rule ids a section rests on.
_RULE_ID = re.compile(r"(?<![A-Za-z0-9])([A-Z])(\d{1,2})(?![0-9])")
_RULE_LINE = re.compile(r"^\((?:[^()]*)\)$")

SEARCH_FILE = "search.yaml"
GLOSSARY_FILE = "glossary.yaml"


@dataclass(frozen=True, slots=True)
class Section:
    """One article of one document, in one language."""

    id: str  # "expenses#第4条", "faq#q3": the same in both languages
    doc: str  # "expenses"
    lang: str  # "ja" | "en"
    title: str  # the document's title: "経費精算規程"
    label: str  # "第4条" | "§4" | "Q3"
    name: str  # the heading without its number: "領収書" | "Receipts"
    text: str  # the body, Markdown as written
    path: Path
    rule_ids: tuple[str, ...] = ()  # E2, L1… that the section cites
    owner: str | None = None  # the team that answers questions about it (hr, finance, legal…)
    digest: str = ""  # rows of an overview table elsewhere that point here: searched, not quoted

    @property
    def heading(self) -> str:
        return f"{self.label} {self.name}".strip()


@dataclass(frozen=True, slots=True)
class SearchSettings:
    """knowledge/policies/search.yaml: the numbers that tune answering, kept as data."""

    min_confidence: float = 0.6
    second_passage_ratio: float = 0.85
    closest: int = 3
    llm_passages: int = 4
    min_answer_support: float = 0.5
    rule_owners: dict[str, str] = field(default_factory=dict)
    owners: dict[str, str | None] = field(default_factory=dict)


class KnowledgeError(Exception):
    """A policy document or search file is malformed; the message names the file."""


def load_settings(policies_dir: Path) -> SearchSettings:
    path = policies_dir / SEARCH_FILE
    if not path.exists():
        return SearchSettings()
    data = _yaml_mapping(path)
    known = set(SearchSettings.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise KnowledgeError(f"{path}: unknown keys {unknown}")
    try:
        return SearchSettings(**data)
    except TypeError as e:
        raise KnowledgeError(f"{path}: {e}") from e


def _yaml_mapping(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(read_text(path)) or {}
    except yaml.YAMLError as e:
        raise KnowledgeError(f"{path}: {e}") from e
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected a mapping at the top level")
    return data


def read_text(path: Path) -> str:
    """A policy file's text; a file saved in another encoding, or unreadable, is an error that names it
    (a bare UnicodeDecodeError would not say which of the documents is at fault)."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise KnowledgeError(f"{path}: not UTF-8 text (byte {e.start}); save it as UTF-8") from e
    except OSError as e:
        raise KnowledgeError(f"{path}: cannot be read ({e.strerror or e})") from e


def policy_files(policies_dir: Path) -> list[Path]:
    """The Markdown documents, in a stable order."""
    return sorted(p for p in policies_dir.glob("*.md") if _FILE.match(p.name))


def parse_document(path: Path) -> list[Section]:
    """The sections of one document, without owners (those need every document's title)."""
    m = _FILE.match(path.name)
    if m is None:
        raise KnowledgeError(f"{path}: a policy file is named <doc>.<ja|en>.md")
    doc, lang = m.group("doc"), m.group("lang")
    title = ""
    sections: list[Section] = []
    heading: str | None = None
    body: list[str] = []

    def close() -> None:
        if heading is not None:
            sections.append(_section(path, doc, lang, title, heading, "\n".join(body).strip()))

    for line in read_text(path).splitlines():
        if line.startswith("# ") and not title:
            title = line[2:].strip()
        elif line.startswith("## "):
            close()
            heading, body = line[3:].strip(), []
        elif heading is not None:
            body.append(line)
    close()
    if not title:
        raise KnowledgeError(f"{path}: no '# Title' line")
    return _move_digest_rows(sections)


# The last cell of an overview row: "第4条", "第4条・第5条", "第4条〜第9条", "§4", "§4, §5", "§4–§9".
_REFS = re.compile(r"^(?:第\d+条|§\d+)(?:\s*[・、,〜~–-]\s*(?:第\d+条|§\d+))*$")
_REF_NUM = re.compile(r"(\d+)")


def _move_digest_rows(sections: list[Section]) -> list[Section]:
    """An overview table ("at a glance") whose rows name the section that states each rule is
    a digest of those sections: each row is searched with the section it names, so a question
    finds the rule itself rather than the overview; the overview keeps the rest of its text."""
    numbered = {s.id.rsplit("#", 1)[1]: i for i, s in enumerate(sections)}
    digests: dict[int, list[str]] = {}
    kept_text: list[str] = []
    for s in sections:
        kept: list[str] = []
        for line in s.text.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.lstrip().startswith("|") else []
            targets = _ref_targets(cells[-1], numbered) if cells else []
            if targets:
                for t in targets:
                    digests.setdefault(t, []).append(" ".join(cells[:-1]))
                continue
            kept.append(line)
        # A table left with only its header and separator rows is dropped with its rows.
        text = "\n".join(kept)
        # (The separator row must end the table: a blank line or the end of the text follows it.)
        text = re.sub(r"(?m)^\|[^\n]*\|\n\|[ \t|:-]+\|[ \t]*(?:\n(?=\n)|\n?\Z)", "", text)
        kept_text.append(text.strip())
    return [replace(s, text=kept_text[i], digest="\n".join(digests.get(i, []))) for i, s in enumerate(sections)]


def _ref_targets(cell: str, numbered: dict[str, int]) -> list[int]:
    if not _REFS.match(cell):
        return []
    nums = [int(n) for n in _REF_NUM.findall(cell)]
    if len(nums) == 2 and any(d in cell for d in "〜~–-"):
        nums = list(range(nums[0], nums[1] + 1))
    return [numbered[f"第{n}条"] for n in nums if f"第{n}条" in numbered]


def _section(path: Path, doc: str, lang: str, title: str, heading: str, text: str) -> Section:
    if m := _QUESTION.match(heading):
        anchor, label = f"q{m.group('n')}", f"Q{m.group('n')}"
    elif m := _ARTICLE_JA.match(heading):
        anchor, label = f"第{m.group('n')}条", f"第{m.group('n')}条"
    elif m := _ARTICLE_EN.match(heading):
        anchor, label = f"第{m.group('n')}条", f"§{m.group('n')}"
    else:
        # An unnumbered heading still gets an id; renaming it changes the id, so number rules.
        anchor, label = re.sub(r"\s+", "-", heading.lower()), ""
        return Section(f"{doc}#{anchor}", doc, lang, title, label, heading, text, path, _rule_ids(text))
    return Section(f"{doc}#{anchor}", doc, lang, title, label, m.group("name").strip(), text, path, _rule_ids(text))


def _rule_ids(text: str) -> tuple[str, ...]:
    """Rule ids from the closing parenthesis lines: "(E2, E3)" → ("E2", "E3")."""
    found: list[str] = []
    for line in text.splitlines():
        if _RULE_LINE.match(line.strip()):
            found += [a + b for a, b in _RULE_ID.findall(line) if a + b not in found]
    return tuple(found)


# Wider tables are quoted whole: a row of a grant table means nothing without its header.
_MAX_ROW_COLUMNS = 4
_ITEM = re.compile(r"^\d+\.\s")
_SEPARATOR = re.compile(r"^\|[\s|:-]+\|$")
_LEAD_IN = re.compile(r"^[^。.]{1,24}[:：]$")


def passage_units(section: Section) -> list[str]:
    """A section cut where a reader would quote it: numbered items (with their sub-points),
    paragraphs, the rows of a narrow table; the closing rule-id line is left out."""
    units: list[str] = []
    table: list[str] = []

    def flush_table() -> None:
        if not table:
            return
        rows = [r for r in table if not _SEPARATOR.match(r.strip())]
        cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
        if len(cells[0]) > _MAX_ROW_COLUMNS or len(cells) < 2:
            units.append("\n".join(table))
        else:
            units.extend(" — ".join(row) for row in cells[1:])
        table.clear()

    for line in section.text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            table.append(stripped)
            continue
        flush_table()
        if not stripped or is_rule_line(stripped) or _LEAD_IN.match(stripped):
            continue  # "At a glance:" introduces a table; it says nothing by itself
        if units and not _ITEM.match(stripped) and line.startswith((" ", "\t")):
            units[-1] += "\n" + stripped  # a sub-point belongs to its item
        else:
            units.append(stripped)
    flush_table()
    return units


def is_rule_line(line: str) -> bool:
    """The closing "(E2)" line: a reference for readers, not text worth quoting."""
    return bool(_RULE_LINE.match(line.strip()))


def assign_owners(sections: list[Section], settings: SearchSettings) -> list[Section]:
    """Each section's owning team: the team of the rule ids it cites, else of a document it
    names, else of its own document. Derived, so a new FAQ entry needs no bookkeeping."""
    titles = {(s.doc, s.title) for s in sections}
    out: list[Section] = []
    for s in sections:
        owner = _only({settings.rule_owners.get(r[0]) for r in s.rule_ids} - {None})
        if owner is None:
            named = {settings.owners.get(doc) for doc, title in titles if doc != s.doc and title in s.text}
            owner = _only(named - {None})
        if owner is None:
            owner = settings.owners.get(s.doc)
        out.append(replace(s, owner=owner))
    return out


def _only(values: set[Any]) -> Any:
    return next(iter(values)) if len(values) == 1 else None


def load_glossary(policies_dir: Path) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """glossary.yaml as (Japanese words, English words) per idea."""
    path = policies_dir / GLOSSARY_FILE
    if not path.exists():
        return []
    entries = _yaml_mapping(path).get("terms") or []
    out: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not (set(entry) <= {"ja", "en"}):
            raise KnowledgeError(f"{path}: terms[{i}] needs only 'ja' and 'en' lists")
        ja = tuple(str(w) for w in entry.get("ja") or ())
        en = tuple(str(w) for w in entry.get("en") or ())
        if not ja and not en:
            raise KnowledgeError(f"{path}: terms[{i}] is empty")
        out.append((ja, en))
    return out


# "(Expense policy §4, E2)", "(経費精算規程 第4条、E2)": a summary's closing line names what it summarises.
_NAMED_REF = re.compile(r"([^,、()()]+?)\s*(?:第(\d+)条|§(\d+))")


def summarised_ids(section: Section, titles: dict[str, str]) -> tuple[str, ...]:
    """The sections a summary (an FAQ entry) names in its closing line, by id: `titles` maps each
    document's title, in any language, to its document name. Empty for a section that names none."""
    found: list[str] = []
    for line in section.text.splitlines():
        if not is_rule_line(line):
            continue
        for m in _NAMED_REF.finditer(line.strip()[1:-1]):
            doc = titles.get(m.group(1).strip())
            if doc and doc != section.doc:
                found.append(f"{doc}#第{m.group(2) or m.group(3)}条")
    return tuple(dict.fromkeys(found))
