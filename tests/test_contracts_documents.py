"""Reading contract files: the text comes out of PDF, Word and text files as written, and every file
the bot cannot read gets a clear answer with a stable error code, in the user's language."""

from __future__ import annotations

import io
import zipfile

import pytest

from bot.contracts import DocumentError, detect_kind, from_pasted_text, read_document
from bot.contracts.documents import CORRUPT, EMPTY, ENCRYPTED, SCANNED, TOO_LARGE, UNSUPPORTED_TYPE
from tests.contracts_files import (
    make_docx,
    make_encrypted_pdf,
    make_numbered_docx,
    make_owner_locked_pdf,
    make_pdf,
    make_scanned_pdf,
    png_bytes,
    zip_bytes,
)
from tests.contracts_samples import EN_NDA, JA_MUTUAL_NDA

LIMIT = 10_000_000
JA_LINE = (
    "第５条（支払条件）委託料は、毎月末日締め翌々月末日払いとし、甲は「乙」の指定する口座に振り込む。①　１２，０００円"
)


def read(data: bytes, name: str = "contract.pdf", limit: int = LIMIT):
    return read_document(data, name, max_bytes=limit)


def refused(data: bytes, name: str = "contract.pdf", limit: int = LIMIT) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        read(data, name, limit)
    return info.value


# -- text out ------------------------------------------------------------------------------------


def test_japanese_pdf_text_comes_back_exactly() -> None:
    """The CID font HeiseiMin-W3 (UniJIS-UCS2-H) round-trips through pypdf: full-width digits,
    brackets, kana and kanji, circled numbers."""
    doc = read(make_pdf(JA_LINE, page_numbers=False))
    assert doc.kind == "pdf"
    assert doc.text.replace("\n", "") == JA_LINE


def test_a_long_japanese_contract_survives_wrapping_and_page_numbers() -> None:
    doc = read(make_pdf(JA_MUTUAL_NDA))
    assert doc.pages == 2
    assert doc.pages_without_text == ()
    flat = doc.text.replace("\n", "")
    assert "甲及び乙は、相手方から開示を受けた秘密情報を厳に秘密として保持し" in flat
    assert "- 1 -" in doc.text  # the page number is text in the PDF; the clause splitter drops it


def test_english_pdf_keeps_word_spaces() -> None:
    doc = read(make_pdf(EN_NDA, font="Helvetica"))
    assert "shall be governed by and construed in accordance with the laws of Japan." in " ".join(doc.text.split())


def test_docx_text_in_reading_order_with_tables() -> None:
    text = "業務委託契約書\n第4条（支払条件）\n支払条件、毎月末日締め翌月末日払い\n第5条（知的財産権）"
    doc = read(make_docx(text, table_for="支払条件、"), "contract.docx")
    assert doc.kind == "docx"
    assert doc.text.splitlines() == [
        "業務委託契約書",
        "第4条（支払条件）",
        "支払条件 毎月末日締め翌月末日払い",
        "第5条（知的財産権）",
    ]


def test_docx_automatic_article_numbers_and_tracked_changes() -> None:
    """Word's own 第%1条 numbering is not in the runs; tracked insertions count, deletions do not."""
    data = make_numbered_docx(
        [("目的", "本契約は、秘密情報の取扱いを定める。"), ("秘密保持", "甲及び乙は、秘密情報を第三者に開示しない。")],
        preamble="秘密保持契約書",
        tracked=("(追記)", "(削除された文言)"),
    )
    doc = read(data, "nda.docx")
    assert doc.text.splitlines() == [
        "秘密保持契約書",
        "第1条 （目的）",
        "本契約は、秘密情報の取扱いを定める。(追記)",
        "第2条 （秘密保持）",
        "甲及び乙は、秘密情報を第三者に開示しない。",
    ]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("秘密保持契約書\n第1条（目的）".encode(), "utf-8"),
        ("\ufeff秘密保持契約書\n第1条（目的）".encode(), "utf-8"),
        ("秘密保持契約書\r\n第1条（目的）".encode("cp932"), "cp932"),
        ("秘密保持契約書\n第1条（目的）".encode("utf-16"), "utf-16"),
    ],
    ids=["utf-8", "utf-8-sig", "cp932", "utf-16"],
)
def test_text_files_in_the_encodings_offices_use(data: bytes, encoding: str) -> None:
    doc = read(data, "contract.txt")
    assert doc.kind == "txt"
    assert doc.encoding == encoding
    assert doc.text == "秘密保持契約書\n第1条（目的）"


def test_pasted_text() -> None:
    doc = from_pasted_text("  \n秘密保持契約書\r\n第1条（目的）\n")
    assert doc.kind == "pasted"
    assert doc.text == "秘密保持契約書\n第1条（目的）"


def test_a_pdf_locked_only_against_printing_is_still_read() -> None:
    doc = read(make_owner_locked_pdf(JA_LINE))
    assert "毎月末日締め翌々月末日払い" in doc.text.replace("\n", "")


def test_type_comes_from_the_bytes_not_the_name() -> None:
    assert read(make_docx("秘密保持契約書"), "contract.pdf").kind == "docx"
    assert read(make_pdf(JA_LINE), "contract.docx").kind == "pdf"
    assert detect_kind(b"junk-before-header %PDF-1.7\n...") == "pdf"


def test_a_part_scanned_pdf_says_which_pages_were_not_read() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for source in (make_pdf(JA_MUTUAL_NDA, page_numbers=False), make_scanned_pdf(pages=1)):
        for page in PdfReader(io.BytesIO(source)).pages:
            writer.add_page(page)
    buf = io.BytesIO()
    writer.write(buf)
    doc = read(buf.getvalue())
    assert doc.pages == 3
    assert doc.pages_without_text == (3,)


# -- refusals ------------------------------------------------------------------------------------


def test_scanned_pdf_with_no_text_layer() -> None:
    err = refused(make_scanned_pdf())
    assert err.code == SCANNED
    assert "スキャン画像" in err.message("ja")
    assert "no text layer" in err.message("en")


def test_password_protected_pdf() -> None:
    err = refused(make_encrypted_pdf(JA_LINE))
    assert err.code == ENCRYPTED
    assert (
        err.message("en")
        == "The file is password-protected, so it cannot be read. Please send a copy without the password."
    )


def test_password_protected_word_file() -> None:
    # What Word writes for an encrypted .docx: an OLE2 container holding an "EncryptedPackage" stream.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100
    assert refused(ole, "contract.docx").code == ENCRYPTED


def test_oversize_file_is_refused_before_it_is_parsed() -> None:
    err = refused(make_pdf(JA_LINE), limit=1_000)
    assert err.code == TOO_LARGE
    assert err.data["limit"] == "0.0"
    assert "上限" in err.message("ja")
    huge = "あ" * 600_000
    with pytest.raises(DocumentError) as info:
        from_pasted_text(huge)
    assert info.value.code == TOO_LARGE


def test_a_docx_that_would_unpack_to_far_more_than_the_limit() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>" + " " * 5_000_000 + "</w:document>")
    assert refused(buf.getvalue(), "bomb.docx", limit=50_000).code == TOO_LARGE


@pytest.mark.parametrize(
    ("data", "kind", "words_en"),
    [
        (png_bytes(), "png", "An image (png) has no text to read."),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "jpeg", "An image (jpeg) has no text to read."),
        (zip_bytes(), "zip", "This file (zip) cannot be read as a contract."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "doc", "Old-format Office files (doc) cannot be read."),
        (bytes(range(256)) * 4, "unknown", "This file (unknown) cannot be read as a contract."),
    ],
    ids=["png-renamed-pdf", "jpeg-renamed-pdf", "zip-renamed-pdf", "legacy-doc", "binary"],
)
def test_wrong_type_is_named_in_the_answer(data: bytes, kind: str, words_en: str) -> None:
    err = refused(data, "contract.pdf")
    assert err.code == UNSUPPORTED_TYPE
    assert err.data["kind"] == kind
    assert err.message("en").startswith(words_en)
    assert err.message("ja")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (make_pdf(JA_LINE)[:400], "truncated.pdf"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 100, "garbage.pdf"),
        (make_docx("秘密保持契約書")[:300], "truncated.docx"),
        (b"PK\x03\x04" + b"\x00" * 50, "broken.docx"),
    ],
    ids=["truncated-pdf", "garbage-pdf", "truncated-docx", "broken-zip"],
)
def test_corrupt_files(data: bytes, name: str) -> None:
    err = refused(data, name)
    assert err.code == CORRUPT
    assert err.message("ja") == "ファイルが壊れているため開けません。元のファイルをもう一度送ってください。"


@pytest.mark.parametrize("data", [b"", b"   \n\n", "\u3000\n".encode()], ids=["empty", "blank", "full-width-space"])
def test_empty_files(data: bytes) -> None:
    assert refused(data, "contract.txt").code == EMPTY
