"""What the policy-question answers say, in Japanese and English; merged into bot.i18n.CATALOG, asked for with
bot.i18n.t."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "kb.lead": {
        "ja": "{citation}に、次のとおり定められています。",
        "en": "Here is what {citation} says:",
    },
    "kb.lead.faq": {
        "ja": "{citation}の回答です。",
        "en": "From {citation}:",
    },
    "kb.lead.other_language": {
        "ja": "{citation}に、次のとおり定められています(日本語版がないため英語のまま引用します)。",
        "en": "Here is what {citation} says (quoted in Japanese: there is no English version):",
    },
    "kb.see_also": {
        "ja": "関連: {citations}",
        "en": "See also: {citations}",
    },
    "kb.citation": {
        "ja": "{title} {label}「{name}」",
        "en": "{title} {label} ({name})",
    },
    "kb.citation.faq": {
        "ja": "{title} {label}",
        "en": "{title} {label}",
    },
    "kb.unsure": {
        "ja": "規程の中に、この質問への確かな答えが見つかりませんでした。"
        "{team}に質問を引き継ぎます。回答が届いたらお知らせします。",
        "en": "I couldn't find a sure answer to this in the policies. "
        "I'll pass your question to {team} and let you know their answer.",
    },
    "kb.unsure.no_team": {
        "ja": "規程の中に、この質問への確かな答えが見つかりませんでした。"
        "経費は経理、休暇は人事、契約は法務に確認してください。",
        "en": "I couldn't find a sure answer to this in the policies. "
        "Please ask finance (expenses), HR (leave) or legal (contracts).",
    },
    "kb.closest": {
        "ja": "関係がありそうな箇所:",
        "en": "The closest passages:",
    },
    "kb.llm_note": {
        "ja": "(AIが上記の規程をもとに作成した回答です。正式な定めは引用元の規程によります。)",
        "en": "(Drafted by AI from the policies cited; the policies themselves are what count.)",
    },
    "kb.team.finance": {"ja": "経理", "en": "finance"},
    "kb.team.hr": {"ja": "人事", "en": "HR"},
    "kb.team.legal": {"ja": "法務", "en": "legal"},
    "kb.team.admin": {"ja": "管理者", "en": "the admin"},
    # -- questions in chat (handlers/question.py, bot/knowledge/cards.py) ---------------------------
    "kb.q.usage": {
        "ja": "ご質問を続けて書いてください。例: /質問 タクシー代に領収書は必要ですか?",
        "en": "Please type your question after the command, e.g. /ask Do I need a receipt for a taxi?",
    },
    "kb.q.unsure": {
        "ja": "規程の中に、このご質問への確かな答えが見つかりませんでした。"
        "「担当者に聞く」を選ぶと、{team}にご質問をお送りします。",
        "en": "I couldn't find a sure answer to this in the policies. "
        'Choose "Ask a person" and I\'ll send your question to {team}.',
    },
    "kb.q.unavailable": {
        "ja": "申し訳ありません。規程の文書を現在読み込めないため、ご質問にお答えできません。"
        "管理者に連絡済みです。経費・休暇の申請はこれまでどおりご利用いただけます。",
        "en": "Sorry, the policy documents cannot be read right now, so I can't answer questions. "
        "The admins have been told. Expense and leave requests work as usual.",
    },
    "kb.q.card.title": {"ja": "ご質問への回答 Q{id}", "en": "Answer Q{id}"},
    "kb.q.field.source": {"ja": "出典", "en": "Source"},
    "kb.q.field.closest": {"ja": "関係がありそうな箇所", "en": "Closest passages"},
    "kb.q.field.question": {"ja": "質問", "en": "Question"},
    "kb.q.field.answer": {"ja": "回答", "en": "Answer"},
    "kb.q.field.asker": {"ja": "質問者", "en": "Asked by"},
    "kb.q.field.answered_by": {"ja": "回答者", "en": "Answered by"},
    "kb.q.field.bot_found": {"ja": "ボットが見つけた箇所", "en": "What the bot found"},
    "kb.q.action.helpful": {"ja": "👍 役に立った", "en": "👍 Helpful"},
    "kb.q.action.unhelpful": {"ja": "👎 役に立たなかった", "en": "👎 Not helpful"},
    "kb.q.action.ask_person": {"ja": "担当者に聞く", "en": "Ask a person"},
    "kb.q.action.answer": {"ja": "回答する", "en": "Answer"},
    "kb.q.action.save_faq": {"ja": "FAQに登録", "en": "Save as FAQ"},
    # What to send where there are no buttons (Chatwork, a terminal, or Slack before its buttons are wired):
    # plain words, so they work on every platform, Slack's message box included (it takes "/…" for its own).
    "kb.q.typed.helpful": {"ja": "役に立った Q{id}", "en": "helpful Q{id}"},
    "kb.q.typed.unhelpful": {"ja": "役に立たない Q{id}", "en": "unhelpful Q{id}"},
    "kb.q.typed.ask_person": {"ja": "担当者に聞く Q{id}", "en": "ask person Q{id}"},
    "kb.q.typed.answer": {"ja": "回答 Q{id} <回答>", "en": "answer Q{id} <your answer>"},
    "kb.q.typed.save_faq": {"ja": "FAQ登録 Q{id}", "en": "save faq Q{id}"},
    "kb.q.hint": {
        "ja": "ボタンの代わりに、次のように送っても操作できます: {options}",
        "en": "No buttons? Send: {options}",
    },
    "kb.q.bad_id": {
        "ja": "質問番号を指定してください(例: /{command} Q12)。",
        "en": "Please give the question number, e.g. /{command} Q12.",
    },
    "kb.q.not_found": {
        "ja": "Q{id} という質問は見つかりませんでした。",
        "en": "There is no question Q{id}.",
    },
    "kb.q.not_asker": {
        "ja": "Q{id} はご本人の質問ではないため、この操作はできません。",
        "en": "Only the person who asked Q{id} can do that.",
    },
    "kb.q.thanks.helpful": {
        "ja": "Q{id} へのご評価ありがとうございます。今後の回答に役立てます。",
        "en": "Thank you for rating Q{id}; it helps improve the answers.",
    },
    "kb.q.thanks.unhelpful": {
        "ja": "Q{id} へのご評価ありがとうございます。お役に立てず申し訳ありません。",
        "en": "Thank you for rating Q{id}, and I'm sorry it didn't help.",
    },
    "kb.q.offer_person": {
        "ja": "担当者({team})に直接お尋ねすることもできます。",
        "en": "You can also ask a person ({team}).",
    },
    "kb.q.asked": {
        "ja": "Q{id} を{team}にお送りしました。回答が届きましたらお知らせします。",
        "en": "I've sent Q{id} to {team}. I'll let you know when they answer.",
    },
    "kb.q.already_asked": {
        "ja": "Q{id} はすでに{team}にお送りしています。回答が届くまでお待ちください。",
        "en": "Q{id} is already with {team}; their answer will come to you here.",
    },
    "kb.q.already_answered": {
        "ja": "Q{id} には、すでに{by}さんが回答しています。",
        "en": "Q{id} has already been answered by {by}.",
    },
    "kb.q.nobody": {
        "ja": "Q{id} をお送りできる担当者が見つかりませんでした。お手数ですが管理者に直接お問い合わせください。",
        "en": "There is nobody I can send Q{id} to; please contact an admin directly.",
    },
    "kb.q.answer_usage": {
        "ja": "回答を番号のあとに続けて書いてください(例: 回答 Q{id} 取得できます。申請は…)。",
        "en": "Please write the answer after the number, e.g. answer Q{id} Yes, you can…",
    },
    "kb.q.not_team": {
        "ja": "Q{id} は{team}の担当です。回答とFAQ登録は{team}または管理者のみ行えます。",
        "en": "Q{id} belongs to {team}; only {team} or an admin can answer it or save it as an FAQ.",
    },
    "kb.q.admin_only": {
        "ja": "Q{id} への回答とFAQ登録は、管理者のみ行えます。",
        "en": "Only an admin can answer Q{id} or save it as an FAQ.",
    },
    "kb.q.relayed": {
        "ja": "Q{id} への回答を{asker}さんにお届けしました。",
        "en": "Your answer to Q{id} was sent to {asker}.",
    },
    "kb.q.relayed.title": {"ja": "Q{id} 回答済み", "en": "Q{id} answered"},
    "kb.q.faq_needs_answer": {
        "ja": "Q{id} にはまだ担当者の回答がないため、FAQに登録できません。"
        "先に「回答 Q{id} <回答>」で回答してください。",
        "en": "Q{id} has no answer from the team yet, so it can't be saved as an FAQ. Please answer it first "
        'with "answer Q{id} <your answer>".',
    },
    "kb.q.faq_saved": {
        "ja": "Q{id} をFAQに登録しました({citation})。同じご質問には、今後この回答をお返しします。",
        "en": "Saved Q{id} as an FAQ ({citation}). The same question gets this answer from now on.",
    },
    "kb.q.faq_already": {
        "ja": "Q{id} はFAQに登録済みです({citation})。",
        "en": "Q{id} is already saved as an FAQ ({citation}).",
    },
    "kb.q.team.title": {"ja": "質問 Q{id}(担当: {team})", "en": "Question Q{id} (for {team})"},
    "kb.q.team.text": {
        "ja": "{asker}さんから、規程では答えきれなかったご質問が届きました。回答をお願いします。",
        "en": "{asker} asked a question the policies don't answer with certainty. Could you answer it?",
    },
    "kb.q.answered.title": {"ja": "Q{id} への回答", "en": "Answer to Q{id}"},
    "kb.q.answered.text": {
        "ja": "ご質問 Q{id} に、{by}さん({team})から回答が届きました。",
        "en": "{by} ({team}) answered your question Q{id}.",
    },
    "kb.q.broken": {
        "ja": "規程の文書を読み込めないため、規程に関するご質問に回答できない状態です。"
        "ファイルの修正をお願いします(経費・休暇の申請には影響ありません)。\n{problem}",
        "en": "The policy documents cannot be read, so policy questions can't be answered until the file is "
        "fixed (expense and leave requests are not affected).\n{problem}",
    },
    # The Markdown file "Save as FAQ" writes (knowledge/policies/faq-added.<lang>.md).
    "kb.faq_added.title": {
        "ja": "よくある質問(担当者の回答)",
        "en": "Frequently asked questions (answers from the team)",
    },
    "kb.faq_added.preamble": {
        "ja": "規程では答えきれなかった質問に担当チームが回答し、ボットの「FAQに登録」で追記したものです。"
        "正式な定めは各規程によります。",
        "en": "Questions the policies did not answer with certainty, answered by the team that owns them and "
        'added with the bot\'s "Save as FAQ". The policies themselves are what count.',
    },
    "kb.faq_added.source": {
        "ja": "({document}について{team}が回答、{date})",
        "en": "({document}: answered by {team} on {date})",
    },
    "kb.faq_added.source.team": {
        "ja": "({team}が回答、{date})",
        "en": "(Answered by {team} on {date})",
    },
}
