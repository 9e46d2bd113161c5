# ruff: noqa: E501
# One message a line: wrapping a Japanese sentence would only make it harder to read and edit.
"""What contract drafting says, in Japanese and English; merged into bot.i18n."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "draft.usage": {
        "ja": "契約書のドラフト作成: /contract draft 種類 counterparty=相手方 [term=2年] [amount=金額] "
        '[payment=30日] [side=開示側|受領側] [description="業務内容"] [electronic|paper]\n'
        "種類: {templates}\n例: /contract draft nda counterparty=株式会社サクラテック term=2y\n"
        "文章でも依頼できます(「株式会社サクラテックと相互NDAを作って。期間2年」)。\n"
        "相手方から戻ってきた修正版は /contract draft compare [#番号] にファイルを添付すると、当社テンプレートの"
        "保護条項(責任上限・管轄・反社・支払条件・知的財産)の変更点を一覧にします。",
        "en": "Draft a contract: /contract draft TYPE counterparty=NAME [term=2y] [amount=YEN] [payment=30d] "
        '[side=disclose|receive] [description="the work"] [electronic|paper]\n'
        'Types: {templates}\nExample: /contract draft nda counterparty="Sakura Tech Inc." term=2y\n'
        'You can also ask in words ("Prepare a mutual NDA with Sakura Tech Inc., term 2 years").\n'
        "When the other side sends our contract back edited, /contract draft compare [#ID] with the file lists "
        "each protected clause of our template (liability cap, jurisdiction, anti-social forces, payment terms, "
        "IP) they changed.",
    },
    "draft.template_line": {"ja": "{slug}({name})", "en": "{slug} ({name})"},
    "draft.unknown_template": {
        "ja": "「{word}」という契約書のテンプレートはありません。使えるもの: {templates}",
        "en": "There is no contract template called '{word}'. Available: {templates}",
    },
    "draft.unknown_option": {
        "ja": "「{word}」は指定できる項目ではありません(指定できるもの: {allowed})。",
        "en": "'{word}' is not something this template takes (it takes: {allowed}).",
    },
    "draft.ask": {
        "ja": "{template}を作成します。{label}を教えてください。",
        "en": "I'll draft the {template}. What is {label}?",
    },
    "draft.ask.example.months": {"ja": "(例: 2年、18か月)", "en": "(e.g. 2 years, 18 months)"},
    "draft.ask.example.yen": {"ja": "(例: 50万円)", "en": "(e.g. 500,000 yen)"},
    "draft.ask.example.days": {"ja": "(例: 30日)", "en": "(e.g. 30 days)"},
    "draft.ask.example.choice": {"ja": "({values})", "en": "({values})"},
    "draft.ask.again": {
        "ja": "すみません、読み取れませんでした。",
        "en": "Sorry, I could not read that.",
    },
    "draft.cancel_hint": {"ja": "(やめるときは「キャンセル」)", "en": '(Say "cancel" to stop.)'},
    "draft.bad_value": {"ja": "{label}の値が読み取れません。", "en": "I could not read the value for {label}."},
    "draft.empty_value": {"ja": "{label}が空です。", "en": "{label} is empty."},
    "draft.forged_value": {
        "ja": "{label}に条の見出しや改行は入れられません(条項は当社テンプレートのものを使います)。",
        "en": "{label} cannot contain an article heading or line breaks (the clauses are our template's).",
    },
    "draft.too_long": {
        "ja": "{label}は{max}文字以内でお願いします。",
        "en": "Please keep {label} within {max} characters.",
    },
    "draft.bad_choice": {"ja": "{label}は次のいずれかです: {values}", "en": "{label} is one of: {values}"},
    "draft.bad_months": {
        "ja": "{label}は「2年」「18か月」のように書いてください。",
        "en": 'Write {label} like "2 years" or "18 months".',
    },
    "draft.bad_yen": {
        "ja": "{label}は「50万円」のように円で書いてください。",
        "en": 'Write {label} in yen, like "500,000 yen".',
    },
    "draft.bad_days": {
        "ja": "{label}は「30日」のように書いてください。",
        "en": 'Write {label} as a number of days, like "30 days".',
    },
    "draft.range_months": {
        "ja": "{label}は{min}か月から{max}か月までです(当社テンプレートの範囲)。",
        "en": "{label} must be from {min} to {max} months (what our template allows).",
    },
    "draft.range_yen": {
        "ja": "{label}は{min}円から{max}円までです(当社テンプレートの範囲)。",
        "en": "{label} must be from {min} to {max} yen (what our template allows).",
    },
    "draft.range_days": {
        "ja": "{label}は{min}日から{max}日までです(当社テンプレートの範囲。支払は納品から60日以内が社内基準です)。",
        "en": "{label} must be from {min} to {max} days (what our template allows; we pay within 60 days of delivery).",
    },
    "draft.made": {
        "ja": "{template}のドラフトを作成しました(#{id})。チェックリストはすべて基準どおりです。{route}",
        "en": "Here is the draft {template} (#{id}). Every checklist item meets our standard. {route}",
    },
    "draft.route.approved": {
        "ja": "当社の標準どおりの契約のため規程により承認され、法務に通知しました。",
        "en": "As a standard contract it was approved by rule; legal has been told.",
    },
    "draft.route.pending": {
        "ja": "{approver}さんのレビュー待ちです。承認されると最終版のDOCXをお送りします。",
        "en": "It now waits for review by {approver}; once approved you will get the final DOCX.",
    },
    "draft.route.other": {"ja": "状態: {status}", "en": "Status: {status}"},
    "draft.file_sent": {
        "ja": "DOCXファイル({name})はダイレクトメッセージでお送りします。",
        "en": "The DOCX ({name}) comes to your direct messages.",
    },
    "draft.worded_by_model": {
        "ja": "{slots}の文言はAI({model})が作成しました(保護条項には触れていません)。",
        "en": "The wording of {slots} was drafted by the AI ({model}); it touched no protected clause.",
    },
    "draft.model_discarded": {
        "ja": "AIの文言案はテンプレートの範囲を外れたため使わず、入力どおりに作成しました。",
        "en": "The AI's wording went outside what the template allows, so it was not used: the slots are as given.",
    },
    "draft.stamp": {"ja": "紙の原本の印紙税: {stamp}", "en": "Stamp duty on a paper original: {stamp}"},
    "draft.template_error": {
        "ja": "テンプレート「{template}」のドラフトがチェックリストで重大と判定されました({items})。テンプレートの誤りのため"
        "作成を止めました。法務にお知らせください。",
        "en": "The draft from the template '{template}' has a red flag on the checklist ({items}). That is an error in "
        "the template, so nothing was filed. Please tell legal.",
    },
    "draft.templates_broken": {
        "ja": "契約書テンプレートの設定に誤りがあるため、ドラフトを作成できません(管理者は backoffice templates check で"
        "確認できます)。",
        "en": "The contract templates have an error, so no draft can be made (an admin can run "
        "`backoffice templates check`).",
    },
    "draft.final": {
        "ja": "承認された契約書の最終版(DOCX)をお送りします。",
        "en": "Here is the approved contract (DOCX).",
    },
    "draft.text_header": {"ja": "―― 本文 ――", "en": "—— Text ——"},
    # -- the other side's edits ------------------------------------------------------------------------
    "draft.compare.need_file": {
        "ja": "相手方から戻ってきた契約書のファイル(Word・PDF)を添付するか、本文を貼り付けてください。",
        "en": "Attach the contract the other side sent back (Word or PDF), or paste its text.",
    },
    "draft.compare.unknown": {
        "ja": "当社のどのテンプレートから作られた契約書か分かりませんでした。/contract draft compare 種類 で指定してください"
        "(種類: {templates})。",
        "en": "I could not tell which of our templates this contract came from. Name it: /contract draft compare TYPE "
        "(types: {templates}).",
    },
    "draft.compare.not_a_draft": {
        "ja": "#{id} は当社テンプレートから作成したドラフトではありません。",
        "en": "#{id} is not a draft made from our templates.",
    },
    "draft.compare.changed": {
        "ja": "保護条項「{title}」が{template}から変更されています。当社: 「{ours}」/ 相手方({heading}): 「{theirs}」",
        "en": 'Protected clause \'{title}\' differs from our {template}. Ours: "{ours}" / Theirs ({heading}): "{theirs}"',
    },
    "draft.compare.removed": {
        "ja": "保護条項「{title}」が削除されています({template})。当社: 「{ours}」/ 相手方: (なし)",
        "en": "Protected clause '{title}' was removed ({template}). Ours: \"{ours}\" / Theirs: (none)",
    },
    "draft.compare.summary": {
        "ja": "{template}と比べて、保護条項の変更が{n}件あります。",
        "en": "Compared with our {template}: {n} protected clause(s) changed.",
    },
    "draft.compare.none": {
        "ja": "{template}の保護条項はすべてテンプレートどおりです。",
        "en": "Every protected clause is as in our {template}.",
    },
}
