"""`backoffice` subcommands of bot.accounting; registered by bot.cli.build_parser.

`export journal --format mf --from 2026-11-01 --to 2026-11-30 [--out FILE]` makes a batch and its file;
`export journal --batch B202611-01 [--out FILE]` gives that batch's file again, byte for byte; `export batches`
lists the batches; `freee post --batch B202611-01` posts a batch's claims to freee as unsettled deals. The file's
path goes to stdout (for a script), what happened to stderr, in the company's language.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.accounting import batches, export, formats
from bot.accounting.policy import FORMATS
from bot.cli_types import iso_date
from bot.i18n import t


def cmd_export_journal(args: argparse.Namespace) -> int:
    from bot.cli import EXIT_ERROR, _app

    app = _app(args)
    locale = app.settings.locale
    try:
        out = Path(args.out) if args.out else None
        try:
            if args.batch:
                existing = batches.get_batch(app.store, args.batch.strip().upper())
                if existing is not None and args.format and args.format != existing.format:
                    print(t("journal.other_format", locale, batch=existing.id, format=existing.format),
                          file=sys.stderr)  # fmt: skip
                    return EXIT_ERROR
                result = export.export_again(app.services, args.batch, "cli", out)
            else:
                if args.from_ is None or args.to is None:
                    print("--from and --to are needed (or --batch)", file=sys.stderr)
                    return EXIT_ERROR
                fmt = args.format or app.services.rules.accounting.export.default_format
                result = export.export_period(app.services, fmt, args.from_, args.to, "cli", out)
        except export.ExportError as err:
            print(err.text(locale), file=sys.stderr)
            return EXIT_ERROR
        print(export.summary(result, locale), file=sys.stderr)
        print(out or result.path)
        return 0
    finally:
        app.close()


def cmd_export_batches(args: argparse.Namespace) -> int:
    from bot.cli import _app

    app = _app(args)
    locale = app.settings.locale
    try:
        listed = batches.list_batches(app.store)
        if not listed:
            print(t("journal.batches_empty", locale))
        for b in listed:
            print(t("journal.batch_line", locale, batch=b.id, format=b.format, start=b.period_from.isoformat(),
                    end=b.period_to.isoformat(), claims=len(b.request_ids), at=b.created_at,
                    by=b.created_by or "-"))  # fmt: skip
        return 0
    finally:
        app.close()


def cmd_freee_post(args: argparse.Namespace) -> int:
    from bot.accounting import freee
    from bot.cli import EXIT_ERROR, _app

    app = _app(args)
    locale = app.settings.locale
    try:
        client = freee.client_from_settings(app.settings, app.store, app.services.clock)
        if client is None:
            print(t("freee.not_configured", locale), file=sys.stderr)
            return EXIT_ERROR
        with client:
            try:
                report = freee.post_batch(app.services, client, args.batch.strip().upper(), "cli")
            except freee.FreeeError as err:
                print(err.text(locale), file=sys.stderr)
                return EXIT_ERROR
        print(report.text(locale))
        return 0 if not report.left else EXIT_ERROR
    finally:
        app.close()


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this package's subcommands to the `backoffice` parser."""
    exp = sub.add_parser("export", help="journal export of approved claims (freee, MF, 弥生, CSV)")
    commands = exp.add_subparsers(dest="export_command", required=True)
    p = commands.add_parser("journal", help="a new batch of a period's approved claims, or a batch again (--batch)")
    p.add_argument("--format", choices=list(FORMATS), help="default: accounting.yaml export.default_format")
    p.add_argument("--from", dest="from_", type=iso_date, metavar="YYYY-MM-DD", help="approved on or after")
    p.add_argument("--to", type=iso_date, metavar="YYYY-MM-DD", help="approved on or before")
    p.add_argument("--batch", metavar="ID", help="export this batch again (identical bytes)")
    p.add_argument("--out", metavar="FILE", help="also write the file here (0600)")
    p.set_defaults(func=cmd_export_journal)
    commands.add_parser("batches", help="list the journal batches").set_defaults(func=cmd_export_batches)
    fr = sub.add_parser("freee", help="the freee会計 API (FREEE_* settings)")
    fcommands = fr.add_subparsers(dest="freee_command", required=True)
    p = fcommands.add_parser("post", help="post a batch's claims to freee as unsettled expense deals")
    p.add_argument("--batch", required=True, metavar="ID")
    p.set_defaults(func=cmd_freee_post)


assert set(FORMATS) == set(formats.WRITERS)
