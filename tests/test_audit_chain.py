"""The keyed audit chain and its head anchors, attacked the way someone with the database file would: edit a
row and recompute the chain with plain SHA-256, delete the last rows, swap in another key, downgrade the log
to the unkeyed chain. Also: the key file, key rotation, and the upgrade of a log from before the key."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.rules.loader import RuleSet
from bot.store import audit, audit_anchor, audit_keys
from bot.store.db import AuditError, Store
from tests.audit_helpers import NOW, claim, company, entry_count, every_path, make_pre_key_database, raw, rehash_plain


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "bot.db"


@pytest.fixture
def store(path: Path):
    s = Store(path)
    yield s
    s.close()


def key_file(path: Path) -> Path:
    return path.parent / "audit.key"


def anchor_file(path: Path) -> Path:
    return path.parent / "audit.anchor"


def rows(path: Path) -> list[tuple]:
    conn = raw(path)
    try:
        return conn.execute("SELECT id, at, actor, action, request_id, data, prev_hash, hash FROM audit_log").fetchall()
    finally:
        conn.close()


# -- the key ----------------------------------------------------------------------------------------


def test_every_entry_is_an_hmac_under_a_key_kept_outside_the_database(store: Store, path: Path, rules: RuleSet) -> None:
    every_path(company(store, rules))
    key = audit_keys.read_key_file(key_file(path))[0]
    entries = rows(path)

    assert len(entries) > 40
    for entry_id, at, actor, action, rid, data, prev, digest in entries:
        payload = json.dumps([prev, entry_id, at, actor, action, rid, data], ensure_ascii=False).encode()
        assert digest == hmac.new(key, payload, hashlib.sha256).hexdigest()
        assert digest != hashlib.sha256(payload).hexdigest()
    assert key_file(path).stat().st_mode & 0o777 == 0o600
    stored = b"".join(p.read_bytes() for p in path.parent.glob("bot.db*"))
    assert key not in stored and key.hex().encode() not in stored
    assert key.hex().encode() not in anchor_file(path).read_bytes()


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_an_edit_with_the_chain_recomputed_by_plain_sha256_is_named(
    store: Store, path: Path, rules: RuleSet, where: str
) -> None:
    every_path(company(store, rules))
    ids = [r[0] for r in rows(path)]
    target = {"first": ids[0], "middle": ids[len(ids) // 2], "last": ids[-1]}[where]
    conn = raw(path)
    conn.execute("UPDATE audit_log SET actor = 'e003' WHERE id = ?", (target,))
    rehash_plain(conn, start=target)  # every link from the edit on made consistent again, without the key
    conn.close()

    result = store.verify_audit()

    assert not result.ok
    assert result.broken_at == target
    assert result.entries == target - 1
    assert "re-hashed without the key" in result.problem


def test_a_chain_recomputed_with_another_key_fails_at_its_first_entry(store: Store, path: Path, rules: RuleSet) -> None:
    every_path(company(store, rules))
    conn = raw(path)
    conn.execute("BEGIN")
    audit.rechain(conn, os.urandom(32))  # type: ignore[arg-type]  # a sqlite3 connection has the same execute
    conn.execute("COMMIT")
    conn.close()

    result = store.verify_audit()

    assert (result.ok, result.broken_at) == (False, 1)


def test_a_store_with_another_key_refuses_to_write_and_verify_names_the_keys(path: Path, rules: RuleSet) -> None:
    first = Store(path)
    company(first, rules)
    chained_with = first.audit_key_id
    first.close()
    before = entry_count(path)

    other = Store(path, audit_keys=[os.urandom(32)])
    try:
        result = other.verify_audit()
        assert not result.ok
        assert f"chained with audit key {chained_with}" in result.problems[0]
        with pytest.raises(AuditError, match="chained with audit key"), other.tx():
            other.audit(NOW, "e001", "test.write", None, {})
    finally:
        other.close()
    assert entry_count(path) == before


def test_the_key_file_is_made_once_even_by_starts_racing_each_other(tmp_path: Path) -> None:
    target = tmp_path / "keys" / "audit.key"
    found: list[bytes] = []
    start = threading.Barrier(8)

    def load() -> None:
        start.wait()
        found.append(audit_keys.load_keys(None, target)[0])

    threads = [threading.Thread(target=load) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(found) == 8 and len(set(found)) == 1
    assert len(found[0]) == 32
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.parent.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in target.parent.iterdir()] == ["audit.key"]  # no temporary file left behind


def test_a_damaged_key_file_is_refused_naming_the_file_and_never_its_content(tmp_path: Path) -> None:
    target = tmp_path / "audit.key"
    target.write_text("correct-horse-battery-staple\n")

    with pytest.raises(audit_keys.AuditKeyError) as caught:
        audit_keys.load_keys(None, target)

    assert f"{target} line 1" in str(caught.value)
    assert "horse" not in str(caught.value)


def test_a_secret_from_the_environment_keys_the_chain_and_no_key_file_is_made(path: Path, rules: RuleSet) -> None:
    secret = "s3cret-from-the-environment-0123456789"
    store = Store(path, audit_keys=lambda: audit_keys.load_keys(secret, key_file(path)))
    try:
        company(store, rules)
        assert store.verify_audit().ok
    finally:
        store.close()
    entry_id, at, actor, action, rid, data, prev, digest = rows(path)[0]
    payload = json.dumps([prev, entry_id, at, actor, action, rid, data], ensure_ascii=False).encode()
    assert digest == hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    assert not key_file(path).exists()
    assert secret.encode() not in b"".join(p.read_bytes() for p in path.parent.iterdir())


# -- the head anchor --------------------------------------------------------------------------------


@pytest.mark.parametrize("cut", [1, 50])
def test_deleting_the_last_entries_is_detected_through_the_anchor(
    store: Store, path: Path, rules: RuleSet, cut: int
) -> None:
    wf = company(store, rules)
    every_path(wf)
    every_path(wf, bump=7)
    last = entry_count(path)
    assert last > cut + 10
    conn = raw(path)
    conn.execute("DELETE FROM audit_log WHERE id > ?", (last - cut,))
    conn.close()

    result = store.verify_audit()

    assert not result.ok
    assert result.broken_at is None  # what is left still chains: only the anchor can tell
    gone = f"entry {last}" if cut == 1 else f"entries {last - cut + 1}-{last}"
    assert any(f"{gone} were removed from the end" in p for p in result.problems), result.problems
    assert result.anchored == last


def test_a_cut_tail_with_the_anchor_file_cut_too_is_caught_by_a_line_kept_elsewhere(
    store: Store, path: Path, rules: RuleSet
) -> None:
    every_path(company(store, rules))
    for n in range(5):  # entries about no request, so the tables cannot tell they are gone
        with store.tx():
            store.audit(NOW, "e004", "question.answered", None, {"question": n})
    kept = store.anchor(NOW)  # posted to an admin's DM, say
    last = entry_count(path)
    conn = raw(path)
    conn.execute("DELETE FROM audit_log WHERE id > ?", (last - 5,))
    conn.close()
    lines = anchor_file(path).read_text().splitlines()
    anchor_file(path).write_text(
        "".join(f"{line}\n" for line in lines if audit_anchor.parse_anchor(line, "-").count <= last - 5)
    )
    assert store.verify_audit().ok  # with everything on this machine cut to fit, nothing here can tell

    result = store.verify_audit([kept])

    assert not result.ok
    assert any("the anchor given (1)" in p and f"entries {last - 4}-{last} were removed" in p for p in result.problems)


def test_the_anchor_printed_names_count_head_time_and_key(store: Store, path: Path, rules: RuleSet) -> None:
    every_path(company(store, rules))

    line = store.anchor("2026-11-25T09:00:00+09:00")

    anchor = audit_anchor.parse_anchor(line, "printed")
    result = store.verify_audit()
    assert (anchor.count, anchor.head) == (result.entries, result.head)
    assert anchor.at == "2026-11-25T09:00:00+09:00"
    assert anchor.key == store.audit_key_id
    assert anchor_file(path).read_text().splitlines()[-1] == line
    assert store.verify_audit([line]).ok


def test_anchor_lines_are_read_leniently_and_checked_strictly(store: Store, rules: RuleSet) -> None:
    every_path(company(store, rules))
    result = store.verify_audit()
    assert store.verify_audit([f"{result.entries} {result.head}"]).ok
    assert store.verify_audit([f"count={result.entries}   head={result.head.upper()}"]).ok

    other_head = hashlib.sha256(b"another history").hexdigest()
    rewritten = store.verify_audit([f"{result.entries - 3} {other_head}"])
    assert not rewritten.ok
    assert any(f"history up to entry {result.entries - 3} was rewritten" in p for p in rewritten.problems)

    garbled = store.verify_audit(["backoffice-audit-anchor head=xyz"])
    assert not garbled.ok
    assert any("no entry count" in p for p in garbled.problems)


def test_a_mangled_anchor_file_is_reported(store: Store, path: Path, rules: RuleSet) -> None:
    company(store, rules)
    with anchor_file(path).open("a") as f:
        f.write("nothing to see here\n")

    result = store.verify_audit()

    assert not result.ok
    assert any("the anchor file was edited" in p for p in result.problems)


def test_a_log_that_does_not_verify_is_not_anchored(store: Store, path: Path, rules: RuleSet) -> None:
    every_path(company(store, rules))
    conn = raw(path)
    conn.execute("UPDATE audit_log SET actor = 'e003' WHERE id = 5")
    conn.close()
    before = anchor_file(path).read_text()

    with pytest.raises(AuditError, match="entry 5"):
        store.anchor(NOW)

    assert anchor_file(path).read_text() == before


def test_a_forged_plain_chain_passed_off_as_a_log_from_before_the_key_is_caught_by_the_anchors(
    path: Path, rules: RuleSet
) -> None:
    store = Store(path)
    every_path(company(store, rules))
    store.close()
    conn = raw(path)
    conn.execute("UPDATE audit_log SET actor = 'e003' WHERE action = 'request.approved'")
    rehash_plain(conn)
    conn.execute("INSERT OR REPLACE INTO audit_state VALUES ('chain', 'sha256')")  # "re-key me, please"
    conn.close()

    reopened = Store(path)  # takes the bait: the plain chain checks out, and it is re-keyed
    try:
        result = reopened.verify_audit()
    finally:
        reopened.close()

    assert not result.ok
    assert any("was rewritten" in p for p in result.problems)


def test_many_threads_and_two_stores_on_one_file_leave_an_anchor_for_every_commit(path: Path) -> None:
    stores = [Store(path), Store(path)]  # two processes' worth: each its own connection and lock
    start = threading.Barrier(8)

    def work(n: int) -> None:
        s = stores[n % 2]
        start.wait()
        for i in range(10):
            with s.tx():
                s.audit(NOW, f"worker{n}", "test.entry", None, {"i": i})
                s.audit(NOW, f"worker{n}", "test.second", None, {"i": i})

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        result = stores[0].verify_audit()
    finally:
        for s in stores:
            s.close()

    assert result.ok, result.problems
    assert (result.entries, result.anchored) == (160, 160)
    anchors, problems = audit_anchor.read_anchor_file(anchor_file(path))
    assert problems == []
    assert sorted(a.count for a in anchors) == list(range(2, 161, 2))  # one line per commit, none torn


# -- rotation and the upgrade of an old log ---------------------------------------------------------


def test_rotating_the_key_rechains_the_log_records_it_and_anchors_the_new_head(
    store: Store, path: Path, rules: RuleSet
) -> None:
    every_path(company(store, rules))
    old_key, old_id = audit_keys.read_key_file(key_file(path))[0], store.audit_key_id
    old_line = store.anchor(NOW)
    new_key = audit_keys.new_key()

    head = store.rekey(new_key, NOW, "cli")

    result = store.verify_audit([old_line])
    assert result.ok, result.problems
    assert result.entries == head.count
    assert any("made with an earlier key" in n for n in result.notes)
    last = store.query("SELECT actor, action, data FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert (last["actor"], last["action"]) == ("cli", "audit.rekeyed")
    info = json.loads(last["data"])
    assert (info["from_key"], info["to_key"], info["entries"]) == (old_id, audit.key_id(new_key), head.count - 1)
    newest = audit_anchor.parse_anchor(anchor_file(path).read_text().splitlines()[-1], "file")
    assert (newest.count, newest.head, newest.key) == (head.count, head.hash, audit.key_id(new_key))
    with_old = Store(path, audit_keys=[old_key])
    try:
        assert not with_old.verify_audit().ok
    finally:
        with_old.close()


def test_a_running_store_follows_a_rotation_of_the_key_file(path: Path, rules: RuleSet) -> None:
    running = Store(path)  # the bot, reading the key file beside the database
    company(running, rules)
    rotating = Store(path)  # `backoffice audit rekey`, in another process
    old = audit_keys.read_key_file(key_file(path))
    new = audit_keys.new_key()
    audit_keys.write_key_file(key_file(path), [new, *old])
    rotating.rekey(new, NOW, "cli")
    audit_keys.write_key_file(key_file(path), [new])
    rotating.close()
    try:
        with running.tx():
            running.audit(NOW, "e001", "test.after_rotation", None, {})
        result = running.verify_audit()
    finally:
        running.close()

    assert result.ok, result.problems
    assert audit_keys.read_key_file(key_file(path)) == [new]


def test_a_log_that_does_not_verify_is_not_rekeyed(store: Store, path: Path, rules: RuleSet) -> None:
    every_path(company(store, rules))
    conn = raw(path)
    conn.execute("DELETE FROM audit_log WHERE id = 7")
    conn.close()
    before = rows(path)

    with pytest.raises(AuditError, match="not re-keyed"):
        store.rekey(audit_keys.new_key(), NOW, "cli")

    assert rows(path) == before
    assert not store.verify_audit().ok  # still under the old key, still naming entry 7


def test_a_log_from_before_the_key_is_checked_rekeyed_once_and_verifies(path: Path, rules: RuleSet) -> None:
    store = Store(path)
    ids = every_path(company(store, rules))
    store.close()
    make_pre_key_database(path)
    old_count = entry_count(path)

    upgraded = Store(path, now=lambda: "2026-12-01T09:00:00+09:00")
    upgraded.close()
    again = Store(path)
    try:
        result = again.verify_audit()
        last = again.query("SELECT at, actor, action, data FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    finally:
        again.close()

    assert result.ok, result.problems
    assert result.entries == old_count + 1  # one entry says so, and only one
    assert (last["at"], last["actor"], last["action"]) == ("2026-12-01T09:00:00+09:00", "system", "audit.rekeyed")
    info = json.loads(last["data"])
    assert (info["from"], info["entries"], info["previous_ok"]) == ("sha256", old_count, True)
    assert result.requests == len(ids)
    assert any("rebuilt by replaying their actions" in n for n in result.notes)


def test_a_log_from_before_the_key_that_was_already_broken_stays_reported(path: Path, rules: RuleSet) -> None:
    store = Store(path)
    every_path(company(store, rules))
    store.close()
    make_pre_key_database(path)
    conn = raw(path)
    conn.execute("UPDATE audit_log SET actor = 'e003' WHERE id = 9")  # tampered while the chain had no key
    conn.close()

    for _ in range(2):  # re-keying does not launder it, at the upgrade or ever after
        s = Store(path)
        try:
            result = s.verify_audit()
        finally:
            s.close()
        assert not result.ok
        assert any("already broken at entry 9" in p for p in result.problems), result.problems


def test_the_store_writes_a_claim_normally_after_the_upgrade(path: Path, rules: RuleSet) -> None:
    store = Store(path)
    wf = company(store, rules)
    wf.submit(wf.directory.require("e007"), claim(12000))
    store.close()
    make_pre_key_database(path)

    s = Store(path)
    try:
        wf = company(s, rules)
        wf.clock = FixedClock("2026-11-25T10:00")
        assert wf.submit(wf.directory.require("e008"), claim(13000)).ok
        result = s.verify_audit()
    finally:
        s.close()
    assert result.ok, result.problems
