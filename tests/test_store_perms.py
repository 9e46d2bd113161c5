"""The database and what guards it are private to their owner whatever the umask: the file, its -wal and
-shm, the folder made for it, the audit key and the anchor (0600 files, 0700 folders)."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.store.db import Store
from tests.audit_helpers import NOW, ROOT


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o000, 0o022], ids=["umask 000", "umask 022"])
def loose_umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def test_a_new_database_and_its_folder_key_and_anchor_are_private(tmp_path: Path, loose_umask: int) -> None:
    db = tmp_path / "srv" / "var" / "bot.db"
    store = Store(db)
    try:
        with store.tx():
            store.audit(NOW, "e001", "test.entry", None, {})
        made = [db, Path(f"{db}-wal"), Path(f"{db}-shm"), db.parent / "audit.key", db.parent / "audit.anchor"]
        assert {p.name: oct(mode(p)) for p in made} == {p.name: "0o600" for p in made}
        assert oct(mode(db.parent)) == oct(mode(db.parent.parent)) == "0o700"
    finally:
        store.close()


def test_sqlite_gives_a_later_wal_the_database_files_mode(tmp_path: Path, loose_umask: int) -> None:
    # The -wal is deleted at the last close; whoever opens the file next (another process, sqlite3 on the
    # command line) makes it anew. SQLite copies the database file's mode, so the 0600 of the file is what holds.
    db = tmp_path / "bot.db"
    Store(db).close()
    assert not Path(f"{db}-wal").exists()

    other = sqlite3.connect(db)
    try:
        other.execute("CREATE TABLE scratch (x)")
        other.commit()
        assert oct(mode(Path(f"{db}-wal"))) == oct(mode(Path(f"{db}-shm"))) == "0o600"
    finally:
        other.close()


def test_files_left_readable_by_an_older_version_are_tightened_at_start(tmp_path: Path, loose_umask: int) -> None:
    db = tmp_path / "bot.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE scratch (x)")
    conn.commit()
    sidecars = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
    for p in sidecars:
        os.chmod(p, 0o644)

    store = Store(db)
    try:
        assert [oct(mode(p)) for p in sidecars] == ["0o600"] * 3
    finally:
        store.close()
        conn.close()


def test_an_existing_folder_is_left_as_it_is(tmp_path: Path, loose_umask: int) -> None:
    os.chmod(tmp_path, 0o755)
    store = Store(tmp_path / "bot.db")
    store.close()
    assert mode(tmp_path) == 0o755
    assert mode(tmp_path / "bot.db") == 0o600


def test_the_bot_started_from_its_settings_keeps_key_and_anchor_where_they_are_set(
    tmp_path: Path, loose_umask: int
) -> None:
    settings = Settings(
        db=tmp_path / "data" / "backoffice.db",
        knowledge_dir=ROOT / "knowledge",
        attachments_dir=tmp_path / "files",
        audit_key_file=tmp_path / "secrets" / "audit.key",
        audit_anchor_file=tmp_path / "anchors" / "audit.anchor",
    )
    app = build_app(settings, FixedClock(NOW))  # seeds the directory: the first audit entry
    try:
        assert app.store.verify_audit().ok
    finally:
        app.close()

    for p in (settings.db, settings.audit_key_file, settings.audit_anchor_file):
        assert mode(p) == 0o600, p
        assert mode(p.parent) == 0o700, p.parent
    assert not (settings.db.parent / "audit.key").exists()


def test_by_default_key_and_anchor_sit_beside_the_database_not_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    settings = Settings(db=tmp_path / "db" / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=tmp_path)
    build_app(settings, FixedClock(NOW)).close()

    assert (tmp_path / "db" / "audit.key").exists()
    assert (tmp_path / "db" / "audit.anchor").exists()
    assert list(workdir.iterdir()) == []
