"""What the bot says about personal data it will not keep (a My Number or card number typed in chat), in
Japanese and English; merged into bot.i18n.CATALOG, asked for with bot.i18n.t."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # To the sender, beside the answer to the rest of the message. One line per kind dropped, then the close.
    "privacy.sender.MY_NUMBER": {
        "ja": "メッセージにマイナンバー(個人番号)が含まれていたため、番号を削除し、保存していません。"
        "マイナンバーは法律で取り扱いが厳しく制限されているため、チャットでは送らないでください。",
        "en": "Your message contained a My Number (個人番号). The number was removed and has not been kept. "
        "The law strictly limits how My Numbers may be handled, so please never send one in chat.",
    },
    "privacy.sender.CARD": {
        "ja": "メッセージにクレジットカード番号が含まれていたため、番号を削除し、保存していません。"
        "カード番号はチャットでは送らないでください。",
        "en": "Your message contained a card number. The number was removed and has not been kept. "
        "Please never send card numbers in chat.",
    },
    "privacy.sender.rest": {
        "ja": "提出が必要な場合は、人事担当者に正しい提出方法をご確認ください。"
        "メッセージのその他の内容は通常どおり処理しました。",
        "en": "If it is needed, please ask HR how to submit it safely. The rest of your message was handled as usual.",
    },
    # To HR: that it happened, from whom and where; never the number.
    "privacy.hr.MY_NUMBER": {"ja": "マイナンバー(個人番号)", "en": "a My Number"},
    "privacy.hr.CARD": {"ja": "カード番号", "en": "a card number"},
    "privacy.hr.dropped": {
        "ja": "{who}さんから{platform}で{what}を含むメッセージを受信しました。番号は受信時に削除し、"
        "保存していません(この通知にも含まれていません)。ご本人にはチャットで送らないよう案内済みです。",
        "en": "A message from {who} on {platform} contained {what}. The number was removed on receipt and "
        "not kept (nor is it in this notice); {who} has been asked not to send it in chat.",
    },
    "privacy.and": {"ja": "と", "en": " and "},
    "privacy.platform.slack": {"ja": "Slack", "en": "Slack"},
    "privacy.platform.chatwork": {"ja": "Chatwork", "en": "Chatwork"},
    "privacy.platform.console": {"ja": "コンソール", "en": "the console"},
}
