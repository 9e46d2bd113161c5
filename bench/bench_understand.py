"""Offline understanding: messages per second and latency per message. Targets: >= 1,000/s on
one core, p99 under 5 ms.

    python bench/bench_understand.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.rules.loader import load_rules
from bot.understanding.evaluate import load_cases
from bot.understanding.offline import OfflineEngine

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    engine = OfflineEngine(load_rules(ROOT / "knowledge").calendar)
    cases = [*load_cases(ROOT / "tests/data/dev.jsonl"), *load_cases(ROOT / "tests/data/conventions.jsonl")]
    for case in cases:  # warm the calendar cache and compiled patterns
        engine.understand(case.text, case.today)
    latencies = []
    start = time.perf_counter()
    for _ in range(args.rounds):
        for case in cases:
            t0 = time.perf_counter()
            engine.understand(case.text, case.today)
            latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - start
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(
        f"offline understanding: {len(latencies)} messages in {elapsed:.2f}s = {len(latencies) / elapsed:,.0f} msg/s "
        f"(target >= 1,000/s); p50 {p50:.2f} ms, p99 {p99:.2f} ms (target < 5 ms), max {latencies[-1] * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
