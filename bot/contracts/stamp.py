"""Stamp duty (印紙税) on a paper contract, by document class and stated amount (C4).

The tables are data (knowledge/rules/stamp_duty.yaml); the date a document is made is passed in,
never read from the clock, because the reduced rates for real-estate and construction contracts
end on a fixed date (2027-03-31 as shipped).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.contracts.model import Message
from bot.i18n import both
from bot.rules.schema import StampBand, StampDutyTable

DUE, EXEMPT, NOT_TAXABLE, ELECTRONIC, UNKNOWN = "due", "exempt", "not_taxable", "electronic", "unknown"


@dataclass(frozen=True)
class StampDuty:
    status: str  # due | exempt | not_taxable | electronic | unknown
    duty_yen: int | None  # the duty for a paper original; 0 when none is owed; None when unknown
    stamp_class: str | None  # no1 | no2 | no7 | not_taxable | unknown
    amount_yen: int | None  # the amount the duty was read from
    reduced: bool
    message: Message
    note: Message | None = None  # e.g. "on paper; electronically none" when the medium was not told

    def text(self, locale: str) -> str:
        main = self.message.text(locale)
        if self.note is None:
            return main
        return f"{main}{self.note.text(locale)}" if locale == "ja" else f"{main} {self.note.text(locale)}"


def _yen(n: int) -> str:
    return f"¥{n:,}"


def _band(bands: list[StampBand], amount: int) -> int:
    for band in bands:
        if band.up_to_yen is None or amount <= band.up_to_yen:
            return band.duty_yen
    raise ValueError("the last band has no upper limit (checked when the rules load)")


def stamp_duty(
    table: StampDutyTable,
    stamp_class: str | None,
    amount_yen: int | None,
    *,
    made_on: dt.date,
    electronic: bool | None,
    subject: str | None = None,
    term_months: int | None = None,
    renews: bool = False,
    type_name: dict[str, str] | None = None,
    basis_note: dict[str, str] | None = None,
) -> StampDuty:
    """The duty owed on the contract. `electronic=None` means nobody said: the paper duty is
    given with a note that an electronic contract owes none. `subject` (realty_sale, construction)
    selects a reduced table in force on `made_on`."""
    if electronic:
        return StampDuty(ELECTRONIC, 0, stamp_class, amount_yen, False, Message("contract.stamp.electronic"))
    note = Message("contract.stamp.unknown_medium") if electronic is None else None
    if stamp_class == "not_taxable":
        shown = type_name or both("contract.stamp.this_type")
        return StampDuty(
            NOT_TAXABLE, 0, stamp_class, amount_yen, False, Message("contract.stamp.not_taxable", {"type": shown})
        )
    if stamp_class is None or stamp_class == "unknown" or stamp_class not in table.classes:
        return StampDuty(UNKNOWN, None, stamp_class, amount_yen, False, Message("contract.stamp.unknown"))
    klass = table.classes[stamp_class]
    klass_name = {"ja": klass.ja, "en": klass.en}
    if klass.flat_yen is not None:
        limit = klass.exempt_term_months_at_most
        if limit is not None and term_months is not None and term_months <= limit and not renews:
            return StampDuty(
                EXEMPT,
                0,
                stamp_class,
                amount_yen,
                False,
                Message("contract.stamp.exempt_short", {"months": limit}),
                note,
            )
        basis = basis_note or both("contract.stamp.basis_flat")
        data = {"duty": _yen(klass.flat_yen), "klass": klass_name, "basis": basis}
        return StampDuty(DUE, klass.flat_yen, stamp_class, amount_yen, False, Message("contract.stamp.due", data), note)
    if amount_yen is None:
        assert klass.no_amount_yen is not None
        data = {"duty": _yen(klass.no_amount_yen), "klass": klass_name, "basis": both("contract.stamp.basis_no_amount")}
        return StampDuty(DUE, klass.no_amount_yen, stamp_class, None, False, Message("contract.stamp.due", data), note)
    if amount_yen < klass.exempt_below_yen:
        data = {"amount": _yen(amount_yen), "limit": _yen(klass.exempt_below_yen), "klass": klass_name}
        return StampDuty(EXEMPT, 0, stamp_class, amount_yen, False, Message("contract.stamp.exempt_small", data), note)
    basis = both("contract.stamp.basis_amount", amount=_yen(amount_yen))
    for r in table.reduced:
        in_force = r.from_ <= made_on <= r.until
        if r.stamp_class == stamp_class and r.subject == subject and in_force and amount_yen > r.applies_over_yen:
            duty = _band(r.bands, amount_yen)
            data = {"duty": _yen(duty), "klass": klass_name, "basis": basis, "reduced": {"ja": r.ja, "en": r.en}}
            return StampDuty(
                DUE, duty, stamp_class, amount_yen, True, Message("contract.stamp.due_reduced", data), note
            )
    duty = _band(klass.bands, amount_yen)
    data = {"duty": _yen(duty), "klass": klass_name, "basis": basis}
    return StampDuty(DUE, duty, stamp_class, amount_yen, False, Message("contract.stamp.due", data), note)
