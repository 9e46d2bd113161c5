"""Journal export (bot/accounting): golden files per format, tax classes by date and registration, batches.

Golden files in tests/golden/journal/ were written by the exporter and checked against the layouts of
../shared/research/accounting.md §1.2 (freee), §2 (MF), §3 (弥生); each test here also decodes the file with the
format's declared encoding and parses every field with the csv module, so a golden file that drifted from the
layout fails even if it was regenerated. `GOLDEN_UPDATE=1` rewrites them.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import os
import shutil
import stat
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bot.accounting import batches, export, formats
from bot.accounting.journal import classify
from bot.accounting.policy import CategoryAccount
from bot.app import App
from bot.models import ExpenseClaim, Request, Status
from bot.rules.loader import RuleError, load_rules
from bot.store import records

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "journal"
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
DECIDED = "2026-11-20T10:00:00+09:00"
INVOICE = "T1234567890123"


def approve(app: App, who: str, claim: ExpenseClaim, decided: str = DECIDED) -> int:
    """An approved claim as the workflow leaves it (status, decider, decision time) on the real database."""
    req = Request(None, "expense", who, claim, status=Status.APPROVED, created_at=decided, updated_at=decided,
                  decided_by="rules", decided_at=decided)  # fmt: skip
    return records.insert_request(app.store, req)


def claim(amount: int, day: str, category: str, description: str, **kw: object) -> ExpenseClaim:
    return ExpenseClaim(Decimal(amount), dt.date.fromisoformat(day), category, description=description, **kw)  # type: ignore[arg-type]


MONTH = [
    # 1: no registration number, bought 2026-09-30: the 80% transitional class
    ("e007", claim(12000, "2026-09-30", "meeting", "打合せ 茶菓", vendor="喫茶ひかり")),
    # 2: the same a day later, 2026-10-01: 70%
    ("e008", claim(12000, "2026-10-01", "meeting", "打合せ 茶菓", vendor="喫茶ひかり")),
    # 3: a train fare: 公共交通機関特例, full class, noted
    ("e009", claim(1200, "2026-11-02", "transport", "JR 新宿-品川")),
    # 4: registered vendor: full class
    ("e007", claim(33000, "2026-11-05", "training", "Python 研修", vendor="研修社", invoice_number=INVOICE)),
    # 5: two tax rates on one receipt (弁当 8% + 会場 10%): one compound entry
    (
        "e010",
        claim(
            15000,
            "2026-11-10",
            "meeting",
            "弁当と会議室",
            vendor="山田屋",
            invoice_number=INVOICE,
            reduced_rate_yen=5400,
        ),
    ),
    # 6: under ¥10,000 without a number: 少額特例; the emoji cannot go into CP932
    ("e008", claim(2400, "2026-11-12", "supplies", "ペン 😀", vendor="文具店")),
    # 7: paid abroad, yen fixed by finance: 対象外
    ("e011", claim(50, "2026-11-14", "software", "SaaS", vendor="Acme Inc.", currency="USD", amount_jpy=7500)),
]


def fill(app: App) -> list[int]:
    return [approve(app, who, c) for who, c in MONTH]


def rows_of(data: bytes, encoding: str) -> list[list[str]]:
    text = data.decode(encoding)
    assert text.count("\n") == text.count("\r\n") > 0, "every line ends in CRLF, none in a bare LF"
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("fmt", ["freee", "mf", "yayoi", "csv"])
def test_golden_file_byte_for_byte(app: App, fmt: str) -> None:
    fill(app)
    result = export.export_period(app.services, fmt, *NOV, "e003")
    golden = GOLDEN / f"{fmt}.csv"
    if os.environ.get("GOLDEN_UPDATE"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(result.data)
    assert result.data == golden.read_bytes()
    assert result.path.read_bytes() == result.data and stat.S_IMODE(result.path.stat().st_mode) == 0o600
    assert result.batch.id == "B202611-01" and len(result.entries) == 7 and result.total == 83_100


def test_freee_file_has_the_21_column_header_and_one_row_per_tax_rate(app: App) -> None:
    fill(app)
    data = export.export_period(app.services, "freee", *NOV, "e003").data
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: the default while freee's encoding is UNCONFIRMED
    header, *rows = rows_of(data, "utf-8-sig")
    assert tuple(header) == formats.FREEE_HEADER and len(header) == 21
    assert all(len(r) == 21 for r in rows) and len(rows) == 8
    by_ref = defaultdict(list)
    for r in rows:
        assert r[0] == "支出" and r[9] == "内税" and r[18:] == ["", "", ""]  # no 決済: stays 未決済 (未払金)
        dt.datetime.strptime(r[2], "%Y/%m/%d")
        by_ref[r[1]].append(r)
    first, second, train, _, compound, pen, abroad = (by_ref[f"EXP-{i}"] for i in range(1, 8))
    assert [(r[6], r[7], r[8], r[10]) for r in first] == [("会議費", "課対仕入（控80）10%", "12000", "1090")]
    assert second[0][7] == "課対仕入（控70）10%" and second[0][5] == "エミリー・クラーク"  # the employee as 取引先
    assert train[0][7] == "課対仕入10%" and "3万円未満の公共交通機関料金" in train[0][11]
    lines = [(r[7], int(r[8]), int(r[10])) for r in compound]
    assert lines == [("課対仕入10%", 9600, 872), ("課対仕入8%（軽）", 5400, 400)]
    assert "😀" in pen[0][11] and "少額特例" in pen[0][11]  # UTF-8 holds it: nothing replaced
    assert abroad[0][7] == "対象外" and abroad[0][10] == "0"


def test_mf_file_is_cp932_with_27_columns_and_balanced_compound_entries(app: App) -> None:
    fill(app)
    result = export.export_period(app.services, "mf", *NOV, "e003")
    header, *rows = rows_of(result.data, "cp932")
    assert tuple(header) == formats.MF_HEADER and len(header) == 27
    assert (header[0], header[8], header[26]) == ("取引No", "借方金額(円)", "最終更新者")
    assert all(len(r) == 27 for r in rows)
    debit: dict[str, int] = defaultdict(int)
    credit: dict[str, int] = defaultdict(int)
    dates: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        debit[r[0]] += int(r[8])
        credit[r[0]] += int(r[16] or 0)
        dates[r[0]].add(r[1])
    assert debit == credit and all(len(d) == 1 for d in dates.values())  # same 取引No + date, balanced
    compound = [r for r in rows if r[19] == "EXP-5"]
    assert [r[0] for r in compound] == ["5", "5"] and [r[6] for r in compound] == ["課税仕入 10%", "課税仕入 (軽)8%"]
    assert compound[0][10:12] == ["未払金", "小林 蓮"] and compound[1][10] == "" and compound[0][16] == "15000"
    by_ref = {r[19]: r for r in rows}
    assert (by_ref["EXP-1"][7], by_ref["EXP-2"][7], by_ref["EXP-4"][7]) == ("80%控除", "70%控除", "適格")
    assert by_ref["EXP-6"][18] == "文具店 ペン ?（少額特例）"
    assert [(c.ref, c.field, c.kind, c.detail) for c in result.changes] == [("EXP-6", "摘要", "replaced", "😀")]
    assert "EXP-6" in export.summary(result, "en") and "replaced by '?'" in export.summary(result, "en")


def test_yayoi_file_has_no_header_25_fields_and_compound_flags(app: App) -> None:
    fill(app)
    rows = rows_of(export.export_period(app.services, "yayoi", *NOV, "e003").data, "cp932")
    assert len(rows) == 8 and all(len(r) == 25 for r in rows)
    assert [r[0] for r in rows] == ["2000", "2000", "2000", "2000", "2110", "2101", "2000", "2000"]
    for r in rows:
        dt.datetime.strptime(r[3], "%Y/%m/%d")
        assert (r[19], r[22], r[23], r[24]) == ("0", "0", "0", "no")  # タイプ 0, 付箋 0, 調整 no
        assert all(r[i].isdigit() for i in (8, 9, 14, 15))  # 金額 and 税金額, 0 where a side is empty
    first, second = rows[0], rows[1]
    assert (first[7], second[7]) == ("課対仕入込10%区分80%", "課対仕入込10%区分70%")
    compound = rows[4:6]
    assert [r[7] for r in compound] == ["課対仕入込10%適格", "課対仕入込軽減8%適格"]
    assert sum(int(r[8]) for r in compound) == sum(int(r[14]) for r in compound) == 15000
    assert compound[0][10:12] == ["未払金", "小林 蓮"] and compound[1][10] == "" and compound[1][14] == "0"
    assert rows[6][16] == "文具店 ペン ?（少額特例）" and rows[6][21] == "EXP-6"


def test_plain_csv_keeps_every_character_and_neutralises_formulas(app: App) -> None:
    fill(app)
    approve(app, "e007", claim(800, "2026-11-15", "supplies", '=HYPERLINK("x")'))
    result = export.export_period(app.services, "csv", *NOV, "e003")
    header, *rows = rows_of(result.data, "utf-8")
    assert not result.data.startswith(b"\xef\xbb\xbf") and tuple(header) == formats.CSV_HEADER
    assert all(len(r) == len(header) for r in rows)
    assert any(r[18] == "ペン 😀" for r in rows) and not result.changes
    assert rows[-1][18] == '\'=HYPERLINK("x")'


def test_transitional_rate_follows_the_purchase_date_on_both_sides_of_2026_10_01(app: App) -> None:
    rules = app.services.rules
    shares = {}
    for day in ("2026-09-30", "2026-10-01", "2028-09-30", "2028-10-01", "2031-10-01"):
        parts, notes = classify(claim(20000, day, "supplies", "棚"), rules.accounting, rules.expenses, 1)
        shares[day] = (parts, notes)
    assert shares["2026-09-30"] == ([("taxable_10_e80", 20000)], ("経過措置80%控除",))
    assert shares["2026-10-01"] == ([("taxable_10_e70", 20000)], ("経過措置70%控除",))
    assert shares["2028-09-30"][0] == [("taxable_10_e70", 20000)]
    assert shares["2028-10-01"][0] == [("taxable_10_e50", 20000)]
    assert shares["2031-10-01"][0] == [("out_of_scope", 20000)]
    registered = classify(claim(20000, "2026-10-01", "supplies", "棚", invoice_number="T-1234-5678-90123"),
                          rules.accounting, rules.expenses, 1)  # fmt: skip
    assert registered == ([("taxable_10", 20000)], ())
    reduced = classify(claim(20000, "2026-10-01", "meeting", "弁当", reduced_rate_yen=20000), rules.accounting,
                       rules.expenses, 1)  # fmt: skip
    assert reduced[0] == [("taxable_r8_e70", 20000)]
    # 少額特例 ends with purchases of 2029-09-30; a taxi is not public transport
    for day, note in (("2029-09-30", "少額特例"), ("2029-10-01", "経過措置50%控除")):
        assert classify(claim(9999, day, "supplies", "紙"), rules.accounting, rules.expenses, 1)[1] == (note,)
    taxi = classify(claim(12000, "2026-11-02", "transport", "タクシー"), rules.accounting, rules.expenses, 1)
    assert taxi[0] == [("taxable_10_e70", 12000)]
    hotel = classify(claim(42000, "2026-11-02", "travel", "大阪出張 ホテル"), rules.accounting, rules.expenses, 1)
    assert hotel == ([("taxable_10", 42000)], ("出張旅費等特例",))


def test_small_amount_exemption_only_for_a_qualifying_company(app: App) -> None:
    rules = app.services.rules
    off = rules.accounting.model_copy(
        update={"small_amount_exemption": rules.accounting.small_amount_exemption.model_copy(
            update={"company_qualifies": False})}
    )  # fmt: skip
    assert classify(claim(2400, "2026-11-12", "supplies", "ペン"), off, rules.expenses, 1) == (
        [("taxable_10_e70", 2400)], ("経過措置70%控除",),
    )  # fmt: skip


def test_export_again_gives_identical_bytes_even_when_the_file_is_gone(app: App, tmp_path: Path) -> None:
    fill(app)
    first = export.export_period(app.services, "yayoi", *NOV, "e003")
    stored = batches.get_batch(app.store, first.batch.id)
    assert stored is not None and stored.sha256 == first.sha256
    again = export.export_again(app.services, "b202611-01", "e003", tmp_path / "copy.csv")
    assert again.data == first.data and (tmp_path / "copy.csv").read_bytes() == first.data
    assert stat.S_IMODE((tmp_path / "copy.csv").stat().st_mode) == 0o600
    first.path.unlink()
    rebuilt = export.export_again(app.services, first.batch.id, "e003")
    assert rebuilt.data == first.data and first.path.read_bytes() == first.data
    # A rule changed since would give a different file: refused rather than handed out as "the same".
    first.path.unlink()
    accounting = app.services.rules.accounting
    accounts = dict(accounting.accounts, meeting=CategoryAccount(account="会議費用", tax_class="taxable_10"))
    app.services.rules = dataclasses.replace(
        app.services.rules, accounting=accounting.model_copy(update={"accounts": accounts})
    )
    with pytest.raises(export.ExportError) as refused:
        export.export_again(app.services, first.batch.id, "e003")
    assert refused.value.key == "journal.reexport_differs"


def test_a_claim_is_never_in_two_batches_and_the_earlier_batch_is_named(app: App) -> None:
    fill(app)
    first = export.export_period(app.services, "mf", *NOV, "e003")
    with pytest.raises(export.ExportError) as nothing:
        export.export_period(app.services, "yayoi", *NOV, "e003")
    assert nothing.value.key == "journal.nothing_new" and "B202611-01 (7)" in nothing.value.text("en")
    late = approve(app, "e009", claim(900, "2026-11-25", "transport", "都バス"), "2026-11-26T09:00:00+09:00")
    second = export.export_period(app.services, "yayoi", *NOV, "e003")
    assert second.batch.id == "B202611-02" and second.batch.request_ids == (late,)
    assert second.earlier == {"B202611-01": 7}
    said = export.summary(second, "ja")
    assert "出力済みのため含めていません: B202611-01 (7)" in said and "二重" in said  # 弥生: import once
    assert set(first.batch.request_ids).isdisjoint(second.batch.request_ids)
    [entry] = app.store.query("SELECT data FROM audit_log WHERE action = 'journal.exported' AND data LIKE '%-02%'")
    assert second.sha256 in entry["data"]


def test_a_name_outside_cp932_is_refused_and_leaves_no_batch(app: App) -> None:
    fill(app)
    accounting = app.services.rules.accounting
    accounts = dict(accounting.accounts, supplies=CategoryAccount(account="消耗品費🖊", tax_class="taxable_10"))
    app.services.rules = dataclasses.replace(
        app.services.rules, accounting=accounting.model_copy(update={"accounts": accounts})
    )
    with pytest.raises(export.ExportError) as refused:
        export.export_period(app.services, "mf", *NOV, "e003")
    said = refused.value.text("en")
    assert "EXP-6" in said and "借方勘定科目" in said and "消耗品費🖊" in said and "cp932" in said
    assert batches.list_batches(app.store) == []
    assert export.export_period(app.services, "csv", *NOV, "e003").batch.id == "B202611-01"  # UTF-8 holds it


def test_a_foreign_claim_without_a_yen_amount_is_refused_by_number(app: App) -> None:
    rid = approve(app, "e007", claim(20, "2026-11-03", "software", "SaaS", currency="USD"))
    with pytest.raises(export.ExportError) as refused:
        export.export_period(app.services, "mf", *NOV, "e003")
    assert f"#{rid}" in refused.value.text("en") and batches.list_batches(app.store) == []


def _rules_dir(tmp_path: Path, change: dict[str, object]) -> Path:
    shutil.copytree(ROOT / "knowledge", tmp_path / "k")
    path = tmp_path / "k" / "rules" / "accounting.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path / "k"


def test_rule_file_problems_name_the_file_and_key(tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / "knowledge/rules/accounting.yaml").read_text(encoding="utf-8"))
    accounts = dict(data["accounts"])
    del accounts["books"]
    accounts["taxi"] = {"account": "旅費交通費", "tax_class": "taxable_10"}
    with pytest.raises(RuleError) as err:
        load_rules(_rules_dir(tmp_path / "a", {"accounts": accounts}))
    problems = "\n".join(err.value.problems)
    assert "accounting.yaml: key 'accounts.books' is missing (expenses.yaml categories has 'books')" in problems
    assert "accounting.yaml: key 'accounts.taxi': 'taxi' is not a category of expenses.yaml" in problems
    accounts = dict(data["accounts"], meeting={"account": "会議費", "tax_class": "taxable_11"})
    with pytest.raises(RuleError) as err:
        load_rules(_rules_dir(tmp_path / "b", {"accounts": accounts}))
    assert "accounting.yaml: key 'accounts.meeting.tax_class': 'taxable_11' is not a key of tax_classes" in (
        "\n".join(err.value.problems)
    )


def test_a_transitional_period_without_a_class_is_a_load_error(tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / "knowledge/rules/accounting.yaml").read_text(encoding="utf-8"))
    rows = data["transitional"] + []
    rows[1] = dict(rows[1], deduction=60)
    with pytest.raises(RuleError) as err:
        load_rules(_rules_dir(tmp_path, {"transitional": rows}))
    assert "key 'transitional[1]': no tax class with rate 10 and deduction 60" in "\n".join(err.value.problems)
