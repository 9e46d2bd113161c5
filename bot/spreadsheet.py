"""CSV files people open in Excel (the plain journal, the dashboard's tables, the receipt index): a cell that starts
like a formula is written as text, so a value someone typed (a vendor, a description) never runs as one."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """The cell with a leading `'` when a spreadsheet would read it as a formula."""
    return "'" + text if text[:1] in FORMULA_STARTS else text
