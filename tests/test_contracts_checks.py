"""Each checklist mechanism on the phrasings contracts use: payment cut-offs, notice periods, courts,
non-compete lengths, who a clause binds; plus the deny list (C5) and the CEO threshold (C3)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.contracts import check_contract
from bot.contracts.checks import payment_term
from bot.contracts.report import ContractReport
from bot.contracts.text import fold
from bot.rules.loader import RuleSet

MADE_ON = dt.date(2026, 12, 1)
US_FIRST = (
    "業務委託契約書\n"
    "Hikari Works株式会社（以下「甲」という。）と株式会社ヤマト企画（以下「乙」という。）は、次のとおり合意する。\n"
)
US_SECOND = (
    "業務委託契約書\n"
    "株式会社ヤマト企画（以下「甲」という。）とHikari Works株式会社（以下「乙」という。）は、次のとおり合意する。\n"
)
PAYS = "第1条（委託料）\n甲は、乙に対し、委託料として月額10万円を支払う。\n"


def check(body: str, rules: RuleSet, head: str = US_FIRST, **kwargs: object) -> ContractReport:
    return check_contract(head + body, rules, made_on=MADE_ON, **kwargs)  # type: ignore[arg-type]


# -- payment within 60 days of delivery ------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "days", "late_start"),
    [
        ("毎月末日締め翌月末日払い", 60, False),
        ("月末締め翌々月末払い", 90, False),
        ("毎月20日締め翌月末日払い", 70, False),
        ("毎月末日締め、翌月20日払い", 50, False),
        ("毎月15日締め当月末日払い", 45, False),
        ("毎月二十日締め翌月末日払い", 70, False),
        ("月末締め3か月後の10日払い", 100, False),
        ("納品月の翌月末日までに支払う", 60, False),
        ("検収月の翌月末日までに支払う", 60, True),
        ("納品日から60日以内に支払う", 60, False),
        ("成果物を受領した日から起算して61日以内に支払う", 61, False),
        ("検収完了日から30日以内に支払う", 30, True),
        ("請求書受領後45日以内に支払う", 45, True),
        ("within sixty (60) days after receipt of the deliverables", 60, False),
        ("within 30 days after the date of invoice", 30, True),
        ("payment terms: net 45", 45, True),
    ],
)
def test_payment_terms_are_read_as_the_longest_wait_from_delivery(phrase: str, days: int, late_start: bool) -> None:
    term = payment_term(fold(phrase))
    assert term is not None
    assert (term.days, term.late_start) == (days, late_start)


@pytest.mark.parametrize(
    ("phrase", "status"),
    [
        ("委託料は、毎月末日締め翌月末日払いとする。", "ok"),
        ("委託料は、毎月末日締め翌々月末日払いとする。", "red_flag"),
        ("委託料は、毎月20日締め翌月末日払いとする。", "red_flag"),
        ("甲は、検収完了日から30日以内に委託料を支払う。", "warning"),
        ("甲は、乙と別途協議して定める日に委託料を支払う。", "warning"),
    ],
)
def test_payment_item(rules: RuleSet, phrase: str, status: str) -> None:
    report = check(PAYS + "第2条（支払）\n" + phrase + "\n", rules)
    assert report.item("payment").status.value == status


def test_payment_does_not_apply_when_we_are_the_ones_paid(rules: RuleSet) -> None:
    report = check(PAYS + "第2条（支払）\n委託料は、毎月末日締め翌々月末日払いとする。\n", rules, head=US_SECOND)
    item = report.item("payment")
    assert (item.status.value, item.applicable) == ("ok", False)
    assert item.explanation("en") == "We are the party being paid, so this does not apply."


# -- auto-renewal notice ----------------------------------------------------------------------------

RENEW = (
    "第3条（期間）\n"
    "有効期間は1年間とする。期間満了の{notice}前までに甲乙いずれからも更新しない旨の申出がないときは、同一条件で更新されるものとする。\n"
)


@pytest.mark.parametrize(
    ("notice", "status"),
    [("1か月", "ok"), ("30日", "ok"), ("31日", "ok"), ("１ヶ月", "ok"), ("2週間", "ok"), ("三か月", "red_flag"),
     ("60日", "red_flag"), ("2カ月", "red_flag")],
)  # fmt: skip
def test_renewal_notice_longer_than_one_month_is_a_red_flag(rules: RuleSet, notice: str, status: str) -> None:
    report = check(RENEW.format(notice=notice), rules)
    assert report.item("renewal").status.value == status


def test_renewal_that_only_the_counterparty_can_stop(rules: RuleSet) -> None:
    body = (
        "第3条（期間）\n期間満了の1か月前までに乙から更新しない旨の申出がないときは、同一条件で自動的に更新される。\n"
    )
    assert report_status(check(body, rules), "renewal") == "red_flag"
    assert report_status(check(body, rules, head=US_SECOND), "renewal") == "ok"


def test_renewal_with_no_way_out_and_none_at_all(rules: RuleSet) -> None:
    body = "第3条（期間）\n本契約は、期間満了後も同一条件で自動的に更新されるものとし、以後も同様とする。\n"
    assert report_status(check(body, rules), "renewal") == "red_flag"
    fixed = check("第3条（期間）\n有効期間は1年間とし、更新しない。\n", rules)
    assert report_status(fixed, "renewal") == "ok"
    assert fixed.item("renewal").explanation("ja") == "自動更新の定めはありません。"


def test_english_renewal_notice(rules: RuleSet) -> None:
    head = 'AGREEMENT\nThis Agreement is made between Hikari Works Co., Ltd. ("Client") and Acme Inc. ("Vendor").\n'
    body = (
        "1. Term\nThis Agreement shall automatically renew for successive one-year terms unless either party gives "
        "written notice of non-renewal at least ninety (90) days prior to the end of the term.\n"
    )
    report = check(body, rules, head=head)
    assert report_status(report, "renewal") == "red_flag"
    assert report.item("renewal").facts["notice"] == {"ja": "90日", "en": "90 days"}


def report_status(report: ContractReport, key: str) -> str:
    return report.item(key).status.value


# -- courts and law ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clause", "status"),
    [
        ("東京地方裁判所を第一審の専属的合意管轄裁判所とする。", "ok"),
        ("東京地方裁判所又は東京簡易裁判所を第一審の専属的合意管轄裁判所とする。", "ok"),
        ("東京地方裁判所を第一審の合意管轄裁判所とする。", "warning"),
        ("大阪地方裁判所を第一審の専属的合意管轄裁判所とする。", "red_flag"),
        ("甲の選択により、東京地方裁判所又は大阪地方裁判所を第一審の管轄裁判所とする。", "ok"),
        ("乙の本店所在地を管轄する地方裁判所を第一審の専属的合意管轄裁判所とする。", "red_flag"),
        ("甲の本店所在地を管轄する地方裁判所を第一審の専属的合意管轄裁判所とする。", "warning"),
        ("一切の紛争は、一般社団法人日本商事仲裁協会の仲裁により解決する。", "red_flag"),
    ],
)
def test_jurisdiction(rules: RuleSet, clause: str, status: str) -> None:
    assert report_status(check(f"第9条（管轄）\n{clause}\n", rules), "jurisdiction") == status


@pytest.mark.parametrize(
    ("clause", "status"),
    [
        ("本契約は日本法に準拠する。", "ok"),
        ("本契約の準拠法は日本国法とする。", "ok"),
        ("本契約はシンガポール法に準拠する。", "red_flag"),
        ("本契約は、甲の定める基準に準拠して履行する。", "missing"),
    ],
)
def test_governing_law(rules: RuleSet, clause: str, status: str) -> None:
    assert report_status(check(f"第8条（準拠法）\n{clause}\n", rules), "governing_law") == status


# -- who a clause binds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clause", "status"),
    [
        ("甲及び乙は、相手方の秘密情報を第三者に開示してはならない。", "ok"),
        ("乙は、甲の秘密情報を第三者に開示してはならない。", "ok"),  # only they are bound: in our favour
        ("甲は、乙の秘密情報を第三者に開示してはならない。", "red_flag"),  # only we are bound
    ],
)
def test_confidentiality_direction(rules: RuleSet, clause: str, status: str) -> None:
    assert report_status(check(f"第4条（秘密保持）\n{clause}\n", rules), "confidentiality") == status


@pytest.mark.parametrize(
    ("clause", "status"),
    [
        ("甲又は乙は、相手方が本契約に違反したときは、本契約を解除することができる。", "ok"),
        ("乙は、甲が本契約に違反したときは、本契約を解除することができる。", "red_flag"),
        ("甲は、乙が本契約に違反したときは、本契約を解除することができる。", "ok"),
    ],
)
def test_termination_direction(rules: RuleSet, clause: str, status: str) -> None:
    assert report_status(check(f"第7条（解除）\n{clause}\n", rules), "termination") == status


def test_a_convenience_exit_for_the_counterparty_alone_is_a_warning(rules: RuleSet) -> None:
    body = (
        "第7条（解除）\n甲又は乙は、相手方が本契約に違反したときは、本契約を解除することができる。\n"
        "2 乙は、3か月前までに甲に書面で通知することにより、いつでも本契約を解約することができる。\n"
    )
    assert report_status(check(body, rules), "termination") == "warning"


@pytest.mark.parametrize(
    ("clause", "status"),
    [
        ("甲は、乙に対し、本契約に違反して生じた損害を、受領済みの委託料の額を上限として賠償する。", "ok"),
        ("甲は、乙に生じた一切の損害を賠償する。", "red_flag"),
        ("乙は、甲に生じた一切の損害を賠償する。", "warning"),  # only theirs is stated: ours is uncapped
        ("甲は、乙に生じた損害を賠償する。", "warning"),
        ("甲は、直接かつ現実に生じた通常の損害に限り賠償する。", "warning"),  # kind limited, amount not
        ("甲は、間接損害については一切の責任を負わない。", "warning"),
    ],
)
def test_liability(rules: RuleSet, clause: str, status: str) -> None:
    assert report_status(check(f"第6条（損害賠償）\n{clause}\n", rules), "liability") == status


@pytest.mark.parametrize(
    ("clause", "status"),
    [
        ("甲は、本契約終了後1年間、乙と競合する事業を行わない。", "ok"),
        ("甲は、本契約終了後12か月間、乙と競合する事業を行わない。", "ok"),
        ("甲は、本契約終了後2年間、乙と競合する事業を行わない。", "red_flag"),
        ("甲は、本契約終了後も、乙と競合する事業を行わない。", "red_flag"),
        ("甲は、期間の定めなく、乙と競合する事業を行わない。", "red_flag"),
        ("甲は、本契約の有効期間中、乙と競合する事業を行わない。", "ok"),
        ("乙は、本契約終了後3年間、甲と競合する事業を行わない。", "ok"),  # binds only the counterparty
    ],
)
def test_non_compete(rules: RuleSet, clause: str, status: str) -> None:
    assert report_status(check(f"第10条（競業避止）\n{clause}\n", rules), "non_compete") == status


@pytest.mark.parametrize(
    ("clause", "status"),
    [
        ("成果物の著作権（著作権法第27条及び第28条の権利を含む。）は、甲に帰属する。", "ok"),
        ("成果物の著作権は、甲に帰属する。", "warning"),  # 27条/28条 not named
        ("成果物の知的財産権は、乙に帰属する。", "red_flag"),
        ("成果物に関する一切の権利は乙に留保される。", "red_flag"),
        ("成果物の知的財産権は、甲乙の共有とする。", "warning"),
    ],
)
def test_ip_in_commissioned_work(rules: RuleSet, clause: str, status: str) -> None:
    assert report_status(check(PAYS + f"第5条（知的財産権）\n{clause}\n", rules), "ip") == status


def test_ip_clause_missing_when_we_commission(rules: RuleSet) -> None:
    report = check(PAYS, rules)
    item = report.item("ip")
    assert (item.status.value, item.level) == ("missing", "red_flag")
    assert item.explanation("ja") == "成果物の知的財産権の帰属の定めがありません(著作権は作成者に残ります)。"


# -- which party is us -------------------------------------------------------------------------------


def test_when_our_name_is_not_in_the_contract_the_caller_can_say(rules: RuleSet) -> None:
    head = (
        "業務委託契約書\n"
        "株式会社ヤマト企画（以下「甲」という。）と株式会社ミナト（以下「乙」という。）は、次のとおり合意する。\n"
    )
    body = "第4条（秘密保持）\n甲は、乙の秘密情報を第三者に開示してはならない。\n"
    unknown = check(body, rules, head=head)
    assert unknown.meta.us is None
    assert [n.key for n in unknown.notes] == ["contract.C1.us_unknown"]
    assert report_status(check(body, rules, head=head, our_party="甲"), "confidentiality") == "red_flag"
    assert report_status(check(body, rules, head=head, counterparty="株式会社ミナト"), "confidentiality") == "red_flag"
    assert report_status(check(body, rules, head=head, our_party="乙"), "confidentiality") == "ok"


# -- C3 and C5 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "needs_ceo"), [(9_999_999, False), (10_000_000, True)])
def test_ceo_threshold_is_inclusive(rules: RuleSet, amount: int, needs_ceo: bool) -> None:
    body = f"第1条（委託料）\n甲は、乙に対し、委託料として金{amount:,}円を支払う。\n"
    report = check(body, rules)
    assert report.amount_yen == amount
    assert report.needs_ceo is needs_ceo


def test_the_requesters_amount_wins(rules: RuleSet) -> None:
    report = check(PAYS, rules, amount_yen=12_000_000)
    assert report.amount_yen == 12_000_000 and report.needs_ceo


def test_separately_stated_consumption_tax_is_left_out_of_the_stamp_amount(rules: RuleSet) -> None:
    body = (
        "第1条（委託料）\n"
        "甲は、乙に対し、請負代金として金1,100,000円（うち消費税額等100,000円）を支払う。乙は成果物を完成させる。\n"
    )
    report = check(body, rules, electronic=False)
    assert report.amount_yen == 1_100_000
    assert report.stamp.amount_yen == 1_000_000
    assert report.stamp.duty_yen == 200  # Class 2, ≤ ¥1,000,000; ¥1,100,000 would pay 400


@pytest.mark.parametrize(
    ("head", "counterparty"),
    [
        (
            "契約書\nHikari Works株式会社（以下「甲」という。）と株式会社黒鉄興業（以下「乙」という。）は合意する。\n",
            None,
        ),
        (
            "契約書\nHikari Works株式会社（以下「甲」という。）と黒鉄興業株式会社（以下「乙」という。）は合意する。\n",
            None,
        ),
        (
            "契約書\nHikari Works株式会社（以下「甲」という。）と株式会社ミナト（以下「乙」という。）は合意する。\n",
            "黒鉄興業",
        ),
        ("契約書\n甲と乙は合意する。連帯保証人 株式会社黒鉄興業\n", None),
    ],
    ids=["party", "company-type-after-name", "told-by-requester", "named-anywhere"],
)
def test_deny_listed_counterparty(rules: RuleSet, head: str, counterparty: str | None) -> None:
    report = check(
        "第1条（秘密保持）\n甲及び乙は、相手方の秘密情報を第三者に開示しない。\n",
        rules,
        head=head,
        counterparty=counterparty,
    )
    assert report.counterparty_denied
    assert [d.name for d in report.denied] == ["株式会社黒鉄興業"]
    assert "C5" in report.rule_ids()
    assert not report.auto_approvable


def test_a_denied_mutual_nda_is_never_approvable(rules: RuleSet) -> None:
    from tests.contracts_samples import JA_MUTUAL_NDA

    text = JA_MUTUAL_NDA.replace("株式会社サクラテック", "株式会社黒鉄興業")
    report = check_contract(text, rules, made_on=MADE_ON)
    assert report.is_standard_mutual_nda  # the contract itself is fine…
    assert report.counterparty_denied and not report.auto_approvable  # …but C5 overrides C3


def test_a_fee_in_foreign_currency_leaves_the_stamp_duty_to_finance(rules: RuleSet) -> None:
    head = (
        "SOFTWARE DEVELOPMENT AGREEMENT\n"
        'This Agreement is made between Hikari Works Co., Ltd. ("Client") and Acme Inc. ("Developer").\n'
    )
    body = "1. Fees\nClient shall pay Developer a fee of USD 20,000 for the completed software.\n"
    report = check(body, rules, head=head, electronic=False)
    assert report.meta.type_key == "work"
    assert report.amount_yen is None
    assert (report.stamp.status, report.stamp.duty_yen) == ("unknown", None)
    assert (
        report.stamp.text("en")
        == "The amount is in a foreign currency; finance must convert it to yen for the stamp duty."
    )


SIGNED_ONLY = """業務委託契約書
甲と乙は、次のとおり契約を締結する。
第1条（解除）
乙は、甲が本契約に違反したときは、本契約を解除することができる。
本契約締結の証として本書2通を作成する。
甲　東京都千代田区丸の内一丁目1番1号
　　Hikari Works株式会社　代表取締役　山田 光
乙　大阪府大阪市北区梅田一丁目1番
　　株式会社ナニワ商会　代表取締役　大阪 太郎
"""


def test_parties_named_only_in_the_signature_block(rules: RuleSet) -> None:
    report = check_contract(SIGNED_ONLY, rules, made_on=MADE_ON)
    assert [(p.name, p.labels[0], p.is_us) for p in report.meta.parties] == [
        ("Hikari Works株式会社", "甲", True),
        ("株式会社ナニワ商会", "乙", False),
    ]
    assert report_status(report, "termination") == "red_flag"  # only 乙, the counterparty, may terminate


def test_parties_never_named_can_be_told_by_the_caller(rules: RuleSet) -> None:
    text = SIGNED_ONLY.split("本契約締結の証")[0]
    unknown = check_contract(text, rules, made_on=MADE_ON)
    assert unknown.meta.us is None
    assert [n.key for n in unknown.notes] == ["contract.C1.us_unknown"]
    assert report_status(unknown, "termination") == "warning"  # cannot tell whose right it is
    told = check_contract(text, rules, made_on=MADE_ON, our_party="甲")
    assert report_status(told, "termination") == "red_flag"


@pytest.mark.parametrize(
    "text",
    [
        "秘密保持契約書\n"
        "Hikari Works株式会社（以下「開示者」という。）と株式会社ミナト（以下「受領者」という。）は合意する。\n"
        "第1条（秘密保持）\n受領者は、開示者から開示された秘密情報を厳に秘密として保持し、第三者に開示してはならない。\n",
        'NON-DISCLOSURE AGREEMENT\nThis Agreement is made between Hikari Works Co., Ltd. ("Discloser") and Beta LLC '
        '("Recipient").\n1. Confidentiality\nRecipient shall keep all Confidential Information of Discloser in strict '
        "confidence and shall not disclose it to any third party.\n",
    ],
    ids=["ja", "en"],
)
def test_a_one_way_nda_in_our_favour_is_fine_but_not_a_mutual_nda(rules: RuleSet, text: str) -> None:
    report = check_contract(text, rules, made_on=MADE_ON)
    assert report.meta.type_key == "nda"
    item = report.item("confidentiality")
    assert (item.status.value, item.facts["mutual"]) == ("ok", False)
    assert report.mutual is False
    assert not report.is_standard_mutual_nda  # C3: only a mutual NDA is approved by rule
