"""The Slack front door on slack-bolt: verify, keep, ack; then work off, render and send.

A listener only does what must happen inside Slack's 3 seconds (open a form while its
trigger id lives, check a submitted form): everything else is written to the inbox
(bot.inbox) before the ack, with a key that makes a retry or a replay a no-op, and worked
off there. Replies are rendered to Block Kit and left in the outbox (bot.outbox) in the same
transaction as the effect they report; a drain thread sends them to Slack. Nothing below
the adapter knows about Slack.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import re
import threading
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot import outbox, privacy
from bot.app import App as Backoffice
from bot.cards import is_lapsed, notification_reply, request_card, status_label
from bot.downloads import SLACK_FILE_HOSTS, Gate, Unavailable, refusal
from bot.files import FileRefused, Kept, attached
from bot.i18n import t
from bot.inbox import Row
from bot.models import Employee, ExpenseClaim, LeaveRequest, Reply, Status
from bot.slack import blocks, forms, shape
from bot.slack.home import home_view
from bot.store import records
from handlers import Inbound
from handlers.approval import ACTION_OF_COMMAND
from handlers.base import result_reply, submitted_reply
from handlers.question import may_answer
from handlers.receipts import file_with_receipt

log = logging.getLogger(__name__)

PLATFORM = "slack"
COMMANDS = ("/expense", "/leave", "/contract", "/ask", "/backoffice")
_MENTION = re.compile(r"<@[A-Z0-9]+>\s*")
# What `/backoffice WORD …` means in our own commands.
_BACKOFFICE_WORDS = {
    "help": "help", "ヘルプ": "help", "mine": "mine", "自分": "mine", "balance": "balance", "残日数": "balance",
    "pending": "pending", "承認待ち": "pending", "cancel": "cancel", "取消": "cancel", "show": "show",
    "approve": "approve", "reject": "reject", "changes": "changes", "confirm": "confirm", "edit": "edit",
    "修正": "edit", "export": "export", "仕訳": "export", "transfer": "transfer", "振込": "transfer", "paid": "paid",
    "支払済": "paid", "receipts": "receipts", "領収書": "receipts", "login": "login", "dashboard": "login",
    "ダッシュボード": "login",
}  # fmt: skip
_ACTION_OF = {
    blocks.APPROVE: "approve",
    blocks.REJECT: "reject",
    blocks.REQUEST_CHANGES: "request_changes",
    blocks.CANCEL: "cancel",
    blocks.CONFIRM_UNPAID: "confirm_unpaid",
    blocks.OVERRIDE: "override",
    blocks.EDIT: "edit",
}


# Notifications that mean a request moved on without a click on Slack: its cards there are redrawn.
_STATE_CHANGED = frozenset({"cancelled", "lapsed", "escalated_away", "escalated"})
_COMMAND_OF_ACTION = {action: command for command, action in ACTION_OF_COMMAND.items()}
# A question's button runs the command its card's footer suggests typing, so a click and a typed line are
# one path through the router (who may do it, what they are told). `answer_question` opens a form first.
_QUESTION_COMMAND = {"helpful": "helpful", "unhelpful": "unhelpful", "ask_person": "askperson", "save_faq": "savefaq"}


class _ScreenedApp(App):
    """Bolt, with every payload's shape checked before Bolt's own middleware reads it (which it does without
    looking: a `view` that is a string fails inside Bolt). Over HTTP and Socket Mode alike."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        bad = shape.problem(req.body)
        if bad is not None:
            log.info("slack payload refused (400): %s", bad)
            return BoltResponse(status=400, body="")
        return super().dispatch(req)


def _guarded(listener: Callable[..., None]) -> Callable[..., None]:
    """A listener that never turns a payload it cannot read into a 500 and a traceback: it logs one line and
    acknowledges (nothing was kept, so nothing is half done). `wraps` keeps the signature Bolt injects by."""

    @functools.wraps(listener)
    def guarded(**kwargs: Any) -> None:
        try:
            listener(**kwargs)
        except Exception as exc:
            log.warning("slack listener %s could not read its payload: %s", listener.__name__, type(exc).__name__)
            ack = kwargs.get("ack")
            if ack is not None and getattr(ack, "response", None) is None:
                ack()

    return guarded


def _locale_of_slack(locale: str | None) -> str:
    return "ja" if (locale or "").lower().startswith("ja") else "en"


def _channel_of(body: dict[str, Any] | None) -> str | None:
    """The conversation of the card that was clicked; None for a form's submission, which has none."""
    body = body or {}
    channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
    return channel if isinstance(channel, str) and channel else None


@dataclass(frozen=True)
class Prepared:
    """What working one inbound off needs from the outside, fetched before its transaction."""

    person: Employee | None
    locale: str
    files: tuple[Kept, ...] = ()
    refused: tuple[dict[str, Any], ...] = ()  # files not taken: the message key and data to tell the sender


class SlackFrontDoor:
    def __init__(
        self,
        backoffice: Backoffice,
        token: str,
        signing_secret: str | None,
        api_url: str = "https://slack.com/api/",
    ) -> None:
        self.backoffice = backoffice
        self.services = backoffice.services
        self.token = token
        self.signing_secret = signing_secret  # the HTTP front checks signatures on the raw bytes (bot.server)
        self.client = WebClient(token=token, base_url=api_url)
        # Replies go only to Slack's own hosts (and the configured API's, which tests point at a fake):
        # a response_url in a payload is never followed elsewhere.
        self._reply_hosts = {"hooks.slack.com", urlsplit(api_url).netloc}
        self._files = httpx.Client(timeout=30)
        # The bot token goes with a file request only to Slack's file hosts (and the configured API host).
        self._gate = Gate(
            self.services.attachments_dir / "incoming", lambda: self.services.max_attachment_mb << 20,
            SLACK_FILE_HOSTS, trusted=(api_url,),
        )  # fmt: skip
        # 429 waits for Retry-After and 5xx retries happen on worker and outbox threads, never where acks are made.
        self.client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
        self.client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=2))
        self.bolt = _ScreenedApp(
            client=self.client,
            signing_secret=signing_secret,
            token_verification_enabled=False,  # no auth.test at start: the bot must start offline too
            # Every listener keeps its inbound and acks within a millisecond or two, so Bolt may run it on the
            # request's thread: the 200 goes out only once the inbound is on disk.
            process_before_response=True,
        )
        self._people: dict[str, Employee | None] = {}
        self._locales: dict[str, str] = {}
        # Employee id → Slack id for people matched by e-mail, remembered across restarts.
        self._slack_ids: dict[str, str] = records.slack_identities(self.services.store)
        self.outbox = outbox.Drain(self.services.store, PLATFORM, _Sender(self), self.services.now_iso)
        self._poller: threading.Thread | None = None
        self._stop_polling = threading.Event()
        backoffice.inbox.register(PLATFORM, self)
        self._register()

    # -- wiring: every entry point in one table -------------------------------------------------

    def _register(self) -> None:
        app = self.bolt
        for command in COMMANDS:
            app.command(command)(_guarded(self._on_command))
        app.event("app_mention")(_guarded(self._on_mention))
        app.event("message")(_guarded(self._on_message))
        app.event("app_home_opened")(_guarded(self._on_home))
        for action_id in _ACTION_OF:
            app.action(action_id)(_guarded(self._on_button))
        app.view("approval_reason")(_guarded(self._on_reason))
        for slack_id, ours in blocks.QUESTION_ACTION_OF_SLACK_ID.items():
            listener = self._on_answer_button if ours == "answer_question" else self._on_question_button
            app.action(slack_id)(_guarded(listener))
        app.view(blocks.ANSWER_CALLBACK)(_guarded(self._on_answer))
        app.view(forms.EXPENSE_CALLBACK)(_guarded(self._on_form))
        app.view(forms.LEAVE_CALLBACK)(_guarded(self._on_form))
        app.error(self._on_error)

    def start(self, poll_seconds: float = 15.0) -> None:
        """Start sending the outbox (what an earlier run left in it first), and pick up notifications made
        elsewhere (a decision on Chatwork or in the console, the CLI's reminders) this often."""
        self.outbox.start()
        if self._poller is None:
            self._stop_polling.clear()
            self._poller = threading.Thread(target=self._poll, args=(poll_seconds,), name="slack-poll", daemon=True)
            self._poller.start()

    def _poll(self, seconds: float) -> None:
        while not self._stop_polling.wait(seconds):
            try:
                self.deliver()
            except Exception:
                log.exception("slack delivery pass failed")

    def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        # One line: the payload came from outside and its traceback would carry its words.
        log.error("slack listener failed: %s", type(error).__name__)

    # -- keeping an inbound: before the ack, always ---------------------------------------------

    @staticmethod
    def delivery_key(body: dict[str, Any], request: BoltRequest) -> str:
        """What makes a delivery the same delivery. An Events API retry carries its event_id; a slash
        command or interaction has none, but a replay of one within Slack's 5-minute signature window
        carries the same timestamp and signature (over HTTP), or the same payload (Socket Mode, whose
        payloads hold a trigger id unique to each invocation)."""
        if body.get("type") == "event_callback" and body.get("event_id"):
            return f"slack:event:{body['event_id']}"
        headers = request.headers or {}
        ts = (headers.get("x-slack-request-timestamp") or [""])[0]
        signature = (headers.get("x-slack-signature") or [""])[0]
        if ts and signature:
            return f"slack:sig:{ts}:{signature}"
        raw = request.raw_body or json.dumps(body, sort_keys=True, ensure_ascii=False)
        return "slack:body:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def _keep(self, kind: str, request: BoltRequest, body: dict[str, Any], user_id: str, **work: Any) -> bool:
        """Write one inbound to the inbox (False: seen before, so only acknowledged)."""
        payload = {"user": user_id, **work}
        return self.backoffice.inbox.accept(
            self.delivery_key(body, request), PLATFORM, kind, f"slack:{user_id}", payload
        )

    # -- identity ----------------------------------------------------------------------------

    def employee(self, user_id: str) -> Employee | None:
        """By Slack id, else by the e-mail Slack has for them; cached per process."""
        if user_id in self._people:
            return self._people[user_id]
        person = self.services.directory.by_slack_id(user_id)
        if person is None and user_id in self._slack_ids.values():
            known = next(emp for emp, slack in self._slack_ids.items() if slack == user_id)
            person = self.services.directory.get(known)
        if person is None:
            try:
                info = self.client.users_info(user=user_id, include_locale=True)
                user = info.get("user") or {}
                self._locales[user_id] = _locale_of_slack(user.get("locale"))
                email = (user.get("profile") or {}).get("email")
                person = self.services.directory.by_email(email)
            except SlackApiError as exc:
                log.warning("users.info for %r failed: %s", user_id[:24], exc.response.get("error"))
        if person is not None and not person.active:
            person = None
        if person is not None and person.slack_user_id != user_id and self._slack_ids.get(person.id) != user_id:
            self._slack_ids[person.id] = user_id
            with self.services.store.tx():
                records.remember_slack_identity(self.services.store, user_id, person.id, self.services.now_iso())
        self._people[user_id] = person
        return person

    def locale(self, user_id: str, person: Employee | None) -> str:
        """The directory's setting wins; else the person's Slack locale (ja-JP → ja, else en); else the default."""
        if person is not None and person.locale:
            return person.locale
        if user_id not in self._locales:
            try:
                info = self.client.users_info(user=user_id, include_locale=True)
                self._locales[user_id] = _locale_of_slack((info.get("user") or {}).get("locale"))
            except SlackApiError:
                self._locales[user_id] = self.services.default_locale
        return self._locales[user_id]

    def _known(self, user_id: str) -> Employee | None:
        """Who this is, from what the bot already knows (never a Slack call): for the 3 seconds of a trigger id."""
        if user_id in self._people:
            return self._people[user_id]
        person = self.services.directory.by_slack_id(user_id)
        if person is None:
            known = next((emp for emp, slack in self._slack_ids.items() if slack == user_id), None)
            person = self.services.directory.get(known) if known else None
        return person if person is not None and person.active else None

    def slack_id(self, person: Employee) -> str | None:
        return person.slack_user_id or self._slack_ids.get(person.id)

    # -- entry points: what must happen within 3 seconds, then keep and ack ----------------------

    def _on_command(
        self, ack: Ack, command: dict[str, Any], body: dict[str, Any], request: BoltRequest, client: WebClient
    ) -> None:
        user_id = str(command.get("user_id") or "")
        if command["command"] in ("/expense", "/leave") and not (command.get("text") or "").strip():
            # No text: the form. Its trigger id lives 3 seconds, so it opens before anything else. Opening a
            # form changes nothing, so it is not kept: the form's submission is.
            person = self._known(user_id)
            locale = self.locale(user_id, person)
            today = self.services.today()
            view = (
                forms.expense_form(locale, self.services.rules.expenses.categories, today, command.get("channel_id"))
                if command["command"] == "/expense"
                else forms.leave_form(locale, today, command.get("channel_id"))
            )
            try:
                client.views_open(trigger_id=command["trigger_id"], view=view)
            except SlackApiError as exc:
                log.warning("views.open failed: %s", exc.response.get("error"))
            ack()
            return
        if user_id:
            self._keep(
                "command", request, body, user_id, command=command["command"],
                text=(command.get("text") or "").strip(), response_url=command.get("response_url"),
            )  # fmt: skip
        ack()

    def _on_mention(self, event: dict[str, Any], body: dict[str, Any], request: BoltRequest) -> None:
        if event.get("user") and not event.get("bot_id"):
            self._keep("message", request, body, event["user"], event=_message_fields(event), in_thread=True)

    def _on_home(self, event: dict[str, Any], body: dict[str, Any], request: BoltRequest) -> None:
        """The Home tab opened: kept like any inbound, then published from the store as it is."""
        if event.get("tab") in (None, "home") and event.get("user"):
            self._keep("home", request, body, str(event["user"]))

    def _on_message(self, event: dict[str, Any], body: dict[str, Any], request: BoltRequest) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype") not in (None, "file_share"):
            return  # only people writing to the bot directly (a file included); never our own messages
        if event.get("user"):
            self._keep("message", request, body, event["user"], event=_message_fields(event), in_thread=False)

    def _on_button(
        self, ack: Ack, body: dict[str, Any], action: dict[str, Any], request: BoltRequest, client: WebClient
    ) -> None:
        kind = _ACTION_OF[action["action_id"]]
        decoded = blocks.decode_value(action.get("value") or "")
        user_id = str((body.get("user") or {}).get("id") or "")
        if decoded is None or not user_id:
            ack()
            return
        request_id, version = decoded
        if kind == "edit":
            # The request's own form, filled in: opened within the trigger's 3 seconds, checked again on submit.
            req = records.get_request(self.services.store, request_id)
            person = self._known(user_id)
            editable = req is not None and isinstance(req.details, (ExpenseClaim, LeaveRequest))
            if req is not None and editable and person is not None and req.requester_id == person.id:
                locale = self.locale(user_id, person)
                categories = self.services.rules.expenses.categories
                view = forms.edit_form(req.details, request_id, locale, categories, self.services.today())  # type: ignore[arg-type]
                try:
                    client.views_open(trigger_id=body["trigger_id"], view=view)
                except SlackApiError as exc:
                    log.warning("views.open failed: %s", exc.response.get("error"))
            ack()
            return
        if kind in ("reject", "request_changes"):
            # The trigger id lives 3 seconds: the reason form opens before anything else.
            locale = self.locale(user_id, self._known(user_id))
            try:
                client.views_open(
                    trigger_id=body["trigger_id"], view=blocks.reason_modal(kind, request_id, locale, version)
                )
            except SlackApiError as exc:
                log.warning("views.open failed: %s", exc.response.get("error"))
            ack()
            return
        self._keep(
            "decide", request, body, user_id, action=kind, request_id=request_id, version=version, reason=None,
            channel=_channel_of(body),
        )  # fmt: skip
        ack()

    def _on_reason(self, ack: Ack, body: dict[str, Any], view: dict[str, Any], request: BoltRequest) -> None:
        user_id = str((body.get("user") or {}).get("id") or "")
        try:
            kind, request_id, version, reason = blocks.read_reason_submission(view)
        except ValueError:
            ack()
            return
        if not reason:
            ack(response_action="errors", errors={"reason": t("slack.reason_required", self.locale(user_id, None))})
            return
        if user_id:
            self._keep(
                "decide", request, body, user_id, action=kind, request_id=request_id, version=version,
                reason=reason, channel=None,
            )  # fmt: skip
        ack()

    def _on_form(self, ack: Ack, body: dict[str, Any], view: dict[str, Any], request: BoltRequest) -> None:
        """Checked in the ack: wrong fields come back to the form with their errors; nothing is filed."""
        today = self.services.today()
        details, errors = self._read_form(view, today)
        if errors or details is None:
            ack(response_action="errors", errors=errors)
            return
        user_id = str((body.get("user") or {}).get("id") or "")
        if user_id:
            # The form itself is kept, with the day it was read on, so the worker reads exactly what was checked.
            self._keep("form", request, body, user_id, view=view, today=today.isoformat())
        ack()

    def _read_form(self, view: dict[str, Any], today: dt.date) -> tuple[Any, dict[str, str]]:
        if view.get("callback_id") == forms.EXPENSE_CALLBACK:
            return forms.read_expense(view, today, self.services.rules.expenses.categories)
        return forms.read_leave(view)

    # -- policy questions --------------------------------------------------------------------

    def _on_question_button(self, ack: Ack, body: dict[str, Any], action: dict[str, Any], request: BoltRequest) -> None:
        """👍, 👎, ask a person, save as FAQ: nothing to ask first, so keep and ack."""
        question_id = blocks.decode_question_value(action.get("value"))
        user_id = str((body.get("user") or {}).get("id") or "")
        if question_id is not None and user_id:
            command = _QUESTION_COMMAND[blocks.QUESTION_ACTION_OF_SLACK_ID[action["action_id"]]]
            self._keep("question", request, body, user_id, text=f"/{command} Q{question_id}", channel=_channel_of(body))
        ack()

    def _on_answer_button(
        self, ack: Ack, body: dict[str, Any], action: dict[str, Any], request: BoltRequest, client: WebClient
    ) -> None:
        question_id = blocks.decode_question_value(action.get("value"))
        user_id = str((body.get("user") or {}).get("id") or "")
        if question_id is None or not user_id:
            ack()
            return
        person = self._known(user_id)
        rec = records.get_question(self.services.store, question_id)
        if person is not None and rec is not None and rec.status != "relayed" and may_answer(person, rec):
            # The trigger id lives 3 seconds: the form opens before anything else. Only someone who may answer
            # gets it, and with it the question's words.
            try:
                client.views_open(
                    trigger_id=body["trigger_id"],
                    view=blocks.answer_modal(question_id, self.locale(user_id, person), rec.text),
                )
                ack()
                return
            except SlackApiError as exc:
                # The trigger expired or Slack refused: the router's usage line says how to type the answer.
                log.warning("views.open failed: %s", exc.response.get("error"))
        # Not theirs to answer, answered already, or no such question: the router says which, in the words
        # every front door uses, beside the card.
        self._keep("question", request, body, user_id, text=f"/answer Q{question_id}", channel=_channel_of(body))
        ack()

    def _on_answer(self, ack: Ack, body: dict[str, Any], view: dict[str, Any], request: BoltRequest) -> None:
        """Checked in the ack: an empty answer stays in the form with its error, and nothing is relayed."""
        try:
            question_id, answer = blocks.read_answer_submission(view)
        except ValueError:
            ack()
            return
        user_id = str((body.get("user") or {}).get("id") or "")
        if not answer:
            locale = self.locale(user_id, self._known(user_id))
            ack(response_action="errors", errors={blocks.ANSWER_BLOCK: t("slack.question.answer_required", locale)})
            return
        if user_id:
            # A form has no conversation of its own: the confirmation (with "save as FAQ") comes as a DM.
            self._keep("question", request, body, user_id, text=f"/answer Q{question_id} {answer}", channel=None)
        ack()

    # -- working one off (bot.inbox calls these, on its worker threads) ---------------------------

    def prepare(self, row: Row) -> Prepared:
        """Outside the transaction: who sent it (maybe a users.info call), the files fetched. Safe to repeat."""
        user_id = row.payload["user"]
        person = self.employee(user_id)
        locale = self.locale(user_id, person)
        if person is None:
            return Prepared(None, locale)
        if row.kind == "command" and row.attempts == 0 and row.payload.get("response_url"):
            # The user sees that the bot is on it; the answer replaces this line. A courtesy, sent straight
            # away and not kept: the answer itself is.
            try:
                self._respond_now(row.payload["response_url"], {"text": t("slack.working", locale),
                                                                "response_type": "ephemeral"})  # fmt: skip
            except Exception as exc:  # the answer still comes through the outbox
                log.info("'working' line not shown: %s", type(exc).__name__)
        if row.kind == "message":
            files, refused = self._download(row.payload["event"].get("files"), row.attempts)
            return Prepared(person, locale, files, refused)
        if row.kind == "form":
            files, refused = self._download(forms.files(row.payload["view"]), row.attempts)
            return Prepared(person, locale, files, refused)
        return Prepared(person, locale)

    def apply(self, row: Row, p: Prepared) -> None:
        """Inside the transaction: the effect, and every reply in the outbox."""
        user_id, payload = row.payload["user"], row.payload
        if p.person is None:
            self._unknown(user_id, p.locale, self._answer_target(row))
            return
        person, locale = p.person, p.locale
        delivery = row.delivery_id
        if row.kind == "command":
            text = self._command_text(payload["command"], payload.get("text") or "")
            replies = self.backoffice.router.handle(
                Inbound(person, text, platform=PLATFORM, locale=locale, delivery_id=delivery)
            )
            for n, reply in enumerate(replies):
                self._reply(self._answer_target(row), reply, replace_original=n == 0)
        elif row.kind == "message":
            event = payload["event"]
            text = _MENTION.sub("", event.get("text") or "").strip()
            target = self._answer_target(row)
            for file in p.refused:
                self._reply(target, Reply(locale, t(locale=locale, **file)))
            inbound = Inbound(person, text, platform=PLATFORM, locale=locale, delivery_id=delivery, **attached(p.files))
            for reply in self.backoffice.router.handle(inbound):
                self._reply(target, reply)
        elif row.kind == "decide":
            self._decide(row, person)
        elif row.kind == "form":
            self._file_form(row, person, p)
        elif row.kind == "home":
            self.publish_home(person.id)
        elif row.kind == "question":
            target = self._answer_target(row)
            inbound = Inbound(person, payload["text"], platform=PLATFORM, locale=locale, delivery_id=delivery)
            for reply in self.backoffice.router.handle(inbound):
                self._reply(target, reply)
        else:
            raise ValueError(f"unknown slack inbound kind {row.kind!r}")

    def failed(self, row: Row, ref: str) -> None:
        locale = self._locales.get(row.payload.get("user", ""), self.services.default_locale)
        self._reply(self._answer_target(row), Reply(locale, t("err.internal", locale, ref=ref)), replace_original=True)

    def after(self, row: Row) -> None:
        self.deliver()
        self.outbox.wake()  # the replies this row left are due now

    def _decide(self, row: Row, person: Employee) -> None:
        payload = row.payload
        kind, request_id = payload["action"], int(payload["request_id"])
        command = _COMMAND_OF_ACTION[kind]
        result = self.services.workflow.act(request_id, person, kind, payload.get("reason"), payload.get("version"))
        if not result.ok:
            # The same words as every other front door: "you are not the approver", "already decided by X".
            # A click answers beside the card; a form (no channel) answers in a DM.
            msg = Inbound(person, f"/{command} {request_id}", platform=PLATFORM)
            for reply in result_reply(result, msg, self.services, command):
                self._reply(self._answer_target(row), reply)
        self.refresh_cards(request_id)
        target = self._dm_target(person)
        for reply in self._dropped_notice(row, person, self.services.locale_of(person)):
            if target:
                self._reply(target, reply)

    def _dropped_notice(self, row: Row, person: Employee, locale: str) -> list[Reply]:
        """A form or a reason never goes through the router, which tells people of a My Number masked at intake:
        told here instead (HR too), once, in the row's own transaction."""
        kinds = row.payload.get(privacy.DROPPED_KEY)
        if not kinds:
            return []
        return [privacy.tell(self.services, person, PLATFORM, kinds, locale)]

    def _file_form(self, row: Row, person: Employee, p: Prepared) -> None:
        details, errors = self._read_form(row.payload["view"], dt.date.fromisoformat(row.payload["today"]))
        if errors or details is None:
            raise ValueError(f"a form checked in its ack no longer reads: {sorted(errors)}")
        msg = Inbound(person, "", platform=PLATFORM, delivery_id=row.delivery_id, **attached(p.files))
        fixing = forms.metadata(row.payload["view"]).get("request_id")
        if isinstance(fixing, int):
            replies = self._resubmit(fixing, person, details, msg)
        elif isinstance(details, ExpenseClaim) and msg.attachments:
            replies = file_with_receipt(msg, details, msg.attachments[0], self.services)
        else:
            result = self.services.workflow.submit(person, details, source="slack:form")
            assert result.request is not None
            replies = [submitted_reply(result.request, msg, self.services)]
        target = self._dm_target(person)
        locale = p.locale
        refusals = [Reply(locale, t(locale=locale, **file)) for file in p.refused]
        for reply in [*refusals, *replies, *self._dropped_notice(row, person, locale)]:
            if target:
                self._reply(target, reply)

    def _resubmit(self, request_id: int, person: Employee, details: Any, msg: Inbound) -> list[Reply]:
        """A fixed request sent again from its form: the workflow checks it is the requester's and still open to
        changes, the rules decide anew, the audit keeps both versions, and every copy of its card is redrawn."""
        old = records.get_request(self.services.store, request_id)
        if old is not None and isinstance(details, ExpenseClaim) and isinstance(old.details, ExpenseClaim):
            details = replace(details, receipts=old.details.receipts)  # the form does not carry the receipts
        result = self.services.workflow.update(request_id, person, details, action="resubmitted")
        self.refresh_cards(request_id)
        if not result.ok or result.request is None:
            return result_reply(result, msg, self.services, "edit")
        locale = self.services.locale_of(person)
        done = Reply(locale, t("edit.done", locale, id=request_id))
        return [done, submitted_reply(result.request, msg, self.services)]

    def _unknown(self, user_id: str, locale: str, target: dict[str, Any]) -> None:
        self._reply(target, Reply(locale, t("err.unknown_user", locale, who=f"<@{user_id}>")))
        # Admins hear of each unknown person once, not on every message.
        if self.services.store.first_time(f"slack-unknown:{user_id}", self.services.now_iso()):
            for admin in self.services.directory.holders("admin"):
                admin_locale = self.services.locale_of(admin)
                admin_target = self._dm_target(admin)
                if admin_target:
                    self._reply(admin_target, Reply(admin_locale, t("slack.unknown_admin", admin_locale, who=user_id)))

    @staticmethod
    def _command_text(command: str, text: str) -> str:
        if command in ("/expense", "/leave", "/contract"):
            return f"{command} {text}".strip()
        if command == "/backoffice":
            word, _, rest = text.partition(" ")
            mapped = _BACKOFFICE_WORDS.get(word.lower(), "help")
            return f"/{mapped} {rest}".strip()
        return text or "/help"  # /ask: the words are the question

    def _download(self, files: object, attempts: int) -> tuple[tuple[Kept, ...], tuple[dict[str, Any], ...]]:
        """Fetch the files shared with a message through the gate (bot.downloads): (kept, refused). A refused
        file is told to the sender, never silently missing; one that is only unavailable for now lets the inbox
        try the whole message again first (safe: prepare runs before any effect)."""
        kept: list[Kept] = []
        refused: list[dict[str, Any]] = []
        shared = [f for f in files if isinstance(f, dict)] if isinstance(files, list) else []
        for f in shared[:5]:
            name = f.get("name") or f.get("title") or "file"
            try:
                url = f.get("url_private_download") or f.get("url_private")
                kept.append(self._gate.fetch(self._files, url, name, f.get("size"), token=self.token))
            except Unavailable as err:
                log.warning("file %s unavailable: %s", str(f.get("id"))[:32], err.reason)
                if attempts < 2:
                    raise
                refused.append(refusal(err))
            except FileRefused as err:
                log.warning("file %s refused: %s", str(f.get("id"))[:32], err.reason)
                refused.append(refusal(err))
        return tuple(kept), tuple(refused)

    # -- replies: rows in the outbox, in the transaction of the effect ----------------------------

    def _answer_target(self, row: Row) -> dict[str, Any]:
        """Where the answer to this inbound goes: the command's response_url, the message's conversation,
        beside the clicked card (seen by the clicker only), or a DM after a form."""
        payload, user_id = row.payload, row.payload.get("user", "")
        if row.kind == "command" and payload.get("response_url"):
            return {"kind": "respond", "url": payload["response_url"], "user": user_id}
        if row.kind == "message":
            event = payload.get("event") or {}
            thread = (event.get("thread_ts") or event.get("ts")) if payload.get("in_thread") else None
            return {"kind": "post", "channel": event.get("channel"), "thread_ts": thread, "user": user_id}
        if payload.get("channel"):
            return {"kind": "ephemeral", "channel": payload["channel"], "user": user_id}
        return {"kind": "dm", "user": user_id}

    def _dm_target(self, person: Employee) -> dict[str, Any] | None:
        slack_id = self.slack_id(person)
        return {"kind": "dm", "user": slack_id} if slack_id else None

    def _reply(
        self, target: dict[str, Any], reply: Reply, replace_original: bool = False, card_of: str | None = None
    ) -> None:
        """One reply into the outbox. Ordered per conversation; a card DM'd to someone remembers whose it is
        (`card_of`), so a later decision can update it."""
        fallback, body = blocks.reply_blocks(reply, self._version(reply))
        kind = target["kind"]
        job: dict[str, Any] = {**target, "text": fallback, "blocks": body}
        if kind == "respond":
            job["replace_original"] = replace_original
            queue_target = f"respond:{hashlib.sha256(target['url'].encode()).hexdigest()[:16]}"
        elif kind == "dm":
            queue_target = f"dm:{target['user']}"
            if card_of and reply.card is not None and reply.card.request_id:
                job["card"] = {"request_id": reply.card.request_id, "employee_id": card_of}
        else:
            queue_target = f"channel:{target['channel']}"
        outbox.enqueue(self.services.store, PLATFORM, queue_target, kind, job, self.services.now_iso())
        if reply.file is not None and target.get("user"):
            # A file (an export, a transfer file) goes to the person's direct chat only, whatever the conversation:
            # a channel or a thread would show it to everyone in it.
            upload = {"user": target["user"], "path": reply.file.path, "name": reply.file.name, "comment": fallback}
            at = self.services.now_iso()
            outbox.enqueue(self.services.store, PLATFORM, f"dm:{target['user']}", "file", upload, at)

    def _version(self, reply: Reply) -> int | None:
        if reply.card is None or reply.card.request_id is None:
            return None
        req = records.get_request(self.services.store, reply.card.request_id)
        return req.version if req else None

    def deliver(self) -> int:
        """Notifications for people on Slack become outbox rows, each in one transaction with "delivered"."""
        services = self.services
        on_slack = {e.id: e for e in services.directory if self.slack_id(e) and e.active}
        queued = 0
        changed: set[int] = set()
        for row in records.undelivered_for(services.store, list(on_slack)):
            person = on_slack[row["recipient_id"]]
            with services.store.tx():
                if records.is_delivered(services.store, row["id"]):
                    continue  # another thread queued it meanwhile
                reply = notification_reply(row["event"], row["request_id"], row["data"], services, person)
                target = self._dm_target(person)
                if target:
                    self._reply(target, reply, card_of=person.id if row["request_id"] else None)
                records.mark_delivered(services.store, [row["id"]], services.now_iso())
                if row["request_id"] and row["event"] in _STATE_CHANGED:
                    changed.add(int(row["request_id"]))
            queued += 1
        # Whatever changed it (a reply typed on Chatwork, the console), a request whose state someone is told of
        # has its Slack cards redrawn, so no copy keeps buttons or a state that no longer holds.
        for request_id in sorted(changed):
            with services.store.tx():
                self.refresh_cards(request_id)
        if queued:
            self.outbox.wake()
        return queued

    def refresh_cards(self, request_id: int) -> None:
        """Every copy of a request's card is re-drawn (buttons go once nobody there can act): one outbox row
        per person who has a copy, or will have once their DM goes out, behind that DM in their queue."""
        store = self.services.store
        people = {card["employee_id"] for card in records.slack_cards(store, request_id)}
        people |= {job["payload"]["card"]["employee_id"] for job in outbox.cards_waiting(store, PLATFORM, request_id)}
        req = records.get_request(store, request_id)
        if req is not None:
            # Their Home tabs show this request too: everyone with its card, the requester, whoever it waits for.
            step = self.services.workflow.current_step(req)
            waiting_for = {step.approver_id} if step is not None and step.approver_id else set()
            for employee_id in sorted({*people, req.requester_id, *waiting_for}):
                self.publish_home(employee_id)
        for employee_id in sorted(people):
            person = self.services.directory.get(employee_id)
            slack_id = self.slack_id(person) if person else None
            if slack_id:
                outbox.enqueue(
                    store, PLATFORM, f"dm:{slack_id}", "refresh",
                    {"request_id": request_id, "employee_id": employee_id}, self.services.now_iso(),
                )  # fmt: skip

    def publish_home(self, employee_id: str) -> None:
        """Queue a fresh Home tab for one person (drawn when it is sent, so it shows the latest state)."""
        person = self.services.directory.get(employee_id)
        slack_id = self.slack_id(person) if person else None
        if slack_id:
            outbox.enqueue(
                self.services.store, PLATFORM, f"home:{slack_id}", "home",
                {"employee_id": employee_id, "user": slack_id}, self.services.now_iso(),
            )  # fmt: skip

    def home_of(self, employee_id: str) -> dict[str, Any] | None:
        person = self.services.directory.get(employee_id)
        if person is None:
            return None
        return home_view(self.services, person, self.services.locale_of(person))

    def cards_of(self, request_id: int, employee_id: str) -> list[tuple[str, str, str, list[dict[str, Any]]]]:
        """(channel, ts, fallback, blocks) of each copy of a request's card one person has, drawn as it is now."""
        services = self.services
        req = records.get_request(services.store, request_id)
        person = services.directory.get(employee_id)
        if req is None or person is None:
            return []
        locale = services.locale_of(person)
        rendered = request_card(req, services, locale, person)
        if rendered.actions:
            body = blocks.card_blocks(rendered, locale, req.version)
        else:
            body = blocks.decided_blocks(rendered, locale, self._decided_line(req, locale))
        return [
            (card["channel"], card["ts"], rendered.title, body)
            for card in records.slack_cards(services.store, request_id)
            if card["employee_id"] == employee_id
        ]

    def _respond_now(self, url: str, message: dict[str, Any]) -> int:
        """POST to a response_url; only ever to Slack's hosts (a payload's URL is not trusted)."""
        parts = urlsplit(url)
        if parts.netloc not in self._reply_hosts or parts.scheme not in ("https", "http"):
            raise outbox.Refused(f"response_url host {parts.netloc!r} is not Slack's")
        if parts.scheme == "http" and parts.netloc == "hooks.slack.com":
            raise outbox.Refused("response_url is not https")
        return WebhookClient(url, timeout=10).send_dict(message).status_code

    def _decided_line(self, req: Any, locale: str) -> str:
        status = status_label(req, locale)
        by = self.services.name(req.decided_by, locale) if req.decided_by and not is_lapsed(req) else ""
        when = (req.decided_at or "")[:16].replace("T", " ")
        if req.status in (Status.APPROVED, Status.REJECTED, Status.CANCELLED, Status.NEEDS_INFO) and by:
            return t("slack.decided_line", locale, status=status, by=by, at=when)
        return t("slack.moved_on", locale, status=status)

    def socket_mode(self, app_token: str) -> SocketModeHandler:
        """Socket Mode: Slack pushes the same payloads over a WebSocket the bot opens, so no public URL."""
        return SocketModeHandler(self.bolt, app_token)

    def flush(self, timeout: float) -> bool:
        """Send what is due within `timeout` seconds, then stop sending (a graceful stop)."""
        self._stop_polling.set()
        return self.outbox.stop(timeout)

    def shutdown(self) -> None:
        self._stop_polling.set()
        self.outbox.stop(0)
        self._files.close()


def _message_fields(event: dict[str, Any]) -> dict[str, Any]:
    """What of a message event is kept: who, where, what, and the files shared with it."""
    keep = ("user", "channel", "channel_type", "text", "ts", "thread_ts", "files", "subtype")
    return {k: event[k] for k in keep if k in event}


class _Sender:
    """Sends the Slack rows of the outbox (bot.outbox.Drain calls it on its thread)."""

    def __init__(self, front: SlackFrontDoor) -> None:
        self.front = front

    def send(self, job: dict[str, Any]) -> Any:
        p, client = job["payload"], self.front.client
        try:
            if job["kind"] == "respond":
                message = {"text": p["text"], "blocks": p["blocks"], "response_type": "ephemeral",
                           "replace_original": bool(p.get("replace_original"))}  # fmt: skip
                status = self.front._respond_now(p["url"], message)
                if status == 429 or status >= 500:
                    raise outbox.Retry(f"response_url answered {status}")
                if status >= 400:
                    # Expired (30 minutes, 5 uses) or gone: the answer is not lost, it comes as a DM.
                    return self._dm(p["user"], p["text"], p["blocks"]) | {"fallback": f"response_url {status}"}
                return {"status": status}
            if job["kind"] == "post":
                posted = client.chat_postMessage(
                    channel=p["channel"], text=p["text"], blocks=p["blocks"], thread_ts=p.get("thread_ts")
                )
                return {"channel": posted.get("channel"), "ts": posted.get("ts")}
            if job["kind"] == "ephemeral":
                try:
                    client.chat_postEphemeral(channel=p["channel"], user=p["user"], text=p["text"], blocks=p["blocks"])
                    return {"channel": p["channel"]}
                except SlackApiError as exc:
                    if _retryable(exc):
                        raise
                    # A channel the bot is not in: the clicker gets it as a DM instead.
                    return self._dm(p["user"], p["text"], p["blocks"]) | {"fallback": exc.response.get("error")}
            if job["kind"] == "dm":
                return self._dm(p["user"], p["text"], p["blocks"])
            if job["kind"] == "home":
                view = self.front.home_of(p["employee_id"])
                if view is not None:
                    client.views_publish(user_id=p["user"], view=view)
                return {"published": view is not None}
            if job["kind"] == "file":
                return self._upload(p)
            if job["kind"] == "refresh":
                updated = 0
                for channel, ts, fallback, body in self.front.cards_of(p["request_id"], p["employee_id"]):
                    client.chat_update(channel=channel, ts=ts, text=fallback, blocks=body)
                    updated += 1
                return {"updated": updated}
            raise outbox.Refused(f"unknown slack outbox kind {job['kind']!r}")
        except SlackApiError as exc:
            if _retryable(exc):
                limited = exc.response.status_code == 429
                wait = outbox.seconds(exc.response.headers.get("retry-after"), 0.0) if limited else None
                raise outbox.Retry(f"slack {exc.response.status_code} {exc.response.get('error')}", wait) from exc
            raise outbox.Refused(f"slack refused: {exc.response.get('error')}") from exc
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise outbox.Retry(f"cannot reach slack ({type(exc).__name__})") from exc

    def _upload(self, p: dict[str, Any]) -> dict[str, Any]:
        """files.getUploadURLExternal, the bytes, files.completeUploadExternal into the person's DM (slack_sdk's
        files_upload_v2). Tried again whole on a failure: an upload that was never completed is never shared."""
        path = Path(p["path"])
        if not path.is_file():
            raise outbox.Refused(f"file to send is gone: {path.name}")
        channel = self.front.client.conversations_open(users=p["user"])["channel"]["id"]
        done = self.front.client.files_upload_v2(
            channel=channel, file=str(path), filename=p["name"], title=p["name"], initial_comment=p.get("comment")
        )
        file = done.get("file") or {}
        return {"channel": channel, "file": file.get("id") if isinstance(file, dict) else None}

    def _dm(self, user: str, text: str, body: list[dict[str, Any]]) -> dict[str, Any]:
        opened = self.front.client.conversations_open(users=user)
        channel = opened["channel"]["id"]
        posted = self.front.client.chat_postMessage(channel=channel, text=text, blocks=body)
        return {"channel": posted.get("channel", channel), "ts": posted.get("ts")}

    def on_sent(self, job: dict[str, Any], result: Any) -> None:
        card = job["payload"].get("card")
        if card and isinstance(result, dict) and result.get("ts"):
            records.add_slack_card(
                self.front.services.store, card["request_id"], card["employee_id"], result["channel"], result["ts"],
                self.front.services.now_iso(),
            )  # fmt: skip


def _retryable(exc: SlackApiError) -> bool:
    status = exc.response.status_code
    return status == 429 or status >= 500
