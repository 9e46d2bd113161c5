"""A contract split into its articles, each keeping its number, title and text as written.

Contracts number their articles in one of a few styles: 第1条（目的）, 第十条, 第3条の2, a title line
（目的） above 第1条, "Article 5 (Payment)", "Section 2. Term", or "1. Definitions". The style
with the longest run of consecutive numbers wins, so that cross-references ("第5条に定める…")
and numbered paragraphs inside an article are not taken for headings, even when a PDF line
happens to start with them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from bot.contracts.text import Folded, is_wide, number
from bot.i18n import t

# Heading regexes. `rest` is whatever follows the number on the line: a title, the text, or nothing.
_JA = re.compile(
    r"^第\s*(?P<num>[0-9０-９]+|[〇一二三四五六七八九十百]+)\s*条"
    r"(?:\s*の\s*(?P<branch>[0-9０-９]+|[一二三四五六七八九十]+))?(?P<rest>.*)$"
)
_EN = re.compile(
    r"^(?P<kw>article|section|clause)\s+(?P<num>\d{1,3}|[ivxlc]{1,7})(?P<sub>\.\d+)?\b\.?\s*[:.\-–—]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(?P<num>\d{1,2})\s*[.)]\s*(?P<rest>\S.*)$")
_OPEN, _CLOSE = "（(【〔［[", "）)】〕］]"
_BRACKETED = re.compile(r"^[（(【〔［\[]\s*(?P<title>[^）)】〕］\]]{1,30}?)\s*[）)】〕］\]]\s*(?P<rest>.*)$")
_TITLE_LINE = re.compile(r"^[（(【〔［]\s*(?P<title>[^）)】〕］\]。]{1,20}?)\s*[）)】〕］]$")
# A line that starts a numbered paragraph or list item keeps its line break in the joined text.
_LIST_MARK = re.compile(
    r"^(?:[(（]\s*(?:\d{1,2}|[a-z]|[ivx]{1,4}|[一二三四五六七八九十]{1,3}|[イロハニホヘトチリヌル])\s*[)）]"
    r"|\d{1,2}(?:\u3000|[.)]\s|\s+(?=[^\x00-\x7f]))|[a-z][.)]\s|[一二三四五六七八九十]{1,3}[\u3000、.．]"
    r"|[①-⑳]|[・•●■□▪◆-]\s?)",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"(本契約の(成立|締結)を証する|本契約締結の証として|以上を証するため|以上の証として|本書\s*[0-9０-９二三]\s*通を作成"
    r"|in witness whereof|in witness of which)",
    re.IGNORECASE,
)
# A PDF line ending like this was cut mid-sentence: "(90) days" on the next line is no list item.
_MID_SENTENCE = re.compile(r"[A-Za-z0-9,]$")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-－–—]\s*)?(?:page\s+)?\d{1,3}(?:\s*(?:/|of)\s*\d{1,3})?(?:\s*[-－–—])?\s*$", re.I)
_ABBREVIATION = re.compile(
    r"(?:\b(?:co|ltd|inc|corp|no|nos|art|arts|sec|para|mr|ms|dr|st|vs|etc|u\.s|e\.g|i\.e)|\b[a-z])\.$", re.I
)


@dataclass(frozen=True)
class Sentence:
    start: int  # span in the clause body, as written
    end: int
    folded: Folded


@dataclass(frozen=True)
class Clause:
    """One article (or the preamble before the first, or the signature part after the last)."""

    kind: str  # preamble | article | closing
    number: int | None
    label: str  # the number as written: 第５条, Article 5, 5.
    title: str  # as written, without brackets; "" when the article has none
    heading: str  # label and title as the contract shows them: 第５条（支払条件）
    body: str  # the article's text, lines joined as they read
    index: int = 0
    branch: int | None = None  # 第3条の2 → 2

    @cached_property
    def folded(self) -> Folded:
        return Folded.of(self.body)

    @cached_property
    def folded_title(self) -> str:
        return Folded.of(self.title).text

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(Sentence(s, e, Folded.of(self.body[s:e])) for s, e in _sentence_spans(self.body))

    def name(self, locale: str) -> str:
        """How a report names this clause: its heading, or 前文 / Preamble."""
        if self.kind == "article":
            return self.heading
        return t(f"contract.{self.kind}", locale)

    def quote(self, start: int, end: int, locale: str, width: int = 160) -> str:
        """`第5条（支払条件）: …text…`: the heading, then the sentence around body[start:end], cut to `width`."""
        return f"{self.name(locale)}: {self.excerpt(start, end, width)}"

    def excerpt(self, start: int, end: int, width: int = 160) -> str:
        """The sentence around body[start:end] as written, cut to about `width` with … marking cuts."""
        s_start, s_end = start, end
        for s in _sentence_spans(self.body):
            if s[0] <= start < s[1]:
                s_start, s_end = s[0], max(s[1], end)
                break
        if s_end - s_start > width:
            # Keep the matched words in view, with some context before them.
            left = max(s_start, min(start - width // 3, s_end - width))
            s_start, s_end = left, min(s_end, left + width)
        excerpt = " ".join(self.body[s_start:s_end].split())
        lead = "…" if s_start > 0 else ""
        tail = "…" if s_end < len(self.body.rstrip()) else ""
        return f"{lead}{excerpt}{tail}"


@dataclass(frozen=True)
class Contract:
    """The text and its clauses; `title` is the document title line (秘密保持契約書)."""

    text: str
    clauses: tuple[Clause, ...]
    title: str = ""
    style: str = ""  # ja | article | section | clause | numbered | none

    def articles(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.kind == "article")

    def clause(self, number: int) -> Clause | None:
        return next((c for c in self.clauses if c.number == number and c.branch is None), None)


@dataclass
class _Heading:
    line: int
    style: str
    number: int
    branch: int | None
    label: str
    title: str
    rest: str
    bracketed: bool


def split_clauses(text: str, *, drop_page_numbers: bool = False) -> Contract:
    """Split `text` into preamble, articles and closing part."""
    lines = [line.strip(" \t\u3000\r") for line in text.split("\n")]
    if drop_page_numbers:
        lines = [line for line in lines if not _PAGE_NUMBER.match(line)]
    found = [h for i, line in enumerate(lines) if (h := _heading(i, line))]
    style, chain = _best_chain(found)
    clauses: list[Clause] = []
    cut = chain[0].line if chain else len(lines)
    pre_lines = lines[:cut]
    title_above: dict[int, str] = {}
    # A title on its own line just above the heading: "（目的）" then "第1条 本契約は…".
    for h in chain:
        prev = h.line - 1
        while prev >= 0 and not lines[prev]:
            prev -= 1
        if prev >= 0 and not h.title and (m := _TITLE_LINE.match(lines[prev])):
            title_above[h.line] = m.group("title")
            lines[prev] = ""
            if prev < cut:
                pre_lines = lines[:cut]
    doc_title = next((line for line in pre_lines if line), "")
    if doc_title and len(doc_title) <= 40 and not any(c in doc_title for c in "。、,."):
        # The title is a paragraph of its own even when a PDF lost the blank line after it.
        at = pre_lines.index(doc_title)
        pre_lines = [*pre_lines[: at + 1], "", *pre_lines[at + 1 :]]
    preamble = _join(pre_lines)
    if preamble:
        clauses.append(Clause("preamble", None, "", "", "", preamble))
    for k, h in enumerate(chain):
        end = chain[k + 1].line if k + 1 < len(chain) else len(lines)
        body_lines = ([h.rest] if h.rest else []) + lines[h.line + 1 : end]
        closing: list[str] = []
        if k + 1 == len(chain):
            for j, line in enumerate(body_lines):
                if _CLOSING.search(unicodedata.normalize("NFKC", line)):
                    body_lines, closing = body_lines[:j], body_lines[j:]
                    break
        title = h.title or title_above.get(h.line, "")
        if h.title:
            heading = _heading_as_written(lines[h.line], h)
        elif title:
            heading = f"{h.label}（{title}）" if h.style == "ja" else f"{h.label} ({title})"
        else:
            heading = h.label
        clauses.append(Clause("article", h.number, h.label, title, heading, _join(body_lines), branch=h.branch))
        if closing:
            clauses.append(Clause("closing", None, "", "", "", _join(closing)))
    if not chain and not clauses:
        clauses.append(Clause("preamble", None, "", "", "", ""))
    indexed = tuple(
        Clause(c.kind, c.number, c.label, c.title, c.heading, c.body, i, c.branch) for i, c in enumerate(clauses)
    )
    return Contract(text, indexed, doc_title, style if chain else "none")


def _heading(i: int, line: str) -> _Heading | None:
    if not line:
        return None
    if m := _JA.match(line):
        rest = m.group("rest")
        if rest and not (rest[0] in " \u3000\t" or rest[0] in _OPEN):
            return None  # 第5条に定める…: a reference, not a heading
        num = number(m.group("num"))
        if num is None:
            return None
        branch = number(m.group("branch")) if m.group("branch") else None
        label = line[: m.start("rest")].rstrip()
        title, body, bracketed = _title(rest.strip(" \u3000\t"), japanese=True)
        return _Heading(i, "ja", num, branch, label, title, body, bracketed)
    norm = unicodedata.normalize("NFKC", line)
    if m := _EN.match(norm):
        if m.group("sub"):
            return None  # Section 2.1: a sub-clause stays inside its article
        num = number(m.group("num"))
        rest = m.group("rest")
        if num is None or (rest[:1].islower()):
            return None  # "Section 3 of this Agreement…" at the start of a wrapped line
        title, body, bracketed = _title(rest, japanese=False)
        label = f"{m.group('kw')} {m.group('num')}"
        return _Heading(i, m.group("kw").lower(), num, None, label, title, body, bracketed)
    if m := _NUMBERED.match(norm):
        rest = m.group("rest")
        if not (rest[0].isupper() or is_wide(rest[0])):
            return None
        title, body, bracketed = _title(rest, japanese=is_wide(rest[0]))
        if not title:
            return None  # "1. The Supplier shall…" is a numbered paragraph, not a heading
        return _Heading(i, "numbered", int(m.group("num")), None, f"{m.group('num')}.", title, body, bracketed)
    return None


def _title(rest: str, *, japanese: bool) -> tuple[str, str, bool]:
    """(title, text on the same line, whether the title was bracketed)."""
    if not rest:
        return "", "", False
    if m := _BRACKETED.match(rest):
        return m.group("title").strip(), m.group("rest").strip(), True
    if japanese:
        if len(rest) <= 20 and not any(c in rest for c in "。、は"):
            return rest, "", False
        return "", rest, False
    words = rest.split()
    short_title = len(words) <= 8 and not rest.rstrip(".").count(". ") and rest[:1].isupper()
    if short_title and (not rest.endswith(".") or len(words) <= 5):
        return rest.rstrip(".:").strip(), "", False
    head, sep, tail = rest.partition(". ")
    if sep and len(head.split()) <= 6 and head[:1].isupper() and tail[:1].isupper():
        return head.strip(), tail.strip(), False
    return "", rest, False


def _heading_as_written(line: str, h: _Heading) -> str:
    """The heading exactly as the line shows it, up to the end of the title."""
    at = line.find(h.title)
    if at < 0:
        return h.label
    end = at + len(h.title)
    if end < len(line) and line[end] in _CLOSE:
        end += 1
    return line[:end].strip()


_PRIORITY = ("ja", "article", "section", "clause", "numbered")


def _best_chain(found: list[_Heading]) -> tuple[str, list[_Heading]]:
    best: tuple[str, list[_Heading]] = ("none", [])
    for style in _PRIORITY:
        chain = _chain([h for h in found if h.style == style])
        minimum = 2 if style == "numbered" else 1
        if len(chain) >= minimum and len(chain) > len(best[1]):
            best = (style, chain)
    return best


def _chain(headings: list[_Heading]) -> list[_Heading]:
    """The run of headings numbered 1, 2, 3… (a 第3条の2 may follow 第3条; a deleted or
    missing number may be skipped once when the next heading has a bracketed title)."""
    if not headings:
        return []
    start = 1 if any(h.number == 1 for h in headings) else min(h.number for h in headings)
    chain: list[_Heading] = []
    expected = start
    for h in headings:
        if h.branch is not None and chain and h.number == chain[-1].number:
            chain.append(h)
        elif h.branch is None and (h.number == expected or (h.number == expected + 1 and h.bracketed and chain)):
            chain.append(h)
            expected = h.number + 1
    return chain


def _join(lines: list[str]) -> str:
    """Lines as they read: a Japanese line break is no space, an English one is, and a numbered
    paragraph or list item keeps its own line."""
    out = ""
    paragraph_break = False
    for line in lines:
        if not line:
            paragraph_break = bool(out)
            continue
        if not out:
            out = line
        elif (
            paragraph_break
            or (_LIST_MARK.match(line) and not _MID_SENTENCE.search(out))
            or (out.endswith(("。", ":", "：")) and not is_wide(line[0]))
        ):
            out += "\n" + line
        elif is_wide(out[-1]) or is_wide(line[0]):
            out += line
        elif out.endswith("-") and not out.endswith(" -"):
            out = out[:-1] + line  # a word hyphenated at the end of a PDF line
        else:
            out += " " + line
        paragraph_break = False
    return out


def _sentence_spans(body: str) -> list[tuple[int, int]]:
    """Sentences: split after 。, at line breaks, and after an English full stop that ends a sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        cut = None
        if ch == "。" and not (i + 1 < n and body[i + 1] in "）)」』"):
            cut = i + 1  # 。 inside brackets, as in （以下「甲」という。）, ends no sentence
        elif ch == "\n":
            cut = i
        elif (
            ch in ".;"
            and i + 2 < n
            and body[i + 1] == " "
            and (body[i + 2].isupper() or body[i + 2] in '("“')
            and (ch == ";" or not _ABBREVIATION.search(body[max(start, i - 6) : i + 1]))
        ):
            cut = i + 1
        if cut is not None:
            if body[start:cut].strip():
                spans.append(_trim(body, start, cut))
            start = cut + 1 if ch in "\n" else cut
        i += 1
    if body[start:].strip():
        spans.append(_trim(body, start, n))
    return spans


def _trim(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start] in " \u3000\n":
        start += 1
    while end > start and body[end - 1] in " \u3000\n":
        end -= 1
    return start, end
