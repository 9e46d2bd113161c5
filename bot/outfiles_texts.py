"""What bot/outfiles.py says, in Japanese and English; merged into bot.i18n."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "file.sent_separately": {
        "ja": "ファイル「{name}」は、ボットとの個別チャットにお送りします。",
        "en": "The file “{name}” comes to your direct chat with the bot.",
    },
    "file.no_direct_chat": {
        "ja": "ファイル「{name}」は個別チャットでしかお送りできません。"
        "ボットをコンタクトに追加してから、もう一度依頼してください。",
        "en": "I send the file “{name}” only in a direct chat. Add the bot to your contacts, then ask again.",
    },
    "file.too_big": {
        "ja": "ファイル「{name}」は {size} MB で、チャットで送れる大きさ({limit} MB)を超えています。"
        "サーバーの {path} にあります。担当者にお問い合わせください。",
        "en": "The file “{name}” is {size} MB, more than chat can carry ({limit} MB). It is on the server at {path}; "
        "ask your administrator for it.",
    },
    "file.console": {"ja": "ファイル: {path}", "en": "File: {path}"},
}
