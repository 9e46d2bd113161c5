"""The dashboard in a real headless Chromium (Debian's, through Playwright) against the real server on loopback.

One browser for the module, a fresh context (cookie jar) per person. Screenshots of every page as every role go
to $BACKOFFICE_WEB_ARTIFACTS, else to `web-screenshots/` under pytest's temporary folder (--basetemp).
Skipped, saying why, only when no Chromium can be launched.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from rich.console import Console as RichConsole

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.console import ConsoleChat
from bot.server import build_server
from bot.web import auth, links
from bot.web.serve import serve_in_background
from tests.loopback import free_port, wait_until
from tests.web_helpers import seed

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("BACKOFFICE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
LINK = re.compile(r"https?://[^\s\]]+/admin/login/[A-Za-z0-9_\-]+")
ROLES = {"employee": "e007", "manager": "e006", "finance": "e003", "hr": "e004", "legal": "e005", "admin": "e001"}
PAGES = ("queue", "turnaround", "spend", "leave", "contracts", "questions", "rules", "playground")

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (dev extra)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk) — browser tests skipped")
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                                  args=ARGS, headless=True)  # fmt: skip
        except Exception as exc:  # the binary is there but cannot start (no libraries, no /dev/shm…)
            pytest.skip(f"Chromium would not start: {str(exc).splitlines()[0][:200]}")
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("BACKOFFICE_WEB_ARTIFACTS") or tmp_path_factory.getbasetemp() / "web-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Site:
    """The whole bot with some history, served by bot.server (the dashboard mounted because BACKOFFICE_WEB_URL is
    set) on a loopback port; `shift` moves the real clock links and sessions expire on."""

    def __init__(self, folder: Path, count: int = 240) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.shift = 0.0
        settings = Settings(db=folder / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=folder / "f",
                            web_url=self.url)  # fmt: skip
        self.clock = FixedClock("2026-11-24T10:00")
        self.app: App = build_app(settings, self.clock)
        seed(self.app, self.clock, count)
        self.server = uvicorn.Server(uvicorn.Config(
            build_server(self.app, None, None, wall=lambda: time.time() + self.shift), host="127.0.0.1",
            port=self.port, log_level="warning",
        ))  # fmt: skip
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        wait_until(lambda: self.server.started)

    def link_for(self, employee_id: str) -> str:
        """A link as /login would send it (the chat half is tested on the console and on Slack below)."""
        token = auth.issue_link(self.app.store, employee_id, time.time() + self.shift)
        return links.login_url(self.url, token)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)
        self.app.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    s = Site(tmp_path_factory.mktemp("web"))
    yield s
    s.close()


def sign_in(browser: Any, link: str) -> Any:
    """A new browser context (its own cookies) signed in by opening `link` and pressing the button."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(link)
    page.click("#sign-in")
    page.wait_for_load_state()
    return page


def text_of(page: Any) -> str:
    return str(page.inner_text("main"))


def table_rows(page: Any, name: str) -> list[list[str]]:
    return [
        [c.strip() for c in row.split("\t")]
        for row in page.eval_on_selector_all(
            f'table[data-table="{name}"] tbody tr', "rows => rows.map(r => r.innerText)"
        )
    ]


# -- sign-in from chat ---------------------------------------------------------------------------------------


def test_a_link_received_on_the_console_signs_in_and_the_word_alone_asks_for_it(
    browser: Any, tmp_path: Path, shots: Path
) -> None:
    settings = Settings(db=tmp_path / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=tmp_path / "f")
    app = build_app(settings, FixedClock("2026-11-24T10:00"))
    port = free_port()
    stop = serve_in_background(app, port=port)  # the console demo's dashboard: no webhook server around it
    assert stop is not None
    try:
        out = io.StringIO()
        lines = io.StringIO("/login\nダッシュボード\n/quit\n")
        ConsoleChat(app, app.directory.require("e007"), stdin=lines, out=RichConsole(file=out, width=300)).run()
        said = out.getvalue()
        assert "ダイレクトメッセージでお送りしました(10分間・1回限り有効)" in said
        found = LINK.findall(said)
        assert len(found) == 2 and all(u.startswith(f"http://127.0.0.1:{port}/admin/login/") for u in found)
        page = sign_in(browser, found[1])
        assert page.url.endswith("/admin/queue")
        assert "渡辺 翔太" in page.inner_text("header") and "承認待ちの一覧" in text_of(page)
        page.screenshot(path=str(shots / "console-sign-in.png"), full_page=True)
        # The token is kept only as its hash.
        stored = app.store.query("SELECT token_hash FROM web_links")
        assert stored and all(found[1].rsplit("/", 1)[1] not in row["token_hash"] for row in stored)
        page.context.close()
    finally:
        stop()
        app.close()


def test_a_link_asked_for_on_slack_comes_in_the_direct_message_not_the_channel(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_slack import WATANABE, Env

    # Any address turns the dashboard on; Env then serves on a port of its own, which the links must name.
    monkeypatch.setenv("BACKOFFICE_WEB_URL", "http://127.0.0.1:1")
    env = Env(tmp_path)
    links.register(env.app.store, f"http://127.0.0.1:{env.port}")
    try:
        assert env.command("/backoffice", "login", user=WATANABE).status_code == 200
        answer = env.fake.wait_for("webhook", 2)[1]
        assert "ダイレクトメッセージでお送りしました" in answer["text"] and "/admin/login/" not in str(answer)

        def dm() -> list[dict[str, Any]]:
            return [m for m in env.fake.of("chat.postMessage") if LINK.search(m.get("text") or "")]

        wait_until(lambda: bool(dm()))
        message = dm()[0]
        # The direct chat with Watanabe (the fake's D + user number), never the channel the command came from.
        assert message["channel"] == "D0000000007" and len(dm()) == 1
        page = sign_in(browser, LINK.findall(message["text"])[0])
        assert page.url.endswith("/admin/queue") and "渡辺 翔太" in page.inner_text("header")
        page.context.close()
    finally:
        env.close()


def test_a_forged_an_expired_and_a_used_link_are_refused(browser: Any, site: Site) -> None:
    context = browser.new_context()
    page = context.new_page()
    forged = f"{site.url}/admin/login/{'A' * 43}"
    page.goto(forged)
    page.click("#sign-in")
    assert "リンクが正しくありません" in text_of(page) and page.url.endswith("/admin/login")

    link = site.link_for("e007")
    site.shift = auth.LINK_SECONDS + 60  # eleven minutes later
    try:
        page.goto(link)
        page.click("#sign-in")
        assert "有効期限(10分)が切れています" in text_of(page)
    finally:
        site.shift = 0.0

    link = site.link_for("e007")
    first = sign_in(browser, link)
    assert first.url.endswith("/admin/queue")
    page.goto(link)
    page.click("#sign-in")
    assert "使用済み" in text_of(page)
    # None of the refused attempts left a session behind.
    assert page.context.cookies() == [] or all(c["name"] != auth.COOKIE for c in page.context.cookies())
    page.goto(f"{site.url}/admin/queue")
    assert page.url.endswith("/admin/signin")
    first.context.close()
    context.close()


def test_opening_a_link_does_not_use_it_up_so_a_chat_preview_cannot_burn_it(site: Site) -> None:
    link = site.link_for("e007")
    with httpx.Client() as http:
        assert http.get(link).status_code == 200  # what a link preview fetches
        token = link.rsplit("/", 1)[1]
        answer = http.post(f"{site.url}/admin/login", data={"token": token})
        assert answer.status_code == 303 and answer.headers["location"] == "/admin/queue"
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/admin" in cookie
        assert "Secure" not in cookie  # served over plain http on loopback; https below


def test_signing_out_ends_the_session_on_the_server(browser: Any, site: Site) -> None:
    page = sign_in(browser, site.link_for("e006"))
    kept = [c for c in page.context.cookies() if c["name"] == auth.COOKIE]
    assert kept and kept[0]["httpOnly"] and kept[0]["sameSite"] == "Strict"
    page.click("form.signout button")
    assert page.url.endswith("/admin/signin?out=1") and "サインアウトしました" in text_of(page)
    # The old cookie, put back by hand, no longer opens anything.
    page.context.add_cookies(kept)
    page.goto(f"{site.url}/admin/queue")
    assert page.url.endswith("/admin/signin")
    page.context.close()
    # Both ends of the visit are in the audit log, under the person's name.
    logged = site.app.store.query("SELECT actor, action FROM audit_log WHERE action LIKE 'web.%' ORDER BY id")
    assert ("e006", "web.signed_in") in [(r["actor"], r["action"]) for r in logged]
    assert logged[-1]["actor"] == "e006" and logged[-1]["action"] == "web.signed_out"
    assert site.app.store.verify_audit().ok


# -- what each role sees ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(ROLES))
def test_each_page_as_each_role(browser: Any, site: Site, shots: Path, role: str) -> None:
    person = site.app.directory.require(ROLES[role])
    page = sign_in(browser, site.link_for(person.id))
    for name in PAGES:
        page.goto(f"{site.url}/admin/{name}")
        assert page.locator("h1").count() == 1, name
        assert "Traceback" not in page.content()
        page.screenshot(path=str(shots / f"{role}-{name}.png"), full_page=True)
    # The queue shows only requests the person may open: each link opens (no 403) and names someone in scope.
    page.goto(f"{site.url}/admin/queue")
    hrefs = page.eval_on_selector_all('table[data-table="steps"] a', "links => links.map(a => a.href)")
    for n, href in enumerate(hrefs[:5]):
        assert page.goto(href).status == 200
        if n == 0:
            page.screenshot(path=str(shots / f"{role}-request.png"), full_page=True)
    page.context.close()


def test_an_employee_sees_only_their_own_and_a_manager_their_team(browser: Any, site: Site) -> None:
    app = site.app
    page = sign_in(browser, site.link_for("e007"))
    page.goto(f"{site.url}/admin/queue")
    requesters = {row[2] for row in table_rows(page, "steps")}
    # Their own, and those they approve (e007 stands in for their manager while he is away).
    approves = app.store.query(
        "SELECT DISTINCT r.requester_id FROM requests r JOIN approval_steps s ON s.request_id = r.id "
        "WHERE 'e007' IN (s.approver_id, s.acted_by)"
    )
    allowed = {app.directory.require(i).name("ja") for i in ["e007", *(r["requester_id"] for r in approves)]}
    assert app.directory.require("e007").name("ja") in requesters and requesters <= allowed
    assert app.directory.require("e013").name("ja") not in allowed
    page.goto(f"{site.url}/admin/spend")
    mine = app.store.query(
        "SELECT COUNT(*) AS n, SUM(json_extract(details, '$.amount')) AS yen FROM requests r WHERE kind = 'expense' "
        "AND status = 'approved' AND (requester_id = 'e007' OR id IN "
        "(SELECT request_id FROM approval_steps WHERE 'e007' IN (approver_id, acted_by)))"
    )[0]
    summary = page.inner_text("dl.summary").split("\n")
    assert summary == ["合計", f"¥{mine['yen']:,}", "件数", str(mine["n"])]
    page.context.close()

    manager = sign_in(browser, site.link_for("e006"))
    manager.goto(f"{site.url}/admin/queue")
    team = {app.directory.require(i).name("ja") for i in ("e006", "e007", "e008", "e009", "e010")}
    seen = {row[2] for row in table_rows(manager, "steps")}
    assert seen and seen <= team | {app.directory.require("e006").name("ja")}
    manager.context.close()


def test_an_employee_who_edits_the_url_to_someone_elses_request_or_download_gets_403(
    browser: Any, site: Site, shots: Path
) -> None:
    app = site.app
    theirs = app.store.query("SELECT id FROM requests WHERE requester_id = 'e013' ORDER BY id LIMIT 1")[0]["id"]
    mine = app.store.query("SELECT id FROM requests WHERE requester_id = 'e007' ORDER BY id LIMIT 1")[0]["id"]
    page = sign_in(browser, site.link_for("e007"))
    assert page.goto(f"{site.url}/admin/requests/{mine}").status == 200
    answer = page.goto(f"{site.url}/admin/requests/{theirs}")
    assert answer.status == 403 and "この画面を見る権限がありません" in text_of(page)
    page.screenshot(path=str(shots / "employee-403.png"))
    assert page.goto(f"{site.url}/admin/requests/999999").status == 403  # no telling what exists
    download = page.request.get(f"{site.url}/admin/requests/{theirs}/audit.csv")
    assert download.status == 403 and "text/csv" not in download.headers.get("content-type", "")
    assert page.request.get(f"{site.url}/admin/requests/{mine}/audit.csv").status == 200
    page.context.close()
    # Signed out, the same download is a redirect to the sign-in page, never the file.
    with httpx.Client() as http:
        answer = http.get(f"{site.url}/admin/requests/{mine}/audit.csv")
        assert answer.status_code == 303 and answer.headers["location"] == "/admin/signin"


def test_a_request_page_shows_fields_findings_steps_audit_entries_and_the_chain(browser: Any, site: Site) -> None:
    app = site.app
    row = app.store.query(
        "SELECT r.id FROM requests r JOIN approval_steps s ON s.request_id = r.id WHERE r.kind = 'expense' "
        "AND s.status = 'approved' AND r.decision LIKE '%E3%' ORDER BY r.id LIMIT 1"
    )[0]
    page = sign_in(browser, site.link_for("e001"))
    page.goto(f"{site.url}/admin/requests/{row['id']}")
    body = text_of(page)
    assert f"経費精算 #{row['id']}" in body and "監査ログの連鎖は正常です" in body
    assert any(r[0] == "E3" for r in table_rows(page, "findings"))
    actions = [r[3] for r in table_rows(page, "audit")]
    assert actions[0] == "request.submitted" and len(actions) >= 2
    assert table_rows(page, "steps")[0][3] == "承認"
    page.context.close()


def test_a_form_without_its_csrf_token_is_refused(browser: Any, site: Site) -> None:
    page = sign_in(browser, site.link_for("e007"))
    page.goto(f"{site.url}/admin/playground")
    page.eval_on_selector_all('#expense-form input[name="csrf"]', "inputs => inputs.forEach(i => i.remove())")
    page.fill('#expense-form input[name="amount"]', "5000")
    with page.expect_navigation():
        page.click('#expense-form button[type="submit"]')
    assert "フォームの確認トークンがないか、正しくありません" in text_of(page)
    # Sign-out without the token is refused too, and the session stays.
    answer = page.request.post(f"{site.url}/admin/logout", form={"csrf": "wrong"})
    assert answer.status == 403
    assert page.goto(f"{site.url}/admin/queue").status == 200 and page.url.endswith("/admin/queue")
    page.context.close()


def test_the_playground_runs_the_rules_and_stores_nothing(browser: Any, site: Site, shots: Path) -> None:
    def snapshot() -> list[str]:
        # A connection of its own, reading what is committed in the file.
        with contextlib.closing(sqlite3.connect(site.app.store.path)) as conn:
            return list(conn.iterdump())

    page = sign_in(browser, site.link_for("e007"))
    before = snapshot()
    page.goto(f"{site.url}/admin/playground")
    page.fill('#expense-form input[name="amount"]', "45000")
    page.select_option('#expense-form select[name="category"]', "entertainment")
    page.fill('#expense-form input[name="attendees"]', "2")
    page.check('#expense-form input[name="receipt"]')
    page.click('#expense-form button[type="submit"]')
    rules = [r[0] for r in table_rows(page, "findings")]
    assert "E3" in rules and "E4" in rules  # no registration number at ¥30,000+; ¥22,500 a head
    chain = table_rows(page, "chain")
    assert [r[1] for r in chain][:2] == ["上長", "経理"] and chain[0][2] == "伊藤 大輔"
    page.screenshot(path=str(shots / "playground-expense.png"), full_page=True)
    page.select_option('#leave-form select[name="leave_type"]', "annual")
    page.fill('#leave-form input[name="start"]', "2026-12-07")
    page.fill('#leave-form input[name="end"]', "2026-12-08")
    page.click('#leave-form button[type="submit"]')
    assert "結果:" in text_of(page)
    page.fill('#expense-form input[name="amount"]', "abc")
    page.click('#expense-form button[type="submit"]')
    assert "金額は1以上の整数で入力してください" in text_of(page)
    # Not a request, a step, an audit entry or a ledger line: the database is as it was, byte for byte.
    assert snapshot() == before
    page.context.close()


def test_filters_narrow_a_table_and_its_csv_has_the_same_rows(browser: Any, site: Site) -> None:
    app = site.app
    page = sign_in(browser, site.link_for("e001"))
    approver = app.store.query(
        "SELECT approver_id, COUNT(*) AS n FROM approval_steps WHERE status = 'pending' GROUP BY approver_id "
        "ORDER BY n DESC LIMIT 1"
    )[0]
    page.goto(f"{site.url}/admin/queue")
    page.select_option('select[name="approver"]', approver["approver_id"])
    page.click("form.filters button")
    rows = table_rows(page, "steps")
    name = app.directory.require(approver["approver_id"]).name("ja")
    assert rows and {r[3] for r in rows} == {name}
    with page.expect_download() as info:
        page.click("#table-steps .csv a")
    data = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(data)))
    assert lines[0][:3] == ["申請", "種類", "申請者"] and len(lines) - 1 == len(rows)
    assert {line[3] for line in lines[1:]} == {name}
    # A filter value that is not one is said, not obeyed.
    page.goto(f"{site.url}/admin/spend?since=2026-13&team=<script>")
    assert "読み取れなかったため無視しました" in text_of(page) and "<script>" not in page.inner_text("form.filters")
    page.context.close()


def test_every_table_offers_its_csv_download_with_the_rows_it_counts(site: Site) -> None:
    with httpx.Client(base_url=site.url) as http:
        token = site.link_for("e001").rsplit("/", 1)[1]
        http.post("/admin/login", data={"token": token})
        for name in ("queue", "turnaround", "spend", "leave", "contracts", "questions", "rules"):
            html = http.get(f"/admin/{name}").text
            tables = re.findall(r'data-table="([a-z_\-]+)"', html)
            csvs = re.findall(r'href="(/admin/[^"]+\.csv\?[^"]*)"', html)
            assert len(csvs) >= len(tables) and csvs, name
            for url in csvs:
                answer = http.get(url.replace("&amp;", "&"))
                assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv"), url
                assert answer.content.startswith(b"\xef\xbb\xbf")


def test_pages_follow_the_persons_locale(browser: Any, site: Site, shots: Path) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.link_for("e008"))  # Emily Clark reads the bot in English, from the sign-in page on
    assert "Sign in with this link." in text_of(page)
    page.click("#sign-in")
    assert "What waits for a decision" in text_of(page)
    page.goto(f"{site.url}/admin/leave")
    assert "Annual leave balances" in text_of(page) and "The five-day duty" in text_of(page)
    page.screenshot(path=str(shots / "english-leave.png"), full_page=True)
    page.context.close()


def test_rules_page_shows_each_rule_file_with_the_rule_set_version(browser: Any, site: Site) -> None:
    page = sign_in(browser, site.link_for("e007"))
    page.goto(f"{site.url}/admin/rules")
    body = text_of(page)
    assert f"ルールセットのバージョン: {site.app.rules.version}" in body
    for file in ("expenses.yaml", "leave.yaml", "routing.yaml", "contracts.yaml", "calendar.yaml"):
        assert file in body
    keys = {r[0]: r[1] for r in table_rows(page, "routing")}
    assert keys["decision_due_working_days"] == "3" and keys["chain_order"] == "manager, finance, hr, legal, ceo"
    page.context.close()
