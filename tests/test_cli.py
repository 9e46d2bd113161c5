"""The `backoffice` command line as an administrator uses it."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    monkeypatch.setenv("BACKOFFICE_DB", str(tmp_path / "bot.db"))
    monkeypatch.setenv("BACKOFFICE_KNOWLEDGE_DIR", str(ROOT / "knowledge"))
    monkeypatch.setenv("BACKOFFICE_ATTACHMENTS_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("BACKOFFICE_NOW", "2026-11-24T10:00")
    return tmp_path


def console(monkeypatch: pytest.MonkeyPatch, who: str, script: str) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(script))
    assert main(["console", "--as", who]) == 0


def test_rules_check_passes_on_the_shipped_rules(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check"]) == 0
    assert "are valid. Rule set version" in capsys.readouterr().out


def test_a_typo_in_a_rule_file_names_file_and_key_and_stops_the_bot(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    knowledge = env / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    rules = knowledge / "rules" / "leave.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("expiry_years:", "expiry_yaers:"), encoding="utf-8")
    assert main(["rules", "check", "--knowledge", str(knowledge)]) == 2
    err = capsys.readouterr().err
    assert f"{rules}: unknown key 'annual.expiry_yaers' (did you mean 'expiry_years'?)" in err
    assert "Traceback" not in err
    # The bot refuses to start on the same files.
    assert main(["--knowledge", str(knowledge), "console", "--as", "e007"]) == 2
    assert "the bot will not start until they are fixed" in capsys.readouterr().err


def test_audit_verify_detects_an_edited_row(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    console(monkeypatch, "e007", "/expense 12000 supplies 2026-11-20 キーボード receipt=none\n")
    console(monkeypatch, "e007", "/leave 2026-12-14 2026-12-16\n")
    console(monkeypatch, "e006", "/approve 1\n")
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0
    assert "Audit log intact" in capsys.readouterr().out
    with sqlite3.connect(env / "bot.db") as db:
        row = db.execute("SELECT id FROM audit_log WHERE action = 'request.approved'").fetchone()
        db.execute("UPDATE audit_log SET actor = 'e009' WHERE id = ?", row)
    assert main(["audit", "verify"]) == 1
    assert f"Audit log BROKEN at entry {row[0]}" in capsys.readouterr().err


def test_rules_explain_shows_findings_rule_ids_and_chain(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    receipt = env / "r.pdf"
    receipt.write_bytes(b"%PDF-1.4")
    console(monkeypatch, "e007", f"/expense 150000 software 2026-11-20 IDE licences receipt={receipt}\n")
    capsys.readouterr()
    assert main(["rules", "explain", "1", "--locale", "en"]) == 0
    out = capsys.readouterr().out
    assert "outcome: needs_approval" in out
    assert "[E3] warning:" in out  # no invoice number on a ¥150,000 claim
    assert "[E6] info: Over ¥100,000, so finance approves too." in out
    assert "step 1: manager → Daisuke Ito" in out
    assert "step 2: finance → Ken Sato" in out


def test_org_import_reports_every_bad_cell_and_imports_nothing(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = env / "staff.csv"
    bad.write_text(
        "id,name_ja,name_en,email,hire_date,manager,roles\n"
        "x1,山田,Yamada,yamada@example.com,2020-01-01,,ceo\n"
        "x2,佐藤,Sato,not-an-email,2020-13-01,x1,employee\n",
        encoding="utf-8",
    )
    assert main(["org", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "nothing was imported" in err
    assert "staff.csv row 3, column 'email'" in err
    assert "staff.csv row 3, column 'hire_date'" in err
    assert main(["leave", "balance", "e007"]) == 0  # the demo directory is still there
    good = env / "staff.yaml"
    good.write_text(
        "employees:\n"
        "  - {id: x1, name_ja: 山田, name_en: Yamada, email: yamada@example.com, hire_date: 2020-01-01, roles: [ceo]}\n"
        "  - {id: x2, name_ja: 佐藤, name_en: Sato, email: sato@example.com, hire_date: 2026-01-05, manager: x1}\n",
        encoding="utf-8",
    )
    assert main(["org", "import", str(good)]) == 0
    assert "Imported 2 people" in capsys.readouterr().out
    assert main(["leave", "balance", "sato@example.com", "--date", "2026-07-05"]) == 0
    assert "Sato (x2) on 2026-07-05: 10 days left" in capsys.readouterr().out
    assert main(["console", "--as", "e007"]) == 2  # no longer an active member


def test_leave_duty_lists_people_short_of_five_days(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nakamura (e009) got her first 10 days on 2026-04-01; that year ends 2027-03-31.
    assert main(["leave", "duty", "--date", "2026-12-31"]) == 0
    assert "e009" not in capsys.readouterr().out
    assert main(["leave", "duty", "--date", "2027-01-05", "--notify"]) == 0
    out = capsys.readouterr().out
    assert "e009 Yui Nakamura: 0/5 days, deadline 2027-03-31" in out
    assert "Reminders queued" in out
    monkeypatch.setenv("BACKOFFICE_NOW", "2027-01-05T09:00")
    console(monkeypatch, "nakamura@hikari-works.example", "/quit\n")
    assert (
        "2027-03-31までに年5日の有給取得が必要です。現在0日取得済み、あと5日取得してください。"
        in capsys.readouterr().out
    )
    console(monkeypatch, "e004", "/quit\n")  # HR gets the list
    assert "取得が不足している社員" in capsys.readouterr().out


def test_opening_balances_are_set_by_hand_or_from_a_csv(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Watanabe (e007) holds 18 + 20 statutory days; HR's spreadsheet says 12.5 remain, 3 taken this year.
    assert main(["leave", "set-balance", "e007", "12.5", "--taken-this-year", "3"]) == 0
    assert "e007 Shota Watanabe: 38 → 12.5 days on 2026-11-24" in capsys.readouterr().out
    console(monkeypatch, "e007", "/balance\n")
    out = capsys.readouterr().out
    assert re.search(r"残り\s+12.5日", out)
    assert "年5日取得義務: 3/5日" in out  # the adjustment itself is not leave taken
    # Raising a balance grants the difference.
    assert main(["leave", "set-balance", "e007", "15"]) == 0
    assert "12.5 → 15 days" in capsys.readouterr().out

    sheet = env / "balances.csv"
    sheet.write_text(
        "employee,remaining,as_of,taken_this_year\n"
        "ito@hikari-works.example,7,2026-11-24,5\n"
        "ghost@example.com,3,,\n"
        "e009,ten,,\n",
        encoding="utf-8",
    )
    assert main(["leave", "set-balance", str(sheet), "--file"]) == 2
    err = capsys.readouterr().err
    assert "Nothing was changed" in err
    assert "balances.csv row 3, column 'employee': no active employee 'ghost@example.com'" in err
    assert "balances.csv row 4, column 'remaining': 'ten' is not a number of days" in err
    sheet.write_text("employee,remaining,as_of,taken_this_year\nito@hikari-works.example,7,2026-11-24,5\n")
    assert main(["leave", "set-balance", str(sheet), "--file"]) == 0
    assert "e006 Daisuke Ito:" in capsys.readouterr().out
    assert main(["leave", "balance", "e006"]) == 0
    assert "7 days left" in capsys.readouterr().out
    assert main(["leave", "balance", "e006", "--date", "2026-13-01"]) == 2
    assert "'2026-13-01' is not a date (YYYY-MM-DD)" in capsys.readouterr().err
    assert main(["audit", "verify"]) == 0


def test_eval_prints_accuracy_and_every_failure(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = env / "cases.jsonl"
    cases.write_text(
        '{"id": "x1", "lang": "ja", "today": "2026-11-24", "text": "昨日のタクシー代 3,200円", '
        '"expected": {"intent": "expense", "amount": 3200, "date": "2026-11-23", "category": "transport"}}\n'
        '{"id": "x2", "lang": "en", "today": "2026-11-24", "text": "PTO next Thu-Fri", '
        '"expected": {"intent": "leave", "start": "2026-12-03", "end": "2026-12-05"}}\n',
        encoding="utf-8",
    )
    assert main(["eval", str(cases)]) == 0
    out = capsys.readouterr().out
    assert "intent accuracy: 1.000 (2/2)" in out
    assert "x2 end: expected '2026-12-05', got '2026-12-04'" in out  # the case's label is wrong on purpose
    assert main(["eval", str(cases), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary) == {"cases", "intent_accuracy", "field_accuracy", "fields", "failures"}
    assert summary["cases"] == 2 and summary["fields"]["end"] == {"correct": 0, "total": 1}
    assert summary["field_accuracy"] == 0.8
    assert summary["failures"] == [{"id": "x2", "field": "end", "expected": "2026-12-05", "got": "2026-12-04"}]
    bad = env / "bad.jsonl"
    bad.write_text('{"id": "y1", "text": "no expected"}\n', encoding="utf-8")
    assert main(["eval", str(bad)]) == 2
    assert "bad.jsonl line 1" in capsys.readouterr().err
    assert main(["eval", str(cases), "--engine", "llm"]) == 2
    assert "needs OPENAI_MODEL" in capsys.readouterr().err


def test_a_parked_message_is_listed_retried_and_then_worked_off(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.app import build_app
    from bot.config import Settings
    from bot.console import ConsoleWork
    from bot.router import Router

    def broken(self: Router, msg: object) -> None:
        raise RuntimeError("disk on fire")

    app = build_app(Settings())
    work = ConsoleWork(app)
    app.inbox.register("console", work)
    with monkeypatch.context() as m:
        m.setattr(Router, "handle", broken)
        (told,) = work.say(app.directory.require("e007"), "/expense 2400 meeting 2026-11-23 弁当")
    app.close()
    assert "参照" in told.text

    assert main(["inbox", "list"]) == 0
    out = capsys.readouterr().out
    assert "parked 1" in out and "console:" in out and "RuntimeError: disk on fire" in out
    key = re.search(r"(console:[0-9a-f]+)", out).group(1)  # type: ignore[union-attr]
    assert main(["inbox", "retry", key]) == 0
    assert main(["inbox", "retry", key]) == 2  # no longer parked
    capsys.readouterr()

    again = build_app(Settings())
    work = ConsoleWork(again)
    again.inbox.register("console", work)
    try:
        assert "#1 を申請しました" in work.work_off(key)[0].text
    finally:
        again.close()
    assert main(["inbox", "list"]) == 0
    assert "Nothing parked." in capsys.readouterr().out
    assert main(["inbox", "drop", key]) == 2  # done: there is nothing to drop
