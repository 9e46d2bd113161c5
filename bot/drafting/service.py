"""A draft made and filed: fill the template, let the model word the deal-specific slots (when configured and
only within what the template allows), check the result with the same checklist as any contract, write the DOCX
(0600, under the bot's folder: drafts/), and file it as a `contract` request routed by the rules (C3, C5).

The handler (handlers/draft.py) files the result as the request. A red flag on a draft from the offline fill
is an error in the template: nothing is filed and the reply says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.drafting.docx_write import MIME, docx_bytes
from bot.drafting.fill import Draft, fill
from bot.drafting.templates import Template, Templates, load_templates
from bot.models import ContractReview, OutFile, Request
from bot.services import Services
from bot.store.files import private_dir

log = logging.getLogger(__name__)

DRAFTS_DIR = "drafts"
_CACHE: dict[str, tuple[tuple[tuple[str, int], ...], Templates]] = {}


class TemplateRedFlag(Exception):
    def __init__(self, template: Template, items: list[str]) -> None:
        super().__init__(f"{template.key}: {', '.join(items)}")
        self.template = template
        self.items = items


def knowledge_dir(services: Services) -> Path:
    return Path(services.knowledge.root).parent


def templates_of(services: Services) -> Templates:
    """The templates under the knowledge folder, read again when a file there changed (RuleError when wrong)."""
    return cached_templates(knowledge_dir(services), set(services.rules.contracts.contract_types))


def cached_templates(knowledge: Path, contract_types: set[str]) -> Templates:
    """load_templates, kept until a file under `knowledge/templates` changes: the check at start (bot/app.py) is
    the load the first draft uses."""
    folder = (Path(knowledge) / "templates").resolve()
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*"))) if folder.is_dir() else ()
    cached = _CACHE.get(str(folder))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    loaded = load_templates(knowledge, contract_types)
    _CACHE[str(folder)] = (stamp, loaded)
    return loaded


def drafts_dir(services: Services) -> Path:
    return Path(services.store.path).parent / DRAFTS_DIR


@dataclass(frozen=True)
class Made:
    draft: Draft
    report: Any  # bot.contracts.report.ContractReport
    file: OutFile
    model_discarded: bool = False


def check_draft(draft: Draft, services: Services, electronic: bool | None, made_on: dt.date) -> Any:
    """The checklist on the DOCX as written, read back the way any contract file is read."""
    from bot.contracts import check_contract, read_document

    data = docx_bytes(draft)
    document = read_document(data, file_name(draft), max_bytes=len(data) + 1)
    return check_contract(
        document, services.rules, made_on=made_on, electronic=electronic, counterparty=draft.slots.get("counterparty")
    )


def file_name(draft: Draft) -> str:
    them = "".join(ch for ch in str(draft.slots.get("counterparty", "")) if ch.isalnum())[:30]
    return f"{draft.template.key}-{draft.locale}{'-' + them if them else ''}.docx"


def make_draft(
    services: Services,
    template: Template,
    locale: str,
    slots: dict[str, Any],
    options: dict[str, bool],
    *,
    electronic: bool | None = None,
    request_text: str = "",
) -> Made:
    templates = templates_of(services)
    made_on = services.today()
    offline = fill(templates, template, locale, slots, options)
    report = check_draft(offline, services, electronic, made_on)
    red = [i.rule_id for i in report.items if i.level == "red_flag"]
    if red:
        raise TemplateRedFlag(template, red)
    draft, discarded = offline, False
    if services.model is not None and any(s.model for s in template.slots.values()):
        wording = _model_wording(services, template, locale, slots, request_text)
        discarded = wording.refused
        if (worded := wording.values) is not None:
            candidate = fill(templates, template, locale, slots, options, worded=worded, worded_by=services.model.model)
            candidate_report = check_draft(candidate, services, electronic, made_on)
            touched = _protected_topic(worded, template, services)
            if touched is None and _within_template(offline, candidate, report, candidate_report):
                draft, report = candidate, candidate_report
            else:
                discarded = True
                log.warning("draft %s: the model's wording touched %s: discarded", template.key, touched or "a check")
    data = docx_bytes(draft)
    path = write_private(drafts_dir(services), data, ".docx")
    _write_sidecar(path, draft)
    return Made(draft, report, OutFile(str(path), file_name(draft), MIME), discarded)


def _model_wording(
    services: Services, template: Template, locale: str, slots: dict[str, Any], request_text: str
) -> Any:
    from bot.drafting.ai import SlotWorder

    assert services.model is not None
    given = {k: str(v) for k, v in slots.items() if k in template.slots and template.slots[k].model}
    return SlotWorder(services.model)(template, locale, given, request_text)


def _within_template(offline: Draft, candidate: Draft, report: Any, candidate_report: Any) -> bool:
    """The model's draft keeps every protected clause byte for byte, and every checklist item as it was."""
    for key in offline.template.protected:
        if offline.clauses.get(key) != candidate.clauses.get(key):
            return False
    return bool(report.statuses() == candidate_report.statuses() and not candidate_report.has_red_flag)


# The words by which the checklist finds a protected clause's topic (rules/contracts.yaml): a slot the model
# words must not speak of a cap, a court, anti-social forces, payment or IP at all, even where no check would flag.
_TOPIC_ATTRS = ("words", "topic_words", "cap_words", "unlimited_words", "payment_words", "courts")


def _protected_topic(worded: dict[str, str], template: Template, services: Services) -> str | None:
    """The first protected clause whose topic the model's wording speaks of, or None."""
    from bot.contracts.text import Folded, word_pattern

    checklist = services.rules.contracts.checklist
    for key in template.protected:
        item = checklist.get(key)
        if item is None:
            continue
        words = [w for attr in _TOPIC_ATTRS for w in (getattr(item, attr, None) or [])]
        pattern = word_pattern(words)
        if any(pattern.search(Folded.of(value).text) for value in worded.values()):
            return key
    return None


def write_private(folder: Path, data: bytes, suffix: str) -> Path:
    """Under the content hash, 0600 in a 0700 folder, written once (the same draft twice is one file)."""
    private_dir(folder)
    path = folder / f"{hashlib.sha256(data).hexdigest()}{suffix}"
    if path.exists():
        return path
    temp = folder / f".{path.name}.{os.getpid()}.part"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path


def _write_sidecar(path: Path, draft: Draft) -> None:
    """What the draft was made from, beside it: the comparison with a returned copy fills the template alike."""
    meta = {
        "template": draft.template.key,
        "locale": draft.locale,
        "slots": draft.slots,
        "options": draft.options,
        "worded_by": draft.worded_by,
        "model_slots": list(draft.model_slots),
        "name": file_name(draft),
    }
    target = path.with_suffix(".json")
    if not target.exists():
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(meta, out, ensure_ascii=False, sort_keys=True)


def draft_of(req: Request, services: Services) -> dict[str, Any] | None:
    """The sidecar of a request's draft, when the request is a draft made here (its file under drafts/)."""
    details = req.details
    if not isinstance(details, ContractReview) or not details.file:
        return None
    path = Path(details.file)
    try:
        if path.resolve().parent != drafts_dir(services).resolve() or not path.is_file():
            return None
        meta: dict[str, Any] = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    meta["path"] = str(path)
    return meta


def final_file(req: Request, services: Services) -> OutFile | None:
    """The DOCX a requester gets when their drafted contract is approved; None for any other request."""
    meta = draft_of(req, services)
    if meta is None:
        return None
    return OutFile(meta["path"], str(meta.get("name") or Path(meta["path"]).name), MIME)
