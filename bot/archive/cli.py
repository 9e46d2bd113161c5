"""`backoffice receipts …`: the 電子帳簿保存法 receipt archive from the command line (registered by bot.cli).

search   the receipts matching a date range, an amount range and a vendor, alone or combined (a table)
correct  finance's correction of an entry's 取引年月日/金額/取引先: a new version, the old one kept
delete   refused inside the retention period (and logged); after it the entry is marked deleted, its file removed
replace  always refused (and logged): an archived original is never overwritten
verify   every archived file against its SHA-256
export   a period's originals and index.csv into a new or empty folder, for a tax audit

The table and the index go to stdout; what went wrong goes to stderr, in the company's language.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.archive import export as export_module
from bot.archive import store
from bot.archive.search import Query, parse_day, parse_yen, search
from bot.i18n import t

if TYPE_CHECKING:
    from bot.app import App

EXIT_PROBLEM = 1  # verify / export found files missing or changed; delete or replace refused
EXIT_USAGE = 2
CLI_ACTOR = "cli"


def _day(text: str) -> dt.date:
    day = parse_day(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")
    return day


def _yen(text: str) -> int:
    amount = parse_yen(text)
    if amount is None:
        raise argparse.ArgumentTypeError(f"not a yen amount: {text!r}")
    return amount


def _entry_id(text: str) -> int:
    value = unicodedata.normalize("NFKC", text).strip().removeprefix("R").removeprefix("r")
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"not a receipt id (12 or R12): {text!r}")
    return int(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(rows: list[list[str]]) -> str:
    """Columns padded to the widest cell, counting a full-width character as two."""
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip() for row in rows
    )


def _locale(app: App) -> str:
    return app.settings.locale


def _run(args: argparse.Namespace, work: Any) -> int:
    from bot.cli import _app

    app = _app(args)
    try:
        if getattr(args, "by", None):
            # Who acted goes into the audit log: a person of the directory, by id or e-mail, never free text.
            person = app.directory.find(args.by)
            if person is None:
                print(t("archive.err.unknown_person", _locale(app), who=args.by), file=sys.stderr)
                return EXIT_USAGE
            args.by = person.id
        try:
            return int(work(app, args))
        except (store.ArchiveRefused, export_module.ExportRefused) as err:
            print(t(err.key, _locale(app), **err.data), file=sys.stderr)
            return EXIT_PROBLEM
    finally:
        app.close()


def _search(app: App, args: argparse.Namespace) -> int:
    locale = _locale(app)
    query = Query(
        date_from=args.date_from,
        date_to=args.date_to,
        min_yen=args.min,
        max_yen=args.max,
        vendor=args.vendor,
        vendor_missing=args.no_vendor,
        all_versions=args.all_versions,
    )
    found = search(app.services, query)
    rows = [t("archive.cli.header", locale).split("\t")]
    for e in found:
        rows.append([
            f"R{e.id}", e.tx_date.isoformat(), "-" if e.amount is None else f"{e.amount:,}", e.vendor or "-",
            f"#{e.request_id}", e.name, f"v{e.version}" + (f" (<R{e.supersedes})" if e.supersedes else ""),
        ])  # fmt: skip
    print(table(rows))
    print(t("archive.cli.count", locale, n=len(found)), file=sys.stderr)
    return 0


def _correct(app: App, args: argparse.Namespace) -> int:
    new = store.correct(
        app.services, args.id, args.by or CLI_ACTOR, args.reason or "", tx_date=args.date, amount=args.amount,
        vendor=args.vendor,
    )  # fmt: skip
    print(t("archive.cli.corrected", _locale(app), old=args.id, new=new.id, version=new.version))
    return 0


def _delete(app: App, args: argparse.Namespace) -> int:
    gone = store.delete(app.services, args.id, args.by or CLI_ACTOR, args.reason or "")
    print(t("archive.cli.deleted", _locale(app), id=args.id, n=len(gone)))
    return 0


def _replace(app: App, args: argparse.Namespace) -> int:
    store.replace_file(app.services, args.id, args.by or CLI_ACTOR)
    return 0  # never reached: replace_file always refuses


def _problems(app: App, problems: list[tuple[store.Entry, str]]) -> None:
    for entry, problem in problems:
        print(t(f"archive.cli.problem.{problem}", _locale(app), id=entry.id, path=entry.path), file=sys.stderr)


def _verify(app: App, args: argparse.Namespace) -> int:
    problems = store.verify(app.services)
    if problems:
        _problems(app, problems)
        return EXIT_PROBLEM
    live = len(store.entries(app.services, "e.deleted_at IS NULL"))
    print(t("archive.cli.verify_ok", _locale(app), n=live))
    return 0


def _export(app: App, args: argparse.Namespace) -> int:
    done = export_module.export(app.services, args.date_from, args.date_to, Path(args.dest), args.by or CLI_ACTOR)
    print(t("archive.cli.exported", _locale(app), n=done.rows, dest=str(done.folder)))
    if done.problems:
        print(t("archive.cli.export_problems", _locale(app), n=len(done.problems)), file=sys.stderr)
        _problems(app, done.problems)
        return EXIT_PROBLEM
    return 0


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `receipts search|correct|delete|replace|verify|export` to the `backoffice` parser."""
    receipts = sub.add_parser("receipts", help="the 電子帳簿保存法 receipt archive: search, correct, verify, export")
    commands = receipts.add_subparsers(dest="receipts_command", required=True)

    def command(name: str, work: Any, help_text: str) -> argparse.ArgumentParser:
        p = commands.add_parser(name, help=help_text)
        p.set_defaults(func=lambda args: _run(args, work))
        return p

    p = command("search", _search, "receipts by date range, amount range and vendor, alone or combined")
    p.add_argument("--from", dest="date_from", type=_day, metavar="YYYY-MM-DD", help="取引年月日 on or after")
    p.add_argument("--to", dest="date_to", type=_day, metavar="YYYY-MM-DD", help="取引年月日 on or before")
    p.add_argument("--min", type=_yen, metavar="YEN", help="取引金額 at least")
    p.add_argument("--max", type=_yen, metavar="YEN", help="取引金額 at most")
    p.add_argument("--vendor", metavar="TEXT", help="取引先 containing TEXT (width and case do not matter)")
    p.add_argument("--no-vendor", action="store_true", help="only receipts whose claim names no vendor")
    p.add_argument("--all-versions", action="store_true", help="superseded versions too, not only the latest")

    p = command("correct", _correct, "correct an entry's date, amount or vendor: a new version, the old kept")
    p.add_argument("id", type=_entry_id, metavar="ID", help="the receipt id (R12 or 12), its latest version")
    p.add_argument("--date", type=_day, metavar="YYYY-MM-DD")
    p.add_argument("--amount", type=_yen, metavar="YEN")
    p.add_argument("--vendor", metavar="TEXT")
    p.add_argument("--reason", required=True, help="why: kept in the audit log")
    p.add_argument("--by", metavar="WHO", help="who corrects (an employee id; default: cli)")

    p = command("delete", _delete, "delete a receipt past its retention period (refused and logged inside it)")
    p.add_argument("id", type=_entry_id, metavar="ID")
    p.add_argument("--reason", default="")
    p.add_argument("--by", metavar="WHO")

    p = command("replace", _replace, "replace an archived original: always refused, and logged")
    p.add_argument("id", type=_entry_id, metavar="ID")
    p.add_argument("file", nargs="?", help="the file offered in its place (never read)")
    p.add_argument("--by", metavar="WHO")

    command("verify", _verify, "check every archived file against its SHA-256")

    p = command("export", _export, "copy a period's originals and index.csv into a new or empty folder")
    p.add_argument("--from", dest="date_from", type=_day, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_day, required=True, metavar="YYYY-MM-DD")
    p.add_argument("dest", metavar="DEST_DIR")
    p.add_argument("--by", metavar="WHO")
