"""Load and validate the rule files; every problem names the file and the key."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from bot.accounting.policy import AccountingPolicy
from bot.rules.schema import (
    CHECK_MODELS,
    CalendarPolicy,
    ContractPolicy,
    ExpensePolicy,
    LeavePolicy,
    RoutingPolicy,
    StampDutyTable,
)
from bot.rules.schema import RULE_FILES as CORE_RULE_FILES
from bot.workcalendar import WorkCalendar

# Rule files whose models live beside the code that reads them (bot/accounting/policy.py builds on Strict, so
# bot/rules/schema.py cannot import it back).
RULE_FILES: dict[str, type[BaseModel]] = {**CORE_RULE_FILES, "accounting.yaml": AccountingPolicy}


class RuleError(Exception):
    """A rule file is missing, unreadable or wrong. The bot refuses to start on one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RuleSet:
    expenses: ExpensePolicy
    leave: LeavePolicy
    calendar_policy: CalendarPolicy
    routing: RoutingPolicy
    version: str  # content hash of the rule files: recorded on every decision
    calendar: WorkCalendar
    contracts: ContractPolicy
    stamp_duty: StampDutyTable
    accounting: AccountingPolicy


def _dotted(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts) or "(top level)"


def _model_fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed where an unknown key was found, to suggest the one meant."""
    current: Any = model
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = field.annotation
        args = getattr(current, "__args__", None)
        if args:
            current = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _untag(loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], type[BaseModel] | None, tuple[Any, ...]]:
    """Pydantic puts the tag of a tagged union in the location (checklist.payment.payment_days.max_days),
    though nobody wrote it: drop it, and say which item model the rest of the location is in."""
    for i in range(2, len(loc)):
        if loc[i - 2] == "checklist" and loc[i] in CHECK_MODELS:
            return loc[:i] + loc[i + 1 :], CHECK_MODELS[loc[i]], loc[i + 1 :]
    return loc, None, loc


def describe_validation_error(label: str, model: type[BaseModel], err: ValidationError) -> list[str]:
    problems = []
    for e in err.errors():
        loc, item_model, inner = _untag(tuple(e["loc"]))
        key = _dotted(loc)
        if e["type"] in ("union_tag_invalid", "union_tag_not_found"):
            ctx = e.get("ctx") or {}
            field = str(ctx.get("discriminator", "check")).strip("'")
            key = _dotted((*loc, field))
            if e["type"] == "union_tag_not_found":
                problems.append(f"{label}: key '{key}' is missing")
                continue
            tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
            near = difflib.get_close_matches(str(ctx.get("tag")), tags, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            problems.append(f"{label}: key '{key}': '{ctx.get('tag')}' is not one of {', '.join(tags)}{hint}")
        elif e["type"] == "extra_forbidden":
            allowed = _model_fields_at(item_model, inner[:-1]) if item_model else _model_fields_at(model, loc[:-1])
            near = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            problems.append(f"{label}: unknown key '{key}'{hint}")
        elif e["type"] == "missing":
            problems.append(f"{label}: key '{key}' is missing")
        elif not loc:
            # A check across keys: its message names the keys itself.
            problems.append(f"{label}: {str(e['msg']).removeprefix('Value error, ')}")
        else:
            msg = str(e["msg"]).removeprefix("Value error, ")
            shown = "" if e["type"].startswith("value_error") else f" (got {e.get('input')!r})"
            problems.append(f"{label}: key '{key}': {msg}{shown}")
    return problems


def read_yaml(path: Path, label: str) -> tuple[Any, bytes]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleError([f"{label}: cannot be read ({exc.strerror})"]) from None
    try:
        return yaml.safe_load(raw.decode("utf-8")) or {}, raw
    except UnicodeDecodeError:
        raise RuleError([f"{label}: is not UTF-8 text"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleError([f"{label}:{where}: invalid YAML: {problem}"]) from None


def load_rules(knowledge_dir: str | Path) -> RuleSet:
    """Read every rule file under `knowledge_dir/rules`, collecting all problems before failing."""
    rules_dir = Path(knowledge_dir) / "rules"
    if not rules_dir.is_dir():
        raise RuleError([f"{rules_dir}: rule folder not found"])
    problems: list[str] = []
    parsed: dict[str, BaseModel] = {}
    digest = hashlib.sha256()
    present = {p.name for p in rules_dir.glob("*.y*ml")}
    for name in sorted(present - RULE_FILES.keys()):
        near = difflib.get_close_matches(name, list(RULE_FILES), n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        problems.append(f"{rules_dir / name}: unknown rule file{hint}")
    for name, model in RULE_FILES.items():
        path = rules_dir / name
        label = str(path)
        if not path.exists():
            problems.append(f"{label}: rule file is missing")
            continue
        try:
            data, raw = read_yaml(path, label)
        except RuleError as exc:
            problems.extend(exc.problems)
            continue
        digest.update(name.encode() + b"\0" + raw + b"\0")
        if not isinstance(data, dict):
            problems.append(f"{label}: must be a mapping of keys to values")
            continue
        try:
            parsed[name] = model.model_validate(data)
        except ValidationError as exc:
            problems.extend(describe_validation_error(label, model, exc))
    problems.extend(_cross_file_problems(rules_dir, parsed))
    if problems:
        raise RuleError(problems)
    cal_policy = parsed["calendar.yaml"]
    assert isinstance(cal_policy, CalendarPolicy)
    calendar = WorkCalendar(
        workdays=cal_policy.workdays,
        closures=[(c.from_, c.to) for c in cal_policy.closures],
        company_holidays=cal_policy.company_holidays,
        national_holidays=cal_policy.national_holidays,
    )
    return RuleSet(
        expenses=parsed["expenses.yaml"],  # type: ignore[arg-type]
        leave=parsed["leave.yaml"],  # type: ignore[arg-type]
        calendar_policy=cal_policy,
        routing=parsed["routing.yaml"],  # type: ignore[arg-type]
        version=digest.hexdigest()[:12],
        calendar=calendar,
        contracts=parsed["contracts.yaml"],  # type: ignore[arg-type]
        stamp_duty=parsed["stamp_duty.yaml"],  # type: ignore[arg-type]
        accounting=parsed["accounting.yaml"],  # type: ignore[arg-type]
    )


def _cross_file_problems(rules_dir: Path, parsed: dict[str, BaseModel]) -> list[str]:
    """Keys in one file that must name something in another: checked once both files are valid."""
    problems = _accounting_problems(rules_dir, parsed)
    contracts, stamp = parsed.get("contracts.yaml"), parsed.get("stamp_duty.yaml")
    if not isinstance(contracts, ContractPolicy) or not isinstance(stamp, StampDutyTable):
        return problems
    label = str(rules_dir / "contracts.yaml")
    subjects = {r.subject: r.stamp_class for r in stamp.reduced}
    for name, ctype in contracts.contract_types.items():
        key = f"contract_types.{name}.stamp_subject"
        if ctype.stamp_subject is None:
            continue
        if ctype.stamp_subject not in subjects:
            known = ", ".join(sorted(subjects)) or "none"
            problems.append(
                f"{label}: key '{key}': '{ctype.stamp_subject}' is not a subject of stamp_duty.yaml reduced ({known})"
            )
        elif subjects[ctype.stamp_subject] != ctype.stamp_class:
            problems.append(
                f"{label}: key '{key}': '{ctype.stamp_subject}' is reduced for class "
                f"{subjects[ctype.stamp_subject]} in stamp_duty.yaml, but this type is {ctype.stamp_class}"
            )
    for klass in ("no1", "no2", "no7"):
        uses = [n for n, c in contracts.contract_types.items() if c.stamp_class == klass]
        if uses and klass not in stamp.classes:
            problems.append(
                f"{rules_dir / 'stamp_duty.yaml'}: key 'classes.{klass}' is missing "
                f"(contracts.yaml contract_types {', '.join(uses)} use it)"
            )
    return problems


def _accounting_problems(rules_dir: Path, parsed: dict[str, BaseModel]) -> list[str]:
    """Every expense category of expenses.yaml has an account in accounting.yaml (an approved claim of a
    category without one could not be exported), and every account is for a known category."""
    expenses, accounting = parsed.get("expenses.yaml"), parsed.get("accounting.yaml")
    if not isinstance(expenses, ExpensePolicy) or not isinstance(accounting, AccountingPolicy):
        return []
    label = str(rules_dir / "accounting.yaml")
    problems = [
        f"{label}: key 'accounts.{cat}' is missing (expenses.yaml categories has '{cat}')"
        for cat in expenses.categories
        if cat not in accounting.accounts
    ]
    problems += [
        f"{label}: key 'accounts.{cat}': '{cat}' is not a category of expenses.yaml ({', '.join(expenses.categories)})"
        for cat in accounting.accounts
        if cat not in expenses.categories
    ]
    problems += [
        f"{label}: key 'business_travel_exemption.categories': '{cat}' is not a category of expenses.yaml"
        for cat in accounting.business_travel_exemption.categories
        if cat not in expenses.categories
    ]
    return problems
