"""`backoffice init DIR`: a company folder made from the demo, so that a company never edits the shipped demo.

    DIR/
      knowledge/rules/*.yaml       the demo's rule files, to adapt (validated at every start)
      knowledge/policies/*         the demo's policy documents, to replace with the company's own
      knowledge/templates/*        the demo's contract templates (and any other folder the demo has)
      org.csv                      the directory template: every column `org import` accepts, one example row
      bank_details.csv             the bank-details template for `bank import` (reimbursement transfers)
      .env                         BACKOFFICE_KNOWLEDGE_DIR pointing at DIR/knowledge, the rest commented out
      README.txt                   what to do next

The demo's org.yaml is not copied: a new company starts with the people it imports, not the demo's.
"""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

from bot.directory import FIELDS
from bot.ops.command import command
from bot.ops.demo import KNOWLEDGE_DIR
from bot.transfers.bank import template_csv

ORG_TEMPLATE = "org.csv"
BANK_TEMPLATE = "bank_details.csv"
ENV_FILE = ".env"
README = "README.txt"

# One person who imports as is (the template is checked by the test suite): the columns are bot.directory.FIELDS.
EXAMPLE_PERSON: dict[str, str] = {
    "id": "e001",
    "name_ja": "山田 光",
    "name_en": "Hikari Yamada",
    "email": "yamada@example.co.jp",
    "slack_user_id": "U0000000001",
    "chatwork_account_id": "1000001",
    "locale": "ja",
    "team": "executive",
    "manager": "",
    "roles": "ceo admin finance",
    "delegate": "",
    "hire_date": "2020-04-01",
    "weekly_days": "5",
    "weekly_hours": "40",
    "active": "true",
}

class InitError(Exception):
    """The folder cannot be made: the message says why and what to do."""


@dataclass(frozen=True)
class Created:
    folder: Path
    files: list[Path]


def org_template() -> str:
    """The directory CSV: the header `org import` reads (every column) and the example row. UTF-8 with a BOM,
    so Excel opens the Japanese names right; the import reads the BOM."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(FIELDS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerow({name: EXAMPLE_PERSON.get(name, "") for name in FIELDS})
    return "\ufeff" + out.getvalue()


def env_text(knowledge: Path) -> str:
    return (
        "# Settings for this company's bot (read from the working directory: start the bot from this folder).\n"
        "# Every setting is described in the README; the commented ones show their defaults.\n"
        f"BACKOFFICE_KNOWLEDGE_DIR={knowledge}\n"
        "# BACKOFFICE_DB=var/backoffice.db\n"
        "# BACKOFFICE_ATTACHMENTS_DIR=var/attachments\n"
        "# BACKOFFICE_LOCALE=ja\n"
        "# BACKOFFICE_LOG_LEVEL=INFO\n"
        "# SLACK_BOT_TOKEN=xoxb-…\n"
        "# SLACK_APP_TOKEN=xapp-…        (Socket Mode: no public URL needed)\n"
        "# CHATWORK_API_TOKEN=…\n"
        "# CHATWORK_WEBHOOK_TOKEN=…      (Chatwork's webhooks need an https address: see the README's Deployment)\n"
    )


def readme_text(folder: Path, bot: str) -> str:
    return (
        f"This folder is your company's copy of the back-office bot's settings ({folder}).\n"
        "Run every command below from this folder (the bot reads .env from the folder it is started in).\n\n"
        "1. Edit knowledge/rules/*.yaml (limits, approvers, calendar, accounts) and check them:\n"
        f"       {bot} rules check\n"
        "2. Replace knowledge/policies/* with your own policy documents (Markdown).\n"
        "3. Fill org.csv with your people (one row each; keep the header) and import it:\n"
        f"       {bot} org import org.csv\n"
        "4. For reimbursement transfers, fill bank_details.csv and import it:\n"
        f"       {bot} bank import bank_details.csv\n"
        "   (bank details are personal data: keep that file out of shared folders and delete it once imported).\n"
        "5. Put your chat tokens in .env and start the bot from this folder:\n"
        f"       {bot} serve\n"
        "6. Back up the bot's data (var/) regularly, while it runs:\n"
        f"       {bot} backup /somewhere/else/backoffice-YYYY-MM-DD\n"
    )


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.write_text(text, encoding="utf-8", newline="")
    path.chmod(mode)


def create_company_folder(folder: str | Path, demo: Path = KNOWLEDGE_DIR) -> Created:
    """Make `folder` (it must be missing or empty) from the demo; InitError when it cannot."""
    target = Path(folder).expanduser()
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} is a file, not a folder: choose a new folder name.")
    if target.is_dir() and any(target.iterdir()):
        raise InitError(f"{target} is not empty: nothing was changed. Choose a new or empty folder.")
    if not (demo / "rules").is_dir():
        raise InitError(f"the demo files are missing from this installation ({demo}): reinstall the bot.")
    target.mkdir(parents=True, exist_ok=True)
    knowledge = target.resolve() / "knowledge"
    # Every folder of the demo (rules, policies, contract templates, …); its own people (org.yaml) stay behind.
    knowledge.mkdir()
    for folder in sorted(p for p in demo.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))):
        shutil.copytree(folder, knowledge / folder.name, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    bank = template_csv()
    # The .env will hold chat tokens and the bank template personal data once filled in: owner only.
    _write(target / ORG_TEMPLATE, org_template(), 0o600)
    _write(target / BANK_TEMPLATE, bank, 0o600)
    _write(target / ENV_FILE, env_text(knowledge), 0o600)
    _write(target / README, readme_text(target.resolve(), command()))
    files = sorted(p for p in target.rglob("*") if p.is_file())
    return Created(target, files)
