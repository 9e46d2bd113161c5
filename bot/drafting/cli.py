"""`backoffice templates check`: read every contract template, draft each in both languages, and run the
contract checklist on it. A problem in a file (named with its key) or a red flag on a draft is an error: the
exit status is 1, so a template edited wrongly is caught before anyone drafts from it."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from bot.drafting.checks import check_all


def register(sub: Any) -> None:
    templates = sub.add_parser("templates", help="the contract templates (knowledge/templates)").add_subparsers(
        dest="templates_command", required=True
    )
    p = templates.add_parser("check", help="validate every template and run the contract checklist on its drafts")
    p.add_argument("--knowledge", dest="knowledge", default=None, help="the knowledge folder (default: settings)")
    p.set_defaults(func=cmd_templates_check)


def cmd_templates_check(args: argparse.Namespace) -> int:
    from bot.rules.loader import RuleError

    folder = Path(args.knowledge) if args.knowledge else _default_knowledge()
    try:
        results = check_all(folder, made_on=dt.date.today())  # a check of files, not a decision: today is fine
    except RuleError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return 1
    failed = False
    for key, locale, statuses in results:
        red = [k for k, v in statuses.items() if v == "red_flag"]
        other = [f"{k}={v}" for k, v in statuses.items() if v not in ("ok", "red_flag")]
        failed = failed or bool(red)
        mark = "RED FLAG " + ", ".join(red) if red else "ok"
        print(f"{key} ({locale}): {mark}{' (' + ', '.join(other) + ')' if other else ''}")
    return 1 if failed else 0


def _default_knowledge() -> Path:
    from bot.config import Settings

    return Path(Settings().knowledge_dir)
