"""`knowledge/rules/accounting.yaml`: how approved claims go into the books, and what the payer and the receipt
archive need. Validated at load with the other rule files (bot/rules/loader.py), so a typo names the file and key.

Owned by bot.accounting; the `payer` section is read by bot.transfers (the 全銀 header) and `archive` by
bot.archive (retention). Their shapes are a contract between those packages: change them together.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from bot.rules.schema import Strict


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


class AccountingPolicy(Strict):
    accounts: dict[str, CategoryAccount]  # expense category → debit account and tax class
    credit_account: str = "未払金"  # the credit side, with the employee as sub-account (accounting.md §4.2)
    payer: Payer | None = None
    archive: Archive = Archive()
    # Filled in by bot.accounting (tax classes by date, format names …): see that package.
    effective_from: dt.date | None = None
