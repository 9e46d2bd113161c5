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
    # A value the offline reader found only from a weak cue (a number with no 円 beside 代): asked back before the
    # rules see it.
    "ask.confirm.unsure": {
        "ja": "確認させてください。{items} と読み取りましたが、確かではありません。"
        "この内容でよろしいですか?「はい」か「いいえ」でお答えください。",
        "en": 'Please confirm: I read {items}, but I am not sure of it. Is that right? Answer "yes" or "no".',
    },
    # Why a value in the message is not taken, said before the bot asks for it again.
    "ask.refused.negative": {
        "ja": "金額がマイナスになっているため、そのままでは申請できません。",
        "en": "The amount is below zero, so it cannot be claimed as written.",
    },
    "ask.refused.no_such_date": {
        "ja": "「{written}」という日付は存在しません。",
        "en": "There is no such date as “{written}”.",
    },
}
