"""The sender's own data: requests, approvals waiting for them, leave balance, one request."""

from __future__ import annotations

from bot.cards import amount_text
from bot.i18n import days, t
from bot.leave_ledger import compute_balance, five_day_duty
from bot.models import Card, ContractReview, LeaveRequest, Reply, Request, Status
from bot.services import Services
from bot.store import records
from handlers.base import Inbound, card_reply, locale_for, parse_date, parse_request_id, text_reply


class StatusHandler:
    kind = "status"

    def help_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        return text_reply(msg, services, "help.text")

    def show_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        rid = parse_request_id(args.split()[0]) if args.split() else None
        if rid is None:
            return text_reply(msg, services, "err.bad_id", command="show")
        req = records.get_request(services.store, rid)
        if req is None:
            return text_reply(msg, services, "err.not_found", id=rid)
        viewer = msg.employee
        # Requests are private to the requester, their approvers, and the back office.
        steps = records.get_steps(services.store, rid)
        involved = {req.requester_id} | {s.approver_id for s in steps} | {s.original_approver_id for s in steps}
        back_office = any(viewer.has_role(r) for r in ("finance", "hr", "admin", "ceo"))
        if viewer.id not in involved and not back_office:
            return text_reply(msg, services, "err.not_found", id=rid)
        return [card_reply(req, services, locale_for(msg, services), viewer)]

    def mine_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        locale = locale_for(msg, services)
        reqs = records.list_requests(services.store, requester_id=msg.employee.id, limit=20)
        if not reqs:
            return text_reply(msg, services, "mine.empty")
        lines = [_summary(r, services, locale) for r in reqs]
        return [Reply(locale, card=Card(t("mine.title", locale), tuple(lines)))]

    def pending_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        locale = locale_for(msg, services)
        me = msg.employee
        # A delegate sees what waits for the people who named them.
        principals = [me.id] + [e.id for e in services.directory if e.delegate_id == me.id]
        ids = records.pending_for_approver(services.store, principals)
        reqs = [r for r in (records.get_request(services.store, i) for i in ids) if r is not None]
        reqs = [r for r in reqs if r.requester_id != me.id]
        if not reqs:
            return text_reply(msg, services, "pending.empty")
        out = [Reply(locale, t("pending.title", locale))]
        out += [card_reply(r, services, locale, me) for r in reqs]
        return out

    def balance_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        locale = locale_for(msg, services)
        today = services.today()
        words = args.split()
        as_of = (parse_date(words[0], today, prefer_future=True) if words else None) or today
        me = msg.employee
        policy = services.rules.leave
        usages = records.leave_usages(services.store, me.id, "annual")
        manual = records.manual_grants(services.store, me.id)
        bal = compute_balance(me, usages, as_of, policy.annual, manual)
        title = t("bal.title", locale, date=as_of.isoformat())
        if not bal.grants or (all(not s.grant.valid_on(as_of) for s in bal.grants) and bal.remaining == 0):
            first = bal.first_grant.isoformat() if bal.first_grant else "-"
            return [
                Reply(locale, card=Card(title, ((t("bal.remaining", locale), t("bal.none", locale, first=first)),)))
            ]
        pending = services.workflow.context.open_leave_usages(me.id, None).get("annual", [])
        fields: list[tuple[str, str]] = [
            (t("bal.remaining", locale), t("bal.days", locale, n=days(bal.remaining))),
            (t("bal.booked", locale), t("bal.days", locale, n=days(bal.booked))),
        ]
        if pending:
            fields.append((t("bal.pending", locale), t("bal.days", locale, n=days(sum(u.days for u in pending)))))
        for s in bal.grants:
            if s.grant.valid_on(as_of):
                line = t(
                    "bal.grant_line",
                    locale,
                    date=s.grant.date.isoformat(),
                    days=days(s.grant.days),
                    left=days(s.remaining),
                    expires=s.grant.expires.isoformat(),
                )
                fields.append(("", line))
        if bal.next_grant:
            fields.append(
                (
                    t("bal.next_grant", locale),
                    f"{bal.next_grant.date.isoformat()} ({t('bal.days', locale, n=days(bal.next_grant.days))})",
                )
            )
        cap = policy.units.hourly_cap_hours_per_year
        fields.append((t("bal.hourly", locale), f"{bal.hourly_used_hours:g}h / {cap}h"))
        duty = five_day_duty(me, usages, as_of, policy.annual, policy.five_day_duty, manual)
        if duty:
            fields.append(
                (
                    "",
                    t(
                        "bal.duty",
                        locale,
                        taken=days(duty.taken),
                        required=days(duty.required),
                        deadline=duty.deadline.isoformat(),
                    ),
                )
            )
        return [Reply(locale, card=Card(title, tuple(fields)))]


def _summary(req: Request, services: Services, locale: str) -> tuple[str, str]:
    d = req.details
    if isinstance(d, LeaveRequest):
        what = f"{t('leave.' + d.leave_type, locale)} {d.start.isoformat()}" + (
            f"–{d.end.isoformat()}" if d.end != d.start else ""
        )
    elif isinstance(d, ContractReview):
        what = f"{t('card.contract', locale, id=req.id)}: {d.title}"
    else:
        what = f"{t('cat.' + d.category, locale)} {amount_text(d)} {d.date.isoformat()}"
    status = t(f"status.{req.status.value}", locale)
    if req.status in (Status.PENDING, Status.ESCALATED):
        step = services.workflow.current_step(req)
        if step:
            status += f" → {services.name(step.approver_id, locale)}"
    return (f"#{req.id}", f"{what} — {status}")
