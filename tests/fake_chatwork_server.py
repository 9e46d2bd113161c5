"""A fake Chatwork REST API v2 on a free loopback port, for a bot running in another process.

(tests/fake_chatwork.py fakes the same API with respx, which only reaches the test's own
process.) It records every message posted and answers like Chatwork: JSON, a message id per post.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_ID = "9999999"
BOT_NAME = "経費ボット"


class FakeChatworkServer:
    def __init__(self) -> None:
        self.messages: list[dict[str, str]] = []
        self.uploads: list[dict[str, Any]] = []  # files the bot posted (multipart bodies as received)
        self._lock = threading.Lock()
        ids = itertools.count(1_800_000_000_000_000_001)
        tasks = itertools.count(7001)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.endswith("/me"):
                    self._json({"account_id": int(BOT_ID), "name": BOT_NAME})
                else:  # contacts: everyone's direct chat with the bot is room 5000NN
                    self._json([{"account_id": 1000000 + n, "room_id": 500000 + n} for n in range(1, 14)])

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                room = re.search(r"/rooms/(\d+)/", self.path)
                if self.path.endswith("/files"):  # a file the bot sends (multipart): kept as it came
                    with fake._lock:
                        fake.uploads.append({"room": room.group(1) if room else "", "body": body})
                    self._json({"file_id": len(fake.uploads)})
                    return
                form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
                if self.path.endswith("/tasks"):
                    self._json({"task_ids": [next(tasks)]})
                    return
                with fake._lock:
                    fake.messages.append({"room": room.group(1) if room else "", "body": form.get("body", "")})
                self._json({"message_id": str(next(ids))})

            def do_PUT(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                self._json({"task_id": 1})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v2"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self) -> list[str]:
        with self._lock:
            return [m["body"] for m in self.messages]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
