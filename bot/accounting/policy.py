"""`knowledge/rules/accounting.yaml`: how approved claims go into the books, and what the payer and the receipt
archive need. Validated at load with the other rule files (bot/rules/loader.py), so a typo names the file and key.

Owned by bot.accounting; the `payer` section is read by bot.transfers (the 全銀 header) and `archive` by
bot.archive (retention). Their shapes are a contract between those packages: change them together.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Literal

from pydantic import Field, model_validator

from bot.rules.schema import Strict

FORMATS: tuple[str, ...] = ("freee", "mf", "yayoi", "csv")


class CategoryAccount(Strict):
    account: str  # 勘定科目 as registered in the accounting software (旅費交通費, 交際費 …)
    tax_class: str  # the purchase tax class key of `tax_classes` (e.g. taxable_10)


class Payer(Strict):
    """The company as the payer of a 全銀 総合振込 file (the header record). Codes are digits, names half-width
    kana (normalised by bot.transfers when written)."""

    requester_code: str = Field(pattern=r"^\d{10}$")  # 振込依頼人コード, given by the bank
    name_kana: str = Field(min_length=1, max_length=40)  # 振込依頼人名
    bank_code: str = Field(pattern=r"^\d{4}$")
    bank_name_kana: str = Field("", max_length=15)
    branch_code: str = Field(pattern=r"^\d{3}$")
    branch_name_kana: str = Field("", max_length=15)
    account_type: Literal[1, 2, 9] = 1  # 1 普通, 2 当座, 9 その他
    account_number: str = Field(pattern=r"^\d{7}$")


class Archive(Strict):
    """The 電子帳簿保存法 receipt archive: how long a receipt may not be deleted or changed."""

    retention_years: int = Field(7, ge=7, le=10)  # 7 years; 10 for loss years (accounting.md §6.2)
    # Retention runs from the day after the corporate-tax filing deadline: two months after the fiscal year's end.
    fiscal_year_end_month: int = Field(3, ge=1, le=12)


class TaxClass(Strict):
    """A purchase tax class and its literal name in each software (accounting.md §1.4, §2, §3). freee's API
    tax_code is looked up by the `freee` name at run time (bot/accounting/freee.py), never written here."""

    rate: Literal[0, 8, 10]
    reduced: bool = False  # the 8% reduced rate (軽減税率)
    deduction: int = Field(ge=0, le=100)  # the share of the tax that may be deducted: 100, or 80/70/50/30 (§4.3)
    freee: str = Field(min_length=1)  # freee 税区分
    mf: str = Field(min_length=1)  # MF 税区分
    mf_invoice: str = ""  # MF インボイス column: 適格 / 80%控除 / 70%控除 … (blank for 対象外)
    yayoi: str = Field(min_length=1)  # 弥生 税区分


class Transitional(Strict):
    """One period of the transitional deduction for a vendor with no registration number (§4.3)."""

    from_: dt.date = Field(alias="from")
    to: dt.date | None = None  # inclusive; None: open-ended
    deduction: int = Field(ge=0, le=100)
    to_class: str | None = None  # a tax class key to use instead of "same rate, this deduction"

    def covers(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)


class SmallAmountExemption(Strict):
    """少額特例 (§4.4): no invoice needed under ¥10,000 a transaction, for a qualifying company, until 2029-09-30."""

    company_qualifies: bool = False
    under_yen: int = Field(10000, ge=1)
    until: dt.date = dt.date(2029, 9, 30)
    note: str = "少額特例"


class PublicTransportExemption(Strict):
    """公共交通機関特例 (§4.4): rail, bus and ship fares under ¥30,000 need no invoice; noted in 摘要."""

    under_yen: int = Field(30000, ge=1)
    note: str = "3万円未満の公共交通機関料金"


class BusinessTravelExemption(Strict):
    """出張旅費等特例 (§4.4): travel, lodging and 日当 paid to employees for a business trip need no invoice."""

    categories: list[str] = Field(default_factory=list)
    note: str = "出張旅費等特例"


class ExportSettings(Strict):
    default_format: Literal["freee", "mf", "yayoi", "csv"] = "mf"
    # freee 取引インポート's encoding is UNCONFIRMED (accounting.md §1.2): configurable.
    freee_encoding: Literal["utf-8-sig", "cp932"] = "utf-8-sig"
    claim_prefix: str = Field("EXP-", pattern=r"^[A-Za-z0-9-]{0,8}$")


class AccountingPolicy(Strict):
    accounts: dict[str, CategoryAccount]  # expense category → debit account and tax class
    credit_account: str = "未払金"  # the credit side, with the employee as sub-account (accounting.md §4.2)
    payer: Payer | None = None
    archive: Archive = Archive()
    export: ExportSettings = ExportSettings()
    tax_classes: dict[str, TaxClass] = Field(default_factory=dict)
    reduced_tax_class: str | None = None  # the class of a claim's part at the reduced rate
    foreign_tax_class: str | None = None  # a claim not in yen
    credit_tax_class: str | None = None  # the 未払金 side
    transitional: list[Transitional] = Field(default_factory=list)
    small_amount_exemption: SmallAmountExemption = SmallAmountExemption()
    public_transport_exemption: PublicTransportExemption = PublicTransportExemption()
    business_travel_exemption: BusinessTravelExemption = BusinessTravelExemption()
    effective_from: dt.date | None = None

    @model_validator(mode="after")
    def _tax_class_keys(self) -> AccountingPolicy:
        """Every tax class named anywhere exists, and each transitional period finds a class for every rate."""
        known = self.tax_classes
        problems = []
        named: list[tuple[str, str | None]] = [
            (f"accounts.{c}.tax_class", a.tax_class) for c, a in self.accounts.items()
        ]
        named += [(k, getattr(self, k)) for k in ("reduced_tax_class", "foreign_tax_class", "credit_tax_class")]
        named += [(f"transitional[{i}].to_class", r.to_class) for i, r in enumerate(self.transitional)]
        for key, value in named:
            if value is not None and value not in known:
                problems.append(f"key '{key}': '{value}' is not a key of tax_classes ({', '.join(known) or 'none'})")
        if problems:
            raise ValueError("; ".join(problems))
        for i, row in enumerate(self.transitional):
            if row.to is not None and row.to < row.from_:
                problems.append(f"key 'transitional[{i}]': 'to' {row.to} is before 'from' {row.from_}")
            if row.to_class is not None:
                continue
            for key, klass in known.items():
                if klass.rate and klass.deduction == 100 and self.transitional_class(key, row) is None:
                    problems.append(
                        f"key 'transitional[{i}]': no tax class with rate {klass.rate}"
                        f"{' reduced' if klass.reduced else ''} and deduction {row.deduction} (for '{key}')"
                    )
        ordered = sorted(self.transitional, key=lambda r: r.from_)
        for a, b in itertools.pairwise(ordered):
            if a.to is None or a.to >= b.from_:
                problems.append(f"key 'transitional': the periods from {a.from_} and {b.from_} overlap")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def transitional_class(self, base: str, row: Transitional) -> str | None:
        """The class for a purchase of `base`'s rate from a vendor with no registration number, in `row`'s
        period: `row.to_class`, else the class of the same rate with the row's deduction."""
        if row.to_class is not None:
            return row.to_class
        klass = self.tax_classes[base]
        for key, other in self.tax_classes.items():
            if (other.rate, other.reduced, other.deduction) == (klass.rate, klass.reduced, row.deduction):
                return key
        return None

    def transitional_on(self, day: dt.date) -> Transitional | None:
        return next((r for r in self.transitional if r.covers(day)), None)
