"""The Slack App Home tab (#15): what waits for me, my requests, my leave balance — drawn from the store as it is
when published (on opening the tab, and again after a change to one of the person's requests)."""

from __future__ import annotations

from typing import Any

from bot.i18n import days, t
from bot.leave_ledger import compute_balance
from bot.lists import mine_listing, pending_listing, render
from bot.models import Employee
from bot.services import Services
from bot.slack.blocks import clip
from bot.store import records

_TEXT_LIMIT = 2900  # a section's text may be 3,000 characters


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, _TEXT_LIMIT)}}


def balance_line(services: Services, person: Employee, locale: str) -> str:
    today = services.today()
    policy = services.rules.leave
    usages = records.leave_usages(services.store, person.id, "annual")
    bal = compute_balance(person, usages, today, policy.annual, records.manual_grants(services.store, person.id))
    return t("home.balance", locale, n=days(bal.remaining), date=today.isoformat())


def home_view(services: Services, person: Employee, locale: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(t("home.title", locale), 150)}},
        _section(balance_line(services, person, locale)),
        {"type": "divider"},
    ]
    pending = pending_listing(services, person, locale)
    if pending.lines:
        blocks += [_section(render(pending, locale, "slack")), {"type": "divider"}]
    mine = mine_listing(services, person, locale)
    blocks.append(_section(render(mine, locale, "slack") if mine.lines else t("home.no_requests", locale)))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": clip(t("home.hint", locale), 2000)}]})
    return {"type": "home", "blocks": blocks}
