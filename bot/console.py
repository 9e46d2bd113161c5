"""A terminal chat with the bot as any member of the directory: the offline front door.

It goes through the same router, handlers and workflow as Slack and Chatwork, so what
works here works there; notifications wait in the store until their recipient looks.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterable
from typing import TextIO

from rich.console import Console as RichConsole
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.app import App
from bot.cards import finding_word, notification_reply
from bot.i18n import t
from bot.inbox import Row
from bot.models import Action, Card, Employee, Reply, Severity
from bot.store import records
from handlers import Inbound

PLATFORM = "console"
ACTION_COMMANDS = {
    "approve": "/approve {id}",
    "reject": "/reject {id} …",
    "request_changes": "/changes {id} …",
    "cancel": "/cancel {id}",
    "confirm_unpaid": "/confirm {id}",
    "override": "/override {id} …",
    "edit": "/edit {id} field=…",
    "attach": "/attach {id} FILE",
    # Policy questions: the number is the question's (Q12), not a request's.
    "helpful": "/helpful Q{id}",
    "unhelpful": "/unhelpful Q{id}",
    "ask_person": "/askperson Q{id}",
    "answer_question": "/answer Q{id} …",
    "save_faq": "/savefaq Q{id}",
}
LEVEL_STYLE = {"ok": "green", "warning": "yellow", "red_flag": "bold red"}  # contract checklist items
SEVERITY_STYLE = {Severity.INFO: "cyan", Severity.WARNING: "yellow", Severity.BLOCK: "magenta", Severity.REJECT: "red"}


def render_card(card: Card, locale: str) -> Panel:
    body = Table.grid(padding=(0, 2))
    body.add_column(style="bold", no_wrap=True)
    body.add_column()
    for label, value in card.fields:
        body.add_row(label, value)
    parts: list[Table | Text] = [body]
    if card.findings:
        lines = Text()
        for f in card.findings:
            style = LEVEL_STYLE.get(f.data.get("level", ""), SEVERITY_STYLE[f.severity])
            lines.append(f"\n[{f.rule_id}] ", style=style)
            if word := finding_word(f, locale):
                lines.append(f"{word}: ", style=style)
            lines.append(f.message(locale))
        parts.append(lines)
    if card.actions:
        parts.append(Text("\n→ " + "   ".join(_action_hint(a) for a in card.actions), style="bold green"))
    grid = Table.grid()
    for p in parts:
        grid.add_row(p)
    return Panel(grid, title=card.title, subtitle=card.footer or None, expand=False)


def _action_hint(action: Action) -> str:
    return f"{action.label}: {ACTION_COMMANDS.get(action.id, action.id).format(id=action.request_id)}"


class ConsoleWork:
    """The console's inbounds in the inbox. A terminal has no API that can fail, so its answers are printed
    once their transaction has committed rather than sent through an outbox."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.answers: dict[str, list[Reply]] = {}

    def say(self, user: Employee, text: str) -> list[Reply]:
        """Keep the line, work it off in this thread, and return what the bot answered."""
        key = f"console:{uuid.uuid4().hex}"
        self.app.inbox.accept(key, PLATFORM, "line", f"console:{user.id}", {"user": user.id, "text": text})
        return self.work_off(key)

    def work_off(self, key: str) -> list[Reply]:
        self.app.inbox.run_now(key)
        return self.answers.pop(key, [])

    def prepare(self, row: Row) -> Employee | None:
        return self.app.directory.get(row.payload["user"])

    def apply(self, row: Row, user: Employee | None) -> None:
        if user is None:
            self.answers[row.key] = []
            return
        inbound = Inbound(user, row.payload["text"], platform=PLATFORM, delivery_id=row.delivery_id)
        self.answers[row.key] = self.app.router.handle(inbound)

    def failed(self, row: Row, ref: str) -> None:
        locale = self.app.settings.locale
        self.answers[row.key] = [Reply(locale, t("err.internal", locale, ref=ref))]

    def after(self, row: Row) -> None:
        pass


class ConsoleChat:
    def __init__(self, app: App, user: Employee, stdin: TextIO | None = None, out: RichConsole | None = None) -> None:
        self.app = app
        self.user = user
        self.stdin = stdin or sys.stdin
        self.out = out or RichConsole(highlight=False)
        self.interactive = self.stdin.isatty()
        self.work = ConsoleWork(app)
        # A console has no background workers: its lines are worked off as they are typed.
        app.inbox.register(PLATFORM, self.work)

    @property
    def locale(self) -> str:
        return self.app.services.locale_of(self.user)

    def show(self, replies: Iterable[Reply]) -> None:
        for reply in replies:
            if reply.text:
                self.out.print(Text(reply.text), soft_wrap=True)  # never rich markup; no hard wrap
            if reply.card:
                self.out.print(render_card(reply.card, reply.locale))
            if reply.file:
                # The console is the person at the server: the file is already where they can open it.
                self.out.print(Text(t("file.console", reply.locale, path=reply.file.path)), soft_wrap=True)

    def deliver_notifications(self) -> None:
        services = self.app.services
        rows = records.undelivered(services.store, self.user.id)
        for row in rows:
            self.show([notification_reply(row["event"], row["request_id"], row["data"], services, self.user)])
        if rows:
            records.mark_delivered(services.store, [r["id"] for r in rows], services.now_iso())

    def switch(self, who: str) -> None:
        person = self.app.directory.find(who.strip()) if who.strip() else None
        if person is None or not person.active:
            self.out.print(t("err.user_not_found", self.locale, who=who.strip()))
            return
        self.user = person
        self.greet()

    def say(self, text: str) -> list[Reply]:
        return self.work.say(self.user, text)

    def greet(self) -> None:
        self.out.print(
            Text(t("console.as", self.locale, name=self.user.name(self.locale), id=self.user.id), style="bold")
        )
        self.deliver_notifications()

    def run(self) -> int:
        self.greet()
        while True:
            prompt = f"{self.user.name(self.locale)}> "
            if self.interactive:
                try:
                    line = input(prompt)
                except (EOFError, KeyboardInterrupt):
                    self.out.print()
                    line = None
            else:
                line = self.stdin.readline()
                line = line if line else None
                if line is not None and line.strip():
                    self.out.print(Text(prompt + line.rstrip("\n"), style="dim"))
            if line is None:
                break
            text = line.strip()
            if not text or text == "#" or text.startswith("# "):  # a comment; 「#6 の支払先は…」 is a message
                continue
            command = text.split(maxsplit=1)
            if command[0] in ("/quit", "/exit", "/終了"):
                break
            if command[0] in ("/switch", "/切替"):
                self.switch(command[1] if len(command) > 1 else "")
                continue
            self.show(self.say(text))
            self.deliver_notifications()
        self.out.print(t("console.bye", self.locale))
        return 0
