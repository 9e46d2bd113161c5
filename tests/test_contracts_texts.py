"""Every user-facing string of the contract check exists in Japanese and English with the same blanks,
every key the code asks for exists, and the main catalogue serves them unchanged."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.contracts.texts import TEXTS
from bot.i18n import CATALOG

PACKAGE = Path(__file__).resolve().parents[1] / "bot" / "contracts"


def blanks(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_both_languages_with_the_same_blanks(key: str) -> None:
    entry = TEXTS[key]
    assert set(entry) == {"ja", "en"}, key
    assert entry["ja"].strip() and entry["en"].strip(), key
    assert blanks(entry["ja"]) == blanks(entry["en"]), key
    assert key.startswith("contract."), key


def test_the_main_catalogue_serves_every_key_as_written_here() -> None:
    # bot.i18n refuses a key defined twice at import, so no other table can have replaced one of these.
    assert all(CATALOG[key] is TEXTS[key] for key in TEXTS)
    assert {key for key in CATALOG if key.startswith("contract.")} == set(TEXTS)


def test_every_key_the_code_uses_exists() -> None:
    used: set[str] = set()
    for path in PACKAGE.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'"(contract\.[A-Za-z0-9_.]+[A-Za-z0-9_])"', source))
        # Checklist results name their reason without the prefix: _result(..., "payment.too_late", ...)
        used |= {f"contract.{k}" for k in re.findall(r'ItemStatus\.[A-Z_]+,\s*"([a-z_]+\.[a-z_]+)"', source)}
    dynamic_prefixes = ("contract.err.", "contract.status.")
    missing = sorted(k for k in used if k not in TEXTS and not k.endswith(dynamic_prefixes))
    assert missing == []
    assert len(used) > 60


def test_every_error_code_and_status_has_a_message() -> None:
    from bot.contracts import documents
    from bot.contracts.model import ItemStatus

    codes = [documents.TOO_LARGE, documents.UNSUPPORTED_TYPE, documents.ENCRYPTED, documents.SCANNED]
    codes += [documents.CORRUPT, documents.EMPTY]
    for code in codes:
        assert f"contract.err.{code}" in TEXTS
    for status in ItemStatus:
        assert f"contract.status.{status.value}" in TEXTS
