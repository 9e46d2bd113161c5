"""The shape of every rule file, checked strictly so that a typo is an error, not a silent default."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from bot.models import LEAVE_TYPES, ROLES
from bot.workcalendar import WEEKDAY_NAMES

APPROVER_ROLES = ("manager", "finance", "hr", "legal", "ceo")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Yen = Annotated[int, Field(ge=0)]


def _role(value: str) -> str:
    if value not in ROLES:
        raise ValueError(f"'{value}' is not a role ({', '.join(ROLES)})")
    return value


def _approver_role(value: str) -> str:
    if value not in APPROVER_ROLES:
        raise ValueError(f"'{value}' is not an approver role ({', '.join(APPROVER_ROLES)})")
    return value


def _fraction(value: object) -> float:
    if isinstance(value, str) and "/" in value:
        return float(Fraction(value.replace(" ", "")))
    return float(value)  # type: ignore[arg-type]


Role = Annotated[str, BeforeValidator(_role)]
ApproverRole = Annotated[str, BeforeValidator(_approver_role)]
Ratio = Annotated[float, BeforeValidator(_fraction), Field(gt=0, le=1)]


# -- expenses.yaml ---------------------------------------------------------------------------


class SubmissionDeadline(Strict):
    max_days_after_expense: int = Field(ge=1)
    override_role: Role


class ReceiptRule(Strict):
    required_from_yen: Yen
    exempt_public_transport: bool = True


class PublicTransport(Strict):
    categories: list[str]
    keywords: list[str]
    not_keywords: list[str] = []


class InvoiceRule(Strict):
    required_from_yen: Yen
    exempt_public_transport: bool = True
    exempt_foreign_currency: bool = True


class EntertainmentRule(Strict):
    categories: list[str]
    meeting_cost_per_person_max_yen: Yen
    finance_per_person_over_yen: Yen


class ExpenseRouting(Strict):
    finance_over_yen: Yen
    finance_categories: list[str] = []
    ceo_over_yen: Yen


class AddRole(Strict):
    add_role: ApproverRole


class ExpensePolicy(Strict):
    categories: list[str] = Field(min_length=1)
    submission_deadline: SubmissionDeadline
    receipt: ReceiptRule
    public_transport: PublicTransport
    invoice_number: InvoiceRule
    entertainment: EntertainmentRule
    auto_approve_max_yen: dict[str, Yen]
    routing: ExpenseRouting
    duplicates: AddRole
    foreign_currency: AddRole

    @model_validator(mode="after")
    def _categories_known(self) -> ExpensePolicy:
        known = set(self.categories)
        named = {
            "auto_approve_max_yen": list(self.auto_approve_max_yen),
            "public_transport.categories": self.public_transport.categories,
            "entertainment.categories": self.entertainment.categories,
            "routing.finance_categories": self.routing.finance_categories,
        }
        for key, cats in named.items():
            for cat in cats:
                if cat not in known:
                    raise ValueError(f"{key}: '{cat}' is not one of the categories ({', '.join(self.categories)})")
        return self


# -- leave.yaml -------------------------------------------------------------------------------


class AnnualRule(Strict):
    first_grant_after_months: int = Field(ge=0, le=12)
    full_time_days: list[int] = Field(min_length=1)
    full_time_min_weekly_days: int = Field(ge=1, le=7)
    full_time_min_weekly_hours: float = Field(gt=0)
    part_time_days: dict[int, list[int]] = {}
    expiry_years: int = Field(ge=2)  # the statute lets nothing expire sooner (労基法115条)
    use_oldest_first: bool = True

    @model_validator(mode="after")
    def _tables_same_length(self) -> AnnualRule:
        for days, row in self.part_time_days.items():
            if len(row) != len(self.full_time_days):
                raise ValueError(
                    f"part_time_days.{days}: has {len(row)} entries, full_time_days has {len(self.full_time_days)}"
                )
        return self


class Units(Strict):
    half_day: bool = True
    hourly_cap_hours_per_year: int = Field(ge=0)


class Notice(Strict):
    short_max_days_off: int = Field(ge=1)
    short_working_days_ahead: int = Field(ge=0)
    long_working_days_ahead: int = Field(ge=0)
    exempt_types: list[str] = []

    @field_validator("exempt_types")
    @classmethod
    def _types(cls, v: list[str]) -> list[str]:
        return _leave_types(v)


def _leave_types(values: list[str]) -> list[str]:
    for t in values:
        if t not in LEAVE_TYPES:
            raise ValueError(f"'{t}' is not a leave type ({', '.join(LEAVE_TYPES)})")
    return values


class LeaveAutoApprove(Strict):
    leave_types: list[str]
    max_working_days: int = Field(ge=0)
    team_absent_below: Ratio
    notify_manager: bool = True

    @field_validator("leave_types")
    @classmethod
    def _types(cls, v: list[str]) -> list[str]:
        return _leave_types(v)


class InsufficientBalance(Strict):
    offer_unpaid: bool = True


class SpecialReason(Strict):
    days: float = Field(gt=0)
    ja: str
    en: str


class SpecialRule(Strict):
    approvers: list[ApproverRole]
    reasons: dict[str, SpecialReason] = Field(min_length=1)


class SickRule(Strict):
    paid_days_per_year: float = Field(ge=0)
    approvers: list[ApproverRole]


class Approvers(Strict):
    approvers: list[ApproverRole]


class FiveDayDuty(Strict):
    min_granted_days: float = Field(gt=0)
    required_days: float = Field(gt=0)
    remind_months_before_end: int = Field(ge=0, le=12)
    report_role: Role


class LeavePolicy(Strict):
    hours_per_day: int = Field(ge=1, le=24)
    annual: AnnualRule
    units: Units
    notice: Notice
    auto_approve: LeaveAutoApprove
    insufficient_balance: InsufficientBalance
    special: SpecialRule
    sick: SickRule
    compensatory: Approvers
    other_approvers: list[ApproverRole]
    five_day_duty: FiveDayDuty


# -- calendar.yaml and routing.yaml ------------------------------------------------------------


class Closure(Strict):
    from_: str = Field(alias="from", pattern=r"^\d{2}-\d{2}$")
    to: str = Field(pattern=r"^\d{2}-\d{2}$")
    ja: str = ""
    en: str = ""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class CalendarPolicy(Strict):
    workdays: list[str] = Field(min_length=1)
    national_holidays: bool = True
    closures: list[Closure] = []
    company_holidays: list[dt.date] = []
    timezone: str = "Asia/Tokyo"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{v}' is not a time zone (e.g. Asia/Tokyo)") from None
        return v

    @field_validator("workdays")
    @classmethod
    def _days(cls, v: list[str]) -> list[str]:
        for d in v:
            if d not in WEEKDAY_NAMES:
                raise ValueError(f"'{d}' is not a weekday ({', '.join(WEEKDAY_NAMES)})")
        return v


class BusinessHours(Strict):
    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(18, 0)

    @model_validator(mode="after")
    def _ordered(self) -> BusinessHours:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Reminders(Strict):
    """When the scheduler (bot/scheduler.py) reminds, escalates, nudges and lapses: working hours and days on the
    company calendar, never on a holiday or outside business hours."""

    business_hours: BusinessHours = BusinessHours()
    first_after_working_hours: float = Field(4, gt=0, le=80)
    morning_at: dt.time = dt.time(9, 30)
    info_nudge_after_working_days: int = Field(3, ge=1, le=60)
    info_lapse_after_working_days: int = Field(10, ge=2, le=120)
    audit_anchor_at: dt.time = dt.time(9, 0)

    @model_validator(mode="after")
    def _lapse_after_nudge(self) -> Reminders:
        if self.info_lapse_after_working_days <= self.info_nudge_after_working_days:
            raise ValueError("info_lapse_after_working_days must be more than info_nudge_after_working_days")
        if not self.business_hours.start <= self.morning_at < self.business_hours.end:
            raise ValueError("morning_at must be within business_hours")
        return self


class RoutingPolicy(Strict):
    chain_order: list[ApproverRole]
    fallback_roles: list[Role] = Field(min_length=1)
    decision_due_working_days: int = Field(3, ge=1, le=30)
    reminders: Reminders = Reminders()


# -- contracts.yaml and stamp_duty.yaml (C1–C5) ------------------------------------------------

LEVELS = ("ok", "warning", "red_flag")
DURATION_UNITS = {"day": "days", "days": "days", "week": "weeks", "weeks": "weeks", "month": "months",
                  "months": "months", "year": "years", "years": "years"}  # fmt: skip
# A month and a year in days, where a limit in one unit meets a period stated in another. A month
# counts 30 days: the JFTC reads "60 days" as "2 months" under monthly cut-offs (下請法運用基準).
DAYS_PER_UNIT = {"days": 1, "weeks": 7, "months": 30, "years": 365}


def _level(value: str) -> str:
    if value not in LEVELS:
        raise ValueError(f"'{value}' is not a level ({', '.join(LEVELS)})")
    return value


class Duration(Strict):
    """A period written in a rule file as "60 days", "1 month" or "1 year"."""

    value: int = Field(ge=0)
    unit: str

    @property
    def days(self) -> int:
        return self.value * DAYS_PER_UNIT[self.unit]

    def __str__(self) -> str:
        return f"{self.value} {self.unit}"


def _duration(value: object) -> object:
    if isinstance(value, str):
        parts = value.split()
        if len(parts) == 2 and parts[0].isdigit() and parts[1].lower() in DURATION_UNITS:
            return {"value": int(parts[0]), "unit": DURATION_UNITS[parts[1].lower()]}
        raise ValueError(f"'{value}' is not a period; write e.g. '60 days', '1 month' or '1 year'")
    return value


Level = Annotated[str, BeforeValidator(_level)]
Period = Annotated[Duration, BeforeValidator(_duration)]
Words = Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]


class Bilingual(Strict):
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)


class ItemBase(Strict):
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    enabled: bool = True
    # Article titles that put a clause on this item ("Non-Competition", 競業避止): its sentences are read
    # for the item even when they do not repeat the topic words.
    heading_words: list[Annotated[str, Field(min_length=1)]] = []


class PresenceCheck(ItemBase):
    """A clause that must be there: one of `words` present is `ok`, none is `missing`."""

    check: Literal["presence"]
    words: Words
    missing: Level


class LiabilityCheck(ItemBase):
    check: Literal["liability"]
    topic_words: Words
    cap_words: Words
    unlimited_words: Words
    missing: Level


class RenewalCheck(ItemBase):
    check: Literal["renewal"]
    renewal_words: Words
    opt_out_words: Words
    notice_max: Period  # we must be able to refuse renewal by a notice no earlier than this before the end


class TerminationCheck(ItemBase):
    check: Literal["termination"]
    words: Words
    missing: Level


class GoverningLawCheck(ItemBase):
    check: Literal["governing_law"]
    topic_words: Words
    allowed_words: Words
    missing: Level


class JurisdictionCheck(ItemBase):
    check: Literal["jurisdiction"]
    topic_words: Words
    courts: Words
    exclusive_words: Words
    our_choice_words: Words
    missing: Level


class PaymentCheck(ItemBase):
    check: Literal["payment_days"]
    applies_to_types: list[str] = Field(min_length=1)
    payment_words: Words
    late_start_words: Words  # a period counted from acceptance or invoice starts later than delivery
    max_days: Period
    missing: Level


class IpCheck(ItemBase):
    check: Literal["ip_ownership"]
    applies_to_types: list[str] = Field(min_length=1)
    topic_words: Words
    vest_words: Words
    copyright_words: Words
    copyright_needs: list[str] = []  # without these, an assignment leaves adaptation rights (著作権法61条2項)
    missing: Level


class ConfidentialityCheck(ItemBase):
    check: Literal["confidentiality"]
    topic_words: Words
    missing: Level


class NonCompeteCheck(ItemBase):
    check: Literal["non_compete"]
    topic_words: Words
    max: Period


ChecklistItem = Annotated[
    PresenceCheck
    | LiabilityCheck
    | RenewalCheck
    | TerminationCheck
    | GoverningLawCheck
    | JurisdictionCheck
    | PaymentCheck
    | IpCheck
    | ConfidentialityCheck
    | NonCompeteCheck,
    Field(discriminator="check"),
]

# The checklist mechanisms by their `check:` tag: the loader uses it to name keys inside an item.
CHECK_MODELS: dict[str, type[Strict]] = {
    "presence": PresenceCheck,
    "liability": LiabilityCheck,
    "renewal": RenewalCheck,
    "termination": TerminationCheck,
    "governing_law": GoverningLawCheck,
    "jurisdiction": JurisdictionCheck,
    "payment_days": PaymentCheck,
    "ip_ownership": IpCheck,
    "confidentiality": ConfidentialityCheck,
    "non_compete": NonCompeteCheck,
}

STAMP_CLASSES = ("no1", "no2", "no7", "not_taxable", "unknown")


def _stamp_class(value: str) -> str:
    if value not in STAMP_CLASSES:
        raise ValueError(f"'{value}' is not a stamp class ({', '.join(STAMP_CLASSES)})")
    return value


StampClass = Annotated[str, BeforeValidator(_stamp_class)]


class StampRefinement(Strict):
    """Which class a contract of an ambiguous type falls in, told by words in it (業務委託: 請負 or 準委任)."""

    if_any: Words
    stamp_class: StampClass


class ContractType(Strict):
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    title_words: Words
    stamp_class: StampClass
    stamp_subject: str | None = None  # realty_sale | construction: may take a reduced rate (stamp_duty.yaml)
    stamp_refine: list[StampRefinement] = []


class DeniedCounterparty(Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = []
    reason: str = ""


class ContractApproval(Strict):
    auto_approve_types: list[str]
    ceo_from_yen: Yen


class ContractPolicy(Strict):
    our_names: Words
    mutual_words: Words
    approval: ContractApproval
    deny_list: list[DeniedCounterparty] = []
    contract_types: dict[str, ContractType] = Field(min_length=1)
    checklist: dict[str, ChecklistItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _types_known(self) -> ContractPolicy:
        known = set(self.contract_types)
        named: dict[str, list[str]] = {"approval.auto_approve_types": self.approval.auto_approve_types}
        for key, item in self.checklist.items():
            if isinstance(item, PaymentCheck | IpCheck):
                named[f"checklist.{key}.applies_to_types"] = item.applies_to_types
        for key, types in named.items():
            for name in types:
                if name not in known:
                    raise ValueError(f"{key}: '{name}' is not one of contract_types ({', '.join(self.contract_types)})")
        for key in self.checklist:
            if not key.replace("_", "").isalnum():
                raise ValueError(f"checklist.{key}: item keys are letters, digits and '_' (they become rule ids)")
        return self


class StampBand(Strict):
    up_to_yen: Yen | None  # inclusive upper bound; null for the last, open band
    duty_yen: Yen


def _bands_ascending(bands: list[StampBand], key: str) -> None:
    limits = [b.up_to_yen for b in bands]
    if not limits or limits[-1] is not None:
        raise ValueError(f"{key}: the last band must have up_to_yen: null (no upper limit)")
    if any(limit is None for limit in limits[:-1]):
        raise ValueError(f"{key}: only the last band may have up_to_yen: null")
    bounded = [limit for limit in limits[:-1] if limit is not None]
    if bounded != sorted(set(bounded)):
        raise ValueError(f"{key}: up_to_yen must rise from band to band")


class StampClassTable(Strict):
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    exempt_below_yen: Yen = 0  # a stated amount under this owes nothing
    no_amount_yen: Yen | None = None  # duty when no amount is stated (or none can be calculated)
    bands: list[StampBand] = []
    flat_yen: Yen | None = None  # one duty whatever the amount (No.7)
    exempt_term_months_at_most: int | None = Field(default=None, ge=1)  # and no renewal clause (No.7)

    @model_validator(mode="after")
    def _shape(self) -> StampClassTable:
        if self.flat_yen is None and not self.bands:
            raise ValueError("give either bands (duty by amount) or flat_yen (one duty)")
        if self.flat_yen is not None and self.bands:
            raise ValueError("give either bands or flat_yen, not both")
        if self.bands:
            _bands_ascending(self.bands, "bands")
            if self.no_amount_yen is None:
                raise ValueError("no_amount_yen: needed with bands (the duty when no amount is stated)")
        return self


class ReducedRate(Strict):
    """A temporary reduced table (租税特別措置法91条) for one subject within a class, for documents made
    between `from` and `until` (both inclusive) and stating more than `applies_over_yen`."""

    subject: str = Field(min_length=1)
    stamp_class: StampClass
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    from_: dt.date = Field(alias="from")
    until: dt.date
    applies_over_yen: Yen
    bands: list[StampBand] = Field(min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _shape(self) -> ReducedRate:
        if self.until < self.from_:
            raise ValueError("until: is before from")
        _bands_ascending(self.bands, "bands")
        return self


class StampDutyTable(Strict):
    classes: dict[str, StampClassTable]
    reduced: list[ReducedRate] = []

    @model_validator(mode="after")
    def _known(self) -> StampDutyTable:
        for key in self.classes:
            if key not in ("no1", "no2", "no7"):
                raise ValueError(f"classes.{key}: not a taxed class this bot knows (no1, no2, no7)")
        for i, r in enumerate(self.reduced):
            if r.stamp_class not in self.classes:
                raise ValueError(f"reduced[{i}].stamp_class: '{r.stamp_class}' has no table under classes")
        return self


RULE_FILES: dict[str, type[Strict]] = {
    "expenses.yaml": ExpensePolicy,
    "leave.yaml": LeavePolicy,
    "calendar.yaml": CalendarPolicy,
    "routing.yaml": RoutingPolicy,
    "contracts.yaml": ContractPolicy,
    "stamp_duty.yaml": StampDutyTable,
}
