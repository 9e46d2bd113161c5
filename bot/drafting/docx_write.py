"""A draft as a Word file (python-docx): one paragraph per paragraph of the draft, the articles' headings
bold, the title centred. The bytes are the same for the same draft (every zip entry dated 1980-01-01), so a
draft written twice (a handler redone after a model call) is one file under its content hash."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from bot.drafting.fill import Draft

MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_FONTS = {"ja": ("MS Mincho", "MS Mincho"), "en": ("Times New Roman", "MS Mincho")}


def docx_bytes(draft: Draft) -> bytes:
    document = Document()
    latin, east_asian = _FONTS.get(draft.locale, _FONTS["ja"])
    normal = document.styles["Normal"]
    normal.font.name = latin
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)
    core = document.core_properties
    core.title = draft.title
    core.author = draft.template.name(draft.locale)
    core.comments = f"template: {draft.template.key}; worded by: {draft.worded_by}"
    for para in draft.paragraphs:
        p = document.add_paragraph()
        run = p.add_run(para.text)
        if para.style == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold = True
            run.font.size = Pt(14)
        elif para.style == "heading":
            run.bold = True
    out = io.BytesIO()
    document.save(out)
    return _fixed_dates(out.getvalue())


def _fixed_dates(data: bytes) -> bytes:
    """The same zip with every entry dated alike, and the package's own dates blanked, so equal drafts are equal
    bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _no_dates(body)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, body)
    return out.getvalue()


def _no_dates(xml: bytes) -> bytes:
    import re

    return re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", xml)
