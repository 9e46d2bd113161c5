"""Approved leave as an iCalendar feed (RFC 5545), so absences show where people look: Google Calendar, Outlook.

One feed per team (or the whole company) at a secret address, /calendar/<token>.ics; the token is the only
credential, so it is random (`secrets.token_urlsafe`), kept in `calendar_feeds`, and can be replaced.

What a feed says, and why:
- One VEVENT per approved leave request: a full-day request is an all-day event (DTSTART;VALUE=DATE, DTEND the day
  after the last, exclusive as RFC 5545 wants); a half day or hourly leave is a timed event in the company's time
  zone (calendar.yaml) with its VTIMEZONE.
- Only who is away and when: SUMMARY is "<name> 休暇" / "<name> off". The leave type, reason and note never appear:
  a calendar is shared with a whole team and is synced to phones and third-party clouds, and whether someone is
  sick, bereaved or on unpaid leave is nobody's business but theirs, HR's and their approver's.
- UID is stable per request, so a client refreshing the feed updates the event instead of adding a copy; SEQUENCE
  is the request's version and LAST-MODIFIED / DTSTAMP its last change, so clients see that it changed.
- Cancelled leave (and leave sent back and not yet approved again) simply leaves the feed. A subscribed calendar
  is replaced on every refresh, so an event whose UID is gone is removed by Google, Outlook and Apple alike;
  STATUS:CANCELLED, by contrast, is shown struck through or as a normal event by some clients, and would keep
  telling the team that someone had planned leave they then called off.
- A window of 90 days back and a year ahead: enough for "who was out last month" and planning, small to fetch.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar

from bot.directory import Directory
from bot.models import LeaveRequest, Request, Status
from bot.rules.loader import RuleSet
from bot.rules.schema import BusinessHours
from bot.store import records
from bot.store.db import Store

COMPANY = "*"  # the `calendar_feeds.team` of the whole company's feed (no team in the directory is named "*")
WINDOW_BACK_DAYS = 90
WINDOW_AHEAD_DAYS = 365
TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 32 characters, 192 random bits
# What a token can look like: anything else is refused before the database is asked.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
PRODID = "-//backoffice-bot//leave calendar//EN"

# Business hours come from knowledge/rules/routing.yaml (reminders.business_hours). The rule files name no lunch
# break, so a half day is split at the customary Japanese lunch hour: morning = opening to 12:00, afternoon =
# 13:00 to closing. Business hours that do not span 12:00–13:00 are split at their midpoint instead.
NOON = dt.time(12, 0)
AFTER_LUNCH = dt.time(13, 0)

TEXTS: dict[str, dict[str, str]] = {
    "ja": {
        "summary": "{name} 休暇",
        "calname_team": "休暇 — {team}",
        "calname_company": "休暇 — 全社",
        "caldesc": "承認済みの休暇(過去{back}日から{ahead}日先まで)。休暇の種類や理由は載せていません。",
        "hourly": "{hours}時間の時間単位休暇。申請には時刻が記録されていないため、始業時刻から表示しています。",
    },
    "en": {
        "summary": "{name} off",
        "calname_team": "Leave — {team}",
        "calname_company": "Leave — whole company",
        "caldesc": "Approved leave ({back} days back to {ahead} days ahead). Leave types and reasons are not shown.",
        "hourly": "{hours} hours of hourly leave. The request does not record which hours, so it is shown from "
        "the start of the working day.",
    },
}


@dataclass(frozen=True, slots=True)
class Feed:
    team: str  # a directory team, or COMPANY
    token: str
    created_at: str


# -- the secret addresses ------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def feed_by_token(store: Store, token: str) -> Feed | None:
    """The feed a token opens; None for anything else (malformed tokens never reach the database)."""
    if not TOKEN_SHAPE.match(token):
        return None
    rows = store.query("SELECT team, token, created_at FROM calendar_feeds WHERE token = ?", (token,))
    if not rows or not secrets.compare_digest(rows[0]["token"], token):
        return None
    return Feed(rows[0]["team"], rows[0]["token"], rows[0]["created_at"])


def feed_for_team(store: Store, team: str) -> Feed | None:
    rows = store.query("SELECT team, token, created_at FROM calendar_feeds WHERE team = ?", (team,))
    return Feed(rows[0]["team"], rows[0]["token"], rows[0]["created_at"]) if rows else None


def ensure_feed(store: Store, team: str, at: str, actor: str) -> tuple[Feed, bool]:
    """The team's feed, created on first use; (feed, created). The audit records that a feed exists, never its
    token (the log is read by people the calendar is not for)."""
    with store.tx():
        found = feed_for_team(store, team)
        if found is not None:
            return found, False
        feed = Feed(team, new_token(), at)
        store.execute("INSERT INTO calendar_feeds (team, token, created_at) VALUES (?, ?, ?)", (team, feed.token, at))
        store.audit(at, actor, "calendar.feed_created", None, {"team": team})
    return feed, True


def rotate_feed(store: Store, team: str, at: str, actor: str) -> tuple[Feed, bool]:
    """A new token for the team's feed: the old address stops working at once (it answers 404); (feed, whether
    there was an old one)."""
    with store.tx():
        feed = Feed(team, new_token(), at)
        cur = store.execute(
            "UPDATE calendar_feeds SET token = ?, created_at = ? WHERE team = ?", (feed.token, at, team)
        )
        replaced = cur.rowcount > 0
        if not replaced:
            store.execute(
                "INSERT INTO calendar_feeds (team, token, created_at) VALUES (?, ?, ?)", (team, feed.token, at)
            )
        store.audit(at, actor, "calendar.feed_rotated", None, {"team": team, "had_feed": replaced})
    return feed, replaced


def teams(directory: Directory) -> list[str]:
    """The teams of the directory's active people, sorted: the feeds one can ask for (besides the company's)."""
    return sorted({e.team for e in directory if e.active and e.team})


# -- the calendar ----------------------------------------------------------------------------------


def approved_leave(store: Store, first: dt.date, last: dt.date) -> list[Request]:
    """Approved leave requests that touch [first, last], oldest first."""
    rows = store.query(
        "SELECT id FROM requests WHERE kind = 'leave' AND status = ? "
        "AND json_extract(details, '$.end') >= ? AND json_extract(details, '$.start') <= ? ORDER BY id",
        (Status.APPROVED.value, first.isoformat(), last.isoformat()),
    )
    found = (records.get_request(store, r["id"]) for r in rows)
    return [r for r in found if r is not None and r.status is Status.APPROVED]


def half_day(hours: BusinessHours, portion: str) -> tuple[dt.time, dt.time]:
    """(start, end) of a morning ("am") or afternoon ("pm") off, from the company's business hours."""
    if hours.start < NOON and hours.end > AFTER_LUNCH:
        return (hours.start, NOON) if portion == "am" else (AFTER_LUNCH, hours.end)
    day = dt.date(2000, 1, 1)
    opening, closing = dt.datetime.combine(day, hours.start), dt.datetime.combine(day, hours.end)
    middle = (opening + (closing - opening) / 2).time().replace(microsecond=0)
    return (hours.start, middle) if portion == "am" else (middle, hours.end)


def _instant(stamp: str, fallback: dt.datetime) -> dt.datetime:
    """A stored ISO time as UTC (iCalendar's DTSTAMP and LAST-MODIFIED must be UTC)."""
    try:
        when = dt.datetime.fromisoformat(stamp) if stamp else fallback
    except ValueError:
        when = fallback
    if when.tzinfo is None:
        when = when.replace(tzinfo=fallback.tzinfo)
    return when.astimezone(dt.UTC)


def uid(req: Request) -> str:
    """Stable for the request's life (its id and creation time never change), and distinct between two
    installations whose request numbers overlap, so a client never merges another company's event."""
    created = re.sub(r"\D", "", req.created_at)[:14] or "0"
    return f"leave-{req.id}-{created}@backoffice-bot"


def _event(req: Request, name: str, locale: str, hours: BusinessHours, tz: ZoneInfo) -> icalendar.Event:
    leave = req.details
    assert isinstance(leave, LeaveRequest)
    texts = TEXTS[locale]
    event = icalendar.Event()
    event.add("uid", uid(req))
    opened = dt.datetime.combine(leave.start, hours.start, tzinfo=tz)
    changed = _instant(req.updated_at or req.decided_at or req.created_at, opened)
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("created", _instant(req.created_at, opened))
    event.add("sequence", max(0, req.version))
    event.add("summary", texts["summary"].format(name=name))
    if leave.portion in ("am", "pm"):
        start, end = half_day(hours, leave.portion)
        event.add("dtstart", dt.datetime.combine(leave.start, start, tzinfo=tz))
        event.add("dtend", dt.datetime.combine(leave.start, end, tzinfo=tz))
    elif leave.portion == "hours" and leave.hours:
        begin = dt.datetime.combine(leave.start, hours.start, tzinfo=tz)
        closing = dt.datetime.combine(leave.start, hours.end, tzinfo=tz)
        event.add("dtstart", begin)
        event.add("dtend", min(begin + dt.timedelta(hours=leave.hours), closing))
        event.add("description", texts["hourly"].format(hours=leave.hours))
    else:
        event.add("dtstart", leave.start)  # a date: icalendar writes DTSTART;VALUE=DATE
        event.add("dtend", leave.end + dt.timedelta(days=1))  # exclusive: the day after the last day off
    event.add("transp", "OPAQUE")  # busy: someone on leave is not free for a meeting
    return event


def build_calendar(
    requests: Iterable[Request], directory: Directory, team: str, locale: str, rules: RuleSet
) -> icalendar.Calendar:
    """The feed for `team` (or COMPANY) from approved leave requests; people not in the team, no longer active
    or unknown to the directory are left out."""
    locale = locale if locale in TEXTS else "ja"
    texts = TEXTS[locale]
    tz_name = rules.calendar_policy.timezone
    tz = ZoneInfo(tz_name)
    hours = rules.routing.reminders.business_hours
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = texts["calname_company"] if team == COMPANY else texts["calname_team"].format(team=team)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-caldesc", texts["caldesc"].format(back=WINDOW_BACK_DAYS, ahead=WINDOW_AHEAD_DAYS))
    cal.add("x-wr-timezone", tz_name)
    # Ask clients to refresh hourly (Outlook and Apple honour these; Google refreshes on its own schedule).
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for req in requests:
        person = directory.get(req.requester_id)
        if person is None or not person.active or not isinstance(req.details, LeaveRequest):
            continue
        if team != COMPANY and person.team != team:
            continue
        cal.add_component(_event(req, person.name(locale), locale, hours, tz))
    # The VTIMEZONE of every TZID used (none when every event is all-day), so no client has to guess the zone.
    cal.add_missing_timezones()
    return cal


def window(today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(days=WINDOW_BACK_DAYS), today + dt.timedelta(days=WINDOW_AHEAD_DAYS)


def feed_ics(store: Store, directory: Directory, rules: RuleSet, team: str, locale: str, today: dt.date) -> bytes:
    """The .ics body of a team's (or the company's) feed, as of `today`."""
    first, last = window(today)
    return build_calendar(approved_leave(store, first, last), directory, team, locale, rules).to_ical()


def feed_locale(asked: str | None, default: str) -> str:
    """The feed's language: `?lang=` when it is one we write, else the company default."""
    for locale in (asked, default):
        if locale in TEXTS:
            return str(locale)
    return "ja"
