"""What bot.transfers says, in Japanese and English; merged into bot.i18n."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # -- bank details import -------------------------------------------------------------------
    "transfer.bad_encoding": {
        "ja": "ファイルを読めません(UTF-8 でも Shift_JIS でもありません)。Excel では「CSV UTF-8」で保存してください。",
        "en": "The file cannot be read (neither UTF-8 nor Shift_JIS). In Excel, save it as 'CSV UTF-8'.",
    },
    "transfer.cannot_read": {"ja": "{path} を読めません({reason})。", "en": "Cannot read {path} ({reason})."},
    "transfer.empty_file": {
        "ja": "口座の行がありません。見出し行と1人1行の口座情報が必要です(`backoffice init` の雛形を参照)。",
        "en": "No account rows. The file needs a header row and one row per person (see the template that "
        "`backoffice init` writes).",
    },
    "transfer.columns": {
        "ja": "見出し行が違います。不足: {missing} / 不明: {unknown}。使える列: {expected}",
        "en": "The header row is wrong. Missing: {missing}; unknown: {unknown}. Columns: {expected}",
    },
    "transfer.extra_cells": {
        "ja": '{line}行目: 見出しより列が多くあります(値にカンマがあれば "" で囲んでください)。',
        "en": "Line {line}: more cells than the header has (quote a value that holds a comma).",
    },
    "transfer.unknown_employee": {
        "ja": "{line}行目 employee: 「{who}」は社員名簿にいません(社員IDかメールアドレスを書いてください)。",
        "en": "Line {line}, employee: '{who}' is not in the directory (write an employee id or e-mail).",
    },
    "transfer.duplicate": {
        "ja": "{line}行目 employee: {who} さんは {first}行目にもあります。1人1行にしてください。",
        "en": "Line {line}, employee: {who} is on line {first} already. One row per person.",
    },
    "transfer.bad_cell": {
        "ja": "{line}行目 {column}({who}): {rule}",
        "en": "Line {line}, {column} ({who}): {rule}",
    },
    "transfer.rule.bank_code": {"ja": "金融機関コードは数字4桁です。", "en": "the bank code is 4 digits."},
    "transfer.rule.branch_code": {"ja": "支店コードは数字3桁です。", "en": "the branch code is 3 digits."},
    "transfer.rule.account_type": {
        "ja": "預金種目は 普通・当座(または 1・2)です。",
        "en": "the account type is 普通 or 当座 (or 1 / 2).",
    },
    "transfer.rule.account_number": {
        "ja": "口座番号は数字7桁以内です。",
        "en": "the account number is at most 7 digits.",
    },
    "transfer.rule.holder_kana": {
        "ja": "口座名義(カナ)が空です。通帳の表記どおりカタカナで書いてください。",
        "en": "the account holder's name in kana is empty; write it in katakana as the passbook shows it.",
    },
    "transfer.kana_char": {
        "ja": "{line}行目 {column}({who}): {position}文字目の「{char}」は振込データに使えません。"
        "使えるのはカタカナ・英大文字・数字・スペース・( ) - . です。",
        "en": "Line {line}, {column} ({who}): character {position}, '{char}', cannot go into a bank transfer. "
        "Allowed: katakana, A–Z, 0–9, space and ( ) - .",
    },
    "transfer.kana_wo": {
        "ja": "{line}行目 {column}({who}): {position}文字目の「{char}」(ヲ)は受け付けない銀行があります。"
        "通帳の表記(多くは オ)で書いてください。",
        "en": "Line {line}, {column} ({who}): character {position}, '{char}' (wo), is refused by some banks. "
        "Write it as the passbook has it (usually オ / o).",
    },
    "transfer.too_long": {
        "ja": "{line}行目 {column}({who}): 半角にすると{n}文字で、上限の{limit}文字を超えます(濁点も1文字)。"
        "銀行に登録された表記に短くしてください。",
        "en": "Line {line}, {column} ({who}): {n} half-width characters, over the limit of {limit} (a voicing "
        "mark counts as one). Shorten it as the bank has it registered.",
    },
    "transfer.import_failed": {
        "ja": "口座ファイルに問題があるため、何も取り込んでいません:",
        "en": "The bank details file has problems; nothing was imported:",
    },
    "transfer.imported": {
        "ja": "{count}人の口座情報を取り込みました。",
        "en": "Imported bank details for {count} people.",
    },
    "transfer.removed": {
        "ja": "ファイルにない{count}人の口座情報を削除しました: {people}",
        "en": "Removed the bank details of {count} people not in the file: {people}",
    },
    "transfer.file_not_kept": {
        "ja": "ボットは {path} を保存していません。口座情報を含むため、取り込みが済んだら削除してください。",
        "en": "The bot keeps no copy of {path}. It holds bank details: delete it now that it is imported.",
    },
    "transfer.list_empty": {
        "ja": "口座情報はまだありません(`backoffice bank import FILE.csv`)。",
        "en": "No bank details yet (`backoffice bank import FILE.csv`).",
    },
    "transfer.account_type.1": {"ja": "普通", "en": "ordinary"},
    "transfer.account_type.2": {"ja": "当座", "en": "current"},
    # -- the 全銀 file and paying --------------------------------------------------------------
    "transfer.no_batch": {
        "ja": "バッチ {batch} はありません。仕訳の出力で作られたバッチ番号(例: B202611-01)を指定してください。",
        "en": "There is no batch {batch}. Give the batch id of a journal export (e.g. B202611-01).",
    },
    "transfer.not_approved": {
        "ja": "バッチ {batch} の #{id} は承認済みの経費精算ではなくなっています。経理で確認してください。",
        "en": "#{id} in batch {batch} is no longer an approved expense claim. Please check it.",
    },
    "transfer.no_yen": {
        "ja": "#{id}({who})は外貨({currency})で、円の金額がまだ確定していません。先に円額を確定してください。",
        "en": "#{id} ({who}) is in {currency} and has no yen amount yet. Fix the yen amount first.",
    },
    "transfer.no_payer": {
        "ja": "振込依頼人が未設定です。knowledge/rules/accounting.yaml の payer(依頼人コード・名義カナ・"
        "銀行・支店・口座)を銀行から届いた内容で記入してください。",
        "en": "The payer is not set. Fill in `payer` in knowledge/rules/accounting.yaml (requester code, name in "
        "kana, bank, branch, account) with what your bank gave you.",
    },
    "transfer.payer_kana": {
        "ja": "accounting.yaml の payer.{field} の「{char}」は振込データに使えません(半角カナ・英大文字・数字・"
        "スペース・( ) - . のみ)。",
        "en": "accounting.yaml payer.{field}: '{char}' cannot go into a bank transfer (half-width kana, A–Z, 0–9, "
        "space and ( ) - . only).",
    },
    "transfer.payer_long": {
        "ja": "accounting.yaml の payer.{field} は半角{limit}文字までです。",
        "en": "accounting.yaml payer.{field} is at most {limit} half-width characters.",
    },
    "transfer.date_past": {
        "ja": "振込指定日 {date} は過去の日付です(今日は {today})。",
        "en": "The transfer date {date} is in the past (today is {today}).",
    },
    "transfer.date_bank_closed": {
        "ja": "{date} は銀行の休業日です(土日・祝日・12/31〜1/3)。銀行の営業日を指定してください。",
        "en": "{date} is a bank holiday (weekends, national holidays and 12/31–1/3). Give a bank business day.",
    },
    "transfer.date_company_closed": {
        "ja": "{date} は会社カレンダーの休業日です(calendar.yaml)。営業日を指定してください。",
        "en": "{date} is a day off on the company calendar (calendar.yaml). Give a working day.",
    },
    "transfer.missing_bank": {
        "ja": "バッチ {batch} には口座情報が未登録の人がいるため、振込ファイルを作っていません: {people}。"
        "`backoffice bank import` で登録してください。",
        "en": "No transfer file was written for batch {batch}: these people have no bank details: {people}. "
        "Add them with `backoffice bank import`.",
    },
    "transfer.bad_amount": {
        "ja": "{who} さんの振込額 {amount} は振込データに書けません(1円〜9,999,999,999円)。",
        "en": "The transfer of {amount} to {who} cannot go into the file (1 to 9,999,999,999 yen).",
    },
    "transfer.already_paid": {
        "ja": "バッチ {batch} は {date} に支払済みです。通知は再送していません。",
        "en": "Batch {batch} was already paid on {date}. Nobody was notified again.",
    },
    "transfer.written": {
        "ja": "バッチ {batch} の総合振込ファイル(全銀形式)を作りました: {people}人、合計 {total}、振込指定日 {date}。"
        "銀行のサイトにアップロードし、振込が済んだら `/paid {batch} {date}` で支払済みにしてください。",
        "en": "Wrote the transfer file (全銀 総合振込) for batch {batch}: {people} people, {total} in all, "
        "transfer date {date}. Upload it to your bank; once paid, mark it with `/paid {batch} {date}`.",
    },
    "transfer.checked_date": {
        "ja": "振込指定日は会社カレンダーの営業日かつ銀行営業日(土日・祝日・12/31〜1/3 以外)であることを確認済みです。",
        "en": "The date was checked as a working day on the company calendar and a bank business day (not a "
        "weekend, national holiday or 12/31–1/3).",
    },
    "transfer.cannot_write": {
        "ja": "{path} に書き込めません({reason})。何も書いていません。",
        "en": "Cannot write {path} ({reason}); nothing was written.",
    },
    "transfer.paid": {
        "ja": "バッチ {batch} を {date} に支払済みにしました({people}人、合計 {total})。各申請者に振込日を通知します。",
        "en": "Marked batch {batch} paid on {date} ({people} people, {total} in all). Each requester is told.",
    },
    "transfer.notify": {
        "ja": "経費精算 {ids} の立替金 {amount} を {date} にお振り込みします(バッチ {batch})。",
        "en": "Your reimbursement of {amount} for {ids} is transferred on {date} (batch {batch}).",
    },
    # -- chat ----------------------------------------------------------------------------------
    "transfer.usage": {
        "ja": "使い方: /振込 バッチ番号 振込日(例: /振込 B202611-01 2026-12-10)",
        "en": "Usage: /transfer BATCH DATE (e.g. /transfer B202611-01 2026-12-10)",
    },
    "transfer.paid_usage": {
        "ja": "使い方: /支払済 バッチ番号 振込日(例: /支払済 B202611-01 2026-12-10)",
        "en": "Usage: /paid BATCH DATE (e.g. /paid B202611-01 2026-12-10)",
    },
    "transfer.not_allowed": {
        "ja": "申し訳ありませんが、振込ファイルと支払済みの登録は経理の方だけが使えます。",
        "en": "Sorry, transfer files and marking batches paid are for finance only.",
    },
    "transfer.do_not_forward": {
        "ja": "口座情報を含むファイルです。転送や共有チャンネルへの投稿はしないでください。",
        "en": "The file holds bank details: do not forward it or post it in a shared channel.",
    },
}
