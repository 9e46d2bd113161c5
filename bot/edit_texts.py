"""What fixing and resubmitting a request says (handlers/edit.py), in Japanese and English; merged into bot.i18n."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "action.edit": {"ja": "修正して再申請", "en": "Fix and resend"},
    "chatwork.reply_edit": {"ja": "「修正 #{id} 金額=…」", "en": "“edit #{id} amount=…”"},
    "edit.usage": {
        "ja": "修正のしかた: `修正 #番号 項目=値 …`(例: `修正 #6 金額=3,200 日付=11/20`)。"
        "経費の項目: 金額、日付、区分、支払先、人数、登録番号、内容。"
        "休暇の項目: 開始、終了、種類、単位(終日/午前/午後)、時間。",
        "en": "To fix a request: `edit #ID field=value …` (e.g. `edit #6 amount=3,200 date=11/20`). Expense fields: "
        "amount, date, category, vendor, attendees, invoice, description. Leave fields: start, end, type, portion "
        "(full/am/pm), hours.",
    },
    "edit.done": {
        "ja": "#{id} を修正して再申請しました。ルールで判定し直し、承認はもう一度はじめからです。",
        "en": "#{id} is corrected and sent again: the rules decide anew and the approvals start over.",
    },
    "edit.unknown_field": {
        "ja": "「{field}」という項目はありません。`修正` だけ送ると、直せる項目の一覧を表示します。",
        "en": "There is no field called “{field}”. Send `edit` alone for the fields you can change.",
    },
    "edit.bad_value": {
        "ja": "{field} の値「{value}」が読み取れませんでした。もう一度お願いします。",
        "en": "I could not read “{value}” as the {field}. Please try again.",
    },
    "edit.not_editable_kind": {
        "ja": "この種類の申請は、項目を指定しての修正ができません。取り消して新しく申請してください。",
        "en": "This kind of request cannot be corrected field by field: cancel it and send a new one.",
    },
    "fix.item": {"ja": "{field}: {before} → {after}", "en": "{field}: {before} → {after}"},
    "fix.confirm": {
        "ja": "#{id} を次のように修正して再申請しますか?({items})「はい」で再申請します。",
        "en": "Shall I correct #{id} and send it again? ({items}) Reply “yes” to resend it.",
    },
    "fix.or_new": {
        "ja": "新しい申請のつもりでしたら「新規」、何もしないなら「いいえ」と返信してください。",
        "en": " If you meant a new request, reply “new”; “no” leaves everything as it is.",
    },
    "fix.or_not": {"ja": "「いいえ」なら何も変えません。", "en": " “No” leaves it as it is."},
    "fix.declined": {
        "ja": "#{id} はそのままにしました。直すときは、直す内容を書いて送ってください(例: `修正 #{id} 金額=3,200`)。",
        "en": "#{id} is left as it was. To fix it, tell me what changed (e.g. `edit #{id} amount=3,200`).",
    },
    "fix.hint": {
        "ja": "直すところを書いて返信すれば修正して再申請できます(例:「人数は6人です」「金額は3,200円の間違いです」)。",
        "en": "Reply with what to change and I will fix and resend it (e.g. “6 people attended”, “the amount was "
        "3,200 yen”).",
    },
}
