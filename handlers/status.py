"""The sender's own data: requests, approvals waiting for them, leave balance, one request."""

from __future__ import annotations

from bot import lists
from bot.i18n import days, t
from bot.leave_ledger import compute_balance, five_day_duty
from bot.models import Card, Reply
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
        """The asker's own requests, one line each, newest first (bot/lists.py); /show N for one in full."""
        locale = locale_for(msg, services)
        listing = lists.mine_listing(services, msg.employee, locale)
        if not listing.lines:
            return text_reply(msg, services, "mine.empty")
        return [Reply(locale, lists.render(listing, locale, msg.platform))]

    def pending_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        """What waits for the asker's decision (and for those they stand in for), one line each, oldest first."""
        locale = locale_for(msg, services)
        listing = lists.pending_listing(services, msg.employee, locale)
        if not listing.lines:
            return text_reply(msg, services, "pending.empty")
        return [Reply(locale, lists.render(listing, locale, msg.platform))]

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
