"""The receipt archive (電子帳簿保存法, 電子取引): every receipt on an expense claim kept as its original file with
its 取引年月日, 取引金額 and 取引先, versioned, never changed, not deleted inside its retention period.

What the law asks and how this meets it (../shared/research/accounting.md §6, §8 items 9–10):
- the original file, as received: its bytes are copied once into `<attachments>/archive/<sha256>.<ext>`, made
  read-only (0400), and checked against the SHA-256 recorded when it came in (`verify`, and on every export);
- the search keys 取引年月日 / 取引金額 / 取引先, with ranges and combinations (bot.archive.search);
- of the four options of NTA 一問一答 問9, "a system where corrections and deletions are recorded or impossible":
  there is no function here that overwrites an entry or its file, the database refuses UPDATE and DELETE of an
  entry (triggers, bot.archive.schema), a change of the claim or a finance correction adds a version that
  names the one it supersedes, and every step is written to the keyed audit log. The 事務処理規程 sample
  (docs/archive-rules.ja.md) is the fallback a company may adopt as well;
- retention: 7 years (10 for a loss year, `archive.retention_years`) from the day after the corporate-tax
  filing deadline; deletion is refused and logged inside it.

Why a folder of its own rather than the content-hash store the claims use: that store is the bot's working
copy (0600, shared with contract files, the place downloads land), and a file in it is not promised to stay;
the archive's copies are read-only and only this module writes there. Both sit under the attachment folder,
so a backup of that folder carries the archive too.

Receipts kept before this version (attachments on expense claims made earlier) are archived on first use:
`sync` runs before every search, export, verify, correction and deletion and after each receipt is stored,
and picks up every receipt on an expense claim that has no entry yet. Claims changed since their entry
(fixed and resubmitted, a yen amount fixed at approval) get their new version the same way.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.files import make_private_dir
from bot.models import ExpenseClaim

if TYPE_CHECKING:  # bot.services imports bot.workflow, which may call follow_request: no cycle at run time
    from bot.accounting.policy import Archive as ArchivePolicy
    from bot.services import Services
    from bot.store.db import Store

FILE_MODE = 0o400  # the owner may read; nobody may write (a correction is a new version, never a new file)
ARCHIVE_FOLDER = "archive"
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")


class ArchiveRefused(Exception):
    """What the archive will not do. `key` and `data` make the message (bot.archive.texts)."""

    def __init__(self, key: str, **data: object) -> None:
        super().__init__(key)
        self.key = key
        self.data = data


@dataclass(frozen=True)
class Entry:
    id: int
    attachment_id: int
    request_id: int
    version: int
    supersedes: int | None
    tx_date: dt.date
    amount: int | None
    vendor: str
    source: str
    reason: str
    name: str
    path: str
    sha256: str
    size: int
    stored_by: str
    stored_at: str
    retain_until: dt.date
    deleted_at: str | None
    latest: bool  # no later version supersedes it

    @property
    def suffix(self) -> str:
        return Path(self.path).suffix.lower()


def folder_of(services: Services) -> Path:
    return Path(services.attachments_dir) / ARCHIVE_FOLDER


def vendor_key(text: str | None) -> str:
    """What a vendor search compares: NFKC (half-width ｽﾀｰﾊﾞｯｸｽ = スターバックス, full-width Ｓ = S), case-folded
    (STARBUCKS = Starbucks), without spaces (スターバックス コーヒー = スターバックスコーヒー)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "").casefold())


def retain_until(tx_date: dt.date, policy: ArchivePolicy) -> dt.date:
    """The last day a receipt dated `tx_date` must be kept: `retention_years` years from the day after the
    corporate-tax filing deadline of the fiscal year that contains the date (accounting.md §6.2).

    The deadline is taken as the last day of the second month after the fiscal year's end (法人税法 74条: two
    months). UNCONFIRMED for a company granted the extension of the filing deadline (申告期限の延長, usually
    one month more): its period ends a month later, which this does not model; such a company should keep
    its receipts past this date before deleting (or set retention_years to 10)."""
    end_month = policy.fiscal_year_end_month
    fy_end_year = tx_date.year if tx_date.month <= end_month else tx_date.year + 1
    month = end_month + 2
    year = fy_end_year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    # N years from the day after the deadline end on the deadline's day N years later (the end of that month).
    until_year = year + policy.retention_years
    return dt.date(until_year, month, calendar.monthrange(until_year, month)[1])


def _claim_values(claim: ExpenseClaim) -> tuple[dt.date, int | None, str]:
    return (claim.date, claim.yen(), (claim.vendor or "").strip())


def _claim_key(values: tuple[dt.date, int | None, str]) -> str:
    day, amount, vendor = values
    return json.dumps([day.isoformat(), amount, vendor], ensure_ascii=False)


def _entry(row: dict[str, Any]) -> Entry:
    return Entry(
        id=row["id"],
        attachment_id=row["attachment_id"],
        request_id=row["request_id"],
        version=row["version"],
        supersedes=row["supersedes"],
        tx_date=dt.date.fromisoformat(row["tx_date"]),
        amount=row["amount"],
        vendor=row["vendor"],
        source=row["source"],
        reason=row["reason"],
        name=row["name"],
        path=row["path"],
        sha256=row["sha256"],
        size=row["size"],
        stored_by=row["stored_by"],
        stored_at=row["stored_at"],
        retain_until=dt.date.fromisoformat(row["retain_until"]),
        deleted_at=row["deleted_at"],
        latest=bool(row["latest"]),
    )


_SELECT = (
    "SELECT e.*, NOT EXISTS (SELECT 1 FROM archive_entries n WHERE n.supersedes = e.id) AS latest "
    "FROM archive_entries e"
)


def entries(services: Services, where: str = "", params: tuple[Any, ...] = ()) -> list[Entry]:
    """Entries by 取引年月日 then id, filtered by a WHERE clause over `e` (written by this package, never by a
    user)."""
    return _entries(services.store, where, params)


def _entries(store: Store, where: str = "", params: tuple[Any, ...] = ()) -> list[Entry]:
    sql = f"{_SELECT} {('WHERE ' + where) if where else ''} ORDER BY e.tx_date, e.id"
    return [_entry(r) for r in store.query(sql, params)]


def get(services: Services, entry_id: int) -> Entry | None:
    return _get(services.store, entry_id)


def _get(store: Store, entry_id: int) -> Entry | None:
    found = _entries(store, "e.id = ?", (entry_id,))
    return found[0] if found else None


def versions(services: Services, attachment_id: int) -> list[Entry]:
    """Every version of one receipt, oldest first."""
    rows = services.store.query(f"{_SELECT} WHERE e.attachment_id = ? ORDER BY e.version", (attachment_id,))
    return [_entry(r) for r in rows]


# -- the files ---------------------------------------------------------------------------------


def _place(folder: Path, data: bytes, digest: str, suffix: str) -> Path:
    """The archived copy of these bytes: written once, read-only; a copy already there is never rewritten
    (the same receipt on two claims is one file)."""
    make_private_dir(folder)
    target = folder / f"{digest}{suffix}"
    if target.exists():
        return target  # its bytes are checked by `verify`; overwriting them is what the archive never does
    temp = folder / f".{digest}.{os.getpid()}.part"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, FILE_MODE)
        os.replace(temp, target)
    finally:
        if temp.exists():
            temp.unlink()
    return target


def file_problem(entry: Entry) -> str | None:
    """None when the archived file is there with the bytes recorded; else `missing` or `changed`."""
    path = Path(entry.path)
    if not path.is_file():
        return "missing"
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return None if digest.hexdigest() == entry.sha256 else "changed"


# -- keeping receipts in step with their claims -------------------------------------------------


def sync(services: Services) -> int:
    """Archive every receipt on an expense claim that has no entry yet, and add a version for each receipt
    whose claim's 取引年月日/金額/取引先 changed since its latest entry. Returns how many rows were added.
    Safe to call at any time and from any process: each receipt is done in its own transaction."""
    added = archive_new(services)
    latest = services.store.query(
        "SELECT e.id FROM archive_entries e WHERE e.deleted_at IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM archive_entries n WHERE n.supersedes = e.id) ORDER BY e.id"
    )
    policy = services.rules.accounting.archive
    for row in latest:
        with services.store.tx():
            added += _follow_claim(services.store, policy, int(row["id"]), services.now_iso())
    return added


def archive_new(services: Services) -> int:
    """Archive every receipt on an expense claim that has no entry yet (the one just attached, and any from before
    the archive existed); the first half of `sync`. Changes to claims are followed as they happen
    (`follow_request`), so storing a receipt needs only this half."""
    new = services.store.query(
        "SELECT a.id FROM attachments a JOIN requests r ON r.id = a.request_id "
        "WHERE r.kind = 'expense' AND NOT EXISTS (SELECT 1 FROM archive_entries e WHERE e.attachment_id = a.id) "
        "ORDER BY a.id"
    )
    return sum(_archive_attachment(services, int(row["id"])) for row in new)


def follow_request(store: Store, policy: ArchivePolicy, request_id: int, at: str) -> int:
    """Inside the transaction that changed an expense claim: a new version for each of its archived receipts
    whose 取引年月日/金額/取引先 no longer match the claim. For bot.workflow (Workflow.update, _fix_yen), so that every
    change is versioned as it happens; `sync` catches up with any change made without this call."""
    latest = store.query(
        "SELECT e.id FROM archive_entries e WHERE e.request_id = ? AND e.deleted_at IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM archive_entries n WHERE n.supersedes = e.id) ORDER BY e.id",
        (request_id,),
    )
    return sum(_follow_claim(store, policy, int(row["id"]), at) for row in latest)


def _claim_of(store: Store, request_id: int) -> ExpenseClaim | None:
    rows = store.query("SELECT details FROM requests WHERE id = ? AND kind = 'expense'", (request_id,))
    if not rows:
        return None
    return ExpenseClaim.from_dict(json.loads(rows[0]["details"]))


def _last_change(store: Store, request_id: int) -> tuple[str, str]:
    """Who last changed the request and how (its latest audit entry by a person, not the rules' decision that
    follows a change): the author and reason of a new version."""
    rows = store.query(
        "SELECT actor, action FROM audit_log WHERE request_id = ? AND action LIKE 'request.%' "
        "AND actor IS NOT NULL AND actor NOT IN ('rules', 'system') ORDER BY id DESC LIMIT 1",
        (request_id,),
    )
    if not rows:
        return ("system", "")
    return (rows[0]["actor"] or "system", rows[0]["action"])


def _insert(store: Store, row: dict[str, Any]) -> int:
    cur = store.execute(
        f"INSERT INTO archive_entries ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
        tuple(row.values()),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def _archive_attachment(services: Services, attachment_id: int) -> int:
    store = services.store
    with store.tx():
        if store.query("SELECT 1 FROM archive_entries WHERE attachment_id = ?", (attachment_id,)):
            return 0  # another process archived it first
        (att,) = store.query("SELECT * FROM attachments WHERE id = ?", (attachment_id,))
        claim = _claim_of(store, att["request_id"])
        if claim is None:
            return 0
        source = Path(att["path"])
        suffix = source.suffix.lower() if _SUFFIX.match(source.suffix.lower()) else ""
        note: dict[str, Any] = {}
        target = folder_of(services) / f"{att['sha256']}{suffix}"
        if source.is_file():
            data = source.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest != att["sha256"]:
                # The working copy no longer has the bytes that came in: keep what is there under its own hash,
                # record the original hash, and let `verify` report the entry as changed.
                note = {"problem": "changed before archiving", "found_sha256": digest}
            target = _place(folder_of(services), data, att["sha256"] if not note else digest, suffix)
        else:
            note = {"problem": "missing before archiving"}
        values = _claim_values(claim)
        row = {
            "attachment_id": attachment_id,
            "request_id": att["request_id"],
            "version": 1,
            "supersedes": None,
            "tx_date": values[0].isoformat(),
            "amount": values[1],
            "vendor": values[2],
            "vendor_key": vendor_key(values[2]),
            "source": "claim",
            "reason": "",
            "claim_key": _claim_key(values),
            "name": att["name"],
            "path": str(target),
            "sha256": att["sha256"],
            "size": att["size"],
            "stored_by": att["added_by"] or "system",
            "stored_at": att["added_at"] or services.now_iso(),
            "retain_until": retain_until(values[0], services.rules.accounting.archive).isoformat(),
        }
        entry_id = _insert(store, row)
        store.audit(
            services.now_iso(),
            att["added_by"] or "system",
            "archive.stored",
            att["request_id"],
            {"entry": entry_id, "attachment": attachment_id, "sha256": att["sha256"], "tx_date": row["tx_date"],
             "amount": row["amount"], "vendor": row["vendor"], "retain_until": row["retain_until"], **note},
        )  # fmt: skip
    return 1


def _new_version(
    store: Store,
    policy: ArchivePolicy,
    old: Entry,
    values: tuple[dt.date, int | None, str],
    claim_key: str,
    change: tuple[str, str, str],
    at: str,
) -> int:
    """A row that supersedes `old` with new 取引年月日/金額/取引先, made by `change` (source, reason, actor);
    the caller holds the transaction."""
    source, reason, actor = change
    (prev,) = store.query("SELECT * FROM archive_entries WHERE id = ?", (old.id,))
    row = {
        "attachment_id": old.attachment_id,
        "request_id": old.request_id,
        "version": old.version + 1,
        "supersedes": old.id,
        "tx_date": values[0].isoformat(),
        "amount": values[1],
        "vendor": values[2],
        "vendor_key": vendor_key(values[2]),
        "source": source,
        "reason": reason,
        "claim_key": claim_key,
        "name": prev["name"],
        "path": prev["path"],
        "sha256": prev["sha256"],
        "size": prev["size"],
        "stored_by": actor,
        "stored_at": at,
        # A later date never shortens what the earlier version promised: the longer period stands.
        "retain_until": max(retain_until(values[0], policy), old.retain_until).isoformat(),
    }
    entry_id = _insert(store, row)
    store.audit(
        at,
        actor,
        "archive.corrected" if source == "correction" else "archive.versioned",
        old.request_id,
        {
            "entry": entry_id,
            "supersedes": old.id,
            "version": row["version"],
            "reason": reason,
            # Not "before"/"after": `after` is the request's state that the store records with each entry.
            "was": {"tx_date": old.tx_date.isoformat(), "amount": old.amount, "vendor": old.vendor},
            "now": {"tx_date": row["tx_date"], "amount": row["amount"], "vendor": row["vendor"]},
        },
    )
    return entry_id


def _follow_claim(store: Store, policy: ArchivePolicy, entry_id: int, at: str) -> int:
    old = _get(store, entry_id)
    if old is None or not old.latest or old.deleted_at:
        return 0
    claim = _claim_of(store, old.request_id)
    if claim is None:
        return 0
    values = _claim_values(claim)
    key = _claim_key(values)
    (row,) = store.query("SELECT claim_key FROM archive_entries WHERE id = ?", (entry_id,))
    if row["claim_key"] == key:
        return 0
    actor, action = _last_change(store, old.request_id)
    _new_version(store, policy, old, values, key, ("claim", action, actor), at)
    return 1


# -- what finance does ----------------------------------------------------------------------------


def correct(
    services: Services,
    entry_id: int,
    actor: str,
    reason: str,
    tx_date: dt.date | None = None,
    amount: int | None = None,
    vendor: str | None = None,
) -> Entry:
    """Finance's correction of an entry's 取引年月日/金額/取引先 (the receipt says otherwise than the claim): a new
    version superseding it, logged; the entry corrected stays as it was. The claim itself is not changed."""
    if not reason.strip():
        raise ArchiveRefused("archive.err.reason_required")
    if tx_date is None and amount is None and vendor is None:
        raise ArchiveRefused("archive.err.nothing_to_correct")
    if amount is not None and amount < 0:
        raise ArchiveRefused("archive.err.bad_amount", value=amount)
    sync(services)
    with services.store.tx():
        old = get(services, entry_id)
        if old is None or old.deleted_at:
            raise ArchiveRefused("archive.err.not_found", id=entry_id)
        if not old.latest:
            newest = services.store.query(
                "SELECT MAX(id) AS id FROM archive_entries WHERE attachment_id = ?", (old.attachment_id,)
            )[0]["id"]
            raise ArchiveRefused("archive.err.superseded", id=entry_id, newest=newest)
        values = (
            tx_date or old.tx_date,
            old.amount if amount is None else amount,
            old.vendor if vendor is None else vendor.strip(),
        )
        if values == (old.tx_date, old.amount, old.vendor):
            raise ArchiveRefused("archive.err.nothing_to_correct")
        (row,) = services.store.query("SELECT claim_key FROM archive_entries WHERE id = ?", (entry_id,))
        new_id = _new_version(
            services.store, services.rules.accounting.archive, old, values, row["claim_key"],
            ("correction", reason.strip(), actor), services.now_iso(),
        )  # fmt: skip
    found = get(services, new_id)
    assert found is not None
    return found


def delete(services: Services, entry_id: int, actor: str, reason: str = "") -> list[Entry]:
    """Delete a receipt (every version of it) once its retention period is over: the rows stay, marked deleted,
    and the file goes when no other live entry holds it. Inside the period the attempt is refused and written to
    the audit log (ArchiveRefused `archive.err.retained`)."""
    sync(services)
    today = services.today()
    with services.store.tx():
        entry = get(services, entry_id)
        if entry is None or entry.deleted_at:
            raise ArchiveRefused("archive.err.not_found", id=entry_id)
        chain = versions(services, entry.attachment_id)
        until = max(e.retain_until for e in chain)
        if today <= until:
            services.store.audit(
                services.now_iso(), actor, "archive.delete_refused", entry.request_id,
                {"entry": entry_id, "retain_until": until.isoformat(), "reason": reason},
            )  # fmt: skip
            refused = ArchiveRefused("archive.err.retained", id=entry_id, until=until.isoformat())
        else:
            at = services.now_iso()
            for e in chain:
                services.store.execute(
                    "UPDATE archive_entries SET deleted_at = ?, deleted_by = ? WHERE id = ? AND deleted_at IS NULL",
                    (at, actor, e.id),
                )
            services.store.audit(
                at, actor, "archive.deleted", entry.request_id,
                {"entries": [e.id for e in chain], "retain_until": until.isoformat(), "reason": reason},
            )  # fmt: skip
            refused = None
    if refused is not None:
        raise refused  # after the commit, so the refusal's audit entry is kept
    # Files go after the rows are committed: a crash in between leaves a file too many, never a row without one.
    for path in {e.path for e in chain}:
        if not services.store.query(
            "SELECT 1 FROM archive_entries WHERE path = ? AND deleted_at IS NULL LIMIT 1", (path,)
        ):
            Path(path).unlink(missing_ok=True)
    return [e for e in (get(services, c.id) for c in chain) if e is not None]


def replace_file(services: Services, entry_id: int, actor: str) -> None:
    """An archived original is never replaced: inside the retention period or after it. The attempt is logged
    and refused; a different file is a new receipt on the claim, a different 金額 or 取引先 a correction."""
    with services.store.tx():
        entry = get(services, entry_id)
        if entry is None:
            raise ArchiveRefused("archive.err.not_found", id=entry_id)
        services.store.audit(
            services.now_iso(), actor, "archive.overwrite_refused", entry.request_id,
            {"entry": entry_id, "retain_until": entry.retain_until.isoformat()},
        )  # fmt: skip
    raise ArchiveRefused("archive.err.no_overwrite", id=entry_id)


def verify(services: Services) -> list[tuple[Entry, str]]:
    """Every live entry whose file is missing or no longer has the bytes recorded."""
    sync(services)
    found: list[tuple[Entry, str]] = []
    for entry in entries(services, "e.deleted_at IS NULL"):
        problem = file_problem(entry)
        if problem:
            found.append((entry, problem))
    return found
