"""A fake Chatwork REST API v2 behind respx: the real httpx client, no network.

It records every message and task, answers like Chatwork (form-encoded bodies in, JSON out,
rate-limit headers on every answer), and can be told to fail: `fail("messages", 500)` or a
429 with an `X-RateLimit-Reset`. Loopback traffic (our own ASGI server) passes through.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import httpx
import respx

BASE = "https://api.chatwork.com/v2"
FILES = "https://appdata.chatwork.com"  # a *.chatwork.com file host, as the gate expects
BOT_ID = "9999999"
BOT_NAME = "経費ボット"


class FakeChatwork:
    def __init__(self, clock: Callable[[], float], contacts: dict[str, str] | None = None) -> None:
        self.clock = clock
        self.contacts = contacts or {}
        self.messages: list[dict[str, Any]] = []
        self.tasks: list[dict[str, Any]] = []
        self.task_status: dict[str, str] = {}
        self.calls: list[tuple[str, str]] = []
        self.files: dict[str, tuple[str, bytes]] = {}
        self.uploads: list[dict[str, Any]] = []  # files the bot posted: room, name, data, message
        self.declared: dict[str, int] = {}  # file id -> the filesize the API claims instead of the real one
        self.download_urls: dict[str, str] = {}  # file id -> the download_url the API hands out instead of ours
        self._failures: dict[str, list[tuple[int, dict[str, str], dict[str, Any]]]] = {}
        self._ids = itertools.count(1_800_000_000_000_000_001)
        self._task_ids = itertools.count(7001)
        self._lock = threading.Lock()
        self.router = respx.mock(assert_all_called=False)
        r = self.router
        r.route(host="127.0.0.1").pass_through()
        r.get(f"{BASE}/me").mock(side_effect=self._me)
        r.get(f"{BASE}/contacts").mock(side_effect=self._contacts)
        r.post(url__regex=rf"^{re.escape(BASE)}/rooms/(?P<room>\d+)/messages$").mock(side_effect=self._message)
        r.post(url__regex=rf"^{re.escape(BASE)}/rooms/(?P<room>\d+)/tasks$").mock(side_effect=self._task)
        r.put(url__regex=rf"^{re.escape(BASE)}/rooms/(?P<room>\d+)/messages/(?P<message>\d+)$").mock(
            side_effect=self._edit
        )
        r.put(url__regex=rf"^{re.escape(BASE)}/rooms/(?P<room>\d+)/tasks/(?P<task>\d+)/status$").mock(
            side_effect=self._task_status
        )
        r.get(url__regex=rf"^{re.escape(BASE)}/rooms/(?P<room>\d+)/files/(?P<file>\d+)").mock(side_effect=self._file)
        r.post(url__regex=rf"^{re.escape(BASE)}/rooms/(?P<room>\d+)/files$").mock(side_effect=self._upload)
        r.get(url__regex=rf"^{re.escape(FILES)}/(?P<file>\d+)$").mock(side_effect=self._download)

    def __enter__(self) -> FakeChatwork:
        self.router.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.router.__exit__(*exc)

    # -- test controls -------------------------------------------------------------------------

    def fail(self, what: str, status: int, times: int = 1, headers: dict[str, str] | None = None,
             errors: list[str] | None = None) -> None:  # fmt: skip
        body = {"errors": errors or ["Internal Server Error" if status >= 500 else "Too Many Requests"]}
        self._failures.setdefault(what, []).extend([(status, headers or {}, body)] * times)

    def in_room(self, room: str) -> list[str]:
        with self._lock:
            return [m["body"] for m in self.messages if m["room"] == room]

    # -- answers -------------------------------------------------------------------------------

    def _answer(self, what: str, request: httpx.Request, ok: Callable[[], Any]) -> httpx.Response:
        with self._lock:
            self.calls.append((what, str(request.url)))
            assert request.headers.get("x-chatworktoken") == "cw-token", "every call carries the API token header"
            pending = self._failures.get(what)
            if pending:
                status, headers, body = pending.pop(0)
                return httpx.Response(status, json=body, headers={"x-ratelimit-remaining": "0", **headers})
            result = ok()
        headers = {"x-ratelimit-limit": "300", "x-ratelimit-remaining": "299",
                   "x-ratelimit-reset": str(int(self.clock()) + 300)}  # fmt: skip
        return httpx.Response(200, json=result, headers=headers)

    def _me(self, request: httpx.Request) -> httpx.Response:
        return self._answer("me", request, lambda: {"account_id": int(BOT_ID), "name": BOT_NAME, "room_id": 1})

    def _contacts(self, request: httpx.Request) -> httpx.Response:
        return self._answer(
            "contacts", request,
            lambda: [{"account_id": int(a), "room_id": int(r), "name": f"user{a}"} for a, r in self.contacts.items()],
        )  # fmt: skip

    def _message(self, request: httpx.Request, room: str) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}

        def ok() -> dict[str, str]:
            message_id = str(next(self._ids))
            self.messages.append({"room": room, "body": form["body"], "id": message_id, "at": self.clock()})
            return {"message_id": message_id}

        return self._answer("messages", request, ok)

    def _edit(self, request: httpx.Request, room: str, message: str) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}

        def ok() -> dict[str, str]:
            for m in self.messages:
                if m["room"] == room and m["id"] == message:
                    m["body"] = form["body"]
                    m["edits"] = m.get("edits", 0) + 1
                    return {"message_id": message}
            raise AssertionError(f"no message {message} in room {room} to edit")

        return self._answer("edit", request, ok)

    def _task(self, request: httpx.Request, room: str) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}

        def ok() -> dict[str, list[int]]:
            task_id = next(self._task_ids)
            self.tasks.append({"room": room, "id": str(task_id), "at": self.clock(), **form})
            self.task_status[str(task_id)] = "open"
            return {"task_ids": [task_id]}

        return self._answer("tasks", request, ok)

    def _task_status(self, request: httpx.Request, room: str, task: str) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}

        def ok() -> dict[str, int]:
            self.task_status[task] = form["body"]
            return {"task_id": int(task)}

        return self._answer("task_status", request, ok)

    def _file(self, request: httpx.Request, room: str, file: str) -> httpx.Response:
        name, data = self.files[file]
        info = {
            "file_id": int(file), "filename": name, "filesize": self.declared.get(file, len(data)),
            "download_url": self.download_urls.get(file, f"{FILES}/{file}"),
        }  # fmt: skip
        return self._answer("file", request, lambda: info)

    def _upload(self, request: httpx.Request, room: str) -> httpx.Response:
        parsed = email.message_from_bytes(
            b"content-type: " + request.headers["content-type"].encode() + b"\r\n\r\n" + request.read(),
            policy=email.policy.HTTP,
        )
        parts = {part.get_param("name", header="content-disposition"): part for part in parsed.iter_parts()}
        file, message = parts["file"], parts.get("message")

        def ok() -> dict[str, int]:
            file_id = len(self.uploads) + 5001
            self.uploads.append({
                "room": room, "name": file.get_filename(), "data": file.get_payload(decode=True),
                "message": message.get_payload(decode=True).decode() if message is not None else "", "id": file_id,
            })  # fmt: skip
            return {"file_id": file_id}

        return self._answer("files", request, ok)

    def _download(self, request: httpx.Request, file: str) -> httpx.Response:
        assert "x-chatworktoken" not in request.headers, "the API token never goes to the file host"
        return httpx.Response(200, content=self.files[file][1])
