"""The composition root: the one place that reads settings and the wall clock and wires the parts."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import Clock, FixedClock, SystemClock
from bot.config import Settings
from bot.directory import Directory, load_directory_file
from bot.drafting.service import cached_templates
from bot.drafting.templates import TEMPLATES_DIR
from bot.inbox import Inbox
from bot.knowledge.service import KnowledgeService
from bot.router import Router
from bot.rules.loader import RuleSet, load_rules
from bot.services import Services
from bot.store import audit_keys, records
from bot.store.db import Store
from bot.understanding.factory import PROMPTS_DIR, make_engine, model_of
from bot.workflow import Workflow

log = logging.getLogger(__name__)

DEMO_DIRECTORY = "org.yaml"
POLICIES_DIR = "policies"


@dataclass
class App:
    settings: Settings
    store: Store
    rules: RuleSet
    services: Services
    router: Router
    # Every front door keeps its inbounds here before it answers, and they are worked off from here.
    inbox: Inbox

    @property
    def directory(self) -> Directory:
        return self.services.directory

    def import_directory(self, path: str, actor: str | None = None) -> int:
        """Validate a directory file and make it the company's directory (all or nothing)."""
        employees = load_directory_file(path)
        records.save_employees(self.store, employees, self.services.now_iso(), actor, str(path))
        self.services.workflow.set_directory(Directory(records.load_employees(self.store)))
        return len(employees)

    def close(self) -> None:
        self.inbox.stop()
        if self.services.model is not None:
            self.services.model.close()
        self.store.close()


def make_clock(settings: Settings, rules: RuleSet) -> Clock:
    """The company's clock: "today" is the day in the company's time zone (calendar.yaml)."""
    tz = ZoneInfo(rules.calendar_policy.timezone)
    return FixedClock(settings.now, tz) if settings.now else SystemClock(tz)


def build_app(settings: Settings | None = None, clock: Clock | None = None) -> App:
    """Load and check the rules first (a bad rule file stops the bot here), then open the store.
    A new database is seeded with the directory shipped in the knowledge folder."""
    settings = settings or Settings()
    rules = load_rules(settings.knowledge_dir)
    if (Path(settings.knowledge_dir) / TEMPLATES_DIR).is_dir():
        # Contract templates are checked at start like the rule files: a typo names the file and key (#18).
        cached_templates(settings.knowledge_dir, set(rules.contracts.contract_types))
    clock = clock or make_clock(settings, rules)
    # The audit key and the anchor live outside the database (beside it unless set): see bot/store/audit_keys.py.
    audit_files = audit_keys.locate(settings)
    store = Store(
        settings.db,
        audit_keys=lambda: audit_keys.load_keys(audit_files.secret, audit_files.key_file),
        anchor_file=audit_files.anchor_file,
        now=lambda: clock.now().isoformat(timespec="seconds"),
    )
    if not records.load_employees(store):
        seed = settings.knowledge_dir / DEMO_DIRECTORY
        if seed.exists():
            employees = load_directory_file(seed)
            records.save_employees(store, employees, clock.now().isoformat(timespec="seconds"), None, str(seed))
            log.info("directory seeded from %s (%d people)", seed, len(employees))
    workflow = Workflow(store, rules, Directory(records.load_employees(store)), clock)
    # Nothing of the policies is read here: the index is built at the first question (or `knowledge reindex`),
    # and a broken policy file costs the policy answers only, never expenses or leave.
    knowledge = KnowledgeService(settings.knowledge_dir / POLICIES_DIR, monotonic=time.monotonic)
    engine = make_engine(settings, rules, store, clock)
    model = model_of(engine)
    if model is not None:
        # Imported here: it loads the search libraries, which an offline start leaves to the first question.
        from bot.knowledge.ai import ModelAnswerer

        # Grounded answers: the model drafts from the passages found; an answer that does not hold is replaced.
        knowledge.answerer = ModelAnswerer(model, PROMPTS_DIR).answer
    services = Services(
        store,
        rules,
        workflow,
        clock,
        settings.attachments_dir,
        engine,
        knowledge,
        settings.locale,
        max_attachment_mb=settings.max_file_mb,
        model=model,
        event_window_minutes=settings.event_window_minutes,
        drop_card_numbers=settings.drop_card_numbers,
    )
    inbox = Inbox(
        store, services.now_iso, threads=settings.workers, drop_card_numbers=settings.drop_card_numbers,
        admins=lambda: [e.id for e in services.directory.holders("admin")],
    )  # fmt: skip
    return App(settings, store, rules, services, Router(services), inbox)
