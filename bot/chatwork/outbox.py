"""The persistent outbox: every message and task for Chatwork waits in SQLite until Chatwork accepts it.

Order is kept per target (a room, or a person's direct chat): a message that cannot go out
holds back the ones after it, never other rooms'. A 429 waits for Chatwork's reset without
counting as a failure; a 5xx or a dropped connection is tried again with growing pauses; a
refusal for good (4xx) is kept with its error and the queue moves on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot import outbox
from bot.chatwork import queue
from bot.chatwork.client import ChatworkClient, ChatworkError, RateLimited
from bot.store.db import Store

log = logging.getLogger(__name__)

PLATFORM = "chatwork"
POSTS = ("message", "task", "file")  # what counts against a room's posting limit


class Outbox:
    def __init__(
        self,
        store: Store,
        client: ChatworkClient,
        now_iso: Callable[[], str],
        fallback_room: str | None = None,
        backoff: tuple[float, float] = (5.0, 600.0),
    ) -> None:
        self.store = store
        self.client = client
        self.now_iso = now_iso
        self.fallback_room = fallback_room
        self.backoff = backoff
        self._direct_rooms: dict[str, str] = {}
        self._contacts_read_at = -math.inf
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def clock(self) -> Callable[[], float]:
        return self.client.limiter.clock

    @property
    def sleep(self) -> Callable[[float], Awaitable[Any]]:
        return self.client.limiter.sleep

    # -- running -----------------------------------------------------------------------------

    def wake(self) -> None:
        """Called from any thread once something was queued."""
        if self._loop is not None and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        """Send whatever is due, then sleep until woken or until the next retry is due."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        while True:
            try:
                await self.drain()
            except Exception:
                log.exception("chatwork outbox pass failed; trying again shortly")
            self._wake.clear()
            due = [job["next_attempt"] for job in outbox.waiting(self.store, PLATFORM)]
            timeout = max(0.05, min(due) - self.clock()) if due else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    async def drain(self) -> int:
        """Send everything that can go now; return how many went out. Waits out rate limits, not retries."""
        sent = 0
        while True:
            heads: dict[str, dict[str, Any]] = {}
            for job in outbox.waiting(self.store, PLATFORM):
                heads.setdefault(job["target"], job)
            now = self.clock()
            ready = [job for job in heads.values() if job["next_attempt"] <= now]
            if not ready:
                return sent
            moved, soonest = False, math.inf
            for job in ready:
                try:
                    room = await self._room_of(job)
                except ChatworkError as exc:
                    self._failed(job, exc)
                    moved = True
                    continue
                if room is None:
                    outbox.refused(self.store, job["id"], self.now_iso(), "no direct chat with this person")
                    log.warning("chatwork: nowhere to send outbox job %s (%s)", job["id"], job["target"])
                    moved = True
                    continue
                wait = self.client.limiter.wait_for(room if job["kind"] in POSTS else None)
                if wait > 0:
                    soonest = min(soonest, wait)
                    continue
                sent += await self._send(job, room)
                moved = True
            if not moved:
                await self.sleep(soonest)

    # -- one job -----------------------------------------------------------------------------

    async def _send(self, job: dict[str, Any], room: str) -> int:
        payload, kind = job["payload"], job["kind"]
        try:
            if kind == "message":
                body, mention = payload["body"], ""
                if job["target"].startswith("dm:") and room == self.fallback_room:
                    mention = f"[To:{job['target'][3:]}] {payload.get('name', '')}\n"
                    body = mention + body
                result: Any = {"room_id": room, "message_id": await self.client.post_message(room, body)}
                if payload.get("card"):
                    # Remembered with the send, as sent (a mention added here too): later states are edited into it.
                    card = {**payload["card"], "prefix": mention + payload["card"].get("prefix", ""), "body": body}
                    queue.card_posted(self.store, card, room, result["message_id"], self.now_iso())
            elif kind == "task":
                body = payload["body"]
                ids = await self.client.create_task(room, body, payload["to_ids"], payload.get("limit"))
                queue.task_created(self.store, payload["task_row"], room, ids[0])
                result = {"room_id": room, "task_ids": ids}
            elif kind == "edit":
                await self.client.update_message(payload["room_id"], payload["message_id"], payload["body"])
                result = {"room_id": payload["room_id"], "message_id": payload["message_id"]}
            elif kind == "file":
                result = await self._send_file(job, room)
            elif kind == "task_done":
                task = queue.get_task(self.store, payload["task_row"])
                if task and task["task_id"]:
                    await self.client.task_done(task["room_id"], task["task_id"])
                    queue.task_done(self.store, task["id"], self.now_iso())
                result = {"task_row": payload["task_row"]}
            else:
                raise ChatworkError(400, f"unknown outbox kind {kind!r}")
        except ChatworkError as exc:
            self._failed(job, exc)
            return 0
        outbox.sent(self.store, job["id"], self.now_iso(), result)
        return 1 if kind in POSTS else 0

    async def _send_file(self, job: dict[str, Any], room: str) -> dict[str, Any]:
        """A file goes to the person's direct chat only: with no direct chat (the fallback room is shared), they are
        told there instead how to get it, and the file is not posted."""
        payload = job["payload"]
        if not job["target"].startswith("dm:") or room == self.fallback_room:
            body = f"[To:{job['target'][3:]}] {payload.get('name', '')}\n{payload['no_direct']}"
            return {"room_id": room, "message_id": await self.client.post_message(room, body), "file": None}
        path = Path(payload["path"])
        try:
            data = path.read_bytes()
        except OSError:
            raise ChatworkError(410, f"file to send is gone: {path.name}") from None
        file_id = await self.client.upload_file(room, payload["file_name"], data, payload["mime"], payload["message"])
        return {"room_id": room, "file_id": file_id}

    def _failed(self, job: dict[str, Any], exc: ChatworkError) -> None:
        if isinstance(exc, RateLimited):
            # Not a failure: it goes as soon as Chatwork's window opens again.
            outbox.retry_later(self.store, job["id"], self.clock() + exc.wait, str(exc), count_attempt=False)
        elif exc.retryable:
            pause = min(self.backoff[1], self.backoff[0] * 2 ** job["attempts"])
            outbox.retry_later(self.store, job["id"], self.clock() + pause, str(exc))
            log.warning("chatwork outbox job %s failed (%s); next try in %.0f s", job["id"], exc, pause)
        else:
            outbox.refused(self.store, job["id"], self.now_iso(), str(exc))
            log.error("chatwork refused outbox job %s for good: %s", job["id"], exc)

    async def _room_of(self, job: dict[str, Any]) -> str | None:
        """The room a job goes to; None when a person has no direct chat with the bot and no room is set."""
        target: str = job["target"]
        if job["kind"] == "task_done":
            task = queue.get_task(self.store, job["payload"]["task_row"])
            return (task or {}).get("room_id") or target
        if not target.startswith("dm:"):
            return target
        account = target[3:]
        if account not in self._direct_rooms and self.clock() - self._contacts_read_at > 60:
            # Contacts are read once a minute at most: each read costs from the shared rate limit.
            contacts = await self.client.contacts()
            self._contacts_read_at = self.clock()
            for contact in contacts:
                self._direct_rooms[str(contact["account_id"])] = str(contact["room_id"])
        return self._direct_rooms.get(account) or self.fallback_room
