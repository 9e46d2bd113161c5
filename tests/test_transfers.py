"""Reimbursement transfers (bot/transfers): 名義カナ normalisation, the bank details import and its masked
listing, the chat commands for finance, and marking a batch paid (each requester told once)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import stat
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.cards import notification_reply
from bot.cli import main
from bot.clock import FixedClock
from bot.config import Settings
from bot.store import records
from bot.transfers import bank, kana, payments, zengin
from handlers import Inbound
from tests.test_zengin import BANK_CSV, approved, import_bank, make_batch

ROOT = Path(__file__).resolve().parents[1]
SECRETS = ("1234567", "98765", "4321")  # the account numbers of BANK_CSV, as typed


# -- 名義カナ --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("ワタナベ　ケンタ", "ﾜﾀﾅﾍﾞ ｹﾝﾀ"),  # full-width katakana and space; ベ → ﾍﾞ (two characters)
        ("わたなべ けんた", "ﾜﾀﾅﾍﾞ ｹﾝﾀ"),  # hiragana
        ("キュウ", "ｷﾕｳ"),  # small kana → large
        ("ｷｭｳ", "ｷﾕｳ"),  # half-width small kana too
        ("サトー", "ｻﾄ-"),  # the long-vowel mark → -
        ("ﾊﾟｸ ｼﾞｮﾝ", "ﾊﾟｸ ｼﾞﾖﾝ"),
        ("ヴィクトリア", "ｳﾞｲｸﾄﾘｱ"),
        ("ＳＭＩＴＨ　ｊｏｈｎ", "SMITH JOHN"),  # full-width letters → ASCII upper case
        ("ヤマダ（カ）", "ﾔﾏﾀﾞ(ｶ)"),
        ("  タナカ   タロウ ", "ﾀﾅｶ ﾀﾛｳ"),
        ("ガッコウ１２３", "ｶﾞﾂｺｳ123"),
    ],
)
def test_names_are_normalised_to_the_safe_set(typed: str, written: str) -> None:
    assert kana.normalise(typed) == written
    assert kana.is_safe(written)
    assert written.encode("cp932") == written.encode("shift_jis") and all(
        b < 0x80 or 0xA1 <= b <= 0xDF for b in written.encode("cp932")
    )


@pytest.mark.parametrize(("typed", "char", "position"), [
    ("山田", "山", 1), ("ジョン・スミス", "・", 4), ("カヲル", "ヲ", 2), ("ヰセキ", "ヰ", 1), ("ﾀﾅｶ,ﾀﾛｳ", ",", 4),
    ("ｦﾀﾞ", "ｦ", 1), ("タナカ😀", "😀", 4),
])  # fmt: skip
def test_anything_else_is_refused_naming_the_character(typed: str, char: str, position: int) -> None:
    with pytest.raises(kana.KanaError) as refused:
        kana.normalise(typed)
    assert (refused.value.char, refused.value.position) == (char, position)


# -- bank details ----------------------------------------------------------------------------


def test_every_bad_row_is_reported_by_line_and_column_and_nothing_is_imported(app: App, tmp_path: Path) -> None:
    import_bank(app, tmp_path, "employee,bank_code,branch_code,account_type,account_number,holder_kana\n"
                               "e007,0001,001,普通,1111111,ワタナベ ケンタ\n")  # fmt: skip
    bad = (
        "employee,bank_code,branch_code,account_type,account_number,holder_kana\n"
        "e007,0001,001,普通,2222222,ワタナベ ケンタ\n"  # fine, but the file as a whole is refused
        "e999,0001,001,普通,1234567,ダレカ\n"
        "e008,12345,001,普通,1234567,クラーク\n"
        "e009,0001,001,定期,12345678,ナカムラ\n"
        "e010,0001,001,普通,7654321,小林\n"
        "e011,0001,001,普通,7654321,\n"
        "e007,0001,001,普通,3333333,ワタナベ\n"
    )
    path = tmp_path / "bad.csv"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(bank.BankImportError) as refused:
        bank.import_file(app.store, app.directory, path, app.services.now_iso(), "e003", "en")
    problems = refused.value.problems
    assert [p.split(":")[0] for p in problems] == [
        "Line 3, employee",
        "Line 4, bank_code (e008 Emily Clark)",
        "Line 5, account_type (e009 Yui Nakamura)",
        "Line 5, account_number (e009 Yui Nakamura)",
        "Line 6, holder_kana (e010 Ren Kobayashi)",
        "Line 7, holder_kana (e011 Sakura Kato)",
        "Line 8, employee",
    ]
    assert "'小'" in problems[4] and "e999" in problems[0] and "line 2" in problems[6]
    assert not any(secret in " ".join(problems) for secret in ("12345678", "7654321", "12345"))
    # Nothing half-imported: Watanabe's old account stands, nobody else has one.
    assert [(a.employee_id, a.account_number) for a in bank.all_accounts(app.store)] == [("e007", "1111111")]


def test_the_template_is_a_valid_file(app: App) -> None:
    [example] = bank.parse(bank.template_csv().encode("utf-8"), app.directory, "en")
    assert (example.employee_id, example.bank_code, example.holder_kana) == ("e001", "0001", "ﾔﾏﾀﾞ ﾋｶﾙ")
    assert bank.template_csv().splitlines()[0].split(",")[:6] == list(bank.COLUMNS)


def test_excel_files_in_shift_jis_with_dropped_zeros_are_read(app: App) -> None:
    data = "employee,bank_code,branch_code,account_type,account_number,holder_kana\r\ne007,1,1,1,567,ワタナベ\r\n"
    [a] = bank.parse(data.encode("cp932"), app.directory, "ja")
    assert (a.bank_code, a.branch_code, a.account_number, a.holder_kana) == ("0001", "001", "0000567", "ﾜﾀﾅﾍﾞ")


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BACKOFFICE_DB", str(tmp_path / "bot.db"))
    monkeypatch.setenv("BACKOFFICE_KNOWLEDGE_DIR", str(ROOT / "knowledge"))
    monkeypatch.setenv("BACKOFFICE_ATTACHMENTS_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("BACKOFFICE_NOW", "2026-11-24T10:00")
    monkeypatch.setenv("BACKOFFICE_LOCALE", "en")
    return tmp_path


def test_bank_import_and_list_show_no_account_number_in_output_log_or_audit(
    cli_env: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    (cli_env / "bank.csv").write_text(BANK_CSV, encoding="utf-8")
    caplog.set_level(logging.DEBUG)
    assert main(["bank", "import", str(cli_env / "bank.csv")]) == 0
    imported = capsys.readouterr()
    assert "Imported bank details for 3 people." in imported.out
    assert "delete it" in imported.err
    assert main(["bank", "list"]) == 0
    listed = capsys.readouterr().out
    assert "e007 Shota Watanabe  0001-001  ordinary ****567  ﾜﾀﾅﾍﾞ ｹﾝﾀ" in listed
    assert "e008 Emily Clark  0005-012  current ****765" in listed and "****321" in listed
    everything = imported.out + imported.err + listed + caplog.text
    assert not any(secret in everything for secret in SECRETS)
    audit = json.dumps([dict(r) for r in _audit_rows(cli_env / "bot.db")], ensure_ascii=False)
    assert "bank.imported" in audit and "e008" in audit
    assert not any(secret in audit for secret in SECRETS) and "ﾜﾀﾅﾍﾞ" not in audit


def _audit_rows(db: Path) -> list[dict[str, object]]:
    import sqlite3

    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT action, data FROM audit_log")]
    finally:
        conn.close()


def test_cli_transfer_file_then_paid_then_paid_again(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(db=cli_env / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=cli_env / "files")
    app = build_app(settings, FixedClock("2026-11-24T10:00"))
    try:
        ids = [approved(app, "e007", "/expense 500 supplies 2026-11-20 文具"),
               approved(app, "e008", "/expense 1200 transport 2026-11-19 taxi")]  # fmt: skip
        import_bank(app, cli_env)
        batch_id = make_batch(app, ids)
    finally:
        app.close()
    out = cli_env / "zengin.txt"
    assert main(["transfers", "file", batch_id, "--date", "2026-12-10", "--out", str(out)]) == 0
    said = capsys.readouterr()
    assert said.out.strip() == str(out) and "2 people, ¥1,700 in all" in said.err
    assert "bank business day" in said.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [r["kind"] for r in zengin.parse(out.read_bytes())] == ["1", "2", "2", "8", "9"]
    assert main(["transfers", "file", batch_id, "--date", "2026-12-12"]) == 2  # a Saturday
    assert "bank holiday" in capsys.readouterr().err

    assert main(["transfers", "paid", batch_id, "--date", "2026-12-10"]) == 0
    assert f"Marked batch {batch_id} paid on 2026-12-10 (2 people, ¥1,700 in all)" in capsys.readouterr().out
    assert main(["transfers", "paid", batch_id, "--date", "2026-12-11"]) == 2
    assert "already paid on 2026-12-10" in capsys.readouterr().err
    assert main(["transfers", "file", batch_id, "--date", "2026-12-14"]) == 2  # paid: no second file to upload
    assert "already paid" in capsys.readouterr().err


# -- chat ------------------------------------------------------------------------------------


def _batch(app: App, tmp_path: Path) -> tuple[str, list[int]]:
    ids = [
        approved(app, "e007", "/expense 500 supplies 2026-11-20 文具"),
        approved(app, "e008", "/expense 1200 transport 2026-11-19 taxi"),
        approved(app, "e007", "/expense 700 supplies 2026-11-21 ノート"),
    ]
    import_bank(app, tmp_path)
    return make_batch(app, ids), ids


def test_finance_gets_the_file_in_a_direct_message_and_no_reply_shows_an_account(app: App, tmp_path: Path) -> None:
    batch_id, _ = _batch(app, tmp_path)
    [reply] = app.router.handle(Inbound(app.directory.require("e003"), f"/振込 {batch_id} 2026-12-10"))
    assert reply.file is not None and reply.to is None
    assert reply.file.name == f"zengin-{batch_id}-20261210.txt"
    assert f"バッチ {batch_id} の総合振込ファイル" in reply.text and "2人、合計 ¥2,400" in reply.text
    path = Path(reply.file.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.parent == tmp_path / "transfers"
    parsed = zengin.parse(path.read_bytes())
    assert [(r.get("account_number"), r.get("amount")) for r in parsed[1:3]] == [
        ("1234567", "0000001200"), ("0098765", "0000001200")
    ]  # fmt: skip
    assert not any(secret in reply.text for secret in SECRETS)
    [english] = app.router.handle(Inbound(app.directory.require("e001"), f"/transfer {batch_id} 12/11", locale="en"))
    assert english.file is not None  # admins too; 12/11 read as the coming 11 December


@pytest.mark.parametrize(("who", "said"), [
    ("e007", "申し訳ありませんが、振込ファイルと支払済みの登録は経理の方だけが使えます。"),
    ("e008", "Sorry, transfer files and marking batches paid are for finance only."),
])  # fmt: skip
def test_others_are_refused_politely(app: App, tmp_path: Path, who: str, said: str) -> None:
    batch_id, _ = _batch(app, tmp_path)
    for command in (f"/transfer {batch_id} 2026-12-10", f"/paid {batch_id} 2026-12-10"):
        [reply] = app.router.handle(Inbound(app.directory.require(who), command))
        assert reply.text == said and reply.file is None
    assert app.store.query("SELECT * FROM transfer_payments") == []
    assert not (tmp_path / "transfers").exists()


def test_chat_usage_and_refusals_in_the_askers_language(app: App, tmp_path: Path) -> None:
    batch_id, _ = _batch(app, tmp_path)
    finance = app.directory.require("e003")
    [usage] = app.router.handle(Inbound(finance, "/振込"))
    assert usage.text.startswith("使い方: /振込 バッチ番号 振込日")
    [unknown] = app.router.handle(Inbound(finance, "/transfer B209901-01 2026-12-10"))
    assert "バッチ B209901-01 はありません" in unknown.text
    [saturday] = app.router.handle(Inbound(finance, f"/transfer {batch_id} 2026-12-12"))
    assert "2026-12-12 は銀行の休業日です" in saturday.text and saturday.file is None


def test_paid_tells_each_requester_once_with_date_and_amount_in_their_language(app: App, tmp_path: Path) -> None:
    batch_id, ids = _batch(app, tmp_path)
    before = {who: len(records.undelivered(app.store, who)) for who in ("e007", "e008")}
    [reply] = app.router.handle(Inbound(app.directory.require("e003"), f"/支払済 {batch_id} 2026-12-10"))
    assert reply.text == (
        f"バッチ {batch_id} を 2026-12-10 に支払済みにしました(2人、合計 ¥2,400)。各申請者に振込日を通知します。"
    )

    notices = {}
    for who in ("e007", "e008"):
        got = [n for n in records.undelivered(app.store, who) if n["event"] == payments.EVENT]
        assert len(got) == 1 and len(records.undelivered(app.store, who)) == before[who] + 1
        notices[who] = notification_reply(got[0]["event"], got[0]["request_id"], got[0]["data"], app.services,
                                          app.directory.require(who))  # fmt: skip
    assert notices["e007"].text == (
        f"経費精算 #{ids[0]}, #{ids[2]} の立替金 ¥1,200 を 2026-12-10 にお振り込みします(バッチ {batch_id})。"
    )
    assert notices["e008"].text == (
        f"Your reimbursement of ¥1,200 for #{ids[1]} is transferred on 2026-12-10 (batch {batch_id})."
    )
    assert notices["e007"].to == "e007"

    [again] = app.router.handle(Inbound(app.directory.require("e002"), f"/paid {batch_id} 2026-12-11"))
    assert again.text == f"バッチ {batch_id} は 2026-12-10 に支払済みです。通知は再送していません。"
    for who in ("e007", "e008"):
        assert len([n for n in records.undelivered(app.store, who) if n["event"] == payments.EVENT]) == 1
    [entry] = app.store.query("SELECT data FROM audit_log WHERE action = 'transfer.paid'")
    assert json.loads(entry["data"])["people"] == ["e007", "e008"]


def test_replace_forgets_people_not_in_the_file_and_a_bad_out_path_writes_nothing(app: App, tmp_path: Path) -> None:
    import_bank(app, tmp_path)
    only = "employee,bank_code,branch_code,account_type,account_number,holder_kana\ne008,0001,001,1,1,クラーク\n"
    path = tmp_path / "only.csv"
    path.write_text(only, encoding="utf-8")
    bank.import_file(app.store, app.directory, path, app.services.now_iso(), "e003", "en", replace=True)
    assert [(a.employee_id, a.account_number) for a in bank.all_accounts(app.store)] == [("e008", "0000001")]

    batch_id = make_batch(app, [approved(app, "e008", "/expense 1200 transport 2026-11-19 taxi")])
    with pytest.raises(payments.TransferError) as refused:
        payments.write_file(app.services, batch_id, dt.date(2026, 12, 10), tmp_path / "no" / "such" / "z.txt", "e003")
    assert "nothing was written" in refused.value.text("en")
    assert app.store.query("SELECT * FROM transfer_files") == []


@pytest.mark.parametrize("umask", [0o000, 0o777])
def test_the_transfer_file_is_0600_whatever_the_umask(app: App, tmp_path: Path, umask: int) -> None:
    batch_id, _ = _batch(app, tmp_path)
    old = os.umask(umask)
    try:
        written = payments.write_file(app.services, batch_id, dt.date(2026, 12, 10), None, "e003")
    finally:
        os.umask(old)
    assert stat.S_IMODE(written.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(written.path.parent.stat().st_mode) == 0o700
