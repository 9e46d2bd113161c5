"""Time to check a 20-page contract offline. Target: < 1 s for the check itself.

Builds a long Japanese 業務委託契約 (the suite's sample, its articles repeated with new numbers
until it holds 20 dense A4 pages of text), then times: the check on the text; reading the PDF and checking it;
reading the Word file and checking it. Prints the median of several runs.

python bench/bench_contract.py [--runs 5] [--pages 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from bot.contracts import check_contract, read_document  # noqa: E402
from bot.rules.loader import load_rules  # noqa: E402
from tests.contracts_files import make_docx, make_pdf  # noqa: E402  (reportlab: a dev dependency)
from tests.contracts_samples import JA_OUTSOURCING_90  # noqa: E402

MADE_ON = dt.date(2026, 12, 1)


def long_contract(pages: int) -> tuple[str, bytes]:
    """The sample contract with its middle articles repeated (renumbered) until it holds as much text as
    `pages` dense A4 pages (about 1,800 characters a page of 10.5-point Japanese) and its PDF has at least
    that many pages (short articles make it longer on paper)."""
    head, _, rest = JA_OUTSOURCING_90.partition("第1条")
    articles = re.split(r"(?m)^(?=第\d+条)", "第1条" + rest)
    body, closing = articles[:-1], articles[-1]
    repeats = 1
    while True:
        parts = [body[0]]
        for _ in range(repeats):
            parts += body[1:]
        parts.append(closing)
        numbered = [re.sub(r"^第\d+条", f"第{i}条", a, count=1) for i, a in enumerate(parts, 1)]
        text = head + "".join(numbered)
        if len(text) < pages * 1_800:
            repeats += 1
            continue
        pdf = make_pdf(text)
        if len(PdfReader(io.BytesIO(pdf)).pages) >= pages:
            return text, pdf
        repeats += 1


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()

    rules = load_rules(ROOT / "knowledge")
    text, pdf = long_contract(args.pages)
    docx = make_docx(text)
    check_contract(text, rules, made_on=MADE_ON)  # warm-up: compiled patterns, wording files

    report = check_contract(text, rules, made_on=MADE_ON)
    n_pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"contract: {len(text):,} characters, {len(report.contract.articles())} articles, {n_pages} PDF pages")
    print(f"  statuses: {report.statuses()}")
    figures = {
        "check (text → report)": median_seconds(lambda: check_contract(text, rules, made_on=MADE_ON), args.runs),
        "PDF read + check": median_seconds(
            lambda: check_contract(read_document(pdf, "c.pdf", max_bytes=50_000_000), rules, made_on=MADE_ON),
            args.runs,
        ),
        "DOCX read + check": median_seconds(
            lambda: check_contract(read_document(docx, "c.docx", max_bytes=50_000_000), rules, made_on=MADE_ON),
            args.runs,
        ),
    }
    for name, seconds in figures.items():
        print(f"  {name:<24} {seconds * 1000:8.1f} ms (median of {args.runs})")
    target = figures["check (text → report)"]
    print(f"target < 1 s for the offline check: {'met' if target < 1 else 'MISSED'} ({target:.3f} s)")


if __name__ == "__main__":
    main()
