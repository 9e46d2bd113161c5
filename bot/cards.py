"""Cards for requests, built by pure functions from records: the same card feeds every adapter."""

from __future__ import annotations

import datetime as dt

from bot import privacy
from bot.i18n import days, t, yen
from bot.models import (
    Action,
    ApprovalStep,
    Card,
    ContractReview,
    Employee,
    ExpenseClaim,
    Finding,
    LeaveRequest,
    Reply,
    Request,
    Severity,
    Status,
)
from bot.rules.engine import leave_amount_days
from bot.services import Services
from bot.store import records


def finding_word(f: Finding, locale: str) -> str:
    """The word a finding is shown with. A contract checklist item's message opens with its own status
    (問題なし / 注意 / 重大), so the severity word would only contradict it ("注意: 重大")."""
    return "" if "level" in f.data else t("severity." + f.severity.value, locale)


def amount_text(c: ExpenseClaim) -> str:
    """¥3,200, or 45.20 USD for a foreign claim."""
    return yen(c.amount) if c.currency == "JPY" else f"{c.amount} {c.currency}"


def _expense_fields(c: ExpenseClaim, locale: str) -> list[tuple[str, str]]:
    amount = amount_text(c)
    if c.currency != "JPY" and c.amount_jpy:
        amount += f" (= {yen(c.amount_jpy)})"
    fields = [
        (t("field.amount", locale), amount),
        (t("field.date", locale), c.date.isoformat()),
        (t("field.category", locale), t(f"cat.{c.category}", locale)),
    ]
    if c.description:
        fields.append((t("field.description", locale), c.description))
    if c.vendor:
        fields.append((t("field.vendor", locale), c.vendor))
    if c.attendees:
        fields.append((t("field.attendees", locale), str(c.attendees)))
    if c.invoice_number:
        fields.append((t("field.invoice", locale), c.invoice_number))
    if c.receipts:
        fields.append((t("field.receipts", locale), ", ".join(c.receipts)))
    if c.ai_note:
        fields.append((t("field.ai_note", locale), c.ai_note))
    return fields


def _leave_fields(r: LeaveRequest, services: Services, locale: str) -> list[tuple[str, str]]:
    period = r.start.isoformat() if r.start == r.end else f"{r.start.isoformat()} – {r.end.isoformat()}"
    unit = t(f"portion.{r.portion}", locale)
    if r.portion == "hours":
        unit += f" ({r.hours}h)"
    working = services.rules.calendar.working_days(r.start, r.end)
    amount = leave_amount_days(r, working, services.rules.leave.hours_per_day)
    fields = [
        (t("field.type", locale), t(f"leave.{r.leave_type}", locale)),
        (t("field.period", locale), period),
        (t("field.unit", locale), unit),
    ]
    if r.portion != "hours":
        fields.append((t("field.days", locale), t("bal.days", locale, n=days(amount))))
    if r.special_reason:
        reason = services.rules.leave.special.reasons.get(r.special_reason)
        shown = (reason.ja if locale == "ja" else reason.en) if reason else r.special_reason
        fields.append((t("field.reason", locale), shown))
    if r.worked_holiday:
        fields.append((t("field.worked", locale), r.worked_holiday.isoformat()))
    if r.note:
        fields.append((t("field.description", locale), r.note))
    if r.ai_note:
        fields.append((t("field.ai_note", locale), r.ai_note))
    return fields


def detail_rows(details: ExpenseClaim | LeaveRequest, services: Services, locale: str) -> list[tuple[str, str]]:
    """A claim's or leave request's fields as its card shows them: (label, value)."""
    if isinstance(details, ExpenseClaim):
        return _expense_fields(details, locale)
    return _leave_fields(details, services, locale)


def _contract_fields(r: ContractReview, locale: str) -> list[tuple[str, str]]:
    # What the checker read (type, parties, amount, term, stamp duty…) was rendered in both languages when it ran.
    fields = list(r.summary.get(locale) or r.summary.get("ja") or ((t("contract.field.source", locale), r.title),))
    if r.note:
        fields.append((t("field.description", locale), r.note))
    if r.ai_note:
        fields.append((t("field.ai_note", locale), r.ai_note))
    return fields


def chain_text(steps: list[ApprovalStep], services: Services, locale: str) -> str:
    parts = []
    for s in steps:
        who = services.name(s.approver_id, locale)
        if s.original_approver_id and s.via in ("delegate", "next_up", "escalation"):
            who += f" ({t('via.' + s.via, locale, name=services.name(s.original_approver_id, locale))})"
        parts.append(f"{t('role.' + s.role, locale)}: {who} [{t('step.' + s.status, locale)}]")
    return " → ".join(parts)


def request_card(req: Request, services: Services, locale: str, viewer: Employee | None = None) -> Card:
    assert req.id is not None
    title = t(f"card.{req.kind}", locale, id=req.id)
    fields: list[tuple[str, str]] = [(t("field.requester", locale), services.name(req.requester_id, locale))]
    if isinstance(req.details, ExpenseClaim):
        fields += _expense_fields(req.details, locale)
    elif isinstance(req.details, ContractReview):
        fields += _contract_fields(req.details, locale)
    else:
        fields += _leave_fields(req.details, services, locale)
    status = status_label(req, locale)
    lapsed = is_lapsed(req)
    if req.decided_by and req.status in (Status.APPROVED, Status.REJECTED, Status.CANCELLED, Status.NEEDS_INFO):
        who = "" if lapsed else f"{services.name(req.decided_by, locale)}, "
        status += f" ({who}{(req.decided_at or '')[:16].replace('T', ' ')})"
    fields.append((t("field.status", locale), status))
    if req.reason and not lapsed:
        fields.append((t("field.comment", locale), req.reason))
    steps = records.get_steps(services.store, req.id)
    if steps:
        fields.append((t("field.chain", locale), chain_text(steps, services, locale)))
    findings = tuple(req.decision.findings) if req.decision else ()
    footer = t("footer.rules", locale, version=req.decision.ruleset_version) if req.decision else ""
    return Card(
        title=title,
        fields=tuple(fields),
        findings=findings,
        actions=tuple(_actions(req, services, locale, viewer)),
        footer=footer,
        request_id=req.id,
        status=req.status.value,
    )


def _actions(req: Request, services: Services, locale: str, viewer: Employee | None) -> list[Action]:
    if viewer is None or req.id is None:
        return []
    acts: list[Action] = []
    if services.workflow.may_decide(req, viewer):
        acts += [
            Action("approve", t("action.approve", locale), req.id, "primary"),
            Action("reject", t("action.reject", locale), req.id, "danger"),
            Action("request_changes", t("action.request_changes", locale), req.id),
        ]
    if viewer.id == req.requester_id:
        findings = req.decision.findings if req.decision else ()
        if req.status is Status.NEEDS_INFO and any(
            f.rule_id == "E2" and f.severity is Severity.BLOCK for f in findings
        ):
            acts.append(Action("attach", t("action.attach", locale), req.id, "primary"))
        if req.status is Status.NEEDS_INFO and any(
            f.rule_id == "L5" and f.severity is Severity.BLOCK for f in findings
        ):
            acts.append(Action("confirm_unpaid", t("action.confirm_unpaid", locale), req.id, "primary"))
        if req.status is Status.NEEDS_INFO and isinstance(req.details, (ExpenseClaim, LeaveRequest)):
            # Sent back (差戻し) or short of something: fix it and send it again (handlers/edit.py).
            acts.append(Action("edit", t("action.edit", locale), req.id))
        if req.status not in (Status.APPROVED, Status.REJECTED, Status.CANCELLED) or (
            req.status is Status.APPROVED
            and isinstance(req.details, LeaveRequest)
            and req.details.start > services.today()
        ):
            acts.append(Action("cancel", t("action.cancel", locale), req.id, "danger"))
    role = services.rules.expenses.submission_deadline.override_role
    if (
        req.status is Status.REJECTED
        and req.decided_by == "rules"
        and viewer.has_role(role)
        and viewer.id != req.requester_id
        and req.decision
        and any(f.rule_id == "E1" and f.severity is Severity.REJECT for f in req.decision.findings)
    ):
        acts.append(Action("override", t("action.override", locale), req.id))
    return acts


def is_lapsed(req: Request) -> bool:
    """Cancelled by the scheduler because the information it waited for never came (bot/scheduler.py)."""
    return req.status is Status.CANCELLED and req.decided_by == "scheduler" and req.reason == "lapsed"


def status_label(req: Request, locale: str) -> str:
    """Where a request stands, in words: a lapsed claim says so rather than merely "cancelled"."""
    return t("status.lapsed" if is_lapsed(req) else f"status.{req.status.value}", locale)


def notification_reply(
    event: str, request_id: int | None, data: dict, services: Services, recipient: Employee
) -> Reply:
    """What a person is told when something happens to a request that concerns them."""
    locale = services.locale_of(recipient)
    if event == "five_day_reminder":
        taken, required = float(data.get("taken", 0)), float(data.get("required", 5))
        text = t(
            "L9.reminder",
            locale,
            deadline=data.get("deadline"),
            taken=days(taken),
            required=days(required),
            left=days(max(0.0, required - taken)),
        )
        return Reply(locale, text, to=recipient.id)
    if event == "five_day_report":
        names = ", ".join(services.name(p, locale) for p in data.get("people", []))
        key = "notify.five_day_summary" if data.get("monthly") else "notify.five_day_report"
        return Reply(locale, t(key, locale, names=names), to=recipient.id)
    if event == "audit_anchor":
        text = (
            t("notify.audit_anchor", locale, line=data["line"])
            if data.get("line")
            else t("notify.audit_anchor.broken", locale)
        )
        return Reply(locale, text, to=recipient.id)
    if event == "login_link":
        # The dashboard's one-time sign-in link (handlers/login.py): to this person's direct chat only.
        text = t("web.login.link", locale, url=data.get("url", ""), minutes=data.get("minutes", 10))
        return Reply(locale, text, to=recipient.id)
    if event == "inbox_parked":
        text = t("notify.inbox_parked", locale, ref=data.get("ref"), inbound=data.get("key"))
        return Reply(locale, text, to=recipient.id)
    if event == privacy.EVENT:
        return privacy.notification_reply(data, services, recipient)
    if event.startswith("question_"):
        # Policy questions handed to a team, and the team's answers, are not requests: their own cards.
        from bot.knowledge.cards import question_notification

        return question_notification(event, data, services, recipient)
    req = records.get_request(services.store, request_id) if request_id else None
    if req is None:
        return Reply(locale, event, to=recipient.id)
    who = services.name(req.requester_id, locale)
    by = services.name(data.get("by") or req.decided_by, locale)
    if event == "approval_needed":
        key = "notify.escalated" if data.get("escalated") else "notify.approval_needed"
        text = t(key, locale, who=who, id=req.id)
    elif event == "decided":
        text = t("notify.decided", locale, id=req.id, by=by, status=t(f"status.{req.status.value}", locale))
    elif event == "step_approved":
        text = t("notify.step_approved", locale, id=req.id, by=by, next=services.name(data.get("next"), locale))
    elif event == "changes_requested":
        text = t("notify.changes_requested", locale, id=req.id, by=by, reason=req.reason or "")
        if isinstance(req.details, (ExpenseClaim, LeaveRequest)):
            text += ("" if locale == "ja" else " ") + t("fix.hint", locale)  # fixed in words (handlers/fix.py)
    elif event == "auto_approved":
        text = t("notify.auto_approved", locale, id=req.id, who=who)
    elif event in ("reminder", "escalated_away", "escalated"):
        due = services.rules.calendar.nth_working_day_after(
            dt.date.fromisoformat((data.get("since") or services.now_iso())[:10]),
            services.rules.routing.decision_due_working_days,
        )
        since = (data.get("since") or "")[:16].replace("T", " ")
        to = services.name(data.get("to"), locale)
        key = "notify.escalated_requester" if event == "escalated" else f"notify.{event}"
        step_by = services.name(data.get("from") or by, locale)
        text = t(key, locale, id=req.id, who=who, since=since, due=due.isoformat(), to=to, by=step_by)
    elif event == "info_nudge":
        text = t("notify.info_nudge", locale, id=req.id, lapses_on=data.get("lapses_on", ""))
    elif event == "lapsed":
        text = t("notify.lapsed", locale, id=req.id, days=data.get("days", ""))
    elif event == "reimbursed":
        # One notice per requester and batch (bot/transfers/payments.py): their total and every claim in it.
        ids = ", ".join(f"#{i}" for i in data.get("requests") or [req.id])
        text = t("transfer.notify", locale, ids=ids, amount=yen(int(data.get("amount", 0))),
                 date=data.get("date", ""), batch=data.get("batch", ""))  # fmt: skip
    else:
        text = t(f"notify.{event}", locale, id=req.id, by=by, who=who)
    final = None
    if event == "decided" and req.status is Status.APPROVED and recipient.id == req.requester_id:
        from bot.drafting.service import final_file  # #18: a drafted contract, approved, goes to its requester

        if (final := final_file(req, services)) is not None:
            text += ("" if locale == "ja" else " ") + t("draft.final", locale)
    return Reply(locale, text, request_card(req, services, locale, recipient), to=recipient.id, file=final)
