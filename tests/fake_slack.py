"""A fake Slack Web API on a free loopback port: records every call, answers like Slack does.

`fail(method, status, times)` makes the next calls of one method answer an HTTP error (429
comes with Retry-After: 0) so tests can see retries without waiting.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class FakeSlack:
    def __init__(self, users: dict[str, dict[str, Any]] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.users = users or {}
        self._failures: dict[str, list[int]] = {}
        self.files: dict[str, bytes] = {}
        self.uploads: dict[str, bytes] = {}  # file id -> the bytes the bot uploaded (files.getUploadURLExternal)
        self.redirects: dict[str, str] = {}  # file name -> where its download redirects to
        self.streams: dict[str, int] = {}  # file name -> bytes sent with no Content-Length
        self.streamed: dict[str, int] = {}  # file name -> bytes actually written before the client hung up
        self.socket_url: str | None = None  # what apps.connections.open hands out (a FakeSocketMode's URL)
        self.delay = 0.0  # seconds each answer takes: a slow Slack
        self._ts = 1000
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                # Private file downloads: only with the bot token, as Slack does.
                name = self.path.rsplit("/", 1)[-1]
                if name in fake.redirects:  # a file host that sends the client elsewhere
                    with fake._lock:
                        fake.calls.append(("files.download", {"path": self.path, "redirected": True}))
                    self.send_response(302)
                    self.send_header("location", fake.redirects[name])
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                if name in fake.streams:  # bytes with no Content-Length, until the client stops reading
                    with fake._lock:
                        fake.calls.append(("files.download", {"path": self.path, "streamed": True}))
                    self.send_response(200)
                    self.send_header("content-type", "application/pdf")
                    self.send_header("connection", "close")
                    self.end_headers()
                    chunk = b"%PDF-1.4 " + b"0" * (64 * 1024 - 9)
                    try:
                        for _ in range(fake.streams[name] // len(chunk) + 1):
                            self.wfile.write(chunk)
                            fake.streamed[name] = fake.streamed.get(name, 0) + len(chunk)
                    except OSError:  # the client hung up: what a capped download does
                        pass
                    self.close_connection = True
                    return
                ok = self.headers.get("authorization") == "Bearer xoxb-test" and name in fake.files
                data = fake.files[name] if ok else b"<html>sign in</html>"
                with fake._lock:
                    fake.calls.append(("files.download", {"path": self.path, "ok": ok}))
                self.send_response(200)
                self.send_header("content-type", "application/pdf" if ok else "text/html")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                if self.path.startswith("/upload/"):  # the upload URL files.getUploadURLExternal handed out
                    file_id = self.path.rsplit("/", 1)[-1]
                    with fake._lock:
                        fake.uploads[file_id] = body
                        fake.calls.append(("files.upload_bytes", {"file_id": file_id, "size": len(body)}))
                    self.send_response(200)
                    self.send_header("content-type", "text/plain")
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"OK")
                    return
                raw = body.decode("utf-8")
                if "json" in (self.headers.get("content-type") or ""):
                    args = json.loads(raw or "{}")
                else:
                    args = {k: v[0] for k, v in parse_qs(raw).items()}
                for key in ("blocks", "view"):
                    if isinstance(args.get(key), str):
                        args[key] = json.loads(args[key])
                status, body, headers = fake._answer(self.path.strip("/").split("/")[-1], self.path, args)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        self.webhook = f"http://127.0.0.1:{self.server.server_address[1]}/webhook/"
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(self, method: str, status: int, times: int = 1) -> None:
        self._failures.setdefault(method, []).extend([status] * times)

    def _answer(self, method: str, path: str, args: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.calls.append((method if "/api/" in path else "webhook", args))
            pending = self._failures.get(method)
            if pending:
                status = pending.pop(0)
                headers = {"retry-after": "0"} if status == 429 else {}
                return status, {"ok": False, "error": "ratelimited" if status == 429 else "fatal_error"}, headers
            self._ts += 1
            ts = f"1764000000.{self._ts:06d}"
        if "/webhook/" in path:
            return 200, {"ok": True}, {}
        if method == "conversations.open":
            return 200, {"ok": True, "channel": {"id": "D" + args.get("users", "X")[1:]}}, {}
        if method == "chat.postMessage":
            return 200, {"ok": True, "channel": args.get("channel"), "ts": ts, "message": {"ts": ts}}, {}
        if method == "files.getUploadURLExternal":
            file_id = f"F{self._ts:08d}"
            return 200, {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}, {}
        if method == "files.completeUploadExternal":
            files = json.loads(args.get("files") or "[]")
            return 200, {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}, {}
        if method == "apps.connections.open":
            if self.socket_url is None:
                return 200, {"ok": False, "error": "not_allowed_token_type"}, {}
            return 200, {"ok": True, "url": self.socket_url}, {}
        if method == "users.info":
            user = self.users.get(args.get("user", ""))
            if user is None:
                return 200, {"ok": False, "error": "user_not_found"}, {}
            return 200, {"ok": True, "user": user}, {}
        return 200, {"ok": True, "ts": ts}, {}

    def of(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [args for m, args in self.calls if m == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Work happens on a background pool: wait until Slack has been called `count` times."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.of(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"{method} called {len(self.of(method))} times, expected {count}: {self.calls}")
