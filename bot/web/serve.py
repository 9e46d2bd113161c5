"""Where the dashboard is switched on: mounted in the webhook server when BACKOFFICE_WEB_URL is set, or served on
its own on localhost beside the console demo (which has no HTTP server of its own)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Route

from bot.app import App as Backoffice
from bot.web import auth
from bot.web.app import build_web

log = logging.getLogger(__name__)


def web_routes(backoffice: Backoffice, wall: auth.Wall = auth.WALL) -> list[BaseRoute]:
    """/admin when BACKOFFICE_WEB_URL is set, else nothing (the dashboard is off)."""
    url = backoffice.settings.web_url
    return [build_web(backoffice, url, wall)] if url else []


def demo_app(backoffice: Backoffice, base_url: str, wall: auth.Wall = auth.WALL) -> Starlette:
    async def home(request: object) -> RedirectResponse:
        return RedirectResponse("/admin/", status_code=303)

    return Starlette(routes=[Route("/", home, methods=["GET"]), build_web(backoffice, base_url, wall)])


def serve_in_background(
    backoffice: Backoffice, host: str = "127.0.0.1", port: int | None = None, wall: auth.Wall = auth.WALL
) -> Callable[[], None] | None:
    """The dashboard on http://host:port in a daemon thread, for the console demo; returns a stop function, or
    None when it is switched off (BACKOFFICE_WEB_DEMO=false) or the port is taken (said on stderr, the console
    goes on without it). Links /login sends point at BACKOFFICE_WEB_URL if set, else at this address."""
    import uvicorn

    settings = backoffice.settings
    if not settings.web_demo and not settings.web_url:
        return None
    port = settings.web_port if port is None else port
    base = settings.web_url or f"http://{host}:{port}"
    server = uvicorn.Server(uvicorn.Config(demo_app(backoffice, base, wall), host=host, port=port, log_level="error"))
    thread = threading.Thread(target=server.run, name="web-dashboard", daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not server.started:
        log.warning("the dashboard could not start on %s:%d (port in use?)", host, port)
        return None

    def stop() -> None:
        server.should_exit = True
        thread.join(5)

    return stop
