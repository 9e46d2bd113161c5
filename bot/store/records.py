"""Reading and writing the core's records. Writes expect to run inside `Store.tx()`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.leave_ledger import Grant, Usage
from bot.models import DETAIL_TYPES, ApprovalStep, Decision, Employee, Request, Status
from bot.store.db import Store, dumps

# -- employees -------------------------------------------------------------------------------


def save_employees(store: Store, employees: Sequence[Employee], at: str, actor: str | None, source: str) -> None:
    """Replace the directory with `employees` (people missing from it are kept, made inactive)."""
    with store.tx() as db:
        incoming = {e.id for e in employees}
        existing = {r[0] for r in db.execute("SELECT id FROM employees")}
        gone = sorted(existing - incoming)
        # Clear unique e-mails first so two people may swap addresses within one import.
        db.execute("UPDATE employees SET email = 'tmp:' || id")
        for e in employees:
            row = e.to_row()
            cols = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            db.execute(f"INSERT OR REPLACE INTO employees ({cols}) VALUES ({marks})", tuple(row.values()))
        for emp_id in gone:
            db.execute("UPDATE employees SET active = 0, email = 'inactive:' || id WHERE id = ?", (emp_id,))
        store.audit(
            at, actor, "directory.import", None, {"source": source, "count": len(employees), "deactivated": gone}
        )


def load_employees(store: Store) -> list[Employee]:
    return [Employee.from_row(r) for r in store.query("SELECT * FROM employees ORDER BY id")]


# -- requests --------------------------------------------------------------------------------


def _request_from_row(row: dict[str, Any]) -> Request:
    kind = row["kind"]
    details = DETAIL_TYPES[kind].from_dict(json.loads(row["details"]))
    decision = Decision.from_dict(json.loads(row["decision"])) if row["decision"] else None
    return Request(
        id=row["id"],
        kind=kind,
        requester_id=row["requester_id"],
        details=details,
        status=Status(row["status"]),
        decision=decision,
        version=row["version"],
        current_step=row["current_step"],
        created_at=row["created_at"] or "",
        updated_at=row["updated_at"] or "",
        submitted_on=dt.date.fromisoformat(row["submitted_on"]) if row["submitted_on"] else None,
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        reason=row["reason"],
    )


def _columns(req: Request) -> dict[str, Any]:
    return {
        "status": req.status.value,
        "details": dumps(req.details.to_dict()),
        "decision": dumps(req.decision.to_dict()) if req.decision else None,
        "ruleset_version": req.decision.ruleset_version if req.decision else None,
        "version": req.version,
        "current_step": req.current_step,
        "updated_at": req.updated_at,
        "submitted_on": req.submitted_on.isoformat() if req.submitted_on else None,
        "decided_by": req.decided_by,
        "decided_at": req.decided_at,
        "reason": req.reason,
    }


def insert_request(store: Store, req: Request, source: str | None = None) -> int:
    row = {
        **_columns(req),
        "kind": req.kind,
        "requester_id": req.requester_id,
        "created_at": req.created_at,
        "source": source,
    }
    cur = store.execute(
        f"INSERT INTO requests ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values())
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def update_request(store: Store, req: Request, expected_version: int) -> bool:
    """Compare-and-set: writes only if nobody changed the request since `expected_version`."""
    row = _columns(req)
    cur = store.execute(
        f"UPDATE requests SET {', '.join(f'{k}=?' for k in row)} WHERE id=? AND version=?",
        (*row.values(), req.id, expected_version),
    )
    return cur.rowcount == 1


def get_request(store: Store, request_id: int) -> Request | None:
    rows = store.query("SELECT * FROM requests WHERE id = ?", (request_id,))
    return _request_from_row(rows[0]) if rows else None


def list_requests(
    store: Store,
    requester_id: str | None = None,
    statuses: Iterable[Status] | None = None,
    kind: str | None = None,
    limit: int = 50,
) -> list[Request]:
    where, params = ["1=1"], []
    if requester_id:
        where.append("requester_id = ?")
        params.append(requester_id)
    if kind:
        where.append("kind = ?")
        params.append(kind)
    if statuses is not None:
        values = [s.value for s in statuses]
        where.append(f"status IN ({','.join('?' for _ in values)})")
        params.extend(values)
    sql = f"SELECT * FROM requests WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?"
    return [_request_from_row(r) for r in store.query(sql, (*params, limit))]


# -- approval steps --------------------------------------------------------------------------


def _step_from_row(row: dict[str, Any]) -> ApprovalStep:
    return ApprovalStep(
        id=row["id"],
        request_id=row["request_id"],
        seq=row["seq"],
        role=row["role"],
        approver_id=row["approver_id"],
        status=row["status"],
        via=row["via"] or "",
        original_approver_id=row["original_approver_id"],
        acted_by=row["acted_by"],
        acted_at=row["acted_at"],
        comment=row["comment"],
        rule_ids=tuple(json.loads(row["rule_ids"] or "[]")),
    )


def replace_steps(store: Store, request_id: int, steps: Sequence[ApprovalStep]) -> None:
    store.execute("DELETE FROM approval_steps WHERE request_id = ?", (request_id,))
    for s in steps:
        insert_step(store, s)


def insert_step(store: Store, s: ApprovalStep) -> None:
    store.execute(
        "INSERT INTO approval_steps (request_id, seq, role, approver_id, original_approver_id, via, status, "
        "acted_by, acted_at, comment, rule_ids) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            s.request_id,
            s.seq,
            s.role,
            s.approver_id,
            s.original_approver_id,
            s.via,
            s.status,
            s.acted_by,
            s.acted_at,
            s.comment,
            dumps(list(s.rule_ids)),
        ),
    )


def update_step(store: Store, step: ApprovalStep) -> None:
    store.execute(
        "UPDATE approval_steps SET approver_id=?, original_approver_id=?, via=?, status=?, acted_by=?, acted_at=?, "
        "comment=? WHERE request_id=? AND seq=?",
        (
            step.approver_id,
            step.original_approver_id,
            step.via,
            step.status,
            step.acted_by,
            step.acted_at,
            step.comment,
            step.request_id,
            step.seq,
        ),
    )


def get_steps(store: Store, request_id: int) -> list[ApprovalStep]:
    rows = store.query("SELECT * FROM approval_steps WHERE request_id = ? ORDER BY seq", (request_id,))
    return [_step_from_row(r) for r in rows]


def pending_for_approver(store: Store, approver_ids: Sequence[str]) -> list[int]:
    if not approver_ids:
        return []
    marks = ",".join("?" for _ in approver_ids)
    rows = store.query(
        f"SELECT s.request_id FROM approval_steps s JOIN requests r ON r.id = s.request_id "
        f"WHERE s.status = 'pending' AND s.approver_id IN ({marks}) AND r.status IN ('pending', 'escalated') "
        "ORDER BY s.request_id",
        tuple(approver_ids),
    )
    return [r["request_id"] for r in rows]


# -- leave ledger ----------------------------------------------------------------------------


def add_leave_entries(
    store: Store,
    employee_id: str,
    request_id: int | None,
    leave_type: str,
    entries: Sequence[Usage],
    at: str,
    note: str = "",
) -> None:
    for u in entries:
        store.execute(
            "INSERT INTO leave_ledger (employee_id, entry, date, days, hours, leave_type, request_id, note, "
            "created_at) VALUES (?, 'use', ?, ?, ?, ?, ?, ?, ?)",
            (employee_id, u.date.isoformat(), u.days, u.hours, leave_type, request_id, note, at),
        )


def add_manual_grant(store: Store, employee_id: str, grant: Grant, at: str, note: str = "") -> None:
    store.execute(
        "INSERT INTO leave_ledger (employee_id, entry, date, days, leave_type, expires, note, created_at) "
        "VALUES (?, 'grant', ?, ?, 'annual', ?, ?, ?)",
        (employee_id, grant.date.isoformat(), grant.days, grant.expires.isoformat(), note, at),
    )


def void_leave_for_request(store: Store, request_id: int) -> int:
    return store.execute("UPDATE leave_ledger SET void = 1 WHERE request_id = ? AND void = 0", (request_id,)).rowcount


def leave_usages(store: Store, employee_id: str, leave_type: str = "annual") -> list[Usage]:
    rows = store.query(
        "SELECT entry, date, days, hours, request_id FROM leave_ledger WHERE employee_id = ? "
        "AND entry IN ('use', 'adjust') AND leave_type = ? AND void = 0 ORDER BY date, id",
        (employee_id, leave_type),
    )
    return [
        Usage(dt.date.fromisoformat(r["date"]), r["days"], r["hours"] or 0.0, r["request_id"], r["entry"] == "adjust")
        for r in rows
    ]


def add_adjustment(store: Store, employee_id: str, day: dt.date, days: float, at: str, note: str) -> None:
    """Days used before the bot kept the ledger (an opening balance): they count against the
    balance, oldest grant first, but not as leave taken in the year (L9)."""
    store.execute(
        "INSERT INTO leave_ledger (employee_id, entry, date, days, hours, leave_type, note, created_at) "
        "VALUES (?, 'adjust', ?, ?, 0, 'annual', ?, ?)",
        (employee_id, day.isoformat(), days, note, at),
    )


def manual_grants(store: Store, employee_id: str) -> list[Grant]:
    rows = store.query(
        "SELECT date, days, expires FROM leave_ledger WHERE employee_id = ? AND entry = 'grant' AND void = 0",
        (employee_id,),
    )
    return [
        Grant(dt.date.fromisoformat(r["date"]), r["days"], dt.date.fromisoformat(r["expires"]), "manual") for r in rows
    ]


def absences(
    store: Store, employee_ids: Sequence[str], start: dt.date, end: dt.date, full_days_only: bool = False
) -> list[tuple[str, dt.date]]:
    """Who is on approved leave on which day (any type), from the ledger."""
    if not employee_ids:
        return []
    marks = ",".join("?" for _ in employee_ids)
    extra = " AND days >= 1" if full_days_only else ""
    rows = store.query(
        f"SELECT DISTINCT employee_id, date FROM leave_ledger WHERE entry = 'use' AND void = 0 "
        f"AND employee_id IN ({marks}) AND date BETWEEN ? AND ?{extra}",
        (*employee_ids, start.isoformat(), end.isoformat()),
    )
    return [(r["employee_id"], dt.date.fromisoformat(r["date"])) for r in rows]


# -- notifications ---------------------------------------------------------------------------


def notify(store: Store, recipient_id: str, event: str, request_id: int | None, data: dict[str, Any], at: str) -> None:
    store.execute(
        "INSERT INTO notifications (recipient_id, event, request_id, data, created_at) VALUES (?,?,?,?,?)",
        (recipient_id, event, request_id, dumps(data), at),
    )


def undelivered(store: Store, recipient_id: str) -> list[dict[str, Any]]:
    return undelivered_for(store, [recipient_id])


def is_delivered(store: Store, notification_id: int) -> bool:
    rows = store.query("SELECT delivered_at FROM notifications WHERE id = ?", (notification_id,))
    return bool(rows and rows[0]["delivered_at"])


def mark_delivered(store: Store, ids: Sequence[int], at: str) -> None:
    with store.tx():
        for i in ids:
            store.execute("UPDATE notifications SET delivered_at = ? WHERE id = ?", (at, i))


# -- attachments -----------------------------------------------------------------------------


def add_attachment(
    store: Store, request_id: int, name: str, path: str, sha256: str, size: int, added_by: str, at: str
) -> int:
    cur = store.execute(
        "INSERT INTO attachments (request_id, name, path, sha256, size, added_by, added_at) VALUES (?,?,?,?,?,?,?)",
        (request_id, name, path, sha256, size, added_by, at),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


# -- conversations ---------------------------------------------------------------------------


def get_conversation(store: Store, employee_id: str) -> dict[str, Any] | None:
    rows = store.query("SELECT * FROM conversations WHERE employee_id = ?", (employee_id,))
    if not rows:
        return None
    row = rows[0]
    row["fields"] = json.loads(row["fields"] or "{}")
    return row


def save_conversation(
    store: Store, employee_id: str, kind: str, fields: dict[str, Any], asking: str, text: str, at: str
) -> None:
    store.execute(
        "INSERT OR REPLACE INTO conversations (employee_id, kind, fields, asking, text, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (employee_id, kind, dumps(fields), asking, text, at),
    )


def end_conversation(store: Store, employee_id: str) -> None:
    store.execute("DELETE FROM conversations WHERE employee_id = ?", (employee_id,))


# -- slack cards -----------------------------------------------------------------------------


def add_slack_card(store: Store, request_id: int, employee_id: str, channel: str, ts: str, at: str) -> None:
    store.execute(
        "INSERT INTO slack_cards (request_id, employee_id, channel, ts, posted_at) VALUES (?, ?, ?, ?, ?)",
        (request_id, employee_id, channel, ts, at),
    )


def slack_cards(store: Store, request_id: int) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM slack_cards WHERE request_id = ? ORDER BY id", (request_id,))


def undelivered_for(store: Store, recipient_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Notifications waiting for any of these people, oldest first."""
    if not recipient_ids:
        return []
    marks = ",".join("?" for _ in recipient_ids)
    rows = store.query(
        f"SELECT * FROM notifications WHERE delivered_at IS NULL AND recipient_id IN ({marks}) ORDER BY id",
        tuple(recipient_ids),
    )
    for r in rows:
        r["data"] = json.loads(r["data"] or "{}")
    return rows


def remember_slack_identity(store: Store, slack_user_id: str, employee_id: str, at: str) -> None:
    store.execute(
        "INSERT OR REPLACE INTO slack_identities (slack_user_id, employee_id, found_at) VALUES (?, ?, ?)",
        (slack_user_id, employee_id, at),
    )


def slack_identities(store: Store) -> dict[str, str]:
    """Employee id → Slack id, for people matched by e-mail."""
    return {r["employee_id"]: r["slack_user_id"] for r in store.query("SELECT * FROM slack_identities")}


# -- policy questions ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    """One policy question asked in chat, from the bot's answer to the team's, and the asker's vote."""

    id: int
    asker_id: str
    platform: str
    text: str
    locale: str
    answer: str
    source: str  # quoted | llm
    confident: bool
    confidence: float
    citations: tuple[str, ...]  # section ids: cited when confident, the closest when not
    owner: str | None  # the team that answers for it
    status: str  # answered | unsure | asked | relayed
    asked_at: str | None
    relayed_answer: str | None
    answered_by: str | None
    answered_at: str | None
    faq_section: str | None
    feedback: int | None  # +1 | -1 | None
    feedback_at: str | None
    created_at: str


@dataclass(frozen=True, slots=True)
class QuestionStats:
    answered: int  # every question the bot answered (sure or not)
    confident: int
    helpful: int
    unhelpful: int
    asked_person: int
    relayed: int
    saved_faq: int

    @property
    def confident_share(self) -> float:
        return self.confident / self.answered if self.answered else 0.0


def _question_from_row(row: dict[str, Any]) -> QuestionRecord:
    return QuestionRecord(
        id=row["id"],
        asker_id=row["asker_id"],
        platform=row["platform"] or "",
        text=row["text"],
        locale=row["locale"] or "ja",
        answer=row["answer"] or "",
        source=row["source"] or "quoted",
        confident=bool(row["confident"]),
        confidence=float(row["confidence"] or 0.0),
        citations=tuple(json.loads(row["citations"] or "[]")),
        owner=row["owner"],
        status=row["status"],
        asked_at=row["asked_at"],
        relayed_answer=row["relayed_answer"],
        answered_by=row["answered_by"],
        answered_at=row["answered_at"],
        faq_section=row["faq_section"],
        feedback=row["feedback"],
        feedback_at=row["feedback_at"],
        created_at=row["created_at"],
    )


def add_question(
    store: Store,
    *,
    asker_id: str,
    platform: str,
    text: str,
    locale: str,
    answer: str,
    source: str,
    confident: bool,
    confidence: float,
    citations: Sequence[str],
    owner: str | None,
    at: str,
) -> int:
    """Keep a question with the bot's answer; its id (shown as Q<id>)."""
    cur = store.execute(
        "INSERT INTO questions (asker_id, platform, text, locale, answer, source, confident, confidence, citations, "
        "owner, status, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            asker_id,
            platform,
            text,
            locale,
            answer,
            source,
            int(confident),
            confidence,
            dumps(list(citations)),
            owner,
            "answered" if confident else "unsure",
            at,
        ),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def get_question(store: Store, question_id: int) -> QuestionRecord | None:
    rows = store.query("SELECT * FROM questions WHERE id = ?", (question_id,))
    return _question_from_row(rows[0]) if rows else None


def record_question_feedback(store: Store, question_id: int, vote: int, at: str) -> None:
    """The asker's 👍 (+1) or 👎 (-1); a later vote replaces an earlier one."""
    if vote not in (1, -1):
        raise ValueError(f"a vote is +1 or -1, not {vote}")
    store.execute("UPDATE questions SET feedback = ?, feedback_at = ? WHERE id = ?", (vote, at, question_id))


def mark_question_asked(store: Store, question_id: int, actor: str, at: str) -> bool:
    """Handed to a person: only from answered or unsure, once. False when it already was (or is gone)."""
    with store.tx():
        cur = store.execute(
            "UPDATE questions SET status = 'asked', asked_at = ? WHERE id = ? AND status IN ('answered', 'unsure')",
            (at, question_id),
        )
        if cur.rowcount != 1:
            return False
        store.audit(at, actor, "question.asked_person", None, {"question": question_id})
    return True


def relay_question_answer(store: Store, question_id: int, answer: str, by: str, at: str) -> bool:
    """The team's answer, once: False when someone answered first (or it is gone)."""
    with store.tx():
        cur = store.execute(
            "UPDATE questions SET status = 'relayed', relayed_answer = ?, answered_by = ?, answered_at = ? "
            "WHERE id = ? AND status != 'relayed'",
            (answer, by, at, question_id),
        )
        if cur.rowcount != 1:
            return False
        store.audit(at, by, "question.answered", None, {"question": question_id})
    return True


def set_question_faq(store: Store, question_id: int, section_id: str, by: str, at: str) -> bool:
    """Saved as an FAQ entry, once, and only after the team answered."""
    with store.tx():
        cur = store.execute(
            "UPDATE questions SET faq_section = ? WHERE id = ? AND status = 'relayed' AND faq_section IS NULL",
            (section_id, question_id),
        )
        if cur.rowcount != 1:
            return False
        store.audit(at, by, "question.saved_faq", None, {"question": question_id, "section": section_id})
    return True


def question_stats(store: Store) -> QuestionStats:
    row = store.query(
        "SELECT COUNT(*) AS answered, COALESCE(SUM(confident), 0) AS confident, "
        "COALESCE(SUM(feedback = 1), 0) AS helpful, COALESCE(SUM(feedback = -1), 0) AS unhelpful, "
        "COUNT(asked_at) AS asked_person, COALESCE(SUM(status = 'relayed'), 0) AS relayed, "
        "COUNT(faq_section) AS saved_faq FROM questions"
    )[0]
    return QuestionStats(**{k: int(v) for k, v in row.items()})
