"""The contract check with a real model client (openai inside ChatOpenAI), HTTP faked by respx: the model's
reading counts only with a quote that is in the contract, red flags get wording the model drafted (marked
as the AI's), nothing personal in the contract reaches the wire, and a failing model changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from bot.contracts import ContractReport, ItemStatus, check_contract, report_card
from bot.contracts.ai import ModelDrafter, ModelJudge
from bot.models import Finding
from bot.rules.loader import RuleSet
from bot.store.db import Store
from bot.understanding.structured import StructuredModel
from tests.contracts_samples import JA_MUTUAL_NDA, JA_OUTSOURCING_90
from tests.fake_openai import COMPLETIONS, api_error, ok

MADE_ON = dt.date(2026, 12, 1)
PLACEHOLDER = re.compile(r"\[[A-Z]+(?:_[A-Z]+)*_\d+\]")
PHONE, EMAIL = "03-5432-1098", "k.tanaka@sakura-tech.example.jp"
# The mutual NDA with a notices article naming the counterparty's contact person.
NDA_WITH_CONTACT = JA_MUTUAL_NDA.replace(
    "本契約締結の証として",
    "第１０条（通知）\n"
    f"本契約に関する通知は、乙の担当者田中（電話 {PHONE}、メール {EMAIL}）宛てに書面又は電子メールで行う。\n\n"
    "本契約締結の証として",
)


# -- a fake model server -----------------------------------------------------------------------------


class FakeModel:
    """Answers each request as the model would: a judgement for the items it is told about, a draft
    for each red flag; for any other item it declines (a refusal), so the rules' reading stands."""

    def __init__(self) -> None:
        self.judgements: dict[str, dict[str, str] | Callable[[str], dict[str, str]]] = {}
        self.drafts: dict[tuple[str, str], str | httpx.Response] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        kind = body["response_format"]["json_schema"]["name"]
        system, user = (m["content"] for m in body["messages"])
        rule = re.search(r"\(C2\.([a-z_]+)\)", system)
        assert rule, system
        key = rule.group(1)
        if kind == "judgement":
            found = self.judgements.get(key)
            if found is None:
                return ok(None, refusal="No opinion on this item.")
            return reply(found(user) if callable(found) else found)
        assert kind == "draft", kind
        locale = "ja" if system.startswith("あなたは") else "en"
        draft = self.drafts.get((key, locale), f"DRAFT {key} {locale}")
        return draft if isinstance(draft, httpx.Response) else reply({"wording": draft})


def reply(data: dict[str, Any]) -> httpx.Response:
    return ok(json.dumps(data, ensure_ascii=False))


@pytest.fixture
def fake() -> FakeModel:
    return FakeModel()


@pytest.fixture
def route(http: respx.MockRouter, fake: FakeModel) -> respx.Route:
    return http.post(COMPLETIONS).mock(side_effect=fake)


def check(text: str, rules: RuleSet, model: StructuredModel, locale: str = "ja") -> ContractReport:
    return check_contract(text, rules, made_on=MADE_ON, judge=ModelJudge(model, locale), drafter=ModelDrafter(model))


def finding(report: ContractReport, key: str, locale: str) -> str:
    found: Finding = next(f for f in report_card(report, locale).findings if f.rule_id == f"C2.{key}")
    return found.message(locale)


def requests(route: respx.Route, kind: str) -> list[dict[str, Any]]:
    bodies = [json.loads(c.request.content) for c in route.calls]
    return [b for b in bodies if b["response_format"]["json_schema"]["name"] == kind]


# -- the model's reading -------------------------------------------------------------------------------


def test_a_stricter_reading_with_a_verbatim_quote_is_kept(
    rules: RuleSet, model: StructuredModel, fake: FakeModel, route: respx.Route
) -> None:
    fake.judgements["confidentiality"] = {
        "status": "red_flag",
        "quote": "甲及び乙は、相手方から開示を受けた秘密情報を厳に秘密として保持し",
        "reason": "従業員への開示の範囲が定められていません。",
    }
    report = check(JA_MUTUAL_NDA, rules, model)

    item = report.item("confidentiality")
    assert (item.status, item.level, item.source) == (ItemStatus.RED_FLAG, "red_flag", "llm")
    shown = finding(report, "confidentiality", "ja")
    assert shown.startswith("重大: 秘密保持")
    assert "AIの判定: 従業員への開示の範囲が定められていません。" in shown
    assert "根拠: 第３条（秘密保持義務）: 甲及び乙は、相手方から開示を受けた秘密情報を厳に秘密として保持し" in shown
    # The red flag blocks the automatic approval a standard NDA would otherwise get.
    assert report.has_red_flag and not report.is_standard_mutual_nda
    # Every checklist item was asked about, with the item's own prompt.
    assert len(requests(route, "judgement")) == len(rules.contracts.checklist)


def test_a_reading_whose_quote_is_not_in_the_contract_is_discarded(
    rules: RuleSet, model: StructuredModel, fake: FakeModel, route: respx.Route
) -> None:
    fake.judgements["liability"] = {
        "status": "red_flag",
        "quote": "乙は、甲に対し無制限の損害賠償責任を負う。",
        "reason": "責任が無制限です。",
    }
    report = check(JA_MUTUAL_NDA, rules, model)

    item = report.item("liability")
    assert (item.status, item.source) == (ItemStatus.OK, "rules")
    shown = finding(report, "liability", "ja")
    assert shown.startswith("問題なし: ")
    assert "AIの判定(重大)は、引用した文言が契約書に見つからないため採用していません。" in shown
    assert not report.has_red_flag and report.is_standard_mutual_nda
    assert requests(route, "draft") == []  # no red flag, nothing to draft


def test_an_english_reader_gets_the_english_prompt_and_reason(
    rules: RuleSet, model: StructuredModel, fake: FakeModel, route: respx.Route
) -> None:
    fake.judgements["confidentiality"] = {
        "status": "red_flag",
        "quote": "秘密情報を厳に秘密として保持し",
        "reason": "Disclosure to employees is not addressed.",
    }
    report = check(JA_MUTUAL_NDA, rules, model, locale="en")
    shown = finding(report, "confidentiality", "en")
    assert shown.startswith("Red flag: ") and "AI reading: Disclosure to employees is not addressed." in shown
    system = requests(route, "judgement")[0]["messages"][0]["content"]
    assert system.startswith("You assist the legal team")


# -- personal data ---------------------------------------------------------------------------------------


def test_no_phone_or_email_in_the_contract_reaches_the_model_and_quotes_come_back_restored(
    rules: RuleSet, model: StructuredModel, fake: FakeModel, route: respx.Route
) -> None:
    def quoting_the_notice(user: str) -> dict[str, str]:
        # The model sees placeholders and quotes them back, as it is told it may.
        line = next(x for x in user.splitlines() if x.startswith("本契約に関する通知は"))
        assert PLACEHOLDER.search(line), line
        return {"status": "red_flag", "quote": line, "reason": "通知先が個人です。"}

    fake.judgements["confidentiality"] = quoting_the_notice
    fake.drafts[("confidentiality", "ja")] = "通知は、乙の担当者([EMAIL_1])宛てに行う。"
    report = check(NDA_WITH_CONTACT, rules, model)

    # What legal sees carries the contract's words, contact details included, as written.
    item = report.item("confidentiality")
    assert item.status is ItemStatus.RED_FLAG
    assert item.citation is not None and item.citation.clause_ja == "第１０条（通知）"
    assert EMAIL in item.citation.excerpt and PHONE in item.citation.excerpt
    assert item.suggestion_ja == f"通知は、乙の担当者({EMAIL})宛てに行う。"

    # Nothing the model was sent, judgement or draft, had them.
    assert requests(route, "draft"), "a red flag is drafted, with its clause"
    for call in route.calls:
        raw = call.request.content.decode()
        wire = raw + json.dumps(json.loads(raw), ensure_ascii=False)
        for value in (PHONE, EMAIL, "k.tanaka", "sakura-tech.example.jp", "0354321098"):
            assert value not in wire.replace("-", "") if value.isdigit() else value not in wire, value


# -- drafted wording ---------------------------------------------------------------------------------------


def test_red_flags_get_wording_the_model_drafted_marked_as_the_ais(
    rules: RuleSet, model: StructuredModel, fake: FakeModel, route: respx.Route
) -> None:
    offline = check_contract(JA_OUTSOURCING_90, rules, made_on=MADE_ON)
    fake.drafts[("payment", "ja")] = "委託料は、毎月末日締め翌月末日払いとし、甲は乙の指定する銀行口座に振り込む。"
    fake.drafts[("payment", "en")] = "Fees are payable by the end of the month following the month of delivery."
    report = check(JA_OUTSOURCING_90, rules, model)

    payment = report.item("payment")
    # Drafting never touches a status: the rules' reading is the report's.
    assert report.statuses() == offline.statuses()
    assert (payment.status, payment.source) == (ItemStatus.RED_FLAG, "rules")
    assert payment.ai_drafted == ("ja", "en")
    ja, en = finding(report, "payment", "ja"), finding(report, "payment", "en")
    assert (
        "修正案(AIによる下書き・法務が確認してから使ってください): "
        "委託料は、毎月末日締め翌月末日払いとし、甲は乙の指定する銀行口座に振り込む。"
    ) in ja
    assert (
        "Suggested wording (drafted by AI; legal to check before use): "
        "Fees are payable by the end of the month following the month of delivery."
    ) in en
    assert offline.item("payment").suggestion_ja not in ja  # the template gave way to the draft

    # The model drafts from the template and the clause as written, in the reader's language each time.
    [draft_ja, draft_en] = requests(route, "draft")
    system, user = (m["content"] for m in draft_ja["messages"])
    assert offline.item("payment").suggestion_ja in system and "$" not in system
    assert user.startswith("第4条（支払条件）\n委託料は、毎月末日締め翌々月末日払い")
    assert draft_en["messages"][0]["content"].startswith("You assist the legal team")
    assert offline.item("payment").suggestion_en in draft_en["messages"][0]["content"]
    assert report.to_dict()["items"][6]["ai_drafted"] == ["ja", "en"]


def test_a_draft_that_fails_leaves_the_template_for_that_language(
    rules: RuleSet, model: StructuredModel, fake: FakeModel, route: respx.Route
) -> None:
    offline = check_contract(JA_OUTSOURCING_90, rules, made_on=MADE_ON).item("payment")
    fake.drafts[("payment", "en")] = ok('{"wording": "Fees are payable')  # cut off mid-reply
    fake.drafts[("payment", "ja")] = reply({"wording": "   "})  # nothing said
    report = check(JA_OUTSOURCING_90, rules, model)

    payment = report.item("payment")
    assert payment.ai_drafted == ()
    assert (payment.suggestion_ja, payment.suggestion_en) == (offline.suggestion_ja, offline.suggestion_en)
    assert f"修正案: {offline.suggestion_ja}" in finding(report, "payment", "ja")
    assert f"Suggested wording: {offline.suggestion_en}" in finding(report, "payment", "en")
    assert "AI" not in finding(report, "payment", "en")


def test_a_failing_model_leaves_the_offline_statuses_and_the_template_wording(
    http: respx.MockRouter, rules: RuleSet, model: StructuredModel, store: Store, waits: list[float]
) -> None:
    route = http.post(COMPLETIONS).mock(return_value=api_error(500, "The server had an error", "server_error"))
    offline = check_contract(JA_OUTSOURCING_90, rules, made_on=MADE_ON)
    report = check(JA_OUTSOURCING_90, rules, model)

    assert report.statuses() == offline.statuses()
    assert [i.source for i in report.items] == ["rules"] * len(report.items)
    assert [(i.suggestion_ja, i.suggestion_en, i.ai_drafted) for i in report.items] == [
        (i.suggestion_ja, i.suggestion_en, ()) for i in offline.items
    ]
    assert report_card(report, "ja").findings == report_card(offline, "ja").findings
    # Every item was tried (and retried) and each attempt counted, under its caller's name.
    red_flags = sum(1 for i in offline.items if i.level == "red_flag")
    attempts = model.max_retries + 1
    assert route.call_count == (len(rules.contracts.checklist) + 2 * red_flags) * attempts
    rows = store.query("SELECT engine, count(*) AS n, sum(ok) AS good FROM llm_calls GROUP BY engine ORDER BY engine")
    assert [(r["engine"], r["n"], r["good"]) for r in rows] == [
        ("contract", len(rules.contracts.checklist) * attempts, 0),
        ("contract_draft", 2 * red_flags * attempts, 0),
    ]


def test_a_timeout_is_the_same_as_no_model(
    http: respx.MockRouter, rules: RuleSet, model: StructuredModel, waits: list[float]
) -> None:
    http.post(COMPLETIONS).mock(side_effect=httpx.TimeoutException("timed out"))
    offline = check_contract(JA_OUTSOURCING_90, rules, made_on=MADE_ON)
    report = check(JA_OUTSOURCING_90, rules, model)
    assert report.statuses() == offline.statuses()
    assert report.item("payment").suggestion_ja == offline.item("payment").suggestion_ja
    assert waits == []  # a timeout is not retried: the user has waited long enough
