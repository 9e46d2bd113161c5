"""One ASGI server for every webhook: Slack's events, Chatwork's webhook, a health check, and the read-only
leave calendar feeds (/calendar/<token>.ics, bot/ical.py).

Bolt's dispatch is synchronous and may wait for a listener's ack; it runs in a worker
thread so the event loop keeps accepting requests while one waits.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qs

from slack_bolt.request import BoltRequest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot import ical
from bot.app import App as Backoffice
from bot.chatwork.app import ChatworkFrontDoor
from bot.slack.app import SlackFrontDoor
from bot.web.serve import web_routes

log = logging.getLogger(__name__)


STOP_SECONDS = 10.0


async def graceful_stop(
    backoffice: Backoffice, slack: SlackFrontDoor | None, chatwork: ChatworkFrontDoor | None, timeout: float
) -> None:
    """Stop taking rows, let those in hand finish (the rest stay in the inbox), flush the outboxes."""
    finished = await run_in_threadpool(backoffice.inbox.stop, timeout)
    if not finished:
        log.warning("stopping with work in hand: it stays in the inbox and is redone at the next start")
    flushed = True
    if slack is not None:
        flushed = await run_in_threadpool(slack.flush, timeout) and flushed
    if chatwork is not None:
        flushed = await chatwork.flush(timeout) and flushed
        await chatwork.stop()
    if not flushed:
        log.warning("stopping with replies not yet sent: they stay in the outbox and go at the next start")


MAX_SLACK_BODY = 1 << 20  # Slack's payloads are a few kB; a megabyte is generous and bounds what is read
MAX_CHATWORK_BODY = 1 << 20
SIGNATURE_WINDOW = 300  # seconds: Slack's own advice for the request timestamp


def screen_slack(raw: bytes, headers: Any, secret: str | None, now: float) -> tuple[int, str] | None:
    """Why a POST to /slack/events is not Slack's, as (status, reason); None when it is signed and parses.

    Signature first, on the exact bytes (v0 = HMAC-SHA256 of "v0:<timestamp>:<body>"), with a timestamp that must be
    a number within five minutes of now; only then is the body looked at: UTF-8, and JSON or a form as labelled,
    a form's `payload` JSON too (nesting so deep that Python's parser gives up is refused, not a crash)."""
    if not secret:
        return (401, "no signing secret configured")
    timestamp = str(headers.get("x-slack-request-timestamp") or "")
    signature = str(headers.get("x-slack-signature") or "")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return (401, "missing or malformed timestamp")
    if abs(now - int(timestamp)) > SIGNATURE_WINDOW:
        return (401, "timestamp outside the signature window")
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return (401, "bad signature")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return (400, "body is not UTF-8")
    kind = str(headers.get("content-type") or "").split(";")[0].strip().lower()
    try:
        if kind == "application/json":
            if not isinstance(json.loads(text), dict):
                return (400, "JSON body is not an object")
        elif kind == "application/x-www-form-urlencoded":
            form = parse_qs(text, keep_blank_values=True, max_num_fields=200)
            if "payload" in form and not isinstance(json.loads(form["payload"][0]), dict):
                return (400, "payload is not an object")
        else:
            return (400, f"unexpected content type {kind[:40]!r}")
    except (ValueError, RecursionError):
        return (400, "body does not parse")
    return None


def _refuse(status: int, reason: str, request: Request, size: int) -> JSONResponse:
    client = request.client.host if request.client else "?"
    log.info("%s %s refused (%d): %s; %d bytes from %s", request.method, request.url.path, status, reason, size, client)
    return JSONResponse({"ok": False, "error": "invalid request"}, status_code=status)


async def _read_capped(request: Request, limit: int) -> bytes | None:
    """The body, or None once it passes `limit` (a declared Content-Length over it is refused unread)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def build_server(
    backoffice: Backoffice,
    slack: SlackFrontDoor | None,
    chatwork: ChatworkFrontDoor | None = None,
    wall: Callable[[], float] = time.time,
) -> Starlette:
    """`wall` is the real clock the signature window is checked against (the bot's own clock may be a fixed
    demo date); tests can move it."""
    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse(
            {"ok": True, "rules": backoffice.rules.version, "schema": backoffice.store.schema_version,
             "slack": slack is not None, "chatwork": chatwork is not None}
        )  # fmt: skip

    async def chatwork_webhook(request: Request) -> PlainTextResponse:
        # Always 200 with a tiny body: Chatwork counts anything else as an error and turns the webhook off.
        if chatwork is None:
            return PlainTextResponse("not configured")
        try:
            body = await _read_capped(request, MAX_CHATWORK_BODY)
            if body is None:
                log.info("chatwork webhook refused: body over %d bytes", MAX_CHATWORK_BODY)
                return PlainTextResponse("ignored")
            answer = await chatwork.webhook(
                body,
                request.headers.get("x-chatworkwebhooksignature"),
                request.query_params.get("chatwork_webhook_signature"),
            )
        except Exception as exc:
            # One line, never the body: the event could not be kept (the store failing, say).
            log.error("chatwork webhook failed before its event was kept: %s", type(exc).__name__)
            answer = "error"
        return PlainTextResponse(answer)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if chatwork is not None:
            await chatwork.start()
        if slack is not None:
            slack.start()
        # Last, once every front door can work its rows off: what an earlier run left pending goes first.
        backoffice.inbox.start()
        try:
            yield
        finally:
            # uvicorn has stopped taking requests (SIGTERM / SIGINT): rows in hand finish or stay pending for the
            # next start, then what they said is sent within a bounded wait.
            await graceful_stop(backoffice, slack, chatwork, STOP_SECONDS)

    async def slack_events(request: Request) -> Response:
        if slack is None:
            return JSONResponse({"ok": False, "error": "slack is not configured"}, status_code=404)
        raw = await _read_capped(request, MAX_SLACK_BODY)
        if raw is None:
            return _refuse(413, "body too large", request, -1)
        # The signature is checked on the raw bytes before anything of them is parsed; then they must parse as
        # what Slack sends. Either failing is one short line in the log (never the body) and a 4xx, never a 500.
        problem = screen_slack(raw, request.headers, slack.signing_secret, wall())
        if problem is not None:
            return _refuse(problem[0], problem[1], request, len(raw))
        headers: dict[str, Any] = {k: [v] for k, v in request.headers.items()}
        try:
            bolt_request = BoltRequest(body=raw.decode("utf-8"), query=request.url.query, headers=headers)
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            return _refuse(400, f"not a Slack payload ({type(exc).__name__})", request, len(raw))
        resp = await run_in_threadpool(slack.bolt.dispatch, bolt_request)
        out_headers = {k: v[0] for k, v in resp.headers.items() if v and k.lower() != "content-length"}
        return Response(content=resp.body, status_code=resp.status, headers=out_headers)

    def calendar_body(token: str, lang: str | None) -> bytes | None:
        feed = ical.feed_by_token(backoffice.store, token)
        if feed is None:
            return None
        locale = ical.feed_locale(lang, backoffice.settings.locale)
        services = backoffice.services
        return ical.feed_ics(
            backoffice.store, services.directory, backoffice.rules, feed.team, locale, services.today()
        )

    async def calendar_feed(request: Request) -> Response:
        # Read-only, and the unguessable token in the path is the only credential (calendar clients cannot sign
        # requests or send a header). Never logged: the path is the secret. An unknown token is a plain 404.
        token = str(request.path_params.get("token", ""))
        try:
            body = await run_in_threadpool(calendar_body, token, request.query_params.get("lang"))
        except Exception as exc:
            log.error("calendar feed failed: %s", type(exc).__name__)
            return PlainTextResponse("calendar unavailable, try again later", status_code=503)
        if body is None:
            return PlainTextResponse("not found", status_code=404)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {
            "ETag": etag,
            "Cache-Control": "private, max-age=300",
            "Content-Disposition": 'inline; filename="leave.ics"',
            "X-Robots-Tag": "noindex",
            "Referrer-Policy": "no-referrer",
        }
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            # GET (and the HEAD Starlette adds to it) only: anything else is 405.
            Route("/calendar/{token}.ics", calendar_feed, methods=["GET"]),
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/chatwork/webhook", chatwork_webhook, methods=["POST"]),
            # The dashboard (bot/web) under /admin, when BACKOFFICE_WEB_URL is set; it reads, never acts.
            *web_routes(backoffice, wall),
        ],
        lifespan=lifespan,
    )
