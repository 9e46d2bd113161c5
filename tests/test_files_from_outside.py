"""Files from outside (#13, part 1): what a file share claims is not believed.

End to end through the real Slack front door on loopback (a real slack-bolt app, signed requests, the fake Slack
Web API serving the files) and the Chatwork one (the real httpx client, the API and file host in respx), plus the
gate's own rules for addresses no test server can stand in for (link-local, private, IPv6, names that resolve to
them)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.downloads import Gate, Unavailable
from bot.files import RECEIPT_KINDS, FileRefused, clean_name, keep
from bot.store import records
from tests.loopback import free_port, wait_until
from tests.test_chatwork import BOT_ID, GROUP, CwEnv
from tests.test_chatwork import WATANABE as CW_WATANABE
from tests.test_slack import WATANABE, Env

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


class Stranger:
    """Another server on loopback: it must never see a request, least of all one carrying the bot token."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        stranger = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                stranger.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
                self.send_response(200)
                self.send_header("content-type", "application/pdf")
                self.send_header("content-length", "13")
                self.end_headers()
                self.wfile.write(b"%PDF-1.4 evil")

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    e = Env(tmp_path)
    yield e
    e.close()


@pytest.fixture
def stranger() -> Iterator[Stranger]:
    s = Stranger()
    yield s
    s.close()


def dm_with_file(env: Env, shared: dict[str, Any], text: str, event_id: str) -> None:
    event = {"type": "message", "subtype": "file_share", "channel_type": "im", "user": WATANABE, "text": text,
             "files": [shared], "ts": "1764000000.000300", "channel": "D0000000007"}  # fmt: skip
    assert env.event(event, event_id).status_code == 200


def answers_to_watanabe(env: Env) -> str:
    return "\n".join(m.get("text", "") for m in env.fake.of("chat.postMessage") if m.get("channel") == "D0000000007")


def files_on_disk(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


# -- Slack: where the token goes -------------------------------------------------------------------


@pytest.mark.parametrize("field", ["url_private_download", "url_private"])
def test_a_slack_file_on_another_host_is_not_fetched_and_the_token_never_leaves(
    env: Env, stranger: Stranger, field: str
) -> None:
    shared = {"id": "F01", "name": "receipt.pdf", "size": 13, field: stranger.url + "/files/receipt.pdf"}
    dm_with_file(env, shared, "昨日の客先タクシー代 3,200円", "Ev1")
    wait_until(lambda: records.get_request(env.app.store, 1) is not None)
    wait_until(lambda: "receipt.pdf」を取得できなかった" in answers_to_watanabe(env))
    assert stranger.seen == []  # not a single request, so no token either
    req = records.get_request(env.app.store, 1)
    assert req is not None and req.status.value == "needs_info"  # filed, waiting for a receipt it can trust
    assert env.app.store.query("SELECT * FROM attachments") == []


def test_a_redirect_away_from_slack_is_not_followed(env: Env, stranger: Stranger) -> None:
    env.fake.redirects["receipt.pdf"] = stranger.url + "/steal"
    shared = {"id": "F02", "name": "receipt.pdf", "size": 13,
              "url_private_download": env.fake.base + "/files/receipt.pdf"}  # fmt: skip
    dm_with_file(env, shared, "昨日の客先タクシー代 3,200円", "Ev2")
    wait_until(lambda: "receipt.pdf」を取得できなかった" in answers_to_watanabe(env))
    assert env.fake.of("files.download") == [{"path": "/files/receipt.pdf", "redirected": True}]
    assert stranger.seen == []


def test_a_file_address_is_refused_and_the_sender_told(env: Env) -> None:
    shared = {"id": "F03", "name": "passwd.pdf", "size": 10, "url_private_download": "file:///etc/passwd"}
    dm_with_file(env, shared, "昨日の客先タクシー代 3,200円", "Ev3")
    wait_until(lambda: "passwd.pdf」を取得できなかった" in answers_to_watanabe(env))
    wait_until(lambda: records.get_request(env.app.store, 1) is not None)  # the claim is not lost either


# -- Slack: size, name, kind -----------------------------------------------------------------------


def test_a_big_file_declared_small_is_cut_off_at_the_cap_refused_and_nothing_auto_approved(env: Env) -> None:
    env.app.services.max_attachment_mb = 1
    env.fake.streams["receipt.pdf"] = 50 << 20  # 50 MB, no Content-Length, while the share says 100 bytes
    shared = {"id": "F04", "name": "receipt.pdf", "size": 100,
              "url_private_download": env.fake.base + "/files/receipt.pdf"}  # fmt: skip
    dm_with_file(env, shared, "昨日の客先タクシー代 3,200円", "Ev4")
    wait_until(lambda: "receipt.pdf」は上限の1MBを超える" in answers_to_watanabe(env))
    req = records.get_request(env.app.store, 1)
    assert req is not None and req.status.value == "needs_info"  # without a receipt: not approved on a cut file
    assert env.app.store.query("SELECT * FROM attachments") == []
    assert files_on_disk(Path(env.app.settings.attachments_dir)) == []
    # The download stopped near the cap: far from the 50 MB on offer (socket buffers allow some slack).
    assert env.fake.streamed["receipt.pdf"] < 16 << 20


def test_a_file_declared_over_the_cap_is_never_fetched(env: Env) -> None:
    env.app.services.max_attachment_mb = 1
    env.fake.files["big.pdf"] = b"%PDF-1.4"
    shared = {"id": "F05", "name": "big.pdf", "size": 3 << 20, "url_private_download": env.fake.base + "/files/big.pdf"}
    dm_with_file(env, shared, "昨日の客先タクシー代 3,200円", "Ev5")
    wait_until(lambda: "big.pdf」は3.0MBあり" in answers_to_watanabe(env))
    assert env.fake.of("files.download") == []


def test_a_file_id_or_name_never_becomes_a_path(env: Env, tmp_path: Path) -> None:
    env.fake.files["r.jpg"] = JPEG
    shared = {"id": "../../PWNED_ID", "name": "../../../PWNED_NAME.jpg", "size": len(JPEG),
              "url_private_download": env.fake.base + "/files/r.jpg"}  # fmt: skip
    dm_with_file(env, shared, "昨日の客先タクシー代 3,200円", "Ev6")
    wait_until(lambda: env.app.store.query("SELECT * FROM attachments") != [])
    assert not [p for p in tmp_path.rglob("*PWNED*")]
    (row,) = env.app.store.query("SELECT name, path, sha256 FROM attachments")
    kept = Path(row["path"])
    assert kept.name == f"{row['sha256']}.jpg" and kept.read_bytes() == JPEG
    assert kept.resolve().is_relative_to(Path(env.app.settings.attachments_dir).resolve())
    assert row["name"] == "PWNED_NAME.jpg"  # shown cleaned, never used as a path


def test_a_file_that_is_not_a_receipt_by_its_bytes_is_refused_politely(env: Env) -> None:
    env.fake.files["receipt.pdf"] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200  # a Windows program
    shared = {"id": "F07", "name": "receipt.pdf", "size": 210,
              "url_private_download": env.fake.base + "/files/receipt.pdf"}  # fmt: skip
    dm_with_file(env, shared, "昨日の客先タクシー代 3,200円", "Ev7")
    wait_until(lambda: "receipt.pdf」は受け付けていない形式" in answers_to_watanabe(env))
    wait_until(lambda: records.get_request(env.app.store, 1) is not None)
    assert env.app.store.query("SELECT * FROM attachments") == []


def test_kept_files_and_their_folders_are_private_whatever_the_umask(env: Env) -> None:
    old = os.umask(0)
    try:
        env.fake.files["taxi.jpg"] = JPEG
        shared = {"id": "F08", "name": "taxi.jpg", "size": len(JPEG),
                  "url_private_download": env.fake.base + "/files/taxi.jpg"}  # fmt: skip
        dm_with_file(env, shared, "昨日の客先タクシー代 3,200円", "Ev8")
        wait_until(lambda: env.app.store.query("SELECT * FROM attachments") != [])
    finally:
        os.umask(old)
    root = Path(env.app.settings.attachments_dir)
    for path in [root, *root.rglob("*")]:
        # The receipt archive's originals are read-only as well (bot/archive/store.py: kept unchanged, 電帳法).
        expected = 0o700 if path.is_dir() else 0o400 if path.parent.name == "archive" else 0o600
        assert (path.stat().st_mode & 0o777) == expected, path


# -- Chatwork ----------------------------------------------------------------------------------------


@pytest.fixture
def cw(tmp_path: Path) -> Iterator[CwEnv]:
    e = CwEnv(tmp_path)
    yield e
    e.close()


def test_a_chatwork_download_url_on_another_host_is_not_fetched(cw: CwEnv) -> None:
    evil = cw.fake.router.get(url__regex=r"^https://evil\.example/.*").respond(200, content=b"%PDF-1.4 evil")
    cw.fake.files["88801"] = ("receipt.pdf", b"%PDF-1.4 fine")
    cw.fake.download_urls["88801"] = "https://evil.example/88801"
    body = (f"[To:{BOT_ID}] 経費ボットさん\n昨日の客先タクシー代 3,200円\n[info][title][dtext:file_uploaded]"
            "[/title][download:88801]receipt.pdf (1 KB)[/download][/info]")  # fmt: skip
    cw.say(CW_WATANABE, body)
    answers = cw.wait_room(GROUP, 2)
    assert any("「receipt.pdf」を取得できなかった" in a for a in answers)
    assert not evil.called
    assert cw.app.store.query("SELECT * FROM attachments") == []


def test_a_chatwork_file_larger_than_it_said_is_refused(cw: CwEnv) -> None:
    cw.app.services.max_attachment_mb = 1
    cw.fake.files["88802"] = ("scan.pdf", b"%PDF-1.4" + b"0" * (2 << 20))
    cw.fake.declared["88802"] = 100  # the API says 100 bytes; the file host sends 2 MB
    body = (f"[To:{BOT_ID}] 経費ボットさん\n昨日の客先タクシー代 3,200円\n"
            "[info][title][dtext:file_uploaded][/title][download:88802]scan.pdf (1 KB)[/download][/info]")  # fmt: skip
    cw.say(CW_WATANABE, body)
    answers = cw.wait_room(GROUP, 2)
    assert any("「scan.pdf」は" in a and "上限の1MBを超える" in a for a in answers)
    assert cw.app.store.query("SELECT * FROM attachments") == []
    req = records.get_request(cw.app.store, 1)
    assert req is not None and req.status.value == "needs_info"  # never approved on a file cut short


# -- the gate's rules ------------------------------------------------------------------------------


def public(host: str, port: int) -> list[str]:
    return ["52.68.0.10"]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/f",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.5/f",
        "https://192.168.1.1/f",
        "https://[::1]/f",
        "https://[::ffff:127.0.0.1]/f",
        "https://[fe80::1]/f",
        "http://files.slack.com/f",  # not https
        "https://files.slack.com.evil.example/f",
        "https://evilslack.com/f",
        "ftp://files.slack.com/f",
        "file:///etc/passwd",
        "gopher://files.slack.com/",
        "",
        None,
        12,
    ],
)
def test_the_gate_refuses_addresses_that_are_not_the_platforms(tmp_path: Path, url: object) -> None:
    gate = Gate(tmp_path, 1 << 20, ("slack.com",), trusted=("http://127.0.0.1:9/api/",), resolver=public)
    with pytest.raises(FileRefused):
        gate.check(url, "f")


def test_the_gate_refuses_a_platform_name_that_resolves_to_a_private_address(tmp_path: Path) -> None:
    gate = Gate(tmp_path, 1 << 20, ("slack.com",), resolver=lambda host, port: ["52.68.0.10", "10.1.2.3"])
    with pytest.raises(FileRefused, match="non-public"):
        gate.check("https://files.slack.com/files-pri/T1-F1/r.pdf", "r.pdf")


def test_the_gate_takes_the_platform_over_https_and_the_configured_api_host(tmp_path: Path) -> None:
    gate = Gate(tmp_path, 1 << 20, ("slack.com",), trusted=("http://127.0.0.1:9/api/",), resolver=public)
    assert gate.check("https://files.slack.com/files-pri/T1-F1/r.pdf", "r").host == "files.slack.com"
    assert gate.check("http://127.0.0.1:9/files/r.pdf", "r").port == 9  # the fake in tests: trusted as configured
    with pytest.raises(FileRefused):
        gate.check("http://127.0.0.1:10/files/r.pdf", "r")  # the same machine, another port: not trusted


def test_a_name_that_does_not_resolve_is_only_unavailable(tmp_path: Path) -> None:
    def nowhere(host: str, port: int) -> list[str]:
        raise Unavailable("err.file_unavailable", "no such name")

    gate = Gate(tmp_path, 1 << 20, ("slack.com",), resolver=nowhere)
    with pytest.raises(Unavailable):
        gate.check("https://files.slack.com/x", "x")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (JPEG, "jpeg"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "png"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 16, "heic"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 16, "webp"),
    ],
)
def test_receipts_are_known_by_their_bytes(tmp_path: Path, data: bytes, kind: str) -> None:
    kept = keep(data, "whatever.exe", tmp_path, RECEIPT_KINDS)
    assert kept.kind == kind and Path(kept.path).parent == tmp_path


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00",
        b"PK\x03\x04" + b"\x00" * 30,
        b"\x7fELF\x02\x01\x01",
        b"plain words",
    ],
)
def test_anything_else_is_not_a_receipt(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(FileRefused) as refused:
        keep(data, "r.pdf", tmp_path, RECEIPT_KINDS)
    assert refused.value.key == "err.file_kind"
    assert list(tmp_path.iterdir()) == []


def test_names_are_cleaned_for_display_only() -> None:
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\Users\\me\\領収書.pdf") == "領収書.pdf"
    assert clean_name("a\x00b\r\nc.pdf") == "a_b_c.pdf"
    assert clean_name("<!channel> 領収書.pdf") == "_!channel_ 領収書.pdf"
    assert clean_name("") == "file" and clean_name(None) == "file"
    assert len(clean_name("x" * 500 + ".pdf")) <= 80 and clean_name("x" * 500 + ".pdf").endswith(".pdf")
