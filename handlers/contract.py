"""Contract checks (C1–C5): read the file or pasted text, run the checklist, file a review request.

The checker (bot.contracts) turns the contract into a findings report; this handler keeps what
the report found on a `contract` request so the rules route it (C3, C5) and the legal reviewer
decides it with the same buttons and replies as any other request.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.i18n import t
from bot.models import LOCALES, ContractReview, Reply, Status
from bot.rules.engine import contract_value_needed
from bot.services import Services
from bot.store import records
from handlers.base import (
    Inbound,
    card_reply,
    locale_for,
    may_name_local_files,
    normalize,
    split_options,
    text_reply,
)
from handlers.receipts import keep_bytes

log = logging.getLogger(__name__)

# Text this long, or with article headings, is a pasted contract rather than a request about one.
_PASTED_MIN_CHARS = 300
_ARTICLE = re.compile(r"第\s*[0-9０-９一二三四五六七八九十百]+\s*条|\bArticle\s+\d+", re.IGNORECASE)
_PAPER = {"paper", "紙", "紙面", "書面", "紙の契約", "原本"}
_ELECTRONIC = {"electronic", "e-sign", "esign", "電子", "電子契約", "電子署名", "クラウドサイン"}
_YES = re.compile(r"(電子契約|電子署名|クラウドサイン|e-?sign|docusign|electronic(ally)? sign)", re.IGNORECASE)
_NO = re.compile(r"(紙の契約|紙で|製本|押印|原本|paper (copy|contract)|wet[- ]ink)", re.IGNORECASE)


def looks_like_contract_text(text: str) -> bool:
    """After /contract: text this long, or with articles, is the contract itself, not words about it."""
    text = normalize(text)
    return len(text) >= _PASTED_MIN_CHARS or len(_ARTICLE.findall(text)) >= 2


_ASKS_FOR_A_CHECK = re.compile(
    r"(チェック|確認|レビュー|審査|見て)(して)?(もら|いただ|頂|くれ|ほし|欲し|お願い|ください|下さい)"
    r"|お願い(します|できますか|できませんか)"
    r"|\b(can|could|would|will) you\b.*\b(check|review|look)|\bplease\b.*\b(check|review)",
    re.IGNORECASE,
)


def asks_for_a_check(text: str) -> bool:
    """「チェックしてもらえますか?」 / "Could you review…?" ask for work, however they end: not a policy question."""
    return bool(_ASKS_FOR_A_CHECK.search(normalize(text)))


def is_pasted_contract(text: str) -> bool:
    """Free text that is a contract pasted without a command: several article headings in a long text."""
    text = normalize(text)
    return len(text) >= _PASTED_MIN_CHARS and len(_ARTICLE.findall(text)) >= 3


class ContractHandler:
    kind = "contract"

    def __init__(self) -> None:
        self._drafter: Any = None  # bot.contracts.ai.ModelDrafter for the app's model: it reads its prompts once

    def contract_command(self, msg: Inbound, args: str, services: Services) -> list[Reply]:
        """`/contract [paper|electronic] [amount=…] [counterparty=…] [our=甲]` with a file, or with the text."""
        head, _, rest = normalize(args).partition(" ")
        if head.lower() in ("draft", "ドラフト", "起案", "作成"):
            from handlers.draft import DraftHandler  # #18: drafts from the company's templates

            return DraftHandler().command(msg, rest, services)
        words, options = split_options(args)
        pasted = args if looks_like_contract_text(args) else ""
        if not pasted and may_name_local_files(msg):
            # The console has no upload: a path typed there is the file.
            typed = [w for w in words if Path(w).expanduser().is_file()]
            if typed:
                words = [w for w in words if w not in typed]
                msg = replace(msg, attachments=(*msg.attachments, *(str(Path(w).expanduser()) for w in typed)))
        if not msg.attachments and not pasted:
            return text_reply(msg, services, "contract_check.usage", limit=services.max_attachment_mb)
        note = "" if pasted else " ".join(w for w in words if w.lower() not in _PAPER | _ELECTRONIC)
        electronic = _electronic_from_words(words) if not pasted else _electronic_from_text(args)
        amount = options.get("amount") or options.get("金額")
        amount_yen = _yen(amount) if amount else None
        if amount and amount_yen is None:
            field = t("field.amount", locale_for(msg, services))
            return text_reply(msg, services, "form.bad_value", value=amount, field=field)
        return self.check(
            msg,
            services,
            pasted=pasted,
            note=note,
            electronic=electronic,
            amount_yen=amount_yen,
            counterparty=options.get("counterparty") or options.get("相手方"),
            our_party=options.get("our") or options.get("当社"),
        )

    def from_free_text(self, msg: Inbound, services: Services, fields: dict[str, Any] | None = None) -> list[Reply]:
        """「このNDAチェックお願いします」 with a file (or a pasted contract) from the understanding engine."""
        fields = fields or {}
        pasted = msg.text if is_pasted_contract(msg.text) else ""
        if not msg.attachments and not pasted:
            # Kept as a conversation: the file sent next (with or without words) is this contract.
            kept = {k: v for k, v in fields.items() if k in ("counterparty", "contract_type")}
            records.save_conversation(
                services.store, msg.employee.id, "contract", kept, "file", msg.text, services.now_iso()
            )
            return text_reply(msg, services, "contract_check.need_file", limit=services.max_attachment_mb)
        return self.check(
            msg,
            services,
            pasted=pasted,
            note="" if pasted else normalize(msg.text)[:200],
            electronic=_electronic_from_text(msg.text),
            counterparty=fields.get("counterparty"),
        )

    def _ai(self, services: Services, locale: str) -> tuple[Any, Any]:
        """The model's second reading of each item and its wording drafts, when a model is configured."""
        model = services.model
        if model is None:
            return None, None
        from bot.contracts.ai import ModelDrafter, ModelJudge

        if self._drafter is None or self._drafter.model is not model:
            self._drafter = ModelDrafter(model)
        return ModelJudge(model, locale), self._drafter

    def check(
        self,
        msg: Inbound,
        services: Services,
        *,
        pasted: str = "",
        note: str = "",
        electronic: bool | None = None,
        amount_yen: int | None = None,
        counterparty: str | None = None,
        our_party: str | None = None,
    ) -> list[Reply]:
        from bot.contracts import DocumentError, check_contract, check_size, from_pasted_text, read_document

        locale = locale_for(msg, services)
        stored: str | None = None
        try:
            if pasted:
                document = from_pasted_text(pasted)
            else:
                path = Path(msg.attachments[0])
                limit = services.max_attachment_mb * 1024 * 1024
                if not path.is_file():
                    return text_reply(msg, services, "err.attach_missing", path=msg.name_of(str(path)))
                check_size(path.stat().st_size, limit)  # refused before a byte of it is read
                data = path.read_bytes()
                document = read_document(data, msg.name_of(str(path)), max_bytes=limit)
                # Kept under its content hash beside receipts, so legal can open the very file checked.
                stored, _, _ = keep_bytes(data, msg.name_of(str(path)), services)
        except DocumentError as err:
            log.info("contract file refused: %s", err)  # the code and size only; never the contract's words
            return [Reply(locale, err.message(locale) + "\n" + t("contract_check.what_next", locale))]
        judge, drafter = self._ai(services, locale)
        report = check_contract(
            document,
            services.rules,
            made_on=services.today(),
            electronic=electronic,
            counterparty=counterparty,
            amount_yen=amount_yen,
            our_party=our_party,
            judge=judge,
            drafter=drafter,
        )
        review = review_from_report(report, stored, note, counterparty, model=services.model)
        result = services.workflow.submit(msg.employee, review, source=f"{msg.platform}:{msg.delivery_id or ''}")
        req = result.request
        assert req is not None and req.id is not None
        counts = {lvl: sum(1 for i in report.items if i.level == lvl) for lvl in ("red_flag", "warning")}
        step = services.workflow.current_step(req)
        lead = t(
            f"contract_check.submitted.{req.status.value}",
            locale,
            id=req.id,
            red=counts["red_flag"],
            warn=counts["warning"],
            approver=services.name(step.approver_id if step else None, locale),
        )
        if req.status is Status.PENDING and contract_value_needed(review, services.rules):
            # The requester learns the value is still open and who settles it (C3), and how to give it.
            threshold = f"¥{services.rules.contracts.approval.ceo_from_yen:,}"
            lead += ("" if locale == "ja" else " ") + t("contract_check.value_unknown", locale, threshold=threshold)
        return [card_reply(req, services, locale, msg.employee, lead)]


def review_from_report(
    report: Any, stored: str | None, note: str, counterparty: str | None, model: Any = None
) -> ContractReview:
    """What the rules route on and the card shows, from a ContractReport (bot.contracts.report)."""
    from bot.contracts import report_fields, report_findings

    meta = report.meta
    them = counterparty or (meta.counterparties[0].name if meta.counterparties else None)
    findings = tuple(f for f in report_findings(report) if f.rule_id not in ("C3", "C5"))  # the rules add these
    title = meta.title or (report.source.filename if report.source and report.source.filename else "") or "-"
    return ContractReview(
        title=title,
        contract_type=meta.type_key,
        mutual=report.mutual,
        counterparty=them,
        amount_yen=report.amount_yen,
        electronic=report.electronic,
        red_flags=tuple(i.rule_id for i in report.items if i.level == "red_flag"),
        # What the rules must not approve unseen: a page with no text, a fee whose value could not be read.
        unread=tuple(
            n.key for n in report.notes if n.key in ("contract.C1.pages_without_text", "contract.C1.value_unread")
        ),
        denied=tuple({"name": d.name, "reason": d.reason, "found_as": d.found_as} for d in report.denied),
        findings=findings,
        summary={loc: report_fields(report, loc) for loc in LOCALES},
        file=stored,
        note=note,
        # Which model read the items a second time: its findings and drafts are marked as the AI's on the card.
        ai_note=f"{model.model}: checklist read a second time, wording drafted" if model is not None else "",
        checked_with=report.ruleset_version,
    )


def _electronic_from_words(words: list[str]) -> bool | None:
    lowered = {w.lower() for w in words}
    if lowered & _ELECTRONIC:
        return True
    if lowered & _PAPER:
        return False
    return None


def _electronic_from_text(text: str) -> bool | None:
    if _YES.search(text):
        return True
    if _NO.search(text):
        return False
    return None


def _yen(value: str) -> int | None:
    from bot.understanding.amounts import parse_amount_text

    parsed = parse_amount_text(value)
    if parsed is None or parsed[1] != "JPY" or parsed[0] < 0:
        return None
    return int(parsed[0])
