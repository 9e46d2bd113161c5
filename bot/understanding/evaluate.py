"""Score an engine on labelled messages in the format of understanding-eval.md."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.understanding.types import Engine

FUZZY_FIELDS = ("vendor", "counterparty")


class EvalFileError(Exception):
    pass


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    today: dt.date
    lang: str
    expected: dict[str, Any]


@dataclass
class Report:
    cases: int = 0
    intent_correct: int = 0
    fields: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.cases if self.cases else 0.0

    @property
    def field_accuracy(self) -> float:
        total = sum(f["total"] for f in self.fields.values())
        return sum(f["correct"] for f in self.fields.values()) / total if total else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "intent_accuracy": round(self.intent_accuracy, 4),
            "field_accuracy": round(self.field_accuracy, 4),
            "fields": {k: dict(v) for k, v in sorted(self.fields.items())},
            "failures": self.failures,
        }


def load_cases(path: str | Path) -> list[Case]:
    cases = []
    with Path(path).open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                cases.append(
                    Case(
                        raw["id"],
                        raw["text"],
                        dt.date.fromisoformat(raw["today"]),
                        raw.get("lang", ""),
                        raw["expected"],
                    )
                )
            except (json.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
                raise EvalFileError(f"{path} line {number}: {type(exc).__name__}: {exc}") from None
    return cases


def _squash(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).casefold().replace(" ", "")


def field_matches(name: str, expected: Any, got: Any) -> bool:
    if got is None:
        return False
    if name in FUZZY_FIELDS:
        a, b = _squash(expected), _squash(got)
        return bool(a and b) and (a in b or b in a)
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        try:
            return abs(float(got) - float(expected)) < 1e-9
        except (TypeError, ValueError):
            return False
    return bool(expected == got)


def evaluate(engine: Engine, cases: Iterable[Case], locale: str = "ja") -> Report:
    report = Report()
    for case in cases:
        result = engine.understand(case.text, case.today, case.lang if case.lang in ("ja", "en") else locale)
        got = result.to_json()
        report.cases += 1
        expected_intent = case.expected.get("intent")
        if got["intent"] == expected_intent:
            report.intent_correct += 1
        else:
            report.failures.append(
                {"id": case.id, "field": "intent", "expected": expected_intent, "got": got["intent"]}
            )
        for name, want in case.expected.items():
            if name == "intent":
                continue
            tally = report.fields.setdefault(name, {"correct": 0, "total": 0})
            tally["total"] += 1
            if field_matches(name, want, got.get(name)):
                tally["correct"] += 1
            else:
                report.failures.append({"id": case.id, "field": name, "expected": want, "got": got.get(name)})
    return report


def format_report(report: Report) -> str:
    lines = [
        f"cases: {report.cases}",
        f"intent accuracy: {report.intent_accuracy:.3f} ({report.intent_correct}/{report.cases})",
        f"field accuracy (micro): {report.field_accuracy:.3f}",
    ]
    for name, t in sorted(report.fields.items()):
        lines.append(f"  {name:<15} {t['correct'] / t['total']:.3f} ({t['correct']}/{t['total']})")
    if report.failures:
        lines.append(f"failures ({len(report.failures)}):")
        for f in report.failures:
            lines.append(f"  {f['id']} {f['field']}: expected {f['expected']!r}, got {f['got']!r}")
    return "\n".join(lines)
