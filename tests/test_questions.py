"""Policy questions in chat: answered with the passage cited, voted on, handed to the team that owns
them, answered by that team, and kept as an FAQ entry the next asker gets at once.

Real router, real SQLite file, the demo company (knowledge/org.yaml): e001 Yamada (admin), e002 Sato
and e003 Suzuki (finance), e004 Takahashi (HR), e005 Tanaka (legal), e007 Watanabe (an engineer),
e008 Clark (English).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from rich.console import Console as RichConsole

from bot.app import App, build_app
from bot.cards import notification_reply
from bot.cli import main
from bot.clock import FixedClock
from bot.config import Settings
from bot.console import ConsoleChat
from bot.knowledge import Answer, KnowledgeBase, answer_question
from bot.knowledge.service import KnowledgeService
from bot.models import Reply
from bot.store import records
from handlers import Inbound

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "knowledge" / "policies"


@pytest.fixture(scope="module")
def shipped() -> KnowledgeService:
    """The shipped policies indexed once for the module: building the index is the slow part."""
    service = KnowledgeService(POLICIES)
    service.reindex()
    return service


@pytest.fixture
def qa(app: App, shipped: KnowledgeService) -> App:
    app.services.knowledge = shipped
    return app


def say(app: App, who: str, text: str, platform: str = "console") -> list[Reply]:
    person = app.directory.find(who)
    assert person is not None
    return app.router.handle(Inbound(person, text, platform=platform))


def one(replies: list[Reply]) -> Reply:
    assert len(replies) == 1, replies
    return replies[0]


def asked_id(reply: Reply) -> int:
    """The question number from the answer card's actions."""
    assert reply.card is not None and reply.card.actions
    return reply.card.actions[0].request_id


def inbox(app: App, who: str) -> list[Reply]:
    """What `who` is told next, rendered as every front door renders it; then marked delivered."""
    person = app.directory.require(who)
    rows = records.undelivered(app.store, who)
    out = [notification_reply(r["event"], r["request_id"], r["data"], app.services, person) for r in rows]
    records.mark_delivered(app.store, [r["id"] for r in rows], app.services.now_iso())
    return out


def copy_knowledge(tmp_path: Path, policies: tuple[str, ...] | None = None) -> Path:
    """A knowledge folder of our own to edit: the rules and directory, and all or some of the policies."""
    target = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", target, ignore=shutil.ignore_patterns("faq-added.*"))
    if policies is not None:
        for p in (target / "policies").iterdir():
            if p.name not in policies:
                p.unlink()
    return target


def app_on(tmp_path: Path, knowledge: Path) -> App:
    settings = Settings(db=tmp_path / "q.db", knowledge_dir=knowledge, attachments_dir=tmp_path / "files")
    return build_app(settings, FixedClock("2026-11-24T10:00"))


# -- answers -----------------------------------------------------------------------------------


def test_a_confident_answer_quotes_cites_and_offers_a_vote(qa: App) -> None:
    reply = one(say(qa, "e007", "/ask タクシー代に領収書は必要ですか?"))
    assert "¥3,000以上であれば領収書が必要" in reply.text
    card = reply.card
    assert card is not None and card.title == "ご質問への回答 Q1"
    assert card.fields == (("出典", "よくある質問 Q1"),)
    assert [(a.id, a.request_id) for a in card.actions] == [("helpful", 1), ("unhelpful", 1)]
    assert "役に立った Q1 / 役に立たない Q1" in card.footer
    assert card.request_id is None  # not a request: no adapter may look it up as one
    row = records.get_question(qa.store, 1)
    assert row is not None and row.status == "answered" and row.confident and row.citations == ("faq#q1",)
    assert row.owner == "finance" and row.asker_id == "e007" and row.source == "quoted"


def test_an_unsure_answer_says_so_shows_the_closest_passages_and_offers_a_person(qa: App) -> None:
    reply = one(say(qa, "e007", "/質問 育児休業は取れますか?"))
    assert "確かな答えが見つかりませんでした" in reply.text and "人事" in reply.text
    card = reply.card
    assert card is not None
    field, closest = card.fields[0]
    assert field == "関係がありそうな箇所" and closest.startswith("休暇規程 第3条「営業日と休日」")
    # The closest passages are shown with their nearest lines quoted, not only named.
    assert "・休暇規程 第3条「営業日と休日」\n  > " in reply.text
    ask = next(a for a in card.actions if a.id == "ask_person")
    assert ask.style == "primary" and ask.label == "担当者に聞く" and ask.request_id == 1
    assert "担当者に聞く Q1" in card.footer
    row = records.get_question(qa.store, 1)
    assert row is not None and row.status == "unsure" and row.owner == "hr"
    assert row.citations[0] == "leave#第3条"  # the closest, for the team's card


def test_a_question_typed_as_free_text_reaches_the_answer(qa: App) -> None:
    # Slack's /ask passes its words to the router as they are: free text.
    reply = one(say(qa, "e007", "出張の日当はいくら?", platform="slack"))
    assert reply.card is not None and reply.card.title == "ご質問への回答 Q1"
    assert "日当" in reply.text
    # One the engine cannot place, but shaped like a question, is searched too (and can go to a person).
    other = one(say(qa, "e007", "社員旅行の積立はありますか?"))
    assert other.card is not None and any(a.id == "ask_person" for a in other.card.actions)


def test_an_english_question_is_answered_in_english(qa: App) -> None:
    reply = one(say(qa, "e008", "/ask Do I need a receipt for a ¥2,500 taxi?"))
    assert "¥3,000 or more" in reply.text and "領収書" not in reply.text
    assert reply.locale == "en" and reply.card is not None
    assert reply.card.title == "Answer Q1" and reply.card.fields[0][0] == "Source"
    assert "helpful Q1 / unhelpful Q1" in reply.card.footer
    # The language written in wins: a Japanese-speaking colleague asking in English reads English.
    assert one(say(qa, "e007", "/ask Do I need a receipt for a ¥2,500 taxi?")).locale == "en"


def test_a_question_about_ones_own_balance_goes_to_the_balance(qa: App) -> None:
    for text in ("/ask 有給あと何日残ってる?", "有給あと何日残ってる?"):
        reply = one(say(qa, "e007", text))
        assert reply.card is not None and "有給休暇の残日数" in reply.card.title
    assert records.question_stats(qa.store).answered == 0


def test_ask_without_a_question_explains_itself(qa: App) -> None:
    assert "/質問 タクシー代" in one(say(qa, "e007", "/ask")).text
    assert "/ask Do I need" in one(say(qa, "e008", "/ask")).text


def test_a_plain_question_typed_in_the_console_is_answered(qa: App) -> None:
    out = io.StringIO()
    user = qa.directory.require("e007")
    chat = ConsoleChat(
        qa, user, stdin=io.StringIO("出張の日当はいくら?\n/quit\n"), out=RichConsole(file=out, width=200)
    )
    assert chat.run() == 0
    shown = out.getvalue()
    assert "ご質問への回答 Q1" in shown and "旅費規程 第5条「日当」" in shown and "👍 役に立った" in shown


# -- the model path ----------------------------------------------------------------------------


def test_an_answerer_that_raises_falls_back_to_the_quoted_answer(qa: App, shipped: KnowledgeService) -> None:
    def broken(kb: KnowledgeBase, question: str, locale: str | None) -> Answer:
        raise TimeoutError("model down")

    shipped.answerer = broken
    try:
        reply = one(say(qa, "e007", "/ask タクシー代に領収書は必要ですか?"))
    finally:
        shipped.answerer = None
    assert "¥3,000以上であれば領収書が必要" in reply.text
    row = records.get_question(qa.store, 1)
    assert row is not None and row.source == "quoted" and row.confident


def test_an_answerer_that_works_is_used_and_recorded_as_the_models(qa: App, shipped: KnowledgeService) -> None:
    def model(kb: KnowledgeBase, question: str, locale: str | None) -> Answer:
        quoted = answer_question(kb, question, locale)
        return Answer(
            question, quoted.locale, "¥3,000以上なら必要です。", True, quoted.confidence,
            quoted.citations, quoted.quotes, quoted.owner, "llm",
        )  # fmt: skip

    shipped.answerer = model
    try:
        reply = one(say(qa, "e007", "/ask タクシー代に領収書は必要ですか?"))
    finally:
        shipped.answerer = None
    assert reply.text == "¥3,000以上なら必要です。"
    row = records.get_question(qa.store, 1)
    assert row is not None and row.source == "llm"


# -- votes -------------------------------------------------------------------------------------


def test_votes_are_the_askers_the_last_one_counts_and_stats_show_them(
    qa: App, capsys: pytest.CaptureFixture[str]
) -> None:
    say(qa, "e007", "/ask タクシー代に領収書は必要ですか?")
    say(qa, "e007", "/ask 育児休業は取れますか?")
    assert "ご本人の質問ではない" in one(say(qa, "e004", "/helpful Q1")).text
    assert "Only the person who asked Q1" in one(say(qa, "e008", "/unhelpful Q1")).text
    assert "ありがとうございます" in one(say(qa, "e007", "/helpful Q1")).text
    # A 👎 on a confident answer offers a person (the finance team owns receipts).
    down = one(say(qa, "e007", "/役に立たない Q1"))
    assert "経理" in down.text and down.card is not None
    assert [a.id for a in down.card.actions] == ["ask_person"] and "担当者に聞く Q1" in down.card.footer
    say(qa, "e007", "/役に立った Q2")
    row = records.get_question(qa.store, 1)
    assert row is not None and row.feedback == -1  # the last vote wins
    stats = records.question_stats(qa.store)
    assert (stats.answered, stats.confident, stats.helpful, stats.unhelpful) == (2, 1, 1, 1)

    assert main(["--db", qa.settings.db.as_posix(), "--knowledge", str(ROOT / "knowledge"), "stats"]) == 0
    out = capsys.readouterr().out
    assert "Policy questions: 2 answered (50% with confidence)" in out
    assert "👍 helpful: 1  👎 not helpful: 1" in out
    assert "asked a person: 0  answered by the team: 0  saved as FAQ: 0" in out


def test_an_unknown_or_missing_question_number_is_explained(qa: App) -> None:
    assert "Q12" in one(say(qa, "e007", "/helpful Q12")).text
    assert "/helpful Q12" in one(say(qa, "e007", "/helpful")).text
    assert "/askperson Q12" in one(say(qa, "e007", "/askperson とにかく")).text


# -- a person answers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asker", "question", "team", "holders"),
    [
        ("e007", "ホームオフィスの椅子代は経費になりますか?", "経理", {"e002", "e003"}),
        ("e008", "Is there a budget for home office equipment?", "finance", {"e002", "e003"}),
        ("e007", "育児休業は取れますか?", "人事", {"e004"}),
        ("e007", "下請法の対象になりますか?", "法務", {"e005"}),
    ],
)
def test_asking_a_person_sends_the_question_to_the_owning_team(
    qa: App, asker: str, question: str, team: str, holders: set[str]
) -> None:
    qid = asked_id(one(say(qa, asker, f"/ask {question}")))
    someone_else = "e007" if asker == "e008" else "e008"
    refused = one(say(qa, someone_else, f"/askperson Q{qid}")).text
    assert "Only the person who asked" in refused or "ご本人の質問ではない" in refused
    told = one(say(qa, asker, f"/ask-person Q{qid}"))
    assert team in told.text and f"Q{qid}" in told.text
    notified = {r["recipient_id"] for r in qa.store.query("SELECT recipient_id FROM notifications")}
    assert notified == holders
    card = inbox(qa, sorted(holders)[0])[0].card
    assert card is not None and card.title.startswith(f"質問 Q{qid}")
    assert ("質問", question) in card.fields and ("質問者", qa.services.name(asker, "ja")) in card.fields
    assert [(a.id, a.style) for a in card.actions] == [("answer_question", "primary")]
    assert f"回答 Q{qid} <回答>" in card.footer
    # Asked twice: still one card each.
    twice = one(say(qa, asker, f"/担当者に聞く Q{qid}")).text
    assert "すでに" in twice or "already with" in twice
    assert len(qa.store.query("SELECT id FROM notifications")) == len(holders)


def test_the_team_answers_and_the_asker_gets_the_answer(qa: App) -> None:
    say(qa, "e007", "/ask 育児休業は取れますか?")
    say(qa, "e007", "/担当者に聞く Q1")
    inbox(qa, "e004")
    # Neither finance nor the asker answers for HR.
    assert "人事の担当" in one(say(qa, "e003", "/answer Q1 取れます")).text
    assert "人事の担当" in one(say(qa, "e007", "/回答 Q1 取れます")).text
    assert "回答を番号のあとに" in one(say(qa, "e004", "/回答 Q1")).text
    done = one(say(qa, "e004", "/回答 Q1 取得できます。子が1歳になるまでです。申請は人事まで。"))
    assert "渡辺 翔太さんにお届けしました" in done.text
    assert done.card is not None and [a.id for a in done.card.actions] == ["save_faq"]
    assert "FAQ登録 Q1" in done.card.footer
    # A second answer is refused, naming who answered.
    again = one(say(qa, "e001", "/answer Q1 別の回答"))
    assert "高橋 陽子さんが回答しています" in again.text
    told = inbox(qa, "e007")
    assert len(told) == 1 and told[0].to == "e007"
    card = told[0].card
    assert card is not None and ("回答", "取得できます。子が1歳になるまでです。申請は人事まで。") in card.fields
    assert "高橋 陽子" in told[0].text and [a.id for a in card.actions] == ["helpful", "unhelpful"]
    row = records.get_question(qa.store, 1)
    assert row is not None and row.status == "relayed" and row.answered_by == "e004"
    assert "question.answered" in {r["action"] for r in qa.store.query("SELECT action FROM audit_log")}
    assert "育児休業" not in "".join(r["data"] for r in qa.store.query("SELECT data FROM audit_log"))


def test_every_action_can_be_sent_as_plain_words(qa: App) -> None:
    # Chatwork has no buttons and Slack's message box takes "/…" for its own commands: the words work anywhere.
    say(qa, "e007", "育児休業は取れますか?", platform="chatwork")
    assert "人事にお送りしました" in one(say(qa, "e007", "担当者に聞く Q1", platform="chatwork")).text
    inbox(qa, "e004")
    done = one(say(qa, "e004", "回答 Q1 取得できます。\n申請は人事まで。", platform="slack"))
    assert "お届けしました" in done.text
    assert records.get_question(qa.store, 1).relayed_answer == "取得できます。\n申請は人事まで。"  # type: ignore[union-attr]
    assert "ありがとうございます" in one(say(qa, "e007", "役に立った Q1", platform="chatwork")).text
    assert records.get_question(qa.store, 1).feedback == 1  # type: ignore[union-attr]
    say(qa, "e008", "/ask What's the dress code?")
    assert "Thank you for rating Q2" in one(say(qa, "e008", "helpful q2")).text
    # Without a question number it is an ordinary message, not an answer to Q-anything.
    chat = one(say(qa, "e004", "回答ありがとうございます"))
    assert chat.card is None and "お届けしました" not in chat.text
    assert records.question_stats(qa.store).relayed == 1


def test_a_question_nobody_owns_goes_to_the_admins(qa: App) -> None:
    reply = one(say(qa, "e008", "/ask What's the dress code?"))
    assert "the admin" in reply.text
    say(qa, "e008", "/askperson Q1")
    assert {r["recipient_id"] for r in qa.store.query("SELECT recipient_id FROM notifications")} == {"e001"}
    assert "管理者のみ" in one(say(qa, "e004", "/answer Q1 Smart casual")).text
    assert "お届けしました" in one(say(qa, "e001", "/answer Q1 Smart casual.")).text


# -- FAQ ---------------------------------------------------------------------------------------


def test_a_saved_answer_becomes_an_faq_entry_the_same_question_then_gets(tmp_path: Path) -> None:
    knowledge = copy_knowledge(tmp_path)
    app = app_on(tmp_path, knowledge)
    try:
        first = one(say(app, "e007", "育児休業は取れますか?"))
        assert first.card is not None and any(a.id == "ask_person" for a in first.card.actions)
        assert "担当者の回答がない" in one(say(app, "e004", "/FAQ登録 Q1")).text
        say(app, "e007", "/担当者に聞く Q1")
        say(app, "e004", "/回答 Q1 取得できます。子が1歳になるまで、申請により休業できます。")
        assert "人事の担当" in one(say(app, "e003", "/savefaq Q1")).text
        saved = one(say(app, "e004", "/FAQ登録 Q1"))
        assert "FAQに登録しました(よくある質問(担当者の回答) Q1)" in saved.text
        entry = (knowledge / "policies" / "faq-added.ja.md").read_text(encoding="utf-8")
        assert entry.startswith("# よくある質問(担当者の回答)\n")
        assert "## Q1. 育児休業は取れますか?\n\n取得できます。子が1歳になるまで" in entry
        assert "(休暇規程について人事が回答、2026-11-24)" in entry
        assert "登録済み" in one(say(app, "e004", "/FAQ登録 Q1")).text

        again = one(say(app, "e007", "育児休業は取れますか?"))
        assert "子が1歳になるまで" in again.text
        assert again.card is not None and again.card.fields == (("出典", "よくある質問(担当者の回答) Q1"),)
        assert not any(a.id == "ask_person" for a in again.card.actions)
        row = records.get_question(app.store, 2)
        assert row is not None and row.confident and row.citations[0] == "faq-added#q1"
        assert row.owner == "hr"  # the entry names the HR document, so a 👎 still reaches HR
        assert records.get_question(app.store, 1).faq_section == "faq-added#q1"  # type: ignore[union-attr]

        # An English question saved (reworded by the team) goes to the English file with the next number.
        q = asked_id(one(say(app, "e008", "/ask Is there a budget for home office equipment?")))
        say(app, "e008", f"/askperson Q{q}")
        say(app, "e003", f"/answer Q{q} Yes: up to ¥30,000 a year, claimed as supplies.")
        say(app, "e003", f"/savefaq Q{q} Is there a home office allowance?")
        english = (knowledge / "policies" / "faq-added.en.md").read_text(encoding="utf-8")
        assert "## Q2. Is there a home office allowance?" in english
        assert "(Expense policy: answered by finance on 2026-11-24)" in english
        reply = one(say(app, "e008", "/ask Is there a home office allowance?"))
        assert "¥30,000" in reply.text and reply.card is not None
        assert reply.card.fields == (("Source", "Frequently asked questions (answers from the team) Q2"),)
    finally:
        app.close()


# -- the documents change under a running bot ----------------------------------------------------


def test_a_policy_edited_at_runtime_is_answered_from_without_a_restart(app: App, tmp_path: Path) -> None:
    policies = copy_knowledge(tmp_path, ("faq.ja.md", "glossary.yaml", "search.yaml")) / "policies"
    now = [100.0]
    app.services.knowledge = KnowledgeService(policies, monotonic=lambda: now[0])
    assert "¥3,000以上であれば" in one(say(app, "e007", "/ask タクシー代に領収書は必要ですか?")).text
    faq = policies / "faq.ja.md"
    faq.write_text(
        faq.read_text(encoding="utf-8").replace("¥3,000以上であれば", "¥2,000以上であれば(2027年1月改定)"),
        encoding="utf-8",
    )
    now[0] += 10
    assert "¥2,000以上であれば(2027年1月改定)" in one(say(app, "e007", "/ask タクシー代に領収書は必要ですか?")).text


def test_a_broken_policy_file_stops_only_the_answers_and_the_admins_hear_once(app: App, tmp_path: Path) -> None:
    policies = copy_knowledge(tmp_path, ("faq.ja.md", "glossary.yaml", "search.yaml")) / "policies"
    now = [100.0]
    app.services.knowledge = KnowledgeService(policies, monotonic=lambda: now[0])
    broken = policies / "leave.ja.md"
    broken.write_text("## 第1条 目的\n\nタイトルのない文書\n", encoding="utf-8")
    for _ in range(2):
        reply = one(say(app, "e007", "/ask タクシー代に領収書は必要ですか?"))
        assert "規程の文書を現在読み込めない" in reply.text
        assert reply.card is not None and [a.id for a in reply.card.actions] == ["ask_person"]
        now[0] += 10
    told = inbox(app, "e001")
    assert len(told) == 1 and "leave.ja.md" in told[0].text and "no '# Title' line" in told[0].text
    # Expenses and leave carry on.
    assert "#1 は自動承認されました。" in "".join(r.text for r in say(app, "e007", "/expense 2800 transport 昨日 電車"))
    # The question is kept: a person can still be asked (no team owns it, so the admin).
    assert "管理者" in one(say(app, "e007", "/担当者に聞く Q1")).text
    broken.write_text("# 休暇規程\n\n## 第1条 目的\n\n直しました。\n", encoding="utf-8")
    now[0] += 10
    assert "¥3,000以上であれば" in one(say(app, "e007", "/ask タクシー代に領収書は必要ですか?")).text


# -- the command line --------------------------------------------------------------------------


def test_knowledge_reindex_prints_sections_and_names_a_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    knowledge = copy_knowledge(tmp_path, ("faq.ja.md", "faq.en.md", "glossary.yaml", "search.yaml"))
    assert main(["--knowledge", str(knowledge), "knowledge", "reindex"]) == 0
    out = capsys.readouterr().out
    count = len(KnowledgeBase(knowledge / "policies").sections)
    assert f"Indexed {count} sections from {knowledge / 'policies'} in " in out
    (knowledge / "policies" / "leave.en.md").write_bytes("# Leave\n\n## 1. Purpose\n\n休暇".encode("shift_jis"))
    assert main(["knowledge", "reindex", "--knowledge", str(knowledge)]) == 2
    err = capsys.readouterr().err
    assert "leave.en.md: not UTF-8 text" in err
