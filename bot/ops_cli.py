"""`backoffice init`, `backup`, `restore`: running it for real (#16); registered by bot.cli.build_parser."""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXIT_ERROR = 2


def _settings(args: argparse.Namespace) -> Any:
    from bot.cli import _settings as cli_settings  # one reading of --db / --knowledge, as every command has

    return cli_settings(args)


def _now(settings: Any) -> str:
    """The company's clock (BACKOFFICE_NOW honoured), as every other command dates what it writes."""
    from bot.app import make_clock
    from bot.rules.loader import load_rules

    return make_clock(settings, load_rules(settings.knowledge_dir)).now().isoformat(timespec="seconds")


def cmd_init(args: argparse.Namespace) -> int:
    from bot.ops.command import command
    from bot.ops.init import InitError, create_company_folder

    try:
        made = create_company_folder(args.dir)
    except InitError as err:
        print(f"Not created: {err}", file=sys.stderr)
        return EXIT_ERROR
    folder = made.folder.resolve()
    print(f"Created the company folder {folder} ({len(made.files)} files) from the demo.")
    bot = command()
    print("Next (README.txt in the folder says the same):")
    print(f"  cd {folder}")
    print(f"  edit knowledge/rules/*.yaml, then:  {bot} rules check")
    print(f"  fill org.csv, then:                 {bot} org import org.csv")
    print(f"  put your chat tokens in .env, then: {bot} serve")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from bot.ops.backup import BackupError, backup

    settings = _settings(args)
    try:
        result = backup(settings, args.dest, _now(settings))
    except BackupError as err:
        print(f"No backup made: {err}", file=sys.stderr)
        return EXIT_ERROR
    v = result.verified
    print(f"Backed up to {result.folder}: {result.files} files, database schema {result.schema}.")
    print(f"Audit log in the copy verified: {v.entries} entries, head {v.head}; {v.requests} request(s).")
    if result.key_included:
        print("The copy holds the audit key file: keep it as secret as the key (files are 0600; store it encrypted "
              "or on a disk only admins can read).")  # fmt: skip
    else:
        print("The audit key comes from BACKOFFICE_AUDIT_KEY and is not in the copy: keep that key too, apart from "
              "the backup, or the copy cannot be verified after a restore.")  # fmt: skip
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from bot.ops.backup import BackupError
    from bot.ops.restore import restore

    settings = _settings(args)
    try:
        result = restore(settings, args.src, force=args.force)
    except BackupError as err:
        print(f"Not restored: {err}", file=sys.stderr)
        return EXIT_ERROR
    v = result.verified
    print(f"Restored into {settings.db} ({result.attachments} attachment file(s)"
          + (", the audit key file" if result.key_restored else "") + ").")  # fmt: skip
    print(f"Audit log verified: {v.entries} entries, head {v.head} (the head the backup recorded); "
          f"{v.requests} request(s).")  # fmt: skip
    for note in result.notes:
        print(f"Note: {note}")
    return 0


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the operations subcommands to the `backoffice` parser."""
    p = sub.add_parser("init", help="create a company folder from the demo (rules, policies, org CSV template, .env)")
    p.add_argument("dir", metavar="DIR", help="a new or empty folder")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser(
        "backup", help="copy the database (online, while the bot runs), attachments, audit anchor and key file"
    )
    p.add_argument("dest", metavar="DEST", help="a new or empty folder (outside the bot's var folder)")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="put a backup back as the bot's data (stop the bot first)")
    p.add_argument("src", metavar="SRC", help="the folder `backoffice backup` made")
    p.add_argument("--force", action="store_true", help="replace a database that already holds data")
    p.set_defaults(func=cmd_restore)
