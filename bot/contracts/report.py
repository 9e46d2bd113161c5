"""The contract check as one pure function: text in, `ContractReport` out (C1–C5).

Routing is the workflow's business; the report gives it the booleans it routes on
(has_red_flag, is_standard_mutual_nda, counterparty_denied, needs_ceo), each from the rule file.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace
from typing import Any

from bot.contracts.checks import run_checklist, shown_period
from bot.contracts.clauses import Clause, Contract, split_clauses
from bot.contracts.documents import ContractText, from_pasted_text
from bot.contracts.extract import ContractMeta, Party, company_key, is_deny_listed, read_meta, same_company
from bot.contracts.judge import ChecklistEntry, ItemJudge, run_judge
from bot.contracts.model import ItemResult, Message
from bot.contracts.stamp import UNKNOWN, StampDuty, stamp_duty
from bot.contracts.text import fold, stem_pattern
from bot.contracts.wording import Drafter, DraftRequest, Wording, default_wording
from bot.i18n import both
from bot.rules.loader import RuleSet
from bot.rules.schema import ContractPolicy

log = logging.getLogger(__name__)

VALUE_UNREAD = "contract.C1.value_unread"  # the same key bot.rules.engine routes on


@dataclass(frozen=True)
class DeniedMatch:
    name: str  # as listed on the deny list
    reason: str
    found_as: str  # the party name, or the words in the text, that matched


@dataclass(frozen=True)
class ContractReport:
    items: tuple[ItemResult, ...]
    meta: ContractMeta
    stamp: StampDuty
    contract: Contract = field(repr=False)
    source: ContractText | None
    denied: tuple[DeniedMatch, ...]
    amount_yen: int | None  # the value routed on: the requester's figure, else the one read
    ceo_from_yen: int
    electronic: bool | None
    ruleset_version: str
    notes: tuple[Message, ...] = ()  # things the reader should know: unread pages, us not found
    auto_approve_types: tuple[str, ...] = ()
    type_names: dict[str, str] = field(default_factory=dict)  # {"ja": 秘密保持契約, "en": …} from the rule file

    @property
    def has_red_flag(self) -> bool:
        return any(i.level == "red_flag" for i in self.items)

    @property
    def mutual(self) -> bool | None:
        """Whether confidentiality binds both parties (None: no clause, or it could not be told)."""
        item = next((i for i in self.items if "mutual" in i.facts), None)
        return item.facts["mutual"] if item else None

    @property
    def is_standard_mutual_nda(self) -> bool:
        """C3: a mutual contract of a type approved by rule (an NDA as shipped) with no red flag."""
        return self.meta.type_key in self.auto_approve_types and self.mutual is True and not self.has_red_flag

    @property
    def auto_renewal(self) -> bool:
        return any(i.facts.get("renewal") for i in self.items)

    @property
    def counterparty_denied(self) -> bool:
        return bool(self.denied)

    @property
    def needs_ceo(self) -> bool:
        return self.amount_yen is not None and self.amount_yen >= self.ceo_from_yen

    @property
    def value_unread(self) -> bool:
        """The contract states a fee, but no value could be worked out from it (nor was one given)."""
        return self.amount_yen is None and any(n.key == VALUE_UNREAD for n in self.notes)

    @property
    def value_needed(self) -> bool:
        """C3: the value is still to be given (by legal as it approves) before the CEO threshold applies:
        the same test as the rules' (bot.rules.engine.contract_value_needed)."""
        if self.amount_yen is not None:
            return False
        return self.meta.type_key not in self.auto_approve_types or self.value_unread

    @property
    def auto_approvable(self) -> bool:
        """C3 with C5 and the CEO threshold applied: nothing but a standard NDA, never a denied party, never
        one whose value could not be read."""
        blocked = self.counterparty_denied or self.needs_ceo or self.value_needed
        return self.is_standard_mutual_nda and not blocked

    def item(self, key: str) -> ItemResult:
        return next(i for i in self.items if i.key == key)

    def statuses(self) -> dict[str, str]:
        """{"antisocial": "ok", "payment": "red_flag", …}: what tests and the audit log want."""
        return {i.key: i.status.value for i in self.items}

    def rule_ids(self) -> tuple[str, ...]:
        """The rules that flagged: C2.x at warning or red flag, C5 when denied, C3 when the CEO steps in."""
        ids = [i.rule_id for i in self.items if i.level != "ok"]
        if self.counterparty_denied:
            ids.append("C5")
        if self.needs_ceo:
            ids.append("C3")
        return tuple(ids)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary for the request record and the audit log (no contract text beyond quotes)."""
        return {
            "type": self.meta.type_key,
            "title": self.meta.title,
            "parties": [{"name": p.name, "labels": list(p.labels[:-1]), "is_us": p.is_us} for p in self.meta.parties],
            "amount_yen": self.amount_yen,
            "term_months": self.meta.term_months,
            "items": [
                {
                    "rule_id": i.rule_id,
                    "status": i.status.value,
                    "level": i.level,
                    "applicable": i.applicable,
                    "source": i.source,
                    "ai_drafted": list(i.ai_drafted),
                    "clause": i.citation.clause_ja if i.citation else None,
                    "quote": i.citation.excerpt if i.citation else None,
                    "facts": i.facts,
                }
                for i in self.items
            ],
            "stamp": {"status": self.stamp.status, "duty_yen": self.stamp.duty_yen, "class": self.stamp.stamp_class},
            "has_red_flag": self.has_red_flag,
            "is_standard_mutual_nda": self.is_standard_mutual_nda,
            "counterparty_denied": self.counterparty_denied,
            "denied": [d.name for d in self.denied],
            "needs_ceo": self.needs_ceo,
            "ruleset_version": self.ruleset_version,
        }


def check_contract(
    document: ContractText | str,
    rules: RuleSet,
    *,
    made_on: dt.date,
    electronic: bool | None = None,
    counterparty: str | None = None,
    amount_yen: int | None = None,
    our_party: str | None = None,
    judge: ItemJudge | None = None,
    wording: Wording | None = None,
    drafter: Drafter | None = None,
) -> ContractReport:
    """Check one contract against the rule file.

    `made_on`: the date the contract is (to be) made, for the stamp-duty tables; `electronic`:
    True for an e-signed contract, False for paper, None when nobody said. `counterparty` and
    `amount_yen` are what the requester told us (they win over what is read). `our_party` names
    our side when our name is not in the contract (a label such as 甲, or a name). `judge` is the
    optional LLM hook (bot.contracts.judge); `drafter` optionally drafts the suggested wording for
    red flags (bot.contracts.ai.ModelDrafter), the templates in prompts/ standing in when it does not."""
    source = from_pasted_text(document) if isinstance(document, str) else document
    contract = split_clauses(source.text, drop_page_numbers=source.kind == "pdf")
    policy = rules.contracts
    meta = _with_us(read_meta(contract, policy), our_party, counterparty)
    items = run_checklist(contract, policy, meta)
    wording = wording or default_wording()
    us_label, them_label = _labels(meta)
    if judge is not None:
        items = _judged(items, judge, contract, policy, us_label, them_label)
    items = [_with_suggestion(i, policy, wording, us_label, them_label, drafter, contract) for i in items]
    value = amount_yen if amount_yen is not None else (meta.amount.yen if meta.amount else None)
    notes: list[Message] = []
    if source.pages_without_text:
        notes.append(
            Message("contract.C1.pages_without_text", {"pages": ", ".join(map(str, source.pages_without_text))})
        )
    if meta.us is None:
        notes.append(Message("contract.C1.us_unknown"))
    if value is None and (meta.value_unread or meta.foreign_currency):
        notes.append(Message(VALUE_UNREAD))

    renews = any(i.facts.get("renewal") for i in items)
    return ContractReport(
        items=tuple(items),
        meta=meta,
        stamp=_stamp(contract, rules, meta, made_on=made_on, electronic=electronic, renews=renews, amount=amount_yen),
        contract=contract,
        source=source,
        denied=_denied(policy, meta, contract, counterparty),
        amount_yen=value,
        ceo_from_yen=policy.approval.ceo_from_yen,
        electronic=electronic,
        ruleset_version=rules.version,
        notes=tuple(notes),
        auto_approve_types=tuple(policy.approval.auto_approve_types),
        type_names=_type_names(policy, meta.type_key),
    )


def _type_names(policy: ContractPolicy, key: str | None) -> dict[str, str]:
    ctype = policy.contract_types.get(key or "")
    return {"ja": ctype.ja, "en": ctype.en} if ctype else {}


def _with_us(meta: ContractMeta, our_party: str | None, counterparty: str | None) -> ContractMeta:
    """Mark our side when the caller tells us which it is, or names the counterparty in a two-party contract."""
    if meta.us is not None or not meta.parties:
        return meta
    chosen: Party | None = None
    if our_party:
        chosen = next(
            (
                p
                for p in meta.parties
                if fold(our_party) in (fold(x) for x in p.labels) or same_company(p.name, our_party)
            ),
            None,
        )
    elif counterparty and len(meta.parties) == 2:
        theirs = [p for p in meta.parties if same_company(p.name, counterparty)]
        if len(theirs) == 1:
            chosen = next(p for p in meta.parties if p is not theirs[0])
    if chosen is None:
        return meta
    parties = tuple(Party(p.name, p.labels, p is chosen) for p in meta.parties)
    return replace(meta, parties=parties)


def _labels(meta: ContractMeta) -> tuple[str, str]:
    us = meta.us
    them = meta.counterparties[0] if meta.counterparties else None
    return (us.labels[0] if us else ""), (them.labels[0] if them else "")


def _judged(
    items: list[ItemResult], judge: ItemJudge, contract: Contract, policy: ContractPolicy, us: str, them: str
) -> list[ItemResult]:
    out = []
    for result in items:
        config = policy.checklist[result.key]
        entry = ChecklistEntry(result.key, result.rule_id, result.title_ja, result.title_en, config, result, us, them)
        missing_level = getattr(config, "missing", "warning")
        out.append(run_judge(judge, entry, contract.clauses, missing_level))
    return out


def _with_suggestion(
    item: ItemResult,
    policy: ContractPolicy,
    wording: Wording,
    us: str,
    them: str,
    drafter: Drafter | None = None,
    contract: Contract | None = None,
) -> ItemResult:
    if item.level != "red_flag":
        return item
    config = policy.checklist[item.key]
    limit = next((getattr(config, k) for k in ("notice_max", "max_days", "max") if hasattr(config, k)), None)
    clause = _clause_of(item, contract)
    out: dict[str, str] = {}
    drafted: list[str] = []
    for loc in ("ja", "en"):
        shown = _shown_limit(limit, loc) if limit is not None else ""
        default_us, default_them = ("当社", "相手方") if loc == "ja" else ("we", "the counterparty")
        ours, theirs = us or default_us, them or default_them
        out[loc] = wording.suggestion(item.key, loc, us=ours, them=theirs, limit=shown)
        if drafter is not None:
            draft = _draft(drafter, DraftRequest(item, loc, ours, theirs, out[loc], clause))
            if draft:
                out[loc] = draft
                drafted.append(loc)
    return replace(item, suggestion_ja=out["ja"], suggestion_en=out["en"], ai_drafted=tuple(drafted))


def _draft(drafter: Drafter, request: DraftRequest) -> str | None:
    """The drafter's wording, or None: a failing drafter costs the report nothing but the draft."""
    try:
        text = drafter(request)
    except Exception:  # the hook is an edge: the template stands
        log.warning("contract wording drafter failed for %s", request.item.rule_id, exc_info=True)
        return None
    return text.strip() if isinstance(text, str) and text.strip() else None


def _clause_of(item: ItemResult, contract: Contract | None) -> Clause | None:
    if item.citation is None or contract is None:
        return None
    return next((c for c in contract.clauses if c.index == item.citation.clause_index), None)


def _shown_limit(limit: Any, locale: str) -> str:
    return shown_period(limit)[locale]


def _stamp(
    contract: Contract,
    rules: RuleSet,
    meta: ContractMeta,
    *,
    made_on: dt.date,
    electronic: bool | None,
    renews: bool,
    amount: int | None,
) -> StampDuty:
    policy = rules.contracts
    ctype = policy.contract_types.get(meta.type_key or "")
    stamp_amount = amount if amount is not None else (meta.amount.stamp_yen if meta.amount else None)
    if ctype is None:
        return stamp_duty(rules.stamp_duty, None, stamp_amount, made_on=made_on, electronic=electronic)
    klass = ctype.stamp_class
    folded_all = "\n".join(c.folded.text for c in contract.clauses)
    for refine in ctype.stamp_refine:
        # By stem: 完成させる in the rule file finds 完成させ, 完成し and 完成する in the contract.
        if stem_pattern(refine.if_any).search(folded_all):
            klass = refine.stamp_class
            break
    if klass in ("no1", "no2") and stamp_amount is None and meta.foreign_currency and not electronic:
        # A fee in dollars is converted to yen for the tax (at the rate on the day): finance does that.
        return StampDuty(UNKNOWN, None, klass, None, False, Message("contract.stamp.foreign_currency"))
    basis = None
    continuing = renews or (meta.term_months is not None and meta.term_months > 3)
    if klass in ("no1", "no2") and stamp_amount is None and continuing and "no7" in rules.stamp_duty.classes:
        # 通則3イ: a document both Class 1/2 and Class 7 is Class 7 when it states no amount.
        klass, basis = "no7", both("contract.stamp.no7_reason")
    return stamp_duty(
        rules.stamp_duty,
        klass,
        stamp_amount,
        made_on=made_on,
        electronic=electronic,
        subject=ctype.stamp_subject,
        term_months=meta.term_months,
        renews=renews,
        type_name={"ja": ctype.ja, "en": ctype.en},
        basis_note=basis,
    )


def _denied(
    policy: ContractPolicy, meta: ContractMeta, contract: Contract, counterparty: str | None
) -> tuple[DeniedMatch, ...]:
    """C5: a listed counterparty named as a party, by the requester, or anywhere in the contract text."""
    names = [p.name for p in meta.counterparties] + ([counterparty] if counterparty else [])
    folded_text = "\n".join(c.folded.text for c in contract.clauses)
    keyed_text = company_key(contract.text)
    found: list[DeniedMatch] = []
    for entry in policy.deny_list:
        listed = [entry.name, *entry.aliases]
        match = next((n for n in names if is_deny_listed(n, entry)), None)
        if match is None:
            match = next(
                (
                    x
                    for x in listed
                    if fold(x) in folded_text or (len(company_key(x)) >= 4 and company_key(x) in keyed_text)
                ),
                None,
            )
        if match is not None:
            found.append(DeniedMatch(entry.name, entry.reason, match))
    return tuple(found)
