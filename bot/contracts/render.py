"""The report as the repo's platform-neutral Card: Slack, Chatwork and the console render it.

Each checklist item becomes a Finding (rule id C2.<key>) carrying its status word, reason, the
clause it rests on and, for a red flag, suggested wording; C3/C4/C5 add their own findings.
"""

from __future__ import annotations

from bot.contracts.model import ItemResult, Message
from bot.contracts.report import ContractReport
from bot.i18n import t
from bot.models import Card, Finding, Severity

# A red flag does not refuse the request (legal decides), so it is a warning to the workflow;
# the message says "重大 / Red flag" and `data["status"]` keeps the exact status.
SEVERITY_FOR_LEVEL = {"ok": Severity.INFO, "warning": Severity.WARNING, "red_flag": Severity.WARNING}


def _item_message(item: ItemResult, locale: str) -> str:
    status = t(f"contract.status.{item.status.value}", locale)
    if not item.applicable:
        status = t("contract.not_applicable", locale)
    lines = [
        t("contract.finding.item", locale, status=status, title=item.title(locale), reason=item.explanation(locale))
    ]
    if item.citation:
        lines.append(t("contract.finding.quote", locale, quote=item.citation.text(locale)))
    if item.suggestion(locale):
        key = "contract.finding.suggestion_ai" if item.suggestion_drafted(locale) else "contract.finding.suggestion"
        lines.append(t(key, locale, text=item.suggestion(locale)))
    if item.ai_note:
        lines.append(item.ai_note.text(locale))
    return "\n".join(lines)


def item_finding(item: ItemResult) -> Finding:
    data = {
        "status": item.status.value,
        "level": item.level,
        "applicable": item.applicable,
        "source": item.source,
        "ai_drafted": list(item.ai_drafted),  # locales whose suggested wording the model drafted
        "clause": item.citation.clause_ja if item.citation else None,
        "quote": item.citation.excerpt if item.citation else None,
        "facts": item.facts,
    }
    return Finding(
        item.rule_id, SEVERITY_FOR_LEVEL[item.level], _item_message(item, "ja"), _item_message(item, "en"), data
    )


def _finding(rule_id: str, severity: Severity, message: Message, **data: object) -> Finding:
    return Finding(rule_id, severity, message.text("ja"), message.text("en"), dict(data))


def _yen(n: int) -> str:
    return f"¥{n:,}"


def report_findings(report: ContractReport, *, include_ok: bool = True) -> tuple[Finding, ...]:
    """Findings in reading order: C5 first (it overrides everything), the checklist, then C3 and C4."""
    out: list[Finding] = []
    for d in report.denied:
        out.append(
            _finding(
                "C5",
                Severity.WARNING,
                Message("contract.C5.denied", {"name": d.found_as, "listed": d.name}),
                name=d.name,
                reason=d.reason,
            )
        )
    for note in report.notes:
        out.append(_finding("C1", Severity.WARNING, note))  # C1: what the report could not read
    items = report.items if include_ok else tuple(i for i in report.items if i.level != "ok")
    out.extend(item_finding(i) for i in items)
    threshold = _yen(report.ceo_from_yen)
    if report.auto_approvable:
        out.append(_finding("C3", Severity.INFO, Message("contract.C3.auto")))
    else:
        out.append(_finding("C3", Severity.INFO, Message("contract.C3.legal")))
    if report.needs_ceo:
        out.append(
            _finding(
                "C3", Severity.INFO, Message("contract.C3.ceo", {"threshold": threshold}), amount_yen=report.amount_yen
            )
        )
    elif report.value_needed:
        out.append(_finding("C3", Severity.INFO, Message("contract.C3.amount_unknown", {"threshold": threshold})))
    stamp = report.stamp
    out.append(
        Finding(
            "C4",
            Severity.INFO,
            stamp.text("ja"),
            stamp.text("en"),
            {"status": stamp.status, "duty_yen": stamp.duty_yen},
        )
    )
    return tuple(out)


def report_fields(report: ContractReport, locale: str) -> tuple[tuple[str, str], ...]:
    meta = report.meta
    unknown = t("contract.value.unknown", locale)
    fields: list[tuple[str, str]] = []
    if report.source and report.source.filename:
        fields.append((t("contract.field.source", locale), report.source.filename))
    type_name = report.type_names.get(locale) or t("contract.value.unknown_type", locale)
    fields.append((t("contract.field.type", locale), type_name))
    if meta.parties:
        shown = [t("contract.value.us", locale, name=p.name) if p.is_us else p.name for p in meta.parties]
        fields.append((t("contract.field.parties", locale), " / ".join(shown)))
    if meta.amount and report.amount_yen == meta.amount.yen and meta.amount.basis in ("monthly", "annual", "total"):
        amount = t(f"contract.value.{meta.amount.basis}", locale, amount=_yen(meta.amount.yen))
    else:
        amount = _yen(report.amount_yen) if report.amount_yen is not None else unknown
    fields.append((t("contract.field.amount", locale), amount))
    if meta.term_months:
        months = meta.term_months
        term = (
            t("contract.value.years", locale, n=months // 12)
            if months % 12 == 0
            else t("contract.value.months", locale, n=months)
        )
    else:
        term = unknown
    fields.append((t("contract.field.term", locale), term))
    renews = report.auto_renewal
    fields.append(
        (t("contract.field.renewal", locale), t("contract.value.yes" if renews else "contract.value.no", locale))
    )
    if report.mutual is not None:
        word = "contract.value.mutual" if report.mutual else "contract.value.one_way"
        fields.append((t("contract.field.mutual", locale), t(word, locale)))
    fields.append((t("contract.field.stamp", locale), report.stamp.text(locale)))
    counts = {lvl: sum(1 for i in report.items if i.level == lvl) for lvl in ("red_flag", "warning", "ok")}
    summary = t("contract.summary", locale, red=counts["red_flag"], warn=counts["warning"], ok=counts["ok"])
    fields.append((t("contract.field.summary", locale), summary))
    return tuple(fields)


def report_card(report: ContractReport, locale: str, *, request_id: int | None = None, include_ok: bool = True) -> Card:
    """A Card for `locale`; Finding messages carry both languages as every Finding does."""
    name = report.meta.title or (report.source.filename if report.source else "") or t("contract.card.untitled", locale)
    return Card(
        title=t("contract.card.title", locale, name=name),
        fields=report_fields(report, locale),
        findings=report_findings(report, include_ok=include_ok),
        request_id=request_id,
        footer=t("footer.rules", locale, version=report.ruleset_version),
    )
