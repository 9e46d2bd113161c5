"""Every user-facing string exists in both languages, with the same blanks to fill."""

from __future__ import annotations

import string

import pytest

from bot.i18n import CATALOG, t


def blanks(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_message_has_japanese_and_english_with_the_same_placeholders(key: str) -> None:
    entry = CATALOG[key]
    assert entry.get("ja", "").strip() and entry.get("en", "").strip(), key
    if key != "L2.bad_unit":  # carries a ready-made sentence per language
        assert blanks(entry["ja"]) == blanks(entry["en"]), key


def test_an_english_speaker_never_gets_japanese_from_a_japanese_default() -> None:
    assert t("err.own_request", "en") == "You cannot approve or reject your own request."
    assert t("err.own_request", "ja") == "ご自身の申請は承認・却下できません。"
