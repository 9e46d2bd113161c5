"""`backoffice …`: run the bot, check rules, import the directory, verify the audit log."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.slack.app import SlackFrontDoor

from bot.app import POLICIES_DIR, App, build_app
from bot.config import Settings
from bot.directory import DirectoryError
from bot.i18n import days, t
from bot.leave_admin import five_day_data, set_balance, short_of_five_days
from bot.leave_ledger import compute_balance
from bot.privacy import configure_logging
from bot.rules.loader import RuleError, load_rules
from bot.store import records

EXIT_ERROR = 2


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if getattr(args, "db", None):
        settings.db = Path(args.db)
    if getattr(args, "knowledge", None):
        settings.knowledge_dir = Path(args.knowledge)
    return settings


def _app(args: argparse.Namespace) -> App:
    return build_app(_settings(args))


def cmd_run(args: argparse.Namespace) -> int:
    """Slack and/or Chatwork when their tokens are set, the console when neither is."""
    settings = _settings(args)
    slack_ready = settings.slack_bot_token and (settings.slack_app_token or settings.slack_signing_secret)
    if slack_ready or settings.chatwork_api_token:
        args.port = None
        return cmd_serve(args)
    args.as_ = settings.console_as
    args.web = True  # the demo's dashboard on localhost (bot.web.serve), for the links /login prints
    return cmd_console(args)


def cmd_serve(args: argparse.Namespace) -> int:
    """The webhook server (`/slack/events`, `/chatwork/webhook`, `/healthz`); Slack over Socket Mode with an app
    token, and then no HTTP server at all unless Chatwork (whose webhooks need one) or `--port` asks for it."""
    import uvicorn

    from bot.chatwork.app import ChatworkFrontDoor
    from bot.server import build_server
    from bot.slack.app import SlackFrontDoor

    settings = _settings(args)
    app = _app(args)
    if settings.warm_index:
        _warm_knowledge(app)  # else the first policy question builds it: ~110 MB not spent until one is asked
    slack = chatwork = None
    if settings.slack_bot_token:
        secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
        slack = SlackFrontDoor(app, settings.slack_bot_token.get_secret_value(), secret, settings.slack_api_url)
    if settings.chatwork_api_token:
        webhook = settings.chatwork_webhook_token.get_secret_value() if settings.chatwork_webhook_token else None
        if webhook is None:
            print("CHATWORK_WEBHOOK_TOKEN is not set: Chatwork webhooks will be ignored until it is.", file=sys.stderr)
        chatwork = ChatworkFrontDoor(
            app, settings.chatwork_api_token.get_secret_value(), webhook, settings.chatwork_api_url,
            approvals_room=settings.chatwork_approvals_room, slack_people=slack is not None,
        )  # fmt: skip
    socket_handler: SocketModeHandler | None = None
    scheduler_stop = _start_scheduler(app, settings, slack, chatwork)
    try:
        socket = slack is not None and settings.slack_app_token and not args.port
        if socket and slack is not None and settings.slack_app_token:
            handler = slack.socket_mode(settings.slack_app_token.get_secret_value())
            print("Connecting to Slack over Socket Mode (no public URL needed). Ctrl-C to stop.", file=sys.stderr)
            if chatwork is None and not settings.web_url:
                _socket_mode_only(app, slack, handler)
                return 0
            handler.connect()  # in the background: Chatwork's webhook and the dashboard need the HTTP server below
            socket_handler = handler
        port = args.port or 3000
        paths = (
            ["/healthz"]
            + (["/slack/events"] if slack and not socket else [])
            + (["/chatwork/webhook"] if chatwork else [])
            + ["/calendar/<token>.ics"]
            + (["/admin/"] if settings.web_url else [])
        )
        print(f"Serving {', '.join(paths)} on port {port}. Ctrl-C to stop.", file=sys.stderr)
        uvicorn.run(build_server(app, slack, chatwork), host=args.host, port=port, log_level="warning")
        return 0
    finally:
        if scheduler_stop is not None:
            scheduler_stop.set()
        if socket_handler is not None:
            socket_handler.close()
        if slack is not None:
            slack.shutdown()
        app.close()


def _start_scheduler(app: App, settings: Settings, slack: Any, chatwork: Any) -> threading.Event | None:
    """Reminders, escalation and the rest on the company calendar; what they queue goes out through the front
    doors as any notification does, and Slack redraws the cards of a request the scheduler changed."""
    if not settings.scheduler:
        return None
    from bot.scheduler import Scheduler

    scheduler = Scheduler(app.services)
    for door in (slack, chatwork):
        if door is not None:
            scheduler.after.append(door.deliver)
    if slack is not None:
        scheduler.listeners.append(slack.refresh_cards)
    return scheduler.start(settings.scheduler_seconds)


def cmd_tick(args: argparse.Namespace) -> int:
    """One round of the scheduler now (what `serve` does each minute): for a cron job, or to see what is due."""
    from bot.scheduler import Scheduler

    app = _app(args)
    try:
        done = Scheduler(app.services).tick()
        if not done:
            print("Nothing is due now (or it is outside business hours / not a working day).")
        for d in done:
            print(f"{d.job} {d.key}")
        return 0
    finally:
        app.close()


def _socket_mode_only(app: App, slack: SlackFrontDoor, handler: SocketModeHandler) -> None:
    """Slack over Socket Mode with no HTTP server: until SIGTERM / SIGINT, then a graceful stop (take no new
    envelope, let work in hand finish or stay in the inbox, send what is due within a bounded wait)."""
    from bot.server import STOP_SECONDS

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    slack.start()
    app.inbox.start()
    handler.connect()
    stop.wait()
    handler.close()
    app.inbox.stop(STOP_SECONDS)
    slack.flush(STOP_SECONDS)


def _warm_knowledge(app: App) -> None:
    """Build the policy index before the first question rather than during it; a broken document is reported
    here and costs only the policy answers (the bot serves expenses and leave all the same)."""
    from bot.knowledge.documents import KnowledgeError

    try:
        sections, seconds = app.services.knowledge.reindex()
    except KnowledgeError as err:
        print(f"Policy questions are off until the documents are fixed: {err}", file=sys.stderr)
        return
    logging.getLogger(__name__).info("policy index: %d sections in %.2f s", sections, seconds)


def _default_user(app: App) -> str | None:
    """The first plain employee with a manager: someone who files requests in the demo."""
    people = [e for e in app.directory if e.active]
    plain = [e for e in people if e.manager_id and set(e.roles) == {"employee"}]
    pick = plain or people
    return pick[0].id if pick else None


def cmd_console(args: argparse.Namespace) -> int:
    from bot.console import ConsoleChat

    app = _app(args)
    who = args.as_ or app.settings.console_as or _default_user(app)
    user = app.directory.find(who) if who else None
    if user is None or not user.active:
        print(t("err.user_not_found", app.settings.locale, who=who or ""), file=sys.stderr)
        return EXIT_ERROR
    stop_web = None
    if getattr(args, "web", False):
        from bot.web.serve import serve_in_background

        stop_web = serve_in_background(app)
        if stop_web is not None:
            base = app.settings.web_url or f"http://127.0.0.1:{app.settings.web_port}"
            print(f"Dashboard: {base}/admin/ (type /login for a sign-in link)", file=sys.stderr)
    try:
        return ConsoleChat(app, user).run()
    finally:
        if stop_web is not None:
            stop_web()
        app.close()


def cmd_org_import(args: argparse.Namespace) -> int:
    app = _app(args)
    try:
        count = app.import_directory(args.file, actor="cli")
    except DirectoryError as err:
        print(f"The directory file has problems; nothing was imported:\n{err}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        app.close()
    print(f"Imported {count} people from {args.file}.")
    return 0


def cmd_org_export(args: argparse.Namespace) -> int:
    """The directory as the CSV `org import` reads (same columns): to a file (0600: it lists people's e-mail
    addresses) or to stdout, edited in a spreadsheet and imported back."""
    from bot.directory import export_csv
    from bot.store import files

    app = _app(args)
    try:
        text = export_csv(app.directory)
        count = len(app.directory)
    finally:
        app.close()
    if not args.file or args.file == "-":
        sys.stdout.write(text.removeprefix("\ufeff"))
        return 0
    path = Path(args.file)
    files.private_file(path)
    path.write_text(text, encoding="utf-8", newline="")
    print(f"Exported {count} people to {path} (the columns `org import` reads).")
    return 0


def cmd_rules_check(args: argparse.Namespace) -> int:
    knowledge = Path(args.knowledge) if args.knowledge else Settings().knowledge_dir
    rules = load_rules(knowledge)
    print(f"Rules in {knowledge / 'rules'} are valid. Rule set version {rules.version}.")
    return 0


def cmd_rules_explain(args: argparse.Namespace) -> int:
    app = _app(args)
    out = Console(highlight=False)
    locale = args.locale or app.settings.locale
    try:
        req = records.get_request(app.store, args.request_id)
        if req is None:
            print(t("err.not_found", locale, id=args.request_id), file=sys.stderr)
            return EXIT_ERROR
        decision = req.decision
        out.print(f"#{req.id} {req.kind} — {t('status.' + req.status.value, locale)}")
        if decision is None:
            out.print("(no decision recorded)")
            return 0
        out.print(
            f"outcome: {decision.outcome.value}   rule set: {decision.ruleset_version}"
            + ("" if decision.ruleset_version == app.rules.version else f"   (current rule set is {app.rules.version})")
        )
        for f in decision.findings:
            out.print(f"  [{f.rule_id}] {f.severity.value}: {f.message(locale)}")
        for step in records.get_steps(app.store, args.request_id):
            who = app.services.name(step.approver_id, locale)
            extra = f" (via {step.via}" + (f", for {step.original_approver_id})" if step.original_approver_id else ")")
            out.print(f"  step {step.seq}: {step.role} → {who}{extra} [{step.status}] rules {', '.join(step.rule_ids)}")
        return 0
    finally:
        app.close()


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """The chain with the key, the anchors (the anchor file's and any `--anchor` line kept elsewhere), and
    every request in the tables against the state the log records for it. Exit 1 on any problem."""
    app = _app(args)
    try:
        result = app.store.verify_audit(args.anchor)
        key = app.store.audit_key_id
    finally:
        app.close()
    for note in result.notes:
        print(f"Note: {note}")
    if not result.ok:
        if result.broken_at is not None:
            print(f"Audit log BROKEN at entry {result.broken_at}: {result.problem} "
                  f"({result.entries} entries before it verify).", file=sys.stderr)  # fmt: skip
        print(f"Audit log NOT intact: {len(result.problems)} problem(s):", file=sys.stderr)
        for problem in result.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"Audit log intact: {result.entries} entries, every link verified (HMAC-SHA256, key {key}).")
    print(f"Head: entry {result.entries}, hash {result.head}")
    if result.anchored:
        print(f"Anchors: the log still holds every anchored head (the furthest, entry {result.anchored}).")
    else:
        print("Anchors: none yet. Run `backoffice audit anchor` and keep its line somewhere else.")
    print(f"Tables: {result.requests} request(s) rebuilt from the log match the requests and approval steps.")
    return 0


def cmd_audit_anchor(args: argparse.Namespace) -> int:
    """Verify, then print the head as one line to keep outside this machine (and append it to the anchor file);
    `audit verify --anchor LINE` later proves the log still reaches it unchanged."""
    from bot.store.db import AuditError

    app = _app(args)
    try:
        line = app.store.anchor(app.services.now_iso())
    except AuditError as err:
        print(f"Not anchored: the audit log does not verify: {err}", file=sys.stderr)
        return 1
    finally:
        app.close()
    print(line)
    return 0


def cmd_audit_rekey(args: argparse.Namespace) -> int:
    """Rotate the audit key: verify with the key in use, re-chain with a new one, record it and anchor it.
    Key file: a new random key replaces the old in the file (both are in it while the log changes over, so
    a process reading it at any moment finds the key the log has). BACKOFFICE_AUDIT_KEY: the new secret is
    read from the variable named by --new-key-env (never from the command line, which others can see)."""
    from bot.store import audit_keys
    from bot.store.db import AuditError

    where = audit_keys.locate(_settings(args))
    new_secret = os.environ.get(args.new_key_env, "") if args.new_key_env else None
    if args.new_key_env and not new_secret:
        print(f"{args.new_key_env} is not set or empty: put the new key there.", file=sys.stderr)
        return EXIT_ERROR
    if where.secret and new_secret is None:
        print("The audit key comes from BACKOFFICE_AUDIT_KEY: put the new key in another variable and pass "
              "--new-key-env NAME.", file=sys.stderr)  # fmt: skip
        return EXIT_ERROR
    app = _app(args)
    try:
        at = app.services.now_iso()
        old_id = app.store.audit_key_id
        if new_secret is not None:
            head = app.store.rekey(new_secret.encode("utf-8"), at, "cli")
        else:
            old = audit_keys.read_key_file(where.key_file)
            new = audit_keys.new_key()
            audit_keys.write_key_file(where.key_file, [new, *old])
            try:
                head = app.store.rekey(new, at, "cli")
            except BaseException:
                audit_keys.write_key_file(where.key_file, old)
                raise
            audit_keys.write_key_file(where.key_file, [new])
        new_id = app.store.audit_key_id
    except (AuditError, audit_keys.AuditKeyError) as err:
        print(f"Not re-keyed: {err}", file=sys.stderr)
        return 1
    finally:
        app.close()
    print(f"Re-keyed the audit log: {head.count} entries now chained with key {new_id} (was {old_id}); "
          f"entry {head.count} records it and the anchor file has the new head.")  # fmt: skip
    if new_secret is not None:
        print(f"Now set BACKOFFICE_AUDIT_KEY to the value of {args.new_key_env} and restart the bot: until then a "
              "running bot refuses audit writes rather than chain with the old key.")  # fmt: skip
    else:
        print(f"The new key is in {where.key_file}; the old one is gone. Back the new one up where the database's "
              "backups are not.")  # fmt: skip
    print("Take a new anchor line for safe keeping: `backoffice audit anchor`.")
    return 0


def cmd_inbox_list(args: argparse.Namespace) -> int:
    """Parked rows (or every row with --all), newest first, and what waits in the outboxes."""
    from bot import outbox

    app = _app(args)
    try:
        counts = app.inbox.counts()
        rows = app.inbox.rows(None if args.all else "parked", args.limit)
        backlog = outbox.backlog(app.store)
    finally:
        app.close()
    summary = ", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "empty"
    print(f"Inbox: {summary}. Outbox: {backlog} waiting to be sent.")
    if not rows:
        print("Nothing parked." if not args.all else "No rows.")
        return 0
    for r in rows:
        print(f"{r['key']}  {r['status']}  {r['platform']}/{r['kind']}  from {r['lane']}  received {r['received_at']}"
              f"  tries {r['attempts']}" + (f"  ref {r['ref']}" if r["ref"] else ""))  # fmt: skip
        if r["error"]:
            print(f"    {r['error']}")
    if not args.all:
        print("Retry one with `backoffice inbox retry KEY` (a running bot picks it up), or drop it for good with "
              "`backoffice inbox drop KEY`.")  # fmt: skip
    return 0


def cmd_inbox_retry(args: argparse.Namespace) -> int:
    app = _app(args)
    try:
        keys = [r["key"] for r in app.inbox.rows("parked", 10_000)] if args.key == "all" else [args.key]
        done = [key for key in keys if app.inbox.retry(key)]
    finally:
        app.close()
    if not done:
        print(f"No parked row {args.key!r} (see `backoffice inbox list`).", file=sys.stderr)
        return EXIT_ERROR
    print(f"{len(done)} row(s) back in the queue; the running bot works them off (or the next start does).")
    return 0


def cmd_inbox_drop(args: argparse.Namespace) -> int:
    app = _app(args)
    try:
        dropped = app.inbox.drop(args.key, actor="cli")
    finally:
        app.close()
    if not dropped:
        print(f"No parked or pending row {args.key!r} (see `backoffice inbox list --all`).", file=sys.stderr)
        return EXIT_ERROR
    print(f"Dropped {args.key}: it will not be worked off; the audit log records it.")
    return 0


class UsageError(Exception):
    """A command-line value the user typed wrong: shown as a message, not a traceback."""


def _date(value: str | None, app: App) -> dt.date:
    if not value:
        return app.services.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"'{value}' is not a date (YYYY-MM-DD)") from None


def cmd_leave_balance(args: argparse.Namespace) -> int:
    app = _app(args)
    try:
        person = app.directory.find(args.who)
        if person is None:
            print(t("err.user_not_found", app.settings.locale, who=args.who), file=sys.stderr)
            return EXIT_ERROR
        as_of = _date(args.date, app)
        usages = records.leave_usages(app.store, person.id)
        bal = compute_balance(
            person, usages, as_of, app.rules.leave.annual, records.manual_grants(app.store, person.id)
        )
        print(
            f"{person.name_en} ({person.id}) on {as_of}: {days(bal.remaining)} days left, "
            f"{days(bal.booked)} booked ahead, {bal.hourly_used_hours:g}h hourly leave used this leave year"
        )
        for s in bal.grants:
            state = "valid" if s.grant.valid_on(as_of) else ("expired" if s.grant.expires <= as_of else "future")
            print(
                f"  {s.grant.date} +{days(s.grant.days)}  used {days(s.used)}  expired {days(s.expired)}  "
                f"expires {s.grant.expires}  [{state}]"
            )
        return 0
    finally:
        app.close()


def cmd_leave_duty(args: argparse.Namespace) -> int:
    """L9: who is short of the five days, from three months before their grant year ends."""
    app = _app(args)
    try:
        today = _date(args.date, app)
        policy = app.rules.leave
        short = short_of_five_days(app.store, app.rules, app.directory, today)
        if not short:
            print(f"On {today}, nobody needs a five-day reminder.")
            return 0
        at = app.services.now_iso()
        for person, status in short:
            print(
                f"{person.id} {person.name_en}: {days(status.taken)}/{days(status.required)} days, "
                f"deadline {status.deadline}"
            )
        if args.notify:
            with app.store.tx():
                for person, status in short:
                    records.notify(app.store, person.id, "five_day_reminder", None, five_day_data(status), at)
                for hr in app.directory.holders(policy.five_day_duty.report_role):
                    records.notify(app.store, hr.id, "five_day_report", None, {"people": [p.id for p, _ in short]}, at)
                app.store.audit(at, "scheduler", "leave.five_day_reminders", None, {"people": [p.id for p, _ in short]})
            print(f"Reminders queued for {len(short)} people and the {policy.five_day_duty.report_role} team.")
        return 0
    finally:
        app.close()


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{where}: '{text}' is not a number of days") from None
    if value < 0 or value * 2 != int(value * 2):
        raise ValueError(f"{where}: '{text}' must be zero or more, in half days")
    return value


def cmd_leave_set_balance(args: argparse.Namespace) -> int:
    """One person's balance, or a CSV of them (employee,remaining[,as_of][,taken_this_year])."""
    app = _app(args)
    try:
        default_day = _date(args.date, app)
        rows: list[tuple[str, str, str, str, str]] = []  # where, who, remaining, as_of, taken
        if args.file:
            path = Path(args.who)
            try:
                with path.open(encoding="utf-8-sig", newline="") as fh:
                    for n, row in enumerate(csv.DictReader(fh), start=2):
                        rows.append(
                            (
                                f"{path.name} row {n}",
                                (row.get("employee") or "").strip(),
                                (row.get("remaining") or "").strip(),
                                (row.get("as_of") or "").strip(),
                                (row.get("taken_this_year") or "0").strip() or "0",
                            )
                        )
            except OSError as exc:
                print(f"{path}: cannot be read ({exc.strerror})", file=sys.stderr)
                return EXIT_ERROR
        else:
            rows.append(("command line", args.who, args.days or "", "", str(args.taken_this_year)))
        problems, plan = [], []
        for where, who, remaining, as_of, taken in rows:
            person = app.directory.find(who) if who else None
            try:
                if person is None or not person.active:
                    raise ValueError(f"{where}, column 'employee': no active employee '{who}'")
                day = dt.date.fromisoformat(as_of) if as_of else default_day
                plan.append(
                    (
                        person,
                        _number(remaining, f"{where}, column 'remaining'"),
                        day,
                        _number(taken, f"{where}, column 'taken_this_year'"),
                    )
                )
            except ValueError as exc:
                problems.append(str(exc) if "column" in str(exc) else f"{where}, column 'as_of': {exc}")
        if problems:
            print("Nothing was changed:\n  " + "\n  ".join(problems), file=sys.stderr)
            return EXIT_ERROR
        at = app.services.now_iso()
        for person, target, day, already_taken in plan:
            change = set_balance(app.store, app.rules, person, target, day, at, "cli", already_taken)
            print(f"{person.id} {person.name_en}: {days(change.before)} → {days(change.after)} days on {day}")
        return 0
    finally:
        app.close()


def cmd_eval(args: argparse.Namespace) -> int:
    """Score an understanding engine on a labelled JSONL file (understanding-eval.md)."""
    from bot.understanding.evaluate import EvalFileError, evaluate, format_report, load_cases
    from bot.understanding.factory import make_engine

    settings = _settings(args)
    try:
        cases = load_cases(args.file)
    except (OSError, EvalFileError) as exc:
        print(f"Cannot read {args.file}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    app = build_app(settings)
    try:
        engine = make_engine(settings, app.rules, app.store, app.services.clock, args.engine)
        report = evaluate(engine, cases, settings.locale)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return EXIT_ERROR
    finally:
        app.close()
    print(json.dumps(report.to_json(), ensure_ascii=False) if args.json else format_report(report))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """What the language model has cost (calls, failures and tokens, in total and by day), and how policy
    questions went: answered, with confidence, votes, handed to a person, answered by the team, saved as FAQ."""
    from bot.understanding.usage import usage_summary

    app = _app(args)
    try:
        summary = usage_summary(app.store)
        questions = records.question_stats(app.store)
    finally:
        app.close()
    print(
        f"LLM calls: {summary.calls} ({summary.failures} failed)   "
        f"tokens: {summary.prompt_tokens} prompt + {summary.completion_tokens} completion"
    )
    for day in summary.by_day:
        print(
            f"  {day.day}  {day.calls} calls, {day.failures} failed, "
            f"{day.prompt_tokens} + {day.completion_tokens} tokens"
        )
    q = questions
    print(
        f"Policy questions: {q.answered} answered ({q.confident_share:.0%} with confidence)   "
        f"👍 helpful: {q.helpful}  👎 not helpful: {q.unhelpful}   "
        f"asked a person: {q.asked_person}  answered by the team: {q.relayed}  saved as FAQ: {q.saved_faq}"
    )
    return 0


def cmd_knowledge_reindex(args: argparse.Namespace) -> int:
    """Read every policy document and build the search index: a check after editing them. A running bot
    picks edits up by itself within seconds; this says at once whether they read."""
    from bot.knowledge.documents import KnowledgeError
    from bot.knowledge.service import KnowledgeService

    policies = _settings(args).knowledge_dir / POLICIES_DIR
    try:
        sections, seconds = KnowledgeService(policies).reindex()
    except KnowledgeError as err:
        print(f"The policy documents have errors; policy questions cannot be answered until fixed:\n  {err}",
              file=sys.stderr)  # fmt: skip
        return EXIT_ERROR
    print(f"Indexed {sections} sections from {policies} in {seconds:.2f} s.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="backoffice", description="Back-office assistant for small companies.")
    parser.add_argument("--db", help="SQLite file (default: BACKOFFICE_DB or var/backoffice.db)")
    parser.add_argument("--knowledge", help="knowledge folder (default: BACKOFFICE_KNOWLEDGE_DIR or knowledge/)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="start the bot: Slack and/or Chatwork when their tokens are set, else the console")
    p.add_argument("--host", default="0.0.0.0")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser(
        "serve", help="serve /slack/events, /chatwork/webhook and /healthz (Slack over Socket Mode with an app token)"
    )
    p.add_argument("--port", type=int, default=None, help="HTTP port (default 3000; forces HTTP mode)")
    p.add_argument("--host", default="0.0.0.0")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("tick", help="run the scheduler once now: reminders, escalation, nudges, L9, the audit head")
    p.set_defaults(func=cmd_tick)
    p = sub.add_parser("console", help="chat with the bot in the terminal as a directory member")
    p.add_argument("--as", dest="as_", metavar="EMAIL_OR_ID")
    p.set_defaults(func=cmd_console)

    org = sub.add_parser("org", help="the employee directory").add_subparsers(dest="org_command", required=True)
    p = org.add_parser("import", help="replace the directory from a YAML or CSV file")
    p.add_argument("file")
    p.set_defaults(func=cmd_org_import)
    p = org.add_parser("export", help="write the directory as CSV (the columns `org import` reads)")
    p.add_argument("file", nargs="?", help="CSV file to write (default: stdout)")
    p.set_defaults(func=cmd_org_export)

    rules = sub.add_parser("rules", help="the rule files").add_subparsers(dest="rules_command", required=True)
    p = rules.add_parser("check", help="validate the rule files")
    p.add_argument("--knowledge", dest="knowledge", default=argparse.SUPPRESS)
    p.set_defaults(func=cmd_rules_check)
    p = rules.add_parser("explain", help="show why a request was decided as it was")
    p.add_argument("request_id", type=int)
    p.add_argument("--locale", choices=["ja", "en"])
    p.set_defaults(func=cmd_rules_explain)

    audit = sub.add_parser("audit", help="the audit log").add_subparsers(dest="audit_command", required=True)
    p = audit.add_parser("verify", help="check the keyed chain, the anchors, and the tables against the log")
    p.add_argument("--anchor", action="append", default=[], metavar="LINE",
                   help="an anchor line kept elsewhere (printed by `audit anchor`); may be repeated")  # fmt: skip
    p.set_defaults(func=cmd_audit_verify)
    audit.add_parser(
        "anchor", help="verify, then print the entry count and head hash as a line to keep elsewhere"
    ).set_defaults(func=cmd_audit_anchor)
    p = audit.add_parser("rekey", help="rotate the audit key: verify, then re-chain the log with a new key")
    p.add_argument("--new-key-env", metavar="NAME",
                   help="the new key is in this environment variable (BACKOFFICE_AUDIT_KEY users)")  # fmt: skip
    p.set_defaults(func=cmd_audit_rekey)

    inbox = sub.add_parser("inbox", help="messages kept for working off: parked ones, retry, drop").add_subparsers(
        dest="inbox_command", required=True
    )
    p = inbox.add_parser("list", help="parked messages (that failed every try) and what waits to be sent")
    p.add_argument("--all", action="store_true", help="every row, not only parked ones")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_inbox_list)
    p = inbox.add_parser("retry", help="put a parked message back in the queue ('all' for every parked one)")
    p.add_argument("key")
    p.set_defaults(func=cmd_inbox_retry)
    p = inbox.add_parser("drop", help="give up on a parked message for good (recorded in the audit log)")
    p.add_argument("key")
    p.set_defaults(func=cmd_inbox_drop)

    p = sub.add_parser("eval", help="score the understanding engine on a labelled JSONL file")
    p.add_argument("file")
    p.add_argument("--engine", choices=["offline", "llm", "hybrid"], default=None)
    p.add_argument("--json", action="store_true", help="one JSON object: cases, accuracies, fields, failures")
    p.set_defaults(func=cmd_eval)

    leave = sub.add_parser("leave", help="annual leave").add_subparsers(dest="leave_command", required=True)
    p = leave.add_parser("balance", help="a person's balance and grants")
    p.add_argument("who", metavar="EMAIL_OR_ID")
    p.add_argument("--date", help="as of this date (YYYY-MM-DD)")
    p.set_defaults(func=cmd_leave_balance)
    p = leave.add_parser("duty", help="who is short of the five days a year (L9)")
    p.add_argument("--date", help="as of this date (YYYY-MM-DD)")
    p.add_argument("--notify", action="store_true", help="queue reminders for them and the report for HR")
    p.set_defaults(func=cmd_leave_duty)
    p = leave.add_parser("set-balance", help="opening balance or correction, for one person or a CSV")
    p.add_argument("who", metavar="EMAIL_OR_ID|FILE")
    p.add_argument("days", nargs="?", help="days remaining (omit with --file)")
    p.add_argument("--file", action="store_true", help="WHO is a CSV: employee,remaining[,as_of][,taken_this_year]")
    p.add_argument("--date", help="as of this date (default: today)")
    p.add_argument("--taken-this-year", type=float, default=0.0, help="days already taken in this leave year")
    p.set_defaults(func=cmd_leave_set_balance)
    sub.add_parser(
        "stats", help="language model usage (calls, failures, tokens) and policy questions (answers, votes, FAQ)"
    ).set_defaults(func=cmd_stats)
    knowledge = sub.add_parser("knowledge", help="the policy documents").add_subparsers(
        dest="knowledge_command", required=True
    )
    p = knowledge.add_parser("reindex", help="read the policy documents and build the search index now")
    p.add_argument("--knowledge", dest="knowledge", default=argparse.SUPPRESS)
    p.set_defaults(func=cmd_knowledge_reindex)
    from bot.calendar_cli import register as register_calendar  # one hook, kept here: it calls back into _app

    register_calendar(sub)  # `calendar url` / `calendar rotate`: the leave calendar feeds
    from bot.accounting.cli import register as register_accounting
    from bot.archive.cli import register as register_archive
    from bot.ops_cli import register as register_ops
    from bot.transfers.cli import register as register_transfers

    register_accounting(sub)  # `export journal`, `freee …`
    register_transfers(sub)  # `bank import`, `transfers …`
    register_archive(sub)  # `receipts search|export|…`
    register_ops(sub)  # `init`, `backup`, `restore`
    from bot.drafting.cli import register as register_templates

    register_templates(sub)  # `templates check`: the contract templates (#18)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(Settings().log_level)
    try:
        return int(args.func(args))
    except RuleError as err:
        print("The rule files have errors; the bot will not start until they are fixed:", file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_ERROR
    except DirectoryError as err:
        print(f"The directory file has problems:\n{err}", file=sys.stderr)
        return EXIT_ERROR
    except UsageError as err:
        print(err, file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
