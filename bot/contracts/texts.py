"""Every user-facing string of the contract check, in Japanese and English.

Same shape as `bot.i18n.CATALOG`, which merges them: key → {"ja", "en"}, with the same `{blanks}`
in both languages. Ask for them with `bot.i18n.t`.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # -- reading the file ---------------------------------------------------------------------------
    "contract.err.too_large": {
        "ja": "ファイルが大きすぎます({size}MB、上限{limit}MB)。ページを分けるか、本文を貼り付けてください。",
        "en": "The file is too large ({size} MB; the limit is {limit} MB). Split it, or paste the text.",
    },
    "contract.err.unsupported_type": {
        "ja": "このファイル({kind})は契約書として読めません。"
        "PDF、Word(.docx)、テキストファイルで送るか、本文を貼り付けてください。",
        "en": "This file ({kind}) cannot be read as a contract. Send a PDF, a Word file (.docx) or a text file, "
        "or paste the text.",
    },
    "contract.err.image": {
        "ja": "画像ファイル({kind})は文字を読み取れません。"
        "文字を含むPDFかWord(.docx)で送るか、本文を貼り付けてください。",
        "en": "An image ({kind}) has no text to read. Send a PDF with text or a Word file (.docx), or paste the text.",
    },
    "contract.err.legacy_office": {
        "ja": "古い形式のOfficeファイル({kind})は読めません。.docx かPDFで保存し直して送ってください。",
        "en": "Old-format Office files ({kind}) cannot be read. Save it as .docx or PDF and send it again.",
    },
    "contract.err.encrypted": {
        "ja": "ファイルにパスワードが設定されているため読めません。パスワードを解除したファイルを送ってください。",
        "en": "The file is password-protected, so it cannot be read. Please send a copy without the password.",
    },
    "contract.err.scanned_pdf": {
        "ja": "このPDFには文字情報がありません(スキャン画像のみ)。"
        "文字を含むPDFかWord(.docx)を送るか、本文を貼り付けてください。",
        "en": "This PDF has no text layer (it is a scanned image). Send a PDF with text or a Word file (.docx), "
        "or paste the text.",
    },
    "contract.err.corrupt": {
        "ja": "ファイルが壊れているため開けません。元のファイルをもう一度送ってください。",
        "en": "The file is damaged and cannot be opened. Please send the original again.",
    },
    "contract.err.empty": {
        "ja": "契約書の本文が見つかりませんでした。",
        "en": "No contract text was found.",
    },
    # -- status words -------------------------------------------------------------------------------
    "contract.status.ok": {"ja": "問題なし", "en": "OK"},
    "contract.status.warning": {"ja": "注意", "en": "Warning"},
    "contract.status.red_flag": {"ja": "重大", "en": "Red flag"},
    "contract.status.missing": {"ja": "条項なし", "en": "Missing"},
    "contract.not_applicable": {"ja": "対象外", "en": "Not applicable"},
    # -- checklist: any item that only has to be present ---------------------------------------------
    "contract.presence.ok": {"ja": "{item}の条項があります。", "en": "The contract has a clause on {item}."},
    "contract.presence.missing": {
        "ja": "{item}の条項がありません。追加を求めてください。",
        "en": "There is no clause on {item}. Ask for one to be added.",
    },
    # -- liability ------------------------------------------------------------------------------------
    "contract.liability.capped": {
        "ja": "当社の損害賠償責任に上限があります。",
        "en": "Our liability for damages is capped.",
    },
    "contract.liability.unlimited": {
        "ja": "当社が上限なく(又は一切の損害について)賠償責任を負う定めです。上限の設定を求めてください。",
        "en": "We would be liable without limit (or for every loss). Ask for a cap.",
    },
    "contract.liability.scope_only": {
        "ja": "賠償の範囲は限定されていますが、金額の上限がありません。",
        "en": "The kind of damages is limited, but there is no cap on the amount.",
    },
    "contract.liability.no_cap": {
        "ja": "当社も負う損害賠償責任に上限がありません(民法の原則どおり無制限)。",
        "en": "Our liability for damages has no cap (unlimited, as the Civil Code has it).",
    },
    "contract.liability.only_them": {
        "ja": "損害賠償の定めは相手方の責任のみで、当社の責任の上限はありません。",
        "en": "The damages clause covers only the counterparty; nothing caps our liability.",
    },
    "contract.liability.missing": {
        "ja": "損害賠償の条項がありません(当社の責任は無制限になります)。",
        "en": "There is no liability clause (our liability would be unlimited).",
    },
    # -- auto-renewal ---------------------------------------------------------------------------------
    "contract.renewal.none": {"ja": "自動更新の定めはありません。", "en": "The contract does not renew automatically."},
    "contract.renewal.ok": {
        "ja": "自動更新ですが、期間満了の{notice}前までの通知で更新を拒絶できます(基準: {limit}前まで)。",
        "en": "It renews automatically; we can opt out by notice {notice} before the end (standard: {limit}).",
    },
    "contract.renewal.notice_too_long": {
        "ja": "自動更新を止めるには期間満了の{notice}前までに通知が必要です。基準は{limit}前までです。",
        "en": "To stop the renewal we must give notice {notice} before the end; our standard is {limit}.",
    },
    "contract.renewal.no_opt_out": {
        "ja": "自動更新ですが、更新を拒絶する方法の定めがありません。",
        "en": "It renews automatically with no way to opt out.",
    },
    "contract.renewal.only_them": {
        "ja": "自動更新を拒絶できるのは相手方のみです。",
        "en": "Only the counterparty can stop the renewal.",
    },
    "contract.renewal.no_notice": {
        "ja": "自動更新の拒絶の通知期限を読み取れませんでした。確認してください(基準: 満了の{limit}前まで)。",
        "en": "Could not read the notice period to stop the renewal; please check (standard: {limit} before the end).",
    },
    # -- termination ----------------------------------------------------------------------------------
    "contract.termination.mutual": {
        "ja": "解除権は双方にあります。",
        "en": "Both parties may terminate.",
    },
    "contract.termination.only_us": {
        "ja": "解除権は当社にのみあります(当社に有利)。",
        "en": "Only we may terminate (in our favour).",
    },
    "contract.termination.only_them": {
        "ja": "解除できるのは相手方のみです。当社にも同じ解除権を求めてください。",
        "en": "Only the counterparty may terminate. Ask for the same right for us.",
    },
    "contract.termination.convenience_them": {
        "ja": "相手方だけが理由なく(予告により)中途解約できます。",
        "en": "Only the counterparty may end the contract early without cause.",
    },
    "contract.termination.unclear": {
        "ja": "解除の定めはありますが、誰に解除権があるか読み取れませんでした。",
        "en": "There is a termination clause, but who may terminate could not be read.",
    },
    "contract.termination.missing": {
        "ja": "解除の条項がありません。",
        "en": "There is no termination clause.",
    },
    # -- governing law --------------------------------------------------------------------------------
    "contract.governing_law.japan": {"ja": "準拠法は日本法です。", "en": "The governing law is Japanese law."},
    "contract.governing_law.foreign": {
        "ja": "準拠法が日本法ではありません。",
        "en": "The governing law is not Japanese law.",
    },
    "contract.governing_law.missing": {
        "ja": "準拠法の定めがありません(日本法とする定めを求めてください)。",
        "en": "No governing law is stated (ask for Japanese law).",
    },
    # -- jurisdiction ---------------------------------------------------------------------------------
    "contract.jurisdiction.tokyo": {
        "ja": "{court}が専属的合意管轄(又は当社の選択)です。",
        "en": "{court} has exclusive jurisdiction (or is ours to choose).",
    },
    "contract.jurisdiction.our_choice": {
        "ja": "当社の選択により{court}で訴えることができます。",
        "en": "We may choose to sue in {court}.",
    },
    "contract.jurisdiction.not_exclusive": {
        "ja": "{court}が管轄裁判所ですが、専属的合意管轄ではありません(付加的合意)。",
        "en": "{court} is named, but not as the exclusive court.",
    },
    "contract.jurisdiction.other_court": {
        "ja": "管轄裁判所が{court}です(基準: 東京地方裁判所)。",
        "en": "The agreed court is {court} (standard: Tokyo District Court).",
    },
    "contract.jurisdiction.other_court_exclusive": {
        "ja": "{court}が専属的な管轄裁判所とされています(基準: 東京地方裁判所)。",
        "en": "{court} is given exclusive jurisdiction (standard: Tokyo District Court).",
    },
    "contract.jurisdiction.their_seat": {
        "ja": "管轄が相手方の所在地の裁判所です(基準: 東京地方裁判所)。",
        "en": "The court is the one at the counterparty's seat (standard: Tokyo District Court).",
    },
    "contract.jurisdiction.our_seat": {
        "ja": "管轄が当社の所在地の裁判所です。東京地方裁判所と明記するよう求めてください。",
        "en": "The court is the one at our seat; ask for the Tokyo District Court to be named.",
    },
    "contract.jurisdiction.arbitration": {
        "ja": "紛争は仲裁で解決する定めです(基準: 東京地方裁判所)。",
        "en": "Disputes go to arbitration (standard: Tokyo District Court).",
    },
    "contract.jurisdiction.unclear": {
        "ja": "管轄の定めはありますが、裁判所を読み取れませんでした。",
        "en": "There is a jurisdiction clause, but the court could not be read.",
    },
    "contract.jurisdiction.missing": {
        "ja": "合意管轄の定めがありません。",
        "en": "No agreed court is stated.",
    },
    # -- payment --------------------------------------------------------------------------------------
    "contract.payment.ok": {
        "ja": "支払は納品から最長約{days}日以内です(基準: {limit}以内)。",
        "en": "Payment is due at most about {days} days after delivery (standard: within {limit}).",
    },
    "contract.payment.ok_unsure_payer": {
        "ja": "支払期日は最長約{days}日です(基準: {limit}以内)。支払う側は読み取れませんでした。",
        "en": "Payment is due within about {days} days (standard: {limit}); who pays could not be read.",
    },
    "contract.payment.too_late": {
        "ja": "支払期日が納品から最長約{days}日後です。フリーランス法・取適法の{limit}以内を超えます。",
        "en": "Payment may come about {days} days after delivery, beyond the {limit} the Freelance Act "
        "and the Subcontract Act allow.",
    },
    "contract.payment.late_start": {
        "ja": "支払期限(約{days}日)が検収日や請求日から数えられています。法律上は納品(受領)日から{limit}以内です。",
        "en": "The {days}-day payment period runs from acceptance or invoice; the law counts {limit} from delivery.",
    },
    "contract.payment.unreadable": {
        "ja": "支払の定めはありますが、支払期日を読み取れませんでした(基準: 納品から{limit}以内)。",
        "en": "There is a payment clause, but the due date could not be read (standard: {limit} from delivery).",
    },
    "contract.payment.missing": {
        "ja": "支払期日の定めがありません。フリーランス法では書面での明示が必要です(基準: {limit}以内)。",
        "en": "No payment date is stated; the Freelance Act requires it in writing (standard: within {limit}).",
    },
    "contract.payment.not_applicable": {
        "ja": "当社が業務を委託して支払う契約ではないため対象外です。",
        "en": "Not a contract where we commission and pay for work.",
    },
    "contract.payment.we_are_paid": {
        "ja": "当社が支払を受ける側のため対象外です。",
        "en": "We are the party being paid, so this does not apply.",
    },
    # -- intellectual property -------------------------------------------------------------------------
    "contract.ip.vests_in_us": {
        "ja": "成果物の知的財産権は当社に帰属します。",
        "en": "IP in the work product vests in us.",
    },
    "contract.ip.vests_in_them": {
        "ja": "成果物の知的財産権が相手方に帰属(留保)します。当社への帰属を求めてください。",
        "en": "IP in the work product stays with (or goes to) the counterparty. Ask for it to vest in us.",
    },
    "contract.ip.adaptation_rights": {
        "ja": "著作権は当社に移転しますが、著作権法{needs}の権利が明記されていません(同法61条2項により相手方に留保)。",
        "en": "Copyright passes to us, but the rights of Copyright Act art. {needs} are not named, so they stay "
        "with the author (art. 61(2)).",
    },
    "contract.ip.shared": {
        "ja": "知的財産権が共有とされています。",
        "en": "The IP is to be jointly owned.",
    },
    "contract.ip.unclear": {
        "ja": "知的財産権の定めはありますが、誰に帰属するか読み取れませんでした。",
        "en": "There is an IP clause, but whom the rights vest in could not be read.",
    },
    "contract.ip.missing": {
        "ja": "成果物の知的財産権の帰属の定めがありません(著作権は作成者に残ります)。",
        "en": "Nothing says who owns the IP in the work (copyright stays with its author).",
    },
    "contract.ip.not_applicable": {
        "ja": "当社が成果物を委託する契約ではないため対象外です。",
        "en": "Not a contract where we commission work.",
    },
    "contract.ip.we_deliver": {
        "ja": "当社が受託する側のため対象外です。",
        "en": "We are the one doing the work, so this does not apply.",
    },
    # -- confidentiality --------------------------------------------------------------------------------
    "contract.confidentiality.mutual": {
        "ja": "秘密保持義務は双方が負います。",
        "en": "Both parties owe confidentiality.",
    },
    "contract.confidentiality.only_us": {
        "ja": "秘密保持義務を負うのは当社のみです。相互の義務とするよう求めてください。",
        "en": "Only we owe confidentiality. Ask for it to be mutual.",
    },
    "contract.confidentiality.only_them": {
        "ja": "秘密保持義務を負うのは相手方のみです(当社に有利な片務的な定め)。",
        "en": "Only the counterparty owes confidentiality (one-sided, in our favour).",
    },
    "contract.confidentiality.unclear": {
        "ja": "秘密保持の定めはありますが、誰が義務を負うか読み取れませんでした。",
        "en": "There is a confidentiality clause, but who is bound could not be read.",
    },
    "contract.confidentiality.missing": {
        "ja": "秘密保持の条項がありません。",
        "en": "There is no confidentiality clause.",
    },
    # -- non-compete ------------------------------------------------------------------------------------
    "contract.non_compete.none": {"ja": "競業避止の定めはありません。", "en": "There is no non-compete."},
    "contract.non_compete.ok": {
        "ja": "競業避止は契約終了後{period}です(基準: {limit}以内)。",
        "en": "The non-compete lasts {period} after the contract ends (standard: at most {limit}).",
    },
    "contract.non_compete.during_term": {
        "ja": "競業避止は契約期間中に限られます。",
        "en": "The non-compete applies only during the term.",
    },
    "contract.non_compete.too_long": {
        "ja": "当社の競業避止義務が契約終了後{period}続きます(基準: {limit}以内)。",
        "en": "Our non-compete lasts {period} after the contract ends (standard: at most {limit}).",
    },
    "contract.non_compete.no_end": {
        "ja": "当社の競業避止義務に期間の限定がありません(基準: {limit}以内)。",
        "en": "Our non-compete has no end (standard: at most {limit}).",
    },
    "contract.non_compete.only_them": {
        "ja": "競業避止義務を負うのは相手方のみです。",
        "en": "Only the counterparty is bound by the non-compete.",
    },
    "contract.non_compete.unclear": {
        "ja": "競業避止の定めはありますが、期間を読み取れませんでした(基準: {limit}以内)。",
        "en": "There is a non-compete, but its length could not be read (standard: at most {limit}).",
    },
    # -- the AI's reading (optional) --------------------------------------------------------------------
    "contract.ai.discarded": {
        "ja": "AIの判定({status})は、引用した文言が契約書に見つからないため採用していません。",
        "en": "The AI's reading ({status}) was not used: the words it quoted are not in the contract.",
    },
    "contract.ai.milder": {
        "ja": "AIの判定は「{status}」です(参考): {reason}",
        "en": "The AI reads it as '{status}' (for reference): {reason}",
    },
    "contract.ai.adopted": {
        "ja": "AIの判定: {reason}",
        "en": "AI reading: {reason}",
    },
    "contract.ai.failed": {
        "ja": "AIによる確認はできませんでした。規程の判定のみを示しています。",
        "en": "The AI check did not run; the rules' reading alone is shown.",
    },
    # -- stamp duty (C4) ---------------------------------------------------------------------------------
    "contract.stamp.due": {
        "ja": "印紙税は{duty}です({klass}、{basis})。",
        "en": "Stamp duty is {duty} ({klass}; {basis}).",
    },
    "contract.stamp.due_reduced": {
        "ja": "印紙税は{duty}です({klass}、{basis}、{reduced}を適用)。",
        "en": "Stamp duty is {duty} ({klass}; {basis}; {reduced} applies).",
    },
    "contract.stamp.basis_amount": {"ja": "記載金額{amount}", "en": "stated amount {amount}"},
    "contract.stamp.basis_no_amount": {"ja": "契約金額の記載なし", "en": "no amount stated"},
    "contract.stamp.basis_flat": {"ja": "定額", "en": "flat rate"},
    "contract.stamp.this_type": {"ja": "この種類の契約書", "en": "contract of this type"},
    "contract.stamp.exempt_small": {
        "ja": "記載金額{amount}は{limit}未満のため、印紙税はかかりません({klass})。",
        "en": "No stamp duty: the stated amount {amount} is under {limit} ({klass}).",
    },
    "contract.stamp.exempt_short": {
        "ja": "契約期間が{months}か月以内で更新の定めがないため、第7号文書に当たらず印紙税はかかりません。",
        "en": "No stamp duty: a term of {months} months or less with no renewal is not a Class 7 document.",
    },
    "contract.stamp.not_taxable": {
        "ja": "{type}は印紙税の課税文書ではないため、印紙は不要です。",
        "en": "No stamp duty: a {type} is not a taxable document.",
    },
    "contract.stamp.electronic": {
        "ja": "電子契約のため印紙税はかかりません(課税文書の「作成」に当たらないため。印紙税法基本通達44条)。"
        "ただし、紙の原本を別途交付すると課税されます。",
        "en": "No stamp duty: an electronic contract is not a taxable document 'made' on paper (Stamp Tax Act "
        "basic circular art. 44). Handing over a paper original later would be taxed.",
    },
    "contract.stamp.unknown": {
        "ja": "契約の種類から印紙税の文書区分を判断できませんでした。法務・経理で確認してください。",
        "en": "The stamp-duty class cannot be told from this contract; legal or finance should decide.",
    },
    "contract.stamp.unknown_medium": {
        "ja": "(紙の契約書の場合。電子契約であれば印紙税はかかりません。)",
        "en": "(If signed on paper; an electronic contract owes none.)",
    },
    "contract.stamp.foreign_currency": {
        "ja": "契約金額が外貨建てのため、印紙税の記載金額は円換算が必要です。経理で確認してください。",
        "en": "The amount is in a foreign currency; finance must convert it to yen for the stamp duty.",
    },
    "contract.stamp.no7_reason": {
        "ja": "継続的取引の基本契約で金額の記載がないため第7号文書",
        "en": "a master agreement for continuing business with no amount stated is Class 7",
    },
    # -- the report card ----------------------------------------------------------------------------------
    "contract.card.title": {"ja": "契約書チェック: {name}", "en": "Contract check: {name}"},
    "contract.card.untitled": {"ja": "(表題なし)", "en": "(untitled)"},
    "contract.field.type": {"ja": "契約の種類", "en": "Type"},
    "contract.field.parties": {"ja": "当事者", "en": "Parties"},
    "contract.field.amount": {"ja": "契約金額", "en": "Contract value"},
    "contract.field.term": {"ja": "契約期間", "en": "Term"},
    "contract.field.renewal": {"ja": "自動更新", "en": "Auto-renewal"},
    "contract.field.mutual": {"ja": "相互性(秘密保持)", "en": "Mutual (confidentiality)"},
    "contract.field.stamp": {"ja": "印紙税", "en": "Stamp duty"},
    "contract.field.summary": {"ja": "結果", "en": "Result"},
    "contract.field.source": {"ja": "ファイル", "en": "File"},
    "contract.value.unknown": {"ja": "読み取れず", "en": "not found"},
    "contract.value.unknown_type": {"ja": "判別できず", "en": "could not tell"},
    "contract.value.yes": {"ja": "あり", "en": "yes"},
    "contract.value.no": {"ja": "なし", "en": "no"},
    "contract.value.mutual": {"ja": "相互", "en": "mutual"},
    "contract.value.one_way": {"ja": "片務", "en": "one-way"},
    "contract.value.months": {"ja": "{n}か月", "en": "{n} months"},
    "contract.value.years": {"ja": "{n}年", "en": "{n} years"},
    "contract.value.monthly": {"ja": "{amount}(月額×期間)", "en": "{amount} (monthly fee × term)"},
    "contract.value.annual": {"ja": "{amount}(年額×期間)", "en": "{amount} (yearly fee × term)"},
    "contract.value.total": {"ja": "{amount}(総額)", "en": "{amount} (stated total)"},
    "contract.value.us": {"ja": "{name}(当社)", "en": "{name} (us)"},
    "contract.summary": {
        "ja": "重大 {red}件・注意 {warn}件・問題なし {ok}件",
        "en": "{red} red flags, {warn} warnings, {ok} OK",
    },
    "contract.finding.item": {"ja": "{status}: {title} — {reason}", "en": "{status}: {title}: {reason}"},
    "contract.finding.quote": {"ja": "根拠: {quote}", "en": "Clause: {quote}"},
    "contract.finding.suggestion": {"ja": "修正案: {text}", "en": "Suggested wording: {text}"},
    "contract.finding.suggestion_ai": {
        "ja": "修正案(AIによる下書き・法務が確認してから使ってください): {text}",
        "en": "Suggested wording (drafted by AI; legal to check before use): {text}",
    },
    # -- overall (C1, C3, C5) -----------------------------------------------------------------------------
    "contract.C3.auto": {
        "ja": "相互の秘密保持契約で重大な指摘がないため、規程により承認できます(法務に通知)。",
        "en": "A mutual NDA with no red flag: approved by rule (legal told).",
    },
    "contract.C3.legal": {"ja": "法務の承認が必要です。", "en": "Legal approves this contract."},
    "contract.C3.ceo": {
        "ja": "契約金額が{threshold}以上のため、代表取締役の承認も必要です。",
        "en": "The contract value is {threshold} or more, so the CEO approves too.",
    },
    "contract.C3.amount_unknown": {
        "ja": "契約金額を読み取れませんでした。{threshold}以上の場合は代表取締役の承認も必要です。"
        "法務は承認時に契約金額を添えてください(例: 承認 #番号 yen=12,000,000、金額の定めがなければ yen=0)。",
        "en": "The contract value could not be read; at {threshold} or more the CEO approves too. Legal gives the "
        "value when approving (e.g. approve #id yen=12,000,000, or yen=0 if the contract states none).",
    },
    "contract.C1.value_unread": {
        "ja": "料金の定めはありますが、契約金額を計算できませんでした(月額・年額の料金に対し期間が読み取れない等)。",
        "en": "The contract states a fee, but its value could not be worked out (e.g. a monthly or yearly fee "
        "with no term to multiply it by).",
    },
    "contract.C5.denied": {
        "ja": "相手方「{name}」は取引禁止先リスト(「{listed}」)に載っています。"
        "規程による承認はできず、必ず法務が確認します。",
        "en": "The counterparty '{name}' is on the deny list (as '{listed}'): never approved by rule; legal always "
        "reviews it.",
    },
    "contract.C1.pages_without_text": {
        "ja": "{pages}ページ目に文字情報がないため、そのページは確認できていません。",
        "en": "Page(s) {pages} have no text layer and were not checked.",
    },
    "contract.C1.us_unknown": {
        "ja": "当事者のうちどちらが当社か読み取れませんでした。一方的な条項の判定は慎重に確認してください。",
        "en": "Could not tell which party is us; check one-sided clauses with care.",
    },
    "contract.preamble": {"ja": "前文", "en": "Preamble"},
    "contract.closing": {"ja": "末尾", "en": "Closing part"},
}
