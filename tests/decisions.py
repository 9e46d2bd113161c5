"""Reading a Decision in tests: which rules spoke, which roles approve."""

from __future__ import annotations

from bot.models import Decision, Finding, Severity


def ids(d: Decision) -> set[str]:
    return {f.rule_id for f in d.findings}


def roles(d: Decision) -> list[str]:
    return [s.role for s in d.chain]


def step_rules(d: Decision, role: str) -> tuple[str, ...]:
    return next(s.rule_ids for s in d.chain if s.role == role)


def only(d: Decision, rule_id: str, severity: Severity | None = None) -> Finding:
    found = [f for f in d.findings if f.rule_id == rule_id and (severity is None or f.severity == severity)]
    assert len(found) == 1, f"expected one {rule_id} {severity or ''} finding, got {d.findings}"
    return found[0]
