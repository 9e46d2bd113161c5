"""What the scheduler's work says to people (bot/scheduler.py), in Japanese and English; merged into bot.i18n."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "notify.reminder": {
        "ja": "リマインド: {who}さんの申請 #{id} があなたの承認を待っています"
        "({since}から、{due}までにご判断ください)。",
        "en": "Reminder: #{id} from {who} has been waiting for you since {since}; please decide by {due}.",
    },
    "notify.escalated_away": {
        "ja": "#{id} は期限({due})までに判断がなかったため、{to}さんにエスカレーションされました。",
        "en": "#{id} was not decided by {due}, so it has been escalated to {to}.",
    },
    "notify.escalated_requester": {
        "ja": "あなたの申請 #{id} は{by}さんの判断待ちが続いたため、{to}さんにエスカレーションしました。",
        "en": "Your request #{id} waited too long for {by}, so it has been escalated to {to}.",
    },
    "notify.info_nudge": {
        "ja": "申請 #{id} は情報が不足したままです。{lapses_on}までに対応がない場合は自動で取り消されます。",
        "en": "Your request #{id} is still missing information. If nothing is added by {lapses_on}, it will be "
        "cancelled automatically.",
    },
    "notify.lapsed": {
        "ja": "申請 #{id} は{days}営業日のあいだ情報が届かなかったため、取り消しました。"
        "必要ならもう一度申請してください。",
        "en": "Request #{id} was cancelled because the missing information did not arrive within {days} working "
        "days. Please send it again if you still need it.",
    },
    "notify.audit_anchor": {
        "ja": "監査ログの本日の記録です(変更されていないことの証明になります。"
        "この行を社外のどこかに保管してください):\n{line}",
        "en": "Today's audit log head (it proves the log has not been changed; keep this line somewhere off this "
        "machine):\n{line}",
    },
    "notify.audit_anchor.broken": {
        "ja": "監査ログの検証に失敗しました。`backoffice audit verify` で確認してください。",
        "en": "The audit log does not verify. Check it with `backoffice audit verify`.",
    },
    "notify.five_day_summary": {
        "ja": "月次まとめ: 年5日の有給取得がまだ足りない人: {names}",
        "en": "Monthly summary: still short of the five days of annual leave: {names}",
    },
    "status.lapsed": {"ja": "期限切れで取消", "en": "lapsed"},
    # The Slack App Home tab (bot/slack/home.py).
    "home.title": {"ja": "バックオフィス", "en": "Back office"},
    "home.balance": {"ja": "*有給の残り:* {n}日({date}時点)", "en": "*Annual leave left:* {n} day(s) as of {date}"},
    "home.no_requests": {"ja": "申請はまだありません。", "en": "You have no requests yet."},
    "home.hint": {
        "ja": "経費や休暇はこのアプリへのメッセージで申請できます(例:「昨日のタクシー代 3,200円」)。"
        "`/backoffice help` でコマンド一覧。",
        "en": "Send this app a message to claim an expense or ask for leave (e.g. “taxi yesterday ¥3,200”). "
        "`/backoffice help` lists the commands.",
    },
}
