"""`backoffice calendar …`: the secret addresses of the leave calendar feeds (bot/ical.py).

`url` prints a team's (or the company's) feed address, creating its token on first use; `rotate` replaces the
token, so a leaked address stops working at once. The address alone goes to stdout (so a script can take it);
what it means goes to stderr, in the company's language.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from bot import ical
from bot.app import App

DEFAULT_BASE_URL = "http://localhost:3000"  # `backoffice serve`'s default port, for a first try on one machine

TEXTS: dict[str, dict[str, str]] = {
    "ja": {
        "unknown_team": "チーム「{team}」は社員名簿にありません。使えるチーム: {teams}(--team を省くと全社)",
        "created": "{what}の休暇カレンダーの URL を作りました。",
        "existing": "{what}の休暇カレンダーの URL です。",
        "rotated": "{what}の休暇カレンダーの URL を新しくしました。古い URL はもう使えません(404)。"
        "購読している人には新しい URL で登録し直してもらってください。",
        "secret": "この URL を知っていれば誰でも読めます(ログイン不要)。チームの中だけで共有してください。"
        "漏れたときは `backoffice calendar rotate` で作り直せます。",
        "no_public_url": "BACKOFFICE_PUBLIC_URL が未設定のため {base} を使いました。Google カレンダーや Outlook から"
        "購読するには、インターネットから届くこのサーバーの https の URL を設定してください。",
        "company": "全社",
        "team": "チーム「{team}」",
    },
    "en": {
        "unknown_team": "There is no team '{team}' in the directory. Teams: {teams} (leave out --team for the whole "
        "company).",
        "created": "Created the leave calendar URL for {what}.",
        "existing": "The leave calendar URL for {what}.",
        "rotated": "Replaced the leave calendar URL for {what}. The old URL no longer works (404): subscribers "
        "must subscribe again with the new one.",
        "secret": "Anyone with this URL can read the calendar (no sign-in): share it within the team only. If it "
        "leaks, `backoffice calendar rotate` replaces it.",
        "no_public_url": "BACKOFFICE_PUBLIC_URL is not set, so {base} was used. For Google Calendar or Outlook to "
        "subscribe, set it to this server's https address as reached from the internet.",
        "company": "the whole company",
        "team": "team '{team}'",
    },
}


def _texts(app: App) -> dict[str, str]:
    return TEXTS.get(app.settings.locale, TEXTS["ja"])


def feed_url(app: App, feed: ical.Feed, locale: str | None = None) -> str:
    """The address a calendar client subscribes to: the public base URL, the token, and the language if asked."""
    base = (app.settings.public_url or DEFAULT_BASE_URL).rstrip("/")
    return f"{base}/calendar/{feed.token}.ics" + (f"?lang={locale}" if locale else "")


def _team(app: App, args: argparse.Namespace) -> str | None:
    """The feed's team as stored (COMPANY when --team is left out), or None after saying the team is unknown."""
    team = (args.team or "").strip()
    if not team:
        return ical.COMPANY
    known = ical.teams(app.directory)
    if team in known:
        return team
    print(_texts(app)["unknown_team"].format(team=team, teams=", ".join(known) or "-"), file=sys.stderr)
    return None


def _what(app: App, team: str) -> str:
    texts = _texts(app)
    return texts["company"] if team == ical.COMPANY else texts["team"].format(team=team)


def _print_url(app: App, feed: ical.Feed, args: argparse.Namespace, message: str) -> None:
    texts = _texts(app)
    print(feed_url(app, feed, args.locale))
    print(message, file=sys.stderr)
    print(texts["secret"], file=sys.stderr)
    if not app.settings.public_url:
        print(texts["no_public_url"].format(base=DEFAULT_BASE_URL), file=sys.stderr)


def _with_feed(args: argparse.Namespace, make: Callable[..., tuple[Any, bool]], said: tuple[str, str]) -> int:
    """Open the app, check the team, make or replace its feed with `make`, print the URL with `said[0]` when
    `make` reports it did its work (created / replaced) and `said[1]` when not."""
    from bot.cli import EXIT_ERROR, _app

    app = _app(args)
    try:
        team = _team(app, args)
        if team is None:
            return EXIT_ERROR
        feed, did = make(app.store, team, app.services.now_iso(), "cli")
        _print_url(app, feed, args, _texts(app)[said[0] if did else said[1]].format(what=_what(app, team)))
        return 0
    finally:
        app.close()


def cmd_calendar_url(args: argparse.Namespace) -> int:
    return _with_feed(args, ical.ensure_feed, ("created", "existing"))


def cmd_calendar_rotate(args: argparse.Namespace) -> int:
    return _with_feed(args, ical.rotate_feed, ("rotated", "created"))


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Adds `calendar url` and `calendar rotate` to the `backoffice` command line (bot/cli.py)."""
    calendar = sub.add_parser("calendar", help="the leave calendar feeds (iCalendar) for Google Calendar / Outlook")
    commands = calendar.add_subparsers(dest="calendar_command", required=True)
    for name, func, help_text in (
        ("url", cmd_calendar_url, "print a team's (or the company's) feed URL, creating it on first use"),
        ("rotate", cmd_calendar_rotate, "replace a feed's URL: the old one stops working at once"),
    ):
        p = commands.add_parser(name, help=help_text)
        p.add_argument("--team", help="a team of the directory (default: the whole company)")
        p.add_argument("--locale", choices=list(ical.TEXTS), help="the feed's language (default: BACKOFFICE_LOCALE)")
        p.set_defaults(func=func)
