"""One ASGI server for every webhook: Slack's events, Chatwork's webhook, and a health check.

Bolt's dispatch is synchronous and may wait for a listener's ack; it runs in a worker
thread so the event loop keeps accepting requests while one waits.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from slack_bolt.request import BoltRequest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.app import App as Backoffice
from bot.chatwork.app import ChatworkFrontDoor
from bot.slack.app import SlackFrontDoor

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


def build_server(
    backoffice: Backoffice, slack: SlackFrontDoor | None, chatwork: ChatworkFrontDoor | None = None
) -> Starlette:
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
            body = await request.body()
            answer = await chatwork.webhook(
                body,
                request.headers.get("x-chatworkwebhooksignature"),
                request.query_params.get("chatwork_webhook_signature"),
            )
        except Exception:
            log.exception("chatwork webhook failed before its event was kept")
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
        # Not UTF-8 cannot be Slack's: decoded with replacements it fails the signature check (401), not a 500.
        body = (await request.body()).decode("utf-8", errors="replace")
        headers: dict[str, Any] = {k: [v] for k, v in request.headers.items()}
        bolt_request = BoltRequest(body=body, query=request.url.query, headers=headers)
        resp = await run_in_threadpool(slack.bolt.dispatch, bolt_request)
        out_headers = {k: v[0] for k, v in resp.headers.items() if v and k.lower() != "content-length"}
        return Response(content=resp.body, status_code=resp.status, headers=out_headers)

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/chatwork/webhook", chatwork_webhook, methods=["POST"]),
        ],
        lifespan=lifespan,
    )
