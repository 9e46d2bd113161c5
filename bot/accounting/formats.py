"""The journal import files, byte for byte as accounting.md lays them out.

- freee: 取引インポート, 21 columns with header (§1.2); UTF-8 with BOM or CP932 (UNCONFIRMED, configurable in
  accounting.yaml export.freee_encoding); CRLF (UNCONFIRMED).
- mf: 仕訳帳インポート, 27 columns A–AA with header (§2); CP932; CRLF.
- yayoi: 弥生インポート形式, 25 fields, no header (§3); CP932; CRLF.
- csv: this bot's own columns (CSV_HEADER), with header; UTF-8 without BOM; CRLF.

Characters a CP932 file cannot hold (emoji, some rare kanji) are handled by field: in free text (摘要, 備考) each
one becomes "?" and the export lists the claim and field that changed, so finance can fix the entry by hand; in
a name the software must match exactly (勘定科目, 税区分, the employee as 補助科目/取引先) a replaced character
would make the import fail or book to a wrong name, so the export is refused and says which name to change.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.accounting.journal import Entry
from bot.accounting.policy import AccountingPolicy
from bot.spreadsheet import formula_safe

FREEE_HEADER: tuple[str, ...] = (
    "収支区分", "管理番号", "発生日", "決済期日", "取引先コード", "取引先", "勘定科目", "税区分", "金額", "税計算区分",
    "税額", "備考", "品目", "部門", "メモタグ（複数指定可、カンマ区切り）", "セグメント1", "セグメント2", "セグメント3",
    "決済日", "決済口座", "決済金額",
)  # fmt: skip
MF_HEADER: tuple[str, ...] = (
    "取引No", "取引日", "借方勘定科目", "借方補助科目", "借方部門", "借方取引先", "借方税区分", "借方インボイス",
    "借方金額(円)", "借方税額", "貸方勘定科目", "貸方補助科目", "貸方部門", "貸方取引先", "貸方税区分",
    "貸方インボイス", "貸方金額(円)", "貸方税額", "摘要", "仕訳メモ", "タグ", "MF仕訳タイプ", "決算整理仕訳",
    "作成日時", "作成者", "最終更新日時", "最終更新者",
)  # fmt: skip
YAYOI_FIELDS = 25
CSV_HEADER: tuple[str, ...] = (
    "batch", "ref", "request_id", "line", "date", "employee_id", "employee", "debit_account", "tax_class", "tax_rate",
    "reduced_rate", "deduction_percent", "amount_yen", "tax_yen", "credit_account", "vendor", "invoice_number",
    "notes", "description", "decided_at",
)  # fmt: skip

ENCODINGS: dict[str, str] = {"mf": "cp932", "yayoi": "cp932", "csv": "utf-8"}
EXTENSIONS: dict[str, str] = {"freee": "csv", "mf": "csv", "yayoi": "csv", "csv": "csv"}
MF_MEMO_MAX = 200  # 摘要 limit seen in one generator (accounting.md §2): UNCONFIRMED
YAYOI_MEMO_MAX_BYTES = 64  # 摘要 cut by generators at 64 half-width (accounting.md §3): UNCONFIRMED
YAYOI_AMOUNT_MAX = 999_999_999  # ≤ 9 digits (§3)


class FormatError(ValueError):
    """The file cannot be written as asked: a name the target encoding cannot hold, an amount too large."""

    def __init__(self, key: str, **data: object) -> None:
        super().__init__(f"{key} {data}")
        self.key = key
        self.data = data


@dataclass(frozen=True)
class Change:
    """A field of a claim written differently from how it was entered."""

    ref: str
    field: str  # 摘要, 備考 …
    kind: str  # replaced (characters outside the encoding) | cut (over the length limit)
    detail: str  # the characters replaced, or the length kept


@dataclass
class Rendered:
    data: bytes
    encoding: str
    changes: list[Change] = field(default_factory=list)


def encoding_of(fmt: str, policy: AccountingPolicy) -> str:
    return policy.export.freee_encoding if fmt == "freee" else ENCODINGS[fmt]


class _Text:
    """Makes each field fit the file's encoding, recording what it changed."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.changes: list[Change] = []

    def _fits(self, ch: str) -> bool:
        try:
            ch.encode(self.encoding)
        except UnicodeEncodeError:
            return False
        return True

    def free(self, text: str, ref: str, name: str) -> str:
        """Free text: control characters dropped, characters the encoding lacks replaced by "?"."""
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc")
        bad = sorted({ch for ch in text if not self._fits(ch)})
        if bad:
            self.changes.append(Change(ref, name, "replaced", "".join(bad)))
            text = "".join(ch if self._fits(ch) else "?" for ch in text)
        return text

    def name(self, text: str, ref: str, name: str) -> str:
        """A name the software matches exactly: refused, never altered."""
        bad = sorted({ch for ch in text if not self._fits(ch) or unicodedata.category(ch) == "Cc"})
        if bad:
            raise FormatError("journal.unencodable_name", ref=ref, field=name, value=text, chars="".join(bad),
                              encoding=self.encoding)  # fmt: skip
        return text

    def cut_chars(self, text: str, limit: int, ref: str, name: str) -> str:
        if len(text) <= limit:
            return text
        self.changes.append(Change(ref, name, "cut", str(limit)))
        return text[:limit]

    def cut_bytes(self, text: str, limit: int, ref: str, name: str) -> str:
        if len(text.encode(self.encoding)) <= limit:
            return text
        kept = ""
        for ch in text:
            if len((kept + ch).encode(self.encoding)) > limit:
                break
            kept += ch
        self.changes.append(Change(ref, name, "cut", str(limit)))
        return kept


def _csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _date(entry: Entry) -> str:
    return f"{entry.date:%Y/%m/%d}"


def _freee(entries: list[Entry], policy: AccountingPolicy, text: _Text, batch_id: str) -> list[list[str]]:
    rows = [list(FREEE_HEADER)]
    for e in entries:
        partner = text.name(e.employee, e.ref, "取引先")
        memo = text.free(e.memo, e.ref, "備考")
        for line in e.lines:
            klass = policy.tax_classes[line.tax_class]
            # One row per tax rate, each with the claim's 管理番号. No 決済 columns: the deal stays 未決済 (未払金)
            # until paid (blank = unsettled is UNCONFIRMED, accounting.md §1.2). 税計算区分 内税: amounts include tax.
            rows.append([
                "支出", e.ref, _date(e), "", "", partner, text.name(line.account, e.ref, "勘定科目"),
                text.name(klass.freee, e.ref, "税区分"), str(line.amount), "内税", str(line.tax), memo,
                "", "", "", "", "", "", "", "", "",
            ])  # fmt: skip
    return rows


def _mf(entries: list[Entry], policy: AccountingPolicy, text: _Text, batch_id: str) -> list[list[str]]:
    rows = [list(MF_HEADER)]
    for number, e in enumerate(entries, start=1):
        sub = text.name(e.employee, e.ref, "貸方補助科目")
        memo = text.cut_chars(text.free(e.memo, e.ref, "摘要"), MF_MEMO_MAX, e.ref, "摘要")
        credit = policy.tax_classes.get(e.credit_class)
        credit_tax = text.name(credit.mf if credit else "対象外", e.ref, "貸方税区分")
        for i, line in enumerate(e.lines):
            klass = policy.tax_classes[line.tax_class]
            debit = [text.name(line.account, e.ref, "借方勘定科目"), "", "", "",
                     text.name(klass.mf, e.ref, "借方税区分"), text.name(klass.mf_invoice, e.ref, "借方インボイス"),
                     str(line.amount), str(line.tax) if klass.rate else ""]  # fmt: skip
            # The compound entry: every row has the claim's 取引No and date; the credit (the whole claim, to the
            # employee) is on the first row only, so the entry balances (accounting.md §2).
            if i == 0:
                credit_side = [text.name(e.credit_account, e.ref, "貸方勘定科目"), sub, "", "", credit_tax, "",
                               str(e.total), ""]  # fmt: skip
            else:
                credit_side = [""] * 8
            rows.append([str(number), _date(e), *debit, *credit_side, memo, e.ref, "", "", "", "", "", "", ""])
    return rows


def _yayoi(entries: list[Entry], policy: AccountingPolicy, text: _Text, batch_id: str) -> list[list[str]]:
    rows: list[list[str]] = []  # no header: every line is data (§3)
    for e in entries:
        if e.total > YAYOI_AMOUNT_MAX:
            raise FormatError("journal.amount_too_large", ref=e.ref, amount=e.total, limit=YAYOI_AMOUNT_MAX)
        sub = text.name(e.employee, e.ref, "貸方補助科目")
        memo = text.cut_bytes(text.free(e.memo, e.ref, "摘要"), YAYOI_MEMO_MAX_BYTES, e.ref, "摘要")
        credit = policy.tax_classes.get(e.credit_class)
        credit_tax = text.name(credit.yayoi if credit else "対象外", e.ref, "貸方税区分")
        n = len(e.lines)
        for i, line in enumerate(e.lines):
            klass = policy.tax_classes[line.tax_class]
            # 2000: a one-line entry; a compound one is 2110 (first), 2100 (middle), 2101 (last) [YI].
            flag = "2000" if n == 1 else "2110" if i == 0 else "2101" if i == n - 1 else "2100"
            debit = [text.name(line.account, e.ref, "借方勘定科目"), "", "",
                     text.name(klass.yayoi, e.ref, "借方税区分"), str(line.amount), str(line.tax)]  # fmt: skip
            if i == 0:
                credit_name = text.name(e.credit_account, e.ref, "貸方勘定科目")
                credit_side = [credit_name, sub, "", credit_tax, str(e.total), "0"]
            else:
                credit_side = ["", "", "", "", "0", "0"]  # `0` where a side is empty [YN]
            row = [flag, "", "", _date(e), *debit, *credit_side, memo, "", "", "0", "", e.ref, "0", "0", "no"]
            assert len(row) == YAYOI_FIELDS
            rows.append(row)
    return rows


def _plain(entries: list[Entry], policy: AccountingPolicy, text: _Text, batch_id: str) -> list[list[str]]:
    rows = [list(CSV_HEADER)]
    for e in entries:
        for i, line in enumerate(e.lines, start=1):
            klass = policy.tax_classes[line.tax_class]
            row = [batch_id, e.ref, str(e.request_id), str(i), e.date.isoformat(), e.employee_id, e.employee,
                   line.account, line.tax_class, str(klass.rate), "1" if klass.reduced else "0", str(klass.deduction),
                   str(line.amount), str(line.tax), e.credit_account, e.vendor, e.invoice_number, "・".join(e.notes),
                   e.description, e.decided_at]  # fmt: skip
            rows.append([formula_safe(text.free(v, e.ref, name)) for name, v in zip(CSV_HEADER, row, strict=True)])
    return rows


WRITERS: dict[str, Callable[[list[Entry], AccountingPolicy, _Text, str], list[list[str]]]] = {
    "freee": _freee,
    "mf": _mf,
    "yayoi": _yayoi,
    "csv": _plain,
}


def render(fmt: str, entries: list[Entry], policy: AccountingPolicy, batch_id: str) -> Rendered:
    """The file's bytes; raises FormatError when a name cannot be written in the format's encoding."""
    encoding = encoding_of(fmt, policy)
    text = _Text(encoding)
    rows = WRITERS[fmt](entries, policy, text, batch_id)
    return Rendered(_csv_bytes(rows, encoding), encoding, text.changes)
