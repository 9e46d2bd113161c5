"""Who sees what: the one place every page and every download asks.

An employee sees their own requests and those they approve (or approved); a manager also their team (everyone
who reports to them, directly or further down); finance every expense claim, HR every leave request and every
person's leave, legal every contract; an admin everything. Checked on the server for each page and download.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.directory import Directory
from bot.models import Employee, Request

DOMAIN_OF_ROLE = {"finance": "expense", "hr": "leave", "legal": "contract"}
QUESTION_TEAMS = ("finance", "hr", "legal", "admin")


@dataclass(frozen=True)
class Viewer:
    person: Employee
    team: frozenset[str]  # ids of everyone below this person in the directory (not the person)

    @property
    def id(self) -> str:
        return self.person.id

    @property
    def is_admin(self) -> bool:
        return self.person.has_role("admin")

    @property
    def kinds(self) -> frozenset[str]:
        """The request kinds whose every request this person sees (their domain)."""
        if self.is_admin:
            return frozenset(DOMAIN_OF_ROLE.values())
        return frozenset(kind for role, kind in DOMAIN_OF_ROLE.items() if self.person.has_role(role))

    @property
    def people(self) -> frozenset[str]:
        """Whose requests (any kind) this person sees as theirs or their team's."""
        return self.team | {self.id}

    @property
    def sees_everyone_leave(self) -> bool:
        return self.is_admin or self.person.has_role("hr")

    def may_see(self, req: Request, approver_ids: set[str]) -> bool:
        """`approver_ids`: everyone who holds, held or acted on a step of the request."""
        return self.is_admin or req.requester_id in self.people or req.kind in self.kinds or self.id in approver_ids

    def request_scope(self, alias: str = "r") -> tuple[str, list[Any]]:
        """A SQL condition on the requests table (as `alias`) that keeps what this person may see."""
        if self.is_admin:
            return "1 = 1", []
        people = sorted(self.people)
        kinds = sorted(self.kinds)
        parts = [f"{alias}.requester_id IN ({','.join('?' * len(people))})"]
        params: list[Any] = list(people)
        if kinds:
            parts.append(f"{alias}.kind IN ({','.join('?' * len(kinds))})")
            params += kinds
        parts.append(
            f"{alias}.id IN (SELECT request_id FROM approval_steps WHERE approver_id = ? OR acted_by = ? "
            "OR original_approver_id = ?)"
        )
        params += [self.id, self.id, self.id]
        return "(" + " OR ".join(parts) + ")", params

    def visible_people(self, directory: Directory) -> list[Employee]:
        """Whose leave this person sees."""
        everyone = [e for e in directory if e.active]
        if self.sees_everyone_leave:
            return everyone
        return [e for e in everyone if e.id in self.people]

    def question_scope(self) -> tuple[str, list[Any]]:
        """Questions: one's own, and those handed to one's team (finance, HR, legal; admin answers the rest)."""
        if self.is_admin:
            return "1 = 1", []
        teams = [role for role in QUESTION_TEAMS if self.person.has_role(role)]
        if not teams:
            return "q.asker_id = ?", [self.id]
        return f"(q.asker_id = ? OR q.owner IN ({','.join('?' * len(teams))}))", [self.id, *teams]


def viewer_for(person: Employee, directory: Directory) -> Viewer:
    below: set[str] = set()
    frontier = {person.id}
    everyone = list(directory)
    while frontier:
        nxt = {e.id for e in everyone if e.manager_id in frontier and e.id not in below and e.id != person.id}
        below |= nxt
        frontier = nxt
    return Viewer(person, frozenset(below))
