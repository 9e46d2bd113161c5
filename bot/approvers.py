"""Turn the roles a decision requires into people, from the directory, on a given day.

Nobody approves their own request; an approver on leave that day is replaced by their
delegate, else by the next step up; a step nobody can take goes to the fallback roles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from bot.directory import Directory
from bot.models import ApprovalStep, Employee, StepSpec

OnLeave = Callable[[str, dt.date], bool]


def _up_chain(start: Employee | None, directory: Directory, exclude: set[str]) -> list[Employee]:
    """`start` and the managers above it, skipping the excluded people, without looping."""
    found: list[Employee] = []
    seen: set[str] = set()
    person = start
    while person is not None and person.id not in seen:
        seen.add(person.id)
        if person.id not in exclude and person.active:
            found.append(person)
        person = directory.get(person.manager_id) if person.manager_id else None
    return found


def candidates(role: str, requester: Employee, directory: Directory, taken: set[str]) -> list[Employee]:
    """Who could take a step for `role`, best first."""
    exclude = {requester.id}
    if role == "manager":
        manager = directory.get(requester.manager_id) if requester.manager_id else None
        return _up_chain(manager, directory, exclude)
    holders = [h for h in directory.holders(role) if h.id not in exclude]
    # Prefer a holder not already in the chain, so two roles mean two pairs of eyes.
    return sorted(holders, key=lambda h: h.id in taken)


def _fallback(requester: Employee, directory: Directory, fallback_roles: Sequence[str]) -> Employee | None:
    for role in fallback_roles:
        for h in directory.holders(role):
            if h.id != requester.id:
                return h
    return None


def pick_for_day(
    step: ApprovalStep, requester: Employee, directory: Directory, day: dt.date, on_leave: OnLeave
) -> ApprovalStep:
    """Re-check a step's approver on the day it reaches them: delegate or next step up when off."""
    approver = directory.get(step.approver_id) if step.approver_id else None
    if approver is None or not on_leave(approver.id, day):
        return step
    delegate = directory.get(approver.delegate_id) if approver.delegate_id else None
    if delegate and delegate.active and delegate.id != requester.id and not on_leave(delegate.id, day):
        return _replace(step, delegate.id, "delegate", approver.id)
    upper = directory.get(approver.manager_id) if approver.manager_id else None
    for person in _up_chain(upper, directory, {requester.id}):
        if not on_leave(person.id, day):
            return _replace(step, person.id, "next_up", approver.id)
    return step  # everyone up the line is off: the step waits for the approver


def _replace(step: ApprovalStep, approver_id: str, via: str, original: str) -> ApprovalStep:
    return ApprovalStep(
        request_id=step.request_id,
        seq=step.seq,
        role=step.role,
        approver_id=approver_id,
        status=step.status,
        via=via,
        original_approver_id=original,
        rule_ids=step.rule_ids,
    )


def resolve_chain(
    specs: Sequence[StepSpec],
    requester: Employee,
    directory: Directory,
    fallback_roles: Sequence[str],
    day: dt.date,
    on_leave: OnLeave,
    request_id: int = 0,
) -> list[ApprovalStep]:
    steps: list[ApprovalStep] = []
    taken: set[str] = set()
    for seq, spec in enumerate(specs, start=1):
        people = candidates(spec.role, requester, directory, taken)
        via = "manager" if spec.role == "manager" else "role"
        person = people[0] if people else _fallback(requester, directory, fallback_roles)
        if not people:
            via = "fallback"
        if person is None:
            raise LookupError(f"nobody can approve the {spec.role} step for {requester.id}")
        status = "waiting"
        if person.id in taken:
            status = "skipped"  # the same person already approves an earlier step
        step = ApprovalStep(request_id, seq, spec.role, person.id, status=status, via=via, rule_ids=spec.rule_ids)
        if status == "waiting" and not steps_pending(steps):
            step = pick_for_day(
                ApprovalStep(request_id, seq, spec.role, person.id, status="pending", via=via, rule_ids=spec.rule_ids),
                requester,
                directory,
                day,
                on_leave,
            )
        taken.add(step.approver_id or person.id)
        steps.append(step)
    return steps


def steps_pending(steps: Sequence[ApprovalStep]) -> bool:
    return any(s.status == "pending" for s in steps)
