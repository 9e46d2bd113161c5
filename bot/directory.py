"""The employee directory: importing it from a YAML or CSV file, and an in-memory view of it.

The file is written by a person (often exported from a spreadsheet), so the importer checks all of
it and reports every problem at once, each named by file, row and column, in words the person who
edits the file can act on. Nothing half-valid gets in: either the whole file loads or it raises
`DirectoryError`.

`Directory` is the read side the rule engine and the workflow use in their hot loops: every lookup
is a dict built once.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.models import LOCALES, ROLES, Employee

FIELDS: tuple[str, ...] = (
    "id",
    "name_ja",
    "name_en",
    "email",
    "slack_user_id",
    "chatwork_account_id",
    "locale",
    "team",
    "manager",
    "roles",
    "delegate",
    "hire_date",
    "weekly_days",
    "weekly_hours",
    "active",
)
REQUIRED: tuple[str, ...] = ("id", "name_ja", "name_en", "email", "hire_date")
YAML_TOP_KEYS: tuple[str, ...] = ("company", "employees")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ROLE_SEPARATORS = re.compile(r"[\s,;|]+")
_TRUE = frozenset({"true", "yes", "1", "y", "on"})
_FALSE = frozenset({"false", "no", "0", "n", "off"})


class DirectoryError(Exception):
    """A directory file that cannot be imported; `problems` lists every reason, one per line."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__("\n".join(self.problems))

    def __str__(self) -> str:
        return "\n".join(self.problems)


# -- cell converters: each returns the value or raises _Bad with what is wrong ------------------


class _Bad(Exception):
    """One cell's problem; turned into a located message by the caller."""


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        raise _Bad(f"{_show(value)} is a yes/no value, not text; put it in quotes")
    if isinstance(value, (int, float)):
        # YAML reads `id: 007` as the number 7: refuse rather than silently change the value.
        raise _Bad(f'{_show(value)} is a number, not text; put it in quotes ("...") to keep it exactly')
    raise _Bad(f"expected text, got a {_kind(value)}")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


def _email(value: Any) -> str:
    text = _text(value)
    if not _EMAIL.match(text):
        raise _Bad(f"{_show(text)} is not an e-mail address (name@example.com)")
    return text


def _slack_id(value: Any) -> str:
    text = _text(value)
    if not _SLACK_ID.match(text):
        raise _Bad(f"{_show(text)} is not a Slack member ID (like U0123ABCD; in Slack: profile → ⋮ → Copy member ID)")
    return text


def _chatwork_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    text = _text(value) if isinstance(value, str) else None
    if text is None or not text.isascii() or not text.isdigit():
        raise _Bad(f"{_show(value)} is not a Chatwork account ID (digits only)")
    return text


def _locale(value: Any) -> str:
    text = _text(value).lower()
    if text not in LOCALES:
        raise _Bad(f"{_show(text)} is not one of {', '.join(LOCALES)}")
    return text


def _roles(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items: list[Any] = [r for r in _ROLE_SEPARATORS.split(value) if r]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise _Bad(f"expected a list of roles, got {_show(value)}")
    found = {"employee"}
    bad: list[str] = []
    for item in items:
        if not isinstance(item, str):
            bad.append(f"{_show(item)} is not a role")
            continue
        role = item.strip().lower()
        if role in ROLES:
            found.add(role)
        else:
            bad.append(f"{_show(item.strip())} is not a role{_suggest(role, ROLES)}")
    if bad:
        raise _Bad("; ".join(bad) + f" (roles: {', '.join(ROLES)})")
    return tuple(r for r in ROLES if r in found)


def _date(value: Any) -> dt.date:
    # YAML dates arrive as text too (see _construct_timestamp_as_text).
    text = value.strip() if isinstance(value, str) else None
    if text is not None and _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise _Bad(f"{_show(value)} is not a date (YYYY-MM-DD)")


def _weekly_days(value: Any) -> int:
    days: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        days = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        days = int(value.strip())
    if days is None or not 1 <= days <= 7:
        raise _Bad(f"{_show(value)} is not a whole number of days from 1 to 7")
    return days


def _weekly_hours(value: Any) -> float:
    hours: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        hours = float(value)
    elif isinstance(value, str):
        try:
            hours = float(value.strip())
        except ValueError:
            hours = None
    if hours is None or not math.isfinite(hours) or not 0 < hours <= 80:
        raise _Bad(f"{_show(value)} is not a number of hours above 0 and at most 80")
    return hours


def _active(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise _Bad(f"{_show(value)} is not one of true/false, yes/no, 1/0")


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "id": _text,
    "name_ja": _text,
    "name_en": _text,
    "email": _email,
    "slack_user_id": _slack_id,
    "chatwork_account_id": _chatwork_id,
    "locale": _locale,
    "team": _text,
    "manager": _text,
    "roles": _roles,
    "delegate": _text,
    "hire_date": _date,
    "weekly_days": _weekly_days,
    "weekly_hours": _weekly_hours,
    "active": _active,
}


# -- one row or entry of the file ----------------------------------------------------------------


@dataclass
class _Record:
    """One person as read from the file, with where it came from (for messages)."""

    file: str
    where: str  # "row 4" or "employees[2]": how other rows refer to this one
    word: str  # "column" (CSV) or "key" (YAML)
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        ident = self.values.get("id")
        if self.word == "key" and ident:
            return f"{self.file} {self.where} (id {ident})"
        return f"{self.file} {self.where}"

    def problem(self, name: str | None, message: str) -> None:
        if name is None:
            self.problems.append(f"{self.label}: {message}")
        else:
            self.problems.append(f"{self.label}, {self.word} '{name}': {message}")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_fields(record: _Record, raw: dict[str, Any], present: Iterable[str]) -> None:
    """Convert every known field of `raw` into `record.values`, noting each bad cell.

    `present` are the fields the file has at all (CSV header / YAML keys): a required column
    absent from the whole CSV is reported once for the header, not again on every row.
    """
    present = set(present)
    # FIELDS starts with the id, so messages about the other keys can name the person.
    for name in FIELDS:
        value = raw.get(name)
        if _is_blank(value):
            if name in REQUIRED and name in present:
                record.problem(name, "required, but " + ("empty" if name in raw else "missing"))
            continue
        try:
            record.values[name] = _CONVERTERS[name](value)
        except _Bad as bad:
            record.problem(name, str(bad))


# -- reading the two formats ---------------------------------------------------------------------


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DirectoryError([f"{path}: cannot read the file ({exc.strerror or exc})"]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = "save it as UTF-8"
        if path.suffix.lower() == ".csv":
            hint = "in Excel save it as 'CSV UTF-8' (plain 'CSV' is Shift_JIS)"
        raise DirectoryError([f"{path.name}: not UTF-8 text (bad byte at offset {exc.start}); {hint}"]) from None


def _read_csv(path: Path) -> list[_Record]:
    name = path.name
    text = _decode(path)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise DirectoryError([f"{name}: cannot read as CSV: {exc}"]) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise DirectoryError([f"{name} row 1: empty; the first row must be the header ({', '.join(FIELDS)})"])

    problems: list[str] = []
    header = [cell.strip().lower() for cell in rows[0]]
    if len(header) == 1 and any(sep in header[0] for sep in ";\t"):
        raise DirectoryError([f"{name} row 1: only one column found; the file must be comma-separated"])
    seen: set[str] = set()
    for col, title in enumerate(header, start=1):
        if not title:
            if any(col - 1 < len(row) and row[col - 1].strip() for row in rows[1:]):
                problems.append(f"{name} row 1, column {col}: has no header, but some rows have values in it")
            continue
        if title in seen:
            problems.append(f"{name} row 1, column '{title}': appears twice in the header")
        seen.add(title)
        if title not in FIELDS:
            hint = _suggest(title, FIELDS) or f"; known columns: {', '.join(FIELDS)}"
            problems.append(f"{name} row 1, column '{title}': not a known column{hint}")
    for required in REQUIRED:
        if required not in seen:
            problems.append(f"{name} row 1: missing required column '{required}'")

    records: list[_Record] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank rows, as spreadsheets like to leave at the end
        record = _Record(name, f"row {number}", "column")
        extra = [cell for cell in row[len(header) :] if cell.strip()]
        if extra:
            record.problem(None, f"has {len(row)} cells, but the header has {len(header)} columns")
        raw: dict[str, Any] = {}
        for title, cell in zip(header, row, strict=False):
            if title in FIELDS and title not in raw:
                raw[title] = cell
        _read_fields(record, raw, seen)
        records.append(record)
    if problems:
        # Header problems come first; the row problems are still worth showing with them.
        raise DirectoryError(problems + [p for r in records for p in r.problems])
    return records


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice, which plain YAML silently lets the last win."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        try:
            duplicate = key in seen
        except TypeError:
            continue  # unhashable: construct_mapping reports it
        if duplicate:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark, f"key '{key}' appears twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


def _construct_timestamp_as_text(loader: _StrictLoader, node: yaml.ScalarNode) -> str:
    # PyYAML builds dates itself and crashes with a bare ValueError on 2024-13-01; keep the text
    # and let `_date` judge it, with a message that names the row and key.
    return str(loader.construct_scalar(node))


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


def _read_yaml(path: Path) -> list[_Record]:
    name = path.name
    text = _decode(path)
    try:
        doc = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        raise DirectoryError([f"{name}{where}: YAML syntax error: {what}"]) from None
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise DirectoryError([f"{name}: cannot read as YAML: {exc}"]) from None

    expected = "expected a mapping with an 'employees:' list (see knowledge/org.yaml)"
    if doc is None:
        raise DirectoryError([f"{name}: the file is empty; {expected}"])
    if not isinstance(doc, dict):
        raise DirectoryError([f"{name}: the top level is a {_kind(doc)}; {expected}"])
    problems: list[str] = []
    for key in doc:
        if key not in YAML_TOP_KEYS:
            hint = _suggest(str(key), YAML_TOP_KEYS) or f"; known keys: {', '.join(YAML_TOP_KEYS)}"
            problems.append(f"{name}: top-level key {_show(key)}: not a known key{hint}")
    entries = doc.get("employees")
    if entries is None:
        raise DirectoryError([*problems, f"{name}: no 'employees:' list; {expected}"])
    if not isinstance(entries, list):
        raise DirectoryError([*problems, f"{name}: 'employees:' is a {_kind(entries)}, not a list"])

    records: list[_Record] = []
    for index, entry in enumerate(entries):
        record = _Record(name, f"employees[{index}]", "key")
        records.append(record)
        if not isinstance(entry, dict):
            keys = ", ".join(REQUIRED)
            record.problem(None, f"expected a mapping of keys ({keys}, ...), got {_show(entry)}")
            continue
        _read_fields(record, entry, FIELDS)
        for key in entry:
            if key not in FIELDS:
                hint = _suggest(str(key), FIELDS) or f"; known keys: {', '.join(FIELDS)}"
                record.problem(str(key), f"not a known key{hint}")
    if problems:
        raise DirectoryError(problems + [p for r in records for p in r.problems])
    return records


# -- checks across rows --------------------------------------------------------------------------


def _check_unique(records: list[_Record], name: str, normalise: Callable[[str], str] = str) -> None:
    first: dict[str, _Record] = {}
    for record in records:
        value = record.values.get(name)
        if value is None:
            continue
        key = normalise(value)
        if key in first:
            note = " (e-mail addresses are compared ignoring case)" if name == "email" else ""
            record.problem(name, f"{_show(value)} is already used by {first[key].where}{note}")
        else:
            first[key] = record


def _resolve_people(records: list[_Record]) -> None:
    """Turn `manager` / `delegate` (an id or an e-mail) into `manager_id` / `delegate_id`."""
    by_id: dict[str, _Record] = {}
    by_email: dict[str, _Record] = {}
    for record in records:
        ident = record.values.get("id")
        if ident is not None:
            by_id.setdefault(ident, record)
        email = record.values.get("email")
        if email is not None:
            by_email.setdefault(email.lower(), record)

    for record in records:
        own = record.values.get("id")
        for key in ("manager", "delegate"):
            ref = record.values.get(key)
            if ref is None:
                continue
            found = by_id.get(ref) or by_email.get(ref.lower())
            if found is None:
                record.problem(key, f"{_show(ref)} is not the id or e-mail of anyone in this file")
                continue
            resolved = found.values["id"]
            if resolved == own:
                record.problem(key, f"{own} cannot be their own {key}")
                continue
            record.values[f"{key}_id"] = resolved


def _check_manager_loops(records: list[_Record]) -> None:
    """Report each loop in the manager chain once, on the first of its people in the file."""
    manager_of = {r.values["id"]: r.values.get("manager_id") for r in records if "id" in r.values}
    record_of: dict[str, _Record] = {}
    for record in records:
        if "id" in record.values:
            record_of.setdefault(record.values["id"], record)
    done: set[str] = set()
    for start in manager_of:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = manager_of.get(node)
        if node is not None and node in on_path:
            loop = path[path.index(node) :]
            first = min(loop, key=lambda i: records.index(record_of[i]))
            at = loop.index(first)
            ordered = loop[at:] + loop[:at]
            chain = " → ".join([*ordered, first])
            record_of[first].problem("manager", f"managers go round in a loop: {chain}")
        done.update(path)


# -- public API ----------------------------------------------------------------------------------


def load_directory_file(path: str | Path) -> list[Employee]:
    """Read and check a directory file (`.yaml`/`.yml` or `.csv`); all or nothing.

    Raises DirectoryError listing every problem in the file, so the person fixing it can fix
    everything in one pass instead of one error per import attempt.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        records = _read_yaml(path)
    elif suffix == ".csv":
        records = _read_csv(path)
    else:
        raise DirectoryError(
            [f"{path.name}: unknown file type '{path.suffix or '(none)'}'; use a .yaml, .yml or .csv file"]
        )

    if not records:
        raise DirectoryError([f"{path.name}: no employees in the file"])
    _check_unique(records, "id")
    _check_unique(records, "email", str.lower)
    _check_unique(records, "slack_user_id")
    _check_unique(records, "chatwork_account_id")
    _resolve_people(records)
    _check_manager_loops(records)

    problems = [p for r in records for p in r.problems]
    if problems:
        raise DirectoryError(problems)
    return [_employee(r.values) for r in records]


def _employee(values: dict[str, Any]) -> Employee:
    return Employee(
        id=values["id"],
        name_ja=values["name_ja"],
        name_en=values["name_en"],
        email=values["email"],
        locale=values.get("locale", ""),  # not set: the chat platform's locale, else BACKOFFICE_LOCALE
        team=values.get("team", ""),
        manager_id=values.get("manager_id"),
        roles=values.get("roles", ("employee",)),
        delegate_id=values.get("delegate_id"),
        hire_date=values["hire_date"],
        weekly_days=values.get("weekly_days", 5),
        weekly_hours=values.get("weekly_hours", 40.0),
        slack_user_id=values.get("slack_user_id"),
        chatwork_account_id=values.get("chatwork_account_id"),
        active=values.get("active", True),
    )


class Directory:
    """A read-only view of the company's people, indexed once so every lookup is a dict hit.

    `get`, `require` and `find` see everyone, former staff included (their old requests still
    need a name); `holders`, `team_members` and `reports` list active people only, because they
    answer "who can act now".
    """

    __slots__ = (
        "_by_chatwork",
        "_by_email",
        "_by_id",
        "_by_slack",
        "_holders",
        "_ordered",
        "_reports",
        "_teams",
    )

    def __init__(self, employees: Iterable[Employee]) -> None:
        by_id: dict[str, Employee] = {}
        for emp in employees:
            if emp.id in by_id:
                raise ValueError(f"employee id {emp.id!r} appears twice in the directory")
            by_id[emp.id] = emp
        ordered = tuple(sorted(by_id.values(), key=lambda e: e.id))
        by_email: dict[str, Employee] = {}
        by_slack: dict[str, Employee] = {}
        by_chatwork: dict[str, Employee] = {}
        holders: dict[str, list[Employee]] = {}
        teams: dict[str, list[Employee]] = {}
        reports: dict[str, list[Employee]] = {}
        for emp in ordered:
            by_email.setdefault(emp.email.lower(), emp)
            if emp.slack_user_id:
                by_slack.setdefault(emp.slack_user_id, emp)
            if emp.chatwork_account_id:
                by_chatwork.setdefault(emp.chatwork_account_id, emp)
            if not emp.active:
                continue
            for role in emp.roles:
                holders.setdefault(role, []).append(emp)
            if emp.team:
                teams.setdefault(emp.team, []).append(emp)
            if emp.manager_id:
                reports.setdefault(emp.manager_id, []).append(emp)
        self._by_id = by_id
        self._ordered = ordered
        self._by_email = by_email
        self._by_slack = by_slack
        self._by_chatwork = by_chatwork
        self._holders = {k: tuple(v) for k, v in holders.items()}
        self._teams = {k: tuple(v) for k, v in teams.items()}
        self._reports = {k: tuple(v) for k, v in reports.items()}

    def get(self, id: str) -> Employee | None:
        """The employee with this id, or None."""
        return self._by_id.get(id)

    def require(self, id: str) -> Employee:
        """The employee with this id; KeyError when there is none (a caller's bug or stale data)."""
        try:
            return self._by_id[id]
        except KeyError:
            raise KeyError(f"no employee with id {id!r} in the directory ({len(self)} people)") from None

    def find(self, key: str) -> Employee | None:
        """Whoever `key` names: an id, an e-mail (any case), a Slack user ID or a Chatwork account ID.

        Tried in that order, so a chat adapter can pass whatever identifier it has.
        """
        key = key.strip()
        if not key:
            return None
        return (
            self._by_id.get(key)
            or self._by_email.get(key.lower())
            or self._by_slack.get(key)
            or self._by_chatwork.get(key)
        )

    # A chat platform's id names a person only through that platform's own field: a Slack event whose "user" is
    # "e001" (an employee id) or an e-mail address must not be taken for that employee.
    def by_slack_id(self, slack_user_id: object) -> Employee | None:
        return self._by_slack.get(slack_user_id) if isinstance(slack_user_id, str) and slack_user_id else None

    def by_chatwork_id(self, account_id: object) -> Employee | None:
        key = str(account_id) if isinstance(account_id, (str, int)) and not isinstance(account_id, bool) else ""
        return self._by_chatwork.get(key) if key else None

    def by_email(self, email: object) -> Employee | None:
        """By the e-mail a platform has verified for its user (Slack's users.info), compared ignoring case."""
        return self._by_email.get(email.strip().lower()) if isinstance(email, str) and email.strip() else None

    def holders(self, role: str) -> list[Employee]:
        """Active people who hold `role`, sorted by id (approver routing picks from these)."""
        return list(self._holders.get(role, ()))

    def team_members(self, team: str) -> list[Employee]:
        """Active members of `team`, sorted by id."""
        return list(self._teams.get(team, ()))

    def reports(self, manager_id: str) -> list[Employee]:
        """Active people whose manager is `manager_id`, sorted by id."""
        return list(self._reports.get(manager_id, ()))

    def __iter__(self) -> Iterator[Employee]:
        return iter(self._ordered)

    def __len__(self) -> int:
        return len(self._ordered)

    def __contains__(self, id: object) -> bool:
        return isinstance(id, str) and id in self._by_id

    def __repr__(self) -> str:
        return f"Directory({len(self)} people)"


def export_csv(employees: Iterable[Employee]) -> str:
    """The directory as the CSV `org import` reads: the same columns (FIELDS), one row a person, manager and
    delegate by id, UTF-8 with a BOM so that Excel shows the Japanese names. Importing it gives the same people."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for e in employees:
        cells: dict[str, str] = {
            "id": e.id,
            "name_ja": e.name_ja,
            "name_en": e.name_en,
            "email": e.email,
            "slack_user_id": e.slack_user_id or "",
            "chatwork_account_id": e.chatwork_account_id or "",
            "locale": e.locale,
            "team": e.team,
            "manager": e.manager_id or "",
            "roles": " ".join(e.roles),
            "delegate": e.delegate_id or "",
            "hire_date": e.hire_date.isoformat() if e.hire_date else "",
            "weekly_days": str(e.weekly_days),
            "weekly_hours": f"{e.weekly_hours:g}",
            "active": "true" if e.active else "false",
        }
        writer.writerow([cells[name] for name in FIELDS])
    return "\ufeff" + out.getvalue()
