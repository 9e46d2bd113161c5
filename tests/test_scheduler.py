"""The scheduler on a fake clock (#15): two working weeks with a holiday in them, on a real database, through the
real workflow and notification queue. Reminders at the right working hours and never on the holiday or a weekend,
one escalation with everyone told, nothing twice after a restart mid-day, a nudged and then lapsed claim, the
five-day reminder on its date and never twice, and the audit head to the admins each working day."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.cards import notification_reply, request_card
from bot.clock import TOKYO, FixedClock
from bot.config import Settings
from bot.models import Status
from bot.scheduler import Scheduler, working_hours_between
from bot.store import records
from handlers import Inbound

ROOT = Path(__file__).resolve().parents[1]


def make_app(tmp_path: Path, clock: FixedClock) -> App:
    settings = Settings(db=tmp_path / "bot.db", knowledge_dir=ROOT / "knowledge", attachments_dir=tmp_path / "files")
    return build_app(settings, clock)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock("2026-11-17T10:00")  # a Tuesday; Monday 23 November is a holiday (勤労感謝の日)


@pytest.fixture
def app(tmp_path: Path, clock: FixedClock) -> Iterator[App]:
    a = make_app(tmp_path, clock)
    yield a
    a.close()


def say(app: App, who: str, text: str) -> None:
    app.router.handle(Inbound(app.directory.require(who), text, platform="console"))


def notes(app: App, who: str, event: str, request_id: int | None = None) -> list[dict]:
    rows = app.store.query("SELECT * FROM notifications WHERE recipient_id = ? AND event = ? ORDER BY id", (who, event))
    return [r for r in rows if request_id is None or r["request_id"] == request_id]


def days_of(rows: list[dict]) -> list[str]:
    return [str(r["created_at"])[:16] for r in rows]


def run_until(
    app: App, clock: FixedClock, until: str, every_minutes: int = 30, scheduler: Scheduler | None = None
) -> None:
    scheduler = scheduler or Scheduler(app.services)
    end = dt.datetime.fromisoformat(until).replace(tzinfo=TOKYO)
    while clock.now() < end:
        clock.advance(minutes=every_minutes)
        scheduler.tick()


def newest(app: App, who: str):  # type: ignore[no-untyped-def]
    return records.list_requests(app.store, who)[0]


def test_working_hours_skip_nights_weekends_and_holidays(app: App) -> None:
    cal, rules = app.rules.calendar, app.rules.routing.reminders
    fri = dt.datetime(2026, 11, 20, 16, 0, tzinfo=TOKYO)
    tue = dt.datetime(2026, 11, 24, 11, 0, tzinfo=TOKYO)  # Sat, Sun and the Monday holiday in between
    assert working_hours_between(cal, rules, fri, tue) == pytest.approx(2 + 2)


def test_two_working_weeks_remind_escalate_and_never_twice(app: App, clock: FixedClock, tmp_path: Path) -> None:
    say(app, "e007", "/leave special 2026-12-03 reason=marriage")  # special leave: the manager (e006) decides
    claim = newest(app, "e007")
    assert claim.status is Status.PENDING
    step = app.services.workflow.current_step(claim)
    assert step is not None and step.approver_id == "e006"

    run_until(app, clock, "2026-11-19T12:00")
    # A restart mid-day: a new process on the same database, its own scheduler, ticking the same minutes again.
    app.close()
    again = make_app(tmp_path, clock)
    try:
        for _ in range(3):
            Scheduler(again.services).tick()
        run_until(again, clock, "2026-12-01T12:00")
        reminders = days_of(notes(again, "e006", "reminder", claim.id))
        # 4 working hours after 10:00 Tuesday, then each working morning; not Sat 21, Sun 22 or Mon 23 (holiday).
        assert reminders == ["2026-11-17T14:00", "2026-11-18T09:30", "2026-11-19T09:30", "2026-11-20T09:30"]
        # Not decided by Friday 20 (3 working days): escalated to e006's manager, the CEO (e001), on the next
        # working morning; the old approver and the requester are told, the new approver asked.
        [away] = notes(again, "e006", "escalated_away", claim.id)
        [told] = notes(again, "e007", "escalated", claim.id)
        assert str(away["created_at"])[:16] == str(told["created_at"])[:16] == "2026-11-24T09:00"
        asked = [r for r in notes(again, "e001", "approval_needed", claim.id) if json.loads(r["data"]).get("escalated")]
        assert len(asked) == 1
        req = records.get_request(again.store, claim.id)
        assert req is not None and req.status is Status.ESCALATED
        step = again.services.workflow.current_step(req)
        assert step is not None and step.approver_id == "e001" and step.via == "escalation"
        # The CEO's own reminders start from the escalation; nobody is above the CEO, so it stays with them.
        ceo = days_of(notes(again, "e001", "reminder", claim.id))
        assert ceo[:2] == ["2026-11-24T13:00", "2026-11-25T09:30"]
        assert all(not d.startswith(("2026-11-28", "2026-11-29")) for d in ceo)
        assert len(ceo) == len(set(ceo))
        audit = [
            r["action"] for r in again.store.query("SELECT action FROM audit_log WHERE request_id = ?", (claim.id,))
        ]
        assert audit.count("request.escalated") == 1
        # What people read, rendered as every front door renders it.
        requester = again.directory.require("e007")
        reply = notification_reply("escalated", claim.id, json.loads(told["data"]), again.services, requester)
        assert "山田" in reply.text and f"#{claim.id}" in reply.text and "伊藤" in reply.text
        reminder = notes(again, "e006", "reminder", claim.id)[0]
        ito = again.directory.require("e006")
        text = notification_reply("reminder", claim.id, json.loads(reminder["data"]), again.services, ito).text
        assert "2026-11-17 10:00" in text and "2026-11-20" in text  # since when, and by when
    finally:
        again.close()


def test_a_claim_waiting_for_a_receipt_is_nudged_then_lapses(app: App, clock: FixedClock) -> None:
    say(app, "e007", "昨日のタクシー代 4,200円")  # a taxi over ¥3,000 needs its receipt (E2)
    claim = newest(app, "e007")
    assert claim.status is Status.NEEDS_INFO
    run_until(app, clock, "2026-12-03T12:00", every_minutes=60)
    [nudge] = notes(app, "e007", "info_nudge", claim.id)
    assert str(nudge["created_at"]).startswith("2026-11-20")  # 3 working days after Tuesday 17
    [lapsed] = notes(app, "e007", "lapsed", claim.id)
    assert str(lapsed["created_at"]).startswith("2026-12-02")  # 10 working days, the holiday not counted
    req = records.get_request(app.store, claim.id)
    assert req is not None and req.status is Status.CANCELLED and req.reason == "lapsed"
    # Its card says it lapsed, not merely that someone cancelled it.
    card = request_card(req, app.services, "ja", app.directory.require("e007"))
    assert any("期限切れで取消" in value for _, value in card.fields)


def test_the_five_day_reminder_comes_on_its_date_once(tmp_path: Path) -> None:
    clock = FixedClock("2026-12-28T17:00")
    app = make_app(tmp_path, clock)
    try:
        # Nakamura (e009): first 10 days granted 2026-04-01, so the year ends 2027-03-31; reminders from 1 January.
        run_until(app, clock, "2027-01-07T12:00")
        mine = notes(app, "e009", "five_day_reminder")
        assert days_of(mine) == ["2027-01-04T09:30"]  # the first working morning after the year-end closure
        hr = [r for r in notes(app, "e004", "five_day_report") if "e009" in str(r["data"])]
        assert len(hr) >= 1 and all(not str(r["created_at"]).startswith("2026-12-3") for r in hr)
        Scheduler(app.services).tick()
        assert len(notes(app, "e009", "five_day_reminder")) == 1
    finally:
        app.close()


def test_nothing_is_sent_outside_business_hours_or_on_a_holiday(app: App, clock: FixedClock) -> None:
    say(app, "e007", "/leave special 2026-12-03 reason=marriage")
    clock.set("2026-11-23T11:00")  # the holiday
    assert Scheduler(app.services).tick() == []
    clock.set("2026-11-24T07:00")  # before business hours
    assert Scheduler(app.services).tick() == []


def test_the_audit_head_goes_to_the_admins_each_working_day(app: App, clock: FixedClock) -> None:
    say(app, "e007", "/leave special 2026-12-03 reason=marriage")
    run_until(app, clock, "2026-11-20T10:00", every_minutes=60)
    heads = notes(app, "e001", "audit_anchor")
    assert [str(r["created_at"])[:10] for r in heads] == ["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]
    assert all('"line"' in str(r["data"]) for r in heads)
