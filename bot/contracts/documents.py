"""Text out of a contract file: PDF, Word (.docx), plain text, or text pasted into the chat.

The type is told by the file's first bytes, never by its name alone: a photo renamed .pdf or a
ZIP renamed .docx must get a clear answer, not a stack trace. Every refusal is a
`DocumentError` with a stable `code` the handler turns into a reply in the user's language.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Any

from bot.i18n import t

# Stable error codes (the handler and tests rely on them).
TOO_LARGE = "too_large"
UNSUPPORTED_TYPE = "unsupported_type"
ENCRYPTED = "encrypted"
SCANNED = "scanned_pdf"
CORRUPT = "corrupt"
EMPTY = "empty"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
    b"BM": "bmp",
}
# Text layers this thin are a scan with a stray header, not a contract.
_MIN_CHARS_PER_PAGE = 20
# A .docx is a ZIP: refuse one that would unpack to far more than the upload limit allows.
_MAX_UNPACK_RATIO = 50


class DocumentError(Exception):
    """A file the bot cannot read as a contract. `code` is one of the constants above; `data`
    fills the message (size, limit, kind)."""

    def __init__(self, code: str, detail: str = "", **data: Any) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail  # for the log, in English; never shown to the user
        self.data = data

    def message(self, locale: str) -> str:
        key = f"contract.err.{self.code}"
        if self.code == UNSUPPORTED_TYPE and self.data.get("kind") in (
            "png",
            "jpeg",
            "gif",
            "tiff",
            "bmp",
            "webp",
            "heic",
        ):
            key = "contract.err.image"
        elif self.code == UNSUPPORTED_TYPE and self.data.get("kind") in ("doc", "xls", "ppt"):
            key = "contract.err.legacy_office"
        return t(key, locale, **{k: v for k, v in self.data.items() if isinstance(v, str | int | float)})


@dataclass(frozen=True)
class ContractText:
    """What was read, and from what. `pages_without_text` lists PDF pages (1-based) that had no
    text layer while others did: part scanned, so those pages went unchecked."""

    text: str
    kind: str  # pdf | docx | txt | pasted
    filename: str = ""
    pages: int | None = None
    encoding: str | None = None
    pages_without_text: tuple[int, ...] = field(default=())


def detect_kind(data: bytes) -> str:
    """What the bytes are: pdf, docx, zip, xlsx, pptx, doc, encrypted_office, png, jpeg…, text or unknown."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return "broken_zip"
        if "word/document.xml" in names:
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("ppt/") for n in names):
            return "pptx"
        return "zip"
    if data.startswith(_OLE2):
        # A password-protected .docx is stored as an OLE2 file holding an "EncryptedPackage".
        return "encrypted_office" if "EncryptedPackage".encode("utf-16-le") in data else "doc"
    for magic, kind in _IMAGES.items():
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "heic"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if _decode_text(data) is not None:
        return "text"
    return "unknown"


def check_size(size: int, max_bytes: int) -> None:
    """Raises DocumentError(TOO_LARGE) for a file over the limit: callers check a file's size before reading it."""
    if size > max_bytes:
        raise DocumentError(TOO_LARGE, f"{size} bytes > {max_bytes}", size=_mb(size), limit=_mb(max_bytes))


def read_document(data: bytes, filename: str = "", *, max_bytes: int) -> ContractText:
    """The contract's text from a file's bytes. Raises DocumentError."""
    check_size(len(data), max_bytes)
    if not data.strip():
        raise DocumentError(EMPTY, "no bytes")
    kind = detect_kind(data)
    if kind == "pdf":
        return _read_pdf(data, filename)
    if kind == "docx":
        return _read_docx(data, filename, max_bytes)
    if kind == "text":
        decoded = _decode_text(data)
        assert decoded is not None
        body, encoding = decoded
        return ContractText(_clean(body, EMPTY), "txt", filename, encoding=encoding)
    if kind == "encrypted_office":
        raise DocumentError(ENCRYPTED, "password-protected Office file")
    if kind == "broken_zip":
        if filename.lower().endswith((".docx", ".zip")):
            raise DocumentError(CORRUPT, "ZIP structure is broken")
        raise DocumentError(CORRUPT, "starts like a ZIP/.docx but cannot be opened")
    raise DocumentError(UNSUPPORTED_TYPE, f"content is {kind}", kind=kind)


def from_pasted_text(pasted: str, *, max_chars: int = 500_000) -> ContractText:
    """Contract text pasted into the chat. Raises DocumentError when there is none, or too much."""
    if len(pasted) > max_chars:
        raise DocumentError(
            TOO_LARGE, f"{len(pasted)} characters", size=_mb(len(pasted.encode())), limit=_mb(max_chars)
        )
    return ContractText(_clean(pasted, EMPTY), "pasted")


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}"


def _decode_text(data: bytes) -> tuple[str, str] | None:
    """Plain text in the encodings Japanese offices use; None for binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:8192]:
        return None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in decoded[:8192] if unicodedata.category(c) == "Cc" and c not in "\r\n\t\f")
        if controls == 0:
            return decoded, "utf-8" if encoding == "utf-8-sig" else encoding
    return None


def _clean(body: str, empty_code: str) -> str:
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\u00ad", "")
    body = re.sub(r"[ \t]+\n", "\n", body)
    if not body.strip():
        raise DocumentError(empty_code, "no text")
    return body.strip("\n")


def _read_pdf(data: bytes, filename: str) -> ContractText:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # An owner password alone (print/copy restrictions) opens with an empty user password.
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise DocumentError(ENCRYPTED, f"cannot decrypt: {exc}") from None
            if not opened:
                raise DocumentError(ENCRYPTED, "needs a password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except FileNotDecryptedError:
        raise DocumentError(ENCRYPTED, "needs a password") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as exc:
        raise DocumentError(CORRUPT, f"{type(exc).__name__}: {exc}") from None
    if not pages:
        raise DocumentError(CORRUPT, "no pages")
    counts = [len(re.sub(r"\s", "", p)) for p in pages]
    if sum(counts) < _MIN_CHARS_PER_PAGE:
        raise DocumentError(SCANNED, f"{len(pages)} pages, {sum(counts)} characters", pages=len(pages))
    blank = tuple(i + 1 for i, n in enumerate(counts) if n < _MIN_CHARS_PER_PAGE)
    body = _clean("\n".join(pages), SCANNED)
    return ContractText(body, "pdf", filename, pages=len(pages), pages_without_text=blank)


def _read_docx(data: bytes, filename: str, max_bytes: int) -> ContractText:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
        if unpacked > max_bytes * _MAX_UNPACK_RATIO:
            raise DocumentError(TOO_LARGE, f"unpacks to {unpacked} bytes", size=_mb(unpacked), limit=_mb(max_bytes))
        document = docx.Document(io.BytesIO(data))
        from bot.contracts.docx_text import docx_text

        body = docx_text(document)
    except DocumentError:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, XMLSyntaxError, KeyError, ValueError, AttributeError) as exc:
        raise DocumentError(CORRUPT, f"{type(exc).__name__}: {exc}") from None
    return ContractText(_clean(body, EMPTY), "docx", filename)
