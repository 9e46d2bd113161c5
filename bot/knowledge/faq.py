"""Answers the team gave, kept as FAQ entries the search finds: `faq-added.<lang>.md` in the policies folder.

An entry is written exactly like those of `faq.<lang>.md` (`## Q3. question`, the answer, a closing
parenthesis line), so it is parsed with a stable id (`faq-added#q3`) and quoted like any other
FAQ. Numbers are shared by both language files: each entry exists in one language only (the
asker's), and one number in two files would read as two language versions of one section.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from bot.i18n import t

FAQ_DOC = "faq-added"
_ENTRY = re.compile(r"^## Q(\d+)\b", re.MULTILINE)
_LANGS = ("ja", "en")
# Two saves at once must not take the same number.
_lock = threading.Lock()


def faq_path(policies_dir: Path, lang: str) -> Path:
    return policies_dir / f"{FAQ_DOC}.{lang}.md"


def next_number(policies_dir: Path) -> int:
    found = [0]
    for lang in _LANGS:
        path = faq_path(policies_dir, lang)
        if path.exists():
            found += [int(n) for n in _ENTRY.findall(path.read_text(encoding="utf-8"))]
    return max(found) + 1


def one_line(text: str) -> str:
    """A question as a heading: one line, no Markdown heading marks of its own."""
    return re.sub(r"\s+", " ", text).strip().lstrip("#").strip()


def body(text: str) -> str:
    """The team's answer as section text: a line starting with '#' would open a new section, so it is escaped."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = ["\\" + line if line.lstrip().startswith("#") else line for line in lines]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def append_entry(policies_dir: Path, lang: str, question: str, answer: str, source_line: str) -> str:
    """Append one entry to the asker's language file (created with its title when missing); its section id."""
    lang = lang if lang in _LANGS else "ja"
    with _lock:
        number = next_number(policies_dir)
        path = faq_path(policies_dir, lang)
        if path.exists():
            lead = "" if path.read_text(encoding="utf-8").endswith("\n") else "\n"
        else:
            lead = f"# {t('kb.faq_added.title', lang)}\n\n{t('kb.faq_added.preamble', lang)}\n"
        entry = f"{lead}\n## Q{number}. {one_line(question)}\n\n{body(answer)}\n\n{source_line}\n"
        with path.open("a", encoding="utf-8") as fh:
            fh.write(entry)
    return f"{FAQ_DOC}#q{number}"
