"""The request lifecycle as one state machine.

    draft → submitted → needs_info | pending | approved | rejected
    needs_info → submitted | cancelled
    pending / escalated → approved | rejected | needs_info | cancelled | escalated

Every transition is a compare-and-set on the request's version inside one SQLite
transaction, with its audit entry and its notifications, so a double click or a race
yields exactly one decision and the loser is told who decided.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from bot.approvers import pick_for_day, resolve_chain
from bot.archive import store as archive_store
from bot.clock import Clock
from bot.context import ContextBuilder, planned_usages
from bot.directory import Directory
from bot.models import (
    FINAL_STATUSES,
    ApprovalStep,
    ContractReview,
    Decision,
    Details,
    Employee,
    ExpenseClaim,
    LeaveRequest,
    Outcome,
    Request,
    Severity,
    Status,
)
from bot.rules.engine import contract_value_needed, decide
from bot.rules.loader import RuleSet
from bot.store import records
from bot.store.db import Store

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.CANCELLED}),
    Status.SUBMITTED: frozenset({Status.NEEDS_INFO, Status.PENDING, Status.APPROVED, Status.REJECTED}),
    Status.NEEDS_INFO: frozenset({Status.SUBMITTED, Status.CANCELLED}),
    Status.PENDING: frozenset(
        {Status.PENDING, Status.APPROVED, Status.REJECTED, Status.NEEDS_INFO, Status.CANCELLED, Status.ESCALATED}
    ),
    Status.ESCALATED: frozenset(
        {Status.ESCALATED, Status.PENDING, Status.APPROVED, Status.REJECTED, Status.NEEDS_INFO, Status.CANCELLED}
    ),
    # An approved request can still be cancelled (leave not yet taken); a rule rejection can be overridden.
    Status.APPROVED: frozenset({Status.CANCELLED}),
    Status.REJECTED: frozenset({Status.SUBMITTED}),
    Status.CANCELLED: frozenset(),
}

APPROVER_ACTIONS = ("approve", "reject", "request_changes")
ACTIONS = (*APPROVER_ACTIONS, "cancel", "override", "confirm_unpaid")


class TransitionError(Exception):
    pass


@dataclass(frozen=True)
class Result:
    """What happened, in words a handler can turn into a reply. `code` says which words."""

    ok: bool
    code: str
    request: Request | None = None
    data: dict[str, Any] = field(default_factory=dict)


class Workflow:
    def __init__(self, store: Store, rules: RuleSet, directory: Directory, clock: Clock) -> None:
        self.store = store
        self.rules = rules
        self.directory = directory
        self.clock = clock
        self.context = ContextBuilder(store, rules, directory)

    def set_directory(self, directory: Directory) -> None:
        self.directory = directory
        self.context.directory = directory

    # -- helpers -----------------------------------------------------------------------------

    def _now(self) -> tuple[str, dt.date]:
        now = self.clock.now()
        return now.isoformat(timespec="seconds"), now.date()

    def on_leave(self, employee_id: str, day: dt.date) -> bool:
        return bool(records.absences(self.store, [employee_id], day, day, full_days_only=True))

    def _move(self, req: Request, status: Status, at: str, **changes: Any) -> Request:
        if status not in TRANSITIONS[req.status]:
            raise TransitionError(f"request #{req.id}: {req.status.value} → {status.value} is not allowed")
        return replace(req, status=status, version=req.version + 1, updated_at=at, **changes)

    def _save(self, old: Request, new: Request) -> None:
        if not records.update_request(self.store, new, old.version):
            # Inside our IMMEDIATE transaction this means a stale read: let the caller report it.
            raise TransitionError(f"request #{old.id} changed meanwhile")

    def decide_for(
        self, requester: Employee, details: Details, today: dt.date, exclude_request_id: int | None = None
    ) -> Decision:
        return decide(details, self.context.build(requester, details, today, exclude_request_id))

    # -- submit ------------------------------------------------------------------------------

    def _insert(
        self,
        requester: Employee,
        details: Details,
        status: Status,
        at: str,
        source: str | None,
        decision: Decision | None = None,
        submitted_on: dt.date | None = None,
    ) -> Request:
        req = Request(
            id=None,
            kind=details.kind,
            requester_id=requester.id,
            details=details,
            status=status,
            decision=decision,
            version=1,
            created_at=at,
            updated_at=at,
            submitted_on=submitted_on,
        )
        req = replace(req, id=records.insert_request(self.store, req, source))
        action = "request.submitted" if status is Status.SUBMITTED else "request.drafted"
        self.store.audit(
            at, requester.id, action, req.id, {"kind": req.kind, "details": details.to_dict(), "source": source}
        )
        return req

    def submit(self, requester: Employee, details: Details, source: str | None = None) -> Result:
        at, today = self._now()
        with self.store.tx():
            decision = self.decide_for(requester, details, today)
            req = self._insert(requester, details, Status.SUBMITTED, at, source, decision, today)
            req = self._apply(req, decision, requester, at, today)
        return Result(True, req.status.value, req)

    def create_draft(self, requester: Employee, details: Details, source: str | None = None) -> Result:
        """Keep a request that is not sent yet (a form filled in part); `submit_draft` sends it."""
        at, _ = self._now()
        with self.store.tx():
            req = self._insert(requester, details, Status.DRAFT, at, source)
        return Result(True, "draft", req)

    def submit_draft(self, request_id: int, actor: Employee) -> Result:
        req = records.get_request(self.store, request_id)
        if req is None:
            return Result(False, "not_found", data={"id": request_id})
        if req.status is not Status.DRAFT:
            return Result(False, "not_editable", req, {"status": req.status.value})
        return self.update(request_id, actor, req.details, action="submitted")

    def _apply(self, req: Request, decision: Decision, requester: Employee, at: str, today: dt.date) -> Request:
        """Move a submitted request to where its decision sends it."""
        assert req.id is not None
        audit: dict[str, Any] = {
            "outcome": decision.outcome.value,
            "ruleset_version": decision.ruleset_version,
            "findings": [f"{f.rule_id}:{f.severity.value}" for f in decision.findings],
        }
        if decision.outcome is Outcome.AUTO_APPROVED:
            new = self._move(req, Status.APPROVED, at, decision=decision, decided_by="rules", decided_at=at)
            self._save(req, new)
            records.replace_steps(self.store, req.id, [])
            self._book_leave(new, at)
            self.store.audit(at, "rules", "request.auto_approved", req.id, audit)
            for role in decision.notify_roles:
                for person in self._role_people(role, requester):
                    records.notify(self.store, person.id, "auto_approved", req.id, {}, at)
            return new
        if decision.outcome is Outcome.REJECTED:
            new = self._move(req, Status.REJECTED, at, decision=decision, decided_by="rules", decided_at=at)
            self._save(req, new)
            records.replace_steps(self.store, req.id, [])
            self.store.audit(at, "rules", "request.rejected_by_rule", req.id, audit)
            return new
        if decision.outcome is Outcome.NEEDS_INFO:
            new = self._move(req, Status.NEEDS_INFO, at, decision=decision)
            self._save(req, new)
            records.replace_steps(self.store, req.id, [])
            self.store.audit(at, "rules", "request.needs_info", req.id, audit)
            return new
        try:
            steps = resolve_chain(
                decision.chain,
                requester,
                self.directory,
                self.rules.routing.fallback_roles,
                today,
                self.on_leave,
                req.id,
            )
        except LookupError as exc:
            # Nobody in the directory may approve it: keep the request and tell the admins.
            new = replace(req, decision=decision, version=req.version + 1, updated_at=at)
            self._save(req, new)
            self.store.audit(at, "rules", "request.no_approver", req.id, {**audit, "problem": str(exc)})
            for admin in self.directory.holders("admin"):
                records.notify(self.store, admin.id, "no_approver", req.id, {}, at)
            return new
        current = next(s for s in steps if s.status == "pending")
        new = self._move(req, Status.PENDING, at, decision=decision, current_step=current.seq)
        self._save(req, new)
        records.replace_steps(self.store, req.id, steps)
        audit["chain"] = [
            {"seq": s.seq, "role": s.role, "approver": s.approver_id, "via": s.via, "status": s.status} for s in steps
        ]
        self.store.audit(at, "rules", "request.pending", req.id, audit)
        records.notify(self.store, current.approver_id or "", "approval_needed", req.id, {"seq": current.seq}, at)
        return new

    def _role_people(self, role: str, requester: Employee) -> list[Employee]:
        if role == "manager":
            manager = self.directory.get(requester.manager_id) if requester.manager_id else None
            return [manager] if manager else []
        return [h for h in self.directory.holders(role) if h.id != requester.id]

    def _book_leave(self, req: Request, at: str) -> None:
        details = req.details
        if not isinstance(details, LeaveRequest):
            return
        usages = planned_usages(details, self.rules, req.id)
        if details.leave_type == "annual" and details.unpaid_days > 0:
            # The confirmed unpaid part is taken from the last days of the span (L5).
            paid_left = sum(u.days for u in usages) - details.unpaid_days
            paid, unpaid = [], []
            for u in usages:
                take = max(0.0, min(u.days, paid_left))
                paid_left -= take
                if take > 0:
                    paid.append(replace(u, days=take))
                if u.days - take > 0:
                    unpaid.append(replace(u, days=u.days - take, hours=0.0))
            records.add_leave_entries(self.store, req.requester_id, req.id, "annual", paid, at)
            records.add_leave_entries(self.store, req.requester_id, req.id, "unpaid", unpaid, at)
        else:
            records.add_leave_entries(self.store, req.requester_id, req.id, details.leave_type, usages, at)

    # -- the requester changes a request -----------------------------------------------------

    def update(self, request_id: int, actor: Employee, details: Details, action: str = "update") -> Result:
        """The requester completes or corrects a request waiting for information; it is decided again."""
        at, today = self._now()
        with self.store.tx():
            req = records.get_request(self.store, request_id)
            if req is None:
                return Result(False, "not_found", data={"id": request_id})
            if req.requester_id != actor.id:
                return Result(False, "not_yours", req)
            if req.status not in (Status.NEEDS_INFO, Status.DRAFT):
                return Result(False, "not_editable", req, {"status": req.status.value})
            if type(details) is not type(req.details):
                return Result(False, "not_editable", req, {"status": req.status.value})
            resubmitted = self._move(
                req,
                Status.SUBMITTED,
                at,
                details=details,
                submitted_on=today,
                reason=None,
                decided_by=None,
                decided_at=None,
            )
            self._save(req, resubmitted)
            # Both versions stay in the log: what it was, and what it is now.
            self.store.audit(
                at, actor.id, f"request.{action}", req.id,
                {"details": details.to_dict(), "before": req.details.to_dict(), "version": req.version},
            )  # fmt: skip
            # A receipt's 取引年月日/金額/取引先 follow the claim: the archive keeps a version per change (電帳法).
            assert req.id is not None
            archive_store.follow_request(self.store, self.rules.accounting.archive, req.id, at)
            decision = self.decide_for(actor, details, today, req.id)
            new = self._apply(resubmitted, decision, actor, at, today)
        return Result(True, new.status.value, new)

    # -- acting on a request -----------------------------------------------------------------

    def act(
        self,
        request_id: int,
        actor: Employee,
        action: str,
        reason: str | None = None,
        expected_version: int | None = None,
        amount_jpy: int | None = None,
    ) -> Result:
        """Approve, reject, request changes, cancel, override (E1) or confirm unpaid leave (L5).

        Authorisation fails closed: only the current step's approver or their delegate may
        decide, and never the requester. Finance approving a foreign-currency claim gives its
        yen amount (E8), which may add the steps that amount requires.
        """
        if action not in ACTIONS:
            return Result(False, "unknown_action", data={"action": action})
        at, today = self._now()
        with self.store.tx():
            req = records.get_request(self.store, request_id)
            if req is None:
                return Result(False, "not_found", data={"id": request_id})
            if expected_version is not None and req.version != expected_version:
                # A click on an old card: never let it decide whatever step the request is at now.
                if req.status in FINAL_STATUSES or req.status is Status.NEEDS_INFO:
                    return self._already(req)
                step = self.current_step(req)
                return Result(False, "stale", req, {"approver": step.approver_id if step else None})
            if action in APPROVER_ACTIONS:
                return self._decide_step(req, actor, action, reason, at, today, amount_jpy)
            if action == "cancel":
                return self._cancel(req, actor, reason, at, today)
            if action == "override":
                return self._override(req, actor, reason, at, today)
            return self._confirm_unpaid(req, actor, at, today)

    def _already(self, req: Request) -> Result:
        who = self.directory.get(req.decided_by) if req.decided_by else None
        return Result(
            False,
            "already_decided",
            req,
            {
                "status": req.status.value,
                "by": req.decided_by,
                "by_name_ja": who.name_ja if who else None,
                "by_name_en": who.name_en if who else None,
                "at": req.decided_at,
            },
        )

    def current_step(self, req: Request) -> ApprovalStep | None:
        if req.id is None or req.current_step is None:
            return None
        return next((s for s in records.get_steps(self.store, req.id) if s.seq == req.current_step), None)

    def may_decide(self, req: Request, actor: Employee) -> bool:
        step = self.current_step(req)
        if step is None or step.status != "pending" or actor.id == req.requester_id:
            return False
        if actor.id == step.approver_id:
            return True
        approver = self.directory.get(step.approver_id) if step.approver_id else None
        if not (approver and approver.delegate_id == actor.id):
            return False
        # Standing in for someone never lets one person approve two steps of the same request.
        steps = records.get_steps(self.store, req.id or 0)
        return not any(s.acted_by == actor.id for s in steps if s.seq != step.seq)

    def _decide_step(
        self,
        req: Request,
        actor: Employee,
        action: str,
        reason: str | None,
        at: str,
        today: dt.date,
        amount_jpy: int | None = None,
    ) -> Result:
        assert req.id is not None
        if req.status not in (Status.PENDING, Status.ESCALATED):
            return self._already(req)
        if actor.id == req.requester_id:
            return Result(False, "own_request", req)
        step = self.current_step(req)
        if step is None or not self.may_decide(req, actor):
            approver = self.directory.get(step.approver_id) if step and step.approver_id else None
            return Result(
                False,
                "not_approver",
                req,
                {
                    "approver": approver.id if approver else None,
                    "approver_name_ja": approver.name_ja if approver else None,
                    "approver_name_en": approver.name_en if approver else None,
                },
            )
        if action != "approve" and not (reason and reason.strip()):
            return Result(False, "reason_required", req, {"action": action})
        on_behalf = actor.id != step.approver_id
        audit = {
            "seq": step.seq,
            "role": step.role,
            "reason": reason,
            "on_behalf_of": step.approver_id if on_behalf else None,
        }
        if action == "approve":
            fixing = self._yen_step(req, step)
            if fixing and amount_jpy is None and req.details.amount_jpy is None:  # type: ignore[union-attr]
                return Result(False, "yen_required", req)
            if fixing and amount_jpy is not None:
                req = self._fix_yen(req, actor, amount_jpy, at, today)
            if self._contract_value_step(req, step):
                # C3: legal gives the contract value the checker could not read, as finance gives yen (E8).
                if amount_jpy is None:
                    threshold = self.rules.contracts.approval.ceo_from_yen
                    return Result(False, "value_required", req, {"threshold": f"¥{threshold:,}"})
                req = self._fix_contract_value(req, actor, amount_jpy, at, today)
            done = replace(step, status="approved", acted_by=actor.id, acted_at=at, comment=reason)
            records.update_step(self.store, done)
            following = [
                s for s in records.get_steps(self.store, step.request_id) if s.seq > step.seq and s.status == "waiting"
            ]
            if following:
                requester = self.directory.require(req.requester_id)
                nxt = pick_for_day(
                    replace(following[0], status="pending"), requester, self.directory, today, self.on_leave
                )
                records.update_step(self.store, nxt)
                # The next approver starts afresh: an escalation belonged to the step just decided.
                new = self._move(req, Status.PENDING, at, current_step=nxt.seq)
                self._save(req, new)
                self.store.audit(
                    at,
                    actor.id,
                    "request.step_approved",
                    req.id,
                    {**audit, "next": nxt.seq, "next_approver": nxt.approver_id},
                )
                records.notify(self.store, nxt.approver_id or "", "approval_needed", req.id, {"seq": nxt.seq}, at)
                records.notify(
                    self.store, req.requester_id, "step_approved", req.id, {"by": actor.id, "next": nxt.approver_id}, at
                )
                return Result(True, "advanced", new, {"next": nxt.approver_id})
            new = self._move(req, Status.APPROVED, at, decided_by=actor.id, decided_at=at, current_step=None)
            self._save(req, new)
            self._book_leave(new, at)
            self.store.audit(at, actor.id, "request.approved", req.id, audit)
            records.notify(self.store, req.requester_id, "decided", req.id, {"by": actor.id}, at)
            return Result(True, "approved", new)
        # Reject ends the request; request changes sends it back to the requester.
        step_status, status, event = {
            "reject": ("rejected", Status.REJECTED, "decided"),
            "request_changes": ("changes_requested", Status.NEEDS_INFO, "changes_requested"),
        }[action]
        records.update_step(
            self.store, replace(step, status=step_status, acted_by=actor.id, acted_at=at, comment=reason)
        )
        new = self._move(req, status, at, decided_by=actor.id, decided_at=at, reason=reason, current_step=None)
        self._save(req, new)
        self.store.audit(at, actor.id, f"request.{step_status}", req.id, audit)
        records.notify(self.store, req.requester_id, event, req.id, {"by": actor.id}, at)
        return Result(True, step_status, new)

    def _yen_step(self, req: Request, step: ApprovalStep) -> bool:
        details = req.details
        role = self.rules.expenses.foreign_currency.add_role
        return isinstance(details, ExpenseClaim) and details.currency != "JPY" and step.role == role

    def _contract_value_step(self, req: Request, step: ApprovalStep) -> bool:
        """The legal step of a contract whose value is still unknown (C3)."""
        details = req.details
        return (
            isinstance(details, ContractReview) and step.role == "legal" and contract_value_needed(details, self.rules)
        )

    def _fix_contract_value(self, req: Request, actor: Employee, amount_yen: int, at: str, today: dt.date) -> Request:
        """Record the contract value legal gave and add the CEO step when it reaches the threshold."""
        assert isinstance(req.details, ContractReview)
        details = replace(req.details, amount_yen=amount_yen)
        return self._redecide(req, actor, details, at, today, "request.contract_value_set", {"amount_yen": amount_yen})

    def _fix_yen(self, req: Request, actor: Employee, amount_jpy: int, at: str, today: dt.date) -> Request:
        """Record the yen amount and add any step it now requires (an amount over the CEO's limit)."""
        assert req.id is not None and isinstance(req.details, ExpenseClaim)
        details = replace(req.details, amount_jpy=amount_jpy)
        new = self._redecide(req, actor, details, at, today, "request.yen_fixed", {"amount_jpy": amount_jpy})
        archive_store.follow_request(self.store, self.rules.accounting.archive, req.id, at)  # the yen is 金額 now
        return new

    def _redecide(
        self, req: Request, actor: Employee, details: Details, at: str, today: dt.date, event: str, data: dict[str, Any]
    ) -> Request:
        """Decide again on details an approver completed, and add the steps the new decision needs."""
        assert req.id is not None
        requester = self.directory.require(req.requester_id)
        decision = self.decide_for(requester, details, today, req.id)
        steps = records.get_steps(self.store, req.id)
        have = {s.role for s in steps}
        missing = [spec for spec in decision.chain if spec.role not in have]
        if missing:
            added = resolve_chain(
                missing, requester, self.directory, self.rules.routing.fallback_roles, today, self.on_leave, req.id
            )
            taken = {s.approver_id for s in steps}
            last = max(s.seq for s in steps)
            for offset, extra in enumerate(added, start=1):
                status = "skipped" if extra.approver_id in taken else "waiting"
                records.insert_step(self.store, replace(extra, seq=last + offset, status=status))
        new = self._move(req, req.status, at, details=details, decision=decision)
        self._save(req, new)
        self.store.audit(at, actor.id, event, req.id, {**data, "added_roles": [m.role for m in missing]})
        return new

    def _cancel(self, req: Request, actor: Employee, reason: str | None, at: str, today: dt.date) -> Result:
        assert req.id is not None
        if actor.id != req.requester_id:
            return Result(False, "not_yours", req)
        if req.status in (Status.CANCELLED, Status.REJECTED):
            return self._already(req)
        if req.status is Status.APPROVED:
            started = isinstance(req.details, LeaveRequest) and req.details.start <= today
            if not isinstance(req.details, LeaveRequest) or started:
                return Result(False, "cannot_cancel", req, {"status": req.status.value})
        step = self.current_step(req) if req.status in (Status.PENDING, Status.ESCALATED) else None
        new = self._move(
            req, Status.CANCELLED, at, decided_by=actor.id, decided_at=at, reason=reason, current_step=None
        )
        self._save(req, new)
        voided = records.void_leave_for_request(self.store, req.id)
        self.store.audit(at, actor.id, "request.cancelled", req.id, {"reason": reason, "ledger_rows_voided": voided})
        if step and step.approver_id:
            records.notify(self.store, step.approver_id, "cancelled", req.id, {"by": actor.id}, at)
        return Result(True, "cancelled", new)

    def _override(self, req: Request, actor: Employee, reason: str | None, at: str, today: dt.date) -> Result:
        """Finance lets a claim past the submission deadline (E1) through; the rest of the rules still apply."""
        role = self.rules.expenses.submission_deadline.override_role
        if not isinstance(req.details, ExpenseClaim) or req.status is not Status.REJECTED or req.decided_by != "rules":
            return Result(False, "cannot_override", req, {"status": req.status.value})
        if actor.id == req.requester_id or not actor.has_role(role):
            return Result(False, "not_allowed", req, {"role": role})
        decision = req.decision
        if decision is None or not any(f.rule_id == "E1" and f.severity is Severity.REJECT for f in decision.findings):
            return Result(False, "cannot_override", req, {"status": req.status.value})
        details = replace(req.details, waived=(*req.details.waived, "E1"))
        resubmitted = self._move(req, Status.SUBMITTED, at, details=details, decided_by=None, decided_at=None)
        self._save(req, resubmitted)
        self.store.audit(at, actor.id, "request.override", req.id, {"rule_id": "E1", "reason": reason})
        requester = self.directory.require(req.requester_id)
        new = self._apply(resubmitted, self.decide_for(requester, details, today, req.id), requester, at, today)
        records.notify(self.store, req.requester_id, "overridden", req.id, {"by": actor.id}, at)
        return Result(True, "overridden", new)

    def _confirm_unpaid(self, req: Request, actor: Employee, at: str, today: dt.date) -> Result:
        if actor.id != req.requester_id:
            return Result(False, "not_yours", req)
        details = req.details
        block = next(
            (
                f
                for f in (req.decision.findings if req.decision else ())
                if f.rule_id == "L5" and f.severity is Severity.BLOCK
            ),
            None,
        )
        if req.status is not Status.NEEDS_INFO or not isinstance(details, LeaveRequest) or block is None:
            return Result(False, "nothing_to_confirm", req)
        shortfall = float(block.data.get("shortfall", 0.0))
        return self.update(req.id or 0, actor, replace(details, unpaid_days=shortfall), action="confirm_unpaid")

    # -- scheduled work ----------------------------------------------------------------------

    def escalate(self, request_id: int, reason: str = "timeout") -> Result:
        """Move a stalled step one level up the line (a clock tick calls this)."""
        at, _ = self._now()
        with self.store.tx():
            req = records.get_request(self.store, request_id)
            if req is None or req.status not in (Status.PENDING, Status.ESCALATED):
                return Result(False, "not_pending", req)
            step = self.current_step(req)
            approver = self.directory.get(step.approver_id) if step and step.approver_id else None
            upper = self.directory.get(approver.manager_id) if approver and approver.manager_id else None
            if step is None or upper is None or upper.id == req.requester_id:
                return Result(False, "no_one_above", req)
            moved = replace(
                step,
                approver_id=upper.id,
                via="escalation",
                original_approver_id=step.original_approver_id or step.approver_id,
            )
            records.update_step(self.store, moved)
            new = self._move(req, Status.ESCALATED, at)
            self._save(req, new)
            self.store.audit(
                at,
                "scheduler",
                "request.escalated",
                req.id,
                {"seq": step.seq, "from": step.approver_id, "to": upper.id, "reason": reason},
            )
            records.notify(self.store, upper.id, "approval_needed", req.id, {"seq": step.seq, "escalated": True}, at)
        return Result(True, "escalated", new)

    def lapse(self, request_id: int, working_days: int) -> Result:
        """A claim that waited for information too long is cancelled, with a note saying why (a clock tick calls
        this); the requester is told and can send it again."""
        at, _ = self._now()
        with self.store.tx():
            req = records.get_request(self.store, request_id)
            if req is None or req.status is not Status.NEEDS_INFO:
                return Result(False, "not_waiting", req)
            new = self._move(
                req, Status.CANCELLED, at, decided_by="scheduler", decided_at=at, reason="lapsed", current_step=None
            )
            self._save(req, new)
            records.void_leave_for_request(self.store, request_id)
            self.store.audit(at, "scheduler", "request.lapsed", request_id, {"after_working_days": working_days})
            records.notify(self.store, req.requester_id, "lapsed", request_id, {"days": working_days}, at)
        return Result(True, "lapsed", new)
