"""What bot.archive says, in Japanese and English; merged into bot.i18n (the chat command /receipts and the
`backoffice receipts …` command line)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # -- /receipts (/領収書) in chat ---------------------------------------------------------------
    "archive.usage": {
        "ja": "領収書の検索(電子帳簿保存法): /領収書 [期間] [vendor=取引先] [min=金額] [max=金額]\n"
        "期間: 2026-11(月)、2026-11-20(日)、2026-11-01..2026-11-30、または from=日付 to=日付。"
        "取引先は一部でも可(全角・半角、大文字・小文字は区別しません)。vendor=なし で取引先が空のもの。\n"
        "例: /領収書 2026-11 vendor=スターバックス min=1000",
        "en": "Receipt search (電子帳簿保存法): /receipts [PERIOD] [vendor=NAME] [min=YEN] [max=YEN]\n"
        "PERIOD: 2026-11 (a month), 2026-11-20 (a day), 2026-11-01..2026-11-30, or from=DATE to=DATE. "
        "The vendor may be part of the name (full/half width and case do not matter); vendor=none for receipts "
        "with no vendor.\nExample: /receipts 2026-11 vendor=Starbucks min=1000",
    },
    "archive.bad_word": {
        "ja": "「{word}」が読み取れませんでした。",
        "en": "I could not read '{word}'.",
    },
    "archive.bad_range": {
        "ja": "範囲の始まり({low})が終わり({high})より後になっています。",
        "en": "The range starts ({low}) after it ends ({high}).",
    },
    "archive.title": {"ja": "領収書の検索結果({n}件)", "en": "Receipts found: {n}"},
    "archive.own_only": {
        "ja": "※ ご自身の申請の領収書のみ表示しています(全社分は経理・管理者が検索できます)。",
        "en": "Only receipts of your own claims are shown (finance and admins can search everyone's).",
    },
    "archive.none": {"ja": "条件に合う領収書はありません。", "en": "No receipts match."},
    "archive.more": {
        "ja": "ほかに{n}件あります。条件を絞るか、経理が `backoffice receipts search` で全件を確認できます。",
        "en": "{n} more: narrow the search, or finance can list them all with `backoffice receipts search`.",
    },
    "archive.line": {
        "ja": "R{id} {date} {amount} {vendor} #{request} {file} v{version}",
        "en": "R{id} {date} {amount} {vendor} #{request} {file} v{version}",
    },
    "archive.no_vendor": {"ja": "(取引先なし)", "en": "(no vendor)"},
    "archive.no_amount": {"ja": "(円換算前)", "en": "(no yen amount yet)"},
    "archive.conditions": {"ja": "条件: {what}", "en": "Conditions: {what}"},
    "archive.cond.date": {"ja": "取引日 {low}〜{high}", "en": "date {low} to {high}"},
    "archive.cond.amount": {"ja": "金額 {low}〜{high}", "en": "amount {low} to {high}"},
    "archive.cond.vendor": {"ja": "取引先「{vendor}」を含む", "en": "vendor contains '{vendor}'"},
    "archive.cond.vendor_missing": {"ja": "取引先なし", "en": "no vendor"},
    # -- refusals, in chat and on the command line ------------------------------------------------
    "archive.err.not_found": {
        "ja": "領収書 R{id} は保管庫にありません。",
        "en": "There is no receipt R{id} in the archive.",
    },
    "archive.err.retained": {
        "ja": "領収書 R{id} は保存期間中({until} まで)のため削除できません(電子帳簿保存法)。"
        "この操作は監査ログに記録しました。",
        "en": "Receipt R{id} is inside its retention period (until {until}) and cannot be deleted "
        "(電子帳簿保存法). The attempt has been written to the audit log.",
    },
    "archive.err.no_overwrite": {
        "ja": "保管した領収書 R{id} の原本は差し替えられません。別の領収書は申請に添付し直してください"
        "(新しい保管記録になります)。日付・金額・取引先の誤りは `backoffice receipts correct` で訂正します"
        "(新しい版として残ります)。この操作は監査ログに記録しました。",
        "en": "The archived original of receipt R{id} cannot be replaced. Attach a different receipt to the claim "
        "(it becomes a new entry); fix a wrong date, amount or vendor with `backoffice receipts correct` (kept "
        "as a new version). The attempt has been written to the audit log.",
    },
    "archive.err.superseded": {
        "ja": "R{id} は訂正済みの古い版です。最新の版 R{newest} を指定してください。",
        "en": "R{id} is an older version; correct the latest one, R{newest}.",
    },
    "archive.err.reason_required": {
        "ja": "訂正には理由(--reason)が必要です。監査ログに残ります。",
        "en": "A correction needs a reason (--reason); it goes into the audit log.",
    },
    "archive.err.nothing_to_correct": {
        "ja": "訂正する項目(--date / --amount / --vendor)が今と同じか、指定されていません。",
        "en": "Nothing to correct: give --date, --amount or --vendor with a value different from now.",
    },
    "archive.err.unknown_person": {
        "ja": "--by「{who}」は社員名簿にありません(社員IDかメールアドレスで指定してください)。",
        "en": "--by '{who}' is not in the directory (give an employee id or e-mail).",
    },
    "archive.err.bad_amount": {"ja": "金額 {value} は使えません。", "en": "The amount {value} cannot be used."},
    "archive.err.dest_not_empty": {
        "ja": "出力先 {dest} は空ではありません。新しいフォルダか空のフォルダを指定してください(上書きはしません)。",
        "en": "{dest} is not empty: give a new or empty folder (nothing is overwritten).",
    },
    "archive.err.bad_date": {
        "ja": "日付「{value}」が読み取れません(例: 2026-11-20)。",
        "en": "Could not read the date '{value}' (e.g. 2026-11-20).",
    },
    "archive.err.bad_yen": {
        "ja": "金額「{value}」が読み取れません(例: 3200)。",
        "en": "Could not read the amount '{value}' (e.g. 3200).",
    },
    # -- the command line ----------------------------------------------------------------------
    "archive.cli.header": {
        "ja": "id\t取引年月日\t金額\t取引先\t申請\tファイル\t版",
        "en": "id\tdate\tamount\tvendor\trequest\tfile\tversion",
    },
    "archive.cli.count": {"ja": "{n}件", "en": "{n} receipt(s)"},
    "archive.cli.corrected": {
        "ja": "R{old} を訂正し、新しい版 R{new}(v{version})として保管しました。R{old} もそのまま残ります。",
        "en": "Corrected R{old}: kept as the new version R{new} (v{version}); R{old} stays as it was.",
    },
    "archive.cli.deleted": {
        "ja": "保存期間を過ぎた領収書 R{id}({n}版)を削除しました。記録は削除済みとして残ります。",
        "en": "Deleted receipt R{id} ({n} version(s)), past its retention period; the rows stay, marked deleted.",
    },
    "archive.cli.verify_ok": {
        "ja": "保管中の領収書 {n}件すべて、原本が記録どおり(SHA-256 一致)です。",
        "en": "All {n} archived receipts are there with the bytes recorded (SHA-256 matches).",
    },
    "archive.cli.problem.missing": {
        "ja": "R{id}: ファイルがありません ({path})",
        "en": "R{id}: the file is missing ({path})",
    },
    "archive.cli.problem.changed": {
        "ja": "R{id}: ファイルが変更されています(SHA-256 不一致) ({path})",
        "en": "R{id}: the file has changed (SHA-256 differs) ({path})",
    },
    "archive.cli.exported": {
        "ja": "{n}件を {dest} に書き出しました(index.csv は UTF-8 BOM 付き)。",
        "en": "Exported {n} entries to {dest} (index.csv in UTF-8 with a BOM).",
    },
    "archive.cli.export_problems": {
        "ja": "次の{n}件は原本を確認できず、コピーしていません(index.csv のファイル名は空欄):",
        "en": "{n} could not be vouched for and were not copied (their file name in index.csv is empty):",
    },
}
