"""The leave calendar feed as a subscriber sees it: a secret URL per team, fetched over real HTTP from the ASGI
server on loopback, the body read back with the `icalendar` parser."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest
import uvicorn

from bot import ical
from bot.app import App, build_app
from bot.cli import main
from bot.clock import FixedClock
from bot.config import Settings
from bot.models import LeaveRequest, Request, Status
from bot.rules.schema import BusinessHours
from bot.server import build_server
from tests.loopback import free_port

ROOT = Path(__file__).resolve().parents[1]
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = "2026-11-24T10:00"  # Tuesday, in Tokyo


class FeedEnv:
    """The bot on a real SQLite file, its ASGI server on a loopback port, and the CLI on the same file."""

    def __init__(self, tmp_path: Path) -> None:
        settings = Settings(db=tmp_path / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=tmp_path / "f")
        self.app: App = build_app(settings, FixedClock(NOW))
        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(build_server(self.app, None, None), host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)

    def approved(self, who: str, leave: LeaveRequest) -> Request:
        """Submit as `who` and approve every step as its approver: the way leave becomes approved."""
        workflow = self.app.services.workflow
        req = workflow.submit(self.app.directory.require(who), leave).request
        while req is not None and req.status in (Status.PENDING, Status.ESCALATED):
            step = workflow.current_step(req)
            assert step is not None and step.approver_id
            req = workflow.act(req.id or 0, self.app.directory.require(step.approver_id), "approve").request
        assert req is not None and req.status is Status.APPROVED, req
        return req

    def url(self, team: str | None = None) -> str:
        """The feed's path, as `backoffice calendar url` would print it."""
        feed, _ = ical.ensure_feed(self.app.store, team or ical.COMPANY, NOW, "test")
        return f"/calendar/{feed.token}.ics"

    def fetch(self, path: str) -> icalendar.Calendar:
        resp = self.http.get(path)
        assert resp.status_code == 200, resp.text
        assert resp.headers["content-type"] == "text/calendar; charset=utf-8"
        return icalendar.Calendar.from_ical(resp.content)

    def close(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(10)
        self.app.close()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedEnv]:
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    # The CLI reads the same database and clock as the server.
    monkeypatch.setenv("BACKOFFICE_DB", str(tmp_path / "bot.db"))
    monkeypatch.setenv("BACKOFFICE_KNOWLEDGE_DIR", str(ROOT / "knowledge"))
    monkeypatch.setenv("BACKOFFICE_ATTACHMENTS_DIR", str(tmp_path / "f"))
    monkeypatch.setenv("BACKOFFICE_NOW", NOW)
    monkeypatch.delenv("BACKOFFICE_PUBLIC_URL", raising=False)
    e = FeedEnv(tmp_path)
    yield e
    e.close()


def events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(ev["SUMMARY"]): ev for ev in cal.walk("VEVENT")}


def uids(cal: icalendar.Calendar) -> set[str]:
    return {str(ev["UID"]) for ev in cal.walk("VEVENT")}


def test_a_team_feed_has_all_day_and_timed_events_in_tokyo_and_nothing_of_other_teams(env: FeedEnv) -> None:
    env.approved("e007", LeaveRequest("annual", dt.date(2026, 12, 14), dt.date(2026, 12, 16)))  # 渡辺 翔太
    env.approved("e008", LeaveRequest("annual", dt.date(2026, 12, 1), dt.date(2026, 12, 1), portion="am"))
    env.approved("e006", LeaveRequest("annual", dt.date(2026, 12, 3), dt.date(2026, 12, 3), portion="pm"))
    env.approved("e009", LeaveRequest("annual", dt.date(2026, 12, 2), dt.date(2026, 12, 2), "hours", hours=2))
    env.approved("e013", LeaveRequest("annual", dt.date(2026, 12, 4), dt.date(2026, 12, 4)))  # sales

    cal = env.fetch(env.url("engineering"))
    assert str(cal["X-WR-CALNAME"]) == "休暇 — engineering"
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    found = events(cal)
    assert set(found) == {"渡辺 翔太 休暇", "エミリー・クラーク 休暇", "伊藤 大輔 休暇", "中村 結衣 休暇"}

    # A full-day range: all-day dates, the end exclusive (the day after the last day off).
    full = found["渡辺 翔太 休暇"]
    assert full["DTSTART"].params.get("VALUE") == "DATE"
    assert full["DTSTART"].dt == dt.date(2026, 12, 14) and full["DTEND"].dt == dt.date(2026, 12, 17)
    assert not isinstance(full["DTSTART"].dt, dt.datetime)

    # Half days: the business hours of routing.yaml (09:00–18:00), split at the lunch hour, in Tokyo time.
    morning, afternoon = found["エミリー・クラーク 休暇"], found["伊藤 大輔 休暇"]
    assert morning["DTSTART"].dt == dt.datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)
    assert morning["DTEND"].dt == dt.datetime(2026, 12, 1, 12, 0, tzinfo=TOKYO)
    assert morning["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert afternoon["DTSTART"].dt == dt.datetime(2026, 12, 3, 13, 0, tzinfo=TOKYO)
    assert afternoon["DTEND"].dt == dt.datetime(2026, 12, 3, 18, 0, tzinfo=TOKYO)
    hourly = found["中村 結衣 休暇"]
    assert hourly["DTEND"].dt - hourly["DTSTART"].dt == dt.timedelta(hours=2)
    # The zone travels with the feed: no client has to guess what Asia/Tokyo is.
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    for ev in found.values():
        assert int(ev["SEQUENCE"]) >= 1 and ev["LAST-MODIFIED"].dt.tzinfo is not None and ev["DTSTAMP"]

    # The company feed has everyone; the English one names people in English.
    company = events(env.fetch(env.url()))
    assert "ラージ・パテル 休暇" in company and "ラージ・パテル 休暇" not in found
    assert len(company) == 5
    english = events(env.fetch(env.url("engineering") + "?lang=en"))
    assert "Emily Clark off" in english and all(s.endswith(" off") for s in english)


def test_the_feed_says_who_is_away_never_why(env: FeedEnv) -> None:
    env.approved("e010", LeaveRequest("sick", dt.date(2026, 11, 25), dt.date(2026, 11, 25), note="インフルエンザ"))
    env.approved(
        "e007",
        LeaveRequest(
            "special", dt.date(2026, 12, 7), dt.date(2026, 12, 8), special_reason="bereavement_near", note="祖母"
        ),
    )
    body = env.http.get(env.url("engineering")).text
    assert "小林 蓮 休暇" in body and "渡辺 翔太 休暇" in body
    for secret in ("インフルエンザ", "祖母", "bereavement", "sick", "near", "special", "病気", "忌引", "CATEGORIES"):
        assert secret not in body


def test_uids_are_stable_and_cancelled_leave_disappears(env: FeedEnv) -> None:
    keep = env.approved("e007", LeaveRequest("annual", dt.date(2026, 12, 14), dt.date(2026, 12, 16)))
    gone = env.approved("e008", LeaveRequest("annual", dt.date(2026, 12, 21), dt.date(2026, 12, 21)))
    path = env.url("engineering")
    first, second = env.fetch(path), env.fetch(path)
    assert uids(first) == uids(second) == {ical.uid(keep), ical.uid(gone)}
    assert env.http.get(path).content == env.http.get(path).content  # byte for byte: clients see no change

    # The requester cancels leave not yet taken: it leaves the feed, the other event keeps its UID.
    cancelled = env.app.services.workflow.act(gone.id or 0, env.app.directory.require("e008"), "cancel")
    assert cancelled.ok, cancelled
    after = env.fetch(path)
    assert uids(after) == {ical.uid(keep)}
    assert "Emily" not in env.http.get(path + "?lang=en").text

    # Leave still waiting for its approver is not in the feed either.
    env.app.services.workflow.submit(
        env.app.directory.require("e009"), LeaveRequest("annual", dt.date(2027, 1, 12), dt.date(2027, 1, 14))
    )
    assert uids(env.fetch(path)) == {ical.uid(keep)}


def test_an_etag_lets_a_client_skip_an_unchanged_feed(env: FeedEnv) -> None:
    env.approved("e007", LeaveRequest("annual", dt.date(2026, 12, 14), dt.date(2026, 12, 16)))
    path = env.url("engineering")
    first = env.http.get(path)
    again = env.http.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_a_wrong_token_is_404_and_the_feed_is_read_only(env: FeedEnv) -> None:
    path = env.url("engineering")
    assert env.http.get("/calendar/" + ical.new_token() + ".ics").status_code == 404
    for bad in ("x", "a" * 300, "%00" * 20, "..%2F..%2Fetc", "' OR 1=1 --"):
        assert env.http.get(f"/calendar/{bad}.ics").status_code == 404, bad
    assert env.http.get(path.removesuffix(".ics")).status_code == 404
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert env.http.request(method, path).status_code == 405, method
    head = env.http.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == "text/calendar; charset=utf-8"


def test_cli_prints_the_url_and_rotate_makes_the_old_one_404(
    env: FeedEnv, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    env.approved("e007", LeaveRequest("annual", dt.date(2026, 12, 14), dt.date(2026, 12, 16)))
    monkeypatch.setenv("BACKOFFICE_PUBLIC_URL", f"http://127.0.0.1:{env.port}/")
    assert main(["calendar", "url", "--team", "engineering"]) == 0
    out = capsys.readouterr()
    url = out.out.strip()
    assert url.startswith(f"http://127.0.0.1:{env.port}/calendar/") and url.endswith(".ics")
    assert "作りました" in out.err and "誰でも読めます" in out.err
    assert main(["calendar", "url", "--team", "engineering"]) == 0
    assert capsys.readouterr().out.strip() == url  # the same address every time it is asked for
    assert "渡辺 翔太 休暇" in httpx.get(url).text

    assert main(["calendar", "url", "--team", "engineering", "--locale", "en"]) == 0
    assert "Shota Watanabe off" in httpx.get(capsys.readouterr().out.strip()).text

    assert main(["calendar", "rotate", "--team", "engineering"]) == 0
    out = capsys.readouterr()
    new = out.out.strip()
    assert new != url and "古い URL はもう使えません" in out.err
    assert httpx.get(url).status_code == 404
    assert httpx.get(new).status_code == 200
    assert main(["calendar", "url", "--team", "engineering"]) == 0
    assert capsys.readouterr().out.strip() == new

    # A team the directory does not have is refused, naming the ones it has.
    assert main(["calendar", "url", "--team", "marketing"]) == 2
    assert "engineering" in capsys.readouterr().err
    # The whole company's feed: no --team. Its token differs from every team's.
    assert main(["calendar", "url"]) == 0
    company = capsys.readouterr().out.strip()
    assert company not in (url, new) and "休暇 — 全社" in httpx.get(company).text

    # The audit log records that feeds were made and replaced, never a token.
    logged = env.app.store.query("SELECT action, data FROM audit_log WHERE action LIKE 'calendar.%' ORDER BY id")
    assert [r["action"] for r in logged] == ["calendar.feed_created", "calendar.feed_rotated", "calendar.feed_created"]
    for token in (url, new, company):
        secret = token.rsplit("/", 1)[1].removesuffix(".ics")
        assert all(secret not in r["data"] for r in logged)
    assert main(["audit", "verify"]) == 0


def test_without_a_public_url_the_cli_says_which_address_it_used(
    env: FeedEnv, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKOFFICE_LOCALE", "en")
    assert main(["calendar", "rotate", "--team", "sales"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("http://localhost:3000/calendar/")
    assert "Created the leave calendar URL for team 'sales'" in out.err  # nothing to replace yet
    assert "BACKOFFICE_PUBLIC_URL is not set" in out.err


def test_the_window_is_ninety_days_back_and_a_year_ahead(env: FeedEnv) -> None:
    env.approved("e007", LeaveRequest("annual", dt.date(2026, 12, 14), dt.date(2026, 12, 16)))
    store, directory, rules = env.app.store, env.app.directory, env.app.rules

    def count(today: dt.date) -> int:
        body = ical.feed_ics(store, directory, rules, "engineering", "ja", today)
        return len(icalendar.Calendar.from_ical(body).walk("VEVENT"))

    assert count(dt.date(2026, 12, 16) + dt.timedelta(days=90)) == 1
    assert count(dt.date(2026, 12, 16) + dt.timedelta(days=91)) == 0
    assert count(dt.date(2026, 12, 14) - dt.timedelta(days=365)) == 1
    assert count(dt.date(2026, 12, 14) - dt.timedelta(days=366)) == 0


def test_half_days_split_at_the_midpoint_when_business_hours_have_no_lunch_hour() -> None:
    short = BusinessHours(start=dt.time(13, 0), end=dt.time(21, 0))
    assert ical.half_day(short, "am") == (dt.time(13, 0), dt.time(17, 0))
    assert ical.half_day(short, "pm") == (dt.time(17, 0), dt.time(21, 0))
    usual = BusinessHours()
    assert ical.half_day(usual, "am") == (dt.time(9, 0), dt.time(12, 0))
    assert ical.half_day(usual, "pm") == (dt.time(13, 0), dt.time(18, 0))


def test_a_feed_that_cannot_be_built_is_503_not_500(env: FeedEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    path = env.url("engineering")

    def broken(*args: object) -> bytes:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(ical, "feed_ics", broken)
    resp = env.http.get(path)
    assert resp.status_code == 503 and "database" not in resp.text
