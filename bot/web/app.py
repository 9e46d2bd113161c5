"""The dashboard's routes, mounted under /admin by bot/server.py.

Reading only: nothing here changes a request. A page is rendered in a worker thread (the store is synchronous),
with the signed-in person's scope applied before any row is read. Every response carries headers that keep it
out of caches, frames and other sites' reach; a one-time token in a path never leaves as a Referer.
"""

from __future__ import annotations

import csv
import io
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.app import App as Backoffice
from bot.cards import request_card
from bot.clock import TOKYO
from bot.i18n import t
from bot.models import Employee, Status
from bot.spreadsheet import formula_safe
from bot.store import audit_keys, records
from bot.store.db import Store
from bot.web import auth, links
from bot.web.access import Viewer, viewer_for
from bot.web.data import PAGES, Column, Ctx, Page, Table, audit_entries, read_filters
from bot.web.playground import rule_tables, run_trial

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
NAV = ("queue", "turnaround", "spend", "leave", "contracts", "questions", "rules", "playground")
MAX_FORM = 16 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Forbidden(Exception):
    pass


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A cell a spreadsheet would run as a formula is quoted as text; a negative number stays a number.
    return text if _is_number(text) else formula_safe(text)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def table_csv(table: Table, locale: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([t(c.label, locale) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(row.get(c.key)) for c in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM lets Excel read Japanese as UTF-8


async def read_form(request: Request) -> dict[str, str] | None:
    """An urlencoded form of at most MAX_FORM bytes as {name: first value}; None for anything else (too big, another
    content type, not UTF-8). Parsed here rather than by python-multipart: the dashboard's forms are all small."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM:
            return None
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=40)
    except (UnicodeDecodeError, ValueError):
        return None
    form: dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name, value)
    return form


def _secure_cookie(url: str | None) -> bool:
    return bool(url) and urlsplit(str(url)).scheme == "https"


class VerifiedChain:
    """`store.verify_audit()` reads the whole log and replays every request: seconds on a big database. It runs in
    a background thread; the page that starts a check waits for it a moment (enough for a small log), any other
    shows the last answer with its age, or that the check is under way. Once the log has grown it is checked
    again, but never sooner than ten times as long as the last check took (at most a tenth of a core), and at
    least every five minutes while pages are viewed."""

    WAIT_SECONDS = 0.3
    MAX_AGE_SECONDS = 300.0

    def __init__(self, backoffice: Backoffice) -> None:
        self.backoffice = backoffice
        self._lock = threading.Lock()
        self._seen: tuple[Any, ...] | None = None
        self._answer: Checked | None = None
        self._running: threading.Thread | None = None

    def _mark(self) -> tuple[Any, ...]:
        return tuple(self.backoffice.store.query("SELECT COUNT(*) AS n, MAX(id) AS last FROM audit_log")[0].values())

    def _reader(self) -> Store:
        """A connection of its own: verify_audit holds its store's lock for the whole check (one snapshot), and on
        the bot's own store that would stall every chat message meanwhile. WAL lets it read while the bot writes."""
        store = self.backoffice.store
        if store.path == ":memory:":
            return store
        found = audit_keys.locate(self.backoffice.settings)
        return Store(
            store.path,
            audit_keys=lambda: audit_keys.load_keys(found.secret, found.key_file),
            anchor_file=found.anchor_file,
        )

    def _check(self, mark: tuple[Any, ...]) -> None:
        started = time.monotonic()
        try:
            reader = self._reader()
            try:
                result = reader.verify_audit()
            finally:
                if reader is not self.backoffice.store:
                    reader.close()
            problem = "" if result.ok else (result.problems[0] if result.problems else result.problem)
            ok, entries = result.ok, result.entries
        except Exception as exc:  # the page says it could not be checked; the log says why
            log.error("audit chain check for the dashboard failed: %s", type(exc).__name__)
            ok, entries, problem = False, 0, type(exc).__name__
        now = time.monotonic()
        with self._lock:
            self._seen, self._running = mark, None
            self._answer = Checked(ok, entries, problem, now, now - started)

    def status(self) -> Checked | None:
        """The latest answer (None: the first check is still running)."""
        mark = self._mark()
        started: threading.Thread | None = None
        with self._lock:
            answer, now = self._answer, time.monotonic()
            due = (
                answer is None
                or (mark != self._seen and now - answer.at >= 10 * answer.took)
                or now - answer.at >= self.MAX_AGE_SECONDS
            )
            if due and self._running is None:
                started = self._running = threading.Thread(
                    target=self._check, args=(mark,), name="web-audit-check", daemon=True
                )
                started.start()
        if started is not None:
            started.join(self.WAIT_SECONDS)
            with self._lock:
                answer = self._answer
        return answer


@dataclass(frozen=True)
class Checked:
    ok: bool
    entries: int
    problem: str
    at: float  # time.monotonic() when the check ended
    took: float  # seconds it took


def build_web(backoffice: Backoffice, base_url: str | None = None, wall: auth.Wall = auth.WALL) -> Mount:
    """The /admin routes. `base_url` is where people reach this server (BACKOFFICE_WEB_URL, else the console
    demo's local address); links sent in chat point at it. `wall` is the real clock the links and sessions
    expire on."""
    settings = backoffice.settings
    services = backoffice.services
    store = backoffice.store
    base = (base_url or settings.web_url or "http://127.0.0.1:3000").rstrip("/")
    links.register(store, base)
    secret = settings.web_secret.get_secret_value() if settings.web_secret else None
    key = auth.load_key(secret, Path(settings.db).parent / auth.KEY_FILE_NAME)
    sessions = auth.Sessions(store, key, wall)
    secure = _secure_cookie(base)
    chain = VerifiedChain(backoffice)
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def locale_of(person: Employee | None) -> str:
        return services.locale_of(person)

    def roles_text(person: Employee, locale: str) -> str:
        shown = [t(f"role.{r}", locale) for r in person.roles if r != "employee"]
        return "・".join(shown) if shown else t("web.role.employee", locale)

    def render(
        name: str, locale: str, status: int = 200, person: Employee | None = None, csrf: str = "", **data: Any
    ) -> HTMLResponse:
        def tr(key: str, **kw: Any) -> str:
            return t(key, locale, **kw)

        html = env.get_template(name).render(
            t=tr, locale=locale, person=person, csrf=csrf, nav=NAV,
            roles=roles_text(person, locale) if person else "", **data,
        )  # fmt: skip
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def signed_in(request: Request) -> tuple[Viewer, auth.Session] | None:
        session = sessions.read(request.cookies.get(auth.COOKIE))
        if session is None:
            return None
        person = services.directory.get(session.employee_id)
        if person is None or not person.active:
            return None
        return viewer_for(person, services.directory), session

    def cross_site(request: Request) -> bool:
        # A browser says where a form came from; another site's form is refused before anything is read.
        return request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")

    def to_signin() -> RedirectResponse:
        return RedirectResponse("/admin/signin", status_code=303, headers=SECURITY_HEADERS)

    def forbidden(viewer: Viewer, session: auth.Session) -> HTMLResponse:
        locale = locale_of(viewer.person)
        return render("forbidden.html", locale, 403, viewer.person, session.csrf)

    Handler = Callable[[Request, Viewer, auth.Session], Awaitable[Response]]

    def guarded(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            who = await run_in_threadpool(signed_in, request)
            if who is None:
                return to_signin()
            try:
                return await handler(request, *who)
            except Forbidden:
                return forbidden(*who)

        return endpoint

    # -- signing in and out ------------------------------------------------------------------------------------

    async def root(request: Request) -> Response:
        who = await run_in_threadpool(signed_in, request)
        return RedirectResponse("/admin/queue" if who else "/admin/signin", status_code=303)

    async def signin(request: Request) -> Response:
        locale = settings.locale
        return render("signin.html", locale, done=request.query_params.get("out") == "1")

    async def confirm(request: Request) -> Response:
        # Opening the link changes nothing: a chat's link preview fetching it must not use it up. The button posts.
        token = str(request.path_params["token"])[:100]
        return render("confirm.html", await run_in_threadpool(link_locale, token), token=token)

    def link_locale(token: str) -> str:
        owner = auth.link_owner(store, token)
        return locale_of(services.directory.get(owner) if owner else None)

    def audit_sign(employee_id: str, action: str) -> None:
        # Who opened the dashboard and when is part of the record, like every decision (no secret in the entry).
        with store.tx():
            store.audit(services.now_iso(), employee_id, action, None, {})

    async def login(request: Request) -> Response:
        if cross_site(request):
            return render("refused.html", settings.locale, 403, reason="unknown")
        form = await read_form(request) or {}
        token = form.get("token", "")
        locale = await run_in_threadpool(link_locale, token)
        try:
            employee_id = await run_in_threadpool(auth.redeem_link, store, token, wall())
        except auth.LinkRefused as refused:
            log.info("sign-in link refused: %s", refused.reason)
            return render("refused.html", locale, 403, reason=refused.reason)
        person = services.directory.get(employee_id)
        if person is None or not person.active:
            return render("refused.html", locale, 403, reason="unknown")
        session = await run_in_threadpool(sessions.start, person.id)
        await run_in_threadpool(audit_sign, person.id, "web.signed_in")
        response = RedirectResponse("/admin/queue", status_code=303, headers=SECURITY_HEADERS)
        response.set_cookie(
            auth.COOKIE, session.cookie, max_age=auth.SESSION_SECONDS, path="/admin", httponly=True, secure=secure,
            samesite="strict",
        )  # fmt: skip
        return response

    async def logout(request: Request, viewer: Viewer, session: auth.Session) -> Response:
        form = await read_form(request) or {}
        if cross_site(request) or not sessions.csrf_ok(session, form.get("csrf")):
            return render("csrf.html", locale_of(viewer.person), 403, viewer.person, session.csrf)
        await run_in_threadpool(sessions.end, session)
        await run_in_threadpool(audit_sign, viewer.person.id, "web.signed_out")
        response = RedirectResponse("/admin/signin?out=1", status_code=303, headers=SECURITY_HEADERS)
        response.delete_cookie(auth.COOKIE, path="/admin", httponly=True, secure=secure, samesite="strict")
        return response

    # -- pages -------------------------------------------------------------------------------------------------

    def ctx_for(request: Request, viewer: Viewer) -> Ctx:
        filters = read_filters(request.query_params, services)
        return Ctx(services, viewer, locale_of(viewer.person), filters, services.clock.now().astimezone(TOKYO))

    def choices(ctx: Ctx) -> dict[str, list[tuple[str, str]]]:
        people = [e for e in services.directory if e.active]
        if not ctx.viewer.is_admin and not ctx.viewer.kinds and not ctx.viewer.sees_everyone_leave:
            people = [e for e in people if e.id in ctx.viewer.people]
        teams = sorted({e.team for e in people if e.team})
        return {
            "kind": [(k, ctx.t(f"web.kind.{k}")) for k in ("expense", "leave", "contract")],
            "person": [(e.id, e.name(ctx.locale)) for e in people],
            "approver": [(e.id, e.name(ctx.locale)) for e in people],
            "team": [(team, team) for team in teams],
            "status": [(s.value, ctx.t(f"status.{s.value}")) for s in Status],
        }

    def page_view(name: str) -> Handler:
        async def view(request: Request, viewer: Viewer, session: auth.Session) -> Response:
            ctx = ctx_for(request, viewer)
            page: Page = await run_in_threadpool(PAGES[name], ctx)
            rules = services.rules.routing
            return render(
                "page.html", ctx.locale, 200, viewer.person, session.csrf, page=page, current=name, ctx=ctx,
                filters=ctx.filters, choices=choices(ctx), query=urlencode(ctx.filters.query()),
                first=f"{rules.reminders.first_after_working_hours:g}", due=rules.decision_due_working_days,
            )  # fmt: skip

        return view

    def page_csv(name: str) -> Handler:
        async def download(request: Request, viewer: Viewer, session: auth.Session) -> Response:
            ctx = ctx_for(request, viewer)
            page: Page = await run_in_threadpool(PAGES[name], ctx)
            table = page.table(str(request.query_params.get("table") or ""))
            if table is None:
                return render("not_found.html", ctx.locale, 404, viewer.person, session.csrf)
            return _csv_response(table, ctx.locale, f"{name}-{table.name}.csv")

        return download

    def _csv_response(table: Table, locale: str, filename: str) -> Response:
        headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'}
        return Response(table_csv(table, locale), media_type="text/csv; charset=utf-8", headers=headers)

    def visible_request(viewer: Viewer, request_id: int) -> Any:
        req = records.get_request(store, request_id)
        if req is None:
            # Only an admin learns that a number does not exist; anyone else gets the same 403 either way.
            if viewer.is_admin:
                return None
            raise Forbidden
        steps = records.get_steps(store, request_id)
        approvers = {p for s in steps for p in (s.approver_id, s.acted_by, s.original_approver_id) if p}
        if not viewer.may_see(req, approvers):
            raise Forbidden
        return req, steps

    async def request_page(request: Request, viewer: Viewer, session: auth.Session) -> Response:
        locale = locale_of(viewer.person)
        request_id = int(request.path_params["id"])
        found = await run_in_threadpool(visible_request, viewer, request_id)
        if found is None:
            return render("not_found.html", locale, 404, viewer.person, session.csrf)
        req, steps = found
        ctx = ctx_for(request, viewer)

        def build() -> dict[str, Any]:
            card = request_card(req, services, locale, viewer.person)
            checked = chain.status()
            step_rows = [
                {"seq": s.seq, "role": t(f"role.{s.role}", locale), "approver": ctx.name(s.approver_id),
                 "status": t(f"step.{s.status}", locale), "via": s.via, "by": ctx.name(s.acted_by),
                 "at": (s.acted_at or "")[:16].replace("T", " "), "comment": s.comment or "",
                 "rule_ids": ", ".join(s.rule_ids)}
                for s in steps
            ]  # fmt: skip
            return {
                "req": req, "card": card, "checked": checked,
                "checked_ago": int(time.monotonic() - checked.at) if checked else 0,
                "key_id": store.audit_key_id, "audit": audit_entries(ctx, request_id),
                "steps": Table("steps", "web.request.steps", [
                    Column("seq", "web.col.seq", True), Column("role", "web.col.role"),
                    Column("approver", "web.col.approver"), Column("status", "web.col.status"),
                    Column("via", "web.col.via"), Column("by", "web.col.by"), Column("at", "web.col.at"),
                    Column("comment", "web.col.comment"), Column("rule_ids", "web.col.rule_ids"),
                ], step_rows),
            }  # fmt: skip

        data = await run_in_threadpool(build)
        return render("request.html", locale, 200, viewer.person, session.csrf, current="", **data)

    async def request_csv(request: Request, viewer: Viewer, session: auth.Session) -> Response:
        request_id = int(request.path_params["id"])
        found = await run_in_threadpool(visible_request, viewer, request_id)
        locale = locale_of(viewer.person)
        if found is None:
            return render("not_found.html", locale, 404, viewer.person, session.csrf)
        table = await run_in_threadpool(audit_entries, ctx_for(request, viewer), request_id)
        return _csv_response(table, locale, f"request-{request_id}-audit.csv")

    async def rules_page(request: Request, viewer: Viewer, session: auth.Session) -> Response:
        locale = locale_of(viewer.person)
        tables = await run_in_threadpool(rule_tables, services.rules)
        return render(
            "rules.html", locale, 200, viewer.person, session.csrf, tables=tables, current="rules",
            version=services.rules.version,
        )  # fmt: skip

    async def rules_csv(request: Request, viewer: Viewer, session: auth.Session) -> Response:
        locale = locale_of(viewer.person)
        tables = await run_in_threadpool(rule_tables, services.rules)
        name = str(request.query_params.get("table") or "")
        table = next((tb for tb in tables if tb.name == name), None)
        if table is None:
            return render("not_found.html", locale, 404, viewer.person, session.csrf)
        return _csv_response(table, locale, f"rules-{table.name}.csv")

    async def playground(request: Request, viewer: Viewer, session: auth.Session) -> Response:
        locale = locale_of(viewer.person)
        trial = None
        if request.method == "POST":
            form = await read_form(request) or {}
            if cross_site(request) or not sessions.csrf_ok(session, form.get("csrf")):
                return render("csrf.html", locale, 403, viewer.person, session.csrf)
            trial = await run_in_threadpool(run_trial, services, viewer.person, form, locale)
        return render(
            "playground.html", locale, 200, viewer.person, session.csrf, trial=trial, current="playground",
            categories=services.rules.expenses.categories, today=services.today().isoformat(),
            version=services.rules.version,
        )  # fmt: skip

    routes: list[BaseRoute] = [
        Route("/", root, methods=["GET"]),
        Route("/signin", signin, methods=["GET"]),
        Route("/login/{token}", confirm, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", guarded(logout), methods=["POST"]),
        Route("/requests/{id:int}", guarded(request_page), methods=["GET"]),
        Route("/requests/{id:int}/audit.csv", guarded(request_csv), methods=["GET"]),
        Route("/rules", guarded(rules_page), methods=["GET"]),
        Route("/rules.csv", guarded(rules_csv), methods=["GET"]),
        Route("/playground", guarded(playground), methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    for name in PAGES:
        routes.append(Route(f"/{name}.csv", guarded(page_csv(name)), methods=["GET"]))
        routes.append(Route(f"/{name}", guarded(page_view(name)), methods=["GET"]))
    return Mount("/admin", routes=routes)
