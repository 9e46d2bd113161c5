"""Journal export from chat (/export, /仕訳) over the console and the router, and from the command line."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from rich.console import Console as RichConsole

from bot.accounting import batches
from bot.app import App
from bot.cli import main
from bot.console import ConsoleChat
from handlers import Inbound
from tests.test_journal import GOLDEN, MONTH, ROOT, approve, fill


def console(app: App, who: str) -> tuple[ConsoleChat, io.StringIO]:
    out = io.StringIO()
    chat = ConsoleChat(app, app.directory.require(who), io.StringIO(), RichConsole(file=out, width=200))
    return chat, out


def test_finance_exports_the_month_over_the_console_and_gets_the_file(app: App) -> None:
    fill(app)
    chat, out = console(app, "e003")
    replies = chat.say("/export 2026-11")
    chat.show(replies)
    [reply] = replies
    assert reply.file is not None and reply.to is None  # to the asker only
    path = Path(reply.file.path)
    assert path.read_bytes() == (GOLDEN / "mf.csv").read_bytes()  # accounting.yaml's default format: mf
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and reply.file.name == "journal-B202611-01-mf.csv"
    shown = out.getvalue()
    assert "仕訳バッチ B202611-01" in shown and "7 件" in shown and "¥83,100" in shown
    assert "EXP-6 の摘要" in shown and str(path) in shown  # the emoji replaced, and where the file is
    # The same month again: nothing new, and the earlier batch named.
    [again] = chat.say("/仕訳 2026-11")
    assert again.file is None and "B202611-01 (7)" in again.text


def test_period_and_format_in_any_order_and_a_batch_again(app: App) -> None:
    fill(app)
    finance = app.directory.require("e003")
    [first] = app.router.handle(Inbound(finance, "/export 2026-11-01 2026-11-30 弥生"))
    assert first.file is not None and first.file.name == "journal-B202611-01-yayoi.csv"
    said = "仕訳バッチ B202611-01 を作りました(弥生インポート形式、2026-11-01〜2026-11-30 に承認された 7 件"
    assert said in first.text
    assert "取り込みは1回だけ" in first.text
    assert Path(first.file.path).read_bytes() == (GOLDEN / "yayoi.csv").read_bytes()
    [again] = app.router.handle(Inbound(finance, "/export b202611-01"))
    assert again.file is not None and Path(again.file.path).read_bytes() == (GOLDEN / "yayoi.csv").read_bytes()
    assert "最初のファイルと同一" in again.text
    [other] = app.router.handle(Inbound(finance, "/export B202611-01 mf"))
    assert other.file is None and "yayoi 形式で出力されています" in other.text


@pytest.mark.parametrize("who", ["e007", "e006", "e004"])
def test_anyone_but_finance_or_admin_is_refused_politely(app: App, who: str) -> None:
    fill(app)
    chat, out = console(app, who)
    chat.show(chat.say("/export 2026-11"))
    assert "仕訳の出力は経理担当者(finance)と管理者だけができます" in out.getvalue()
    assert batches.list_batches(app.store) == []
    [english] = app.router.handle(Inbound(app.directory.require("e008"), "/仕訳 2026-11"))  # Emily reads English
    assert english.file is None and english.text.startswith("Only finance and admins can export")
    assert batches.list_batches(app.store) == []


def test_an_admin_may_export_and_bad_words_get_the_usage(app: App) -> None:
    approve(app, *MONTH[3])
    admin = app.directory.require("e001")
    [usage] = app.router.handle(Inbound(admin, "/export november please"))
    assert usage.file is None and "使い方: `/export 2026-11`" in usage.text and "既定 mf" in usage.text
    [empty] = app.router.handle(Inbound(admin, "/export 2026年10月"))
    assert "2026-10-01〜2026-10-31 に承認された経費精算はありません" in empty.text
    [done] = app.router.handle(Inbound(admin, "/export 2026-11 csv"))
    assert done.file is not None and done.file.name == "journal-B202611-01-csv.csv"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BACKOFFICE_DB", str(tmp_path / "bot.db"))
    monkeypatch.setenv("BACKOFFICE_KNOWLEDGE_DIR", str(ROOT / "knowledge"))
    monkeypatch.setenv("BACKOFFICE_ATTACHMENTS_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("BACKOFFICE_NOW", "2026-11-24T10:00")
    monkeypatch.setenv("BACKOFFICE_LOCALE", "en")
    return tmp_path


def test_cli_export_journal_then_again_then_batches(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.app import build_app
    from bot.clock import FixedClock
    from bot.config import Settings

    app = build_app(Settings(), FixedClock("2026-11-24T10:00"))
    try:
        fill(app)
    finally:
        app.close()
    out = cli_env / "out" / "freee.csv"
    assert main(["export", "journal", "--format", "freee", "--from", "2026-11-01", "--to", "2026-11-30",
                 "--out", str(out)]) == 0  # fmt: skip
    said = capsys.readouterr()
    assert said.out.strip() == str(out) and "Made journal batch B202611-01" in said.err
    assert out.read_bytes() == (GOLDEN / "freee.csv").read_bytes() and stat.S_IMODE(out.stat().st_mode) == 0o600
    assert main(["export", "journal", "--format", "mf", "--from", "2026-11-01", "--to", "2026-11-30"]) == 2
    assert "exported already: B202611-01 (7)" in capsys.readouterr().err
    again = cli_env / "again.csv"
    assert main(["export", "journal", "--batch", "B202611-01", "--out", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()
    capsys.readouterr()
    assert main(["export", "batches"]) == 0
    listed = capsys.readouterr().out
    assert "B202611-01  freee  2026-11-01 to 2026-11-30  7 claims" in listed and "cli" in listed
    assert main(["freee", "post", "--batch", "B202611-01"]) == 2
    assert "not configured" in capsys.readouterr().err
    assert main(["export", "journal", "--batch", "B202611-01", "--out", str(cli_env)]) == 2  # a folder
    assert "Cannot write" in capsys.readouterr().err


def test_a_receipt_with_both_rates_typed_in_chat_becomes_one_compound_entry(app: App) -> None:
    from bot.models import ExpenseClaim, Status
    from bot.store import records

    shota = app.directory.require("e007")
    [bad] = app.router.handle(Inbound(shota, "/expense 2000 supplies 2026-11-20 お茶と紙 軽減=2500"))
    assert "軽減税率(8%)分の金額" in bad.text and records.list_requests(app.store, "e007") == []
    app.router.handle(Inbound(shota, "/expense 2000 supplies 2026-11-20 お茶と紙 軽減=500"))
    [req] = records.list_requests(app.store, "e007", [Status.APPROVED])  # ≤ ¥3,000 supplies: approved by the rules
    assert isinstance(req.details, ExpenseClaim) and req.details.reduced_rate_yen == 500
    [reply] = app.router.handle(Inbound(app.directory.require("e003"), "/export 2026-11 yayoi"))
    assert reply.file is not None
    rows = Path(reply.file.path).read_bytes().decode("cp932").splitlines()
    assert [r.split(",")[0] for r in rows] == ["2110", "2101"]
    assert [r.split(",")[7] for r in rows] == ["課対仕入込10%適格", "課対仕入込軽減8%適格"]  # 少額特例: full classes
    assert [r.split(",")[8] for r in rows] == ["1500", "500"] and rows[0].split(",")[14] == "2000"
