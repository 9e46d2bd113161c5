"""What bot.accounting says, in Japanese and English; merged into bot.i18n."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # -- journal export ------------------------------------------------------------------------
    "journal.format.freee": {"ja": "freee会計 取引インポート", "en": "freee 取引 import"},
    "journal.format.mf": {"ja": "マネーフォワード 仕訳帳インポート", "en": "Money Forward 仕訳帳 import"},
    "journal.format.yayoi": {"ja": "弥生インポート形式", "en": "Yayoi import format"},
    "journal.format.csv": {"ja": "CSV(UTF-8)", "en": "plain CSV (UTF-8)"},
    "journal.exported": {
        "ja": "仕訳バッチ {batch} を作りました({format}、{start}〜{end} に承認された {claims} 件、合計 {total}、"
        "文字コード {encoding})。",
        "en": "Made journal batch {batch} ({format}: {claims} claims approved {start} to {end}, total {total}, "
        "encoding {encoding}).",
    },
    "journal.exported_again": {
        "ja": "仕訳バッチ {batch} を再出力しました(最初のファイルと同一。{format}、{claims} 件、合計 {total})。",
        "en": "Exported journal batch {batch} again (identical to the first file; {format}, {claims} claims, "
        "total {total}).",
    },
    "journal.change.replaced": {
        "ja": "・{ref} の{field}: この文字コードにない文字「{detail}」を「?」に置き換えました。"
        "取り込み後に直してください。",
        "en": "- {ref} {field}: characters the encoding cannot hold ('{detail}') were replaced by '?'; fix them "
        "after the import.",
    },
    "journal.change.cut": {
        "ja": "・{ref} の{field}: 長すぎるため {detail} までで切りました。",
        "en": "- {ref} {field}: too long, cut at {detail}.",
    },
    "journal.earlier": {
        "ja": "この期間の承認済み {n} 件は出力済みのため含めていません: {earlier}。同じファイルが必要なら "
        "`--batch` でそのバッチを再出力してください(新しいバッチには入れません)。",
        "en": "{n} approved claims of this period were exported before and are not included: {earlier}. For the "
        "same file again, export that batch with `--batch` (they never go into a new batch).",
    },
    "journal.yayoi_once": {
        "ja": "弥生会計は同じファイルを2回取り込むと仕訳が二重になります。取り込みは1回だけにしてください。",
        "en": "Yayoi books every entry twice if the same file is imported twice: import it once only.",
    },
    "journal.nothing": {
        "ja": "{start}〜{end} に承認された経費精算はありません。",
        "en": "No expense claims were approved from {start} to {end}.",
    },
    "journal.nothing_new": {
        "ja": "{start}〜{end} の承認済みの経費はすべて出力済みです: {earlier}。"
        "同じファイルは `--batch` で再出力できます。",
        "en": "Every claim approved from {start} to {end} has been exported already: {earlier}. Export a batch "
        "again with `--batch` for the same file.",
    },
    "journal.bad_format": {
        "ja": "形式「{format}」は使えません。使える形式: {formats}",
        "en": "There is no format '{format}'. Formats: {formats}",
    },
    "journal.bad_period": {
        "ja": "期間の終わり({end})が始まり({start})より前です。",
        "en": "The period ends ({end}) before it starts ({start}).",
    },
    "journal.raced": {
        "ja": "同時に別の出力がこの期間の経費を取りました。もう一度出力してください(何も記録していません)。",
        "en": "Another export took some of these claims at the same moment. Please export again (nothing was "
        "recorded).",
    },
    "journal.cannot_write": {
        "ja": "{path} に書き込めません({reason})。何も出力していません。",
        "en": "Cannot write {path} ({reason}). Nothing was exported.",
    },
    "journal.no_batch": {"ja": "バッチ {batch} はありません。", "en": "There is no batch {batch}."},
    "journal.other_format": {
        "ja": "バッチ {batch} は {format} 形式で出力されています。同じバッチを別の形式では出力できません。",
        "en": "Batch {batch} was exported as {format}; a batch is exported in its own format only.",
    },
    "journal.reexport_differs": {
        "ja": "バッチ {batch} の最初のファイルが見つからず、いま作り直すと内容が変わります(accounting.yaml や"
        "社員名の変更)。二重計上を防ぐため出力しません。経理責任者に相談してください。",
        "en": "Batch {batch}'s first file is gone, and writing it now would give a different file (accounting.yaml "
        "or a name changed since). Not exported, so nothing is booked twice: ask the person in charge of the books.",
    },
    "journal.no_yen": {
        "ja": "申請 #{id} は外貨のまま円の金額が確定していません。経理が円額を確定してから出力してください。",
        "en": "Claim #{id} is in a foreign currency and has no yen amount yet: finance fixes it before the export.",
    },
    "journal.no_account": {
        "ja": "申請 #{id} の区分「{category}」の勘定科目が accounting.yaml にありません。",
        "en": "accounting.yaml has no account for category '{category}' (claim #{id}).",
    },
    "journal.no_reduced_class": {
        "ja": "申請 #{id} に軽減税率分がありますが、accounting.yaml に reduced_tax_class がありません。",
        "en": "Claim #{id} has a reduced-rate part, but accounting.yaml has no reduced_tax_class.",
    },
    "journal.bad_reduced": {
        "ja": "申請 #{id} の軽減税率分 ¥{reduced} が金額 ¥{amount} を超えています。",
        "en": "Claim #{id}: the reduced-rate part ¥{reduced} is more than the amount ¥{amount}.",
    },
    "journal.no_transitional_class": {
        "ja": "申請 #{id}: 経過措置の税区分が accounting.yaml にありません({tax_class})。",
        "en": "Claim #{id}: accounting.yaml has no transitional tax class for {tax_class}.",
    },
    "journal.unencodable_name": {
        "ja": "{ref} の{field}「{value}」に {encoding} で書けない文字「{chars}」があります。会計ソフトの登録名と一致"
        "しなくなるため置き換えません。名前(社員名簿・accounting.yaml)を直すか、別の形式で出力してください。",
        "en": "{ref} {field} '{value}' has characters {encoding} cannot hold ('{chars}'). A name must match the "
        "software's exactly, so it is not altered: change the name (directory, accounting.yaml) or use another format.",
    },
    "journal.amount_too_large": {
        "ja": "{ref} の金額 ¥{amount} は弥生の上限(9桁)を超えています。",
        "en": "{ref}: ¥{amount} is more than Yayoi's 9 digits.",
    },
    # -- chat ---------------------------------------------------------------------------------------
    "journal.field.reduced": {"ja": "軽減税率(8%)分の金額", "en": "the part at the reduced 8% rate"},
    "journal.not_allowed": {
        "ja": "仕訳の出力は経理担当者(finance)と管理者だけができます。必要なときは経理に依頼してください。",
        "en": "Only finance and admins can export the journal. Please ask finance if you need it.",
    },
    "journal.usage": {
        "ja": "使い方: `/export 2026-11`(その月)、`/export 2026-11-01 2026-11-30 mf`、`/export B202611-01`"
        "(バッチの再出力)。形式: freee, mf, yayoi, csv(既定 {default})。",
        "en": "Usage: `/export 2026-11` (a month), `/export 2026-11-01 2026-11-30 mf`, `/export B202611-01` "
        "(a batch again). Formats: freee, mf, yayoi, csv (default {default}).",
    },
    "journal.dm_only": {
        "ja": "ファイルはあなたとのダイレクトメッセージに送ります(社員の精算内容を含むため転送しないでください)。",
        "en": "The file goes to your direct chat with the bot (it holds employees' claims: do not forward it).",
    },
    "journal.batches_empty": {"ja": "仕訳バッチはまだありません。", "en": "No journal batches yet."},
    "journal.batch_line": {
        "ja": "{batch}  {format}  {start}〜{end}  {claims}件  作成 {at}  {by}",
        "en": "{batch}  {format}  {start} to {end}  {claims} claims  made {at}  {by}",
    },
    # -- freee API -------------------------------------------------------------------------------------
    "freee.not_configured": {
        "ja": "freee API が設定されていません(FREEE_CLIENT_ID, FREEE_CLIENT_SECRET, FREEE_REFRESH_TOKEN)。",
        "en": "The freee API is not configured (FREEE_CLIENT_ID, FREEE_CLIENT_SECRET, FREEE_REFRESH_TOKEN).",
    },
    "freee.posted": {
        "ja": "バッチ {batch}: freee に {posted} 件を未決済の取引として登録しました"
        "(登録済み {skipped} 件、残り {left} 件)。",
        "en": "Batch {batch}: posted {posted} claims to freee as unsettled deals ({skipped} there already, "
        "{left} left).",
    },
    "freee.left": {
        "ja": "freee が混み合っているため({reason})残りは後で再実行してください。登録済みの分は二重になりません。",
        "en": "freee is busy ({reason}): run it again later for the rest. Claims already posted are not posted twice.",
    },
    "freee.error": {"ja": "freee API のエラー: {reason}", "en": "freee API error: {reason}"},
    "freee.reauthorise": {
        "ja": "freee がリフレッシュトークンを受け付けません(使用済み・失効・90日超)。アプリを認可し直し、新しい"
        "トークンを FREEE_REFRESH_TOKEN に設定してください。",
        "en": "freee refused the refresh token (used, revoked or over 90 days old). Authorise the app again and set "
        "the new token as FREEE_REFRESH_TOKEN.",
    },
    "freee.no_tax": {
        "ja": "freee に税区分「{name}」がありません(accounting.yaml tax_classes の freee 名を確認してください)。",
        "en": "freee has no tax class '{name}' (check the freee names in accounting.yaml tax_classes).",
    },
    "freee.no_account": {
        "ja": "freee に勘定科目「{name}」がありません。",
        "en": "freee has no account item '{name}'.",
    },
    "freee.no_company": {
        "ja": "freee の事業所が決まりません(FREEE_COMPANY_ID を設定してください: {companies})。",
        "en": "Cannot tell which freee company to use (set FREEE_COMPANY_ID: {companies}).",
    },
}
