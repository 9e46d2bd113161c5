"""Chatwork REST API v2 over one `httpx.AsyncClient`, paced so that Chatwork never has to refuse us.

Two limits are kept on our side: 300 requests per 5 minutes for the token, and 10 posts
(messages and tasks together) per 10 seconds per room. A 429 that still comes back blocks the
same scope until Chatwork's `X-RateLimit-Reset`. Time and sleep are injected so tests can run
a minute of traffic in no time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.chatwork.com/v2"
ROOM_POST_ERROR = "Rate limit for message posting per room exceeded"
ROOM_WAIT_SECONDS = 10.0  # after a per-room 429, which carries no reset time of its own


class ChatworkError(Exception):
    """A request Chatwork refused or could not answer."""

    def __init__(self, status: int, message: str, file: dict[str, Any] | None = None) -> None:
        super().__init__(f"chatwork answered {status}: {message}")
        self.status = status
        self.message = message
        self.file = file or {}  # for a refused download: the file's name and size, to tell the sender

    @property
    def retryable(self) -> bool:
        """Worth another try later: their side failed (5xx), or no answer came at all (0)."""
        return self.status == 0 or self.status >= 500


class RateLimited(ChatworkError):
    def __init__(self, wait: float, room: str | None, message: str) -> None:
        super().__init__(429, message)
        self.wait = wait
        self.room = room

    @property
    def retryable(self) -> bool:
        return True


@dataclass
class Window:
    limit: int
    seconds: float

    def __post_init__(self) -> None:
        self.sent: deque[float] = deque()
        self.blocked_until = 0.0

    def wait(self, now: float) -> float:
        """Seconds to wait before one more request fits."""
        while self.sent and self.sent[0] <= now - self.seconds:
            self.sent.popleft()
        wait = max(0.0, self.blocked_until - now)
        if len(self.sent) >= self.limit:
            wait = max(wait, self.sent[0] + self.seconds - now)
        return wait

    def take(self, now: float) -> None:
        self.sent.append(now)


class RateLimiter:
    def __init__(
        self,
        per_token: tuple[int, float] = (300, 300.0),
        per_room: tuple[int, float] = (10, 10.0),
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.token = Window(*per_token)
        self._per_room = per_room
        self.rooms: dict[str, Window] = {}
        self._lock = asyncio.Lock()

    def _room(self, room: str) -> Window:
        if room not in self.rooms:
            self.rooms[room] = Window(*self._per_room)
        return self.rooms[room]

    def wait_for(self, room: str | None = None) -> float:
        now = self.clock()
        wait = self.token.wait(now)
        return max(wait, self._room(room).wait(now)) if room else wait

    async def acquire(self, room: str | None = None) -> None:
        """Wait until one request (a post to `room`, when given) fits every window, then count it."""
        async with self._lock:
            while (wait := self.wait_for(room)) > 0:
                await self.sleep(wait)
            now = self.clock()
            self.token.take(now)
            if room:
                self._room(room).take(now)

    def block(self, room: str | None, until: float) -> None:
        window = self._room(room) if room else self.token
        window.blocked_until = max(window.blocked_until, until)

    def observe(self, headers: httpx.Headers) -> None:
        """Chatwork says how much is left: when nothing is, wait for its reset rather than be refused."""
        remaining, reset = headers.get("x-ratelimit-remaining"), headers.get("x-ratelimit-reset")
        if remaining is not None and reset is not None and remaining.strip() == "0":
            with contextlib.suppress(ValueError):
                self.block(None, float(reset))


class ChatworkClient:
    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_API_URL,
        limiter: RateLimiter | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # The token goes in the header only, and the header is never logged.
        self.http = httpx.AsyncClient(base_url=self.base_url, headers={"x-chatworktoken": token}, timeout=timeout)
        self.limiter = limiter or RateLimiter()

    async def close(self) -> None:
        await self.http.aclose()

    async def call(
        self, method: str, path: str, data: dict[str, Any] | None = None, params: dict[str, Any] | None = None,
        room: str | None = None, files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Any:  # fmt: skip
        """One API call; `room` marks a post that counts against that room's limit. `files` makes it multipart."""
        await self.limiter.acquire(room)
        try:
            resp = await self.http.request(method, path, data=data, params=params, files=files)
        except httpx.HTTPError as exc:
            raise ChatworkError(0, f"{type(exc).__name__}: {exc}") from exc
        self.limiter.observe(resp.headers)
        if resp.status_code == 429:
            message = _errors(resp)
            now = self.limiter.clock()
            if ROOM_POST_ERROR.lower() in message.lower() and room:
                wait, scope = ROOM_WAIT_SECONDS, room
            else:
                try:
                    wait, scope = max(1.0, float(resp.headers.get("x-ratelimit-reset", "")) - now), None
                except ValueError:
                    wait, scope = 60.0, None
            self.limiter.block(scope, now + wait)
            raise RateLimited(wait, scope, message)
        if resp.status_code >= 400:
            raise ChatworkError(resp.status_code, _errors(resp))
        if resp.status_code == 204 or not resp.content:
            return None  # "nothing new" comes back as 204 with no body
        return resp.json()

    async def me(self) -> dict[str, Any]:
        return dict(await self.call("GET", "/me"))

    async def contacts(self) -> list[dict[str, Any]]:
        return list(await self.call("GET", "/contacts") or [])

    async def post_message(self, room_id: str, body: str) -> str:
        data = await self.call("POST", f"/rooms/{room_id}/messages", data={"body": body}, room=room_id)
        return str(data["message_id"])

    async def update_message(self, room_id: str, message_id: str, body: str) -> None:
        """PUT /rooms/{room_id}/messages/{message_id}: a card posted earlier, redrawn."""
        await self.call("PUT", f"/rooms/{room_id}/messages/{message_id}", data={"body": body})

    async def create_task(self, room_id: str, body: str, to_ids: list[str], limit: int | None) -> list[str]:
        data: dict[str, Any] = {"body": body, "to_ids": ",".join(to_ids)}
        if limit:
            data |= {"limit": str(limit), "limit_type": "date"}
        else:
            data["limit_type"] = "none"
        result = await self.call("POST", f"/rooms/{room_id}/tasks", data=data, room=room_id)
        return [str(x) for x in result["task_ids"]]

    async def task_done(self, room_id: str, task_id: str) -> None:
        await self.call("PUT", f"/rooms/{room_id}/tasks/{task_id}/status", data={"body": "done"})

    async def upload_file(self, room_id: str, name: str, data: bytes, mime: str, message: str) -> str:
        """POST /rooms/{room_id}/files (multipart: `file`, `message`); Chatwork takes at most 5 MB."""
        files = {"file": (name, data, mime)}
        path = f"/rooms/{room_id}/files"
        result = await self.call("POST", path, data={"message": message}, files=files, room=room_id)
        return str(result["file_id"])

    async def file_info(self, room_id: str, file_id: str) -> dict[str, Any]:
        """A file shared in a room, with a download URL valid for 30 seconds: fetch it at once (bot.downloads)."""
        info = await self.call("GET", f"/rooms/{room_id}/files/{file_id}", params={"create_download_url": 1})
        if not isinstance(info, dict):
            raise ChatworkError(0, "file info is not an object")
        return info


def _errors(resp: httpx.Response) -> str:
    try:
        return "; ".join(resp.json().get("errors") or []) or resp.reason_phrase
    except ValueError:
        return resp.text[:200] or resp.reason_phrase
