"""The dashboard's pages as HTML, without a browser: the queue's colours against routing.yaml, each domain role
seeing its whole domain and nobody else's, the audit chain's status on a request page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console as RichConsole
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.console import ConsoleChat
from bot.models import ExpenseClaim
from bot.server import build_server
from bot.web import auth
from bot.web.app import build_web, table_csv
from bot.web.data import Column, Table
from tests.loopback import wait_until
from tests.web_helpers import seed

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"https?://[^\s\]]+/admin/login/[A-Za-z0-9_\-]+")


class Dashboard:
    def __init__(self, folder: Path) -> None:
        settings = Settings(db=folder / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=folder / "f",
                            web_url="http://testserver")  # fmt: skip
        self.clock = FixedClock("2026-11-24T10:00")
        self.app: App = build_app(settings, self.clock)
        self.web = Starlette(routes=[build_web(self.app)])

    def as_(self, employee_id: str) -> TestClient:
        client = TestClient(self.web, base_url="http://testserver")
        token = auth.issue_link(self.app.store, employee_id, time.time())
        assert client.post("/admin/login", data={"token": token}, follow_redirects=False).status_code == 303
        return client


@pytest.fixture
def dash(tmp_path: Path) -> Iterator[Dashboard]:
    d = Dashboard(tmp_path)
    yield d
    d.app.close()


def rows(html: str, table: str) -> list[tuple[str, list[str]]]:
    """(row class, cell texts) of a table on the page."""
    body = re.search(rf'<table data-table="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, f"no table {table}"
    out = []
    for tr in re.finditer(r"<tr(?: class=\"([^\"]*)\")?>(.*?)</tr>", body.group(1), re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr.group(2), re.S)]
        out.append((tr.group(1) or "", cells))
    return out


def test_queue_colours_follow_the_reminder_and_escalation_times_of_routing_yaml(dash: Dashboard) -> None:
    wf, people = dash.app.services.workflow, dash.app.directory
    lunch = ExpenseClaim(Decimal(2400), dt.date(2026, 11, 2), "meeting", description="打ち合わせ 弁当")
    # Waiting since: 13 Nov (long past 3 working days), Fri 20 Nov 10:00 (8 working hours: reminded; due the 26th,
    # the 23rd being a holiday), and today 09:30 (half an hour).
    for at, who in (("2026-11-13T10:00", "e007"), ("2026-11-20T10:00", "e009"), ("2026-11-24T09:30", "e010")):
        dash.clock.set(at)
        assert wf.submit(people.require(who), lunch).ok
    dash.clock.set("2026-11-24T10:00")
    html = dash.as_("e006").get("/admin/queue").text
    states = {cells[2]: (css, cells[7]) for css, cells in rows(html, "steps")}
    assert states == {
        "渡辺 翔太": ("q-overdue", "期限超過"),
        "中村 結衣": ("q-reminded", "督促済み"),
        "小林 蓮": ("q-fresh", "期限内"),
    }
    assert "営業時間で4時間待つと督促、3営業日を過ぎると期限超過" in html
    holders = rows(html, "holders")
    assert holders == [("", ["伊藤 大輔", "3", "1", "1", "1"])]


def test_domain_roles_see_their_whole_domain_and_an_employee_only_theirs(dash: Dashboard) -> None:
    seed(dash.app, dash.clock, 120)
    store = dash.app.store
    approved = store.query(
        "SELECT COUNT(*) AS n FROM requests WHERE kind = 'expense' AND status = 'approved'"
    )[0]["n"]  # fmt: skip
    finance = dash.as_("e003").get("/admin/spend").text
    assert re.search(rf"<dt>件数</dt><dd>{approved}</dd>", finance)
    hr = dash.as_("e004").get("/admin/leave").text
    assert len(rows(hr, "balances")) == len([e for e in dash.app.directory if e.active])
    employee = dash.as_("e010").get("/admin/leave").text
    assert [cells[0] for _, cells in rows(employee, "balances")] == ["小林 蓮"]
    in_review = store.query("SELECT COUNT(*) AS n FROM requests WHERE kind = 'contract' AND status = 'pending'")[0]
    legal = dash.as_("e005").get("/admin/contracts").text
    assert len(rows(legal, "review")) == in_review["n"] > 0
    # HR is not finance: no claim of someone outside HR's own scope counts on HR's spend page.
    hr_spend = dash.as_("e004").get("/admin/spend").text
    own = store.query(
        "SELECT COUNT(*) AS n FROM requests WHERE kind = 'expense' AND status = 'approved' AND (requester_id = 'e004' "
        "OR id IN (SELECT request_id FROM approval_steps WHERE 'e004' IN (approver_id, acted_by)))"
    )[0]["n"]
    assert re.search(rf"<dt>件数</dt><dd>{own}</dd>", hr_spend) and own < approved


def test_a_request_page_says_when_the_audit_chain_does_not_verify(dash: Dashboard) -> None:
    wf = dash.app.services.workflow
    lunch = ExpenseClaim(Decimal(2400), dt.date(2026, 11, 20), "meeting", description="打ち合わせ 弁当")
    assert wf.submit(dash.app.directory.require("e007"), lunch).ok
    client = dash.as_("e001")
    assert "監査ログの連鎖は正常です" in client.get("/admin/requests/1").text
    with dash.app.store.tx() as db:  # someone edits the table behind the bot's back
        db.execute("UPDATE requests SET details = json_set(details, '$.amount', 240000) WHERE id = 1")
    with dash.app.store.tx():
        # A new entry makes the dashboard check again.
        dash.app.store.audit(dash.app.services.now_iso(), "e001", "test.touch", None, {})
    # Checked again in the background once the log has grown (soon, on a log this small).
    wait_until(lambda: "監査ログの連鎖に問題があります" in client.get("/admin/requests/1").text, timeout=5)


def test_questions_handed_over_show_to_their_team_and_the_asker_only(dash: Dashboard) -> None:
    from tests.web_helpers import add_questions

    add_questions(dash.app)
    finance = rows(dash.as_("e003").get("/admin/questions").text, "unanswered")
    assert [cells[1] for _, cells in finance] == ["渡辺 翔太"]
    asker = rows(dash.as_("e008").get("/admin/questions").text, "unanswered")
    assert [cells[2] for _, cells in asker] == ["HR"]  # Emily reads it in English
    admin = dash.as_("e001").get("/admin/questions").text
    assert len(rows(admin, "unanswered")) == 3 and len(rows(admin, "faq")) == 1


def test_the_session_cookie_is_secure_when_the_dashboard_is_served_over_https(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=tmp_path / "f",
                        web_url="https://backoffice.example.co.jp")  # fmt: skip
    app = build_app(settings, FixedClock("2026-11-24T10:00"))
    try:
        client = TestClient(Starlette(routes=[build_web(app)]), base_url="https://backoffice.example.co.jp")
        token = auth.issue_link(app.store, "e007", time.time())
        answer = client.post("/admin/login", data={"token": token}, follow_redirects=False)
        assert answer.status_code == 303 and "Secure" in answer.headers["set-cookie"]
    finally:
        app.close()


def test_the_dashboard_is_off_without_its_address_and_login_says_so(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=tmp_path / "f")
    app = build_app(settings, FixedClock("2026-11-24T10:00"))
    try:
        client = TestClient(build_server(app, None, None))
        assert client.get("/admin/queue", follow_redirects=False).status_code == 404
        out = io.StringIO()
        ConsoleChat(app, app.directory.require("e008"), stdin=io.StringIO("/login\n/quit\n"),
                    out=RichConsole(file=out, width=300)).run()  # fmt: skip
        assert "The dashboard is not turned on. Ask an admin to set BACKOFFICE_WEB_URL." in out.getvalue()
        assert not LINK.search(out.getvalue())
    finally:
        app.close()


def test_the_csv_quotes_cells_a_spreadsheet_would_run() -> None:
    table = Table("t", "web.col.vendor", [Column("vendor", "web.col.vendor"), Column("n", "web.col.count", True)],
                  [{"vendor": "=HYPERLINK(\"http://x\")", "n": -3}, {"vendor": "@SUM(A1)", "n": 4}])  # fmt: skip
    cells = list(csv.reader(io.StringIO(table_csv(table, "en").decode("utf-8-sig"))))
    assert cells == [["Vendor", "Count"], ['\'=HYPERLINK("http://x")', "-3"], ["'@SUM(A1)", "4"]]
