"""The compact lists' words (/pending, /mine: bot/lists.py), in Japanese and English; merged into bot.i18n.CATALOG,
asked for with bot.i18n.t. The titles and the empty lines are the catalogue's own `pending.*` and `mine.*`."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # After the title: how many, and in which order.
    "lists.pending.count": {"ja": "({n}件・古い順)", "en": " ({n}, oldest first)"},
    "lists.mine.count": {"ja": "(新しい順)", "en": " (newest first)"},
    # What a request is, in a few words: kind, then its kind's essentials.
    "lists.what.expense": {"ja": "経費 {category} {amount}", "en": "expense {category} {amount}"},
    "lists.what.leave": {"ja": "休暇 {type} {dates}", "en": "{type} {dates}"},
    "lists.what.contract": {"ja": "契約 {party}", "en": "contract {party}"},
    "lists.leave.annual": {"ja": "有給", "en": "annual leave"},
    "lists.leave.special": {"ja": "特別休暇", "en": "special leave"},
    "lists.leave.sick": {"ja": "病気休暇", "en": "sick leave"},
    "lists.leave.compensatory": {"ja": "代休", "en": "compensatory leave"},
    "lists.leave.unpaid": {"ja": "無給休暇", "en": "unpaid leave"},
    "lists.portion.am": {"ja": "午前", "en": "am"},
    "lists.portion.pm": {"ja": "午後", "en": "pm"},
    "lists.portion.hours": {"ja": "{n}時間", "en": "{n}h"},
    # How long a step has waited, in working days on the company calendar.
    "lists.age.today": {"ja": "今日から", "en": "since today"},
    "lists.age.one": {"ja": "1営業日前から", "en": "1 working day"},
    "lists.age.days": {"ja": "{n}営業日前から", "en": "{n} working days"},
    # Marks on a line of /pending.
    "lists.pending.escalated": {"ja": "⤴ {who}さんからエスカレーション", "en": "⤴ escalated from {who}"},
    "lists.pending.for": {"ja": "{who}さんの代理", "en": "for {who}"},
    "lists.pending.more": {
        "ja": "ほかに{n}件あります(古い順に{cap}件を表示)。",
        "en": "…and {n} more (the oldest {cap} are shown).",
    },
    # Where one of the asker's requests stands (/mine).
    "lists.mine.waiting": {"ja": "承認待ち({who}さん)", "en": "waiting for {who}"},
    "lists.mine.escalated": {"ja": "⤴ エスカレーション済み", "en": "⤴ escalated"},
    "lists.mine.returned": {"ja": "差戻し({who}さん)", "en": "sent back by {who}"},
    "lists.mine.needs_info": {"ja": "要対応(情報不足)", "en": "needs information from you"},
    "lists.mine.approved": {"ja": "承認済み", "en": "approved"},
    "lists.mine.rejected": {"ja": "却下", "en": "rejected"},
    "lists.mine.cancelled": {"ja": "取消", "en": "cancelled"},
    "lists.mine.lapsed": {"ja": "期限切れで取消", "en": "lapsed"},
    "lists.mine.draft": {"ja": "下書き", "en": "draft"},
    "lists.mine.submitted": {"ja": "申請済み", "en": "submitted"},
    "lists.mine.more": {"ja": "最新{cap}件を表示しています。", "en": "Your {cap} most recent are shown."},
    # The last line: how to see one request in full.
    "lists.details": {"ja": "詳細は {command}", "en": "Details: {command}"},
}
