"""What the language model costs and how often it fails: one `llm_calls` row per HTTP request.

A row holds counts and a short reason, never message text, so the table is safe to show
to anyone who runs `backoffice stats`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.store.db import Store


@dataclass(frozen=True)
class DayUsage:
    day: str  # ISO date in the clock's time zone
    calls: int
    failures: int
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class UsageSummary:
    calls: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    by_day: list[DayUsage] = field(default_factory=list)


class UsageRecorder:
    """Writes one row per model request; `at` comes from the injected clock, never the wall clock."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def record(
        self,
        *,
        engine: str,
        model: str,
        ok: bool,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        latency_ms: int = 0,
        reason: str | None = None,
    ) -> None:
        row = {
            "at": self.clock.now().isoformat(timespec="seconds"),
            "engine": engine,
            "model": model,
            "ok": int(ok),
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "latency_ms": latency_ms,
            "reason": reason,
        }
        with self.store.tx() as db:
            db.table("llm_calls").insert(row)

    def summary(self) -> UsageSummary:
        return usage_summary(self.store)


def usage_summary(store: Store) -> UsageSummary:
    """Totals and a per-day breakdown (oldest day first)."""
    rows = store.query(
        "SELECT substr(at, 1, 10) AS day, count(*) AS calls, sum(ok = 0) AS failures, "
        "sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens "
        "FROM llm_calls GROUP BY day ORDER BY day"
    )
    days = [
        DayUsage(r["day"], r["calls"], r["failures"] or 0, r["prompt_tokens"] or 0, r["completion_tokens"] or 0)
        for r in rows
    ]
    return UsageSummary(
        calls=sum(d.calls for d in days),
        failures=sum(d.failures for d in days),
        prompt_tokens=sum(d.prompt_tokens for d in days),
        completion_tokens=sum(d.completion_tokens for d in days),
        by_day=days,
    )
