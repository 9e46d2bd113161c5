"""Receipts: kept under their content hash, attached to the claim they belong to, and archived (bot.archive)."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from bot.archive import store as archive
from bot.files import CONTRACT_KINDS, RECEIPT_KINDS, FileRefused, keep
from bot.i18n import t
from bot.models import ExpenseClaim, Reply, Status
from bot.services import Services
from bot.store import records
from handlers.base import Inbound, locale_for, result_reply, submitted_reply, text_reply

log = logging.getLogger(__name__)


class AttachmentError(Exception):
    def __init__(self, key: str, **data: object) -> None:
        super().__init__(key)
        self.key = key
        self.data = data


def store_file(path_text: str, services: Services, name: str | None = None) -> tuple[str, str, int]:
    """Keep a receipt in the attachment folder under its content hash: (path, sha256, size). Its size is
    checked before a byte is read, and its bytes must be a receipt's kind (a photo or a PDF)."""
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise AttachmentError("err.attach_missing", path=name or path.name)
    size = path.stat().st_size
    if size > services.max_attachment_mb * 1024 * 1024:
        raise AttachmentError("err.attach_too_big", size=round(size / 1048576, 1), limit=services.max_attachment_mb)
    try:
        kept = keep(path.read_bytes(), name or path.name, services.attachments_dir, RECEIPT_KINDS)
    except FileRefused as err:
        raise AttachmentError(err.key, **err.data) from None
    return (kept.path, kept.sha256, kept.size)


def archive_receipts(services: Services) -> None:
    """Put the receipts just attached into the 電子帳簿保存法 archive. The attachment is already committed, so a
    failure here (a full disk) loses nothing: the next use of the archive picks the receipt up."""
    try:
        archive.archive_new(services)  # the claim's own changes are followed by the workflow (archive.follow_request)
    except OSError as err:
        log.error("archive: receipts not archived yet (%s); the next search or export retries", type(err).__name__)


def keep_bytes(data: bytes, name: str, services: Services) -> tuple[str, str, int]:
    """Keep a contract's bytes in the attachment folder under their content hash: (path, sha256, size).
    For a caller that has read and checked the file already, so it is not read twice."""
    kept = keep(data, name, services.attachments_dir, CONTRACT_KINDS)
    return (kept.path, kept.sha256, kept.size)


def file_with_receipt(msg: Inbound, claim: ExpenseClaim, receipt: str | None, services: Services) -> list[Reply]:
    """File a claim, keeping its receipt (a local file) with it when there is one. A receipt refused for what it
    is (its kind, its size) does not lose the claim: it is filed without it, the sender told why, and it waits
    for a receipt if the rules want one. A path that names no file is a mistyped command: nothing is filed."""
    stored = None
    told: list[Reply] = []
    if receipt:
        try:
            stored = store_file(receipt, services, msg.name_of(receipt))
            claim = replace(claim, receipts=(msg.name_of(receipt),))
        except AttachmentError as err:
            if err.key == "err.attach_missing":
                return text_reply(msg, services, err.key, **err.data)
            told = text_reply(msg, services, err.key, **err.data)
    result = services.workflow.submit(msg.employee, claim, source=f"{msg.platform}:{msg.delivery_id or ''}")
    req = result.request
    assert req is not None and req.id is not None
    if stored:
        with services.store.tx():
            records.add_attachment(
                services.store,
                req.id,
                msg.name_of(receipt or ""),
                *stored,
                added_by=msg.employee.id,
                at=services.now_iso(),
            )
        archive_receipts(services)
    return [*told, submitted_reply(req, msg, services)]


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
    name = msg.name_of(path)
    try:
        stored = store_file(path, services, name)
    except AttachmentError as err:
        return text_reply(msg, services, err.key, **err.data)
    details = replace(req.details, receipts=(*req.details.receipts, name))
    result = services.workflow.update(rid, msg.employee, details, action="attach")
    if result.ok:
        with services.store.tx():
            records.add_attachment(services.store, rid, name, *stored, added_by=msg.employee.id, at=services.now_iso())
        archive_receipts(services)
        assert result.request is not None
        return [submitted_reply(result.request, msg, services)]
    return result_reply(result, msg, services, "attach")
