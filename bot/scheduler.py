"""Scheduled work: reminders, escalation, nudges and lapses, the five-day duty, the daily audit anchor.

A clock tick is one more inbound (architecture.md): each tick reads the store as it is, decides what is due on
the company calendar (working days from calendar.yaml, business hours and every number from routing.yaml's
`reminders`, Asia/Tokyo, an injected clock), and does it through the workflow and the notification queue the
front doors already deliver, exactly as a person's message would.

Why a small loop with its state in SQLite rather than APScheduler: what must never happen twice is a reminder
or an escalation, not a timer firing. Each piece of work is keyed (job, request, step, approver, day, grant
year…) and its key is written to `scheduler_runs` in the same transaction as the work itself, so a tick that
runs twice, a restart mid-day or a second process on the same database does it once. A job store of its own
(APScheduler's) would be a second source of truth beside that table, and the timing it offers adds nothing:
everything here is "due since", checked once a minute.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bot.clock import TOKYO
from bot.leave_admin import five_day_data, short_of_five_days
from bot.models import Request, Status
from bot.rules.schema import Reminders
from bot.services import Services
from bot.store import records
from bot.store.db import AuditError
from bot.workcalendar import WorkCalendar

log = logging.getLogger(__name__)

Listener = Callable[[int], None]  # told the id of a request whose cards must be redrawn (Slack refresh_cards)
WAITING = (Status.PENDING, Status.ESCALATED)


@dataclass(frozen=True)
class Done:
    job: str
    key: str
    request_id: int | None = None


def working_hours_between(cal: WorkCalendar, rules: Reminders, start: dt.datetime, end: dt.datetime) -> float:
    """Business hours on working days between two instants (Asia/Tokyo)."""
    start, end = start.astimezone(TOKYO), end.astimezone(TOKYO)
    if end <= start:
        return 0.0
    hours = 0.0
    day = start.date()
    while day <= end.date():
        if cal.is_working_day(day):
            open_ = dt.datetime.combine(day, rules.business_hours.start, TOKYO)
            close = dt.datetime.combine(day, rules.business_hours.end, TOKYO)
            lo, hi = max(start, open_), min(end, close)
            if hi > lo:
                hours += (hi - lo).total_seconds() / 3600
        day += dt.timedelta(days=1)
    return hours


def _at(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=TOKYO)


class Scheduler:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.listeners: list[Listener] = []  # told each request whose cards changed (Slack redraws them)
        self.after: list[Callable[[], object]] = []  # run after a tick that did something (front doors deliver)

    # -- the tick ------------------------------------------------------------------------------

    def in_business_hours(self, now: dt.datetime) -> bool:
        rules = self.services.rules.routing.reminders
        local = now.astimezone(TOKYO)
        cal = self.services.rules.calendar
        return (
            cal.is_working_day(local.date()) and rules.business_hours.start <= local.time() < rules.business_hours.end
        )

    def tick(self) -> list[Done]:
        """Everything due now, done once. Outside business hours and on holidays nothing is due."""
        now = self.services.clock.now()
        if not self.in_business_hours(now):
            return []
        done: list[Done] = []
        for job in (self._steps, self._waiting_for_info, self._five_day_duty, self._audit_anchor):
            try:
                done.extend(job(now))
            except Exception:  # one job's bug must not stop the others (it is retried next tick)
                log.exception("scheduled job %s failed; it is tried again next tick", job.__name__)
        for request_id in dict.fromkeys(d.request_id for d in done if d.request_id is not None):
            for listener in self.listeners:
                try:
                    listener(request_id)
                except Exception:
                    log.exception("redrawing the cards of #%s failed", request_id)
        if done:
            for hook in self.after:
                try:
                    hook()
                except Exception:
                    log.exception("delivering what the scheduler queued failed; the next delivery sends it")
        return done

    def start(self, every: float = 60.0) -> threading.Event:
        """Tick in a daemon thread until the returned event is set."""
        stop = threading.Event()
        threading.Thread(target=self.run, args=(stop, every), name="scheduler", daemon=True).start()
        return stop

    def run(self, stop: threading.Event, every: float = 60.0) -> None:
        """Tick until `stop` is set (the server's thread)."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("scheduler tick failed")
            stop.wait(every)

    def _claim(self, job: str, key: str) -> bool:
        """Mark (job, key) done inside the caller's transaction; False when it was done already."""
        try:
            self.services.store.execute(
                "INSERT INTO scheduler_runs (job, key, at) VALUES (?, ?, ?)", (job, key, self.services.now_iso())
            )
        except sqlite3.IntegrityError:
            return False
        return True

    def _ran(self, job: str, key: str) -> str | None:
        rows = self.services.store.query("SELECT at FROM scheduler_runs WHERE job = ? AND key = ?", (job, key))
        return str(rows[0]["at"]) if rows else None

    # -- approval steps: remind, then escalate ---------------------------------------------------

    def _waiting_requests(self, statuses: tuple[Status, ...]) -> Iterator[Request]:
        marks = ",".join("?" for _ in statuses)
        rows = self.services.store.query(
            f"SELECT id FROM requests WHERE status IN ({marks}) ORDER BY id", tuple(s.value for s in statuses)
        )
        for row in rows:
            req = records.get_request(self.services.store, int(row["id"]))
            if req is not None:
                yield req

    def waiting_since(self, req: Request) -> dt.datetime | None:
        """When the current step began to wait for the one it waits for now: its escalation, else the decision on
        the step before it, else the submission."""
        step = self.services.workflow.current_step(req)
        if step is None:
            return None
        escalated = (
            self._ran("escalated_to", f"{req.id}:{step.seq}:{step.approver_id}") if step.via == "escalation" else None
        )
        if escalated:
            return _at(escalated)
        steps = records.get_steps(self.services.store, req.id) if req.id else []
        before = [s for s in steps if s.seq < step.seq and s.acted_at]
        if before:
            return _at(max(s.acted_at for s in before if s.acted_at))
        return _at(req.updated_at or req.created_at)

    def _steps(self, now: dt.datetime) -> list[Done]:
        services, rules = self.services, self.services.rules.routing.reminders
        cal = services.rules.calendar
        today, at = now.astimezone(TOKYO).date(), services.now_iso()
        done: list[Done] = []
        for req in list(self._waiting_requests(WAITING)):
            step = services.workflow.current_step(req)
            since = self.waiting_since(req)
            if step is None or since is None or not step.approver_id:
                continue
            assert req.id is not None
            due = cal.nth_working_day_after(
                since.astimezone(TOKYO).date(), services.rules.routing.decision_due_working_days
            )
            past_due = now >= dt.datetime.combine(due, rules.business_hours.end, TOKYO)
            if past_due:
                done.extend(
                    self._escalate(req, step.seq, step.approver_id, f"{req.id}:{step.seq}:{step.approver_id}", at)
                )
                continue
            waited = working_hours_between(cal, rules, since, now)
            if waited < rules.first_after_working_hours:
                continue
            first_key = f"{req.id}:{step.seq}:{step.approver_id}"
            with services.store.tx():
                if self._claim("remind_first", first_key):
                    self._remind(req, step.approver_id, step.seq, at)
                    done.append(Done("remind_first", first_key, req.id))
                    continue
            first_at = self._ran("remind_first", first_key)
            morning = now.astimezone(TOKYO).time() >= rules.morning_at
            if morning and first_at and _at(first_at).astimezone(TOKYO).date() < today:
                day_key = f"{first_key}:{today.isoformat()}"
                with services.store.tx():
                    if self._claim("remind_daily", day_key):
                        self._remind(req, step.approver_id, step.seq, at)
                        done.append(Done("remind_daily", day_key, req.id))
        return done

    def _remind(self, req: Request, approver_id: str, seq: int, at: str) -> None:
        assert req.id is not None
        since = self.waiting_since(req)
        records.notify(
            self.services.store, approver_id, "reminder", req.id,
            {"seq": seq, "since": since.isoformat(timespec="minutes") if since else None}, at,
        )  # fmt: skip
        self.services.store.audit(at, "scheduler", "request.reminded", req.id, {"seq": seq, "to": approver_id})

    def _escalate(self, req: Request, seq: int, approver_id: str, key: str, at: str) -> list[Done]:
        services = self.services
        assert req.id is not None
        since = self.waiting_since(req)
        with services.store.tx():
            if not self._claim("escalate", key):
                return []
            result = services.workflow.escalate(req.id, reason="timeout")
            if not result.ok:
                # Nobody above (the CEO's step): remind instead, and keep reminding each morning.
                self._remind(req, approver_id, seq, at)
                services.store.audit(at, "scheduler", "request.escalation_impossible", req.id, {"seq": seq})
                return [Done("escalate", key, req.id)]
            new = result.request
            step = services.workflow.current_step(new) if new else None
            upper = step.approver_id if step else None
            data = {"seq": seq, "to": upper, "from": approver_id, "since": since.isoformat() if since else None}
            records.notify(services.store, approver_id, "escalated_away", req.id, data, at)
            records.notify(services.store, req.requester_id, "escalated", req.id, data, at)
            # The new approver's own clock starts now (waiting_since reads it).
            self._claim("escalated_to", f"{req.id}:{seq}:{upper}")
        return [Done("escalate", key, req.id)]

    # -- claims waiting for information: nudge, then lapse ---------------------------------------

    def _waiting_for_info(self, now: dt.datetime) -> list[Done]:
        services, rules = self.services, self.services.rules.routing.reminders
        cal = services.rules.calendar
        today, at = now.astimezone(TOKYO).date(), services.now_iso()
        if now.astimezone(TOKYO).time() < rules.morning_at:
            return []
        done: list[Done] = []
        for req in list(self._waiting_requests((Status.NEEDS_INFO,))):
            assert req.id is not None
            since = _at(req.updated_at or req.created_at).astimezone(TOKYO).date()
            key = f"{req.id}:{req.version}"
            if today >= cal.nth_working_day_after(since, rules.info_lapse_after_working_days):
                with services.store.tx():
                    if self._claim("lapse", key):
                        services.workflow.lapse(req.id, rules.info_lapse_after_working_days)
                        done.append(Done("lapse", key, req.id))
            elif today >= cal.nth_working_day_after(since, rules.info_nudge_after_working_days):
                with services.store.tx():
                    if self._claim("nudge", key):
                        lapse_on = cal.nth_working_day_after(since, rules.info_lapse_after_working_days)
                        data = {"lapses_on": lapse_on.isoformat()}
                        records.notify(services.store, req.requester_id, "info_nudge", req.id, data, at)
                        done.append(Done("nudge", key, req.id))
        return done

    # -- the five-day duty (L9) ------------------------------------------------------------------

    def _five_day_duty(self, now: dt.datetime) -> list[Done]:
        services = self.services
        rules = services.rules.routing.reminders
        local = now.astimezone(TOKYO)
        if local.time() < rules.morning_at:
            return []
        today, at = local.date(), services.now_iso()
        policy = services.rules.leave
        short = short_of_five_days(services.store, services.rules, services.directory, today)
        done: list[Done] = []
        with services.store.tx():
            told = []
            for person, status in short:
                key = f"{person.id}:{status.grant_date.isoformat()}"  # once per person per grant year
                if self._claim("five_day_reminder", key):
                    records.notify(services.store, person.id, "five_day_reminder", None, five_day_data(status), at)
                    told.append(person.id)
                    done.append(Done("five_day_reminder", key))
            if told:
                for hr in services.directory.holders(policy.five_day_duty.report_role):
                    records.notify(services.store, hr.id, "five_day_report", None, {"people": told}, at)
                services.store.audit(at, "scheduler", "leave.five_day_reminders", None, {"people": told})
            # A monthly summary to HR on the first working day of the month: everyone still short, reminded or not.
            first = next(d for d in services.rules.calendar.days(today.replace(day=1), today.replace(day=28))
                         if services.rules.calendar.is_working_day(d))  # fmt: skip
            month_key = today.strftime("%Y-%m")
            if today == first and short and self._claim("five_day_summary", month_key):
                people = [p.id for p, _ in short]
                for hr in services.directory.holders(policy.five_day_duty.report_role):
                    records.notify(
                        services.store, hr.id, "five_day_report", None, {"people": people, "monthly": True}, at
                    )
                done.append(Done("five_day_summary", month_key))
        return done

    # -- the audit anchor, to the admins each working day ----------------------------------------

    def _audit_anchor(self, now: dt.datetime) -> list[Done]:
        services = self.services
        local = now.astimezone(TOKYO)
        if local.time() < services.rules.routing.reminders.audit_anchor_at:
            return []
        key = local.date().isoformat()
        if self._ran("audit_anchor", key):
            return []
        try:
            line = services.store.anchor(services.now_iso())
        except AuditError as err:
            line = None
            log.error("the audit log does not verify; the admins are told: %s", err)
        with services.store.tx():
            if not self._claim("audit_anchor", key):
                return []
            for admin in services.directory.holders("admin"):
                data = {"line": line} if line else {"broken": True}
                records.notify(services.store, admin.id, "audit_anchor", None, data, services.now_iso())
        return [Done("audit_anchor", key)]
