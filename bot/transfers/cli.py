"""`backoffice bank import|list` and `backoffice transfers file|paid`; registered by bot.cli.build_parser.

Messages are in the company's language (BACKOFFICE_LOCALE). Bank details are shown masked, even here: the
terminal may be shared or recorded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli_types import iso_date
from bot.i18n import t, yen
from bot.transfers import bank, payments

ACTOR = "cli"



def cmd_bank_import(args: argparse.Namespace) -> int:
    from bot.cli import EXIT_ERROR, _app

    app = _app(args)
    locale = app.settings.locale
    try:
        before = {a.employee_id for a in bank.all_accounts(app.store)}
        try:
            accounts = bank.import_file(app.store, app.directory, Path(args.file), app.services.now_iso(), ACTOR,
                                        locale, replace=args.replace)  # fmt: skip
        except bank.BankImportError as err:
            print(t("transfer.import_failed", locale), file=sys.stderr)
            for problem in err.problems:
                print(f"  {problem}", file=sys.stderr)
            return EXIT_ERROR
        print(t("transfer.imported", locale, count=len(accounts)))
        if args.replace:
            removed = sorted(before - {a.employee_id for a in accounts})
            if removed:
                print(t("transfer.removed", locale, count=len(removed), people=", ".join(removed)))
        print(t("transfer.file_not_kept", locale, path=args.file), file=sys.stderr)
        return 0
    finally:
        app.close()


def cmd_bank_list(args: argparse.Namespace) -> int:
    from bot.cli import _app

    app = _app(args)
    try:
        lines = bank.listing(app.store, app.directory, app.settings.locale)
        if not lines:
            print(t("transfer.list_empty", app.settings.locale))
        for line in lines:
            print(line)
        return 0
    finally:
        app.close()


def cmd_transfers_file(args: argparse.Namespace) -> int:
    from bot.cli import EXIT_ERROR, _app

    app = _app(args)
    locale = app.settings.locale
    try:
        out = Path(args.out) if args.out else None
        try:
            written = payments.write_file(app.services, args.batch, args.date, out, ACTOR)
        except payments.TransferError as err:
            print(err.text(locale), file=sys.stderr)
            return EXIT_ERROR
        print(written.path)  # alone on stdout, for a script
        print(t("transfer.written", locale, batch=written.batch_id, people=len(written.shares),
                total=yen(written.total), date=written.date.isoformat()), file=sys.stderr)  # fmt: skip
        print(t("transfer.checked_date", locale), file=sys.stderr)
        print(t("transfer.do_not_forward", locale), file=sys.stderr)
        return 0
    finally:
        app.close()


def cmd_transfers_paid(args: argparse.Namespace) -> int:
    from bot.cli import EXIT_ERROR, _app

    app = _app(args)
    locale = app.settings.locale
    try:
        try:
            shares = payments.mark_paid(app.services, args.batch, args.date, ACTOR)
        except payments.TransferError as err:
            print(err.text(locale), file=sys.stderr)
            return EXIT_ERROR
        print(t("transfer.paid", locale, batch=args.batch, date=args.date.isoformat(), people=len(shares),
                total=yen(sum(s.amount for s in shares))))  # fmt: skip
        return 0
    finally:
        app.close()


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `bank import|list` and `transfers file|paid` to the `backoffice` parser."""
    bank_parser = sub.add_parser("bank", help="employees' bank accounts for reimbursements (kept apart, masked)")
    bank_commands = bank_parser.add_subparsers(dest="bank_command", required=True)
    p = bank_commands.add_parser("import", help="add or update bank details from a CSV (all rows or none)")
    p.add_argument("file", help="CSV: employee,bank_code,branch_code,account_type,account_number,holder_kana")
    p.add_argument("--replace", action="store_true", help="also remove the details of people not in the file")
    p.set_defaults(func=cmd_bank_import)
    p = bank_commands.add_parser("list", help="the bank details on file, account numbers masked")
    p.set_defaults(func=cmd_bank_list)

    transfers = sub.add_parser("transfers", help="reimbursement transfers of an export batch (全銀 総合振込)")
    commands = transfers.add_subparsers(dest="transfers_command", required=True)
    p = commands.add_parser("file", help="write the 全銀 総合振込 file for a batch (0600)")
    p.add_argument("batch", help="the batch id, e.g. B202611-01")
    p.add_argument("--date", required=True, type=iso_date, help="transfer date YYYY-MM-DD (a bank business day)")
    p.add_argument("--out", help="where to write it (default: transfers/ beside the database)")
    p.set_defaults(func=cmd_transfers_file)
    p = commands.add_parser("paid", help="mark a batch paid and tell each requester the date and amount")
    p.add_argument("batch", help="the batch id, e.g. B202611-01")
    p.add_argument("--date", required=True, type=iso_date, help="the day the money was transferred, YYYY-MM-DD")
    p.set_defaults(func=cmd_transfers_paid)
