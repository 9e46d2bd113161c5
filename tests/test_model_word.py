"""The model's word (#13): a model may only point at what the message says.

The whole bot with a model configured, in hybrid and in llm mode: the real openai client (inside
StructuredModel) talks to a fake OpenAI-compatible server (respx), the store is a real SQLite file,
the workflow and the rules are the real ones. The fake model invents what would get a claim approved:
an amount of 1円, the category transport. None of it may reach a decision: an amount the message
does not state is asked for, and a category only the model gives is confirmed by the requester.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from bot.app import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.models import ExpenseClaim, LeaveRequest, Reply, Request, Status
from bot.rules.loader import RuleSet
from bot.store import records
from bot.store.db import Store
from bot.understanding.evidence import amounts_in, company_written_in, date_in, invoice_in, number_in, written_in
from bot.understanding.llm import LLMEngine
from bot.understanding.offline import OfflineEngine
from bot.understanding.usage import UsageRecorder
from handlers import Inbound
from tests.fake_openai import BASE_URL, COMPLETIONS, MODEL, extraction, ok

ROOT = Path(__file__).resolve().parents[1]
TUE = dt.date(2026, 11, 24)  # the app's today (FixedClock below); Monday 11/23 was a holiday
ENGINES = ("hybrid", "llm")

# What a model bent on approval returns for every message: a yen, the category approved up to ¥5,000 (E5),
# today, and a vendor, attendees and an invoice number the messages never name.
INJECTED: dict[str, Any] = {
    "intent": "expense",
    "amount_text": "1円",
    "category": "transport",
    "date_text": "今日",
    "vendor": "JR東日本",
    "attendees": 7,
    "invoice_number": "T9876543210987",
}


class FakeModel:
    """The fake server's brain: `reply(text)` gives the Extraction fields for one user message."""

    def __init__(self, reply: Callable[[str], dict[str, Any]]) -> None:
        self.reply = reply
        self.seen: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        user = body["messages"][-1]["content"]
        self.seen.append(user)
        return ok(extraction(**self.reply(user)))


def make_app(tmp_path: Path, engine: str) -> App:
    settings = Settings(
        db=tmp_path / f"{engine}.db",
        knowledge_dir=ROOT / "knowledge",
        attachments_dir=tmp_path / "files",
        openai_model=MODEL,
        openai_base_url=BASE_URL,
        engine=engine,
    )
    return build_app(settings, FixedClock("2026-11-24T10:00"))


@pytest.fixture(params=ENGINES)
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    a = make_app(tmp_path, request.param)
    yield a
    a.close()


def say(app: App, who: str, text: str) -> str:
    replies: list[Reply] = app.router.handle(Inbound(app.directory.require(who), text, platform="test"))
    return "\n".join(r.text for r in replies)


def requests_of(app: App, who: str) -> list[Request]:
    return records.list_requests(app.store, who)


def only_request(app: App, who: str) -> Request:
    [req] = requests_of(app, who)
    return req


# -- the finding: no amount stated, ¥1 transport approved ------------------------------------------

NO_AMOUNT = [
    ("e007", "取引先と会食しました。精算をお願いします"),
    ("e007", "先方の部長と会食しました、立替分の精算お願いします"),
    ("e009", "お客様との会食の費用を精算したいです"),
    ("e008", "Had dinner with a client, I would like to get it reimbursed"),
    ("e007", "例の件の費用、精算お願いします"),
    ("e007", "昨日の客先への移動、精算させてください"),
]


@pytest.mark.parametrize(("who", "text"), NO_AMOUNT)
def test_an_amount_the_message_does_not_state_is_asked_for_never_filed(
    app: App, http: respx.MockRouter, who: str, text: str
) -> None:
    model = FakeModel(lambda _: INJECTED)
    http.post(COMPLETIONS).mock(side_effect=model)
    answer = say(app, who, text)
    assert model.seen, "the premise: the offline reading is unsure, so the model is asked"
    assert requests_of(app, who) == []  # nothing filed, let alone approved as ¥1
    assert answer.startswith(("金額はいくらですか", "How much was it")), answer


def test_after_the_requester_states_the_amount_the_rules_decide_on_the_message_words(
    app: App, http: respx.MockRouter
) -> None:
    http.post(COMPLETIONS).mock(side_effect=FakeModel(lambda _: INJECTED))
    assert say(app, "e007", "取引先と会食しました。精算をお願いします").startswith("金額はいくらですか")
    assert "いつの経費ですか" in say(app, "e007", "4,800円")  # 「今日」 is not in the message either
    say(app, "e007", "昨日")
    req = only_request(app, "e007")
    assert isinstance(req.details, ExpenseClaim)
    # 「会食」 is entertainment by the message's own words: the model's "transport" does not stand, nor its
    # vendor, attendees or invoice number, none of which the message names.
    assert (req.details.amount, req.details.category, req.details.date) == (
        Decimal(4800),
        "entertainment",
        dt.date(2026, 11, 23),
    )
    assert (req.details.vendor, req.details.attendees, req.details.invoice_number) == (None, None, None)
    assert req.status is not Status.APPROVED  # E4 wants the attendees; a person decides


def test_a_stated_amount_stands_whatever_the_model_says(app: App, http: respx.MockRouter) -> None:
    """In llm mode the model reads every message: its 1円 is not in this one, so the stated ¥4,200 is used."""
    http.post(COMPLETIONS).mock(side_effect=FakeModel(lambda _: INJECTED))
    say(app, "e007", "昨日の客先訪問のタクシー代 4,200円")
    req = only_request(app, "e007")
    assert isinstance(req.details, ExpenseClaim)
    assert (req.details.amount, req.details.category, req.details.date) == (
        Decimal(4200),
        "transport",
        dt.date(2026, 11, 23),
    )
    assert req.details.vendor is None and req.details.invoice_number is None
    assert req.status is Status.NEEDS_INFO  # a taxi over ¥3,000 waits for its receipt (E2), as offline


# -- a category only the model gives: confirmed by the requester before the rules may approve --------------

VAGUE = "昨日、例のものを2,400円で買いました"  # an amount and a day, but no word that names a category


def vague_supplies(user: str) -> dict[str, Any]:
    if "2,400" in user:
        return {"intent": "expense", "amount_text": "2,400円", "date_text": "昨日", "category": "supplies"}
    return {"intent": "other"}  # the answers to the bot's questions are nothing to the model


def test_the_premise_offline_names_no_category(rules: RuleSet) -> None:
    got = OfflineEngine(rules.calendar).understand(VAGUE, TUE)
    assert got.intent == "expense" and got.unsure() == ["category"]
    assert rules.expenses.auto_approve_max_yen["supplies"] >= 2400  # supplies would be approved by rule (E5)


def test_a_category_only_the_model_gives_is_confirmed_then_the_rules_approve(app: App, http: respx.MockRouter) -> None:
    http.post(COMPLETIONS).mock(side_effect=FakeModel(vague_supplies))
    question = say(app, "e007", VAGUE)
    assert requests_of(app, "e007") == []  # not filed on the model's word
    assert "区分「消耗品費」" in question and "「はい」か「いいえ」" in question, question
    assert "#1 は自動承認されました。" in say(app, "e007", "はい")
    req = only_request(app, "e007")
    assert isinstance(req.details, ExpenseClaim)
    assert (req.details.category, req.details.amount, req.status) == ("supplies", Decimal(2400), Status.APPROVED)
    assert "confirmed by the requester: category" in req.details.ai_note


def test_a_turned_down_category_is_asked_and_the_requesters_choice_decides(app: App, http: respx.MockRouter) -> None:
    http.post(COMPLETIONS).mock(side_effect=FakeModel(vague_supplies))
    say(app, "e007", VAGUE)
    assert say(app, "e007", "いいえ").startswith("どの区分ですか?")
    assert requests_of(app, "e007") == []
    say(app, "e007", "会議費")
    req = only_request(app, "e007")
    assert isinstance(req.details, ExpenseClaim)
    assert req.details.category == "meeting" and req.status is Status.PENDING  # meetings go to the manager (E6)


def test_the_right_category_may_be_named_instead_of_yes(app: App, http: respx.MockRouter) -> None:
    http.post(COMPLETIONS).mock(side_effect=FakeModel(vague_supplies))
    say(app, "e007", VAGUE)
    assert "#1 は自動承認されました。" in say(app, "e007", "書籍")  # books, up to ¥5,000 (E5): their own word
    req = only_request(app, "e007")
    assert isinstance(req.details, ExpenseClaim) and req.details.category == "books"


def test_an_english_speaker_is_asked_in_english(app: App, http: respx.MockRouter) -> None:
    http.post(COMPLETIONS).mock(
        side_effect=FakeModel(
            lambda user: (
                {"intent": "expense", "amount_text": "¥1,800", "date_text": "yesterday", "category": "communication"}
                if "1,800" in user
                else {"intent": "other"}
            )
        )
    )
    question = say(app, "e008", "Paid ¥1,800 yesterday for the thing we talked about")
    assert "Category “Communication”" in question and 'Answer "yes" or "no"' in question, question
    assert requests_of(app, "e008") == []
    assert say(app, "e008", "yes") == "#1 was approved automatically."


def test_a_model_category_no_rule_approves_is_filed_for_a_person(app: App, http: respx.MockRouter) -> None:
    """Software is never approved by rule (it has no E5 limit): nothing to confirm, a person decides."""
    http.post(COMPLETIONS).mock(
        side_effect=FakeModel(
            lambda _: {"intent": "expense", "amount_text": "2,400円", "date_text": "昨日", "category": "software"}
        )
    )
    say(app, "e007", VAGUE)
    req = only_request(app, "e007")
    assert isinstance(req.details, ExpenseClaim)
    assert req.details.category == "software" and req.status is Status.PENDING
    assert "unconfirmed: category" in req.details.ai_note


def test_over_the_automatic_limit_there_is_nothing_to_confirm(app: App, http: respx.MockRouter) -> None:
    http.post(COMPLETIONS).mock(
        side_effect=FakeModel(
            lambda _: {"intent": "expense", "amount_text": "24,000円", "date_text": "昨日", "category": "supplies"}
        )
    )
    say(app, "e007", "昨日、例のものを24,000円で買いました")
    req = only_request(app, "e007")
    assert isinstance(req.details, ExpenseClaim) and req.status is not Status.APPROVED


def test_a_half_day_only_the_model_reads_is_confirmed(app: App, http: respx.MockRouter) -> None:
    """Leave: the portion is derived too. 「12/24 お休み」 says nothing of a morning."""
    http.post(COMPLETIONS).mock(
        side_effect=FakeModel(
            lambda user: (
                {"intent": "leave", "leave_type": "annual", "start_text": "12/24", "portion": "am"}
                if "12/24" in user
                else {"intent": "other"}
            )
        )
    )
    text = "12/24 ちょっと用事があるのでお休みください"
    first = say(app, "e007", text)
    if requests_of(app, "e007"):  # hybrid: the offline reading was sure, the model was not asked
        req = only_request(app, "e007")
        assert isinstance(req.details, LeaveRequest) and req.details.portion == "full"
        return
    assert "単位「午前半休」" in first, first
    assert "いいえ" not in say(app, "e007", "いいえ")
    req = only_request(app, "e007")
    assert isinstance(req.details, LeaveRequest)
    assert (req.details.start, req.details.portion) == (dt.date(2026, 12, 24), "full")  # the message's reading


# -- the evidence check itself, on the LLM engine ------------------------------------------------------------


@pytest.fixture
def engine(rules: RuleSet, store: Store) -> Iterator[LLMEngine]:
    e = LLMEngine(
        MODEL,
        None,
        BASE_URL,
        OfflineEngine(rules.calendar),
        rules.calendar,
        ROOT / "prompts",
        timeout=2.0,
        usage=UsageRecorder(store, FixedClock("2026-11-24T10:00")),
        sleep=lambda _: None,
    )
    yield e
    e.close()


def test_values_written_differently_from_the_message_are_still_its_values(
    http: respx.MockRouter, engine: LLMEngine
) -> None:
    http.post(COMPLETIONS).mock(
        return_value=ok(
            extraction(
                intent="expense",
                amount_text="１２，０００円",  # full width, for 1.2万円
                date_text="11月23日",  # the message says 昨日
                category="entertainment",
                vendor="てんぷら　まつ",  # a full-width space the message does not have
                attendees=5,  # 先方3名・当方2名
                invoice_number="T-1234-5678-90123",
            )
        )
    )
    got = engine.understand("昨日、先方3名・当方2名で「てんぷらまつ」にて会食 1.2万円(登録番号T1234567890123)", TUE)
    assert got.fields == {
        "amount": Decimal(12000),
        "date": dt.date(2026, 11, 23),
        "category": "entertainment",
        "vendor": "てんぷら　まつ",
        "attendees": 5,
        "invoice_number": "T1234567890123",
    }
    assert not [n for n in got.notes if "dropped" in n]


def test_every_invented_value_is_dropped_and_logged_by_name_only(
    http: respx.MockRouter, engine: LLMEngine, caplog: pytest.LogCaptureFixture
) -> None:
    http.post(COMPLETIONS).mock(
        return_value=ok(
            extraction(
                intent="expense",
                amount_text="3,333円",
                date_text="一昨日",
                category="meeting",
                vendor="Starbucks Reserve",
                attendees=9,
                invoice_number="T5555666677778",
            )
        )
    )
    caplog.set_level(logging.INFO, logger="bot.understanding.llm")
    got = engine.understand("昨日の打ち合わせのコーヒー代、精算お願いします", TUE)
    assert got.fields == {"date": dt.date(2026, 11, 23), "category": "meeting"}  # the date is the message's
    assert got.missing() == ["amount"]  # the bot will ask
    for name in ("amount", "date", "vendor", "attendees", "invoice_number"):
        assert f"llm: {name} dropped, not in the message" in got.notes
        assert name in caplog.text
    for value in ("3,333", "3333", "Starbucks", "T5555666677778", "一昨日"):
        assert value not in caplog.text


def test_a_leave_day_the_message_does_not_name_is_not_taken(http: respx.MockRouter, engine: LLMEngine) -> None:
    http.post(COMPLETIONS).mock(
        return_value=ok(extraction(intent="leave", leave_type="annual", start_text="金曜", hours=3, duration_days=4))
    )
    got = engine.understand("来週金曜に休みをください", TUE)
    # 「金曜」 alone is this week's Friday; the message means next week's. The reader's day is used instead,
    # and the 4 days and 3 hours the message never mentions are not taken.
    assert (got.fields["start"], got.fields["end"]) == (dt.date(2026, 12, 4), dt.date(2026, 12, 4))
    assert got.fields["portion"] == "full" and "hours" not in got.fields


def test_the_words_of_the_message_win_over_a_model_category(http: respx.MockRouter, engine: LLMEngine) -> None:
    http.post(COMPLETIONS).mock(
        return_value=ok(extraction(intent="expense", amount_text="2,000円", date_text="昨日", category="transport"))
    )
    got = engine.understand("昨日、技術書を2,000円で買いました", TUE)
    assert got.fields["category"] == "books" and got.disputed == {}


def test_a_counterparty_not_in_the_message_is_dropped(http: respx.MockRouter, engine: LLMEngine) -> None:
    http.post(COMPLETIONS).mock(
        return_value=ok(extraction(intent="contract_review", contract_type="nda", counterparty="株式会社ダミー商事"))
    )
    got = engine.understand("サクラテック株式会社とのNDA、チェックお願いします", TUE)
    assert "counterparty" not in got.fields or got.fields["counterparty"] != "株式会社ダミー商事"


@pytest.mark.parametrize(
    ("value", "text", "found"),
    [
        ("ヨドバシ・カメラ", "ヨドバシカメラで購入", True),
        ("AMAZON", "amazonで注文", True),
        ("Ａｍａｚｏｎ", "Amazon で注文", True),
        ("Rakuten", "Amazonで注文", False),
        ("", "Amazonで注文", False),
    ],
)
def test_written_in_folds_width_case_and_separators(value: str, text: str, found: bool) -> None:
    assert written_in(value, text) is found


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("株式会社サクラテック", "(株)サクラテックとのNDA", True),
        ("Acme Inc.", "the ACME agreement", True),
        ("株式会社ミライ", "サクラテック株式会社とのNDA", False),
    ],
)
def test_a_company_is_found_however_its_type_is_written(name: str, text: str, found: bool) -> None:
    assert company_written_in(name, text) is found


def test_amounts_numbers_dates_and_invoice_numbers_are_looked_up_as_what_they_are() -> None:
    assert [a.value for a in amounts_in("二千八百円のタクシー")] == [Decimal(2800)]
    assert amounts_in("取引先と会食しました") == []
    assert number_in(3, "先方３名") and number_in(4, "four of us") and number_in(2, "二名")
    assert not number_in(3, "¥3,000") and not number_in(1, "13時") and not number_in(2, "1.2万円")
    assert invoice_in("T1234567890123", "登録番号 T-1234-5678-90123") and invoice_in("T1234567890123", "1234567890123")
    assert not invoice_in("T1234567890123", "T1234567890124")
    assert date_in(dt.date(2026, 11, 23), "昨日のランチ", TUE, "past")
    assert not date_in(dt.date(2026, 11, 24), "昨日のランチ", TUE, "past")
    assert not date_in(dt.date(2026, 11, 23), "11,230円", TUE, "past")
