"""Splitting a contract into its articles, whatever numbering style it uses, keeping each article's
number, title and text as written so that a finding can quote "第5条（支払条件）: …"."""

from __future__ import annotations

import pytest

from bot.contracts.clauses import split_clauses


def heads(text: str) -> list[tuple[str, int | None, str, str]]:
    return [(c.kind, c.number, c.heading, c.title) for c in split_clauses(text).clauses]


def test_japanese_articles_with_full_width_numbers_and_brackets() -> None:
    text = (
        "秘密保持契約書\n甲と乙は次のとおり合意する。\n第１条（目的）\n"
        "本契約は…を定める。\n第２条（秘密保持）\n甲及び乙は…"
    )
    contract = split_clauses(text)
    assert contract.title == "秘密保持契約書"
    assert contract.style == "ja"
    assert heads(text) == [
        ("preamble", None, "", ""),
        ("article", 1, "第１条（目的）", "目的"),
        ("article", 2, "第２条（秘密保持）", "秘密保持"),
    ]
    assert contract.clause(2) is not None and contract.clause(2).body == "甲及び乙は…"


def test_kanji_numerals_branch_articles_and_titles_after_a_space() -> None:
    text = (
        "第一条　目的\n本契約は目的を定める。\n第二条 (定義)\n定義する。\n"
        "第二条の二【追加】\n追加する。\n第三条\n本文のみ。"
    )
    assert heads(text) == [
        ("article", 1, "第一条　目的", "目的"),
        ("article", 2, "第二条 (定義)", "定義"),
        ("article", 2, "第二条の二【追加】", "追加"),
        ("article", 3, "第三条", ""),
    ]
    assert split_clauses(text).clauses[2].branch == 2


def test_a_title_on_the_line_above_the_article() -> None:
    text = "（目的）\n第1条 本契約は目的を定める。\n（期間）\n第2条 有効期間は1年間とする。"
    contract = split_clauses(text)
    assert heads(text) == [("article", 1, "第1条（目的）", "目的"), ("article", 2, "第2条（期間）", "期間")]
    assert contract.clauses[0].body == "本契約は目的を定める。"
    assert contract.clauses[1].body == "有効期間は1年間とする。"


def test_cross_references_at_the_start_of_a_line_are_not_headings() -> None:
    """A PDF line may start with "第5条に定める…"; and "第3条" cited out of order is not a heading."""
    text = (
        "第1条（目的）\n本契約は、\n"
        "第5条に定める場合を除き、目的を定める。\n第2条（期間）\n第1条の規定にかかわらず、1年とする。"
    )
    contract = split_clauses(text)
    assert [c.number for c in contract.articles()] == [1, 2]
    assert contract.clauses[0].body == "本契約は、第5条に定める場合を除き、目的を定める。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "AGREEMENT\nArticle 1 (Purpose)\nThe purpose.\nArticle 2. Term\nOne year.\nARTICLE III - Law\nJapan.",
            [("article", 1, "Article 1 (Purpose)", "Purpose"), ("article", 2, "Article 2. Term", "Term"),
             ("article", 3, "ARTICLE III - Law", "Law")],
        ),
        (
            "Section 1. Definitions\nWords.\nSection 1.1 Sub\nStays inside.\nSection 2. Payment\nMoney.",
            [("article", 1, "Section 1. Definitions", "Definitions"), ("article", 2, "Section 2. Payment", "Payment")],
        ),
        (
            "NDA\n1. Definitions\nWords.\n2. Obligations. Each party shall keep secrets.\n3. Term\nTwo years.",
            [("article", 1, "1. Definitions", "Definitions"), ("article", 2, "2. Obligations", "Obligations"),
             ("article", 3, "3. Term", "Term")],
        ),
    ],
    ids=["article", "section", "numbered"],
)  # fmt: skip
def test_english_numbering_styles(text: str, expected: list[tuple[str, int, str, str]]) -> None:
    assert [h for h in heads(text) if h[0] == "article"] == expected


def test_numbered_paragraphs_inside_japanese_articles_do_not_split_them() -> None:
    text = (
        "第1条（解除）\n甲又は乙は、次の場合に解除できる。\n1. 違反したとき\n"
        "2. 破産したとき\n第2条（管轄）\n東京地方裁判所とする。"
    )
    contract = split_clauses(text)
    assert [c.number for c in contract.articles()] == [1, 2]
    assert contract.clauses[0].body == "甲又は乙は、次の場合に解除できる。\n1. 違反したとき\n2. 破産したとき"


def test_wrapped_pdf_lines_are_joined_as_they_read() -> None:
    text = (
        "第1条（支払）\n甲は、毎月末日締め翌月末日\n払いにより支払う。\n"
        "2 乙は、請求書を発行する。\nArticle text that\ncontinues here."
    )
    body = split_clauses(text).clauses[0].body
    assert (
        body
        == "甲は、毎月末日締め翌月末日払いにより支払う。\n2 乙は、請求書を発行する。\nArticle text that continues here."
    )


def test_signature_part_is_its_own_clause() -> None:
    text = (
        "第1条（管轄）\n東京地方裁判所とする。\n"
        "本契約締結の証として、本書2通を作成し、各1通を保有する。\n甲 東京都千代田区"
    )
    contract = split_clauses(text)
    assert [c.kind for c in contract.clauses] == ["article", "closing"]
    assert contract.clauses[0].body == "東京地方裁判所とする。"
    assert contract.clauses[1].name("en") == "Closing part"


def test_page_numbers_from_a_pdf_are_dropped() -> None:
    text = "第1条（目的）\n本契約は、\n- 1 -\n目的を定める。\n2/5\n第2条（期間）\n1年。"
    contract = split_clauses(text, drop_page_numbers=True)
    assert contract.clauses[0].body == "本契約は、目的を定める。"


def test_a_quote_names_the_article_and_cuts_long_sentences() -> None:
    text = "前文です。\n第5条（支払条件）\n" + "甲は" + "あ" * 200 + "翌々月末日払いとする。次の文。"
    contract = split_clauses(text)
    clause = contract.clause(5)
    assert clause is not None
    at = clause.body.index("翌々月")
    quote = clause.quote(at, at + 3, "ja")
    assert quote.startswith("第5条（支払条件）: …")
    assert "翌々月" in quote and quote.endswith("…")
    assert contract.clauses[0].quote(0, 2, "en") == "Preamble: 前文です。"


def test_text_with_no_headings_is_one_preamble() -> None:
    contract = split_clauses("This letter agreement has no numbered clauses. It is short.")
    assert [c.kind for c in contract.clauses] == ["preamble"]
    assert [s.folded.text for s in contract.clauses[0].sentences] == [
        "this letter agreement has no numbered clauses.",
        "it is short.",
    ]


def test_sentences_split_on_japanese_full_stops_but_not_inside_brackets() -> None:
    clause = split_clauses("第1条（定義）\nA社（以下「甲」という。）は、B社と合意する。次に進む。").clauses[0]
    assert [clause.body[s.start : s.end] for s in clause.sentences] == [
        "A社（以下「甲」という。）は、B社と合意する。",
        "次に進む。",
    ]
