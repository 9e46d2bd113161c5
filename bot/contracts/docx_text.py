"""Text of a Word document in reading order: paragraphs, tables, content controls.

Read from the XML rather than python-docx's `paragraph.text`, because a contract under review
often carries tracked changes (inserted text lives in w:ins, which `.text` skips) and automatic
numbering (a "第%1条" list gives each article its number, which is in no run of text). Deleted
text (w:delText) is left out: the report checks the contract as it would be signed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kanjize import number2kanji

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_AIUEO = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
_IROHA = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス"


def docx_text(document: Any) -> str:
    """The text of a python-docx Document, one line per paragraph and per table row."""
    numbering = _Numbering(document)
    return "\n".join(_block_lines(document.element.body, numbering))


def _block_lines(container: Any, numbering: _Numbering) -> Iterator[str]:
    for child in container.iterchildren():
        tag = child.tag
        if tag == f"{W}p":
            yield _paragraph(child, numbering)
        elif tag == f"{W}tbl":
            yield from _table(child, numbering)
        elif tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _block_lines(content, numbering)


def _table(tbl: Any, numbering: _Numbering) -> Iterator[str]:
    """A row reads as one line, its cells separated by a space: a payment term in a table stays
    next to its label. A cell spanning columns appears once."""
    for tr in tbl.iterchildren(f"{W}tr"):
        cells: list[str] = []
        for tc in tr.iterchildren(f"{W}tc"):
            lines = [line for line in _block_lines(tc, numbering) if line.strip()]
            if lines:
                cells.append(" ".join(lines))
        if cells:
            yield " ".join(cells)


def _paragraph(p: Any, numbering: _Numbering) -> str:
    parts: list[str] = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen", f"{W}pPr"):
        tag = el.tag
        if tag == f"{W}pPr":
            continue
        if tag == f"{W}t":
            parts.append(el.text or "")
        elif tag == f"{W}tab":
            if el.getparent() is not None and el.getparent().tag == f"{W}r":
                parts.append("\t")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append("\n")
    label = numbering.label_for(p)
    body = "".join(parts)
    return f"{label} {body}" if label and body else body


class _Numbering:
    """Word's automatic numbering, counted the way Word shows it (per list, restarting deeper levels)."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # list id → level → (start, format, text)
        self.list_of: dict[str, str] = {}  # numId → list id
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        for abstract in root.iterchildren(f"{W}abstractNum"):
            levels: dict[int, tuple[int, str, str]] = {}
            for lvl in abstract.iterchildren(f"{W}lvl"):
                start, fmt, text = lvl.find(f"{W}start"), lvl.find(f"{W}numFmt"), lvl.find(f"{W}lvlText")
                levels[int(lvl.get(f"{W}ilvl", "0"))] = (
                    int(start.get(f"{W}val", "1")) if start is not None else 1,
                    fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{W}val", "") if text is not None else "",
                )
            self.levels[abstract.get(f"{W}abstractNumId", "")] = levels
        for num in root.iterchildren(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is not None:
                self.list_of[num.get(f"{W}numId", "")] = ref.get(f"{W}val", "")
        try:
            styles = document.styles.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        for style in styles.iterchildren(f"{W}style"):
            found = _num_pr(style)
            if found:
                self.style_num[style.get(f"{W}styleId", "")] = found

    def label_for(self, p: Any) -> str:
        found = _num_pr(p)
        if found is None:
            ppr = p.find(f"{W}pPr")
            style = ppr.find(f"{W}pStyle") if ppr is not None else None
            if style is not None:
                found = self.style_num.get(style.get(f"{W}val", ""))
        if not found:
            return ""
        num_id, ilvl = found
        list_id = self.list_of.get(num_id)
        levels = self.levels.get(list_id or "")
        if not levels or ilvl not in levels or list_id is None:
            return ""
        counts = self.counters.setdefault(list_id, {})
        start, fmt, text = levels[ilvl]
        counts[ilvl] = counts.get(ilvl, start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        if fmt == "bullet":
            return ""

        def value(m: re.Match[str]) -> str:
            level = int(m.group(1)) - 1
            lvl_start, lvl_fmt, _ = levels.get(level, (1, "decimal", ""))
            return _format(counts.get(level, lvl_start), lvl_fmt)

        return re.sub(r"%([1-9])", value, text)


def _num_pr(el: Any) -> tuple[str, int] | None:
    ppr = el.find(f"{W}pPr")
    num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
    if num_pr is None:
        return None
    num_id = num_pr.find(f"{W}numId")
    ilvl = num_pr.find(f"{W}ilvl")
    if num_id is None or num_id.get(f"{W}val") in (None, "0"):
        return None
    return num_id.get(f"{W}val", ""), int(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0


def _format(n: int, fmt: str) -> str:
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("japaneseCounting", "japaneseLegal", "japaneseDigitalTenThousand", "ideographTraditional"):
        return number2kanji(n)
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("aiueoFullWidth", "aiueo") and 1 <= n <= len(_AIUEO):
        return _AIUEO[n - 1]
    if fmt in ("irohaFullWidth", "iroha") and 1 <= n <= len(_IROHA):
        return _IROHA[n - 1]
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, glyph in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                         (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out += glyph
            n -= value
    return out
