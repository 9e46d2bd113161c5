"""What each dashboard page shows, as tables (and the charts drawn from them), for one viewer.

Every query here is narrowed by `Viewer.request_scope` (or the people / questions the viewer may see) before
anything is counted, so a total never includes a request the viewer could not open. Aggregates are worked out
in SQL where the rows are many (10,000 requests must render in well under 200 ms); the rest in Python.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from bot.clock import TOKYO
from bot.i18n import t, yen
from bot.leave_ledger import compute_balance, five_day_duty
from bot.models import FINAL_STATUSES, Status
from bot.scheduler import working_hours_between
from bot.services import Services
from bot.store import records
from bot.web import charts
from bot.web.access import Viewer

KINDS = ("expense", "leave", "contract")
QUEUE_COLOURS = ("#c94c4c", "#e0a526", "#5a9e4b")  # overdue, reminded, in time (the rows' colours, darker)
SHOWN_ROWS = 200  # a table on the page shows this many rows; its CSV has them all
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # a text key
    num: bool = False
    yen: bool = False  # shown as ¥1,234 on the page; the CSV keeps the plain number


@dataclass
class Table:
    name: str
    title: str  # a text key
    columns: list[Column]
    rows: list[dict[str, Any]]  # cells by column key; "_link" a path for the first cell, "_class" a row class

    @property
    def shown(self) -> list[dict[str, Any]]:
        return self.rows[:SHOWN_ROWS]


@dataclass
class Page:
    name: str
    filters: tuple[str, ...]
    tables: list[Table] = field(default_factory=list)
    charts: list[Markup] = field(default_factory=list)
    summary: list[tuple[str, str]] = field(default_factory=list)  # (text key, value)
    calendar: list[list[dict[str, Any]]] | None = None

    def table(self, name: str) -> Table | None:
        return next((tb for tb in self.tables if tb.name == name), None)


# -- filters: from the query string, which is hostile ---------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    person: str = ""
    team: str = ""
    approver: str = ""
    since: str = ""  # YYYY-MM, inclusive
    until: str = ""
    status: str = ""
    ignored: tuple[str, ...] = ()  # names of the values that were not understood (said on the page)

    def query(self) -> dict[str, str]:
        names = ("kind", "person", "team", "approver", "since", "until", "status")
        return {n: getattr(self, n) for n in names if getattr(self, n)}


def read_filters(params: Mapping[str, str], services: Services) -> Filters:
    directory = services.directory
    teams = {e.team for e in directory if e.team}
    checks: dict[str, Callable[[str], bool]] = {
        "kind": lambda v: v in KINDS,
        "person": lambda v: directory.get(v) is not None,
        "approver": lambda v: directory.get(v) is not None,
        "team": lambda v: v in teams,
        "since": lambda v: bool(_MONTH.match(v)),
        "until": lambda v: bool(_MONTH.match(v)),
        "status": lambda v: v in {s.value for s in Status},
    }
    values: dict[str, str] = {}
    ignored: list[str] = []
    for name, ok in checks.items():
        raw = str(params.get(name) or "").strip()[:40]
        if not raw:
            continue
        if ok(raw):
            values[name] = raw
        else:
            ignored.append(name)
    return Filters(**values, ignored=tuple(ignored))


@dataclass
class Ctx:
    services: Services
    viewer: Viewer
    locale: str
    filters: Filters
    now: dt.datetime

    def t(self, key: str, **data: Any) -> str:
        return t(key, self.locale, **data)

    def name(self, employee_id: str | None) -> str:
        return self.services.name(employee_id, self.locale) if employee_id else ""

    def team_ids(self) -> list[str]:
        return [e.id for e in self.services.directory.team_members(self.filters.team)]


def _in(column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
    if not values:
        return "0 = 1", []
    return f"{column} IN ({','.join('?' * len(values))})", list(values)


def request_where(ctx: Ctx, alias: str = "r", month_of: str = "created_at") -> tuple[str, list[Any]]:
    """The viewer's scope and the filters, as one SQL condition on requests."""
    scope, params = ctx.viewer.request_scope(alias)
    parts = [scope]
    f = ctx.filters
    if f.kind:
        parts.append(f"{alias}.kind = ?")
        params.append(f.kind)
    if f.person:
        parts.append(f"{alias}.requester_id = ?")
        params.append(f.person)
    if f.team:
        sql, more = _in(f"{alias}.requester_id", ctx.team_ids())
        parts.append(sql)
        params += more
    if f.status:
        parts.append(f"{alias}.status = ?")
        params.append(f.status)
    if f.since:
        parts.append(f"substr({alias}.{month_of}, 1, 7) >= ?")
        params.append(f.since)
    if f.until:
        parts.append(f"substr({alias}.{month_of}, 1, 7) <= ?")
        params.append(f.until)
    return " AND ".join(parts), params


def _at(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=TOKYO)


def _link(request_id: int) -> str:
    return f"/admin/requests/{request_id}"


def _hours(value: float) -> float:
    return round(value, 1)


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


# -- Queue -------------------------------------------------------------------------------------------------------


def queue(ctx: Ctx) -> Page:
    """Every pending step by age, coloured against routing.yaml: `fresh` before the first reminder is due,
    `reminded` once it is (first_after_working_hours), `overdue` past the decision deadline
    (decision_due_working_days), which is when the scheduler escalates."""
    services = ctx.services
    rules = services.rules.routing
    cal = services.rules.calendar
    where, params = request_where(ctx)
    if ctx.filters.approver:
        where += " AND s.approver_id = ?"
        params.append(ctx.filters.approver)
    rows = services.store.query(
        "SELECT s.request_id, s.seq, s.role, s.approver_id, r.kind, r.requester_id, r.created_at, r.status, "
        "(SELECT MAX(p.acted_at) FROM approval_steps p WHERE p.request_id = s.request_id AND p.seq < s.seq) "
        "AS before FROM approval_steps s JOIN requests r ON r.id = s.request_id "
        f"WHERE s.status = 'pending' AND r.status IN ('pending', 'escalated') AND {where}",
        tuple(params),
    )

    @lru_cache(maxsize=4096)
    def deadline(day: dt.date) -> dt.datetime:
        due = cal.nth_working_day_after(day, rules.decision_due_working_days)
        return dt.datetime.combine(due, rules.reminders.business_hours.end, TOKYO)

    steps: list[dict[str, Any]] = []
    per_approver: dict[str, Counter[str]] = defaultdict(Counter)
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        since = _at(row["before"] or row["created_at"])
        if ctx.now >= deadline(since.astimezone(TOKYO).date()):
            state = "overdue"
        elif working_hours_between(cal, rules.reminders, since, ctx.now) >= rules.reminders.first_after_working_hours:
            state = "reminded"
        else:
            state = "fresh"
        age_h = max(0.0, (ctx.now - since).total_seconds() / 3600)
        approver = row["approver_id"] or ""
        per_approver[approver][state] += 1
        per_kind[row["kind"]][state] += 1
        steps.append(
            {
                "id": f"#{row['request_id']}",
                "kind": ctx.t(f"web.kind.{row['kind']}"),
                "requester": ctx.name(row["requester_id"]),
                "approver": ctx.name(approver),
                "role": ctx.t(f"role.{row['role']}"),
                "since": since.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M"),
                "age_days": round(age_h / 24, 1),
                "state": ctx.t(f"web.queue.{state}"),
                "_link": _link(row["request_id"]),
                "_class": f"q-{state}",
                "_age": age_h,
            }
        )
    steps.sort(key=lambda r: -r["_age"])
    holders: list[dict[str, Any]] = [
        {"approver": ctx.name(a), "total": sum(c.values()), "overdue": c["overdue"], "reminded": c["reminded"],
         "fresh": c["fresh"]}
        for a, c in per_approver.items()
    ]  # fmt: skip
    holders.sort(key=lambda r: (-r["total"], r["approver"]))
    kinds: list[dict[str, Any]] = [
        {"kind": ctx.t(f"web.kind.{k}"), "total": sum(c.values()), "overdue": c["overdue"], "reminded": c["reminded"],
         "fresh": c["fresh"]}
        for k, c in sorted(per_kind.items())
    ]  # fmt: skip
    counts = [Column("total", "web.col.total", True), Column("overdue", "web.queue.overdue", True),
              Column("reminded", "web.queue.reminded", True), Column("fresh", "web.queue.fresh", True)]  # fmt: skip
    page = Page("queue", ("kind", "team", "person", "approver"))
    page.summary = [
        ("web.queue.pending_steps", str(len(steps))),
        ("web.queue.overdue", str(sum(c["overdue"] for c in per_approver.values()))),
        ("web.queue.most", f"{holders[0]['approver']} ({holders[0]['total']})" if holders else "—"),
    ]
    page.charts.append(
        charts.stacked(
            ctx.t("web.queue.chart"),
            [(h["approver"], [h["overdue"], h["reminded"], h["fresh"]]) for h in holders[:15]],
            [ctx.t("web.queue.overdue"), ctx.t("web.queue.reminded"), ctx.t("web.queue.fresh")],
            QUEUE_COLOURS,
        )
    )
    page.tables = [
        Table("steps", "web.queue.steps", [
            Column("id", "web.col.request"), Column("kind", "web.col.kind"), Column("requester", "web.col.requester"),
            Column("approver", "web.col.approver"), Column("role", "web.col.role"), Column("since", "web.col.since"),
            Column("age_days", "web.col.age_days", True), Column("state", "web.col.state"),
        ], steps),
        Table("holders", "web.queue.holders", [Column("approver", "web.col.approver"), *counts], holders),
        Table("kinds", "web.queue.kinds", [Column("kind", "web.col.kind"), *counts], kinds),
    ]  # fmt: skip
    return page


# -- Turnaround --------------------------------------------------------------------------------------------------


def turnaround(ctx: Ctx) -> Page:
    """From submission to decision (approved or rejected), in hours on the calendar, by kind, decider, month."""
    where, params = request_where(ctx, month_of="decided_at")
    rows = ctx.services.store.query(
        "SELECT r.kind, r.created_at, r.decided_at, r.decided_by FROM requests r "
        f"WHERE r.decided_at IS NOT NULL AND r.status IN ('approved', 'rejected') AND {where}",
        tuple(params),
    )
    by_kind: dict[str, list[float]] = defaultdict(list)
    by_decider: dict[str, list[float]] = defaultdict(list)
    by_month: dict[str, list[float]] = defaultdict(list)
    automatic = 0
    for row in rows:
        if row["decided_by"] == "rules":
            automatic += 1  # decided at submission: counted, but kept out of the times people take
            continue
        hours = max(0.0, (_at(row["decided_at"]) - _at(row["created_at"])).total_seconds() / 3600)
        by_kind[row["kind"]].append(hours)
        by_decider[row["decided_by"] or ""].append(hours)
        by_month[row["decided_at"][:7]].append(hours)

    def stats(label_key: str, label: str, values: list[float]) -> dict[str, Any]:
        return {label_key: label, "count": len(values), "median": _hours(statistics.median(values)),
                "p90": _hours(_percentile(values, 0.9))}  # fmt: skip

    kinds = [stats("kind", ctx.t(f"web.kind.{k}"), v) for k, v in sorted(by_kind.items())]
    deciders = sorted(
        (stats("approver", ctx.name(d), v) for d, v in by_decider.items()), key=lambda r: (-r["count"], r["approver"])
    )
    months = [stats("month", m, v) for m, v in sorted(by_month.items())]
    cols = [Column("count", "web.col.count", True), Column("median", "web.col.median_h", True),
            Column("p90", "web.col.p90_h", True)]  # fmt: skip
    page = Page("turnaround", ("kind", "team", "person", "since", "until"))
    everything = [h for v in by_kind.values() for h in v]
    page.summary = [
        ("web.col.count", str(len(everything))),
        ("web.col.median_h", str(_hours(statistics.median(everything))) if everything else "—"),
        ("web.col.p90_h", str(_hours(_percentile(everything, 0.9))) if everything else "—"),
        ("web.turnaround.automatic", str(automatic)),
    ]
    series = [ctx.t("web.col.median_h"), ctx.t("web.col.p90_h")]
    page.charts = [
        charts.bars(ctx.t("web.turnaround.by_month"), [(m["month"], [m["median"], m["p90"]]) for m in months[-12:]],
                    series, "h"),
        charts.bars(ctx.t("web.turnaround.by_kind"), [(k["kind"], [k["median"], k["p90"]]) for k in kinds], series,
                    "h"),
        charts.bars(ctx.t("web.turnaround.by_approver"),
                    [(d["approver"], [d["median"], d["p90"]]) for d in deciders[:12]], series, "h"),
    ]  # fmt: skip
    page.tables = [
        Table("kinds", "web.turnaround.by_kind", [Column("kind", "web.col.kind"), *cols], kinds),
        Table("approvers", "web.turnaround.by_approver", [Column("approver", "web.col.decided_by"), *cols], deciders),
        Table("months", "web.turnaround.by_month", [Column("month", "web.col.month"), *cols], months),
    ]
    return page


# -- Spend -------------------------------------------------------------------------------------------------------


def spend(ctx: Ctx) -> Page:
    """Approved claims (or those of the status chosen) in yen: a foreign claim counts once finance fixed its yen."""
    if not ctx.filters.status:
        ctx = Ctx(ctx.services, ctx.viewer, ctx.locale, _with(ctx.filters, status="approved"), ctx.now)
    ctx = Ctx(ctx.services, ctx.viewer, ctx.locale, _with(ctx.filters, kind="expense"), ctx.now)
    where, params = request_where(ctx, month_of="created_at")
    store = ctx.services.store
    # One parse of each claim's JSON (SQLite 3.40 has no parse cache: every json_extract would parse it again).
    rows = store.query(
        "SELECT r.id, r.requester_id, json_extract(r.details, '$.category', '$.date', '$.vendor', '$.currency', "
        f"'$.amount', '$.amount_jpy') AS d FROM requests r WHERE {where}",
        tuple(params),
    )
    team_of = {e.id: e.team for e in ctx.services.directory}
    by_cat: Counter[str] = Counter()
    by_team: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    vendors: Counter[str] = Counter()
    vendor_n: Counter[str] = Counter()
    ent: Counter[str] = Counter()
    ent_n: Counter[str] = Counter()
    yen_of: dict[int, int] = {}
    for row in rows:
        category, day, vendor, currency, amount_text, amount_jpy = json.loads(row["d"])
        amount = int(float(amount_text or 0)) if currency == "JPY" else int(amount_jpy or 0)
        yen_of[row["id"]] = amount
        category = category or "other"
        by_cat[category] += amount
        by_team[team_of.get(row["requester_id"], "") or "—"] += amount
        by_month[str(day or "")[:7] or "—"] += amount
        if vendor:
            vendors[vendor] += amount
            vendor_n[vendor] += 1
        if category == "entertainment":
            ent[row["requester_id"]] += amount
            ent_n[row["requester_id"]] += 1
    flagged_rows = store.query(
        "SELECT DISTINCT r.id, json_extract(f.value, '$.rule_id') AS rule_id FROM requests r, "
        "json_each(r.decision, '$.findings') AS f WHERE r.decision IS NOT NULL "
        f"AND json_extract(f.value, '$.severity') != 'info' AND {where}",
        tuple(params),
    )
    flag_n: Counter[str] = Counter()
    flag_yen: Counter[str] = Counter()
    for row in flagged_rows:
        flag_n[row["rule_id"]] += 1
        flag_yen[row["rule_id"]] += yen_of.get(row["id"], 0)
    total = sum(by_cat.values())
    page = Page("spend", ("team", "person", "status", "since", "until"))
    page.summary = [("web.spend.total", yen(total)), ("web.col.count", str(len(rows)))]
    cats: list[dict[str, Any]] = [{"category": ctx.t(f"cat.{c}"), "yen": v} for c, v in by_cat.most_common()]
    teams = [{"team": k, "yen": v} for k, v in by_team.most_common()]
    months: list[dict[str, Any]] = [{"month": k, "yen": v} for k, v in sorted(by_month.items())]
    tops = [{"vendor": k, "count": vendor_n[k], "yen": v} for k, v in vendors.most_common(20)]
    people = [{"person": ctx.name(p), "count": ent_n[p], "yen": v} for p, v in ent.most_common()]
    rules = [
        {"rule": k, "claims": n, "yen": flag_yen[k]} for k, n in sorted(flag_n.items(), key=lambda x: (-x[1], x[0]))
    ]
    money = [Column("yen", "web.col.yen", True, yen=True)]
    page.charts = [
        charts.bars(ctx.t("web.spend.by_month"), [(m["month"], [m["yen"]]) for m in months[-12:]], unit=""),
        charts.bars(ctx.t("web.spend.by_category"), [(c["category"], [c["yen"]]) for c in cats]),
    ]
    page.tables = [
        Table("categories", "web.spend.by_category", [Column("category", "web.col.category"), *money], cats),
        Table("teams", "web.spend.by_team", [Column("team", "web.col.team"), *money], teams),
        Table("months", "web.spend.by_month", [Column("month", "web.col.month"), *money], months),
        Table("vendors", "web.spend.vendors",
              [Column("vendor", "web.col.vendor"), Column("count", "web.col.count", True), *money], tops),
        Table("entertainment", "web.spend.entertainment",
              [Column("person", "web.col.person"), Column("count", "web.col.count", True), *money], people),
        Table("flagged", "web.spend.flagged",
              [Column("rule", "web.col.rule"), Column("claims", "web.col.count", True), *money], rules),
    ]  # fmt: skip
    return page


def _with(f: Filters, **changes: str) -> Filters:
    data = {**f.query(), **changes}
    return Filters(**data, ignored=f.ignored)


# -- Leave -------------------------------------------------------------------------------------------------------


def leave(ctx: Ctx) -> Page:
    services, today = ctx.services, ctx.now.astimezone(TOKYO).date()
    policy = services.rules.leave
    people = ctx.viewer.visible_people(services.directory)
    if ctx.filters.team:
        people = [p for p in people if p.team == ctx.filters.team]
    if ctx.filters.person:
        people = [p for p in people if p.id == ctx.filters.person]
    balances, duty = [], []
    for person in people:
        usages = records.leave_usages(services.store, person.id)
        grants = records.manual_grants(services.store, person.id)
        balance = compute_balance(person, usages, today, policy.annual, grants)
        expiring = balance.expiring
        soon = expiring is not None and (expiring[0].expires - today).days <= 90
        balances.append(
            {
                "person": ctx.name(person.id),
                "team": person.team,
                "remaining": balance.remaining,
                "taken": balance.taken,
                "booked": balance.booked,
                "expiring": round(expiring[1], 1) if expiring and soon else 0,
                "expires": expiring[0].expires.isoformat() if expiring and soon else "",
                "_class": "q-reminded" if soon else "",
            }
        )
        status = five_day_duty(person, usages, today, policy.annual, policy.five_day_duty, grants)
        if status is not None:
            state = "done" if status.short <= 0 else ("behind" if today >= status.remind_from else "on_track")
            duty.append(
                {
                    "person": ctx.name(person.id),
                    "taken": status.taken,
                    "required": status.required,
                    "deadline": status.deadline.isoformat(),
                    "state": ctx.t(f"web.leave.duty.{state}"),
                    "_class": {"done": "q-fresh", "behind": "q-overdue", "on_track": ""}[state],
                }
            )
    start = today - dt.timedelta(days=today.weekday())
    end = start + dt.timedelta(days=27)
    days_off = records.absences(services.store, [p.id for p in people], today, end)
    by_day: dict[dt.date, list[str]] = defaultdict(list)
    for who, day in sorted(days_off, key=lambda x: (x[1], x[0])):
        by_day[day].append(ctx.name(who))
    weeks = []
    for w in range(4):
        week = []
        for d in range(7):
            day = start + dt.timedelta(days=7 * w + d)
            week.append({"date": day.isoformat(), "day": day.day, "names": by_day.get(day, []), "past": day < today,
                         "off": not services.rules.calendar.is_working_day(day)})  # fmt: skip
        weeks.append(week)
    upcoming = [{"date": day.isoformat(), "person": name} for day, names in sorted(by_day.items()) for name in names]
    page = Page("leave", ("team", "person"))
    page.calendar = weeks
    page.summary = [("web.leave.people", str(len(people))), ("web.leave.absences", str(len(upcoming)))]
    page.tables = [
        Table("balances", "web.leave.balances", [
            Column("person", "web.col.person"), Column("team", "web.col.team"),
            Column("remaining", "web.leave.remaining", True), Column("taken", "web.leave.taken", True),
            Column("booked", "web.leave.booked", True), Column("expiring", "web.leave.expiring", True),
            Column("expires", "web.leave.expires"),
        ], balances),
        Table("duty", "web.leave.duty", [
            Column("person", "web.col.person"), Column("taken", "web.leave.taken", True),
            Column("required", "web.leave.required", True), Column("deadline", "web.leave.deadline"),
            Column("state", "web.col.state"),
        ], duty),
        Table("upcoming", "web.leave.upcoming", [Column("date", "web.col.date"), Column("person", "web.col.person")],
              upcoming),
    ]  # fmt: skip
    return page


# -- Contracts ---------------------------------------------------------------------------------------------------


def contracts(ctx: Ctx) -> Page:
    ctx = Ctx(ctx.services, ctx.viewer, ctx.locale, _with(ctx.filters, kind="contract"), ctx.now)
    where, params = request_where(ctx)
    store = ctx.services.store
    finals = tuple(s.value for s in FINAL_STATUSES)
    rows = store.query(
        "SELECT r.id, r.requester_id, r.status, r.created_at, json_extract(r.details, '$.title') AS title, "
        "json_extract(r.details, '$.counterparty') AS counterparty, "
        "json_array_length(json_extract(r.details, '$.red_flags')) AS flags, "
        "(SELECT s.approver_id FROM approval_steps s WHERE s.request_id = r.id AND s.status = 'pending' "
        " ORDER BY s.seq LIMIT 1) AS waiting "
        f"FROM requests r WHERE r.status NOT IN ({','.join('?' * len(finals))}) AND {where} ORDER BY r.id",
        (*finals, *params),
    )
    review = [
        {
            "id": f"#{r['id']}", "title": r["title"] or "", "counterparty": r["counterparty"] or "",
            "requester": ctx.name(r["requester_id"]), "status": ctx.t(f"status.{r['status']}"),
            "waiting": ctx.name(r["waiting"]) if r["waiting"] else (ctx.name(r["requester_id"])
                                                                    if r["status"] == "needs_info" else ""),
            "flags": int(r["flags"] or 0), "since": r["created_at"][:10], "_link": _link(r["id"]),
            "_class": "q-overdue" if r["flags"] else "",
        }
        for r in rows
    ]  # fmt: skip
    flags = store.query(
        "SELECT f.value AS rule_id, COUNT(*) AS n FROM requests r, json_each(json_extract(r.details, '$.red_flags')) "
        f"AS f WHERE {where} GROUP BY f.value ORDER BY n DESC, f.value",
        tuple(params),
    )
    items = ctx.services.rules.contracts.checklist
    by_item = [
        {"rule": f["rule_id"], "item": _item_title(items.get(str(f["rule_id"]).removeprefix("C2.")), ctx.locale),
         "count": f["n"]}
        for f in flags
    ]  # fmt: skip
    waiting: Counter[str] = Counter(r["waiting"] for r in review if r["waiting"])
    page = Page("contracts", ("team", "person", "status", "since", "until"))
    page.summary = [("web.contracts.in_review", str(len(review)))]
    page.charts = [charts.bars(ctx.t("web.contracts.flags"), [(f["rule"], [f["count"]]) for f in by_item])]
    page.tables = [
        Table("review", "web.contracts.in_review", [
            Column("id", "web.col.request"), Column("title", "web.col.title"),
            Column("counterparty", "web.col.counterparty"), Column("requester", "web.col.requester"),
            Column("status", "web.col.status"), Column("waiting", "web.col.waiting_for"),
            Column("flags", "web.col.flags", True), Column("since", "web.col.since"),
        ], review),
        Table("flags", "web.contracts.flags",
              [Column("rule", "web.col.rule"), Column("item", "web.col.item"), Column("count", "web.col.count", True)],
              by_item),
        Table("waiting", "web.contracts.waiting",
              [Column("person", "web.col.person"), Column("count", "web.col.count", True)],
              [{"person": p, "count": n} for p, n in waiting.most_common()]),
    ]  # fmt: skip
    return page


def _item_title(item: Any, locale: str) -> str:
    if item is None:
        return ""
    for attr in (locale, "ja"):
        value = getattr(item, attr, None)
        if isinstance(value, str) and value:
            return value
    return ""


# -- Questions ---------------------------------------------------------------------------------------------------


def questions(ctx: Ctx) -> Page:
    where, params = ctx.viewer.question_scope()
    f = ctx.filters
    if f.team:
        where += " AND q.owner = ?"
        params.append(f.team)
    if f.person:
        where += " AND q.asker_id = ?"
        params.append(f.person)
    store = ctx.services.store
    open_rows = store.query(
        f"SELECT q.id, q.asker_id, q.owner, q.text, q.asked_at FROM questions q WHERE q.status = 'asked' AND {where} "
        "ORDER BY q.asked_at",
        tuple(params),
    )
    unanswered = [
        {"id": f"Q{r['id']}", "asker": ctx.name(r["asker_id"]), "team": ctx.t(f"role.{r['owner']}") if r["owner"]
         else "", "question": (r["text"] or "")[:120], "since": (r["asked_at"] or "")[:16].replace("T", " ")}
        for r in open_rows
    ]  # fmt: skip
    votes = store.query(
        "SELECT COALESCE(q.owner, '') AS owner, COUNT(*) AS answered, COALESCE(SUM(q.feedback = 1), 0) AS up, "
        f"COALESCE(SUM(q.feedback = -1), 0) AS down FROM questions q WHERE {where} GROUP BY owner ORDER BY owner",
        tuple(params),
    )
    voted = [
        {"team": ctx.t(f"role.{v['owner']}") if v["owner"] else "—", "answered": v["answered"], "up": v["up"],
         "down": v["down"]}
        for v in votes
    ]  # fmt: skip
    faq_rows = store.query(
        f"SELECT q.id, q.faq_section, q.answered_by, q.answered_at, q.text FROM questions q "
        f"WHERE q.faq_section IS NOT NULL AND {where} ORDER BY q.answered_at DESC",
        tuple(params),
    )
    faq = [
        {"id": f"Q{r['id']}", "section": r["faq_section"], "by": ctx.name(r["answered_by"]),
         "question": (r["text"] or "")[:120], "at": (r["answered_at"] or "")[:10]}
        for r in faq_rows
    ]  # fmt: skip
    page = Page("questions", ("team", "person"))
    page.summary = [
        ("web.questions.unanswered", str(len(unanswered))),
        ("web.questions.up", str(sum(v["up"] for v in voted))),
        ("web.questions.down", str(sum(v["down"] for v in voted))),
        ("web.questions.faq", str(len(faq))),
    ]
    page.tables = [
        Table("unanswered", "web.questions.unanswered", [
            Column("id", "web.col.question_id"), Column("asker", "web.col.asker"), Column("team", "web.col.team"),
            Column("question", "web.col.question"), Column("since", "web.col.since"),
        ], unanswered),
        Table("votes", "web.questions.votes", [
            Column("team", "web.col.team"), Column("answered", "web.col.count", True),
            Column("up", "web.questions.up", True), Column("down", "web.questions.down", True),
        ], voted),
        Table("faq", "web.questions.faq", [
            Column("id", "web.col.question_id"), Column("section", "web.col.section"), Column("by", "web.col.by"),
            Column("question", "web.col.question"), Column("at", "web.col.date"),
        ], faq),
    ]  # fmt: skip
    return page


# -- one request -------------------------------------------------------------------------------------------------


def audit_entries(ctx: Ctx, request_id: int) -> Table:
    rows = ctx.services.store.query(
        "SELECT id, at, actor, action, data FROM audit_log WHERE request_id = ? ORDER BY id", (request_id,)
    )
    entries = []
    for r in rows:
        try:
            data = json.loads(r["data"] or "{}")
        except ValueError:
            data = {}
        data.pop("after", None)  # the tables' state as the entry recorded it: long, and shown above already
        shown = json.dumps(data, ensure_ascii=False, sort_keys=True)
        entries.append({"n": r["id"], "at": (r["at"] or "")[:19].replace("T", " "), "actor": ctx.name(r["actor"]),
                        "action": r["action"], "data": shown[:400] + ("…" if len(shown) > 400 else "")})  # fmt: skip
    return Table("audit", "web.request.audit", [
        Column("n", "web.col.entry", True), Column("at", "web.col.at"), Column("actor", "web.col.by"),
        Column("action", "web.col.action"), Column("data", "web.col.data"),
    ], entries)  # fmt: skip


PAGES: dict[str, Callable[[Ctx], Page]] = {
    "queue": queue,
    "turnaround": turnaround,
    "spend": spend,
    "leave": leave,
    "contracts": contracts,
    "questions": questions,
}
