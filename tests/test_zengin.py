"""The 全銀 総合振込 file of a batch (bot/transfers), read back record by record at the byte positions of
accounting.md §5.2–§5.4: claims made and approved through the router, batched, bank details imported from CSV."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import stat
from pathlib import Path

import pytest

from bot.accounting import batches
from bot.app import App
from bot.models import Status
from bot.store import records
from bot.transfers import bank, kana, payments, zengin
from handlers import Inbound

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
PAY_DAY = dt.date(2026, 12, 10)  # a Thursday

BANK_CSV = (
    "employee,bank_code,branch_code,account_type,account_number,holder_kana,bank_name,branch_name\r\n"
    "e007,0001,001,普通,1234567,ワタナベ　ケンタ,ﾐｽﾞﾎ,ﾄｳｷﾖｳ\r\n"
    "clark@hikari-works.example,5,12,当座,98765,クラーク　エミリー,,\r\n"
    "e009,0009,120,1,0004321,なかむら　しょう,,\r\n"
)


def approved(app: App, who: str, text: str) -> int:
    app.router.handle(Inbound(app.directory.require(who), text))
    [req] = records.list_requests(app.store, who, None)[:1]
    assert req.id is not None and req.status is Status.APPROVED, req.status
    return req.id


def foreign_claim(app: App, who: str, yen: int, folder: Path) -> int:
    """A USD claim with its receipt: the manager approves, finance fixes the yen as it approves (E8)."""
    receipt = folder / "receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4 receipt")
    app.router.handle(Inbound(app.directory.require(who), f"/expense 20usd books 2026-11-18 技術書 receipt={receipt}"))
    [req] = records.list_requests(app.store, who, [Status.PENDING])
    assert req.id is not None
    app.router.handle(Inbound(app.directory.require("e006"), f"/approve {req.id}"))
    app.router.handle(Inbound(app.directory.require("e002"), f"/approve {req.id} yen={yen}"))
    after = records.get_request(app.store, req.id)
    assert after is not None and after.status is Status.APPROVED
    return req.id


def import_bank(app: App, tmp_path: Path, text: str = BANK_CSV) -> list[bank.BankAccount]:
    path = tmp_path / "bank.csv"
    path.write_text(text, encoding="utf-8")
    return bank.import_file(app.store, app.directory, path, app.services.now_iso(), "e003", "en")


def make_batch(app: App, ids: list[int]) -> str:
    return batches.create_batch(app.store, "csv", *NOV, ids, app.services.now_iso(), "e003").id


@pytest.fixture
def batch(app: App, tmp_path: Path) -> tuple[str, dict[str, int]]:
    """e007: two claims (500 + 700), e008: one (1,200), e009: a USD claim fixed at 3,100 yen."""
    ids = [
        approved(app, "e007", "/expense 500 supplies 2026-11-20 文具"),
        approved(app, "e008", "/expense 1200 transport 2026-11-19 taxi"),
        approved(app, "e007", "/expense 700 supplies 2026-11-21 ノート"),
        foreign_claim(app, "e009", 3100, tmp_path),
    ]
    import_bank(app, tmp_path)
    return make_batch(app, ids), {"e007": 1200, "e008": 1200, "e009": 3100}


def field(record: bytes, position: int, length: int) -> str:
    return record[position - 1 : position - 1 + length].decode("cp932")


def test_the_file_is_120_byte_records_with_crlf_in_the_order_1_2_8_9(
    app: App, batch: tuple[str, dict[str, int]]
) -> None:
    batch_id, totals = batch
    written = payments.write_file(app.services, batch_id, PAY_DAY, None, "e003")
    data = Path(written.path).read_bytes()
    assert stat.S_IMODE(Path(written.path).stat().st_mode) == 0o600
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 6
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert [len(line) for line in lines] == [120] * 6
    assert [chr(line[0]) for line in lines] == ["1", "2", "2", "2", "8", "9"]
    # Half-width only: every byte ASCII or a JIS8 kana byte (0xA1–0xDF), so CP932 and JIS agree.
    assert all(b < 0x80 or 0xA1 <= b <= 0xDF for b in data)

    header, *details, trailer, end = lines
    assert field(header, 2, 2) == "21" and field(header, 4, 1) == "0"
    assert field(header, 5, 10) == "0000012345"
    assert field(header, 15, 40) == "ﾋｶﾘﾜ-ｸｽ(ｶ".ljust(40)
    assert field(header, 55, 4) == "1210"
    assert (field(header, 59, 4), field(header, 63, 15).rstrip()) == ("0001", "ﾐｽﾞﾎ")
    assert (field(header, 78, 3), field(header, 81, 15).rstrip()) == ("001", "ﾄｳｷﾖｳ")
    assert (field(header, 96, 1), field(header, 97, 7), field(header, 104, 17)) == ("1", "1234567", " " * 17)

    got = [
        (field(d, 2, 4), field(d, 6, 15).rstrip(), field(d, 21, 3), field(d, 39, 4), field(d, 43, 1),
         field(d, 44, 7), field(d, 51, 30).rstrip(), int(field(d, 81, 10)), field(d, 112, 1), field(d, 114, 7))
        for d in details
    ]  # fmt: skip
    assert got == [
        ("0001", "ﾐｽﾞﾎ", "001", "0000", "1", "1234567", "ﾜﾀﾅﾍﾞ ｹﾝﾀ", 1200, "7", " " * 7),
        ("0005", "", "012", "0000", "2", "0098765", "ｸﾗ-ｸ ｴﾐﾘ-", 1200, "7", " " * 7),
        ("0009", "", "120", "0000", "1", "0004321", "ﾅｶﾑﾗ ｼﾖｳ", 3100, "7", " " * 7),
    ]
    assert all(kana.is_safe(field(d, 51, 30)) for d in details)
    # The trailer's count and total, recomputed from the data records.
    assert int(field(trailer, 2, 6)) == len(details) == 3
    assert int(field(trailer, 8, 12)) == sum(int(field(d, 81, 10)) for d in details) == sum(totals.values())
    assert field(trailer, 20, 101) == " " * 101 and field(end, 2, 119) == " " * 119

    # The module's own reader agrees with the positions above, field for field.
    parsed = zengin.parse(data)
    assert [p["kind"] for p in parsed] == ["1", "2", "2", "2", "8", "9"]
    assert [p["account_number"] for p in parsed[1:4]] == ["1234567", "0098765", "0004321"]
    assert parsed[4]["total"] == "000000005500"


def test_refused_without_bank_details_naming_who_and_nothing_written(app: App, tmp_path: Path) -> None:
    ids = [
        approved(app, "e007", "/expense 500 supplies 2026-11-20 文具"),
        approved(app, "e010", "/expense 800 supplies 2026-11-20 ペン"),
        approved(app, "e011", "/expense 900 supplies 2026-11-20 ペン"),
    ]
    import_bank(app, tmp_path)
    batch_id = make_batch(app, ids)
    out = tmp_path / "out.txt"
    with pytest.raises(payments.TransferError) as refused:
        payments.write_file(app.services, batch_id, PAY_DAY, out, "e003")
    text = refused.value.text("en")
    assert "e010" in text and "e011" in text and "e007" not in text
    assert not out.exists()
    assert app.store.query("SELECT * FROM transfer_files") == []


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (dt.date(2026, 12, 12), "bank holiday"),  # a Saturday
        (dt.date(2027, 1, 11), "bank holiday"),  # 成人の日 (national holiday)
        (dt.date(2026, 12, 31), "bank holiday"),  # 12/31: banks are closed
        (dt.date(2027, 1, 4), None),  # first bank day of the year, and the company's closure ends 1/3
        (dt.date(2026, 11, 20), "in the past"),
    ],
)
def test_the_transfer_date_is_a_bank_and_company_working_day(
    app: App, batch: tuple[str, dict[str, int]], tmp_path: Path, day: dt.date, why: str | None
) -> None:
    out = tmp_path / "z.txt"
    if why is None:
        payments.write_file(app.services, batch[0], day, out, "e003")
        assert zengin.parse(out.read_bytes())[0]["date"] == f"{day:%m%d}"
        return
    with pytest.raises(payments.TransferError) as refused:
        payments.write_file(app.services, batch[0], day, out, "e003")
    assert why in refused.value.text("en") and not out.exists()


def test_a_company_closure_on_a_bank_day_is_refused(app: App, batch: tuple[str, dict[str, int]]) -> None:
    # 2026-12-29 is a Tuesday the banks open, inside the company's year-end closure (calendar.yaml).
    with pytest.raises(payments.TransferError) as refused:
        payments.write_file(app.services, batch[0], dt.date(2026, 12, 29), None, "e003")
    assert "company calendar" in refused.value.text("en")
    assert "会社カレンダー" in refused.value.text("ja")


def test_a_claim_without_yen_is_refused(app: App, batch: tuple[str, dict[str, int]]) -> None:
    [claim] = [c for c in batches.claims_in_batch(app.store, batch[0]) if c.requester_id == "e009"]
    # A claim from before the yen was required at approval (written straight to the table, as old data would be).
    row = app.store.query("SELECT details FROM requests WHERE id = ?", (claim.id,))[0]
    details = {**json.loads(row["details"]), "amount_jpy": None}
    app.store.execute("UPDATE requests SET details = ? WHERE id = ?", (json.dumps(details), claim.id))
    with pytest.raises(payments.TransferError) as refused:
        payments.write_file(app.services, batch[0], PAY_DAY, None, "e003")
    assert f"#{claim.id}" in refused.value.text("en") and "USD" in refused.value.text("en")


def test_no_payer_in_accounting_yaml_is_a_clear_error(app: App, batch: tuple[str, dict[str, int]]) -> None:
    no_payer = app.services.rules.accounting.model_copy(update={"payer": None})
    app.services.rules = dataclasses.replace(app.services.rules, accounting=no_payer)
    with pytest.raises(payments.TransferError) as refused:
        payments.write_file(app.services, batch[0], PAY_DAY, None, "e003")
    assert "accounting.yaml" in refused.value.text("en") and "payer" in refused.value.text("en")


def test_a_field_that_does_not_fit_is_never_written() -> None:
    payer = zengin.Payer("0000012345", "ﾋｶﾘ", "0001", "", "001", "", 1, "1234567")
    with pytest.raises(zengin.ZenginError):
        zengin.build(payer, PAY_DAY, [zengin.Payee("0001", "", "001", "", 1, "1234567", "ﾀﾅｶ,ﾀﾛｳ", 100)])
    with pytest.raises(zengin.ZenginError):
        zengin.build(payer, PAY_DAY, [zengin.Payee("0001", "", "001", "", 1, "12345678", "ﾀﾅｶ", 100)])
    with pytest.raises(zengin.ZenginError):
        zengin.build(payer, PAY_DAY, [zengin.Payee("0001", "", "001", "", 1, "1234567", "ﾀﾅｶ", 0)])
