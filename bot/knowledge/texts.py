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
}
