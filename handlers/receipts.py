"""Receipts: kept under their content hash and attached to the claim they belong to."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from bot.i18n import t
from bot.models import ExpenseClaim, Reply, Status
from bot.services import Services
from bot.store import records
from handlers.base import Inbound, locale_for, result_reply, submitted_reply, text_reply


class AttachmentError(Exception):
    def __init__(self, key: str, **data: object) -> None:
        super().__init__(key)
        self.key = key
        self.data = data


_UNSAFE_NAME = re.compile(r"[^\w.\-]")


def save_incoming(services: Services, file_id: str, name: str, data: bytes) -> str:
    """A file a chat platform handed us, written where `store_file` will pick it up; returns its path."""
    folder = services.attachments_dir / "incoming"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{file_id}-{_UNSAFE_NAME.sub('_', name)[:80]}"
    target.write_bytes(data)
    return str(target)


def store_file(path_text: str, services: Services) -> tuple[str, str, int]:
    """Copy a receipt into the attachment folder under its content hash: (path, sha256, size)."""
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise AttachmentError("err.attach_missing", path=path_text)
    size = path.stat().st_size
    if size > services.max_attachment_mb * 1024 * 1024:
        raise AttachmentError("err.attach_too_big", size=round(size / 1048576, 1), limit=services.max_attachment_mb)
    return keep_bytes(path.read_bytes(), path.name, services)


def keep_bytes(data: bytes, name: str, services: Services) -> tuple[str, str, int]:
    """Keep a file's bytes in the attachment folder under their content hash: (path, sha256, size).
    For a caller that has read the file already (a contract), so it is not read twice."""
    digest = hashlib.sha256(data).hexdigest()
    services.attachments_dir.mkdir(parents=True, exist_ok=True)
    target = services.attachments_dir / f"{digest[:16]}-{name}"
    if not target.exists():
        target.write_bytes(data)
    return (str(target), digest, len(data))


def file_with_receipt(msg: Inbound, claim: ExpenseClaim, receipt: str | None, services: Services) -> list[Reply]:
    """File a claim, keeping its receipt (a local file) with it when there is one."""
    stored = None
    if receipt:
        try:
            stored = store_file(receipt, services)
        except AttachmentError as err:
            return text_reply(msg, services, err.key, **err.data)
        claim = replace(claim, receipts=(Path(receipt).name,))
    result = services.workflow.submit(msg.employee, claim, source=f"{msg.platform}:{msg.delivery_id or ''}")
    req = result.request
    assert req is not None and req.id is not None
    if stored:
        with services.store.tx():
            records.add_attachment(
                services.store,
                req.id,
                Path(receipt or "").name,
                *stored,
                added_by=msg.employee.id,
                at=services.now_iso(),
            )
    return [submitted_reply(req, msg, services)]


def attach(msg: Inbound, rid: int, path: str, services: Services) -> list[Reply]:
    """Add a receipt to the sender's claim that waits for one; it is decided again at once."""
    req = records.get_request(services.store, rid)
    if req is None:
        return text_reply(msg, services, "err.not_found", id=rid)
    if req.requester_id != msg.employee.id:
        return text_reply(msg, services, "err.not_yours", id=rid)
    if not isinstance(req.details, ExpenseClaim):
        return text_reply(msg, services, "err.attach_kind", id=rid)
    if req.status is not Status.NEEDS_INFO:
        locale = locale_for(msg, services)
        return text_reply(msg, services, "err.not_editable", id=rid, status=t(f"status.{req.status}", locale))
    try:
        stored = store_file(path, services)
    except AttachmentError as err:
        return text_reply(msg, services, err.key, **err.data)
    name = Path(path).name
    details = replace(req.details, receipts=(*req.details.receipts, name))
    result = services.workflow.update(rid, msg.employee, details, action="attach")
    if result.ok:
        with services.store.tx():
            records.add_attachment(services.store, rid, name, *stored, added_by=msg.employee.id, at=services.now_iso())
        assert result.request is not None
        return [submitted_reply(result.request, msg, services)]
    return result_reply(result, msg, services, "attach")
