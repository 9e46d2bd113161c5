"""Real contract files made inside the tests: PDF (reportlab) and Word (python-docx), plus the bad
files people send: a scan with no text, a password-protected PDF, a photo or a ZIP renamed .pdf.

Japanese PDFs use reportlab's built-in CID font HeiseiMin-W3 with the UniJIS-UCS2-H encoding: no
font file is embedded or needed, and pypdf maps the glyphs back to Unicode through the predefined
CMap, so the text extracts exactly (checked in test_contracts_documents.py). Lines are wrapped at
the page width the way a word processor would, so the reader has to join them again.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.oxml.ns import qn
from lxml import etree
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

JA_FONT = "HeiseiMin-W3"
pdfmetrics.registerFont(UnicodeCIDFont(JA_FONT))


def _is_wide(ch: str) -> bool:
    return ch >= "\u2e80"


def _wrap(line: str, font: str, size: float, width: float) -> list[str]:
    """Break a paragraph into lines that fit `width`: Latin at spaces, Japanese anywhere."""
    tokens: list[str] = []
    for ch in line:
        if (
            tokens
            and not _is_wide(ch)
            and ch != " "
            and tokens[-1]
            and not _is_wide(tokens[-1][-1])
            and tokens[-1] != " "
        ):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    out: list[str] = []
    current = ""
    for tok in tokens:
        if pdfmetrics.stringWidth(current + tok, font, size) > width and current.strip():
            out.append(current.rstrip())
            current = tok.lstrip() if tok == " " else tok
        else:
            current += tok
    if current.strip() or not out:
        out.append(current.rstrip())
    return out


def make_pdf(text: str, *, font: str = JA_FONT, size: float = 10.5, page_numbers: bool = True) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    width, height = A4
    margin = 60
    leading = size * 1.6
    y = height - margin
    page = 1

    def new_page() -> None:
        nonlocal y, page
        if page_numbers:
            c.setFont("Helvetica", 9)
            c.drawCentredString(width / 2, 30, f"- {page} -")
        c.showPage()
        page += 1
        y = height - margin

    for paragraph in text.split("\n"):
        for line in _wrap(paragraph, font, size, width - 2 * margin):
            if y < margin + leading:
                new_page()
            c.setFont(font, size)
            c.drawString(margin, y, line)
            y -= leading
    if page_numbers:
        c.setFont("Helvetica", 9)
        c.drawCentredString(width / 2, 30, f"- {page} -")
    c.save()
    return buf.getvalue()


def make_scanned_pdf(pages: int = 2) -> bytes:
    """What a scanner produces: pages that are pictures, with no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    for _ in range(pages):
        img = Image.new("L", (600, 800), 255)
        draw = ImageDraw.Draw(img)
        for row in range(40, 760, 24):
            draw.rectangle((40, row, 560, row + 10), fill=40)  # lines of "text" as ink, not characters
        c.drawImage(ImageReader(img), 40, 60, width=515, height=700)
        c.showPage()
    c.save()
    return buf.getvalue()


def make_encrypted_pdf(text: str, password: str = "secret") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(text))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_owner_locked_pdf(text: str) -> bytes:
    """Restricted (no printing/copying) but opens without a password: must still be read."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(text))))
    writer.encrypt(user_password="", owner_password="owner-only", algorithm="RC4-128", permissions_flag=0)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(text: str, *, table_for: str | None = None) -> bytes:
    """One Word paragraph per line. `table_for`: a line put into a two-column table instead
    (label | value), as contracts often do for payment terms."""
    doc = Document()
    for line in text.split("\n"):
        if table_for and line.startswith(table_for):
            label, _, value = line.partition("、")
            table = doc.add_table(rows=1, cols=2)
            table.rows[0].cells[0].text = label
            table.rows[0].cells[1].text = value
            continue
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def make_numbered_docx(
    articles: list[tuple[str, str]], preamble: str = "", tracked: tuple[str, str] | None = None
) -> bytes:
    """Articles numbered by Word itself ("第%1条" automatic numbering), so no "第1条" is in the text
    runs. `tracked`: (inserted, deleted) text added to the first article as a tracked change."""
    doc = Document()
    numbering = doc.part.numbering_part.element
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    abstract = etree.SubElement(numbering, qn("w:abstractNum"), {qn("w:abstractNumId"): "90"})
    lvl = etree.SubElement(abstract, qn("w:lvl"), {qn("w:ilvl"): "0"})
    etree.SubElement(lvl, qn("w:start"), {qn("w:val"): "1"})
    etree.SubElement(lvl, qn("w:numFmt"), {qn("w:val"): "decimal"})
    etree.SubElement(lvl, qn("w:lvlText"), {qn("w:val"): "第%1条"})
    # abstractNum elements must come before num elements in numbering.xml.
    first_num = numbering.find(f"{{{w}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    num = etree.SubElement(numbering, qn("w:num"), {qn("w:numId"): "90"})
    etree.SubElement(num, qn("w:abstractNumId"), {qn("w:val"): "90"})
    if preamble:
        doc.add_paragraph(preamble)
    for i, (title, body) in enumerate(articles):
        heading = doc.add_paragraph(f"（{title}）")
        ppr = heading._p.get_or_add_pPr()
        num_pr = etree.SubElement(ppr, qn("w:numPr"))
        etree.SubElement(num_pr, qn("w:ilvl"), {qn("w:val"): "0"})
        etree.SubElement(num_pr, qn("w:numId"), {qn("w:val"): "90"})
        para = doc.add_paragraph(body)
        if i == 0 and tracked:
            inserted, deleted = tracked
            ins = etree.SubElement(para._p, qn("w:ins"), {qn("w:id"): "1", qn("w:author"): "legal"})
            run = etree.SubElement(ins, qn("w:r"))
            etree.SubElement(run, qn("w:t")).text = inserted
            dele = etree.SubElement(para._p, qn("w:del"), {qn("w:id"): "2", qn("w:author"): "legal"})
            drun = etree.SubElement(dele, qn("w:r"))
            etree.SubElement(drun, qn("w:delText")).text = deleted
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (255, 255, 255)).save(buf, format="PNG")
    return buf.getvalue()


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("contract.txt", "秘密保持契約書")
        z.writestr("notes/readme.md", "not a Word file")
    return buf.getvalue()
