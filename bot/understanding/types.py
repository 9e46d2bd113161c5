"""What every understanding engine returns, as `../shared/spec/understanding-eval.md` defines it.

Engines (offline, LLM, hybrid) differ in how they read a message, never in what they return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

INTENTS: tuple[str, ...] = ("expense", "leave", "contract_review", "question", "status", "other")

EXPENSE_FIELDS = ("amount", "currency", "date", "category", "vendor", "attendees", "invoice_number")
LEAVE_FIELDS = ("leave_type", "start", "end", "portion", "hours")
CONTRACT_FIELDS = ("contract_type", "counterparty")
FIELDS_BY_INTENT: dict[str, tuple[str, ...]] = {
    "expense": EXPENSE_FIELDS,
    "leave": LEAVE_FIELDS,
    "contract_review": CONTRACT_FIELDS,
}
# What a request cannot be filed without; the bot asks for exactly these when missing.
REQUIRED: dict[str, tuple[str, ...]] = {
    "expense": ("amount", "date", "category"),
    "leave": ("start",),
    "contract_review": (),
}

CATEGORIES = (
    "transport", "travel", "entertainment", "meeting", "supplies", "books", "training", "communication",
    "software", "other",
)  # fmt: skip
LEAVE_TYPES = ("annual", "special", "sick", "compensatory", "unpaid")
PORTIONS = ("full", "am", "pm", "hours")
CONTRACT_TYPES = ("nda", "outsourcing", "sales", "lease", "license", "employment", "other")

# Fields an engine derives from the words rather than copies out of the message: a model's value for one of
# these cannot be looked up in the text (bot/understanding/evidence.py checks the copied ones), so it stands only
# where the offline reading of the text agrees, or where that reading has nothing better than a default.
DERIVED_FIELDS = ("category", "leave_type", "portion")

# Below this a field counts as unsure: hybrid asks the model, handlers confirm with the user.
CONFIDENT = 0.8


@dataclass
class Understanding:
    """One message read: the intent and the fields the text states.

    Field values: `amount` Decimal, `currency` ISO 4217 str, `date`/`start`/`end` dt.date,
    `attendees`/`hours` int, everything else str. A field the text does not state is absent.
    """

    intent: str
    fields: dict[str, Any] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)  # per field, and "intent"
    engine: str = "offline"
    notes: list[str] = field(default_factory=list)
    # Derived fields whose value only a model supplied (the offline reading of the text has none), each with the
    # value to fall back on if the requester turns it down (None: ask). The rules may not approve on such a value
    # by itself: handlers/intake.py has the requester confirm it first.
    disputed: dict[str, Any] = field(default_factory=dict)
    # Fields the message states a value for that no request can have (a negative amount, 2月30日), each with why
    # ("negative", "no_such_date"): absent from `fields`, so the bot asks again, saying why.
    refused: dict[str, str] = field(default_factory=dict)

    def missing(self) -> list[str]:
        return [f for f in REQUIRED.get(self.intent, ()) if f not in self.fields]

    def unsure(self) -> list[str]:
        names = ["intent", *FIELDS_BY_INTENT.get(self.intent, ())]
        return [n for n in names if (n == "intent" or n in self.fields) and self.confidence.get(n, 1.0) < CONFIDENT]

    def to_json(self) -> dict[str, Any]:
        """The spec's JSON shape: ISO dates, numbers as numbers."""
        out: dict[str, Any] = {"intent": self.intent}
        for key, value in self.fields.items():
            if isinstance(value, dt.date):
                out[key] = value.isoformat()
            elif isinstance(value, Decimal):
                out[key] = int(value) if value == value.to_integral_value() else float(value)
            else:
                out[key] = value
        return out


class Engine(Protocol):
    name: str

    def understand(
        self, text: str, today: dt.date, locale: str = "ja", kind_hint: str | None = None
    ) -> Understanding: ...
