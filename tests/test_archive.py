"""The 電子帳簿保存法 receipt archive as finance and employees use it: receipts filed and attached through the real
router are kept read-only with their 取引年月日/金額/取引先, searched alone and combined, corrected as new versions,
never deleted or overwritten inside the retention period, verified and exported for a tax audit."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import sqlite3
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from bot.accounting.policy import Archive
from bot.app import App, build_app
from bot.archive import store as archive
from bot.archive.search import Query, search
from bot.cli import main
from bot.clock import FixedClock
from bot.config import Settings
from bot.models import ExpenseClaim, Reply
from bot.store import records
from handlers import Inbound
from handlers.receipts import file_with_receipt

ROOT = Path(__file__).resolve().parents[1]


def say(app: App, who: str, text: str) -> str:
    person = app.directory.find(who)
    assert person is not None
    replies: list[Reply] = app.router.handle(Inbound(person, text, platform="console"))
    return "\n".join(r.text for r in replies)


def receipt(app: App, name: str, body: str = "") -> Path:
    """A PDF receipt on the console user's disk; `body` makes its bytes (and so its hash) its own."""
    path = Path(app.settings.attachments_dir).parent / name
    path.write_bytes(b"%PDF-1.4\n% " + (body or name).encode() + b"\n%%EOF\n")
    return path


def file_claim(app: App, who: str, words: str, vendor: str | None, name: str) -> int:
    """A claim with its receipt as typed in the console (which reads the text NFKC: ｽﾀｰﾊﾞｯｸｽ becomes スターバックス),
    or, for a vendor whose width must survive (as a Slack form or the AI reading of a photo gives it), through
    the receipt handler itself."""
    if vendor and vendor != unicodedata.normalize("NFKC", vendor):
        amount, category, day, *rest = words.split()
        claim = ExpenseClaim(Decimal(amount), dt.date.fromisoformat(day), category, description=" ".join(rest),
                             vendor=vendor)  # fmt: skip
        person = app.directory.require(who)
        path = receipt(app, name)
        file_with_receipt(Inbound(person, "", platform="console"), claim, str(path), app.services)
        return max(int(r["id"]) for r in app.store.query("SELECT id FROM requests"))
    vendor_part = f' vendor="{vendor}"' if vendor else ""
    said = say(app, who, f"/expense {words}{vendor_part} receipt={receipt(app, name)}")
    assert "#" in said, said
    return max(int(r["id"]) for r in app.store.query("SELECT id FROM requests"))


def rows(app: App) -> list[dict[str, object]]:
    return app.store.query("SELECT * FROM archive_entries ORDER BY id")


def audit_actions(app: App) -> list[str]:
    return [r["action"] for r in app.store.query("SELECT action FROM audit_log ORDER BY id")]


@pytest.fixture
def cli_env(app: App, monkeypatch: pytest.MonkeyPatch) -> App:
    """`backoffice` on the app fixture's own database and folders, on the same day."""
    monkeypatch.chdir(Path(app.settings.db).parent)
    monkeypatch.setenv("BACKOFFICE_DB", str(app.settings.db))
    monkeypatch.setenv("BACKOFFICE_KNOWLEDGE_DIR", str(ROOT / "knowledge"))
    monkeypatch.setenv("BACKOFFICE_ATTACHMENTS_DIR", str(app.settings.attachments_dir))
    monkeypatch.setenv("BACKOFFICE_NOW", "2026-11-24T10:00")
    monkeypatch.setenv("BACKOFFICE_LOCALE", "ja")
    return app


# -- storing -------------------------------------------------------------------------------------


def test_a_receipt_filed_with_a_claim_is_archived_read_only_with_its_search_keys(app: App) -> None:
    original = receipt(app, "chair.pdf")
    say(app, "e007", f'/expense 12000 supplies 2026-11-20 椅子 vendor="ｱｽｸﾙ" receipt={original}')
    (entry,) = rows(app)
    assert (entry["request_id"], entry["tx_date"], entry["amount"], entry["vendor"]) == (
        1,
        "2026-11-20",
        12000,
        "アスクル",
    )
    assert (entry["version"], entry["supersedes"], entry["stored_by"]) == (1, None, "e007")
    assert entry["stored_at"] == "2026-11-24T10:00:00+09:00"
    assert entry["retain_until"] == "2034-05-31"  # FY to 2027-03-31, filed by 2027-05-31, 7 years from the day after
    kept = Path(str(entry["path"]))
    assert kept.parent == Path(app.settings.attachments_dir) / "archive"
    assert kept.read_bytes() == original.read_bytes()
    assert entry["sha256"] == hashlib.sha256(original.read_bytes()).hexdigest()
    assert kept.stat().st_mode & 0o777 == 0o400
    assert "archive.stored" in audit_actions(app)
    assert app.store.verify_audit().ok


def test_a_receipt_attached_later_with_slash_attach_is_archived(app: App) -> None:
    say(app, "e007", "/expense 8000 supplies 2026-11-18 モニターアーム vendor=Amazon")
    req = records.get_request(app.store, 1)
    assert req is not None and req.status == "needs_info"  # ¥3,000 or more: it waits for the receipt
    assert rows(app) == []
    arm = receipt(app, "arm.pdf")
    say(app, "e007", f"/attach 1 {arm}")
    (entry,) = rows(app)
    assert (entry["request_id"], entry["tx_date"], entry["amount"], entry["vendor"]) == (
        1,
        "2026-11-18",
        8000,
        "Amazon",
    )
    assert entry["name"] == "arm.pdf"
    assert Path(str(entry["path"])).read_bytes() == arm.read_bytes()


def test_receipts_kept_before_the_archive_existed_are_archived_on_first_use(app: App) -> None:
    # A claim from the version before: its receipt in the content-hash store, an attachments row, no entry.
    say(app, "e007", "/expense 4500 books 2026-10-02 技術書 vendor=紀伊國屋書店")
    old = receipt(app, "old.pdf")
    from handlers.receipts import store_file

    path, sha, size = store_file(str(old), app.services)
    with app.store.tx():
        records.add_attachment(
            app.store, 1, "old.pdf", path, sha, size, added_by="e007", at="2026-10-03T09:00:00+09:00"
        )
    assert rows(app) == []
    (found,) = search(app.services, Query(vendor="紀伊國屋"))
    assert (found.request_id, found.stored_by, found.stored_at) == (1, "e007", "2026-10-03T09:00:00+09:00")
    assert Path(found.path).read_bytes() == old.read_bytes()


@pytest.mark.parametrize(
    ("tx", "month", "years", "until"),
    [
        ("2026-11-20", 3, 7, "2034-05-31"),  # FY ends 2027-03-31; deadline 2027-05-31; 7 years from 2027-06-01
        ("2027-03-31", 3, 7, "2034-05-31"),  # the fiscal year's last day: the same year
        ("2027-04-01", 3, 7, "2035-05-31"),  # the next fiscal year
        ("2026-11-20", 12, 7, "2034-02-28"),  # December year end: deadline end of February
        ("2027-06-15", 12, 7, "2035-02-28"),
        ("2026-11-20", 3, 10, "2037-05-31"),  # a loss year: 10 years
        ("2026-11-20", 11, 7, "2034-01-31"),  # November year end: the deadline is in the next calendar year
    ],
)
def test_the_retention_period_runs_from_the_day_after_the_filing_deadline(
    tx: str, month: int, years: int, until: str
) -> None:
    policy = Archive(retention_years=years, fiscal_year_end_month=month)
    assert archive.retain_until(dt.date.fromisoformat(tx), policy) == dt.date.fromisoformat(until)


# -- searching -------------------------------------------------------------------------------------


@pytest.fixture
def filed(app: App) -> App:
    """Five receipts of two people: dates, amounts and vendors to search by."""
    file_claim(app, "e007", "3200 transport 2026-11-20 タクシー 客先へ", "日本交通", "taxi.pdf")  # 1
    file_claim(app, "e007", "4800 meeting 2026-11-10 打合せ", "ｽﾀｰﾊﾞｯｸｽ", "sbux1.pdf")  # 2
    file_claim(app, "e008", "15000 supplies 2026-11-05 椅子", "STARBUCKS COFFEE", "sbux2.pdf")  # 3
    file_claim(app, "e008", "6000 books 2026-10-15 技術書", None, "book.pdf")  # 4: no vendor
    file_claim(app, "e007", "52000 software 2026-11-02 ライセンス", "Ｓｏｆｔ Ｃｏ", "soft.pdf")  # 5
    assert len(rows(app)) == 5
    return app


def ids(found: list[archive.Entry]) -> list[int]:
    return [e.request_id for e in found]


def test_search_by_each_key_alone(filed: App) -> None:
    s = filed.services
    assert ids(search(s, Query(date_from=dt.date(2026, 11, 10)))) == [2, 1]
    assert ids(search(s, Query(date_to=dt.date(2026, 11, 4)))) == [4, 5]
    assert ids(search(s, Query(min_yen=6000))) == [4, 5, 3]
    assert ids(search(s, Query(max_yen=4800))) == [2, 1]
    assert ids(search(s, Query(vendor="交通"))) == [1]
    assert ids(search(s, Query(vendor_missing=True))) == [4]


def test_search_with_ranges_and_conditions_combined(filed: App) -> None:
    s = filed.services
    november = {"date_from": dt.date(2026, 11, 1), "date_to": dt.date(2026, 11, 30)}
    assert ids(search(s, Query(**november))) == [5, 3, 2, 1]  # type: ignore[arg-type]
    assert ids(search(s, Query(**november, min_yen=4000, max_yen=20000))) == [3, 2]  # type: ignore[arg-type]
    assert ids(search(s, Query(**november, vendor="スターバックス", max_yen=10000))) == [2]  # type: ignore[arg-type]
    assert ids(search(s, Query(**november, vendor="starbucks", min_yen=10000))) == [3]  # type: ignore[arg-type]
    assert search(s, Query(**november, vendor="starbucks", max_yen=10000)) == []  # type: ignore[arg-type]
    # The bounds are inclusive, on both keys.
    assert ids(search(s, Query(date_from=dt.date(2026, 11, 5), date_to=dt.date(2026, 11, 10)))) == [3, 2]
    assert ids(search(s, Query(min_yen=3200, max_yen=4800))) == [2, 1]
    assert search(s, Query(vendor="スターバックス", min_yen=20000)) == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("スターバックス", [2]),  # full-width katakana finds the half-width ｽﾀｰﾊﾞｯｸｽ
        ("ｽﾀｰﾊﾞｯｸｽ", [2]),
        ("starbucks", [3]),  # any case finds STARBUCKS COFFEE
        ("Starbucks Coffee", [3]),
        ("ＳＴＡＲＢＵＣＫＳ", [3]),  # full-width Latin too
        ("soft co", [5]),  # the stored Ｓｏｆｔ Ｃｏ is full width
        ("100%", []),  # a % is a character, not a wildcard
    ],
)
def test_a_vendor_is_found_whatever_its_width_and_case(filed: App, typed: str, expected: list[int]) -> None:
    assert ids(search(filed.services, Query(vendor=typed))) == expected


def test_the_command_line_search_prints_the_table(cli_env: App, capsys: pytest.CaptureFixture[str]) -> None:
    file_claim(cli_env, "e007", "4800 meeting 2026-11-10 打合せ", "ｽﾀｰﾊﾞｯｸｽ", "sbux1.pdf")
    file_claim(cli_env, "e008", "15000 supplies 2026-11-05 椅子", "STARBUCKS COFFEE", "sbux2.pdf")
    capsys.readouterr()
    assert main(["receipts", "search", "--from", "2026-11-01", "--to", "2026-11-30", "--vendor", "スターバックス",
                 "--max", "5000"]) == 0  # fmt: skip
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0].split() == ["id", "取引年月日", "金額", "取引先", "申請", "ファイル", "版"]
    assert lines[1].split() == ["R1", "2026-11-10", "4,800", "ｽﾀｰﾊﾞｯｸｽ", "#1", "sbux1.pdf", "v1"]
    assert len(lines) == 2 and "1件" in out.err
    with pytest.raises(SystemExit):
        main(["receipts", "search", "--min", "abc"])
    assert "not a yen amount: 'abc'" in capsys.readouterr().err


# -- from chat ---------------------------------------------------------------------------------------


def test_finance_searches_everyones_receipts_in_chat(filed: App) -> None:
    said = say(filed, "e003", "/領収書 2026-11 vendor=スターバックス min=1000")
    assert said.splitlines()[:2] == [
        "領収書の検索結果(1件)",
        "条件: 取引日 2026-11-01〜2026-11-30 / 金額 ¥1,000〜 / 取引先「スターバックス」を含む",
    ]
    assert "R2 2026-11-10 ¥4,800 ｽﾀｰﾊﾞｯｸｽ #2 sbux1.pdf v1" in said
    english = say(filed, "e001", "/receipts 2026-11-01..2026-11-30 vendor=STARBUCKS")  # admin
    assert "#3 sbux2.pdf" in english and "ｽﾀｰﾊﾞｯｸｽ" not in english
    assert "R4 2026-10-15 ¥6,000 (取引先なし) #4" in say(filed, "e002", "/receipts vendor=なし")


def test_an_employee_sees_only_their_own_receipts(filed: App) -> None:
    said = say(filed, "e008", "/receipts 2026-11")  # Emily Clark reads English
    assert "Only receipts of your own claims are shown" in said
    assert "#3 sbux2.pdf" in said and "#1 " not in said and "#2 " not in said
    assert "Receipts found: 1" in said
    assert "#4 " in say(filed, "e008", "/receipts vendor=none")
    own = say(filed, "e007", "/領収書 2026-11")
    assert "ご自身の申請の領収書のみ" in own and "#3 " not in own and "#1 taxi.pdf" in own


def test_unreadable_search_words_get_the_usage_politely(filed: App) -> None:
    said = say(filed, "e003", "/receipts min=たくさん")
    assert "金額「たくさん」が読み取れません" in said and "/領収書 2026-11" in said
    assert "範囲の始まり" in say(filed, "e003", "/receipts min=5000 max=1000")
    alone = say(filed, "e003", "/receipts")  # no conditions: the usage, nothing listed
    assert "/領収書 [期間]" in alone and "検索結果" not in alone


# -- versions -----------------------------------------------------------------------------------------


def test_a_claim_fixed_and_resubmitted_makes_version_2_and_keeps_version_1(app: App) -> None:
    say(app, "e007", "/expense 9000 supplies 2026-11-20 机")  # waits for its receipt
    say(app, "e007", f"/attach 1 {receipt(app, 'desk.pdf')}")
    say(app, "e006", "/changes 1 金額と取引先を領収書どおりに")
    req = records.get_request(app.store, 1)
    assert req is not None
    from dataclasses import replace

    fixed = replace(req.details, amount=req.details.amount - 1000, vendor="ニトリ")  # type: ignore[arg-type, attr-defined]
    e007 = app.directory.require("e007")
    assert app.services.workflow.update(1, e007, fixed, action="resubmitted").ok
    (latest,) = search(app.services, Query(vendor="ニトリ"))
    assert (latest.version, latest.supersedes, latest.amount, latest.source) == (2, 1, 8000, "claim")
    assert (latest.stored_by, latest.reason) == ("e007", "request.resubmitted")
    first, second = archive.versions(app.services, latest.attachment_id)
    assert (first.amount, first.vendor, first.latest) == (9000, "", False)
    assert second.path == first.path  # the same original, never copied again
    assert ids(search(app.services, Query(max_yen=8500, all_versions=True))) == [1]
    assert [e.version for e in search(app.services, Query(all_versions=True))] == [1, 2]
    assert "archive.versioned" in audit_actions(app)
    assert app.store.verify_audit().ok


def test_a_foreign_claim_gets_its_yen_amount_as_a_new_version_when_finance_fixes_it(app: App) -> None:
    say(
        app,
        "e007",
        f"/expense $45.20 books 2026-11-20 O'Reilly ebook vendor=O'Reilly receipt={receipt(app, 'inv.pdf')}",
    )
    (entry,) = rows(app)
    assert entry["amount"] is None
    assert "(円換算前)" in say(app, "e003", "/receipts 2026-11")
    say(app, "e006", "/approve 1")
    say(app, "e002", "/approve 1 yen=7,010 rate 155.1")
    (latest,) = search(app.services, Query(min_yen=7000))
    assert (latest.version, latest.amount, latest.stored_by) == (2, 7010, "e002")


def test_finance_corrects_an_entry_on_the_command_line_and_both_versions_stay(
    cli_env: App, capsys: pytest.CaptureFixture[str]
) -> None:
    file_claim(cli_env, "e007", "4800 meeting 2026-11-10 打合せ", "スタバ", "sbux1.pdf")
    capsys.readouterr()
    code = main(["receipts", "correct", "R1", "--amount", "4,850", "--vendor", "スターバックス 渋谷店",
                 "--reason", "領収書の金額と店名どおりに", "--by", "e003"])  # fmt: skip
    assert code == 0
    assert "R1 を訂正し、新しい版 R2(v2)として保管しました" in capsys.readouterr().out
    one, two = (archive.get(cli_env.services, i) for i in (1, 2))
    assert one is not None and two is not None
    assert (one.amount, one.vendor, one.latest) == (4800, "スタバ", False)
    assert (two.amount, two.vendor, two.supersedes, two.source, two.stored_by) == (4850, "スターバックス 渋谷店", 1,
                                                                                 "correction", "e003")  # fmt: skip
    assert two.tx_date == one.tx_date and two.sha256 == one.sha256
    # The correction stands: the claim has not changed since, so no version follows it back.
    assert ids(search(cli_env.services, Query(vendor="スターバックス"))) == [1]
    entry = cli_env.store.query("SELECT data FROM audit_log WHERE action = 'archive.corrected'")[0]
    data = json.loads(entry["data"])
    assert (data["was"]["amount"], data["now"]["amount"], data["reason"]) == (4800, 4850, "領収書の金額と店名どおりに")
    # An old version is not corrected again, a correction needs a reason, and must change something.
    assert main(["receipts", "correct", "1", "--amount", "1", "--reason", "x"]) == 1
    assert "最新の版 R2" in capsys.readouterr().err
    assert main(["receipts", "correct", "2", "--amount", "4850", "--reason", "x"]) == 1
    assert "訂正する項目" in capsys.readouterr().err
    assert main(["receipts", "correct", "2", "--amount", "1", "--reason", " "]) == 1
    assert "理由" in capsys.readouterr().err
    assert main(["receipts", "correct", "2", "--amount", "1", "--reason", "x", "--by", "nobody"]) == 2
    assert "社員名簿にありません" in capsys.readouterr().err
    by_mail = ["--by", "suzuki@hikari-works.example"]
    assert main(["receipts", "correct", "2", "--amount", "4900", "--reason", "再訂正", *by_mail]) == 0
    assert archive.get(cli_env.services, 3).stored_by == "e003"  # type: ignore[union-attr]


# -- never deleted, never overwritten -------------------------------------------------------------


def test_a_deletion_inside_the_retention_period_is_refused_and_logged(
    cli_env: App, capsys: pytest.CaptureFixture[str]
) -> None:
    file_claim(cli_env, "e007", "3200 transport 2026-11-20 タクシー", "日本交通", "taxi.pdf")
    capsys.readouterr()
    assert main(["receipts", "delete", "R1", "--by", "e003", "--reason", "不要"]) == 1
    err = capsys.readouterr().err
    assert "保存期間中(2034-05-31 まで)のため削除できません" in err and "監査ログに記録しました" in err
    refused = cli_env.store.query(
        "SELECT actor, request_id, data FROM audit_log WHERE action = 'archive.delete_refused'"
    )
    assert [(r["actor"], r["request_id"]) for r in refused] == [("e003", 1)]
    assert json.loads(refused[0]["data"])["retain_until"] == "2034-05-31"
    (entry,) = rows(cli_env)
    assert entry["deleted_at"] is None and Path(str(entry["path"])).is_file()
    assert cli_env.store.verify_audit().ok


def test_after_the_retention_period_a_deletion_keeps_the_row_marked_and_removes_the_file(app: App) -> None:
    file_claim(app, "e007", "3200 transport 2026-11-20 タクシー", "日本交通", "taxi.pdf")
    (entry,) = rows(app)
    settings = Settings(
        db=app.settings.db, knowledge_dir=ROOT / "knowledge", attachments_dir=app.settings.attachments_dir
    )
    with pytest.raises(archive.ArchiveRefused):  # the last day of the period is still inside it
        later = build_app(settings, FixedClock("2034-05-31T23:00"))
        try:
            archive.delete(later.services, 1, "e003")
        finally:
            later.close()
    later = build_app(settings, FixedClock("2034-06-01T09:00"))
    try:
        gone = archive.delete(later.services, 1, "e003", "保存期間満了")
        assert [e.deleted_at for e in gone] == ["2034-06-01T09:00:00+09:00"]
        assert not Path(str(entry["path"])).exists()
        (row,) = later.store.query("SELECT deleted_by, sha256 FROM archive_entries")
        assert row == {"deleted_by": "e003", "sha256": entry["sha256"]}  # the row and its record stay
        assert search(later.services, Query()) == []
        assert archive.verify(later.services) == []  # a deleted entry is not missing
        assert [a for a in audit_actions(later) if a.startswith("archive.delete")] == [
            "archive.delete_refused", "archive.deleted",
        ]  # fmt: skip
        assert later.store.verify_audit().ok
    finally:
        later.close()


def test_an_archived_original_cannot_be_overwritten(cli_env: App, capsys: pytest.CaptureFixture[str]) -> None:
    file_claim(cli_env, "e007", "3200 transport 2026-11-20 タクシー", "日本交通", "taxi.pdf")
    (entry,) = rows(cli_env)
    assert Path(str(entry["path"])).stat().st_mode & 0o777 == 0o400
    capsys.readouterr()
    assert main(["receipts", "replace", "R1", "other.pdf", "--by", "e003"]) == 1
    assert "原本は差し替えられません" in capsys.readouterr().err
    assert "archive.overwrite_refused" in audit_actions(cli_env)
    # Nor through the database: its triggers refuse a changed or removed row.
    conn = sqlite3.connect(cli_env.settings.db)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="never changed"):
            conn.execute("UPDATE archive_entries SET amount = 1 WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            conn.execute("DELETE FROM archive_entries")
    finally:
        conn.close()
    # The same file filed again is the same archived copy, untouched.
    before = Path(str(entry["path"])).stat().st_mtime_ns
    file_claim(cli_env, "e008", "3200 transport 2026-11-21 タクシー", "日本交通", "taxi.pdf")
    assert [r["path"] for r in rows(cli_env)] == [entry["path"], entry["path"]]
    assert Path(str(entry["path"])).stat().st_mtime_ns == before


# -- verifying and exporting --------------------------------------------------------------------------


def test_verify_reports_a_changed_or_missing_file(cli_env: App, capsys: pytest.CaptureFixture[str]) -> None:
    file_claim(cli_env, "e007", "3200 transport 2026-11-20 タクシー", "日本交通", "taxi.pdf")
    file_claim(cli_env, "e007", "4800 meeting 2026-11-10 打合せ", "スタバ", "sbux.pdf")
    assert main(["receipts", "verify"]) == 0
    assert "2件すべて" in capsys.readouterr().out
    first, second = rows(cli_env)
    tampered = Path(str(first["path"]))
    os.chmod(tampered, 0o600)
    tampered.write_bytes(b"%PDF-1.4\n% edited\n")
    Path(str(second["path"])).unlink()
    assert main(["receipts", "verify"]) == 1
    err = capsys.readouterr().err
    assert "R1: ファイルが変更されています" in err and "R2: ファイルがありません" in err


def test_an_export_for_a_tax_audit_has_the_originals_and_an_index(
    cli_env: App, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    file_claim(cli_env, "e007", "3200 transport 2026-11-20 タクシー", "日本交通", "taxi.pdf")
    file_claim(cli_env, "e008", "15000 supplies 2026-11-05 椅子", "STARBUCKS COFFEE", "chair.pdf")
    file_claim(cli_env, "e008", "6000 books 2026-10-15 技術書", None, "book.pdf")  # outside the period
    assert main(["receipts", "correct", "2", "--vendor", "スターバックス", "--reason", "店名", "--by", "e003"]) == 0
    dest = tmp_path / "audit-2026-11"
    assert main(["receipts", "export", "--from", "2026-11-01", "--to", "2026-11-30", str(dest)]) == 0
    assert "3件を" in capsys.readouterr().out
    raw = (dest / "index.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # UTF-8 with a BOM, for Excel
    with (dest / "index.csv").open(encoding="utf-8-sig", newline="") as f:
        index = list(csv.DictReader(f))
    assert list(index[0]) == ["id", "取引年月日", "取引金額", "取引先", "request_id", "file", "sha256", "stored_at",
                              "version", "supersedes"]  # fmt: skip
    assert [(r["id"], r["取引年月日"], r["取引金額"], r["取引先"], r["request_id"], r["version"], r["supersedes"])
            for r in index] == [
        ("2", "2026-11-05", "15000", "STARBUCKS COFFEE", "2", "1", ""),
        ("4", "2026-11-05", "15000", "スターバックス", "2", "2", "2"),
        ("1", "2026-11-20", "3200", "日本交通", "1", "1", ""),
    ]  # fmt: skip
    assert [r["file"] for r in index] == [
        "20261105_15000_STARBUCKS-COFFEE_2.pdf", "20261105_15000_スターバックス_4.pdf", "20261120_3200_日本交通_1.pdf",
    ]  # fmt: skip
    for r in index:
        assert hashlib.sha256((dest / r["file"]).read_bytes()).hexdigest() == r["sha256"]
    assert sorted(p.name for p in dest.iterdir()) == sorted([*(r["file"] for r in index), "index.csv"])
    assert "archive.exported" in audit_actions(cli_env)
    # A folder with something in it is never written into.
    assert main(["receipts", "export", "--from", "2026-11-01", "--to", "2026-11-30", str(dest)]) == 1
    assert "空ではありません" in capsys.readouterr().err


def test_an_export_leaves_out_a_changed_file_and_says_so(
    cli_env: App, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    file_claim(cli_env, "e007", "3200 transport 2026-11-20 タクシー", "日本交通", "taxi.pdf")
    (entry,) = rows(cli_env)
    os.chmod(str(entry["path"]), 0o600)
    Path(str(entry["path"])).write_bytes(b"%PDF-1.4\n% edited\n")
    dest = tmp_path / "out"
    assert main(["receipts", "export", "--from", "2026-11-01", "--to", "2026-11-30", str(dest)]) == 1
    assert "R1: ファイルが変更されています" in capsys.readouterr().err
    with (dest / "index.csv").open(encoding="utf-8-sig", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert row["file"] == "" and row["sha256"] == entry["sha256"]
    assert sorted(p.name for p in dest.iterdir()) == ["index.csv"]


def test_the_archive_folder_and_its_files_are_private_whatever_the_umask(app: App) -> None:
    old = os.umask(0)
    try:
        file_claim(app, "e007", "3200 transport 2026-11-20 タクシー", "日本交通", "taxi.pdf")
    finally:
        os.umask(old)
    folder = Path(app.settings.attachments_dir) / "archive"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert [p.stat().st_mode & 0o777 for p in folder.iterdir()] == [0o400]  # no temporary file left behind


def test_a_fix_and_resubmit_versions_the_receipt_in_the_same_transaction(app: App) -> None:
    say(app, "e007", "/expense 9000 supplies 2026-11-20 机")
    say(app, "e007", f"/attach 1 {receipt(app, 'desk.pdf')}")
    say(app, "e006", "/changes 1 取引先を")
    say(app, "e007", "修正 #1 支払先=ニトリ")  # Workflow.update calls the archive inside its own transaction
    policy = app.rules.accounting.archive
    with app.store.tx():
        assert archive.follow_request(app.store, policy, 1, app.services.now_iso()) == 0  # nothing left to follow
    assert [(r["version"], r["vendor"]) for r in rows(app)] == [(1, ""), (2, "ニトリ")]
    assert app.store.verify_audit().ok


def test_a_vendor_that_looks_like_a_formula_is_text_in_the_audit_index(
    cli_env: App, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The index is opened in Excel: a vendor typed as 「=HYPERLINK(…)」 or 「@SUM(…)」 must not run there."""
    file_claim(cli_env, "e007", "3200 transport 2026-11-20 タクシー", "@SUM(1+1)", "taxi.pdf")
    dest = tmp_path / "audit"
    assert main(["receipts", "export", "--from", "2026-11-01", "--to", "2026-11-30", str(dest)]) == 0
    with (dest / "index.csv").open(encoding="utf-8-sig", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert row["取引先"] == "'@SUM(1+1)"
