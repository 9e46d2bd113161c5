"""`decide(request, context) -> Decision`: pure, deterministic, and the only place that approves.

Everything a rule needs from the outside world (prior claims, leave balance, who in the team
is off) is gathered by the caller into a `DecisionContext` first, so a decision can be
replayed and explained from what was recorded, and runs thousands of times a second.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from bot.contracts.extract import is_deny_listed
from bot.i18n import both, days, finding, yen
from bot.models import (
    ContractReview,
    Decision,
    Employee,
    ExpenseClaim,
    Finding,
    LeaveRequest,
    Outcome,
    Request,
    Severity,
    StepSpec,
)
from bot.rules.invoice import invoice_check_digit_ok, normalize_invoice_number
from bot.rules.loader import RuleSet
from bot.rules.schema import ExpensePolicy

EPS = 1e-9


@dataclass(frozen=True, slots=True)
class PriorClaim:
    """An earlier claim of the same requester that was not rejected or cancelled (for E7)."""

    request_id: int
    amount: Decimal
    currency: str
    date: dt.date
    vendor: str | None


@dataclass(frozen=True, slots=True)
class LeaveFacts:
    """What the leave rules need to know about the requester on the requested days."""

    balance_days: float = 0.0  # annual leave available at the start, net of other open requests
    first_grant: dt.date | None = None
    hourly_used_hours: float = 0.0  # in the current leave year (L2)
    sick_paid_used_days: float = 0.0  # in the calendar year (L7)
    team_size: int = 1
    team_absent: Mapping[dt.date, int] = field(default_factory=dict)  # others in the team off that day


@dataclass(frozen=True, slots=True)
class DecisionContext:
    today: dt.date
    requester: Employee
    rules: RuleSet
    prior_claims: tuple[PriorClaim, ...] = ()
    leave: LeaveFacts = field(default_factory=LeaveFacts)


class _Draft:
    """Collects findings and required roles while the rules run."""

    __slots__ = ("findings", "notify", "roles", "routing")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.roles: dict[str, list[str]] = {}
        self.notify: list[str] = []
        self.routing: set[int] = set()  # findings that only explain a step of the chain

    def add(self, f: Finding) -> None:
        self.findings.append(f)

    def add_route(self, f: Finding) -> None:
        self.routing.add(len(self.findings))
        self.findings.append(f)

    def route(self, role: str, rule_id: str) -> None:
        ids = self.roles.setdefault(role, [])
        if rule_id not in ids:
            ids.append(rule_id)

    def has(self, *severities: Severity) -> bool:
        return any(f.severity in severities for f in self.findings)

    def finish(self, rules: RuleSet, auto: bool) -> Decision:
        chain: tuple[StepSpec, ...] = ()
        if self.has(Severity.REJECT):
            outcome = Outcome.REJECTED
        elif self.has(Severity.BLOCK):
            # A request waiting for information has no chain until it is complete.
            outcome = Outcome.NEEDS_INFO
        elif auto:
            outcome = Outcome.AUTO_APPROVED
        else:
            order = rules.routing.chain_order
            ranked = sorted(self.roles, key=lambda r: order.index(r) if r in order else len(order))
            outcome, chain = Outcome.NEEDS_APPROVAL, tuple(StepSpec(r, tuple(self.roles[r])) for r in ranked)
        notify = tuple(self.notify) if outcome is Outcome.AUTO_APPROVED else ()
        findings = self.findings
        if not chain:
            # No chain, no step to explain: only what flagged or decided the request stays.
            findings = [f for i, f in enumerate(findings) if i not in self.routing]
        return Decision(outcome, tuple(findings), chain, rules.version, notify)


def decide(request: Request | ExpenseClaim | LeaveRequest | ContractReview, ctx: DecisionContext) -> Decision:
    details = request.details if isinstance(request, Request) else request
    if isinstance(details, ExpenseClaim):
        return decide_expense(details, ctx)
    if isinstance(details, LeaveRequest):
        return decide_leave(details, ctx)
    if isinstance(details, ContractReview):
        return decide_contract(details, ctx)
    raise TypeError(f"no rules for {type(details).__name__}")


# -- expenses ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _keyword_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    parts = []
    for w in words:
        escaped = re.escape(w.lower())
        # ASCII words need boundaries against other ASCII letters ("bus" is not in "business"),
        # but not against Japanese, which has no spaces ("JR東日本").
        parts.append(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])" if w.isascii() else escaped)
    return re.compile("|".join(parts))


def is_public_transport(claim: ExpenseClaim, policy: ExpensePolicy) -> bool:
    pt = policy.public_transport
    if claim.category not in pt.categories:
        return False
    text = f"{claim.description} {claim.vendor or ''}".lower()
    yes = _keyword_pattern(tuple(pt.keywords))
    no = _keyword_pattern(tuple(pt.not_keywords))
    return bool(yes and yes.search(text)) and not (no and no.search(text))


def _same_vendor(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True  # only compared where both name one
    return a.replace(" ", "").casefold() == b.replace(" ", "").casefold()


def decide_expense(claim: ExpenseClaim, ctx: DecisionContext) -> Decision:
    p = ctx.rules.expenses
    d = _Draft()
    amount_yen = claim.yen()
    foreign = claim.currency != "JPY"
    public = is_public_transport(claim, p)
    category = both(f"cat.{claim.category}")

    # E1: submission deadline.
    age = (ctx.today - claim.date).days
    limit = p.submission_deadline.max_days_after_expense
    if age < 0:
        d.add(finding("E1", Severity.BLOCK, "E1.future", {"date": claim.date.isoformat()}, date=claim.date))
    elif age > limit:
        if "E1" in claim.waived:
            d.add(finding("E1", Severity.INFO, "E1.waived", {"age": age, "limit": limit}, limit=limit))
        else:
            d.add(finding("E1", Severity.REJECT, "E1.late", {"age": age, "limit": limit}, age=age, limit=limit))

    # E2: receipt. A foreign claim's yen amount is unknown, so it needs one.
    threshold = p.receipt.required_from_yen
    exempt = public and p.receipt.exempt_public_transport
    if not claim.receipts and not exempt and (amount_yen is None or amount_yen >= threshold):
        d.add(
            finding(
                "E2",
                Severity.BLOCK,
                "E2.receipt",
                {"threshold": threshold, "amount": amount_yen},
                threshold=yen(threshold),
            )
        )

    # E3: qualified-invoice registration number; a warning for finance, never a block.
    inv = p.invoice_number
    invoice_exempt = (public and inv.exempt_public_transport) or (foreign and inv.exempt_foreign_currency)
    if amount_yen is not None and amount_yen >= inv.required_from_yen and not invoice_exempt:
        if not claim.invoice_number:
            d.add(
                finding(
                    "E3",
                    Severity.WARNING,
                    "E3.missing",
                    {"threshold": inv.required_from_yen},
                    threshold=yen(inv.required_from_yen),
                )
            )
        else:
            number = normalize_invoice_number(claim.invoice_number)
            if number is None or not invoice_check_digit_ok(number):
                d.add(
                    finding(
                        "E3",
                        Severity.WARNING,
                        "E3.invalid",
                        {"number": claim.invoice_number},
                        number=claim.invoice_number,
                    )
                )

    # E4: entertainment.
    ent = p.entertainment
    if claim.category in ent.categories:
        if not claim.attendees or claim.attendees < 1:
            d.add(finding("E4", Severity.BLOCK, "E4.attendees"))
        elif amount_yen is not None:
            per_person = amount_yen / claim.attendees
            data = {"per_person": round(per_person), "attendees": claim.attendees}
            if per_person <= ent.meeting_cost_per_person_max_yen:
                d.add(finding("E4", Severity.INFO, "E4.meeting_cost", data, per_person=yen(per_person)))
            if per_person > ent.finance_per_person_over_yen:
                d.add(
                    finding(
                        "E4",
                        Severity.WARNING,
                        "E4.finance",
                        data,
                        per_person=yen(per_person),
                        threshold=yen(ent.finance_per_person_over_yen),
                    )
                )
                d.route("finance", "E4")

    # E7: possible duplicate.
    for prior in ctx.prior_claims:
        if (
            prior.amount == claim.amount
            and prior.currency == claim.currency
            and prior.date == claim.date
            and _same_vendor(prior.vendor, claim.vendor)
        ):
            d.add(finding("E7", Severity.WARNING, "E7.duplicate", {"other": prior.request_id}, other=prior.request_id))
            d.route(p.duplicates.add_role, "E7")
            break

    # E8: foreign currency.
    if foreign:
        d.add(finding("E8", Severity.WARNING, "E8.foreign", {"currency": claim.currency}, currency=claim.currency))
        d.route(p.foreign_currency.add_role, "E8")

    # E5: automatic approval when nothing above flagged the claim.
    auto_limit = p.auto_approve_max_yen.get(claim.category)
    flagged = d.roles or d.has(Severity.WARNING, Severity.BLOCK, Severity.REJECT)
    auto = bool(
        not flagged and not foreign and auto_limit is not None and amount_yen is not None and amount_yen <= auto_limit
    )
    if auto:
        d.add(
            finding(
                "E5",
                Severity.INFO,
                "E5.auto",
                {"limit": auto_limit, "category": claim.category},
                category=category,
                limit=yen(auto_limit or 0),
            )
        )
    else:
        # E6: the route for everything else.
        r = p.routing
        d.route("manager", "E6")
        d.add_route(finding("E6", Severity.INFO, "E6.manager"))
        if amount_yen is not None and amount_yen > r.finance_over_yen:
            d.route("finance", "E6")
            d.add_route(
                finding(
                    "E6",
                    Severity.INFO,
                    "E6.finance_amount",
                    {"threshold": r.finance_over_yen},
                    threshold=yen(r.finance_over_yen),
                )
            )
        elif claim.category in r.finance_categories:
            d.route("finance", "E6")
            d.add_route(
                finding("E6", Severity.INFO, "E6.finance_category", {"category": claim.category}, category=category)
            )
        if amount_yen is not None and amount_yen > r.ceo_over_yen:
            d.route("ceo", "E6")
            d.add_route(
                finding("E6", Severity.INFO, "E6.ceo", {"threshold": r.ceo_over_yen}, threshold=yen(r.ceo_over_yen))
            )
    return d.finish(ctx.rules, auto)


# -- leave ---------------------------------------------------------------------------------------


def leave_amount_days(req: LeaveRequest, working: list[dt.date], hours_per_day: int) -> float:
    """Days of balance a request uses: working days only (L10), half a day for am/pm."""
    if req.portion in ("am", "pm"):
        return 0.5 if working else 0.0
    if req.portion == "hours":
        return (req.hours or 0) / hours_per_day if working else 0.0
    return float(len(working))


def _unit_problem(req: LeaveRequest, hours_per_day: int) -> tuple[str, str] | None:
    if req.end < req.start:
        return "終了日が開始日より前です。", "The end date is before the start date."
    if req.portion not in ("full", "am", "pm", "hours"):
        return f"休暇の単位 '{req.portion}' は使えません。", f"'{req.portion}' is not a leave unit."
    if req.portion != "full" and req.start != req.end:
        return "半休・時間単位の休暇は1日ずつ申請してください。", "Half-day and hourly leave are for one day at a time."
    if req.portion == "hours" and not (req.hours and 1 <= req.hours < hours_per_day):
        return (
            f"時間単位の休暇は1〜{hours_per_day - 1}時間で指定してください。",
            f"Hourly leave is 1 to {hours_per_day - 1} hours.",
        )
    return None


def decide_leave(req: LeaveRequest, ctx: DecisionContext) -> Decision:
    lp = ctx.rules.leave
    cal = ctx.rules.calendar
    facts = ctx.leave
    d = _Draft()

    problem = _unit_problem(req, lp.hours_per_day)
    if problem:
        d.add(finding("L2", Severity.BLOCK, "L2.bad_unit", {}, problem=problem[0], problem_en=problem[1]))
        return d.finish(ctx.rules, auto=False)
    if req.portion in ("am", "pm") and not lp.units.half_day:
        d.add(finding("L2", Severity.REJECT, "L2.half_day_off"))
        return d.finish(ctx.rules, auto=False)

    # L10: only working days count.
    working = cal.working_days(req.start, req.end)
    if not working:
        d.add(finding("L10", Severity.BLOCK, "L10.none", {"start": req.start.isoformat(), "end": req.end.isoformat()}))
        return d.finish(ctx.rules, auto=False)
    skipped = [day for day in cal.days(req.start, req.end) if not cal.is_working_day(day)]
    if skipped:
        shown = ", ".join(f"{s.month}/{s.day}" for s in skipped[:6]) + ("…" if len(skipped) > 6 else "")
        d.add(
            finding(
                "L10",
                Severity.INFO,
                "L10.skipped",
                {"skipped": [s.isoformat() for s in skipped]},
                count=len(skipped),
                dates=shown,
            )
        )
    amount = leave_amount_days(req, working, lp.hours_per_day)
    n_days = len(working)

    # L2: the hourly cap is on annual leave taken by the hour (art. 39(4)); other kinds have none.
    if req.portion == "hours" and req.leave_type == "annual":
        cap = lp.units.hourly_cap_hours_per_year
        left = max(0.0, cap - facts.hourly_used_hours)
        if (req.hours or 0) > left + EPS:
            d.add(
                finding(
                    "L2",
                    Severity.REJECT,
                    "L2.hourly_cap",
                    {"cap": cap, "left": left, "hours": req.hours},
                    cap=cap,
                    left=days(left),
                    hours=req.hours,
                )
            )

    # L3: notice.
    notice_ok = True
    if req.leave_type not in lp.notice.exempt_types:
        n = lp.notice
        required = n.short_working_days_ahead if n_days <= n.short_max_days_off else n.long_working_days_ahead
        earliest = cal.nth_working_day_after(ctx.today, required) if required else ctx.today
        if working[0] < earliest:
            notice_ok = False
            d.add(
                finding(
                    "L3",
                    Severity.WARNING,
                    "L3.short_notice",
                    {"required": required, "earliest": earliest.isoformat(), "days": n_days},
                    days=n_days,
                    required=required,
                    earliest=earliest.isoformat(),
                )
            )
            d.route("manager", "L3")

    auto = False
    if req.leave_type == "annual":
        auto = _annual(req, ctx, d, amount, n_days, working, notice_ok)
    elif req.leave_type == "special":
        _special(req, ctx, d, amount)
    elif req.leave_type == "sick":
        left = max(0.0, lp.sick.paid_days_per_year - facts.sick_paid_used_days)
        if amount > left + EPS:
            over = amount - left
            d.add(
                finding(
                    "L7",
                    Severity.WARNING,
                    "L7.over",
                    {"paid_left": left, "over": over},
                    paid=days(lp.sick.paid_days_per_year),
                    left=days(left),
                    over=days(over),
                )
            )
        for role in lp.sick.approvers:
            d.route(role, "L7")
        d.add_route(finding("L7", Severity.INFO, "L7.route"))
    elif req.leave_type == "compensatory":
        _compensatory(req, ctx, d)
    else:  # unpaid
        for role in lp.other_approvers:
            d.route(role, "L5")
        d.add_route(finding("L5", Severity.INFO, "L5.unpaid"))
    return d.finish(ctx.rules, auto)


def _annual(
    req: LeaveRequest,
    ctx: DecisionContext,
    d: _Draft,
    amount: float,
    n_days: int,
    working: list[dt.date],
    notice_ok: bool,
) -> bool:
    lp = ctx.rules.leave
    facts = ctx.leave
    if facts.balance_days <= EPS and facts.first_grant and facts.first_grant > working[0]:
        d.add(
            finding(
                "L1",
                Severity.INFO,
                "L1.no_grant",
                {"first_grant": facts.first_grant.isoformat()},
                first_grant=facts.first_grant.isoformat(),
            )
        )
    balance_ok = True
    shortfall = amount - facts.balance_days
    if shortfall > EPS:
        balance_ok = False
        if req.unpaid_days + EPS >= shortfall:
            d.add(
                finding(
                    "L5", Severity.INFO, "L5.unpaid_confirmed", {"unpaid": req.unpaid_days}, days=days(req.unpaid_days)
                )
            )
            d.route("manager", "L5")
        else:
            d.add(
                finding(
                    "L5",
                    Severity.BLOCK,
                    "L5.short",
                    {
                        "balance": facts.balance_days,
                        "needed": amount,
                        "shortfall": shortfall,
                        "offer_unpaid": lp.insufficient_balance.offer_unpaid,
                    },
                    balance=days(facts.balance_days),
                    needed=days(amount),
                    shortfall=days(shortfall),
                )
            )

    aa = lp.auto_approve
    team_ok = True
    if facts.team_size > 0:
        for day in working:
            absent = facts.team_absent.get(day, 0)
            if absent / facts.team_size >= aa.team_absent_below - EPS:
                team_ok = False
                d.add(
                    finding(
                        "L4",
                        Severity.WARNING,
                        "L4.team",
                        {"date": day.isoformat(), "absent": absent, "size": facts.team_size},
                        date=day.isoformat(),
                        absent=absent,
                        size=facts.team_size,
                    )
                )
                d.route("manager", "L4")
                break
    within = n_days <= aa.max_working_days
    if "annual" in aa.leave_types and within and balance_ok and notice_ok and team_ok:
        d.add(finding("L4", Severity.INFO, "L4.auto", {"max_days": aa.max_working_days}, days=aa.max_working_days))
        if aa.notify_manager:
            d.notify.append("manager")
        return True
    for role in lp.other_approvers:
        d.route(role, "L4")
    if not within:
        d.add_route(finding("L4", Severity.INFO, "L4.too_long", {"days": n_days}, days=n_days))
    elif not d.findings or all(f.rule_id != "L4" for f in d.findings):
        d.add_route(finding("L4", Severity.INFO, "L4.manager"))
    return False


def _special(req: LeaveRequest, ctx: DecisionContext, d: _Draft, amount: float) -> None:
    sp = ctx.rules.leave.special
    reason = sp.reasons.get(req.special_reason or "")
    if reason is None:
        listing_ja = ", ".join(f"{k} ({r.ja})" for k, r in sp.reasons.items())
        listing_en = ", ".join(f"{k} ({r.en})" for k, r in sp.reasons.items())
        d.add(
            finding(
                "L6",
                Severity.BLOCK,
                "L6.reason",
                {"reasons": list(sp.reasons)},
                reasons={"ja": listing_ja, "en": listing_en},
            )
        )
        return
    label = {"ja": reason.ja, "en": reason.en}
    if amount > reason.days + EPS:
        d.add(
            finding(
                "L6",
                Severity.WARNING,
                "L6.over",
                {"entitled": reason.days, "over": amount - reason.days},
                reason=label,
                entitled=days(reason.days),
                over=days(amount - reason.days),
            )
        )
    for role in sp.approvers:
        d.route(role, "L6")
    d.add_route(
        finding(
            "L6", Severity.INFO, "L6.route", {"reason": req.special_reason}, reason=label, entitled=days(reason.days)
        )
    )


def _compensatory(req: LeaveRequest, ctx: DecisionContext, d: _Draft) -> None:
    worked = req.worked_holiday
    cal = ctx.rules.calendar
    if worked is None:
        d.add(finding("L8", Severity.BLOCK, "L8.missing"))
        return
    if worked > ctx.today:
        d.add(finding("L8", Severity.BLOCK, "L8.future", {"date": worked.isoformat()}, date=worked.isoformat()))
        return
    if cal.is_working_day(worked):
        d.add(finding("L8", Severity.BLOCK, "L8.not_holiday", {"date": worked.isoformat()}, date=worked.isoformat()))
        return
    for role in ctx.rules.leave.compensatory.approvers:
        d.route(role, "L8")
    d.add_route(finding("L8", Severity.INFO, "L8.route", {"worked": worked.isoformat()}, date=worked.isoformat()))


# -- contracts -----------------------------------------------------------------------------------


def decide_contract(review: ContractReview, ctx: DecisionContext) -> Decision:
    """C3 and C5 on what the checker recorded: a standard mutual NDA with no red flag is approved by
    rule and legal told; everything else goes to legal, and to the CEO too from the threshold up."""
    p = ctx.rules.contracts.approval
    d = _Draft()
    threshold = yen(p.ceo_from_yen)
    # C5 is checked against today's deny list as well as what the checker matched: a name added to the
    # list since the contract was read still stops an automatic approval.
    denied = list(review.denied)
    if review.counterparty and not any(x.get("found_as") == review.counterparty for x in denied):
        hit = _denied_name(review.counterparty, ctx.rules)
        if hit is not None:
            denied.append({"name": hit[0], "reason": hit[1], "found_as": review.counterparty})
    for x in denied:
        shown = {"name": x.get("found_as", ""), "listed": x.get("name", "")}
        d.add(finding("C5", Severity.WARNING, "contract.C5.denied", dict(x), **shown))
        d.route("legal", "C5")
    for f in review.findings:  # after C5, which overrides everything the checklist says
        d.add(f)
    standard = (
        review.contract_type in p.auto_approve_types
        and review.mutual is True
        and not review.red_flags
        and not review.unread  # a page nobody could read is never approved unseen
    )
    needs_ceo = review.amount_yen is not None and review.amount_yen >= p.ceo_from_yen
    # A value the checker could not read is never taken for "below the threshold" by an automatic approval.
    auto = standard and not denied and not needs_ceo and not contract_value_needed(review, ctx.rules)
    if auto:
        d.add(finding("C3", Severity.INFO, "contract.C3.auto"))
        d.notify.append("legal")
        return d.finish(ctx.rules, auto=True)
    d.add_route(finding("C3", Severity.INFO, "contract.C3.legal", {"red_flags": list(review.red_flags)}))
    d.route("legal", "C3")
    if needs_ceo:
        d.add_route(
            finding("C3", Severity.INFO, "contract.C3.ceo", {"amount_yen": review.amount_yen}, threshold=threshold)
        )
        d.route("ceo", "C3")
    elif contract_value_needed(review, ctx.rules):
        # Legal gives the value as it approves (the workflow asks for it), and the CEO step is added from
        # the threshold up: an unread value never lets a contract skip the CEO silently.
        d.add(finding("C3", Severity.WARNING, "contract.C3.amount_unknown", threshold=threshold))
    return d.finish(ctx.rules, auto=False)


VALUE_UNREAD = "contract.C1.value_unread"  # the checker saw a fee but could not work out the value


def contract_value_needed(review: ContractReview, rules: RuleSet) -> bool:
    """C3: whether the contract's value is still to be given before the CEO threshold can be applied.
    Nobody gave one and none was read, and either the contract is of a kind that has a value (not an
    NDA as shipped) or the checker saw a fee it could not turn into a value."""
    if review.amount_yen is not None:
        return False
    return review.contract_type not in rules.contracts.approval.auto_approve_types or VALUE_UNREAD in review.unread


def _denied_name(name: str, rules: RuleSet) -> tuple[str, str] | None:
    """(listed name, reason) when `name` is a deny-listed company, however its company type is written."""
    entry = next((e for e in rules.contracts.deny_list if is_deny_listed(name, e)), None)
    return (entry.name, entry.reason) if entry else None
