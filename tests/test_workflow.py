"""The request lifecycle: who may act on a request, what each action leaves behind (status,
version, approval steps, ledger, notifications, audit), and that a double click or a race
yields exactly one decision.

Every test runs on a real SQLite file with the demo company of knowledge/org.yaml, on
Tuesday 24 November 2026, 10:00 in Tokyo. The people who matter here:
e001 Yamada (CEO, delegate e002) · e002 Sato (manager + finance, delegate e003) · e003 finance
· e006 Ito (manages e007-e010 in engineering, delegate e007) · e007-e010 engineers.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.directory import Directory, load_directory_file
from bot.leave_ledger import Usage
from bot.models import ApprovalStep, Employee, ExpenseClaim, LeaveRequest, Request, Severity, Status
from bot.rules.loader import RuleSet
from bot.store import records
from bot.store.db import Store
from bot.workflow import TRANSITIONS, Result, TransitionError, Workflow

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 24)  # a Tuesday and a working day
NOW = "2026-11-24T10:00"
NEXT_WEEK = dt.date(2026, 12, 1)  # a Tuesday: one day off with enough notice


@dataclass
class Env:
    store: Store
    wf: Workflow
    directory: Directory
    clock: FixedClock

    def person(self, emp_id: str) -> Employee:
        return self.directory.require(emp_id)

    def request(self, request_id: int) -> Request:
        req = records.get_request(self.store, request_id)
        assert req is not None
        return req

    def steps(self, request_id: int) -> list[tuple[int, str, str | None, str]]:
        return [(s.seq, s.role, s.approver_id, s.status) for s in records.get_steps(self.store, request_id)]

    def step(self, request_id: int, seq: int) -> ApprovalStep:
        return next(s for s in records.get_steps(self.store, request_id) if s.seq == seq)

    def audit_actions(self, request_id: int) -> list[str]:
        rows = self.store.query("SELECT action FROM audit_log WHERE request_id = ? ORDER BY id", (request_id,))
        return [r["action"] for r in rows]

    def audit_count(self) -> int:
        return self.store.query("SELECT count(*) AS n FROM audit_log")[0]["n"]

    def inbox(self, emp_id: str, request_id: int | None = None) -> list[tuple[str, dict]]:
        return [
            (n["event"], n["data"])
            for n in records.undelivered(self.store, emp_id)
            if request_id is None or n["request_id"] == request_id
        ]

    def events(self, emp_id: str, request_id: int | None = None) -> list[str]:
        return [event for event, _ in self.inbox(emp_id, request_id)]

    def ledger(self, request_id: int) -> list[dict]:
        return self.store.query(
            "SELECT employee_id, date, days, leave_type, void FROM leave_ledger WHERE request_id = ? ORDER BY id",
            (request_id,),
        )

    def balance(self, emp_id: str, on: dt.date = NEXT_WEEK) -> float:
        facts = self.wf.context.leave_facts(self.person(emp_id), LeaveRequest("annual", on, on))
        return facts.balance_days

    def put_on_leave(self, emp_id: str, day: dt.date = TODAY) -> None:
        """An approved full day off, written straight into the ledger."""
        with self.store.tx():
            records.add_leave_entries(self.store, emp_id, None, "annual", [Usage(day, 1.0)], NOW)


def make_env(path: Path, rules: RuleSet) -> Env:
    store = Store(path)
    clock = FixedClock(NOW)
    records.save_employees(store, load_directory_file(ROOT / "knowledge" / "org.yaml"), NOW, None, "org.yaml")
    directory = Directory(records.load_employees(store))
    return Env(store, Workflow(store, rules, directory, clock), directory, clock)


@pytest.fixture
def env(tmp_path: Path, rules: RuleSet):
    e = make_env(tmp_path / "bot.db", rules)
    yield e
    e.store.close()


def claim(amount: int, category: str = "supplies", date: dt.date = dt.date(2026, 11, 20), **more) -> ExpenseClaim:
    """A yen claim with a receipt, so that only the amount and category decide its route."""
    more.setdefault("receipts", ("receipt.pdf",))
    return ExpenseClaim(amount=Decimal(amount), date=date, category=category, **more)


def submit_claim(env: Env, who: str, amount: int, **more) -> Request:
    result = env.wf.submit(env.person(who), claim(amount, **more))
    assert result.ok, result
    assert result.request is not None and result.request.id is not None
    return result.request


def one_day_off(day: dt.date = NEXT_WEEK, leave_type: str = "annual") -> LeaveRequest:
    return LeaveRequest(leave_type, day, day)


# -- a single-step claim: who may decide ---------------------------------------------------------


def test_a_12000_yen_supplies_claim_waits_for_the_requesters_manager(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)

    assert req.status is Status.PENDING
    assert env.steps(req.id) == [(1, "manager", "e006", "pending")]
    assert env.step(req.id, 1).via == "manager"
    assert env.inbox("e006", req.id) == [("approval_needed", {"seq": 1})]
    assert env.audit_actions(req.id) == ["request.submitted", "request.pending"]


def test_the_requester_cannot_approve_their_own_claim_and_nothing_changes(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)
    audit_before = env.audit_count()

    result = env.wf.act(req.id, env.person("e007"), "approve")

    assert not result.ok
    assert result.code == "own_request"
    after = env.request(req.id)
    assert after.status is Status.PENDING
    assert after.version == req.version
    assert after.decided_by is None
    assert env.steps(req.id) == [(1, "manager", "e006", "pending")]
    assert env.audit_count() == audit_before
    assert env.events("e007", req.id) == []


def test_someone_who_is_not_the_approver_is_refused_and_told_who_is(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)
    audit_before = env.audit_count()

    result = env.wf.act(req.id, env.person("e008"), "approve")

    assert not result.ok
    assert result.code == "not_approver"
    assert result.data == {"approver": "e006", "approver_name_ja": "伊藤 大輔", "approver_name_en": "Daisuke Ito"}
    assert env.request(req.id).status is Status.PENDING
    assert env.request(req.id).version == req.version
    assert env.audit_count() == audit_before


def test_the_manager_approves_and_the_requester_is_told(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)

    result = env.wf.act(req.id, env.person("e006"), "approve")

    assert result.ok
    assert result.code == "approved"
    after = env.request(req.id)
    assert after.status is Status.APPROVED
    assert after.decided_by == "e006"
    assert after.decided_at == "2026-11-24T10:00:00+09:00"
    assert after.current_step is None
    assert after.version == req.version + 1
    assert env.steps(req.id) == [(1, "manager", "e006", "approved")]
    assert env.step(req.id, 1).acted_by == "e006"
    assert env.inbox("e007", req.id) == [("decided", {"by": "e006"})]
    assert env.audit_actions(req.id)[-1] == "request.approved"


def test_an_unknown_action_or_request_is_refused(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)

    assert env.wf.act(req.id, env.person("e006"), "rubber_stamp").code == "unknown_action"
    assert env.wf.act(9999, env.person("e006"), "approve").code == "not_found"
    assert env.request(req.id).status is Status.PENDING


# -- nobody approves their own request, wherever the chain would reach them --------------------


def test_a_managers_claim_goes_to_their_own_manager(env: Env) -> None:
    req = submit_claim(env, "e006", 12000)

    assert env.steps(req.id) == [(1, "manager", "e001", "pending")]
    assert env.wf.act(req.id, env.person("e006"), "approve").code == "own_request"
    # e007 is e006's delegate, not the CEO's: they cannot approve their manager's claim.
    assert env.wf.act(req.id, env.person("e007"), "approve").code == "not_approver"

    result = env.wf.act(req.id, env.person("e001"), "approve")

    assert result.code == "approved"
    assert env.request(req.id).decided_by == "e001"


def test_a_finance_persons_big_claim_goes_to_the_other_finance_person(env: Env) -> None:
    req = submit_claim(env, "e002", 150000)

    assert env.steps(req.id) == [(1, "manager", "e001", "pending"), (2, "finance", "e003", "waiting")]

    assert env.wf.act(req.id, env.person("e001"), "approve").code == "advanced"
    assert env.steps(req.id) == [(1, "manager", "e001", "approved"), (2, "finance", "e003", "pending")]
    assert env.wf.act(req.id, env.person("e002"), "approve").code == "own_request"
    assert env.wf.act(req.id, env.person("e003"), "approve").code == "approved"
    assert env.request(req.id).status is Status.APPROVED


def test_when_the_only_other_finance_person_is_also_the_manager_one_approval_completes(env: Env) -> None:
    # e003's manager is e002, and e002 is the only other finance holder: e002 takes both roles,
    # so the finance step is skipped rather than asking the same person twice.
    req = submit_claim(env, "e003", 150000)

    assert env.steps(req.id) == [(1, "manager", "e002", "pending"), (2, "finance", "e002", "skipped")]
    assert "e003" not in {approver for _, _, approver, _ in env.steps(req.id)}
    assert env.wf.act(req.id, env.person("e003"), "approve").code == "own_request"

    result = env.wf.act(req.id, env.person("e002"), "approve")

    assert result.code == "approved"
    assert env.request(req.id).status is Status.APPROVED
    assert env.steps(req.id) == [(1, "manager", "e002", "approved"), (2, "finance", "e002", "skipped")]
    assert env.events("e003", req.id) == ["decided"]


# -- a multi-step chain ------------------------------------------------------------------------


def test_a_600000_yen_claim_goes_manager_then_finance_then_ceo(env: Env) -> None:
    req = submit_claim(env, "e007", 600000)

    assert env.steps(req.id) == [
        (1, "manager", "e006", "pending"),
        (2, "finance", "e002", "waiting"),
        (3, "ceo", "e001", "waiting"),
    ]
    assert env.events("e002", req.id) == []
    assert env.events("e001", req.id) == []
    # Only the current step's approver may act: not finance, not the CEO, ahead of their turn.
    assert env.wf.act(req.id, env.person("e002"), "approve").code == "not_approver"
    assert env.wf.act(req.id, env.person("e001"), "approve").code == "not_approver"

    first = env.wf.act(req.id, env.person("e006"), "approve")
    assert (first.code, first.data) == ("advanced", {"next": "e002"})
    assert env.request(req.id).status is Status.PENDING
    assert env.steps(req.id)[1] == (2, "finance", "e002", "pending")
    assert env.inbox("e002", req.id) == [("approval_needed", {"seq": 2})]
    assert env.inbox("e007", req.id) == [("step_approved", {"by": "e006", "next": "e002"})]

    second = env.wf.act(req.id, env.person("e002"), "approve")
    assert (second.code, second.data) == ("advanced", {"next": "e001"})
    assert env.request(req.id).status is Status.PENDING
    assert env.inbox("e001", req.id) == [("approval_needed", {"seq": 3})]

    last = env.wf.act(req.id, env.person("e001"), "approve")
    assert last.code == "approved"
    after = env.request(req.id)
    assert after.status is Status.APPROVED
    assert after.decided_by == "e001"
    assert [s[3] for s in env.steps(req.id)] == ["approved", "approved", "approved"]
    assert [s.acted_by for s in records.get_steps(env.store, req.id)] == ["e006", "e002", "e001"]
    assert env.events("e007", req.id) == ["step_approved", "step_approved", "decided"]
    assert env.audit_actions(req.id) == [
        "request.submitted",
        "request.pending",
        "request.step_approved",
        "request.step_approved",
        "request.approved",
    ]


def test_a_later_step_reaching_an_approver_on_leave_goes_to_their_delegate(env: Env) -> None:
    env.put_on_leave("e002")
    req = submit_claim(env, "e007", 600000)

    env.wf.act(req.id, env.person("e006"), "approve")

    step = env.step(req.id, 2)
    assert (step.approver_id, step.status, step.via, step.original_approver_id) == (
        "e003",
        "pending",
        "delegate",
        "e002",
    )
    assert env.events("e003", req.id) == ["approval_needed"]
    assert env.events("e002", req.id) == []


# -- double clicks and races -------------------------------------------------------------------


def test_approving_twice_tells_the_second_click_who_decided(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)
    env.wf.act(req.id, env.person("e006"), "approve")
    audit_before = env.audit_count()

    again = env.wf.act(req.id, env.person("e006"), "approve")

    assert not again.ok
    assert again.code == "already_decided"
    assert again.data["status"] == "approved"
    assert again.data["by"] == "e006"
    assert again.data["by_name_ja"] == "伊藤 大輔"
    assert again.data["by_name_en"] == "Daisuke Ito"
    assert again.data["at"] == "2026-11-24T10:00:00+09:00"
    assert env.audit_count() == audit_before
    assert env.events("e007", req.id) == ["decided"]


def test_a_stale_button_after_the_decision_is_already_decided(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)
    shown_version = req.version
    env.wf.act(req.id, env.person("e006"), "reject", reason="not a business expense")
    audit_before = env.audit_count()

    # The delegate presses "approve" on the card they were shown before the rejection.
    late = env.wf.act(req.id, env.person("e007"), "approve", expected_version=shown_version)
    stale = env.wf.act(req.id, env.person("e006"), "approve", expected_version=shown_version)

    assert late.code == "already_decided"
    assert stale.code == "already_decided"
    assert stale.data["by"] == "e006"
    assert stale.data["status"] == "rejected"
    assert env.request(req.id).status is Status.REJECTED
    assert env.audit_count() == audit_before


def test_a_stale_double_click_on_a_step_does_not_decide_the_next_step(env: Env) -> None:
    """e002 approves the finance step of a ¥600,000 claim, then the same button fires again.

    The CEO step is now current, and e002 is the CEO's delegate: the second click, carrying the
    version of the card e002 was shown, must not count as the CEO's approval (one click, one
    decision; every state change is a compare-and-set on the version).
    """
    req = submit_claim(env, "e007", 600000)
    env.wf.act(req.id, env.person("e006"), "approve")
    card_version = env.request(req.id).version
    first = env.wf.act(req.id, env.person("e002"), "approve", expected_version=card_version)
    assert first.code == "advanced"

    second = env.wf.act(req.id, env.person("e002"), "approve", expected_version=card_version)

    assert not second.ok
    assert second.code == "stale"
    assert second.data == {"approver": "e001"}
    assert env.request(req.id).status is Status.PENDING
    assert env.steps(req.id)[2] == (3, "ceo", "e001", "pending")
    assert env.events("e007", req.id) == ["step_approved", "step_approved"]


def run_together(n: int, call) -> list[Result]:
    """Start `n` threads that call `call(i)` at the same moment; return their results."""
    barrier = threading.Barrier(n)
    results: list[Result | BaseException | None] = [None] * n

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = call(i)
        except BaseException as exc:
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(isinstance(r, Result) for r in results), results
    return results  # type: ignore[return-value]


@pytest.fixture
def slow_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold every request read for a moment, so racing threads are inside `act` together."""
    real = records.get_request

    def get_request(store: Store, request_id: int) -> Request | None:
        found = real(store, request_id)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(records, "get_request", get_request)


def test_two_simultaneous_approvals_make_exactly_one_decision(env: Env, slow_reads: None) -> None:
    req = submit_claim(env, "e008", 12000)
    actors = [env.person("e006"), env.person("e007")]  # e008's manager, and that manager's delegate

    results = run_together(2, lambda i: env.wf.act(req.id, actors[i], "approve"))

    codes = sorted(r.code for r in results)
    assert codes == ["already_decided", "approved"]
    assert sum(r.ok for r in results) == 1
    winner = next(r for r in results if r.ok)
    loser = next(r for r in results if not r.ok)
    assert loser.data["by"] == winner.request.decided_by
    assert env.audit_actions(req.id).count("request.approved") == 1
    assert env.events("e008", req.id) == ["decided"]
    assert env.request(req.id).version == req.version + 1


def test_approvals_racing_through_separate_connections_make_exactly_one_decision(
    env: Env, rules: RuleSet, tmp_path: Path, slow_reads: None
) -> None:
    # Two bot processes on the same database file: each has its own Store and connection.
    req = submit_claim(env, "e007", 12000)
    other_store = Store(tmp_path / "bot.db")
    workflows = [env.wf, Workflow(other_store, rules, env.directory, env.clock)]
    try:
        results = run_together(2, lambda i: workflows[i].act(req.id, env.person("e006"), "approve"))
    finally:
        other_store.close()

    assert sorted(r.code for r in results) == ["already_decided", "approved"]
    assert env.audit_actions(req.id).count("request.approved") == 1
    assert env.store.verify_audit().ok


# -- reject and request changes ----------------------------------------------------------------


@pytest.mark.parametrize("action", ["reject", "request_changes"])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reject_and_request_changes_need_a_reason(env: Env, action: str, reason: str | None) -> None:
    req = submit_claim(env, "e007", 12000)
    audit_before = env.audit_count()

    result = env.wf.act(req.id, env.person("e006"), action, reason=reason)

    assert not result.ok
    assert result.code == "reason_required"
    assert result.data == {"action": action}
    assert env.request(req.id).status is Status.PENDING
    assert env.request(req.id).version == req.version
    assert env.audit_count() == audit_before


def test_a_rejection_records_the_reason_and_tells_the_requester(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)

    result = env.wf.act(req.id, env.person("e006"), "reject", reason="personal purchase")

    assert result.code == "rejected"
    after = env.request(req.id)
    assert (after.status, after.reason, after.decided_by) == (Status.REJECTED, "personal purchase", "e006")
    assert env.steps(req.id) == [(1, "manager", "e006", "rejected")]
    assert env.step(req.id, 1).comment == "personal purchase"
    assert env.inbox("e007", req.id) == [("decided", {"by": "e006"})]


def test_changes_requested_then_the_requester_fixes_it_and_it_is_decided_again(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)

    asked = env.wf.act(req.id, env.person("e006"), "request_changes", reason="attach the itemised receipt")

    assert asked.code == "changes_requested"
    waiting = env.request(req.id)
    assert waiting.status is Status.NEEDS_INFO
    assert waiting.reason == "attach the itemised receipt"
    assert waiting.current_step is None
    assert env.steps(req.id) == [(1, "manager", "e006", "changes_requested")]
    assert env.inbox("e007", req.id) == [("changes_requested", {"by": "e006"})]
    # Nobody else can edit it, and the approver has nothing to approve meanwhile.
    assert env.wf.update(req.id, env.person("e006"), claim(12000)).code == "not_yours"
    assert env.wf.act(req.id, env.person("e006"), "approve").code == "already_decided"

    fixed = claim(12000, description="toner", receipts=("itemised.pdf",))
    result = env.wf.update(req.id, env.person("e007"), fixed)

    assert result.ok
    assert result.code == "pending"
    again = env.request(req.id)
    assert again.status is Status.PENDING
    assert again.details.receipts == ("itemised.pdf",)
    assert again.reason is None
    assert again.decided_by is None
    assert again.version > waiting.version
    assert env.steps(req.id) == [(1, "manager", "e006", "pending")]
    assert env.events("e006", req.id) == ["approval_needed", "approval_needed"]
    assert env.wf.act(req.id, env.person("e006"), "approve").code == "approved"


def test_a_pending_request_cannot_be_edited(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)

    result = env.wf.update(req.id, env.person("e007"), claim(13000))

    assert (result.ok, result.code) == (False, "not_editable")
    assert env.request(req.id).details.amount == Decimal(12000)


# -- delegation --------------------------------------------------------------------------------


def test_a_manager_on_approved_leave_today_is_replaced_by_their_delegate(env: Env) -> None:
    # e006 takes today off; short notice sends it to the CEO, who approves it.
    leave = env.wf.submit(env.person("e006"), one_day_off(TODAY)).request
    assert env.steps(leave.id) == [(1, "manager", "e001", "pending")]
    assert env.wf.act(leave.id, env.person("e001"), "approve").code == "approved"
    assert env.wf.on_leave("e006", TODAY)

    req = submit_claim(env, "e008", 12000)

    step = env.step(req.id, 1)
    assert (step.approver_id, step.status, step.via, step.original_approver_id) == (
        "e007",
        "pending",
        "delegate",
        "e006",
    )
    assert env.events("e007", req.id) == ["approval_needed"]
    assert env.events("e006", req.id) == []
    assert env.wf.act(req.id, env.person("e007"), "approve").code == "approved"


def test_the_delegate_never_gets_their_own_claim_it_goes_up_a_level(env: Env) -> None:
    env.put_on_leave("e006")

    req = submit_claim(env, "e007", 12000)

    step = env.step(req.id, 1)
    assert (step.approver_id, step.via, step.original_approver_id) == ("e001", "next_up", "e006")
    assert env.events("e001", req.id) == ["approval_needed"]
    assert env.events("e007", req.id) == []
    assert env.wf.act(req.id, env.person("e007"), "approve").code == "own_request"


def test_an_approver_on_leave_another_day_is_not_replaced(env: Env) -> None:
    env.put_on_leave("e006", NEXT_WEEK)

    req = submit_claim(env, "e008", 12000)

    assert env.step(req.id, 1).approver_id == "e006"
    assert env.step(req.id, 1).via == "manager"


def test_the_delegate_may_decide_for_the_approver_who_is_not_away(env: Env) -> None:
    req = submit_claim(env, "e008", 12000)
    assert env.step(req.id, 1).approver_id == "e006"

    result = env.wf.act(req.id, env.person("e007"), "approve")

    assert result.code == "approved"
    assert env.request(req.id).decided_by == "e007"
    assert env.step(req.id, 1).acted_by == "e007"
    entry = env.store.query(
        "SELECT data FROM audit_log WHERE action = 'request.approved' AND request_id = ?", (req.id,)
    )
    assert '"on_behalf_of":"e006"' in entry[0]["data"]


def test_the_delegate_may_never_decide_their_own_request(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)

    for action, reason in (("approve", None), ("reject", "no"), ("request_changes", "more")):
        result = env.wf.act(req.id, env.person("e007"), action, reason=reason)
        assert result.code == "own_request", action
    assert env.request(req.id).status is Status.PENDING
    assert env.request(req.id).version == req.version


# -- cancel ------------------------------------------------------------------------------------


def test_the_requester_cancels_a_pending_claim_and_the_approver_is_told(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)

    result = env.wf.act(req.id, env.person("e007"), "cancel", reason="bought twice by mistake")

    assert result.code == "cancelled"
    after = env.request(req.id)
    assert (after.status, after.reason, after.current_step) == (Status.CANCELLED, "bought twice by mistake", None)
    assert env.inbox("e006", req.id) == [("approval_needed", {"seq": 1}), ("cancelled", {"by": "e007"})]
    assert env.wf.act(req.id, env.person("e006"), "approve").code == "already_decided"
    assert records.pending_for_approver(env.store, ["e006"]) == []


@pytest.mark.parametrize("who", ["e006", "e008", "e001"])
def test_only_the_requester_can_cancel(env: Env, who: str) -> None:
    req = submit_claim(env, "e007", 12000)

    result = env.wf.act(req.id, env.person(who), "cancel")

    assert (result.ok, result.code) == (False, "not_yours")
    assert env.request(req.id).status is Status.PENDING
    assert env.request(req.id).version == req.version


def test_cancelling_approved_leave_in_the_future_voids_its_ledger_rows(env: Env) -> None:
    before = env.balance("e007")
    req = env.wf.submit(env.person("e007"), one_day_off()).request
    assert req.status is Status.APPROVED
    assert env.ledger(req.id) == [
        {"employee_id": "e007", "date": "2026-12-01", "days": 1.0, "leave_type": "annual", "void": 0}
    ]
    assert env.balance("e007") == before - 1

    result = env.wf.act(req.id, env.person("e007"), "cancel")

    assert result.code == "cancelled"
    assert env.request(req.id).status is Status.CANCELLED
    assert [row["void"] for row in env.ledger(req.id)] == [1]
    assert env.balance("e007") == before
    assert not env.wf.on_leave("e007", NEXT_WEEK)


def test_leave_that_has_already_started_cannot_be_cancelled(env: Env) -> None:
    req = env.wf.submit(env.person("e007"), LeaveRequest("annual", TODAY, dt.date(2026, 11, 25))).request
    assert req.status is Status.PENDING  # short notice: the manager decides
    env.wf.act(req.id, env.person("e006"), "approve")
    before = env.balance("e007")

    result = env.wf.act(req.id, env.person("e007"), "cancel")

    assert (result.ok, result.code) == (False, "cannot_cancel")
    assert env.request(req.id).status is Status.APPROVED
    assert [row["void"] for row in env.ledger(req.id)] == [0, 0]
    assert env.balance("e007") == before


def test_an_approved_expense_claim_cannot_be_cancelled(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)
    env.wf.act(req.id, env.person("e006"), "approve")

    result = env.wf.act(req.id, env.person("e007"), "cancel")

    assert (result.ok, result.code) == (False, "cannot_cancel")
    assert env.request(req.id).status is Status.APPROVED


# -- override (E1) -----------------------------------------------------------------------------


def late_claim(env: Env) -> Request:
    req = submit_claim(env, "e007", 12000, date=TODAY - dt.timedelta(days=61))
    assert req.status is Status.REJECTED
    assert req.decided_by == "rules"
    assert any(f.rule_id == "E1" and f.severity is Severity.REJECT for f in req.decision.findings)
    assert env.steps(req.id) == []
    return req


def test_finance_overrides_a_late_claim_and_it_goes_on_to_approval(env: Env) -> None:
    req = late_claim(env)

    result = env.wf.act(req.id, env.person("e003"), "override", reason="employee was on a long business trip")

    assert result.ok
    assert result.code == "overridden"
    after = env.request(req.id)
    assert after.status is Status.PENDING
    assert "E1" in after.details.waived
    assert [(f.rule_id, f.severity) for f in after.decision.findings if f.rule_id == "E1"] == [("E1", Severity.INFO)]
    assert env.steps(req.id) == [(1, "manager", "e006", "pending")]
    assert env.events("e006", req.id) == ["approval_needed"]
    assert env.inbox("e007", req.id) == [("overridden", {"by": "e003"})]
    assert "request.override" in env.audit_actions(req.id)
    assert env.wf.act(req.id, env.person("e006"), "approve").code == "approved"


@pytest.mark.parametrize("who", ["e007", "e006", "e001"])
def test_only_finance_can_override(env: Env, who: str) -> None:
    req = late_claim(env)

    result = env.wf.act(req.id, env.person(who), "override")

    assert (result.ok, result.code) == (False, "not_allowed")
    assert result.data == {"role": "finance"}
    assert env.request(req.id).status is Status.REJECTED
    assert env.request(req.id).version == req.version


def test_finance_cannot_override_their_own_late_claim(env: Env) -> None:
    req = submit_claim(env, "e003", 12000, date=TODAY - dt.timedelta(days=61))

    assert env.wf.act(req.id, env.person("e003"), "override").code == "not_allowed"
    assert env.wf.act(req.id, env.person("e002"), "override").code == "overridden"
    assert env.steps(req.id) == [(1, "manager", "e002", "pending")]


def test_a_claim_rejected_by_a_person_cannot_be_overridden(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)
    env.wf.act(req.id, env.person("e006"), "reject", reason="not ours")

    result = env.wf.act(req.id, env.person("e003"), "override")

    assert (result.ok, result.code) == (False, "cannot_override")
    assert env.request(req.id).status is Status.REJECTED


# -- leave -------------------------------------------------------------------------------------


def test_short_annual_leave_is_approved_by_rule_booked_and_the_manager_told(env: Env) -> None:
    result = env.wf.submit(env.person("e007"), one_day_off())

    assert result.code == "approved"
    req = result.request
    assert (req.status, req.decided_by) == (Status.APPROVED, "rules")
    assert env.steps(req.id) == []
    assert env.ledger(req.id) == [
        {"employee_id": "e007", "date": "2026-12-01", "days": 1.0, "leave_type": "annual", "void": 0}
    ]
    assert env.inbox("e006", req.id) == [("auto_approved", {})]
    assert env.audit_actions(req.id) == ["request.submitted", "request.auto_approved"]
    assert env.wf.on_leave("e007", NEXT_WEEK)


def test_leave_beyond_the_balance_waits_then_goes_to_the_manager_once_unpaid_is_confirmed(env: Env) -> None:
    # e010 joined in August 2026: no annual leave until February 2027.
    result = env.wf.submit(env.person("e010"), one_day_off())

    assert result.code == "needs_info"
    req = result.request
    l5 = [f for f in req.decision.findings if f.rule_id == "L5"]
    assert [(f.severity, f.data["shortfall"]) for f in l5] == [(Severity.BLOCK, 1.0)]
    assert env.steps(req.id) == []
    assert env.events("e006", req.id) == []
    assert env.wf.act(req.id, env.person("e006"), "confirm_unpaid").code == "not_yours"

    confirmed = env.wf.act(req.id, env.person("e010"), "confirm_unpaid")

    assert confirmed.ok
    assert confirmed.code == "pending"
    after = env.request(req.id)
    assert after.status is Status.PENDING
    assert after.details.unpaid_days == 1.0
    assert env.steps(req.id) == [(1, "manager", "e006", "pending")]
    assert env.events("e006", req.id) == ["approval_needed"]
    assert env.audit_actions(req.id)[-2:] == ["request.confirm_unpaid", "request.pending"]

    assert env.wf.act(req.id, env.person("e006"), "approve").code == "approved"
    assert env.ledger(req.id) == [
        {"employee_id": "e010", "date": "2026-12-01", "days": 1.0, "leave_type": "unpaid", "void": 0}
    ]


def test_confirm_unpaid_on_a_request_with_no_shortfall_is_refused(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)

    assert env.wf.act(req.id, env.person("e007"), "confirm_unpaid").code == "nothing_to_confirm"
    assert env.request(req.id).status is Status.PENDING


# -- escalation --------------------------------------------------------------------------------


def test_a_stalled_step_is_escalated_to_the_approvers_manager(env: Env) -> None:
    req = submit_claim(env, "e008", 12000)

    result = env.wf.escalate(req.id)

    assert result.ok
    assert result.code == "escalated"
    after = env.request(req.id)
    assert after.status is Status.ESCALATED
    assert after.version == req.version + 1
    step = env.step(req.id, 1)
    assert (step.approver_id, step.status, step.via, step.original_approver_id) == (
        "e001",
        "pending",
        "escalation",
        "e006",
    )
    assert env.inbox("e001", req.id) == [("approval_needed", {"seq": 1, "escalated": True})]
    assert env.audit_actions(req.id)[-1] == "request.escalated"
    assert env.wf.act(req.id, env.person("e006"), "approve").code == "not_approver"

    decided = env.wf.act(req.id, env.person("e001"), "approve")
    assert decided.code == "approved"
    assert env.request(req.id).status is Status.APPROVED


def test_after_an_escalated_step_is_approved_the_next_step_is_plain_pending(env: Env) -> None:
    req = submit_claim(env, "e008", 150000)  # manager e006, then finance
    env.wf.escalate(req.id)
    advanced = env.wf.act(req.id, env.person("e001"), "approve")
    assert advanced.code == "advanced"
    assert env.request(req.id).status is Status.PENDING
    assert env.steps(req.id)[1][3] == "pending"


def test_a_delegate_never_approves_two_steps_of_one_request(env: Env) -> None:
    req = submit_claim(env, "e007", 600000)  # e006 → finance e002 → CEO e001 (whose delegate is e002)
    env.wf.act(req.id, env.person("e006"), "approve")
    assert env.wf.act(req.id, env.person("e002"), "approve").code == "advanced"
    again = env.wf.act(req.id, env.person("e002"), "approve")
    assert again.code == "not_approver"
    assert env.step(req.id, 3).status == "pending"
    assert env.wf.act(req.id, env.person("e001"), "approve").code == "approved"


def test_the_ceos_own_claim_goes_to_finance(env: Env) -> None:
    req = submit_claim(env, "e001", 12000)
    assert req.status is Status.PENDING
    assert env.steps(req.id) == [(1, "manager", "e002", "pending")]
    assert env.step(req.id, 1).via == "fallback"
    assert env.wf.act(req.id, env.person("e001"), "approve").code == "own_request"
    assert env.wf.act(req.id, env.person("e002"), "approve").code == "approved"


def test_a_claim_nobody_can_approve_is_kept_and_the_admins_are_told(tmp_path: Path, rules: RuleSet) -> None:
    store = Store(tmp_path / "solo.db")
    solo = [
        Employee("a1", "一人 社長", "Solo Founder", "solo@example.com", roles=("employee", "ceo", "admin")),
        Employee("a2", "事務", "Clerk", "clerk@example.com", manager_id="a1"),
    ]
    records.save_employees(store, solo, NOW, None, "test")
    wf = Workflow(store, rules, Directory(records.load_employees(store)), FixedClock(NOW))
    result = wf.submit(solo[0], claim(12000))
    assert result.request is not None and result.request.id is not None
    saved = records.get_request(store, result.request.id)
    assert saved is not None and saved.status is Status.SUBMITTED
    assert [n["event"] for n in records.undelivered(store, "a1")] == ["no_approver"]
    actions = [r["action"] for r in store.query("SELECT action FROM audit_log WHERE request_id = 1")]
    assert actions == ["request.submitted", "request.no_approver"]
    store.close()


def test_finance_fixes_the_yen_amount_of_a_foreign_claim_and_the_ceo_step_is_added(env: Env) -> None:
    req = env.wf.submit(env.person("e007"), claim(4200, "software", currency="USD")).request
    assert req is not None and req.id is not None
    assert [(seq, role) for seq, role, _, _ in env.steps(req.id)] == [(1, "manager"), (2, "finance")]
    env.wf.act(req.id, env.person("e006"), "approve")

    refused = env.wf.act(req.id, env.person("e002"), "approve")
    assert refused.code == "yen_required"
    assert env.step(req.id, 2).status == "pending"

    fixed = env.wf.act(req.id, env.person("e002"), "approve", "rate 155", amount_jpy=651000)
    assert fixed.code == "advanced"
    after = env.request(req.id)
    assert isinstance(after.details, ExpenseClaim) and after.details.amount_jpy == 651000
    assert env.steps(req.id) == [
        (1, "manager", "e006", "approved"),
        (2, "finance", "e002", "approved"),
        (3, "ceo", "e001", "pending"),
    ]
    assert "request.yen_fixed" in env.audit_actions(req.id)
    assert env.wf.act(req.id, env.person("e001"), "approve").code == "approved"


def test_a_small_foreign_claim_fixed_in_yen_needs_no_extra_step(env: Env) -> None:
    req = env.wf.submit(env.person("e007"), claim(20, "books", currency="USD")).request
    assert req is not None and req.id is not None
    env.wf.act(req.id, env.person("e006"), "approve")
    assert env.wf.act(req.id, env.person("e002"), "approve", amount_jpy=3100).code == "approved"
    assert len(env.steps(req.id)) == 2


def test_escalation_stops_at_the_top_and_never_reaches_the_requester(env: Env) -> None:
    req = submit_claim(env, "e006", 12000)  # already with the CEO, who has no manager

    assert env.wf.escalate(req.id).code == "no_one_above"
    assert env.request(req.id).status is Status.PENDING

    decided = submit_claim(env, "e007", 12000)
    env.wf.act(decided.id, env.person("e006"), "approve")
    assert env.wf.escalate(decided.id).code == "not_pending"


# -- the state machine -------------------------------------------------------------------------

FORBIDDEN = [(old, new) for old in Status for new in Status if new not in TRANSITIONS[old]]
ALLOWED = [(old, new) for old in Status for new in TRANSITIONS[old]]


def a_request(status: Status) -> Request:
    return Request(
        id=7, kind="expense", requester_id="e007", details=claim(12000), status=status, version=3, created_at=NOW
    )


def test_the_transition_table_keeps_decisions_final() -> None:
    assert set(TRANSITIONS) == set(Status)
    # Approved: only cancelled (leave not yet taken). Rejected: only resubmitted (E1 override).
    assert TRANSITIONS[Status.APPROVED] == {Status.CANCELLED}
    assert TRANSITIONS[Status.REJECTED] == {Status.SUBMITTED}
    assert TRANSITIONS[Status.CANCELLED] == frozenset()
    # Nothing is approved or rejected without being submitted and decided first.
    assert TRANSITIONS[Status.DRAFT] == {Status.SUBMITTED, Status.CANCELLED}
    assert TRANSITIONS[Status.NEEDS_INFO] == {Status.SUBMITTED, Status.CANCELLED}
    assert Status.SUBMITTED not in TRANSITIONS[Status.PENDING] | TRANSITIONS[Status.ESCALATED]


@pytest.mark.parametrize(("old", "new"), FORBIDDEN, ids=[f"{o.value}->{n.value}" for o, n in FORBIDDEN])
def test_a_transition_not_in_the_table_is_refused(env: Env, old: Status, new: Status) -> None:
    with pytest.raises(TransitionError, match=f"{old.value} → {new.value} is not allowed"):
        env.wf._move(a_request(old), new, NOW)


@pytest.mark.parametrize(("old", "new"), ALLOWED, ids=[f"{o.value}->{n.value}" for o, n in ALLOWED])
def test_a_transition_in_the_table_bumps_the_version(env: Env, old: Status, new: Status) -> None:
    moved = env.wf._move(a_request(old), new, "2026-11-24T11:00:00+09:00")

    assert (moved.status, moved.version, moved.updated_at) == (new, 4, "2026-11-24T11:00:00+09:00")


def test_saving_over_a_changed_request_is_refused(env: Env) -> None:
    req = submit_claim(env, "e007", 12000)
    stale = replace(req, version=req.version - 1)
    moved = env.wf._move(stale, Status.APPROVED, NOW)

    with pytest.raises(TransitionError, match="changed meanwhile"), env.store.tx():
        env.wf._save(stale, moved)
    assert env.request(req.id).status is Status.PENDING


def test_a_draft_is_kept_undecided_until_its_requester_submits_it(env: Env) -> None:
    draft = env.wf.create_draft(env.person("e007"), claim(12000)).request
    assert draft is not None and draft.id is not None
    assert (draft.status, draft.decision) == (Status.DRAFT, None)
    assert env.inbox("e006", draft.id) == []
    assert env.wf.submit_draft(draft.id, env.person("e008")).code == "not_yours"
    sent = env.wf.submit_draft(draft.id, env.person("e007"))
    assert sent.code == "pending"
    assert env.steps(draft.id) == [(1, "manager", "e006", "pending")]
    assert env.audit_actions(draft.id) == ["request.drafted", "request.submitted", "request.pending"]
    assert env.wf.submit_draft(draft.id, env.person("e007")).code == "not_editable"


def test_a_draft_can_be_thrown_away(env: Env) -> None:
    draft = env.wf.create_draft(env.person("e007"), one_day_off()).request
    assert draft is not None and draft.id is not None
    assert env.wf.act(draft.id, env.person("e007"), "cancel").code == "cancelled"
    assert env.request(draft.id).status is Status.CANCELLED
