# ruff: noqa: E501
# A contract paragraph is one line, as in a Word file.
"""Contracts in wording the checker was not written against (issue #14, part 6): one mechanism each.

Each contract below was written for these tests, in phrasing unlike the suite's samples: the value
from a stated total, a yearly or monthly fee times the term, never a cap or a deposit; renewal said
in the negative; foreign courts in English; parties from an English or Japanese preamble; English
article titles; moral-rights wording in English; stamp-duty class words in any conjugation. The last
tests go through the real router: a contract whose value cannot be read never skips the CEO.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.app import App
from bot.contracts import check_contract
from bot.contracts.checks import articles_cited, court_names
from bot.contracts.clauses import split_clauses
from bot.contracts.extract import find_parties, read_meta
from bot.contracts.report import ContractReport
from bot.contracts.text import fold, stem_pattern
from bot.models import ContractReview, Reply, Status
from bot.rules.loader import RuleSet
from bot.store import records
from handlers import Inbound

MADE_ON = dt.date(2026, 3, 1)

EN_NDA_NO_RENEW = """CONFIDENTIALITY AGREEMENT

This Confidentiality Agreement is made on 3 March 2026 between Bluefin Systems Pte. Ltd., a company incorporated in Singapore (hereinafter "Bluefin"), and Hikari Works K.K., a Japanese company ("Hikari").

1. Definitions
"Confidential Information" means all information disclosed by one party to the other in connection with the proposed collaboration, whether oral or written.

2. Obligations of Confidence
Each party shall keep the Confidential Information of the other party strictly confidential and shall not disclose it to any third party without prior written consent.

3. Damages
A party in breach shall compensate the other for direct damages; provided, however, that the total amount payable by either party under this Agreement shall not exceed JPY 30,000,000.

4. Exclusion of Anti-Social Forces
Each party warrants that it is not an anti-social force, and either party may terminate this Agreement forthwith if the other party breaches this warranty.

5. Term
This Agreement remains effective for one (1) year from the date above. This Agreement shall not renew automatically; any extension requires a written agreement signed by both parties.

6. Termination
Either party may terminate this Agreement by giving thirty (30) days' written notice.

7. Governing Law
This Agreement shall be governed by the laws of Japan.

8. Venue
The parties agree that the Tokyo District Court shall have exclusive jurisdiction over any dispute arising hereunder.
"""

EN_SERVICES_SG = """MASTER CONSULTING SERVICES AGREEMENT

THIS AGREEMENT is entered into by and between Hikari Works K.K. ("Customer") and Lionrock Advisory Pte. Ltd. (hereinafter "Consultant").

Section 1. Scope
Consultant shall perform the advisory services set out in Schedule 1 for Customer.

Section 2. Fees
In consideration of the Services, Customer shall pay Consultant a monthly retainer of JPY 1,500,000 per month, the total fees under this Agreement being JPY 18,000,000 (excluding consumption tax). Customer shall pay each invoice within thirty (30) days after receipt of the deliverables.

Section 3. Deposit
Customer shall pay a security deposit of JPY 50,000,000 upon signing.

Section 4. Limitation of Liability
The liability of Customer for any claim shall be limited to the fees actually paid in the preceding twelve months.

Section 5. Non-Competition
During the term and for two (2) years thereafter, Customer shall not engage, directly or indirectly, in any advisory business similar to the business of Consultant in Singapore.

Section 6. Term and Renewal
This Agreement is valid for twelve (12) months from the Effective Date and will not be renewed unless both parties agree in writing.

Section 7. Termination
Either party may terminate this Agreement upon sixty (60) days' written notice.

Section 8. Confidentiality
Each party shall hold the other party's confidential information in confidence.

Section 9. Governing Law
This Agreement shall be governed by the laws of the Republic of Singapore.

Section 10. Dispute Resolution
Each party irrevocably submits to the exclusive jurisdiction of the courts of Singapore.

Section 11. Anti-Social Forces
Each party represents that it has no relationship with organized crime groups.
"""

EN_DEV_MONTHLY = """SOFTWARE DEVELOPMENT AGREEMENT

This Agreement is made between Hikari Works K.K. ("Client") and Kestrel Code Ltd. (hereinafter "Developer").

Article 1 (Work)
Developer shall complete and deliver the mobile application described in the Specification.

Article 2 (Compensation)
Client shall pay Developer JPY 950,000 per month during the Term. Payment is due within forty-five (45) days after delivery.

Article 3 (Term)
The term of this Agreement shall be twelve (12) months from April 1, 2026. There shall be no automatic renewal.

Article 4 (Ownership of Deliverables)
All copyrights in the deliverables, including the rights under Articles 27 and 28 of the Copyright Act of Japan, shall be assigned to Client upon delivery. Developer shall not exercise any moral rights against Client or its licensees.

Article 5 (Secrecy)
Developer shall keep confidential all information received from Client. Client shall likewise keep confidential Developer's information.

Article 6 (Liability)
Each party's total liability shall not exceed the fees paid under this Agreement.

Article 7 (Termination)
Either party may terminate this Agreement if the other party materially breaches it.

Article 8 (Anti-Social Forces)
Each party confirms that it is not an anti-social force.

Article 9 (Law and Venue)
This Agreement shall be governed by the laws of Japan. The venue for any action shall be the Tokyo District Court, which shall have exclusive jurisdiction.
"""

JA_ANNUAL = """ソフトウェア保守契約書

株式会社みなと情報システム（以下「甲」という。）とHikari Works株式会社（以下「乙」という。）は、次のとおり契約を締結する。

第1条（目的）
乙は、甲のために、甲の基幹システムの保守業務を行い、不具合の修正を完成させる。

第2条（保守料）
甲は、乙に対し、保守料として年額金4,200,000円（消費税別）を支払う。

第3条（契約期間）
本契約の有効期間は、2026年4月1日から3年間とする。本契約は、期間満了により終了し、自動更新しない。

第4条（秘密保持）
甲及び乙は、本契約に関し知り得た相手方の秘密情報を第三者に開示してはならない。

第5条（損害賠償）
乙の損害賠償責任は、甲から受領した保守料の1年分を上限とする。

第6条（反社会的勢力の排除）
甲及び乙は、相手方が反社会的勢力に該当したときは、本契約を直ちに解除することができる。

第7条（解除）
甲又は乙は、相手方に重大な違反があるときは、本契約を解除することができる。

第8条（準拠法・管轄）
本契約は日本法に準拠する。本契約に関する紛争は、東京地方裁判所を第一審の専属的合意管轄裁判所とする。
"""

JA_NOT_RENEWED = """秘密保持契約書

Hikari Works株式会社（以下「甲」という。）及び株式会社あおば総研（以下「乙」という。）は、以下のとおり合意する。

第1条（秘密保持）
甲及び乙は、相手方から開示された秘密情報を厳に秘密として保持し、第三者に開示しない。

第2条（損害賠償）
甲及び乙は、本契約の違反により相手方に生じた損害を、金5,000万円を限度として賠償する。

第3条（反社会的勢力の排除）
甲及び乙は、自らが反社会的勢力でないことを表明し、相手方がこれに反したときは本契約を解除することができる。

第4条（有効期間）
本契約の有効期間は締結日から2年間とし、期間満了後に自動的に更新されるものではない。

第5条（管轄）
本契約は日本法に準拠し、本契約に関する紛争は東京地方裁判所を専属的合意管轄裁判所とする。
"""

# A services contract whose fee is monthly and whose term is never stated: no value can be read.
JA_MONTHLY_NO_TERM = """業務委託契約書

Hikari Works株式会社（以下「甲」という。）と株式会社かもめ企画（以下「乙」という。）は、次のとおり契約を締結する。

第1条（委託業務）
甲は、乙に対し、甲の広報業務を委託する。

第2条（委託料）
甲は、乙に対し、委託料として月額金1,200,000円（消費税別）を、毎月末日締め翌月末日までに支払う。

第3条（反社会的勢力の排除）
甲及び乙は、相手方が反社会的勢力に該当するときは、直ちに本契約を解除することができる。

第4条（管轄）
本契約に関する紛争は、東京地方裁判所を第一審の専属的合意管轄裁判所とする。
"""


def check(text: str, rules: RuleSet, **kwargs: object) -> ContractReport:
    return check_contract(text, rules, made_on=MADE_ON, electronic=False, **kwargs)  # type: ignore[arg-type]


def meta_of(body: str, rules: RuleSet):  # type: ignore[no-untyped-def]
    return read_meta(split_clauses("AGREEMENT\n\n" + body), rules.contracts)


# -- 1. the contract value -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "value", "basis"),
    [
        # A yearly fee (年額金…円) times a term in years.
        (
            "第1条（利用料）\n甲は、利用料として年間金300万円を支払う。\n第2条（有効期間）\n本契約の有効期間は、2026年4月1日から2029年3月31日までとする。",
            9_000_000,
            "annual",
        ),
        # A stated total beside a monthly fee is the value, not the monthly fee.
        ("第1条（委託料）\n委託料は月額金90万円とし、総額は金1,080万円とする。", 10_800_000, "total"),
        (
            "Article 1 (Fees)\nThe aggregate fees payable under this Agreement are JPY 12,000,000.\nArticle 2 (Deposit)\nClient shall deposit JPY 30,000,000.",
            12_000_000,
            "total",
        ),
        # "JPY X per month" times a term given as an English date range or in words.
        (
            "Article 1 (Fees)\nClient shall pay a monthly fee of JPY 800,000.\nArticle 2 (Term)\nThis Agreement shall commence on April 1, 2026 and continue until March 31, 2028.",
            19_200_000,
            "monthly",
        ),
        (
            "Article 1 (Payment)\nIn consideration of the Services, Client shall pay Consultant JPY 400,000 per month for a period of thirty-six (36) months.",
            14_400_000,
            "monthly",
        ),
        (
            "Article 2 (Term)\nThis Agreement shall be effective for a three-year term commencing on the Effective Date.\nArticle 3 (Fees)\nJPY 350,000 a month.",
            12_600_000,
            "monthly",
        ),
        (
            "Article 1 (Fees)\nThe Licensee shall pay an annual licence fee of JPY 2,500,000.\nArticle 2 (Term)\nThe initial term is five (5) years, renewable for successive one-year periods.",
            12_500_000,
            "annual",
        ),
        # A price beside an insurance amount, and a fee beside a cap on damages: the price and the fee.
        (
            "Article 1 (Insurance)\nContractor shall maintain insurance of not less than JPY 100,000,000.\nArticle 2 (Price)\nThe price is JPY 3,000,000.",
            3_000_000,
            "fee",
        ),
        (
            "第1条（委託料）\n甲は乙に対し、委託料として金500万円を支払う。\n第2条（損害賠償）\n乙の責任は金1,000万円を上限とする。",
            5_000_000,
            "fee",
        ),
    ],
)
def test_the_value_is_the_total_or_the_fee_times_the_term(rules: RuleSet, body: str, value: int, basis: str) -> None:
    meta = meta_of(body, rules)
    assert meta.amount is not None, body
    assert (meta.amount.yen, meta.amount.basis) == (value, basis)


@pytest.mark.parametrize(
    "body",
    [
        "第1条（損害賠償）\n甲及び乙は、弁護士費用を含む損害を金1,500万円の範囲で賠償する。",
        "Article 1 (Liquidated Damages)\nContractor shall pay JPY 50,000 per day of delay.",
        "Article 1 (Security)\nCustomer shall pay a security deposit of JPY 50,000,000 upon signing.",
        "Article 4 (Damages)\nThe total amount payable by either party for any breach shall not exceed JPY 30,000,000.",
    ],
)
def test_a_cap_damages_or_a_deposit_is_never_the_value(rules: RuleSet, body: str) -> None:
    assert meta_of(body, rules).amount is None


def test_an_nda_damages_cap_is_not_its_value_and_it_is_still_approved_by_rule(rules: RuleSet) -> None:
    report = check(EN_NDA_NO_RENEW, rules)
    assert report.amount_yen is None and not report.needs_ceo
    assert report.auto_approvable


@pytest.mark.parametrize(
    ("text", "value"),
    [(JA_ANNUAL, 12_600_000), (EN_DEV_MONTHLY, 11_400_000), (EN_SERVICES_SG, 18_000_000)],
    ids=["yearly-x-3-years", "monthly-x-12-months", "total-beside-monthly"],
)
def test_a_value_over_ten_million_read_from_fees_goes_to_the_ceo(rules: RuleSet, text: str, value: int) -> None:
    report = check(text, rules)
    assert report.amount_yen == value and report.needs_ceo


def test_a_monthly_fee_with_no_term_is_a_value_not_read_not_a_small_one(rules: RuleSet) -> None:
    report = check(JA_MONTHLY_NO_TERM, rules)
    assert report.amount_yen is None
    assert report.value_unread and report.value_needed
    assert "contract.C1.value_unread" in [n.key for n in report.notes]


# -- 2. renewal said in the negative -------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "本契約は、期間満了により終了し、自動更新しない。",
        "本契約は、期間満了後に自動的に更新されるものではない。",
        "本契約は自動更新されず、期間の満了をもって終了する。",
        "This Agreement shall not renew automatically.",
        "There shall be no automatic renewal of this Agreement.",
        "This Agreement will not automatically renew at the end of the term.",
        "This Agreement shall not be automatically renewed; any extension needs a signed amendment.",
    ],
)
def test_renewal_in_the_negative_is_no_renewal(rules: RuleSet, sentence: str) -> None:
    body = "第1条（有効期間）\n" + sentence if not sentence[0].isascii() else "Article 1 (Term)\n" + sentence
    report = check(
        "CONTRACT\n\nHikari Works株式会社（以下「甲」という。）と株式会社ナギ（以下「乙」という。）は合意する。\n\n"
        + body,
        rules,
    )
    assert report.item("renewal").status.value == "ok" and not report.auto_renewal, sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "期間満了の1か月前までに甲乙いずれからも自動更新しない旨の通知がないときは、本契約は自動的に更新される。",
        "Unless either party gives notice of non-renewal, this Agreement shall automatically renew for one year.",
    ],
)
def test_a_notice_not_to_renew_is_no_negation_of_the_renewal(rules: RuleSet, sentence: str) -> None:
    body = "第1条（有効期間）\n" + sentence if not sentence[0].isascii() else "Article 1 (Term)\n" + sentence
    report = check(
        "CONTRACT\n\nHikari Works株式会社（以下「甲」という。）と株式会社ナギ（以下「乙」という。）は合意する。\n\n"
        + body,
        rules,
    )
    assert report.auto_renewal, sentence


@pytest.mark.parametrize("text", [EN_NDA_NO_RENEW, JA_NOT_RENEWED], ids=["en", "ja"])
def test_a_clean_mutual_nda_that_does_not_renew_is_approved_by_rule(rules: RuleSet, text: str) -> None:
    report = check(text, rules)
    assert report.item("renewal").status.value == "ok"
    assert report.is_standard_mutual_nda and report.auto_approvable


# -- 3. courts in English ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("Each party irrevocably submits to the exclusive jurisdiction of the courts of Singapore.", "singapore"),
        ("the Singapore courts shall have exclusive jurisdiction", "singapore"),
        ("any dispute shall be brought in the High Court of Singapore", "singapore"),
        ("the state and federal courts located in New York County", "new york county"),
        ("the venue for any action shall be Singapore", "singapore"),
        ("本契約に関する紛争は、シンガポール共和国の裁判所を専属的合意管轄裁判所とする。", "シンガポール共和国"),
    ],
)
def test_courts_are_read_with_their_place(sentence: str, place: str) -> None:
    assert court_names(fold(sentence))[0][1] == place


def test_a_foreign_court_with_exclusive_jurisdiction_is_a_red_flag_saying_so(rules: RuleSet) -> None:
    item = check(EN_SERVICES_SG, rules).item("jurisdiction")
    assert item.status.value == "red_flag" and item.facts["exclusive"] is True
    assert "courts of Singapore" in item.explanation("en")


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("The venue for any action shall be the Tokyo District Court, which shall have exclusive jurisdiction.", "ok"),
        ("The parties submit to the non-exclusive jurisdiction of the Tokyo District Court.", "warning"),
        ("The courts of Japan shall have jurisdiction over any dispute.", "warning"),
    ],
)
def test_tokyo_and_exclusivity_are_read_in_english(rules: RuleSet, sentence: str, status: str) -> None:
    text = (
        'AGREEMENT\n\nThis Agreement is made between Hikari Works K.K. ("Client") and Piper Ltd. ("Vendor").\n\nArticle 1 (Disputes)\n'
        + sentence
    )
    assert check(text, rules).item("jurisdiction").status.value == status


# -- 4. parties from the preamble ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("preamble", "us", "them"),
    [
        (
            'This Services Agreement is made by and between XYZ Ltd., a company organised under the laws of England (hereinafter "Contractor"), and Hikari Works K.K. ("Client").',
            "Client",
            "Contractor",
        ),
        (
            'PARTIES\n(1) Hikari Works Kabushiki Kaisha, whose registered office is at 1-1-1 Marunouchi, Tokyo ("Company"); and\n(2) Maple Leaf Consulting Inc., a Canadian corporation ("Consultant").',
            "Company",
            "Consultant",
        ),
        (
            'Hikari Works K.K. (the "Licensee") and Orbit Soft LLC (the "Licensor") agree as follows.',
            "Licensee",
            "Licensor",
        ),
        (
            'This Agreement is made between Hikari Works, Inc. (hereinafter, "HW") and DataNest Corp. (hereinafter, "DataNest") (each a "Party").',
            "HW",
            "DataNest",
        ),
        (
            "Client: Hikari Works K.K.\nService Provider: Sunrise Cleaning Co., Ltd.\nThe Client and the Service Provider agree as follows.",
            "Client",
            "Service Provider",
        ),
        (
            "委託者 Hikari Works株式会社（以下「委託者」といいます。）と受託者 株式会社ミドリ物流（以下「受託者」といいます。）は、次のとおり契約を締結します。",
            "委託者",
            "受託者",
        ),
        (
            "発注者：Hikari Works株式会社（以下「甲」）\n受注者：有限会社ツバメ工房（以下「乙」）\n甲と乙は、次のとおり契約を締結する。",
            "甲",
            "乙",
        ),
    ],
)
def test_the_parties_and_which_is_us_are_read_from_the_preamble(
    rules: RuleSet, preamble: str, us: str, them: str
) -> None:
    contract = split_clauses(
        "AGREEMENT\n\n" + preamble + "\n\n1. Purpose\nThe purpose is stated.\n\n2. Term\nOne year."
    )
    parties = find_parties(contract, rules.contracts.our_names)
    ours = [p for p in parties if p.is_us]
    theirs = [p for p in parties if not p.is_us]
    assert len(ours) == 1 and ours[0].labels[0] == us
    assert len(theirs) == 1 and theirs[0].labels[0] == them


def test_clauses_naming_only_the_defined_term_are_read_for_the_right_party(rules: RuleSet) -> None:
    text = (
        "SERVICES AGREEMENT\n\n"
        'This Agreement is made by and between Corvid Labs Ltd., a company incorporated in Ireland (hereinafter "Supplier"), and Hikari Works K.K. ("Customer").\n\n'
        "Article 1 (Termination)\nSupplier may terminate this Agreement at any time upon ten (10) days' notice.\n\n"
        "Article 2 (Confidentiality)\nCustomer shall not disclose Supplier's confidential information to any third party.\n"
    )
    report = check(text, rules)
    assert report.meta.us is not None and report.meta.us.labels[0] == "Customer"
    assert report.item("termination").status.value == "red_flag"  # only the counterparty may terminate
    assert report.item("confidentiality").status.value == "red_flag"  # only we are bound


# -- 5. English article titles -------------------------------------------------------------------


def test_a_clause_headed_non_competition_is_read_though_it_never_says_compete(rules: RuleSet) -> None:
    item = check(EN_SERVICES_SG, rules).item("non_compete")
    assert item.status.value == "red_flag" and item.facts["period"]["en"] == "2 years"
    assert item.citation is not None and item.citation.clause_en.startswith("Section 5")


@pytest.mark.parametrize(
    ("title", "sentence", "key", "status"),
    [
        (
            "Limitation of Liability",
            "Neither party's exposure hereunder shall exceed the fees paid in the prior twelve months.",
            "liability",
            "warning",
        ),
        (
            "Governing Law",
            "This Agreement is subject to the laws of the State of California.",
            "governing_law",
            "red_flag",
        ),
        (
            "Anti-Social Forces",
            "Each party represents that neither it nor its officers belong to a criminal organisation.",
            "antisocial",
            "ok",
        ),
        (
            "Secrecy",
            "Each party shall not disclose the other party's information to any third party.",
            "confidentiality",
            "ok",
        ),
    ],
)
def test_english_titles_put_a_clause_on_its_item(
    rules: RuleSet, title: str, sentence: str, key: str, status: str
) -> None:
    text = f'AGREEMENT\n\nThis Agreement is made between Hikari Works K.K. ("Client") and Piper Ltd. ("Vendor").\n\nArticle 1 ({title})\n{sentence}\n'
    item = check(text, rules).item(key)
    assert item.status.value == status
    assert item.citation is not None and title in item.citation.clause_en


# -- 6. moral rights in English ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("including the rights under articles 27 and 28 of the copyright act", {27, 28}),
        ("著作権法第27条及び第28条に定める権利を含む", {27, 28}),
        ("art. 27 and art. 28 of the copyright act", {27, 28}),
        ("sections 27, 28 and 61", {27, 28, 61}),
    ],
)
def test_articles_are_cited_in_either_language(text: str, numbers: set[int]) -> None:
    assert numbers <= articles_cited(fold(text))


def test_english_articles_27_and_28_meet_the_copyright_assignment_standard(rules: RuleSet) -> None:
    item = check(EN_DEV_MONTHLY, rules).item("ip")
    assert (item.status.value, item.reason.key) == ("ok", "contract.ip.vests_in_us")


def test_an_english_assignment_without_them_still_warns(rules: RuleSet) -> None:
    text = EN_DEV_MONTHLY.replace(", including the rights under Articles 27 and 28 of the Copyright Act of Japan,", "")
    assert check(text, rules).item("ip").reason.key == "contract.ip.adaptation_rights"


# -- 7. stamp-duty class words by stem -----------------------------------------------------------


@pytest.mark.parametrize("verb", ["完成させ、納品する", "完成し、引き渡す", "完成する義務を負う", "完成させます"])
def test_a_promised_result_in_any_conjugation_makes_a_class_2_contract(rules: RuleSet, verb: str) -> None:
    text = (
        "業務委託契約書\n\nHikari Works株式会社（以下「甲」という。）と株式会社ナギ（以下「乙」という。）は、次のとおり契約を締結する。\n\n"
        f"第1条（委託業務）\n乙は、甲の指定するシステムを{verb}。\n\n第2条（委託料）\n甲は、乙に対し、委託料として金300万円を支払う。\n"
    )
    stamp = check(text, rules).stamp
    assert (stamp.stamp_class, stamp.duty_yen) == ("no2", 1_000)


def test_stems_do_not_reach_past_the_verb() -> None:
    pattern = stem_pattern(["完成させる"])
    assert pattern.search(fold("成果物を完成した"))
    assert not pattern.search(fold("仕事の完成を保証するものではない"))


# -- 8. safety: an unread value never skips the CEO ----------------------------------------------


def send(app: App, who: str, text: str, files: tuple[str, ...] = ()) -> list[Reply]:
    return app.router.handle(Inbound(app.directory.require(who), text, platform="test", attachments=files))


def file_of(app: App, name: str, text: str) -> str:
    path = Path(app.settings.attachments_dir).parent / "uploads" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def roles(app: App, rid: int = 1) -> list[tuple[str, str]]:
    return [(s.role, s.status) for s in records.get_steps(app.store, rid)]


def test_legal_must_give_an_unread_value_and_the_ceo_step_is_added_from_the_threshold(app: App) -> None:
    replies = send(app, "e007", "/contract 紙", (file_of(app, "pr.txt", JA_MONTHLY_NO_TERM),))
    req = records.get_request(app.store, 1)
    assert req is not None and isinstance(req.details, ContractReview) and req.status is Status.PENDING
    assert req.details.amount_yen is None
    assert "法務が承認時に金額を確認します" in replies[0].text  # the requester is told, in Japanese
    assert roles(app) == [("legal", "pending")]
    # Approving without the value is refused, saying how to give it; nothing moves.
    refused = send(app, "e005", "/approve 1")
    assert "契約金額を添えて承認してください" in refused[0].text and "yen=" in refused[0].text
    assert roles(app) == [("legal", "pending")]
    # With a value of ¥14,400,000 (a year at ¥1.2M a month) the CEO step is added after legal.
    send(app, "e005", "/approve 1 yen=14,400,000")
    req = records.get_request(app.store, 1)
    assert req is not None and req.status is Status.PENDING and isinstance(req.details, ContractReview)
    assert req.details.amount_yen == 14_400_000
    assert roles(app) == [("legal", "approved"), ("ceo", "pending")]
    assert any(f.rule_id == "C3" and "代表取締役" in f.message_ja for f in req.decision.findings)  # type: ignore[union-attr]
    send(app, "e001", "/approve 1")
    req = records.get_request(app.store, 1)
    assert req is not None and req.status is Status.APPROVED
    actions = [row["action"] for row in app.store.query("SELECT action FROM audit_log ORDER BY id")]
    assert "request.contract_value_set" in actions  # who gave the value is on the record
    assert app.store.verify_audit().ok


def test_a_value_under_the_threshold_given_by_legal_needs_no_ceo(app: App) -> None:
    send(app, "e007", "/contract 紙", (file_of(app, "pr.txt", JA_MONTHLY_NO_TERM),))
    send(app, "e005", "/approve 1 金額=3,600,000")
    req = records.get_request(app.store, 1)
    assert req is not None and req.status is Status.APPROVED
    assert roles(app) == [("legal", "approved")]


def test_the_value_asked_for_in_english_too(app: App) -> None:
    emily = app.directory.require("e008")
    assert emily.locale == "en"
    path = file_of(app, "c.txt", JA_MONTHLY_NO_TERM)
    replies = app.router.handle(Inbound(emily, "/contract paper", platform="test", attachments=(path,)))
    assert "legal confirms it when approving" in replies[0].text
    refused = send(app, "e005", "/approve 1")
    assert refused and "yen=" in refused[0].text


def test_a_requester_s_value_needs_no_question(app: App) -> None:
    send(app, "e007", "/contract 紙 amount=12,000,000", (file_of(app, "pr.txt", JA_MONTHLY_NO_TERM),))
    assert roles(app) == [("legal", "pending"), ("ceo", "waiting")]
    send(app, "e005", "/approve 1")  # no value asked for: the requester gave one
    assert roles(app) == [("legal", "approved"), ("ceo", "pending")]


def test_an_nda_whose_fee_cannot_be_valued_is_not_approved_by_rule(app: App) -> None:
    # A clean mutual NDA, except that it charges a monthly fee for a data room and states no term.
    text = JA_NOT_RENEWED.replace(
        "本契約の有効期間は締結日から2年間とし、期間満了後に自動的に更新されるものではない。",
        "本契約は自動更新しない。",
    ) + ("\n第6条（利用料）\n甲は、乙に対し、データルームの利用料として月額金2,000,000円を支払う。\n")
    send(app, "e007", "/contract 電子", (file_of(app, "nda.txt", text),))
    req = records.get_request(app.store, 1)
    assert req is not None and req.status is Status.PENDING
    assert roles(app) == [("legal", "pending")]
    send(app, "e005", "/approve 1 yen=24,000,000")
    assert roles(app) == [("legal", "approved"), ("ceo", "pending")]


def test_a_plain_nda_with_no_fee_at_all_is_still_approved_by_rule(app: App) -> None:
    send(app, "e007", "/contract 電子", (file_of(app, "nda.txt", JA_NOT_RENEWED),))
    req = records.get_request(app.store, 1)
    assert req is not None and req.status is Status.APPROVED
