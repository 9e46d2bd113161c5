"""Chatwork front door: a signed webhook in, the router in the middle, the outbox out.

The webhook answers 200 with a tiny body whatever happens: Chatwork never resends a delivery
and switches a webhook off after too many errors. So the event is first kept in the store,
then worked off the request; a crash before it is done is picked up again at start.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bot import outbox, outfiles
from bot.app import App as Backoffice
from bot.cards import notification_reply, request_card
from bot.chatwork import markup, queue
from bot.chatwork.client import DEFAULT_API_URL, ChatworkClient, ChatworkError, RateLimited, RateLimiter
from bot.chatwork.outbox import Outbox
from bot.chatwork.signature import verify
from bot.downloads import CHATWORK_FILE_HOSTS, Gate, Unavailable, refusal
from bot.files import FileRefused, Kept, attached, clean_name
from bot.i18n import t
from bot.inbox import Row
from bot.models import Employee, Reply, Status
from bot.store import records
from handlers.base import Inbound

log = logging.getLogger(__name__)

EVENTS = ("mention_to_me", "message_created")
PLATFORM = "chatwork"


@dataclass(frozen=True)
class Prepared:
    """What working a message off needs from the outside, fetched before its transaction."""

    sender: str | None  # None: nothing to do (our own post, not addressed to the bot)
    room: str = ""
    message_id: str = ""
    text: str = ""
    person: Employee | None = None  # None with a sender: not in the directory
    files: tuple[Kept, ...] = ()
    refused: tuple[dict[str, Any], ...] = ()


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_TOKYO = ZoneInfo("Asia/Tokyo")


def guess_locale(text: str) -> str | None:
    """Chatwork tells us no one's language: kana or kanji means Japanese, other letters English."""
    if _JAPANESE.search(text):
        return "ja"
    return "en" if re.search(r"[A-Za-z]{2,}", text) else None


class ChatworkFrontDoor:
    def __init__(
        self,
        backoffice: Backoffice,
        api_token: str,
        webhook_token: str | None,
        api_url: str = DEFAULT_API_URL,
        approvals_room: str | None = None,
        limiter: RateLimiter | None = None,
        slack_people: bool = False,
        work_workers: int = 8,
        poll_seconds: float = 15.0,
    ) -> None:
        self.backoffice = backoffice
        self.services = backoffice.services
        self.webhook_token = webhook_token
        self.approvals_room = approvals_room
        # With Slack running too, people who have a Slack id are told there; Chatwork serves the rest.
        self.slack_people = slack_people
        self.client = ChatworkClient(api_token, api_url, limiter)
        # Files come from Chatwork's file host (or the configured API host); no token goes with them.
        self._gate = Gate(
            self.services.attachments_dir / "incoming", lambda: self.services.max_attachment_mb << 20,
            CHATWORK_FILE_HOSTS, trusted=(api_url,),
        )  # fmt: skip
        self._files: httpx.AsyncClient | None = None
        self.outbox = Outbox(self.services.store, self.client, self.services.now_iso, fallback_room=approvals_room)
        self.work = ThreadPoolExecutor(max_workers=work_workers, thread_name_prefix="chatwork-work")
        # Notifications made elsewhere (Slack, the console, a scheduled job) are picked up this often.
        self.poll_seconds = poll_seconds
        self.account: dict[str, Any] | None = None
        self._background: set[asyncio.Task[Any]] = set()
        self._intake = ThreadPoolExecutor(max_workers=4, thread_name_prefix="chatwork-intake")
        self._delivering = threading.Lock()  # two passes at once would queue one notification twice
        self._loop: asyncio.AbstractEventLoop | None = None
        backoffice.inbox.register(PLATFORM, self)

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Learn who the bot is and start the outbox; the inbox (started by the server) works off the rest."""
        self._loop = asyncio.get_running_loop()
        try:
            await self.bot_account()
        except ChatworkError as exc:
            log.warning("chatwork /me failed at start (%s); will ask again on the first message", exc)
        self._spawn(self.outbox.run())
        self._spawn(self._poll())

    async def _poll(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                await loop.run_in_executor(self.work, self.deliver)
            except Exception:
                log.exception("chatwork delivery pass failed")
            await asyncio.sleep(self.poll_seconds)

    async def flush(self, timeout: float) -> bool:
        """Send what is due within `timeout` seconds (a graceful stop); True when nothing due is left."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if not outbox.due(self.services.store, PLATFORM, self.outbox.clock()):
                return True
            self.outbox.wake()
            await asyncio.sleep(0.05)
        return False

    async def stop(self) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        self.work.shutdown(wait=True)
        self._intake.shutdown(wait=True)
        await self.client.close()
        if self._files is not None:
            await self._files.aclose()

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def bot_account(self) -> dict[str, Any]:
        if self.account is None:
            self.account = await self.client.me()
        return self.account

    # -- the webhook ---------------------------------------------------------------------------

    async def webhook(self, body: bytes, header_signature: str | None, query_signature: str | None) -> str:
        """Check and keep one delivery; the text returned is the whole (tiny) answer. Once "ok" is said the
        message is on disk and will be worked off, after a crash too."""
        if not self.webhook_token or not verify(self.webhook_token, body, header_signature, query_signature):
            log.warning("chatwork webhook with a missing or wrong signature ignored")
            return "ignored"
        try:
            payload = json.loads(body)
            event = payload["webhook_event"]
            message_id = str(event["message_id"])
            sender = str(event.get("from_account_id") or event.get("account_id") or "")
            room = str(event["room_id"])
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            log.warning("chatwork webhook body is not an event (%d bytes)", len(body))
            return "ignored"
        if payload.get("webhook_event_type") not in EVENTS:
            return "ignored"
        if not (message_id.isascii() and message_id.isdigit() and room.isascii() and room.isdigit()
                and sender.isascii() and sender.isdigit()):  # fmt: skip
            log.warning("chatwork webhook with a malformed id ignored (message %s)", message_id[:24])
            return "ignored"
        if not self._recent(payload, event, message_id):
            return "ignored"
        # The store's lock may be held by work in progress: waiting for it must not stall the event loop.
        loop = asyncio.get_running_loop()
        kept = await loop.run_in_executor(
            self._intake, self.backoffice.inbox.accept,
            f"chatwork:{message_id}", PLATFORM, "event", f"chatwork:{sender or '?'}", payload,
        )  # fmt: skip
        return "ok" if kept else "duplicate"

    def _recent(self, payload: dict[str, Any], event: dict[str, Any], message_id: str) -> bool:
        """A signed event dated a year ago or tomorrow is a replay or a forgery, not a message to act on: its time
        (the webhook's, else the message's) must be within the configured window of now."""
        stamp = payload.get("webhook_event_time") or event.get("send_time")
        window = self.services.event_window_minutes * 60
        if isinstance(stamp, bool) or not isinstance(stamp, (int, float)):
            log.warning("chatwork event %s has no time: ignored", message_id)
            return False
        skew = stamp - self.services.clock.now().timestamp()
        if abs(skew) > window:
            log.warning("chatwork event %s is %+d s from now, outside the %d s window: ignored", message_id,
                        int(skew), window)  # fmt: skip
            return False
        return True

    # -- working one off (bot.inbox calls these, on its worker threads) --------------------------

    def prepare(self, row: Row) -> Prepared:
        """Outside the transaction: who the bot is, the message read, the files fetched (safe to repeat)."""
        if self._loop is None:
            raise RuntimeError("the chatwork front door is not started")
        event = row.payload.get("webhook_event") or {}
        future = asyncio.run_coroutine_threadsafe(self._prepare(event, row.attempts), self._loop)
        return future.result(timeout=300)

    async def _prepare(self, event: dict[str, Any], attempts: int) -> Prepared:
        me = await self.bot_account()
        bot_id = str(me["account_id"])
        sender = str(event.get("from_account_id") or event.get("account_id") or "")
        if not sender or sender == bot_id:
            return Prepared(None)  # our own posts come back as events: answering them would loop
        parsed = markup.parse(str(event.get("body") or ""), names=[str(me.get("name") or "")])
        if not parsed.addressed_to(bot_id):
            return Prepared(None)  # only a mention of the bot or a reply to it may act; [toall] is not a request
        room, message_id = str(event["room_id"]), str(event["message_id"])
        person = self.services.directory.by_chatwork_id(sender)
        if person is None or not person.active:
            return Prepared(sender, room, message_id, parsed.text)
        files, refused = await self._download(room, parsed.file_ids, attempts)
        return Prepared(sender, room, message_id, parsed.text, person, tuple(files), refused)

    def apply(self, row: Row, p: Prepared) -> None:
        """Inside the transaction: the router's effect and the replies in the outbox, with "done"."""
        if p.sender is None:
            return
        if p.person is None:
            self._unknown(p.sender, p.room, p.message_id, p.text)
            return
        person = p.person
        locale = person.locale or guess_locale(p.text) or self.services.default_locale
        inbound = Inbound(
            person,
            p.text,
            platform=PLATFORM,
            locale=locale,
            delivery_id=row.delivery_id,
            **attached(p.files),
        )
        replies = self.backoffice.router.handle(inbound)
        header = markup.reply_header(p.sender, p.room, p.message_id, person.name(locale), locale)
        for file in p.refused:
            self._enqueue_message(p.room, header + markup.defuse(t(locale=locale, **file)))
        for reply in replies:
            if reply.to in (None, person.id):
                self._enqueue_message(p.room, header + markup.render(reply), card=self._card(reply, person, header))
                if reply.file is not None:
                    self._enqueue_file(person, reply)

    def failed(self, row: Row, ref: str) -> None:
        event = row.payload.get("webhook_event") or {}
        sender, room = str(event.get("from_account_id") or event.get("account_id")), str(event.get("room_id") or "")
        if not room.isdigit():
            return
        locale = guess_locale(str(event.get("body") or "")) or self.services.default_locale
        header = markup.reply_header(sender, room, str(event.get("message_id") or ""), "", locale)
        self._enqueue_message(room, header + t("err.internal", locale, ref=ref))

    def after(self, row: Row) -> None:
        self.deliver()

    async def _download(
        self, room: str, file_ids: tuple[str, ...], attempts: int
    ) -> tuple[list[Kept], tuple[dict[str, Any], ...]]:
        """(kept, refused) through the gate (bot.downloads): a refused file is told, never silently lost; one
        only unavailable for now lets the inbox try the message again first (prepare has no effect)."""
        kept: list[Kept] = []
        refused: list[dict[str, Any]] = []
        if self._files is None:
            self._files = httpx.AsyncClient(timeout=30)
        for file_id in file_ids[:5]:
            name = f"file-{file_id}"
            try:
                info = await self.client.file_info(room, file_id)
                name = str(info.get("filename") or name)
                kept.append(await self._gate.afetch(self._files, info.get("download_url"), name, info.get("filesize")))
            except ChatworkError as exc:
                log.warning("chatwork file %s: no download URL (%s)", file_id, exc.status)
                if attempts < 2 and (exc.status == 0 or exc.status >= 500 or isinstance(exc, RateLimited)):
                    raise
                refused.append({"key": "err.file_unavailable", "name": clean_name(name)})
            except Unavailable as err:
                log.warning("chatwork file %s unavailable: %s", file_id, err.reason)
                if attempts < 2:
                    raise
                refused.append(refusal(err))
            except FileRefused as err:
                log.warning("chatwork file %s refused: %s", file_id, err.reason)
                refused.append(refusal(err))
        return kept, tuple(refused)

    def _unknown(self, account_id: str, room: str, message_id: str, text: str) -> None:
        locale = guess_locale(text) or self.services.default_locale
        who = f"ID {account_id}"
        header = markup.reply_header(account_id, room, message_id, "", locale)
        with self.services.store.tx():
            self._enqueue_message(room, header + markup.defuse(t("err.unknown_user", locale, who=who)))
            # Admins hear of each unknown account once, not on every message.
            if self.services.store.first_time(f"chatwork-unknown:{account_id}", self.services.now_iso()):
                for admin in self.services.directory.holders("admin"):
                    note = t("chatwork.unknown_admin", self.services.locale_of(admin), who=account_id)
                    self._notify_directly(admin, Reply(self.services.locale_of(admin), note))

    # -- out -----------------------------------------------------------------------------------

    def _enqueue_message(self, target: str, body: str, name: str = "", card: dict[str, Any] | None = None) -> None:
        pieces = markup.split(body)
        for piece in pieces:
            payload: dict[str, Any] = {"body": piece, "name": name}
            if card is not None and len(pieces) == 1:
                # A card in one message can be edited later (a long one split in several is left as sent).
                payload["card"] = {**card, "body": piece}
            outbox.enqueue(self.services.store, PLATFORM, target, "message", payload, self.services.now_iso())

    @staticmethod
    def _card(reply: Reply, person: Employee, prefix: str) -> dict[str, Any] | None:
        """What redrawing this reply's card needs later: whose view it is, and the words around it."""
        if reply.card is None or reply.card.request_id is None:
            return None
        return {"request_id": reply.card.request_id, "employee_id": person.id, "prefix": prefix, "text": reply.text,
                "locale": reply.locale}  # fmt: skip

    def redraw_cards(self, request_id: int) -> int:
        """Edit every copy of a request's card posted on Chatwork that no longer shows its state (cancelled,
        decided, sent back, escalated …): one PUT per copy that changed, in order behind what went before it."""
        services = self.services
        req = records.get_request(services.store, request_id)
        if req is None:
            return 0
        edited = 0
        for copy in queue.cards_of(services.store, request_id):
            viewer = services.directory.get(copy["employee_id"])
            locale = copy["locale"]
            card = request_card(req, services, locale, viewer)
            body = copy["prefix"] + markup.render(Reply(locale, copy["text"], card))
            if body == copy["body"] or len(markup.split(body)) != 1:
                continue
            with services.store.tx():
                queue.card_redrawn(services.store, copy["id"], body)
                job = {"room_id": copy["room_id"], "message_id": copy["message_id"], "body": body}
                outbox.enqueue(services.store, PLATFORM, copy["room_id"], "edit", job, services.now_iso())
            edited += 1
        return edited

    def _enqueue_file(self, person: Employee, reply: Reply) -> None:
        """The reply's file, to the person's direct chat only (bot/outfiles.py); too big for Chatwork, they are
        told where it is instead."""
        file, locale = reply.file, reply.locale
        assert file is not None
        if (instead := outfiles.too_big(file, outfiles.CHATWORK_MAX_BYTES, locale)) is not None:
            self._enqueue_message(f"dm:{person.chatwork_account_id}", markup.defuse(instead), person.name(locale))
            return
        job = {
            "path": file.path, "file_name": file.name, "mime": file.mime, "name": person.name(locale),
            "message": markup.defuse(reply.text.splitlines()[0] if reply.text else file.name),
            "no_direct": markup.defuse(t("file.no_direct_chat", locale, name=file.name)),
        }  # fmt: skip
        outbox.enqueue(self.services.store, PLATFORM, f"dm:{person.chatwork_account_id}", "file", job,
                       self.services.now_iso())  # fmt: skip

    def _on_chatwork(self, person: Employee) -> bool:
        return bool(person.chatwork_account_id and person.active and not (self.slack_people and person.slack_user_id))

    def _notify_directly(self, person: Employee, reply: Reply) -> None:
        if person.chatwork_account_id:
            self._enqueue_message(f"dm:{person.chatwork_account_id}", markup.render(reply), person.name(reply.locale))

    def deliver(self) -> int:
        """Queue waiting notifications for people on Chatwork, give approvers a task, close finished tasks."""
        with self._delivering:
            return self._deliver()

    def _deliver(self) -> int:
        services = self.services
        people = {e.id: e for e in services.directory if self._on_chatwork(e)}
        queued = 0
        moved: set[int] = set()
        for row in records.undelivered_for(services.store, list(people)):
            person = people[row["recipient_id"]]
            reply = notification_reply(row["event"], row["request_id"], row["data"], services, person)
            account = str(person.chatwork_account_id)
            target = f"dm:{account}"
            if row["event"] == "approval_needed" and self.approvals_room:
                target = self.approvals_room
            with services.store.tx():
                shared = target == self.approvals_room
                prefix = markup.mention(account, person.name(reply.locale)) + "\n" if shared else ""
                body = prefix + markup.render(reply)
                self._enqueue_message(target, body, person.name(reply.locale), card=self._card(reply, person, prefix))
                if reply.file is not None:
                    self._enqueue_file(person, reply)  # e.g. the final draft of a contract, to its requester
                if row["event"] == "approval_needed" and row["request_id"]:
                    self._give_task(person, row["request_id"], int(row["data"].get("seq") or 0), target, reply)
                records.mark_delivered(services.store, [row["id"]], services.now_iso())
            queued += 1
            if row["request_id"]:
                moved.add(int(row["request_id"]))
        for request_id in sorted(moved):
            # Whatever was told just now moved the request on: the copies of its card already posted say so too.
            self.redraw_cards(request_id)
        self.close_finished_tasks()
        self.outbox.wake()
        return queued

    def _give_task(self, person: Employee, request_id: int, seq: int, target: str, reply: Reply) -> None:
        services = self.services
        req = records.get_request(services.store, request_id)
        if req is None:
            return
        locale = reply.locale
        title = reply.card.title if reply.card else f"#{request_id}"
        body = t("chatwork.task", locale, id=request_id, who=services.name(req.requester_id, locale), title=title)
        due = services.rules.calendar.nth_working_day_after(
            services.today(), services.rules.routing.decision_due_working_days
        )
        limit = int(dt.datetime.combine(due, dt.time(18, 0), _TOKYO).timestamp())
        account = str(person.chatwork_account_id)
        row = queue.add_task(services.store, request_id, seq, account, target, services.now_iso())
        outbox.enqueue(
            services.store, PLATFORM, target, "task",
            {"body": markup.defuse(body), "to_ids": [account], "limit": limit, "task_row": row},
            services.now_iso(),
        )  # fmt: skip

    def close_finished_tasks(self) -> int:
        """A task is done once its step is decided, by anyone, anywhere (Slack, console, Chatwork)."""
        services = self.services
        closed = 0
        for task in queue.open_tasks(services.store):
            req = records.get_request(services.store, task["request_id"])
            step = None
            if req is not None and req.status in (Status.PENDING, Status.ESCALATED):
                step = services.workflow.current_step(req)
            approver = services.directory.get(step.approver_id) if step and step.approver_id else None
            still_open = (
                step is not None
                and step.seq == task["seq"]
                and approver is not None
                and str(approver.chatwork_account_id) == task["account_id"]
            )
            if still_open:
                continue
            with services.store.tx():
                queue.closing(services.store, task["id"])
                outbox.enqueue(
                    services.store, PLATFORM, task["target"], "task_done", {"task_row": task["id"]}, services.now_iso()
                )
            closed += 1
        return closed
