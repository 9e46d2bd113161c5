"""Reading unseen wording (#14): the blind sets scored offline and hybrid, the hybrid engine talking over loopback
HTTP to an OpenAI-compatible fake whose model always reads right; model calls per message beside it. The dev set
is scored the same way in the same run, as the baseline the blind figures are read against.

    python bench/bench_blind.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.rules.loader import load_rules
from bot.understanding.evaluate import load_cases
from tests import blind_eval as B

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    rules = load_rules(ROOT / "knowledge")
    for name, cases in (("dev", load_cases(ROOT / "tests/data/dev.jsonl")), ("blind", B.request_cases())):
        t0 = time.perf_counter()
        offline = B.offline_report(rules, cases)
        t1 = time.perf_counter()
        hybrid, calls = B.hybrid_report(rules, cases)
        t2 = time.perf_counter()
        print(
            f"{name:>5} requests ({len(cases)}): offline intent {offline.intent_accuracy:.3f} fields "
            f"{offline.field_accuracy:.3f} ({(t1 - t0) * 1000 / len(cases):.2f} ms/msg); hybrid intent "
            f"{hybrid.intent_accuracy:.3f} fields {hybrid.field_accuracy:.3f} at {calls:.2f} model calls/msg "
            f"({(t2 - t1) * 1000 / len(cases):.1f} ms/msg); targets >= 0.96/0.94 offline, >= 0.98/0.98 hybrid, <= 0.5"
        )
    contracts = B.score_contracts(rules)
    print(
        f"contracts ({contracts.contracts}): items {contracts.items_right}/{contracts.items} "
        f"({contracts.item_share:.3f}; by the standard {contracts.items_by_standard}/{contracts.items}, the finding"
        f" itself {contracts.findings_right}/{contracts.items}),"
        f" routes {contracts.routes_right}/{contracts.contracts}, values "
        f"{contracts.values_right}/{contracts.contracts}, stamp classes {contracts.stamps_right}/{contracts.contracts}"
    )


if __name__ == "__main__":
    main()
