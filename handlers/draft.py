"""Contract drafts from the company's own templates (knowledge/templates/): `/contract draft nda
counterparty=… term=2y`, or 「株式会社Xと相互NDAを作って。期間2年」 in words. A missing required slot is asked
for (a conversation kept in the store, like any half-told request); then the DOCX comes to the requester's direct
chat with the text, and the draft is filed as a `contract` request routed by the rules (C3: legal, the CEO from
the threshold; a standard mutual NDA approved by rule). `/contract draft compare [#ID]` with the other side's
edited copy lists each protected clause they changed as findings on its review.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.drafting import compare as comparison
from bot.drafting.fill import SlotError, missing_required, parse_slot
from bot.drafting.reader import asks_for_a_draft, find_template, read_request, read_slots
from bot.drafting.service import TemplateRedFlag, draft_of, make_draft, templates_of
from bot.drafting.templates import Template, Templates
from bot.files import FileRefused
from bot.i18n import t
from bot.models import Reply, Status
from bot.rules.loader import RuleError
from bot.services import Services
from bot.store import records
from handlers.base import Inbound, card_reply, locale_for, normalize, parse_request_id, split_options, text_reply
from handlers.contract import is_pasted_contract, looks_like_contract_text, review_from_report
from handlers.receipts import keep_bytes

log = logging.getLogger(__name__)

KIND = "draft"
# A request for a draft is a sentence or two; a message longer than this is a contract or something else.
MAX_ASK_CHARS = 300
# What `/contract draft` takes as key=value, in either language, and the slot it fills.
OPTION_SLOTS = {
    "counterparty": "counterparty", "相手方": "counterparty", "相手": "counterparty",
    "term": "term", "期間": "term",
    "amount": "fee", "fee": "fee", "金額": "fee", "委託料": "fee",
    "payment": "payment_days", "支払": "payment_days", "支払期日": "payment_days",
    "side": "our_side", "立場": "our_side", "our": "our_side",
    "purpose": "purpose", "目的": "purpose",
    "description": "description", "内容": "description", "業務": "description",
    "goods": "goods", "商品": "goods",
}  # fmt: skip
_COMPARE = {"compare", "比較", "returned", "差分"}
_LIST = {"list", "templates", "一覧", "テンプレート", "help", "ヘルプ"}
_PAPER = {"paper", "紙", "書面", "原本"}
_ELECTRONIC = {"electronic", "電子", "電子契約", "e-sign"}
_CANCEL = {"キャンセル", "やめる", "やめます", "中止", "cancel", "stop"}


def _usage(msg: Inbound, services: Services, templates: Templates) -> list[Reply]:
    locale = locale_for(msg, services)
    return [Reply(locale, t("draft.usage", locale, templates=_names(templates, locale)))]


def _names(templates: Templates, locale: str) -> str:
    sep = "、" if locale == "ja" else ", "
    return sep.join(t("draft.template_line", locale, slug=x.key, name=x.name(locale)) for x in templates.ordered())


class DraftHandler:
    kind = KIND

    # -- entry points ------------------------------------------------------------------------------------

    def command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        """`/contract draft TYPE key=value … [paper|electronic] [optional clause]`, `/contract draft compare`."""
        templates = self._templates(msg, services)
        if isinstance(templates, list):
            return templates
        words, options = split_options(args)
        if not words and not options:
            return _usage(msg, services, templates)
        if words and words[0].lower() in _COMPARE:
            return self.compare(msg, normalize(args).split(None, 1)[1] if " " in normalize(args) else "", services,
                                templates)  # fmt: skip
        if words and words[0].lower() in _LIST:
            return _usage(msg, services, templates)
        locale = locale_for(msg, services)
        template = templates.get(words[0].lower()) if words else None
        template = template or find_template(" ".join(words), templates)
        if template is None:
            word = words[0] if words else ""
            return text_reply(msg, services, "draft.unknown_template", word=word, templates=_names(templates, locale))
        slots: dict[str, Any] = {}
        for key, raw in options.items():
            name = OPTION_SLOTS.get(key, key)
            if name == "fee" and name not in template.slots:
                name = next((k for k, s in template.slots.items() if s.kind == "yen"), name)
            if name not in template.slots:
                allowed = ", ".join(template.slots)
                return text_reply(msg, services, "draft.unknown_option", word=key, allowed=allowed)
            try:
                slots[name] = parse_slot(name, template.slots[name], raw)
            except SlotError as err:
                return [Reply(locale, _slot_error(err, template, locale))]
        chosen = {
            k: True
            for k, o in template.spec.optional_clauses.items()
            if any(w.lower() == k or w in o.said for w in words[1:])
        }
        lowered = {w.lower() for w in words}
        electronic = True if lowered & _ELECTRONIC else (False if lowered & _PAPER else None)
        return self.proceed(msg, services, template, slots, chosen, electronic, msg.text)

    def from_words(self, msg: Inbound, services: Services) -> list[Reply] | None:
        """A draft asked for in words, or None when the message is not one (then it goes where it always went)."""
        text = normalize(msg.text)
        if text.endswith(("?", "？", "か")) and "作って" not in text:
            return None  # 「NDAを作成するときの承認者は?」 asks about the rules
        if len(text) > MAX_ASK_CHARS or not asks_for_a_draft(text):
            return None  # the cheap tests first: this runs on every message, the templates' folder is read below
        if is_pasted_contract(msg.text) or looks_like_contract_text(msg.text):
            return None  # a contract pasted to be checked says 「本書2通を作成し」 too: it is checked, not drafted
        try:
            templates = templates_of(services)
        except RuleError:
            return None  # broken templates cost the drafts only: the message goes on to the usual reading
        ask = read_request(text, templates)
        if ask is None:
            return None
        locale = locale_for(msg, services)
        if ask.refused:
            err = next(iter(ask.refused.values()))
            return [Reply(locale, _slot_error(err, ask.template, locale))]
        lowered = text.lower()
        electronic = True if any(w in lowered for w in _ELECTRONIC) else None
        return self.proceed(msg, services, ask.template, ask.slots, ask.options, electronic, msg.text)

    def answer(self, msg: Inbound, services: Services, conversation: dict[str, Any]) -> list[Reply] | None:
        """The answer to the slot the bot asked for; None when the message is something else altogether."""
        fields = conversation["fields"]
        text = normalize(msg.text)
        locale = locale_for(msg, services)
        if text.rstrip("。.!！").lower() in _CANCEL:
            records.end_conversation(services.store, msg.employee.id)
            return text_reply(msg, services, "ask.cancelled")
        try:
            templates = templates_of(services)
        except RuleError:
            records.end_conversation(services.store, msg.employee.id)
            return text_reply(msg, services, "draft.templates_broken")
        template = templates.get(fields.get("template", ""))
        asking = conversation["asking"]
        if template is None or asking not in template.slots:
            records.end_conversation(services.store, msg.employee.id)
            return None
        slots = dict(fields.get("slots") or {})
        spec = template.slots[asking]
        if spec.kind == "text" and _another_request(text, services, locale):
            records.end_conversation(services.store, msg.employee.id)
            return None  # 「タクシー代 3,200円」 while the bot waits for a name: a request of its own
        try:
            value = parse_slot(asking, spec, _answer_value(text, asking, spec.kind, template))
        except SlotError as err:
            if len(text) > 60:
                records.end_conversation(services.store, msg.employee.id)
                return None  # a long message is a new request, not this answer
            sep = "" if locale == "ja" else " "
            return [Reply(locale, _slot_error(err, template, locale) + sep + self._question(template, asking, locale))]
        slots[asking] = value
        # Whatever else the answer states (「2年、当社が開示側」) is taken too, where it is still missing.
        for name, extra in read_slots(text, template).slots.items():
            slots.setdefault(name, extra)
        return self.proceed(
            msg, services, template, slots, dict(fields.get("options") or {}), fields.get("electronic"),
            conversation.get("text") or "",
        )  # fmt: skip

    # -- the draft ---------------------------------------------------------------------------------------

    def proceed(
        self,
        msg: Inbound,
        services: Services,
        template: Template,
        slots: dict[str, Any],
        options: dict[str, bool],
        electronic: bool | None,
        original: str,
    ) -> list[Reply]:
        locale = locale_for(msg, services)
        missing = missing_required(template, slots)
        if missing:
            fields = {"template": template.key, "slots": slots, "options": options, "electronic": electronic}
            records.save_conversation(
                services.store, msg.employee.id, KIND, fields, missing[0], original, services.now_iso()
            )
            sep = "" if locale == "ja" else " "
            return [Reply(locale, self._question(template, missing[0], locale) + sep + t("draft.cancel_hint", locale))]
        records.end_conversation(services.store, msg.employee.id)
        try:
            made = make_draft(services, template, locale, slots, options, electronic=electronic, request_text=original)
        except TemplateRedFlag as err:
            log.error("template %s yields a red flag: %s", template.key, ", ".join(err.items))
            return text_reply(msg, services, "draft.template_error", template=template.name(locale),
                              items=", ".join(err.items))  # fmt: skip
        review = review_from_report(made.report, made.file.path, f"draft: {template.key}", slots.get("counterparty"))
        ai_note = (
            f"{made.draft.worded_by}: worded {', '.join(made.draft.model_slots)}; protected clauses as the template"
            if made.draft.model_slots
            else ""
        )
        review = replace(review, title=made.draft.title, note=f"draft: {template.key} ({locale})", ai_note=ai_note)
        result = services.workflow.submit(msg.employee, review, source=f"{msg.platform}:{msg.delivery_id or ''}")
        req = result.request
        assert req is not None and req.id is not None
        step = services.workflow.current_step(req)
        if req.status is Status.APPROVED:
            route = t("draft.route.approved", locale)
        elif req.status is Status.PENDING:
            route = t("draft.route.pending", locale, approver=services.name(step.approver_id if step else None, locale))
        else:
            route = t("draft.route.other", locale, status=t(f"status.{req.status.value}", locale))
        lines = [t("draft.made", locale, template=template.name(locale), id=req.id, route=route)]
        if made.draft.model_slots:
            labels = ", ".join(getattr(template.slots[k], locale) for k in made.draft.model_slots)
            lines.append(t("draft.worded_by_model", locale, slots=labels, model=made.draft.worded_by))
        elif made.model_discarded:
            lines.append(t("draft.model_discarded", locale))
        lines.append(t("draft.stamp", locale, stamp=made.report.stamp.text(locale)))
        lines.append(t("draft.file_sent", locale, name=made.file.name))
        card = card_reply(req, services, locale, msg.employee, "\n".join(lines))
        body = t("draft.text_header", locale) + "\n" + made.draft.text()
        return [replace(card, file=made.file), Reply(locale, body)]

    # -- the other side's edits ----------------------------------------------------------------------------

    def compare(self, msg: Inbound, rest: str, services: Services, templates: Templates) -> list[Reply]:
        """The returned copy checked as any contract, with each protected clause of our template it changed.
        `rest`: `[#ID] [TYPE]` then, without a file, the pasted text (its lines kept)."""
        from bot.contracts import DocumentError, check_contract, from_pasted_text, read_document

        locale = locale_for(msg, services)
        words: list[str] = []
        while rest:
            head, _, tail = rest.partition(" ") if " " in rest.split("\n", 1)[0] else rest.partition("\n")
            if parse_request_id(head) is None and templates.get(head.lower()) is None:
                break
            words.append(head)
            rest = tail.lstrip(" ")
        pasted = rest.strip()
        named = next((parse_request_id(w) for w in words if parse_request_id(w) is not None), None)
        sidecar = None
        if named is not None:
            req = records.get_request(services.store, named)
            sidecar = draft_of(req, services) if req is not None and req.requester_id == msg.employee.id else None
            if sidecar is None:
                return text_reply(msg, services, "draft.compare.not_a_draft", id=named)
        if not msg.attachments and len(pasted) < 200:
            return text_reply(msg, services, "draft.compare.need_file")
        stored: str | None = None
        try:
            if msg.attachments:
                path = Path(msg.attachments[0])
                limit = services.max_attachment_mb * 1024 * 1024
                data = path.read_bytes()
                document = read_document(data, msg.name_of(str(path)), max_bytes=limit)
                # Kept under its content hash, as any contract checked, so legal can open the very copy they sent.
                stored, _, _ = keep_bytes(data, msg.name_of(str(path)), services)
            else:
                document = from_pasted_text(pasted)
        except (DocumentError, FileRefused, OSError) as err:
            if isinstance(err, DocumentError):
                text = err.message(locale)
            elif isinstance(err, FileRefused):
                text = t(err.key, locale, **err.data)
            else:
                text = t("err.attach_missing", locale, path="")
            return [Reply(locale, text)]
        template = templates.get(sidecar["template"]) if sidecar else None
        template = template or next((templates.get(w.lower()) for w in words if templates.get(w.lower())), None)
        template = template or comparison.which_template(document.text, templates)
        if template is None:
            return text_reply(msg, services, "draft.compare.unknown", templates=_names(templates, locale))
        changes = comparison.compare(
            document.text,
            templates,
            template,
            sidecar.get("locale") if sidecar else None,
            sidecar.get("slots") if sidecar else None,
            sidecar.get("options") if sidecar else None,
        )
        report = check_contract(document, services.rules, made_on=services.today(), electronic=None)
        them = report.meta.counterparties[0].name if report.meta.counterparties else None
        review = review_from_report(report, stored, f"returned copy of {template.key}", them)
        found = comparison.findings(changes, template)
        review = replace(
            review,
            findings=(*found, *review.findings),
            # A protected clause changed is never approved by rule: legal reads it (C3 routes any red flag).
            red_flags=(*review.red_flags, *(f.rule_id for f in found)),
        )
        result = services.workflow.submit(msg.employee, review, source=f"{msg.platform}:{msg.delivery_id or ''}")
        req = result.request
        assert req is not None
        key = "draft.compare.summary" if changes else "draft.compare.none"
        lead = t(key, locale, template=template.name(locale), n=len(changes))
        return [card_reply(req, services, locale, msg.employee, lead)]

    # -- helpers -----------------------------------------------------------------------------------------

    def _templates(self, msg: Inbound, services: Services) -> Templates | list[Reply]:
        try:
            return templates_of(services)
        except RuleError as err:
            log.error("contract templates: %s", "; ".join(err.problems))
            return text_reply(msg, services, "draft.templates_broken")

    def _question(self, template: Template, slot: str, locale: str) -> str:
        spec = template.slots[slot]
        label = spec.ja if locale == "ja" else spec.en
        values = ", ".join((v.names.get(locale) if v.names else k) for k, v in spec.values.items())
        example = "" if spec.kind == "text" else t(f"draft.ask.example.{spec.kind}", locale, values=values)
        sep = "" if locale == "ja" or not example else " "
        return t("draft.ask", locale, template=template.name(locale), label=label) + sep + example


def _another_request(text: str, services: Services, locale: str) -> bool:
    """Whether the offline engine reads the message, with confidence, as an expense, leave, a question or a status
    request: then it is not the name or description the bot asked for."""
    from bot.understanding.factory import offline_of
    from bot.understanding.types import CONFIDENT

    read = offline_of(services.understanding).understand(text, services.today(), locale)
    return read.intent in ("expense", "leave", "question", "status") and read.confidence["intent"] >= CONFIDENT


def _answer_value(text: str, slot: str, kind: str, template: Template) -> Any:
    """An answer as the slot reads it: 「株式会社サクラテックです」 is the name; 「2年で」 is the term."""
    if kind == "text":
        return text.removesuffix("。").removesuffix("です").removesuffix("でお願いします").strip()
    found = read_slots(text, template).slots.get(slot)
    if found is not None:
        return found
    unit = {"months": r"年|か月|ヶ月|カ月|ケ月|箇月|years?|months?|y|m", "days": r"日|days?|d"}.get(kind)
    if unit and (m := re.search(rf"(\d{{1,3}})\s*({unit})(?![a-z])", text, re.IGNORECASE)):
        return m.group(1) + m.group(2)
    return text.removesuffix("。").removesuffix("です").removesuffix("で")


def _slot_error(err: SlotError, template: Template, locale: str) -> str:
    slot = err.data.get("slot", "")
    spec = template.slots.get(slot)
    label = (spec.ja if locale == "ja" else spec.en) if spec else slot
    data = {k: v for k, v in err.data.items() if k != "slot"}
    return t(err.key, locale, label=label, **data)
