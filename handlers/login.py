"""/login (/ログイン, /dashboard, /ダッシュボード): a one-time sign-in link for the web dashboard, sent to the
person's direct chat as a notification (the one path that lands in the DM on every platform, whatever
conversation the command came from: a channel must never see someone's link)."""

from __future__ import annotations

from bot.i18n import t
from bot.models import Reply
from bot.services import Services
from bot.store import records
from bot.web import auth, links
from handlers.base import Command, Inbound, locale_for

EVENT = "login_link"  # rendered by bot/cards.py notification_reply


def login_command(msg: Inbound, args: str, services: Services) -> list[Reply]:
    locale = locale_for(msg, services)
    base = links.base_for(services.store)
    if base is None:
        return [Reply(locale, t("web.login.off", locale))]
    if not msg.employee.active:
        return [Reply(locale, t("web.login.inactive", locale))]
    token = auth.issue_link(services.store, msg.employee.id, auth.WALL())
    minutes = auth.LINK_SECONDS // 60
    data = {"url": links.login_url(base, token), "minutes": minutes}
    records.notify(services.store, msg.employee.id, EVENT, None, data, services.now_iso())
    return [Reply(locale, t("web.login.sent", locale, minutes=minutes))]


COMMANDS: dict[str, Command] = {
    "login": login_command,
    "ログイン": login_command,
    "dashboard": login_command,
    "ダッシュボード": login_command,
}
