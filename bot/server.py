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
        try:
            yield
        finally:
            if chatwork is not None:
                await chatwork.stop()

    async def slack_events(request: Request) -> Response:
        if slack is None:
            return JSONResponse({"ok": False, "error": "slack is not configured"}, status_code=404)
        body = (await request.body()).decode("utf-8")
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
