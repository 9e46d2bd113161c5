"""Rebuild every request's state from the audit log alone and compare it with the tables.

A keyed chain proves the log was not edited; it says nothing about the `requests` and `approval_steps`
tables, which someone with the database can change directly ("approved" written over "pending"). Every
entry about a request carries, under "after", the state that request had when the entry was written, read
from the tables inside the same transaction (`snapshot`). The last such state must be what the tables hold
now; anything else was changed outside the workflow.

Entries written before states were recorded (schema 8 and older) carry only the action and its data. For
those the state is rebuilt by replaying the actions as the workflow performs them; where an old entry
lacks what is needed (the steps a yen fix added, the version number) that part is not compared, and a note
says so.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from bot.store.audit import canonical


class _Unknown:
    """A value old entries do not let us rebuild: never compared. One instance, kept by copies too."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Unknown:
        return self

    def __copy__(self) -> _Unknown:
        return self

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def details_digest(details: Any) -> str:
    """A digest of a request's details (amount, dates, category …) in canonical JSON, so that the state kept
    in every entry stays small and still pins the details."""
    if isinstance(details, str):
        try:
            details = json.loads(details)
        except ValueError:
            return hashlib.sha256(details.encode("utf-8")).hexdigest()
    return hashlib.sha256(canonical(details).encode("utf-8")).hexdigest()


def snapshot(db: sqlite_utils.Database, request_id: int) -> dict[str, Any] | None:
    """A request's state as the tables hold it: status, current step, who decided, version, a digest of its
    details, and each approval step (seq, status, approver, acted by)."""
    row = db.execute(
        "SELECT kind, requester_id, status, current_step, decided_by, version, details FROM requests WHERE id = ?",
        (request_id,),
    ).fetchone()
    if row is None:
        return None
    kind, requester, status, current_step, decided_by, version, details = row
    steps = db.execute(
        "SELECT seq, status, approver_id, acted_by FROM approval_steps WHERE request_id = ? ORDER BY seq",
        (request_id,),
    ).fetchall()
    return {
        "kind": kind,
        "requester": requester,
        "status": status,
        "current_step": current_step,
        "decided_by": decided_by,
        "version": version,
        "details_sha256": details_digest(details),
        "steps": [list(s) for s in steps],
    }


@dataclass
class State:
    kind: Any = UNKNOWN
    requester: Any = UNKNOWN
    status: Any = UNKNOWN
    current_step: Any = UNKNOWN
    decided_by: Any = UNKNOWN
    version: Any = UNKNOWN
    details: Any = UNKNOWN  # the details dict (old entries) — compared by digest
    details_sha256: Any = UNKNOWN
    steps: dict[int, list[Any]] = field(default_factory=dict)  # seq → [status, approver, acted_by]
    steps_complete: bool = True  # False: an old entry added steps it did not list
    since: int = 0  # the entry this state was last set by
    rebuilt: bool = False  # True: replayed from old entries, not read from a recorded state

    @classmethod
    def recorded(cls, after: dict[str, Any], entry_id: int) -> State:
        return cls(
            kind=after.get("kind", UNKNOWN),
            requester=after.get("requester", UNKNOWN),
            status=after.get("status", UNKNOWN),
            current_step=after.get("current_step", UNKNOWN),
            decided_by=after.get("decided_by", UNKNOWN),
            version=after.get("version", UNKNOWN),
            details_sha256=after.get("details_sha256", UNKNOWN),
            steps={int(s[0]): list(s[1:4]) for s in after.get("steps", [])},
            since=entry_id,
        )

    def digest(self) -> Any:
        return self.details_sha256 if self.details is UNKNOWN else details_digest(self.details)

    def set_details(self, details: Any) -> None:
        """New details (UNKNOWN when an old entry changed them without saying to what)."""
        self.details, self.details_sha256 = details, UNKNOWN


def _set_step(state: State, seq: Any, status: str, actor: Any = UNKNOWN, approver: Any = UNKNOWN) -> None:
    if not isinstance(seq, int):
        state.steps_complete = False
        return
    old = state.steps.get(seq, [UNKNOWN, UNKNOWN, None])
    state.steps[seq] = [status, old[1] if approver is UNKNOWN else approver, old[2] if actor is UNKNOWN else actor]


def replay_old(prev: State | None, entry_id: int, actor: str | None, action: str, data: dict[str, Any]) -> State | None:
    """One entry applied to the state before it, as the workflow applies that action (bot/workflow.py);
    None for an action this version does not know."""
    s = prev if prev is not None else State()
    s.since, s.rebuilt, s.version = entry_id, True, UNKNOWN
    verb = action.removeprefix("request.")
    if prev is None and verb in ("submitted", "drafted"):
        s.kind, s.requester = data.get("kind", UNKNOWN), actor
        s.status = "draft" if verb == "drafted" else "submitted"
        s.current_step, s.decided_by, s.steps = None, None, {}
        s.set_details(data.get("details", UNKNOWN))
    elif verb in ("auto_approved", "rejected_by_rule", "needs_info"):
        s.status = {"auto_approved": "approved", "rejected_by_rule": "rejected", "needs_info": "needs_info"}[verb]
        if verb != "needs_info":
            s.decided_by = "rules"
        s.steps, s.steps_complete = {}, True
    elif verb == "no_approver":
        pass  # the request stays as it is, with nobody to approve it
    elif verb == "pending":
        chain = data.get("chain") or []
        s.status = "pending"
        s.steps = {int(c["seq"]): [c.get("status"), c.get("approver"), None] for c in chain}
        s.steps_complete = True
        s.current_step = next((int(c["seq"]) for c in chain if c.get("status") == "pending"), None)
    elif verb == "step_approved":
        _set_step(s, data.get("seq"), "approved", actor)
        _set_step(s, data.get("next"), "pending", approver=data.get("next_approver"))
        s.status, s.current_step = "pending", data.get("next", UNKNOWN)
    elif verb in ("approved", "rejected", "changes_requested"):
        _set_step(s, data.get("seq"), verb, actor)
        s.status = {"approved": "approved", "rejected": "rejected", "changes_requested": "needs_info"}[verb]
        s.decided_by, s.current_step = actor, None
    elif verb == "yen_fixed":
        s.set_details({**s.details, "amount_jpy": data["amount_jpy"]} if isinstance(s.details, dict) else UNKNOWN)
        if data.get("added_roles"):
            s.steps_complete = False  # the steps a yen fix added were not listed in entries of that time
    elif verb == "cancelled":
        s.status, s.decided_by, s.current_step = "cancelled", actor, None
    elif verb == "override":
        if isinstance(s.details, dict):
            waived = [*(s.details.get("waived") or []), data.get("rule_id", "E1")]
            s.set_details({**s.details, "waived": waived})
        else:
            s.set_details(UNKNOWN)
        s.status, s.decided_by = "submitted", None
    elif verb == "escalated":
        seq = data.get("seq")
        if isinstance(seq, int) and seq in s.steps:
            s.steps[seq][1] = data.get("to")
        else:
            s.steps_complete = False
        s.status = "escalated"
    elif "details" in data:
        # The requester's changes (update, attach, confirm_unpaid, a draft sent): decided again from scratch.
        s.status, s.decided_by = "submitted", None
        s.set_details(data["details"])
    else:
        return None
    return s


@dataclass
class ReplayResult:
    problems: list[str]
    notes: list[str]
    requests: int


_FIELDS = (
    ("kind", "kind"),
    ("requester", "requester"),
    ("status", "status"),
    ("current_step", "current step"),
    ("decided_by", "decided by"),
    ("version", "version"),
)


def _show(value: Any) -> str:
    return "none" if value is None else str(value)


def _step_text(step: list[Any]) -> str:
    status, approver, acted_by = step
    parts = [_show(status)]
    if approver is not UNKNOWN:
        parts.append(f"approver {_show(approver)}")
    if acted_by:
        parts.append(f"acted by {acted_by}")
    return ", ".join(parts)


def compare(db: sqlite_utils.Database) -> ReplayResult:
    """Every request the log or the tables know, rebuilt from the log and compared with the tables.

    Each entry is also replayed from the state before it: a recorded state that the workflow's action cannot
    have produced from the previous one means the tables were changed between the two entries (an approver
    swapped, then the swapped-in approver approving through the workflow, is caught there)."""
    expected: dict[int, State] = {}
    problems: list[str] = []
    for entry_id, actor, action, request_id, data in db.execute(
        "SELECT id, actor, action, request_id, data FROM audit_log WHERE request_id IS NOT NULL ORDER BY id"
    ):
        try:
            payload = json.loads(data)
        except (TypeError, ValueError):
            continue  # the chain check names an entry whose data is not JSON
        if not isinstance(payload, dict):
            continue
        prev = expected.get(request_id)
        emulated = _emulate(prev, entry_id, actor, action, payload)
        after = payload.get("after")
        if isinstance(after, dict):
            state = State.recorded(after, entry_id)
            if emulated is not None:
                if prev is not None:
                    problems.extend(
                        f"request #{request_id}: changed outside the workflow before entry {entry_id} "
                        f"(after entry {prev.since}): {d}"
                        for d in _differences(emulated, after, "when the entry was written")
                    )
                if emulated.details is not UNKNOWN and details_digest(emulated.details) == state.details_sha256:
                    state.details = emulated.details  # kept, so that a later yen fix or override can be replayed
            expected[request_id] = state
        elif emulated is not None:
            # An entry from before states were recorded: its version is not pinned by anything it says.
            emulated.version = UNKNOWN
            expected[request_id] = emulated
    rebuilt: list[int] = []
    partial: list[int] = []
    table_ids = [r[0] for r in db.execute("SELECT id FROM requests ORDER BY id")]
    for rid in table_ids:
        known = expected.get(rid)
        if known is None:
            problems.append(f"request #{rid}: in the requests table, but the log has no entry for it "
                            "(written outside the workflow)")  # fmt: skip
            continue
        table = snapshot(db, rid)
        assert table is not None
        if known.rebuilt:
            rebuilt.append(rid)
        if not known.steps_complete:
            partial.append(rid)
        problems.extend(
            f"request #{rid}: {d} (entry {known.since})" for d in _differences(known, table, "in the table")
        )
    for rid in sorted(set(expected) - set(table_ids)):
        problems.append(f"request #{rid}: the log records it (last at entry {expected[rid].since}) but it is "
                        "missing from the requests table (deleted)")  # fmt: skip
    notes: list[str] = []
    if rebuilt:
        notes.append(
            f"{len(rebuilt)} request(s) were last changed before the log recorded each request's state; rebuilt "
            f"by replaying their actions, without checking the version number: {_ids(rebuilt)}"
        )
    if partial:
        notes.append(f"request(s) {_ids(partial)}: an old entry added approval steps it did not list, so only "
                     "the steps the log names are compared")  # fmt: skip
    return ReplayResult(problems, notes, len(set(expected) | set(table_ids)))


def _emulate(prev: State | None, entry_id: int, actor: str | None, action: str, data: dict[str, Any]) -> State | None:
    """The state the workflow's action leaves, from the state before it; None when nothing can be said."""
    if not action.startswith("request."):
        # Only the workflow's request.* entries change a request: any other entry leaves it as it was.
        if prev is None:
            return None
        same = copy.deepcopy(prev)
        same.since = entry_id
        return same
    state = replay_old(copy.deepcopy(prev) if prev is not None else None, entry_id, actor, action, data)
    if state is None:
        # An action this version does not know: nothing about the request can be said until a recorded state.
        return State(since=entry_id, rebuilt=True, steps_complete=False)
    # Every request.* entry records exactly one compare-and-set of the request: its version goes up by one.
    if prev is None:
        state.version = 1
    elif prev.version is not UNKNOWN:
        state.version = prev.version + 1
    return state


def _differences(want: State, have: dict[str, Any], where: str) -> list[str]:
    """What `have` (a snapshot: the tables now, or a recorded state) says that `want` does not, in words;
    `where` says where `have` comes from."""
    found = []
    for name, label in _FIELDS:
        value = getattr(want, name)
        if value is not UNKNOWN and have.get(name) != value:
            found.append(f"{label} is {_show(have.get(name))} {where}, the log says {_show(value)}")
    digest = want.digest()
    if digest is not UNKNOWN and have.get("details_sha256") != digest:
        found.append(f"its details (amount, dates, category…) {where} differ from those the log records")
    found.extend(_compare_steps(want, {int(s[0]): list(s[1:4]) for s in have.get("steps", [])}, where))
    return found


def _compare_steps(want: State, have: dict[int, list[Any]], where: str) -> list[str]:
    found = []
    for seq in sorted(set(want.steps) | set(have)):
        expected, actual = want.steps.get(seq), have.get(seq)
        if expected is None:
            if want.steps_complete and actual is not None:
                found.append(f"step {seq} ({_step_text(actual)}) is there {where}, but not in the log")
            continue
        if actual is None:
            found.append(f"step {seq} ({_step_text(expected)}) is in the log, but missing {where}")
            continue
        if any(w is not UNKNOWN and w != h for w, h in zip(expected, actual, strict=True)):
            found.append(f"step {seq} is {_step_text(actual)} {where}, the log says {_step_text(expected)}")
    return found


def _ids(ids: list[int]) -> str:
    shown = ", ".join(f"#{i}" for i in ids[:20])
    return shown + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
