"""Employees' bank accounts, for paying claims back: imported from a CSV that finance keeps, stored in the
database apart from the directory file (which is passed around), shown only masked.

Bank details never go to a model, into a chat reply, a log line or the audit log unmasked: the import records
who got new details, not the details; a problem with a row names the line and the column, never the value (the
one exception is the single character a 名義カナ cannot hold). The imported file is read and not kept.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.directory import Directory
from bot.i18n import t
from bot.store.db import Store
from bot.transfers import kana

COLUMNS = ("employee", "bank_code", "branch_code", "account_type", "account_number", "holder_kana")
OPTIONAL = ("bank_name", "branch_name")  # half-width kana; optional in the data record at most banks [ZG]
HOLDER_MAX = 30  # 受取人名 C(30) (accounting.md §5.3); ﾞ and ﾟ count as one character each
NAME_MAX = 15  # 被仕向銀行名 / 支店名 C(15)
ACCOUNT_TYPES = {"普通": 1, "1": 1, "当座": 2, "2": 2}  # 預金種目: 1 普通, 2 当座


@dataclass(frozen=True)
class BankAccount:
    employee_id: str
    bank_code: str  # 4 digits
    branch_code: str  # 3 digits
    account_type: int  # 1 普通, 2 当座
    account_number: str  # 7 digits, zero-filled
    holder_kana: str  # in the 全銀 safe set (bot/transfers/kana.py)
    bank_name: str = ""
    branch_name: str = ""

    @property
    def masked_number(self) -> str:
        return mask(self.account_number)


def mask(account_number: str) -> str:
    """****567: the last three digits only, enough for a person to recognise their own account."""
    return "****" + account_number[-3:]


class BankImportError(ValueError):
    """The file has problems; `problems` says each one (line and column), in the asked language."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def template_csv() -> str:
    """The import file's header and one example row (`backoffice init` writes it into a new company folder)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*COLUMNS, *OPTIONAL])
    # The same person as the example row of `init`'s org.csv, so the two templates import together.
    writer.writerow(["e001", "0001", "001", "普通", "1234567", "ヤマダ ヒカル", "ﾐｽﾞﾎ", "ﾄｳｷﾖｳ"])
    return out.getvalue()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" in Japanese Windows is CP932; a UTF-8 file is tried first, so this only reads
        # files that are not UTF-8 at all.
        return data.decode("cp932")


def _digits(value: str, most: int) -> str | None:
    """`value` as `most` digits, zero-filled: Excel drops leading zeros (0001 → 1), and the number is the same."""
    value = unicodedata.normalize("NFKC", value).strip()
    if not value.isascii() or not value.isdigit() or len(value) > most:
        return None
    return value.zfill(most)


def _kana_field(value: str, limit: int, column: str, who: str, line: int, locale: str, problems: list[str]) -> str:
    try:
        name = kana.normalise(value)
    except kana.KanaError as err:
        key = "transfer.kana_wo" if err.char in "ヲをｦ" else "transfer.kana_char"
        problems.append(t(key, locale, line=line, column=column, who=who, char=err.char, position=err.position))
        return ""
    if len(name) > limit:
        problems.append(t("transfer.too_long", locale, line=line, column=column, who=who, n=len(name), limit=limit))
    return name


def parse(data: bytes, directory: Directory, locale: str) -> list[BankAccount]:
    """Every row of the file as an account; BankImportError naming every bad row (nothing is kept then)."""
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise BankImportError([t("transfer.bad_encoding", locale)]) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise BankImportError([t("transfer.empty_file", locale)])
    header = [unicodedata.normalize("NFKC", h).strip().lower() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS + OPTIONAL]
    if missing or unknown:
        raise BankImportError(
            [t("transfer.columns", locale, missing=", ".join(missing) or "-", unknown=", ".join(unknown) or "-",
               expected=", ".join(COLUMNS + OPTIONAL))]
        )  # fmt: skip
    problems: list[str] = []
    accounts: list[BankAccount] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(t("transfer.extra_cells", locale, line=line))
            continue
        cells = dict(zip(header, [*row, *[""] * (len(header) - len(row))], strict=True))
        key = cells["employee"].strip()
        person = directory.find(key) if key else None
        if person is None:
            problems.append(t("transfer.unknown_employee", locale, line=line, who=key or "-"))
            continue
        who = f"{person.id} {person.name(locale)}"
        if person.id in seen:
            problems.append(t("transfer.duplicate", locale, line=line, who=who, first=seen[person.id]))
            continue
        seen[person.id] = line
        before = len(problems)
        bank = _digits(cells["bank_code"], 4)
        branch = _digits(cells["branch_code"], 3)
        number = _digits(cells["account_number"], 7)
        kind = ACCOUNT_TYPES.get(unicodedata.normalize("NFKC", cells["account_type"]).strip())
        for value, column, rule in (
            (bank, "bank_code", "transfer.rule.bank_code"),
            (branch, "branch_code", "transfer.rule.branch_code"),
            (kind, "account_type", "transfer.rule.account_type"),
            (number, "account_number", "transfer.rule.account_number"),
        ):
            if value is None:
                # The rule, never the value: this line may be about to be shown in a shared terminal or chat.
                problems.append(t("transfer.bad_cell", locale, line=line, column=column, who=who, rule=t(rule, locale)))
        if not cells["holder_kana"].strip():
            problems.append(t("transfer.bad_cell", locale, line=line, column="holder_kana", who=who,
                              rule=t("transfer.rule.holder_kana", locale)))  # fmt: skip
            holder = ""
        else:
            holder = _kana_field(cells["holder_kana"], HOLDER_MAX, "holder_kana", who, line, locale, problems)
        names = [
            _kana_field(cells.get(c, ""), NAME_MAX, c, who, line, locale, problems) if cells.get(c, "").strip() else ""
            for c in OPTIONAL
        ]
        if len(problems) == before and bank and branch and number and kind:
            accounts.append(BankAccount(person.id, bank, branch, kind, number, holder, names[0], names[1]))
    if problems:
        raise BankImportError(problems)
    if not accounts:
        raise BankImportError([t("transfer.empty_file", locale)])
    return accounts


def import_file(
    store: Store, directory: Directory, path: Path, at: str, actor: str | None, locale: str, replace: bool = False
) -> list[BankAccount]:
    """Read `path` and store its accounts in one transaction (all or none), with an audit entry naming whose
    details changed. `replace`: also forget the accounts of people not in the file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BankImportError([t("transfer.cannot_read", locale, path=path, reason=exc.strerror or exc)]) from None
    accounts = parse(data, directory, locale)
    with store.tx():
        before = {str(r["employee_id"]) for r in store.query("SELECT employee_id FROM bank_accounts")}
        removed = sorted(before - {a.employee_id for a in accounts}) if replace else []
        for employee_id in removed:
            store.execute("DELETE FROM bank_accounts WHERE employee_id = ?", (employee_id,))
        for a in accounts:
            store.execute(
                "INSERT OR REPLACE INTO bank_accounts (employee_id, bank_code, bank_name, branch_code, branch_name, "
                "account_type, account_number, holder_kana, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (a.employee_id, a.bank_code, a.bank_name, a.branch_code, a.branch_name, a.account_type,
                 a.account_number, a.holder_kana, at, actor),
            )  # fmt: skip
        # Whose details changed, never what they are: the audit log is kept for years and cannot be edited.
        store.audit(at, actor, "bank.imported", None,
                    {"employees": [a.employee_id for a in accounts], "removed": removed})  # fmt: skip
    return accounts


def _account(row: dict[str, object]) -> BankAccount:
    return BankAccount(
        str(row["employee_id"]), str(row["bank_code"]), str(row["branch_code"]), int(str(row["account_type"])),
        str(row["account_number"]), str(row["holder_kana"]), str(row["bank_name"]), str(row["branch_name"]),
    )  # fmt: skip


def get(store: Store, employee_id: str) -> BankAccount | None:
    rows = store.query("SELECT * FROM bank_accounts WHERE employee_id = ?", (employee_id,))
    return _account(rows[0]) if rows else None


def all_accounts(store: Store) -> list[BankAccount]:
    return [_account(r) for r in store.query("SELECT * FROM bank_accounts ORDER BY employee_id")]


def listing(store: Store, directory: Directory, locale: str) -> list[str]:
    """One masked line per account: the person, the bank and branch codes, the type, ****567, the 名義カナ."""
    lines = []
    for a in all_accounts(store):
        person = directory.get(a.employee_id)
        name = person.name(locale) if person else "?"
        kind = t(f"transfer.account_type.{a.account_type}", locale)
        where = f"{a.bank_code}-{a.branch_code}"
        lines.append(f"{a.employee_id} {name}  {where}  {kind} {a.masked_number}  {a.holder_kana}")
    return lines
