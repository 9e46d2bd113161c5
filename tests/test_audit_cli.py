"""`backoffice audit verify`, `audit anchor` and `audit rekey` end to end, through bot.cli.main on a real
database file, as an operator runs them (and as an attacker with the file would like them not to notice)."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import audit_keys
from tests.audit_helpers import ROOT


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BACKOFFICE_DB", str(tmp_path / "var" / "bot.db"))
    monkeypatch.setenv("BACKOFFICE_KNOWLEDGE_DIR", str(ROOT / "knowledge"))
    monkeypatch.setenv("BACKOFFICE_ATTACHMENTS_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("BACKOFFICE_NOW", "2026-11-24T10:00")
    for name in ("BACKOFFICE_AUDIT_KEY", "BACKOFFICE_AUDIT_KEY_FILE", "BACKOFFICE_AUDIT_ANCHOR_FILE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def console(monkeypatch: pytest.MonkeyPatch, who: str, script: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(script))
    assert main(["console", "--as", who]) == 0


def a_few_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    Path("r.pdf").write_bytes(b"%PDF-1.4 receipt")  # the working directory is the test's own
    console(monkeypatch, "e007", "/expense 12000 supplies 2026-11-20 キーボード receipt=r.pdf\n")
    console(monkeypatch, "e008", "/expense 15000 supplies 2026-11-21 モニター receipt=r.pdf\n")
    console(monkeypatch, "e007", "/leave 2026-12-14 2026-12-16\n")
    console(monkeypatch, "e006", "/approve 1\n")


def sql(env: Path, statement: str, params: tuple = ()) -> None:
    with sqlite3.connect(env / "var" / "bot.db") as db:
        db.execute(statement, params)


def entries(env: Path) -> int:
    with sqlite3.connect(env / "var" / "bot.db") as db:
        return int(db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])


def test_verify_on_an_intact_log_says_so_and_exits_0(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a_few_requests(monkeypatch)
    capsys.readouterr()

    assert main(["audit", "verify"]) == 0

    out = capsys.readouterr().out
    assert f"Audit log intact: {entries(env)} entries, every link verified (HMAC-SHA256, key " in out
    assert f"the furthest, entry {entries(env)}" in out
    assert "Tables: 3 request(s) rebuilt from the log match" in out


def test_deleting_the_last_row_makes_verify_fail_naming_the_cut(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a_few_requests(monkeypatch)
    last = entries(env)
    sql(env, "DELETE FROM audit_log WHERE id = ?", (last,))
    capsys.readouterr()

    assert main(["audit", "verify"]) == 1

    err = capsys.readouterr().err
    assert "Audit log NOT intact" in err
    assert f"the log ends at entry {last - 1} but" in err
    assert f"entry {last} were removed from the end" in err


def test_a_status_changed_in_the_table_makes_verify_fail_naming_the_request(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a_few_requests(monkeypatch)
    sql(env, "UPDATE requests SET status = 'approved' WHERE id = 2")
    capsys.readouterr()

    assert main(["audit", "verify"]) == 1

    assert "request #2: status is approved in the table, the log says pending" in capsys.readouterr().err


def test_an_anchor_line_kept_elsewhere_catches_a_cut_the_anchor_file_no_longer_shows(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a_few_requests(monkeypatch)
    capsys.readouterr()
    assert main(["audit", "anchor"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"backoffice-audit-anchor count={entries(env)} head=")
    assert "at=2026-11-24T10:00:00+09:00" in line
    # The approval of #1 is undone without a trace here: its entry, the request and its step put back as they
    # were before it, and the anchor file emptied.
    sql(env, "DELETE FROM audit_log WHERE action = 'request.approved' AND request_id = 1")
    sql(env, "UPDATE requests SET status = 'pending', current_step = 1, decided_by = NULL, decided_at = NULL, "
             "version = version - 1 WHERE id = 1")  # fmt: skip
    sql(env, "UPDATE approval_steps SET status = 'pending', acted_by = NULL, acted_at = NULL WHERE request_id = 1")
    (env / "var" / "audit.anchor").write_text("")
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0  # nothing left on this machine can tell

    assert main(["audit", "verify", "--anchor", line]) == 1

    err = capsys.readouterr().err
    assert "the anchor given (1)" in err and "were removed from the end" in err


def test_anchor_refuses_a_log_that_does_not_verify(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a_few_requests(monkeypatch)
    sql(env, "UPDATE audit_log SET actor = 'e009' WHERE action = 'request.approved'")
    capsys.readouterr()

    assert main(["audit", "anchor"]) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Not anchored: the audit log does not verify" in captured.err


def test_rekey_rotates_the_key_file_and_the_log_still_verifies(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a_few_requests(monkeypatch)
    key_file = env / "var" / "audit.key"
    old = audit_keys.read_key_file(key_file)
    capsys.readouterr()

    assert main(["audit", "rekey"]) == 0

    out = capsys.readouterr().out
    assert "Re-keyed the audit log" in out
    new = audit_keys.read_key_file(key_file)
    assert len(new) == 1 and new != old
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert main(["audit", "verify"]) == 0
    assert "made with an earlier key" in capsys.readouterr().out
    key_file.write_text(old[0].hex() + "\n")  # the old key no longer fits the log
    assert main(["audit", "verify"]) == 1
    assert "the key given" in capsys.readouterr().err


def test_rekey_with_the_key_from_the_environment_reads_the_new_one_from_a_named_variable(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BACKOFFICE_AUDIT_KEY", "the-first-secret-of-at-least-32-chars")
    a_few_requests(monkeypatch)
    capsys.readouterr()

    assert main(["audit", "rekey"]) == 2  # the new key is never typed on the command line
    assert "--new-key-env NAME" in capsys.readouterr().err

    monkeypatch.setenv("NEW_AUDIT_KEY", "the-second-secret-of-at-least-32-chars")
    assert main(["audit", "rekey", "--new-key-env", "NEW_AUDIT_KEY"]) == 0
    assert "Now set BACKOFFICE_AUDIT_KEY to the value of NEW_AUDIT_KEY" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 1  # the bot still has the old secret
    monkeypatch.setenv("BACKOFFICE_AUDIT_KEY", "the-second-secret-of-at-least-32-chars")
    assert main(["audit", "verify"]) == 0
    assert not (env / "var" / "audit.key").exists()


def test_rekey_refuses_a_log_that_does_not_verify(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a_few_requests(monkeypatch)
    key_file = env / "var" / "audit.key"
    before = key_file.read_text()
    sql(env, "UPDATE requests SET status = 'approved' WHERE id = 2")
    capsys.readouterr()

    assert main(["audit", "rekey"]) == 1

    assert "Not re-keyed" in capsys.readouterr().err
    assert key_file.read_text() == before
