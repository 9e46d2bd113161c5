"""Policy search latency over a knowledge base grown to 500 sections. Target: p99 <= 20 ms.

The shipped documents are copied to a temporary directory and padded with synthetic documents
whose sections are shuffled sentences of the real ones (same vocabulary, same lengths), so BM25
has realistic postings to walk. Every question of tests/data/questions.jsonl is asked, several
rounds; each search includes the freshness check (a stat of every file) and the answer text.

python bench/bench_retrieval.py [--sections 500] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.knowledge import KnowledgeBase, answer_question
from bot.knowledge.documents import parse_document, policy_files

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "knowledge" / "policies"
SECTIONS_PER_DOC = 12


def grow(dest: Path, target: int, seed: int = 7) -> int:
    """Copy the policies to `dest` and add synthetic documents until there are `target` sections."""
    for p in POLICIES.iterdir():
        if p.is_file():
            shutil.copy(p, dest / p.name)
    real = [s for p in policy_files(POLICIES) for s in parse_document(p)]
    sentences = {
        lang: [x for s in real if s.lang == lang for x in re.split(r"(?<=[。.])\s*", s.text) if len(x) > 10]
        for lang in ("ja", "en")
    }
    rng = random.Random(seed)
    count, n = len(real), 0
    while count < target:
        n += 1
        for lang in ("ja", "en"):
            lines = [f"# {'社内規程' if lang == 'ja' else 'Internal rules'} {n}", ""]
            for i in range(1, SECTIONS_PER_DOC + 1):
                heading = f"第{i}条 項目{i}" if lang == "ja" else f"{i}. Item {i}"
                body = " ".join(rng.sample(sentences[lang], k=rng.randint(2, 6)))
                lines += [f"## {heading}", "", body, ""]
            (dest / f"synthetic{n:03d}.{lang}.md").write_text("\n".join(lines), encoding="utf-8")
        count += 2 * SECTIONS_PER_DOC
    return count


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sections", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    questions = [json.loads(x)["q"] for x in (ROOT / "tests" / "data" / "questions.jsonl").open(encoding="utf-8")]

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sections = grow(root, args.sections)
        kb = KnowledgeBase(root)
        t0 = time.perf_counter()
        kb.reindex()  # cold: janome's dictionary opens on first use, as at the bot's start
        cold = time.perf_counter() - t0
        indexed = len(kb.sections)
        t0 = time.perf_counter()
        KnowledgeBase(root).reindex()  # warm tokenizer, nothing cached: a restart's cost
        rebuild = time.perf_counter() - t0
        doc = next(root.glob("synthetic001.ja.md"))
        doc.write_text(doc.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        kb.refresh()  # one file edited: only it is read again
        edit = time.perf_counter() - t0

        search: list[float] = []
        answer: list[float] = []
        for _ in range(args.rounds):
            for q in questions:
                t0 = time.perf_counter()
                kb.search(q)
                search.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                answer_question(kb, q)
                answer.append((time.perf_counter() - t0) * 1000)

    print(f"knowledge base: {sections} sections ({indexed} indexed)")
    print(f"index build: {cold * 1000:.0f} ms cold (tokenizer start included), {rebuild * 1000:.0f} ms rebuild, "
          f"{edit * 1000:.0f} ms after one file changed")  # fmt: skip
    for name, values in (("search", search), ("search + answer", answer)):
        p50, p99 = statistics.median(values), percentile(values, 0.99)
        verdict = "OK" if p99 <= 20 else "over target"
        print(f"{name}: p50 {p50:.2f} ms, p99 {p99:.2f} ms over {len(values)} queries (target p99 <= 20 ms: {verdict})")


if __name__ == "__main__":
    main()
