"""The shape of every rule file, checked strictly so that a typo is an error, not a silent default."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Annotated
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


class RoutingPolicy(Strict):
    chain_order: list[ApproverRole]
    fallback_roles: list[Role] = Field(min_length=1)


RULE_FILES: dict[str, type[Strict]] = {
    "expenses.yaml": ExpensePolicy,
    "leave.yaml": LeavePolicy,
    "calendar.yaml": CalendarPolicy,
    "routing.yaml": RoutingPolicy,
}
