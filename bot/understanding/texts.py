"""What the understanding layer says to people (e.g. asking them to confirm a reading), in Japanese and English;
merged into bot.i18n.CATALOG, asked for with bot.i18n.t."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # A value only the model supplied, which would let the rules approve the request by themselves
    # (handlers/intake.py): the requester confirms it first.
    "ask.confirm": {
        "ja": "確認させてください。{items} はメッセージの言葉からは読み取れず、AIが補ったものです。"
        "この内容でよろしいですか?「はい」か「いいえ」でお答えください。",
        "en": "Please confirm: {items} is the AI's reading, not something your message says in so many words. "
        'Is that right? Answer "yes" or "no".',
    },
    "ask.confirm.item": {"ja": "{field}「{value}」", "en": "{field} “{value}”"},
    "ask.confirm.category": {
        "ja": "(別の区分なら、その区分名でも構いません: {categories})",
        "en": " (Or name the right category: {categories}.)",
    },
}
