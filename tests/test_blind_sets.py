"""The blind sets of #14 (tests/data/blind/), written by people who never read the code, kept as tests: the bot
must keep reading unseen wording at least this well. Figures are printed by bench/bench_blind.py.

Floors, not targets met by tuning: the issue's goals are asserted where they are met, and marked xfail (strict,
so a fix shows) where they are not yet."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.rules.loader import RuleSet
from bot.understanding.evaluate import format_report
from tests import blind_eval as B

ROOT = Path(__file__).resolve().parents[1]


def test_the_sets_are_what_the_issue_asks_for() -> None:
    requests = B.request_cases()
    assert len(requests) >= 150
    intents = {c.expected["intent"] for c in requests}
    assert intents == {"expense", "leave", "contract_review", "question", "status", "other"}
    assert {c.lang for c in requests} == {"ja", "en"}
    questions = B.question_cases()
    assert len(questions) >= 40 and sum(q["answerable"] for q in questions) >= 35
    contracts = B.contract_cases()
    assert len(contracts) >= 4 and {c["lang"] for c in contracts} == {"ja", "en"}


def test_offline_reading_of_unseen_requests(rules: RuleSet) -> None:
    report = B.offline_report(rules)
    assert report.intent_accuracy >= 0.96, format_report(report)
    assert report.field_accuracy >= 0.94, format_report(report)


def test_hybrid_with_a_model_that_reads_right(rules: RuleSet) -> None:
    """Over real HTTP on loopback to an OpenAI-compatible fake that answers every message with its gold reading."""
    report, calls = B.hybrid_report(rules)
    assert report.intent_accuracy >= 0.98, format_report(report)
    assert report.field_accuracy >= 0.98, format_report(report)
    assert 0 < calls <= 0.5  # the model is asked only where offline is unsure, and it is asked


def test_no_policy_question_is_taken_for_a_request(app: App) -> None:
    score = B.score_questions(app)
    assert score.to_request_flow == 0, score.failures
    assert score.confident_wrong == 0, score.failures  # a confident answer is a right one
    assert score.stated >= 34, score.failures  # stated confidently, or quoted in an unsure reply


def test_policy_questions_meet_the_goal(app: App) -> None:
    """#14: the fact stated for >= 0.8 of the answerable (confidently, or quoted in an unsure reply), and no confident
    answer wrong."""
    score = B.score_questions(app)
    assert score.stated_share >= 0.8 and score.confident_wrong == 0


def test_unseen_contracts_are_read_and_routed_right(rules: RuleSet) -> None:
    score = B.score_contracts(rules)
    assert score.routes_right == score.contracts, score.failures  # the CEO is never skipped, no NDA sent by mistake
    assert score.values_right == score.contracts, score.failures
    assert score.findings_right == score.items, score.failures
    # #14's goal, items >= 0.95, by the standard: where it leaves the level to contracts.yaml (§3.2), the finding.
    assert score.standard_share >= 0.95, score.failures
    assert score.item_share >= 0.9, score.failures  # level for level, the writer's choices included
