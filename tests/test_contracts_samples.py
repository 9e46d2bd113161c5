"""Whole contracts through the whole check, as a user sends them: pasted, as a PDF and as a Word
file. Each contract has the status a legal-ops reader expects for every checklist item (C2), the
overall booleans the workflow routes on (C3, C5), and the stamp duty (C4)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.contracts import ContractReport, check_contract, read_document, report_card
from bot.rules.loader import RuleSet
from tests.contracts_files import make_docx, make_pdf
from tests.contracts_samples import SAMPLES, Sample

MADE_ON = dt.date(2026, 12, 1)
LIMIT = 10_000_000
FORMATS = ("pasted", "pdf", "docx")


def run(sample: Sample, fmt: str, rules: RuleSet, **kwargs: object) -> ContractReport:
    if fmt == "pasted":
        return check_contract(sample.text, rules, made_on=MADE_ON, **kwargs)  # type: ignore[arg-type]
    data = make_pdf(sample.text) if fmt == "pdf" else make_docx(sample.text)
    document = read_document(data, f"{sample.name}.{fmt}", max_bytes=LIMIT)
    assert document.kind == fmt
    return check_contract(document, rules, made_on=MADE_ON, **kwargs)  # type: ignore[arg-type]


CASES = [pytest.param(s, fmt, id=f"{s.name}-{fmt}") for s in SAMPLES for fmt in FORMATS]


@pytest.mark.parametrize(("sample", "fmt"), CASES)
def test_every_checklist_item_gets_the_expected_status(sample: Sample, fmt: str, rules: RuleSet) -> None:
    report = run(sample, fmt, rules)
    assert report.statuses() == sample.expected


@pytest.mark.parametrize(("sample", "fmt"), CASES)
def test_the_overall_booleans_the_workflow_routes_on(sample: Sample, fmt: str, rules: RuleSet) -> None:
    report = run(sample, fmt, rules)
    assert report.meta.type_key == sample.type_key
    assert report.has_red_flag is sample.has_red_flag
    assert report.is_standard_mutual_nda is sample.standard_nda
    assert report.counterparty_denied is sample.denied
    assert report.needs_ceo is sample.needs_ceo
    assert report.amount_yen == sample.amount_yen
    assert report.auto_approvable is (sample.standard_nda and not sample.denied and not sample.needs_ceo)


@pytest.mark.parametrize(("sample", "fmt"), CASES)
def test_stamp_duty_for_a_paper_original(sample: Sample, fmt: str, rules: RuleSet) -> None:
    report = run(sample, fmt, rules, electronic=False)
    assert report.stamp.status == sample.stamp_status
    assert report.stamp.duty_yen == sample.stamp_yen


@pytest.mark.parametrize(("sample", "fmt"), CASES)
def test_findings_quote_the_clause_they_rest_on(sample: Sample, fmt: str, rules: RuleSet) -> None:
    report = run(sample, fmt, rules)
    for key, words in sample.quotes.items():
        citation = report.item(key).citation
        assert citation is not None, key
        assert words in citation.excerpt, (key, citation.excerpt)
    for key, head in sample.clause_heads.items():
        citation = report.item(key).citation
        assert citation is not None, key
        assert citation.clause_ja == head
        assert citation.text("ja").startswith(f"{head}: ")
    for item in report.items:
        if item.status.value == "missing":
            assert item.citation is None
        elif (item.applicable and item.status.value != "ok") or item.key in sample.quotes:
            assert item.citation is not None, item.key


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_every_red_flag_comes_with_suggested_wording_in_both_languages(sample: Sample, rules: RuleSet) -> None:
    report = check_contract(sample.text, rules, made_on=MADE_ON)
    for item in report.items:
        if item.level == "red_flag":
            assert item.suggestion_ja and item.suggestion_en, item.key
            assert "$" not in item.suggestion_ja + item.suggestion_en, item.key
        else:
            assert not item.suggestion_ja and not item.suggestion_en, item.key


def test_the_japanese_nda_is_read_with_its_parties_term_and_mutuality(rules: RuleSet) -> None:
    report = check_contract(SAMPLES[0].text, rules, made_on=MADE_ON)
    assert [(p.name, p.labels[0], p.is_us) for p in report.meta.parties] == [
        ("Hikari Works株式会社", "甲", True),
        ("株式会社サクラテック", "乙", False),
    ]
    assert report.meta.title == "秘密保持契約書"
    assert report.meta.term_months == 12
    assert report.mutual is True
    assert report.item("renewal").facts["notice"] == {"ja": "1か月", "en": "1 month"}


def test_the_outsourcing_contract_reads_90_days_from_its_cut_off_terms(rules: RuleSet) -> None:
    report = check_contract(SAMPLES[2].text, rules, made_on=MADE_ON)
    payment = report.item("payment")
    assert payment.facts["days"] == 90
    assert (
        payment.explanation("ja") == "支払期日が納品から最長約90日後です。フリーランス法・取適法の60日以内を超えます。"
    )
    assert payment.citation is not None
    assert payment.citation.text("ja") == (
        "第4条（支払条件）: 委託料は、毎月末日締め翌々月末日払いとし、"
        "甲は乙の指定する銀行口座に振り込む方法により支払う。…"
    )
    assert "60日以内" in payment.suggestion_ja and "甲は、乙から成果物" in payment.suggestion_ja
    assert report.meta.amount is not None and report.meta.amount.monthly


def test_an_english_report_card_reads_as_a_legal_user_expects(rules: RuleSet) -> None:
    report = check_contract(SAMPLES[-1].text, rules, made_on=MADE_ON, electronic=True)
    card = report_card(report, "en", request_id=42)
    assert card.title == "Contract check: INDEPENDENT CONTRACTOR AGREEMENT"
    assert card.request_id == 42
    fields = dict(card.fields)
    assert fields["Type"] == "services agreement (業務委託)"
    assert fields["Parties"] == "Hikari Works Co., Ltd. (us) / Shadow Finance LLC"
    assert fields["Contract value"] == "¥2,400,000"
    assert fields["Stamp duty"].startswith("No stamp duty: an electronic contract")
    assert fields["Result"] == "8 red flags, 0 warnings, 2 OK"
    ids = [f.rule_id for f in card.findings]
    assert ids[0] == "C5"  # the deny list comes first: it overrides everything
    assert ids[1:11] == [f"C2.{k}" for k in SAMPLES[-1].expected]
    assert ids[11:] == ["C3", "C4"]
    payment = next(f for f in card.findings if f.rule_id == "C2.payment")
    assert payment.message("en").splitlines() == [
        "Red flag: Payment within 60 days of delivery: Payment may come about 90 days after delivery, beyond the 60 "
        "days the Freelance Act and the Subcontract Act allow.",
        "Clause: Article 2 (Fees and Payment): …Client shall pay each invoice within ninety (90) days after receipt of "
        "the deliverables.",
        "Suggested wording: Client shall pay the fees by bank transfer to the account designated by Contractor by a "
        "due date set as early as possible and in any case within 60 days after Client receives the deliverables (or "
        "the services are performed). Client shall bear the transfer charges.",
    ]
    assert payment.data["status"] == "red_flag"
    denied = card.findings[0]
    assert "Shadow Finance LLC" in denied.message("en") and "合同会社シャドウファイナンス" in denied.message("ja")


def test_a_japanese_card_shows_not_applicable_items_as_such(rules: RuleSet) -> None:
    report = check_contract(SAMPLES[0].text, rules, made_on=MADE_ON)
    card = report_card(report, "ja")
    assert card.title == "契約書チェック: 秘密保持契約書"
    fields = dict(card.fields)
    assert fields["契約の種類"] == "秘密保持契約"
    assert fields["相互性(秘密保持)"] == "相互"
    assert fields["印紙税"] == "秘密保持契約は印紙税の課税文書ではないため、印紙は不要です。"
    payment = next(f for f in card.findings if f.rule_id == "C2.payment")
    assert payment.message("ja").startswith("対象外: 支払期日(納品から60日以内) — ")
    c3 = [f.message("ja") for f in card.findings if f.rule_id == "C3"]
    assert c3 == ["相互の秘密保持契約で重大な指摘がないため、規程により承認できます(法務に通知)。"]
    assert report.rule_ids() == ()


def test_report_to_dict_is_json_ready(rules: RuleSet) -> None:
    import json

    report = check_contract(SAMPLES[3].text, rules, made_on=MADE_ON)
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["needs_ceo"] is True and data["has_red_flag"] is True
    assert {i["rule_id"]: i["status"] for i in data["items"]}["C2.liability"] == "red_flag"
    assert report.rule_ids() == ("C2.liability", "C2.non_compete", "C3")
