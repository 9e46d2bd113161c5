"""Journal export: a period's approved claims become a new batch and one file; a batch exported again gives the
identical bytes.

A claim goes out in one batch only (bot/accounting/batches.py): 弥生 books an entry imported twice twice
(accounting.md §3), so a period already exported is never silently exported again in a new batch: the result
says how many of the period's claims went out before, and in which batches, and `--batch` gives that file again.
Files are written 0600 under the bot's own folder (beside the database, `exports/`), and with `out` a copy there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.accounting import batches, formats
from bot.accounting.formats import Change, FormatError
from bot.accounting.journal import Entry, JournalError, entry_for
from bot.i18n import t, yen
from bot.models import Request, Status
from bot.services import Services
from bot.store.files import private_dir

FILE_MODE = 0o600
MIME = "text/csv"


class ExportError(Exception):
    """Nothing was exported; `text` says why in the asker's language."""

    def __init__(self, key: str, **data: object) -> None:
        super().__init__(key)
        self.key = key
        self.data = data

    def text(self, locale: str) -> str:
        return t(self.key, locale, **self.data)


@dataclass
class Exported:
    batch: batches.Batch
    path: Path  # the batch's file under exports/
    data: bytes
    entries: list[Entry]
    encoding: str
    changes: list[Change] = field(default_factory=list)
    earlier: dict[str, int] = field(default_factory=dict)  # batch id → the period's claims already exported there
    again: bool = False  # an existing batch exported again

    @property
    def total(self) -> int:
        return sum(e.total for e in self.entries)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def write_private(path: Path, data: bytes) -> None:
    """`data` at `path`, 0600 from the first byte, whole or not at all (a temporary name, then a rename)."""
    private_dir(path.parent)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # whatever the umask
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def file_name(batch: batches.Batch) -> str:
    return f"journal-{batch.id}-{batch.format}.{formats.EXTENSIONS[batch.format]}"


def batch_path(services: Services, batch: batches.Batch) -> Path:
    return Path(services.store.path).parent / "exports" / file_name(batch)


def earlier_batches(services: Services, period_from: dt.date, period_to: dt.date) -> dict[str, int]:
    """Approved claims decided in the period that are in a batch already: batch id → how many."""
    rows = services.store.query(
        "SELECT b.batch_id AS batch, count(*) AS n FROM batch_claims b JOIN requests r ON r.id = b.request_id "
        "WHERE r.kind = 'expense' AND r.status = ? AND substr(r.decided_at, 1, 10) BETWEEN ? AND ? "
        "GROUP BY b.batch_id ORDER BY b.batch_id",
        (Status.APPROVED.value, period_from.isoformat(), period_to.isoformat()),
    )
    return {str(r["batch"]): int(r["n"]) for r in rows}


def entries_of(services: Services, claims: list[Request]) -> list[Entry]:
    rules = services.rules
    out = []
    for req in claims:
        try:
            out.append(entry_for(req, rules.accounting, rules.expenses, services.directory))
        except JournalError as err:
            raise ExportError(err.key, id=err.request_id, **err.data) from None
    return out


def _render(services: Services, fmt: str, entries: list[Entry], batch_id: str) -> formats.Rendered:
    try:
        return formats.render(fmt, entries, services.rules.accounting, batch_id)
    except FormatError as err:
        raise ExportError(err.key, **err.data) from None


def _copy(out: Path | None, data: bytes) -> None:
    if out is not None:
        write_private(out, data)


def _check_out(out: Path | None) -> None:
    """Refuse an `out` that cannot be written before anything is recorded (a batch without its copy)."""
    if out is None:
        return
    try:
        private_dir(out.parent)
    except OSError as err:
        raise ExportError("journal.cannot_write", path=str(out), reason=err.strerror or str(err)) from None
    if out.is_dir() or not os.access(out.parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise ExportError("journal.cannot_write", path=str(out), reason="not writable")


def export_period(
    services: Services, fmt: str, period_from: dt.date, period_to: dt.date, actor: str | None, out: Path | None = None
) -> Exported:
    """A new batch of the approved claims decided in the period and in no batch yet, and its file."""
    if fmt not in formats.WRITERS:
        raise ExportError("journal.bad_format", format=fmt, formats=", ".join(formats.WRITERS))
    if period_to < period_from:
        raise ExportError("journal.bad_period", start=period_from.isoformat(), end=period_to.isoformat())
    _check_out(out)
    earlier = earlier_batches(services, period_from, period_to)
    claims = batches.unbatched_approved_claims(services.store, period_from, period_to)
    if not claims:
        key = "journal.nothing_new" if earlier else "journal.nothing"
        raise ExportError(key, start=period_from.isoformat(), end=period_to.isoformat(),
                          earlier=_earlier_text(earlier))  # fmt: skip
    entries = entries_of(services, claims)
    # Everything that can refuse runs before the batch is recorded, so a refused export leaves no empty batch.
    predicted = batches.next_batch_id(services.store, period_to)
    rendered = _render(services, fmt, entries, predicted)
    ids = [c.id for c in claims if c.id is not None]
    try:
        batch = batches.create_batch(services.store, fmt, period_from, period_to, ids, services.now_iso(), actor)
    except batches.BatchError:
        # Another export took some of these claims a moment ago: nothing was recorded here.
        raise ExportError("journal.raced") from None
    if batch.id != predicted:
        rendered = _render(services, fmt, entries, batch.id)
    path = batch_path(services, batch)
    write_private(path, rendered.data)
    digest = hashlib.sha256(rendered.data).hexdigest()
    batches.set_sha256(services.store, batch.id, digest)
    with services.store.tx():
        services.store.audit(
            services.now_iso(), actor, "journal.exported", None,
            {"batch": batch.id, "format": fmt, "sha256": digest, "claims": len(ids),
             "total": sum(e.total for e in entries),
             "changed": [{"ref": c.ref, "field": c.field, "kind": c.kind} for c in rendered.changes]},
        )  # fmt: skip
    _copy(out, rendered.data)
    stored = batches.get_batch(services.store, batch.id)
    assert stored is not None
    return Exported(stored, path, rendered.data, entries, rendered.encoding, rendered.changes, earlier)


def export_again(services: Services, batch_id: str, actor: str | None, out: Path | None = None) -> Exported:
    """The batch's file again, byte for byte: the stored file when its digest matches, else the batch rendered
    anew, given only when it comes out identical (a rule or name changed since would change the books)."""
    batch = batches.get_batch(services.store, batch_id.strip().upper())
    if batch is None:
        raise ExportError("journal.no_batch", batch=batch_id)
    _check_out(out)
    claims = batches.claims_in_batch(services.store, batch.id)
    entries = entries_of(services, claims)
    path = batch_path(services, batch)
    data: bytes | None = None
    if path.exists():
        kept = path.read_bytes()
        if batch.sha256 is None or hashlib.sha256(kept).hexdigest() == batch.sha256:
            data = kept
    changes: list[Change] = []
    if data is None:
        rendered = _render(services, batch.format, entries, batch.id)
        if batch.sha256 is not None and hashlib.sha256(rendered.data).hexdigest() != batch.sha256:
            raise ExportError("journal.reexport_differs", batch=batch.id)
        data, changes = rendered.data, rendered.changes
        write_private(path, data)
        if batch.sha256 is None:
            batches.set_sha256(services.store, batch.id, hashlib.sha256(data).hexdigest())
    else:
        changes = _render(services, batch.format, entries, batch.id).changes
    with services.store.tx():
        services.store.audit(services.now_iso(), actor, "journal.exported_again", None,
                             {"batch": batch.id, "sha256": hashlib.sha256(data).hexdigest()})  # fmt: skip
    _copy(out, data)
    stored = batches.get_batch(services.store, batch.id)
    assert stored is not None
    encoding = formats.encoding_of(batch.format, services.rules.accounting)
    return Exported(stored, path, data, entries, encoding, changes, {}, again=True)


def _earlier_text(earlier: dict[str, int]) -> str:
    return ", ".join(f"{b} ({n})" for b, n in earlier.items()) or "-"


def summary(result: Exported, locale: str) -> str:
    """What finance reads after an export: the batch, how many claims and how much, what changed, what went
    before."""
    b = result.batch
    key = "journal.exported_again" if result.again else "journal.exported"
    said = t(key, locale, batch=b.id, format=t(f"journal.format.{b.format}", locale), claims=len(result.entries),
             total=yen(result.total), start=b.period_from.isoformat(), end=b.period_to.isoformat(),
             encoding=result.encoding)  # fmt: skip
    parts = [said]
    for c in result.changes:
        parts.append(t(f"journal.change.{c.kind}", locale, ref=c.ref, field=c.field, detail=c.detail))
    if result.earlier:
        parts.append(t("journal.earlier", locale, earlier=_earlier_text(result.earlier),
                       n=sum(result.earlier.values())))  # fmt: skip
    if b.format == "yayoi":
        parts.append(t("journal.yayoi_once", locale))
    return "\n".join(parts)
