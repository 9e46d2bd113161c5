"""A period's receipts for a tax audit: the original files, each checked against its SHA-256, named
`YYYYMMDD_金額_取引先_id.ext`, and an index.csv with the search keys (accounting.md §6.1: file names of date,
amount and counterparty, or an index sheet, are acceptable; this gives both).

index.csv is UTF-8 with a BOM and CRLF line ends: Excel (the tool an auditor or a tax office is likely to open
it with) reads UTF-8 only with the BOM, and every other CSV reader skips it. CP932 would lose vendor names
outside it (emoji, some kanji), and nothing here must be lost.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.archive.search import Query, search
from bot.archive.store import Entry, file_problem
from bot.files import clean_name, make_private_dir
from bot.spreadsheet import formula_safe

if TYPE_CHECKING:
    from bot.services import Services

INDEX_NAME = "index.csv"
INDEX_COLUMNS = (
    "id",
    "取引年月日",
    "取引金額",
    "取引先",
    "request_id",
    "file",
    "sha256",
    "stored_at",
    "version",
    "supersedes",
)
_FILE_UNSAFE = re.compile(r"[\s_]+")


class ExportRefused(Exception):
    def __init__(self, key: str, **data: object) -> None:
        super().__init__(key)
        self.key = key
        self.data = data


@dataclass
class Exported:
    folder: Path
    rows: int = 0
    files: list[str] = field(default_factory=list)
    problems: list[tuple[Entry, str]] = field(default_factory=list)  # (entry, missing | changed): not copied


def file_name(entry: Entry) -> str:
    """`20261120_3200_スターバックス_12.jpg`: the date, the yen amount (`unknown` while a foreign claim has none),
    the vendor (`unknown` when none) and the entry id, which makes the name unique."""
    vendor = _FILE_UNSAFE.sub("-", clean_name(entry.vendor, "unknown")).strip("-.") or "unknown"
    amount = str(entry.amount) if entry.amount is not None else "unknown"
    return f"{entry.tx_date:%Y%m%d}_{amount}_{vendor[:40]}_{entry.id}{entry.suffix}"


def export(services: Services, date_from: dt.date, date_to: dt.date, dest: Path, actor: str) -> Exported:
    """Copy every version of every live receipt dated in the period into `dest` (new or empty) with index.csv.
    A file missing or changed is not copied: it is listed in `problems` (and in index.csv with an empty file
    name), so the export says what it could not vouch for."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ExportRefused("archive.err.dest_not_empty", dest=str(dest))
    found = search(services, Query(date_from=date_from, date_to=date_to, all_versions=True))
    make_private_dir(dest)
    result = Exported(dest)
    rows: list[list[object]] = []
    for entry in found:
        problem = file_problem(entry)
        name = ""
        if problem:
            result.problems.append((entry, problem))
        else:
            name = file_name(entry)
            shutil.copyfile(entry.path, dest / name)
            os.chmod(dest / name, 0o600)
            result.files.append(name)
        rows.append([
            entry.id, entry.tx_date.isoformat(), "" if entry.amount is None else entry.amount,
            formula_safe(entry.vendor), entry.request_id, name, entry.sha256, entry.stored_at, entry.version,
            entry.supersedes or "",
        ])  # fmt: skip
    index = dest / INDEX_NAME
    fd = os.open(index, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(INDEX_COLUMNS)
        writer.writerows(rows)
    result.rows = len(rows)
    with services.store.tx():
        services.store.audit(
            services.now_iso(), actor, "archive.exported", None,
            {"from": date_from.isoformat(), "to": date_to.isoformat(), "entries": [e.id for e in found],
             "problems": [[e.id, p] for e, p in result.problems]},
        )  # fmt: skip
    return result
