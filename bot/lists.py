"""Compact lists of requests, one line each: what waits for me (/pending) and what I asked for (/mine).

A line says which request (#12), whose (on /pending), what it is in a few words (the kind and category, the
amount; a leave's dates; a contract's counterparty), where it stands, and how long it has waited, in working
days on the company calendar, since the step began waiting (the scheduler's own reading of that moment, so a
reminder and a list never disagree). `/show N` gives the full card (bot.cards). Built by pure functions from
records; `render` writes plain lines (console, Chatwork) or Slack mrkdwn, and the adapters send them as they
send any text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.cards import amount_text
from bot.clock import TOKYO
from bot.i18n import t, yen
from bot.models import ApprovalStep, ContractReview, Employee, LeaveRequest, Request, Status
from bot.scheduler import Scheduler
from bot.services import Services
from bot.store import records
from bot.workcalendar import WorkCalendar

PENDING_CAP = 30  # lines of /pending; the rest are counted
MINE_CAP = 20  # the asker's most recent requests on /mine
SEP = " · "
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Line:
    request_id: int
    parts: tuple[str, ...]  # who and what first, then where it stands, the age, marks: joined with " · "


@dataclass(frozen=True, slots=True)
class Listing:
    title: str
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = ()  # "…and 5 more"


# -- the words of one line ---------------------------------------------------------------------


def short_date(day: dt.date, today: dt.date, locale: str) -> str:
    """12/24 or Dec 24; with the year when it is not this year's (2027/1/5, Jan 5, 2027)."""
    if locale == "ja":
        return f"{day.month}/{day.day}" if day.year == today.year else f"{day.year}/{day.month}/{day.day}"
    text = f"{_MONTHS[day.month - 1]} {day.day}"
    return text if day.year == today.year else f"{text}, {day.year}"


def leave_dates(r: LeaveRequest, today: dt.date, locale: str) -> str:
    """12/24 午後 · Dec 24 pm · 12/14–12/16 · Dec 14–16 · Dec 24 2h."""
    start = short_date(r.start, today, locale)
    if r.end != r.start:
        same_month = (r.start.year, r.start.month) == (r.end.year, r.end.month) and r.end.year == today.year
        end = str(r.end.day) if locale == "en" and same_month else short_date(r.end, today, locale)
        return f"{start}–{end}"
    if r.portion in ("am", "pm"):
        return f"{start} {t('lists.portion.' + r.portion, locale)}"
    if r.portion == "hours":
        return f"{start} {t('lists.portion.hours', locale, n=r.hours or 0)}"
    return start


def what_text(req: Request, today: dt.date, locale: str) -> str:
    """経費 交通費 ¥3,200 / expense transport ¥3,200; 休暇 有給 12/24 午後; 契約 株式会社ABC ¥500,000."""
    d = req.details
    if isinstance(d, LeaveRequest):
        kind = t("lists.leave." + d.leave_type, locale)
        return t("lists.what.leave", locale, type=kind, dates=leave_dates(d, today, locale))
    if isinstance(d, ContractReview):
        text = t("lists.what.contract", locale, party=d.counterparty or d.title)
        return f"{text} {yen(d.amount_yen)}" if d.amount_yen else text
    category = t("cat." + d.category, locale)
    return t(
        "lists.what.expense", locale, category=category.lower() if locale == "en" else category, amount=amount_text(d)
    )


def working_days_waited(cal: WorkCalendar, since: dt.date, today: dt.date) -> int:
    """Working days from the day a wait began to today: Friday to Tuesday over a Monday holiday is 1."""
    return cal.count_working_days(since + dt.timedelta(days=1), today) if today > since else 0


def age_text(cal: WorkCalendar, since: dt.date, today: dt.date, locale: str) -> str:
    n = working_days_waited(cal, since, today)
    if n == 0:
        return t("lists.age.today", locale)
    return t("lists.age.one", locale) if n == 1 else t("lists.age.days", locale, n=n)


def waiting_since(services: Services, req: Request) -> dt.date | None:
    """The day the current step began waiting for the one it waits for now (its escalation, else the decision
    on the step before, else the submission): the scheduler's reading, so reminders and lists agree."""
    moment = Scheduler(services).waiting_since(req)
    return moment.astimezone(TOKYO).date() if moment else None


def _day_of(stamp: str) -> dt.date:
    moment = dt.datetime.fromisoformat(stamp)
    return (moment if moment.tzinfo else moment.replace(tzinfo=TOKYO)).astimezone(TOKYO).date()


# -- /pending ----------------------------------------------------------------------------------


def principals_of(services: Services, viewer: Employee) -> list[str]:
    """Whose approvals the viewer sees: their own, and those of the people who named them delegate."""
    return [viewer.id] + [e.id for e in services.directory if e.delegate_id == viewer.id]


def _waiting_step(services: Services, req: Request, principals: list[str]) -> ApprovalStep | None:
    assert req.id is not None
    return next(
        (s for s in records.get_steps(services.store, req.id) if s.status == "pending" and s.approver_id in principals),
        None,
    )


def pending_listing(services: Services, viewer: Employee, locale: str, cap: int = PENDING_CAP) -> Listing:
    """Every step waiting for the viewer (or for whom they stand in), oldest wait first; at most `cap` lines."""
    today, cal = services.today(), services.rules.calendar
    principals = principals_of(services, viewer)
    waiting: list[tuple[dt.date, int, Request, ApprovalStep]] = []
    for rid in records.pending_for_approver(services.store, principals):
        req = records.get_request(services.store, rid)
        if req is None or req.requester_id == viewer.id:  # a delegate never decides their own request
            continue
        step = _waiting_step(services, req, principals)
        if step is None:
            continue
        waiting.append((waiting_since(services, req) or today, rid, req, step))
    waiting.sort(key=lambda w: (w[0], w[1]))
    lines = []
    for since, rid, req, step in waiting[:cap]:
        head = f"{services.name(req.requester_id, locale)} {what_text(req, today, locale)}"
        parts = [head, age_text(cal, since, today, locale)]
        if step.via == "escalation" and step.original_approver_id:
            parts.append(t("lists.pending.escalated", locale, who=services.name(step.original_approver_id, locale)))
        if step.approver_id != viewer.id:
            parts.append(t("lists.pending.for", locale, who=services.name(step.approver_id, locale)))
        lines.append(Line(rid, tuple(parts)))
    notes: tuple[str, ...] = ()
    if len(waiting) > cap:
        notes = (t("lists.pending.more", locale, n=len(waiting) - cap, cap=cap),)
    title = t("pending.title", locale) + t("lists.pending.count", locale, n=len(waiting))
    return Listing(title, tuple(lines), notes)


# -- /mine -------------------------------------------------------------------------------------


def _mine_parts(services: Services, req: Request, today: dt.date, locale: str) -> list[str]:
    cal = services.rules.calendar
    parts = [what_text(req, today, locale)]
    if req.status in (Status.PENDING, Status.ESCALATED):
        step = services.workflow.current_step(req)
        parts.append(t("lists.mine.waiting", locale, who=services.name(step.approver_id if step else None, locale)))
        since = waiting_since(services, req)
        if since:
            parts.append(age_text(cal, since, today, locale))
        if step and step.via == "escalation":
            parts.append(t("lists.mine.escalated", locale))
    elif req.status is Status.NEEDS_INFO:
        # Sent back by a person (差戻し), or held by the rules until the requester adds what is missing.
        if req.decided_by and req.decided_by != "rules":
            parts.append(t("lists.mine.returned", locale, who=services.name(req.decided_by, locale)))
        else:
            parts.append(t("lists.mine.needs_info", locale))
        parts.append(age_text(cal, _day_of(req.updated_at or req.created_at), today, locale))
    elif req.status is Status.CANCELLED and req.reason == "lapsed":
        parts.append(t("lists.mine.lapsed", locale))
    else:
        parts.append(t("lists.mine." + req.status.value, locale))
    return parts


def mine_listing(services: Services, viewer: Employee, locale: str, cap: int = MINE_CAP) -> Listing:
    """The viewer's own requests, newest first, the last `cap` of them."""
    today = services.today()
    reqs = records.list_requests(services.store, requester_id=viewer.id, limit=cap + 1)
    lines = tuple(Line(r.id, tuple(_mine_parts(services, r, today, locale))) for r in reqs[:cap] if r.id is not None)
    notes = (t("lists.mine.more", locale, cap=cap),) if len(reqs) > cap else ()
    return Listing(t("mine.title", locale) + t("lists.mine.count", locale), lines, notes)


# -- rendering ---------------------------------------------------------------------------------


def show_command(request_id: int, platform: str) -> str:
    """How the asker opens one request in full where they are: Slack's slash command takes a word."""
    return f"/backoffice show {request_id}" if platform == "slack" else f"/show {request_id}"


def render(listing: Listing, locale: str, platform: str) -> str:
    """The list as one message: plain lines, or on Slack mrkdwn (bold title and numbers; the adapter escapes
    `&`, `<` and `>` as for every text)."""
    slack = platform == "slack"
    out = [f"*{listing.title}*" if slack else listing.title]
    for line in listing.lines:
        number = f"*#{line.request_id}*" if slack else f"#{line.request_id}"
        out.append(f"{number} {SEP.join(line.parts)}")
    out += listing.notes
    if listing.lines:
        command = show_command(listing.lines[0].request_id, platform)
        out.append(t("lists.details", locale, command=f"`{command}`" if slack else command))
    return "\n".join(out)
