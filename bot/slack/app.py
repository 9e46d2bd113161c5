"""The Slack front door on slack-bolt: parse, identify, ack fast, hand to the router, render.

Every listener acks at once and leaves the work (understanding, the store, Web API calls)
to its own bounded executor, so acks never queue behind slow work. Replies come back as
platform-neutral Replies and are rendered to Block Kit here; nothing below the adapter
knows about Slack.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import httpx
from slack_bolt import Ack, App, BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from bot.app import App as Backoffice
from bot.cards import notification_reply, request_card
from bot.i18n import t
from bot.models import Employee, ExpenseClaim, Reply, Status
from bot.slack import blocks, forms
from bot.store import records
from handlers import Inbound
from handlers.approval import ACTION_OF_COMMAND
from handlers.base import result_reply, submitted_reply
from handlers.question import may_answer
from handlers.receipts import file_with_receipt, save_incoming

log = logging.getLogger(__name__)

COMMANDS = ("/expense", "/leave", "/contract", "/ask", "/backoffice")
_MENTION = re.compile(r"<@[A-Z0-9]+>\s*")
# What `/backoffice WORD …` means in our own commands.
_BACKOFFICE_WORDS = {
    "help": "help", "ヘルプ": "help", "mine": "mine", "自分": "mine", "balance": "balance", "残日数": "balance",
    "pending": "pending", "承認待ち": "pending", "cancel": "cancel", "取消": "cancel", "show": "show",
    "approve": "approve", "reject": "reject", "changes": "changes", "confirm": "confirm",
}  # fmt: skip
_ACTION_OF = {
    blocks.APPROVE: "approve",
    blocks.REJECT: "reject",
    blocks.REQUEST_CHANGES: "request_changes",
    blocks.CANCEL: "cancel",
    blocks.CONFIRM_UNPAID: "confirm_unpaid",
    blocks.OVERRIDE: "override",
}


_COMMAND_OF_ACTION = {action: command for command, action in ACTION_OF_COMMAND.items()}
# A question's button runs the command its card's footer suggests typing, so a click and a typed line are
# one path through the router (who may do it, what they are told). `answer_question` opens a form first.
_QUESTION_COMMAND = {"helpful": "helpful", "unhelpful": "unhelpful", "ask_person": "askperson", "save_faq": "savefaq"}


def _locale_of_slack(locale: str | None) -> str:
    return "ja" if (locale or "").lower().startswith("ja") else "en"


def _channel_of(body: dict[str, Any] | None) -> str | None:
    """The conversation of the card that was clicked; None for a form's submission, which has none."""
    body = body or {}
    channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
    return channel if isinstance(channel, str) and channel else None


class SlackFrontDoor:
    def __init__(
        self,
        backoffice: Backoffice,
        token: str,
        signing_secret: str | None,
        api_url: str = "https://slack.com/api/",
        work_workers: int = 32,
    ) -> None:
        self.backoffice = backoffice
        self.services = backoffice.services
        self.token = token
        self.client = WebClient(token=token, base_url=api_url)
        self._files = httpx.Client(timeout=30)
        # 429 waits for Retry-After and 5xx retries happen on the work pool, never where acks are made.
        self.client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
        self.client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=2))
        self.bolt = App(
            client=self.client,
            signing_secret=signing_secret,
            token_verification_enabled=False,  # no auth.test at start: the bot must start offline too
            # Every listener acks within microseconds and hands the work to our own pool, so Bolt may run it
            # on the request's thread: no hop to a listener thread and no 10 ms poll for the ack.
            process_before_response=True,
        )
        # Slow work (a model call, a file download) waits on I/O: a wide pool of its own, bounded.
        self.work = ThreadPoolExecutor(max_workers=work_workers, thread_name_prefix="slack-work")
        self._people: dict[str, Employee | None] = {}
        self._locales: dict[str, str] = {}
        # Employee id → Slack id for people matched by e-mail, remembered across restarts.
        self._slack_ids: dict[str, str] = records.slack_identities(self.services.store)
        self._register()

    # -- wiring: every entry point in one table -------------------------------------------------

    def _register(self) -> None:
        app = self.bolt
        app.middleware(self._dedupe_events)
        for command in COMMANDS:
            app.command(command)(self._on_command)
        app.event("app_mention")(self._on_mention)
        app.event("message")(self._on_message)
        for action_id in _ACTION_OF:
            app.action(action_id)(self._on_button)
        app.view("approval_reason")(self._on_reason)
        for slack_id, ours in blocks.QUESTION_ACTION_OF_SLACK_ID.items():
            app.action(slack_id)(self._on_answer_button if ours == "answer_question" else self._on_question_button)
        app.view(blocks.ANSWER_CALLBACK)(self._on_answer)
        app.view(forms.EXPENSE_CALLBACK)(self._on_form)
        app.view(forms.LEAVE_CALLBACK)(self._on_form)
        app.error(self._on_error)

    # -- middleware --------------------------------------------------------------------------

    def _dedupe_events(self, body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        """An Events API retry (same event_id) is acknowledged and dropped: handled once."""
        event_id = body.get("event_id")
        if event_id and not self.services.store.claim_delivery(f"slack:{event_id}", self.services.now_iso()):
            log.info("slack event %s already handled", event_id)
            return BoltResponse(status=200, body="")
        return next()

    def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.exception("slack listener failed: %s", type(error).__name__, exc_info=error)

    # -- identity ----------------------------------------------------------------------------

    def employee(self, user_id: str) -> Employee | None:
        """By Slack id, else by the e-mail Slack has for them; cached per process."""
        if user_id in self._people:
            return self._people[user_id]
        person = self.services.directory.find(user_id)
        if person is None and user_id in self._slack_ids.values():
            known = next(emp for emp, slack in self._slack_ids.items() if slack == user_id)
            person = self.services.directory.get(known)
        if person is None:
            try:
                info = self.client.users_info(user=user_id, include_locale=True)
                user = info.get("user") or {}
                self._locales[user_id] = _locale_of_slack(user.get("locale"))
                email = (user.get("profile") or {}).get("email")
                person = self.services.directory.find(email) if email else None
            except SlackApiError as exc:
                log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
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
        person = self.services.directory.find(user_id)
        if person is None:
            known = next((emp for emp, slack in self._slack_ids.items() if slack == user_id), None)
            person = self.services.directory.get(known) if known else None
        return person if person is not None and person.active else None

    def slack_id(self, person: Employee) -> str | None:
        return person.slack_user_id or self._slack_ids.get(person.id)

    def _unknown(self, user_id: str, respond_to: Callable[[str], Any]) -> None:
        locale = self._locales.get(user_id, self.services.default_locale)
        respond_to(t("err.unknown_user", locale, who=f"<@{user_id}>"))
        # Admins hear of each unknown person once, not on every message.
        if self.services.store.claim_delivery(f"slack-unknown:{user_id}", self.services.now_iso()):
            for admin in self.services.directory.holders("admin"):
                locale = self.services.locale_of(admin)
                self._post_dm(admin, Reply(locale, t("slack.unknown_admin", locale, who=user_id)))

    # -- entry points ------------------------------------------------------------------------

    def _on_command(self, ack: Ack, command: dict[str, Any], respond: Callable[..., Any], client: WebClient) -> None:
        if command["command"] in ("/expense", "/leave") and not (command.get("text") or "").strip():
            # No text: the form. Its trigger id lives 3 seconds, so it opens before anything else.
            person = self.services.directory.find(command["user_id"])
            locale = self.locale(command["user_id"], person)
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
        ack()  # at once: everything else happens on the work pool

        def failed(ref: str) -> None:
            locale = self._locales.get(command["user_id"], self.services.default_locale)
            respond(text=t("err.internal", locale, ref=ref), response_type="ephemeral", replace_original=True)

        self._submit(self._handle_command, command, respond, on_error=failed)

    def _handle_command(self, command: dict[str, Any], respond: Callable[..., Any]) -> None:
        person = self.employee(command["user_id"])
        if person is None:
            self._unknown(command["user_id"], lambda text: respond(text=text, response_type="ephemeral"))
            return
        locale = self.locale(command["user_id"], person)
        # The user sees that the bot is on it; the answer replaces this line.
        respond(text=t("slack.working", locale), response_type="ephemeral")
        text = self._command_text(command["command"], (command.get("text") or "").strip())
        replies = self.backoffice.router.handle(Inbound(person, text, platform="slack", locale=locale))
        for n, reply in enumerate(replies):
            fallback, body = blocks.reply_blocks(reply, self._version(reply))
            respond(text=fallback, blocks=body, response_type="ephemeral", replace_original=n == 0)
        self.deliver()

    @staticmethod
    def _command_text(command: str, text: str) -> str:
        if command in ("/expense", "/leave", "/contract"):
            return f"{command} {text}".strip()
        if command == "/backoffice":
            word, _, rest = text.partition(" ")
            mapped = _BACKOFFICE_WORDS.get(word.lower(), "help")
            return f"/{mapped} {rest}".strip()
        return text or "/help"  # /ask: the words are the question

    def _on_mention(self, event: dict[str, Any], say: Callable[..., Any]) -> None:
        # Events are acked by Bolt before this runs; the work still goes to our pool.
        self._submit(self._handle_message, event, say, True)

    def _on_message(self, event: dict[str, Any], say: Callable[..., Any]) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype") not in (None, "file_share"):
            return  # only people writing to the bot directly (a file included); never our own messages
        self._submit(self._handle_message, event, say, False)

    def _handle_message(self, event: dict[str, Any], say: Callable[..., Any], in_thread: bool) -> None:
        thread = event.get("thread_ts") or event.get("ts") if in_thread else None
        person = self.employee(event["user"])
        if person is None:
            self._unknown(event["user"], lambda text: say(text=text, thread_ts=thread))
            return
        text = _MENTION.sub("", event.get("text") or "").strip()
        locale = self.locale(event["user"], person)
        shared = event.get("files") or []
        files, refused = self._download(shared)
        for file in refused:
            say(text=t("err.file_too_large", locale, **file), thread_ts=thread)
        inbound = Inbound(person, text, platform="slack", locale=locale, attachments=files)
        for reply in self.backoffice.router.handle(inbound):
            fallback, body = blocks.reply_blocks(reply, self._version(reply))
            say(text=fallback, blocks=body, thread_ts=thread)
        self.deliver()

    def _on_button(self, ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        kind = _ACTION_OF[action["action_id"]]
        decoded = blocks.decode_value(action.get("value") or "")
        if decoded is None:
            ack()
            return
        request_id, version = decoded
        if kind in ("reject", "request_changes"):
            # The trigger id lives 3 seconds: the reason form opens before anything else.
            person = self._people.get(body["user"]["id"]) or self.services.directory.find(body["user"]["id"])
            locale = self.locale(body["user"]["id"], person)
            try:
                client.views_open(
                    trigger_id=body["trigger_id"], view=blocks.reason_modal(kind, request_id, locale, version)
                )
            except SlackApiError as exc:
                log.warning("views.open failed: %s", exc.response.get("error"))
            ack()
            return
        ack()
        self._submit(self._decide, body["user"]["id"], kind, request_id, version, None, body)

    def _on_reason(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            kind, request_id, version, reason = blocks.read_reason_submission(view)
        except ValueError:
            ack()
            return
        if not reason:
            person = self.services.directory.find(body["user"]["id"])
            ack(
                response_action="errors",
                errors={"reason": t("slack.reason_required", self.locale(body["user"]["id"], person))},
            )
            return
        ack()
        self._submit(self._decide, body["user"]["id"], kind, request_id, version, reason, None)

    def _on_form(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        """Checked in the ack: wrong fields come back to the form with their errors; nothing is filed."""
        if view["callback_id"] == forms.EXPENSE_CALLBACK:
            details, errors = forms.read_expense(view, self.services.today())
        else:
            details, errors = forms.read_leave(view)  # type: ignore[assignment]
        if errors or details is None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        self._submit(self._file_form, body["user"]["id"], details, forms.files(view))

    def _file_form(self, user_id: str, details: Any, uploaded: list[dict[str, Any]]) -> None:
        person = self.employee(user_id)
        if person is None:
            return
        msg = Inbound(person, "", platform="slack", attachments=self._download(uploaded)[0])
        if isinstance(details, ExpenseClaim) and msg.attachments:
            replies = file_with_receipt(msg, details, msg.attachments[0], self.services)
        else:
            result = self.services.workflow.submit(person, details, source="slack:form")
            assert result.request is not None
            replies = [submitted_reply(result.request, msg, self.services)]
        for reply in replies:
            self._post_dm(person, reply)
        self.deliver()

    def _decide(
        self, user_id: str, kind: str, request_id: int, version: int | None, reason: str | None,
        body: dict[str, Any] | None,
    ) -> None:  # fmt: skip
        person = self.employee(user_id)
        channel = _channel_of(body)
        if person is None:
            if channel:
                self._unknown(
                    user_id, lambda text: self.client.chat_postEphemeral(channel=channel, user=user_id, text=text)
                )
            return
        command = _COMMAND_OF_ACTION[kind]
        result = self.services.workflow.act(request_id, person, kind, reason, version)
        if not result.ok:
            # The same words as every other front door: "you are not the approver", "already decided by X".
            # A click answers beside the card; a form (no channel) answers in a DM.
            msg = Inbound(person, f"/{command} {request_id}", platform="slack")
            for reply in result_reply(result, msg, self.services, command):
                if channel:
                    self.client.chat_postEphemeral(channel=channel, user=user_id, text=reply.text or "")
                else:
                    self._post_dm(person, reply)
        self.refresh_cards(request_id)
        self.deliver()

    # -- policy questions --------------------------------------------------------------------

    def _on_question_button(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        """👍, 👎, ask a person, save as FAQ: nothing to ask first, so ack and run the command."""
        ack()
        question_id = blocks.decode_question_value(action.get("value"))
        if question_id is None:
            return
        command = _QUESTION_COMMAND[blocks.QUESTION_ACTION_OF_SLACK_ID[action["action_id"]]]
        self._run_question(body["user"]["id"], f"/{command} Q{question_id}", _channel_of(body))

    def _on_answer_button(self, ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        question_id = blocks.decode_question_value(action.get("value"))
        if question_id is None:
            ack()
            return
        user_id = body["user"]["id"]
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
        ack()
        # Not theirs to answer, answered already, or no such question: the router says which, in the words
        # every front door uses, beside the card.
        self._run_question(user_id, f"/answer Q{question_id}", _channel_of(body))

    def _on_answer(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        """Checked in the ack: an empty answer stays in the form with its error, and nothing is relayed."""
        try:
            question_id, answer = blocks.read_answer_submission(view)
        except ValueError:
            ack()
            return
        user_id = body["user"]["id"]
        if not answer:
            locale = self.locale(user_id, self._known(user_id))
            ack(response_action="errors", errors={blocks.ANSWER_BLOCK: t("slack.question.answer_required", locale)})
            return
        ack()
        # A form has no conversation of its own: the confirmation (with "save as FAQ") comes as a DM.
        self._run_question(user_id, f"/answer Q{question_id} {answer}", None)

    def _run_question(self, user_id: str, text: str, channel: str | None) -> None:
        def failed(ref: str) -> None:
            locale = self._locales.get(user_id, self.services.default_locale)
            self._answer_clicker(user_id, channel, Reply(locale, t("err.internal", locale, ref=ref)))

        self._submit(self._question_command, user_id, text, channel, on_error=failed)

    def _question_command(self, user_id: str, text: str, channel: str | None) -> None:
        """Run a question's command as the person who clicked; the router decides who may (the asker votes,
        the team answers) and refuses politely otherwise. Then the team's or the asker's card goes out."""
        person = self.employee(user_id)
        if person is None:
            locale = self._locales.get(user_id, self.services.default_locale)
            self._unknown(user_id, lambda message: self._answer_clicker(user_id, channel, Reply(locale, message)))
            return
        locale = self.locale(user_id, person)
        for reply in self.backoffice.router.handle(Inbound(person, text, platform="slack", locale=locale)):
            self._answer_clicker(user_id, channel, reply)
        self.deliver()

    def _answer_clicker(self, user_id: str, channel: str | None, reply: Reply) -> None:
        """Beside the clicked card, seen by the clicker only; as a DM after a form, or where Slack will not
        post beside it (a channel the bot is not in)."""
        fallback, body = blocks.reply_blocks(reply, self._version(reply))
        if channel:
            try:
                self.client.chat_postEphemeral(channel=channel, user=user_id, text=fallback, blocks=body)
                return
            except SlackApiError as exc:
                log.info("ephemeral reply in %s refused (%s): sent as a DM", channel, exc.response.get("error"))
        opened = self.client.conversations_open(users=user_id)
        self.client.chat_postMessage(channel=opened["channel"]["id"], text=fallback, blocks=body)

    def _download(self, files: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
        """Fetch files shared with a message with the bot token, into the attachment folder: (local paths, files
        refused for their size). A file over the limit is not fetched, and the sender is told rather than it
        silently missing."""
        limit_mb = self.services.max_attachment_mb
        limit = limit_mb * 1024 * 1024
        paths: list[str] = []
        refused: list[dict[str, Any]] = []
        for f in files[:5]:
            size = int(f.get("size") or 0)
            if size > limit:
                name = f.get("name") or f.get("id") or "?"
                refused.append({"name": name, "size": round(size / 1048576, 1), "limit": limit_mb})
                continue
            url = f.get("url_private_download") or f.get("url_private")
            if not url:
                continue
            try:
                resp = self._files.get(url, headers={"Authorization": f"Bearer {self.token}"}, follow_redirects=True)
            except httpx.HTTPError as exc:
                log.warning("download of file %s failed: %s", f.get("id"), type(exc).__name__)
                continue
            # Without files:read Slack answers with its HTML sign-in page, not the file.
            if resp.status_code != 200 or resp.headers.get("content-type", "").startswith("text/html"):
                log.warning("download of file %s refused (%s)", f.get("id"), resp.status_code)
                continue
            paths.append(save_incoming(self.services, f.get("id", "F"), f.get("name") or "file", resp.content[:limit]))
        return tuple(paths), refused

    # -- outbound ----------------------------------------------------------------------------

    def _submit(
        self, fn: Callable[..., None], *args: Any, on_error: Callable[[str], None] | None = None
    ) -> Future[None]:
        """Run work off the ack path; a failure is logged with a reference and the user is told it."""

        def run() -> None:
            try:
                fn(*args)
            except Exception:
                ref = secrets.token_hex(4)
                log.exception("slack background work failed (ref %s)", ref)
                if on_error is not None:
                    try:
                        on_error(ref)
                    except Exception:
                        log.exception("could not tell the user about failure %s", ref)

        return self.work.submit(run)

    def _version(self, reply: Reply) -> int | None:
        if reply.card is None or reply.card.request_id is None:
            return None
        req = records.get_request(self.services.store, reply.card.request_id)
        return req.version if req else None

    def _post_dm(self, person: Employee, reply: Reply) -> dict[str, Any] | None:
        slack_id = self.slack_id(person)
        if not slack_id:
            return None
        opened = self.client.conversations_open(users=slack_id)
        channel = opened["channel"]["id"]
        fallback, body = blocks.reply_blocks(reply, self._version(reply))
        posted = self.client.chat_postMessage(channel=channel, text=fallback, blocks=body)
        return {"channel": posted.get("channel", channel), "ts": posted.get("ts")}

    def deliver(self) -> int:
        """Send waiting notifications to people on Slack; a failure leaves them waiting for the next try."""
        services = self.services
        on_slack = {e.id: e for e in services.directory if self.slack_id(e) and e.active}
        sent = 0
        for row in records.undelivered_for(services.store, list(on_slack)):
            person = on_slack[row["recipient_id"]]
            reply = notification_reply(row["event"], row["request_id"], row["data"], services, person)
            try:
                posted = self._post_dm(person, reply)
            except SlackApiError as exc:
                log.warning("could not deliver notification %s: %s", row["id"], exc.response.get("error"))
                continue
            with services.store.tx():
                if posted and row["request_id"] and reply.card is not None:
                    records.add_slack_card(
                        services.store,
                        row["request_id"],
                        person.id,
                        posted["channel"],
                        posted["ts"],
                        services.now_iso(),
                    )
            records.mark_delivered(services.store, [row["id"]], services.now_iso())
            sent += 1
        return sent

    def refresh_cards(self, request_id: int) -> None:
        """Re-render every copy of a request's card: buttons go once nobody there can act."""
        services = self.services
        req = records.get_request(services.store, request_id)
        if req is None:
            return
        for card in records.slack_cards(services.store, request_id):
            person = services.directory.get(card["employee_id"])
            if person is None:
                continue
            locale = services.locale_of(person)
            rendered = request_card(req, services, locale, person)
            if rendered.actions:
                body = blocks.card_blocks(rendered, locale, req.version)
            else:
                body = blocks.decided_blocks(rendered, locale, self._decided_line(req, locale))
            try:
                self.client.chat_update(channel=card["channel"], ts=card["ts"], text=rendered.title, blocks=body)
            except SlackApiError as exc:
                log.warning("chat.update for request %s failed: %s", request_id, exc.response.get("error"))

    def _decided_line(self, req: Any, locale: str) -> str:
        status = t(f"status.{req.status.value}", locale)
        by = self.services.name(req.decided_by, locale) if req.decided_by else ""
        when = (req.decided_at or "")[:16].replace("T", " ")
        if req.status in (Status.APPROVED, Status.REJECTED, Status.CANCELLED, Status.NEEDS_INFO) and by:
            return t("slack.decided_line", locale, status=status, by=by, at=when)
        return t("slack.moved_on", locale, status=status)

    def socket_mode(self, app_token: str) -> SocketModeHandler:
        """Socket Mode: Slack pushes the same payloads over a WebSocket the bot opens, so no public URL."""
        return SocketModeHandler(self.bolt, app_token)

    def shutdown(self) -> None:
        self.work.shutdown(wait=True)
        self._files.close()
