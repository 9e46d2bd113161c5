"""The 全銀 総合振込 file: fixed 120-byte records, header `1`, one data record `2` per payee, trailer `8`, end `9`,
each followed by CRLF (accounting.md §5; CR-only or LF-only files are rejected [ZB]).

`N` fields are right-aligned and zero-filled, `C` fields left-aligned and space-filled; the text is half-width
only, so its CP932 bytes are the JIS8 bytes the format asks for (コード区分 0). Positions are those of §5.2–§5.4,
written by `FIELDS` below, which the tests also use to read a file back.

UNCONFIRMED per bank (accounting.md §5.4 and [ZG]): dummy fields are filled with spaces, the unused 手形交換所番号
and 顧客コード1/2 with zeros, 新規コード 0, 振込指定区分 7 (電信), 識別表示 space (no EDI). GMO あおぞら documents
accepting these; other banks' manuals were not checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.transfers import kana

RECORD = 120
CRLF = b"\r\n"
KIND_TOTAL = "21"  # 種別コード 総合振込 (11 給与, 12 賞与 must never share a file)
MAX_AMOUNT = 9_999_999_999  # 振込金額 N(10) [ZG]
MAX_RECORDS = 999_999  # 合計件数 N(6); GMO takes at most 9,999 明細 a file [ZG]

# (name, 1-based position, length, type) per record kind, in order: the layout of accounting.md §5.2–§5.4.
FIELDS: dict[str, tuple[tuple[str, int, int, str], ...]] = {
    "1": (
        ("kind", 1, 1, "N"), ("type_code", 2, 2, "N"), ("code_set", 4, 1, "N"), ("requester_code", 5, 10, "N"),
        ("requester_name", 15, 40, "C"), ("date", 55, 4, "N"), ("bank_code", 59, 4, "N"),
        ("bank_name", 63, 15, "C"), ("branch_code", 78, 3, "N"), ("branch_name", 81, 15, "C"),
        ("account_type", 96, 1, "N"), ("account_number", 97, 7, "N"), ("dummy", 104, 17, "C"),
    ),
    "2": (
        ("kind", 1, 1, "N"), ("bank_code", 2, 4, "N"), ("bank_name", 6, 15, "C"), ("branch_code", 21, 3, "N"),
        ("branch_name", 24, 15, "C"), ("clearing_house", 39, 4, "N"), ("account_type", 43, 1, "N"),
        ("account_number", 44, 7, "N"), ("name", 51, 30, "C"), ("amount", 81, 10, "N"), ("new_code", 91, 1, "N"),
        ("customer_code1", 92, 10, "N"), ("customer_code2", 102, 10, "N"), ("transfer_kind", 112, 1, "N"),
        ("edi_flag", 113, 1, "C"), ("dummy", 114, 7, "C"),
    ),
    "8": (("kind", 1, 1, "N"), ("count", 2, 6, "N"), ("total", 8, 12, "N"), ("dummy", 20, 101, "C")),
    "9": (("kind", 1, 1, "N"), ("dummy", 2, 119, "C")),
}  # fmt: skip


class ZenginError(ValueError):
    """A value that does not fit its field (the caller checks inputs first; this is the last guard)."""


@dataclass(frozen=True)
class Payer:
    """The 振込依頼人 (header record), names already in the safe set."""

    requester_code: str
    name: str
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: int
    account_number: str


@dataclass(frozen=True)
class Payee:
    """One data record: where one person's total goes."""

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: int
    account_number: str
    name: str
    amount: int


def _field(value: object, length: int, kind: str, name: str) -> str:
    text = str(value)
    if kind == "N":
        if not (text.isascii() and text.isdigit()) or len(text) > length:
            raise ZenginError(f"{name}: not {length} digits")
        return text.zfill(length)
    if len(text) > length or not kana.is_safe(text):
        raise ZenginError(f"{name}: not {length} safe half-width characters")
    return text.ljust(length)


def _record(kind: str, values: dict[str, object]) -> bytes:
    parts = []
    for name, _pos, length, ftype in FIELDS[kind]:
        if name == "kind":
            parts.append(kind)
        elif name == "dummy":
            parts.append(" " * length)
        else:
            parts.append(_field(values[name], length, ftype, name))
    data = "".join(parts).encode("cp932")
    assert len(data) == RECORD, (kind, len(data))
    return data + CRLF


def build(payer: Payer, date: dt.date, payees: list[Payee]) -> bytes:
    """The whole file for these payees, paid on `date` (振込指定日, MMDD: the caller checks it is a bank day)."""
    if not payees or len(payees) > MAX_RECORDS:
        raise ZenginError("records: 1 to 999,999 payees")
    for p in payees:
        if not 1 <= p.amount <= MAX_AMOUNT:
            raise ZenginError("amount: 1 to 9,999,999,999 yen")
    out = [
        _record("1", {
            "type_code": KIND_TOTAL, "code_set": "0", "requester_code": payer.requester_code,
            "requester_name": payer.name, "date": f"{date:%m%d}", "bank_code": payer.bank_code,
            "bank_name": payer.bank_name, "branch_code": payer.branch_code, "branch_name": payer.branch_name,
            "account_type": payer.account_type, "account_number": payer.account_number,
        })
    ]  # fmt: skip
    for p in payees:
        out.append(
            _record("2", {
                "bank_code": p.bank_code, "bank_name": p.bank_name, "branch_code": p.branch_code,
                "branch_name": p.branch_name, "clearing_house": "0000", "account_type": p.account_type,
                "account_number": p.account_number, "name": p.name, "amount": p.amount, "new_code": "0",
                "customer_code1": "0", "customer_code2": "0", "transfer_kind": "7", "edi_flag": " ",
            })
        )  # fmt: skip
    out.append(_record("8", {"count": len(payees), "total": sum(p.amount for p in payees)}))
    out.append(_record("9", {}))
    return b"".join(out)


def parse(data: bytes) -> list[dict[str, str]]:
    """A file back into its fields, record by record (for tests and for checking a file before upload).
    Raises ZenginError when a record is not 120 bytes followed by CRLF."""
    records = []
    if not data.endswith(CRLF):
        raise ZenginError("the file does not end with CRLF")
    for number, raw in enumerate(data[: -len(CRLF)].split(CRLF), start=1):
        if len(raw) != RECORD:
            raise ZenginError(f"record {number}: {len(raw)} bytes, not {RECORD}")
        kind = chr(raw[0])
        if kind not in FIELDS:
            raise ZenginError(f"record {number}: kind {kind!r}")
        records.append(
            {name: raw[pos - 1 : pos - 1 + length].decode("cp932") for name, pos, length, _t in FIELDS[kind]}
        )
    return records
