"""Running it for real (#16): a company folder from the demo, backup and restore, `org export`, log levels.

Real parts throughout: the real app and router on a real SQLite file, the CLI's own `main`, a real wheel.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import cli, privacy
from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.directory import FIELDS, export_csv, load_directory_file
from bot.models import Status
from bot.ops import backup as backup_mod
from bot.ops.command import command
from bot.ops.init import create_company_folder
from bot.ops.restore import restore
from bot.rules.loader import load_rules
from bot.store import records
from handlers import Inbound

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-24T10:00"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# -- backoffice init ---------------------------------------------------------------------------------------------


def test_init_makes_a_company_folder_whose_rules_load_and_whose_org_template_imports(tmp_path: Path) -> None:
    made = create_company_folder(tmp_path / "acme")
    folder = made.folder
    knowledge = folder / "knowledge"
    shipped = sorted(p.name for p in (ROOT / "knowledge" / "rules").glob("*.yaml"))
    assert sorted(p.name for p in (knowledge / "rules").glob("*.yaml")) == shipped
    assert (knowledge / "policies" / "expenses.ja.md").read_bytes() == (
        ROOT / "knowledge" / "policies" / "expenses.ja.md"
    ).read_bytes()
    demo_folders = sorted(p.name for p in (ROOT / "knowledge").iterdir() if p.is_dir())
    assert sorted(p.name for p in knowledge.iterdir()) == demo_folders  # rules, policies, templates, …
    assert not (knowledge / "org.yaml").exists()  # the demo's people stay in the demo
    assert load_rules(knowledge).version == load_rules(ROOT / "knowledge").version

    # The .env points the bot at the folder's own knowledge, and Settings reads it.
    env = (folder / ".env").read_text(encoding="utf-8")
    assert f"BACKOFFICE_KNOWLEDGE_DIR={knowledge.resolve()}\n" in env
    assert Settings(_env_file=folder / ".env").knowledge_dir == knowledge.resolve()  # type: ignore[call-arg]
    assert mode(folder / ".env") == 0o600 and mode(folder / "org.csv") == 0o600

    # Every column the import accepts, and the example row imports as it is.
    header = (folder / "org.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",") == list(FIELDS)
    app = build_app(Settings(db=tmp_path / "var" / "bot.db", knowledge_dir=knowledge), FixedClock(NOW))
    try:
        assert len(app.directory) == 0  # no demo directory seeded from the company folder
        assert app.import_directory(str(folder / "org.csv"), actor="test") == 1
        person = app.directory.require("e001")
        assert person.name_ja == "山田 光" and person.has_role("finance")
    finally:
        app.close()
    bank = (folder / "bank_details.csv").read_text(encoding="utf-8")
    assert bank.splitlines()[0].startswith("employee,bank_code,branch_code,account_type,account_number")


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    code, out, err = run_cli(["init", str(folder)], capsys)
    assert code == 2 and "is not empty: nothing was changed" in err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    code, out, _ = run_cli(["init", str(tmp_path / "new")], capsys)
    assert code == 0 and "Created the company folder" in out
    # A hint that works when typed in the new folder: the checkout's .venv is on no one's PATH.
    assert f"{command()} org import org.csv" in out and f"{command()} org import org.csv" in (
        tmp_path / "new" / "README.txt"
    ).read_text(encoding="utf-8")
    assert command() == "backoffice" or (Path(command()).is_absolute() and os.access(command(), os.X_OK))


# -- the demo inside the package -----------------------------------------------------------------------------------


def test_a_wheel_carries_the_demo_and_the_prompts_and_an_installed_bot_finds_them(tmp_path: Path) -> None:
    # Built from a copy, so that the build leaves nothing in the checkout; the links are copied as links.
    src = tmp_path / "src"
    shutil.copytree(
        ROOT, src, symlinks=True,
        ignore=shutil.ignore_patterns(".venv", ".lock-venv", ".git", "var", "build", "dist", "*.egg-info",
                                      "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", "tests", "bench"),
    )  # fmt: skip
    out = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = out.glob("backoffice_bot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for rule in (ROOT / "knowledge" / "rules").glob("*.yaml"):
        assert f"bot/ops/demo/knowledge/rules/{rule.name}" in names
    for path in (ROOT / "knowledge").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert f"bot/ops/demo/knowledge/{path.relative_to(ROOT / 'knowledge').as_posix()}" in names
    for prompt in (ROOT / "prompts").glob("*.md"):
        assert f"bot/ops/demo/prompts/{prompt.name}" in names
    assert "bot/ops/demo/knowledge/org.yaml" in names

    # Installed (a wheel is unpacked as it is into site-packages) and run from a folder with no knowledge/.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = (
        "import bot.rules.schema, bot.ops.demo as d, bot.understanding.factory as f, bot.contracts.wording as w;"
        "from bot.config import Settings; from bot.rules.loader import load_rules;"
        "k = Settings().knowledge_dir; print(k); print(f.PROMPTS_DIR); print(w.PROMPTS_DIR);"
        "print(load_rules(k).version); print(d.__file__)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_")}
    env["PYTHONPATH"] = str(site)
    ran = subprocess.run([sys.executable, "-c", probe], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr[-2000:]
    knowledge, prompts, wording_prompts, version, module = ran.stdout.split()
    assert Path(module).is_relative_to(site)  # the installed copy, not the checkout's
    assert Path(knowledge) == site / "bot" / "ops" / "demo" / "knowledge"
    assert Path(prompts) == Path(wording_prompts) == site / "bot" / "ops" / "demo" / "prompts"
    assert version == load_rules(ROOT / "knowledge").version


def test_in_the_checkout_the_demo_is_the_top_level_folders() -> None:
    from bot.ops import demo

    assert (ROOT / "knowledge").resolve() == demo.KNOWLEDGE_DIR
    assert (ROOT / "prompts").resolve() == demo.PROMPTS_DIR


# -- backup and restore ------------------------------------------------------------------------------------------


def some_requests(app: App) -> None:
    """An approved claim with a receipt, one waiting, and a leave request: what a month leaves behind."""
    e007 = app.directory.require("e007")
    pdf = Path(app.settings.attachments_dir).parent / "receipt.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% taxi receipt 3200\n%%EOF\n")
    app.router.handle(Inbound(e007, f"/expense 3200 transport 2026-11-20 タクシー receipt={pdf}", platform="console"))
    app.router.handle(Inbound(e007, "/expense 500 supplies 2026-11-20 文具", platform="test"))
    app.router.handle(Inbound(app.directory.require("e008"), "/expense 80000 entertainment 2026-11-19 接待"))
    app.router.handle(Inbound(e007, "12月1日 有給", platform="test"))


def head_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run_cli([*argv, "audit", "verify"], capsys)
    assert code == 0, err
    (line,) = [line for line in out.splitlines() if line.startswith("Head: ")]
    return line


def test_backup_while_running_then_restore_into_a_fresh_folder_gives_the_same_head_and_requests(
    app: App, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    some_requests(app)
    before = records.list_requests(app.store, limit=100)
    assert len(before) >= 3 and any(r.status == Status.APPROVED for r in before)
    kept = sorted(p.relative_to(app.settings.attachments_dir) for p in Path(app.settings.attachments_dir).rglob("*")
                  if p.is_file())  # fmt: skip
    assert kept, "the receipt was kept in the attachments folder"

    # The app stays open (the bot is running) while the backup is taken.
    dest = tmp_path / "backup"
    result = backup_mod.backup(app.settings, dest, app.services.now_iso())
    assert result.key_included and result.verified.entries > 0
    for path in dest.rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert sorted(p.name for p in dest.iterdir()) == ["attachments", "audit.anchor", "audit.key", "backoffice.db",
                                                       "manifest.json"]  # fmt: skip

    # The bot goes on after the backup; the backup is of the moment it was taken.
    app.router.handle(Inbound(app.directory.require("e007"), "/expense 700 supplies 2026-11-21 文具", platform="test"))
    original = ["--db", str(app.settings.db), "--knowledge", str(ROOT / "knowledge")]
    app.close()

    fresh = tmp_path / "fresh" / "var"
    restored = Settings(db=fresh / "backoffice.db", knowledge_dir=ROOT / "knowledge", attachments_dir=fresh / "files")
    done = restore(restored, dest)
    assert done.key_restored and done.verified.head == result.verified.head
    assert done.attachments == len(kept)
    assert sorted(p.relative_to(fresh / "files") for p in (fresh / "files").rglob("*") if p.is_file()) == kept

    # `audit verify` on the restored folder: the head the backup verified to, and the requests as they were.
    code, out, err = run_cli(["--db", str(fresh / "backoffice.db"), "audit", "verify"], capsys)
    assert code == 0, err
    assert f"Head: entry {result.verified.entries}, hash {result.verified.head}" in out
    back = build_app(restored, FixedClock(NOW))
    try:
        after = records.list_requests(back.store, limit=100)
        assert [(r.id, r.kind, r.status, r.requester_id) for r in after] == [
            (r.id, r.kind, r.status, r.requester_id) for r in before
        ]
    finally:
        back.close()
    # The original has moved on by one request since: its head is not the backup's.
    assert head_line(original, capsys) != f"Head: entry {result.verified.entries}, hash {result.verified.head}"


def test_restore_refuses_a_database_with_data_unless_forced_and_a_damaged_backup_always(
    app: App, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    some_requests(app)
    dest = tmp_path / "backup"
    backup_mod.backup(app.settings, dest, app.services.now_iso())
    app.close()
    settings_args = ["--db", str(app.settings.db), "--knowledge", str(ROOT / "knowledge")]
    code, _, err = run_cli([*settings_args, "restore", str(dest)], capsys)
    assert code == 2 and "already holds data: nothing was restored" in err and "--force" in err
    code, out, err = run_cli([*settings_args, "restore", str(dest), "--force"], capsys)
    assert code == 0, err
    assert "Audit log verified" in out

    # A file changed after the backup was made: refused before anything is written.
    (receipt,) = [p for p in (dest / "attachments").rglob("*") if p.is_file()][:1]
    receipt.write_bytes(receipt.read_bytes() + b"x")
    target = tmp_path / "other" / "backoffice.db"
    code, _, err = run_cli(["--db", str(target), "--knowledge", str(ROOT / "knowledge"), "restore", str(dest)], capsys)
    assert code == 2 and "has changed since the backup was made" in err
    assert not target.exists()


def test_backup_refuses_a_folder_with_files_in_it(app: App, tmp_path: Path) -> None:
    dest = tmp_path / "backup"
    dest.mkdir()
    (dest / "old.txt").write_text("x", encoding="utf-8")
    with pytest.raises(backup_mod.BackupError, match="not an empty folder"):
        backup_mod.backup(app.settings, dest, app.services.now_iso())


# -- org export --------------------------------------------------------------------------------------------------


def test_org_export_writes_the_import_columns_and_round_trips(
    app: App, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = list(app.directory)
    args = ["--db", str(app.settings.db), "--knowledge", str(ROOT / "knowledge")]
    app.close()
    out_file = tmp_path / "org.csv"
    code, out, err = run_cli([*args, "org", "export", str(out_file)], capsys)
    assert code == 0, err
    assert f"Exported {len(people)} people" in out and mode(out_file) == 0o600
    assert out_file.read_text(encoding="utf-8-sig").splitlines()[0].split(",") == list(FIELDS)
    assert load_directory_file(out_file) == people
    # And back in through `org import`: the same people, so the same directory.
    code, out, err = run_cli([*args, "org", "import", str(out_file)], capsys)
    assert code == 0 and f"Imported {len(people)} people" in out
    again = build_app(Settings(db=Path(args[1]), knowledge_dir=ROOT / "knowledge"), FixedClock(NOW))
    try:
        assert list(again.directory) == people
    finally:
        again.close()
    code, out, _ = run_cli([*args, "org", "export"], capsys)
    assert code == 0 and out == export_csv(people).removeprefix("\ufeff")


# -- log levels --------------------------------------------------------------------------------------------------


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """A console handler on the root logger as basicConfig makes it; levels and filters put back afterwards."""
    levels = {n: m.level for n, m in logging.Logger.manager.loggerDict.items() if isinstance(m, logging.Logger)}
    root = logging.getLogger()
    root_level = root.level
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)
    for name, made in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(made, logging.Logger):
            made.setLevel(levels.get(name, logging.NOTSET))
    root.setLevel(root_level)
    for h in root.handlers:
        for f in list(h.filters):
            if isinstance(f, privacy.PrivacyFilter) or f is privacy._below_warning_from_library:
                h.removeFilter(f)


def emit_like_a_library_imported_late() -> None:
    # bm25s sets its logger to DEBUG when it is imported, which is now at the first policy question.
    late = logging.getLogger("bm25s")
    late.setLevel(logging.DEBUG)
    late.debug("Building index from tokens")
    late.warning("index is empty")
    logging.getLogger("docx.opc.pkgreader").info("loading dictionary")
    logging.getLogger("bot.knowledge.service").info("policy index: 150 sections")


def test_at_info_library_debug_and_info_lines_stay_out_of_the_console(log_stream: io.StringIO) -> None:
    privacy.configure_logging("INFO")
    emit_like_a_library_imported_late()
    text = log_stream.getvalue()
    assert "policy index: 150 sections" in text
    assert "index is empty" in text
    assert "Building index from tokens" not in text and "loading dictionary" not in text


def test_at_debug_library_lines_are_shown(log_stream: io.StringIO) -> None:
    privacy.configure_logging("DEBUG")
    emit_like_a_library_imported_late()
    text = log_stream.getvalue()
    assert "Building index from tokens" in text and "loading dictionary" in text
    # Switching back to INFO takes them out again (one filter per handler, not a pile of them).
    privacy.configure_logging("INFO")
    log_stream.truncate(0)
    emit_like_a_library_imported_late()
    assert "Building index from tokens" not in log_stream.getvalue()
