"""Contract checks as a person meets them: a file (PDF, Word) or pasted text in, a findings report
out, and the request routed by C3/C5 to legal (and the CEO) who decide it like any other request.

The demo company: e007 Watanabe asks; e005 Tanaka is legal; e001 Yamada is the CEO.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App
from bot.console import render_card
from bot.models import ContractReview, Reply, Status
from bot.store import records
from handlers import Inbound
from tests.contracts_files import make_docx, make_encrypted_pdf, make_pdf, make_scanned_pdf, png_bytes, zip_bytes
from tests.contracts_samples import EN_NDA, JA_MUTUAL_NDA, SAMPLES, Sample

BY_NAME = {s.name: s for s in SAMPLES}


def send(app: App, who: str, text: str, files: tuple[str, ...] = ()) -> list[Reply]:
    person = app.directory.require(who)
    return app.router.handle(Inbound(person, text, platform="test", attachments=files))


def file_of(app: App, name: str, data: bytes) -> str:
    path = Path(app.settings.attachments_dir).parent / "uploads" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def all_text(replies: list[Reply], locale: str = "ja") -> str:
    out = []
    for r in replies:
        out.append(r.text)
        if r.card:
            out.append(r.card.title)
            out += [f"{k} {v}" for k, v in r.card.fields]
            out += [f.message(locale) for f in r.card.findings]
    return "\n".join(out)


def notifications(app: App, who: str) -> list[str]:
    return [row["event"] for row in records.undelivered(app.store, who)]


def expected_route(sample: Sample) -> tuple[Status, list[str]]:
    if sample.standard_nda and not sample.denied and not sample.needs_ceo:
        return Status.APPROVED, []
    return Status.PENDING, ["legal", "ceo"] if sample.needs_ceo else ["legal"]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_each_contract_is_checked_and_routed(app: App, sample: Sample, fmt: str) -> None:
    data = make_pdf(sample.text) if fmt == "pdf" else make_docx(sample.text)
    path = file_of(app, f"{sample.name}.{fmt}", data)
    replies = send(app, "e007", "/contract 紙", (path,))
    req = records.get_request(app.store, 1)
    assert req is not None and isinstance(req.details, ContractReview)
    status, chain = expected_route(sample)
    assert req.status is status
    assert [s.role for s in records.get_steps(app.store, 1)] == chain
    # Every checklist item is in the report with the status a legal reader expects.
    by_rule = {f.rule_id: f for f in req.details.findings}
    for key, expected in sample.expected.items():
        assert by_rule[f"C2.{key}"].data["status"] == expected, key
    # A red flag, or a clause missing where its absence counts as one (no anti-social-forces clause).
    flagged = {f"C2.{k}" for k, v in sample.expected.items() if v == "red_flag"}
    assert flagged <= set(req.details.red_flags)
    assert set(req.details.red_flags) == {r for r, f in by_rule.items() if f.data.get("level") == "red_flag"}
    shown = all_text(replies)
    assert "契約書を確認しました(#1)" in shown
    assert f"{req.details.summary['ja'][0][1]}" == f"{sample.name}.{fmt}"  # the file the sender named
    if sample.denied:
        assert "取引禁止先リスト" in shown
    if status is Status.APPROVED:
        assert notifications(app, "e005") == ["auto_approved"]  # legal told
    else:
        assert notifications(app, "e005") == ["approval_needed"]
        assert f"重大 {len(req.details.red_flags)}件" in replies[0].text


def test_legal_gets_the_report_on_the_approval_card_and_decides(app: App) -> None:
    sample = BY_NAME["ja_outsourcing_90_days"]
    send(app, "e007", "/contract 紙", (file_of(app, "gyomu.pdf", make_pdf(sample.text)),))
    legal = app.directory.require("e005")
    (waiting,) = app.router.handle(Inbound(legal, "/pending", platform="test"))
    assert "#1 渡辺 翔太 契約 " in waiting.text  # one line in the queue; the report is on the card /show opens
    cards = [r.card for r in app.router.handle(Inbound(legal, "/show 1", platform="test")) if r.card]
    assert len(cards) == 1
    card = cards[0]
    assert [a.id for a in card.actions] == ["approve", "reject", "request_changes"]
    text = all_text([Reply("ja", card=card)])
    assert "支払期日が納品から最長約90日後" in text  # the finding, with its clause and suggested wording
    assert "第4条" in text and "修正案" in text
    assert "印紙税は¥2,000" in text  # C4 on a paper 業務委託 with a promised result
    # Request changes sends it back with the reason; the requester is told.
    replies = send(app, "e005", "/changes 1 支払条件を60日以内に修正してもらってください")
    assert "差し戻し" in all_text(replies) or "changes" in all_text(replies, "en").lower()
    req = records.get_request(app.store, 1)
    assert req is not None and req.status is Status.NEEDS_INFO
    assert "changes_requested" in notifications(app, "e007")


def test_a_contract_of_ten_million_yen_goes_to_the_ceo_after_legal(app: App) -> None:
    sample = BY_NAME["ja_unlimited_liability"]
    assert sample.needs_ceo
    send(app, "e007", "/contract", (file_of(app, "dev.docx", make_docx(sample.text)),))
    send(app, "e005", "/approve 1")
    req = records.get_request(app.store, 1)
    assert req is not None and req.status is Status.PENDING
    assert "approval_needed" in notifications(app, "e001")
    send(app, "e001", "/approve 1")
    req = records.get_request(app.store, 1)
    assert req is not None and req.status is Status.APPROVED


def test_the_requester_cannot_approve_their_own_contract(app: App) -> None:
    send(app, "e005", "/contract", (file_of(app, "m.pdf", make_pdf(BY_NAME["ja_master_without_antisocial"].text)),))
    req = records.get_request(app.store, 1)
    assert req is not None and req.status is Status.PENDING
    steps = records.get_steps(app.store, 1)
    # Legal's own contract goes to the fallback for legal, never to the requester.
    assert steps[0].approver_id != "e005"


def test_pasted_contract_text_is_checked_too(app: App) -> None:
    replies = send(app, "e007", "/contract " + JA_MUTUAL_NDA)
    req = records.get_request(app.store, 1)
    assert req is not None and req.status is Status.APPROVED
    assert "規程により承認しました" in replies[0].text


def test_english_speakers_get_the_report_in_english(app: App) -> None:
    emily = app.directory.require("e008")
    assert emily.locale == "en"
    path = file_of(app, "nda.pdf", make_pdf(EN_NDA))
    replies = app.router.handle(Inbound(emily, "/contract electronic", platform="test", attachments=(path,)))
    text = all_text(replies, "en")
    assert "approved by rule" in replies[0].text
    assert "Stamp duty" in text or "stamp duty" in text
    assert "electronic" in text.lower()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("scan.pdf", make_scanned_pdf(), "文字情報"),
        ("locked.pdf", make_encrypted_pdf(JA_MUTUAL_NDA), "パスワード"),
        ("photo.pdf", png_bytes(), "画像"),
        ("archive.docx", zip_bytes(), "Word"),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_polite_answer_and_nothing_is_filed(
    app: App, name: str, data: bytes, words: str
) -> None:
    replies = send(app, "e007", "/contract", (file_of(app, name, data),))
    assert len(replies) == 1
    assert words in replies[0].text
    assert "何も登録していません" in replies[0].text
    assert records.list_requests(app.store) == []


def test_an_oversize_file_is_refused_before_it_is_read(app: App) -> None:
    app.services.max_attachment_mb = 1
    path = file_of(app, "big.pdf", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))
    replies = send(app, "e007", "/contract", (path,))
    assert "MB" in replies[0].text and "何も登録していません" in replies[0].text
    assert records.list_requests(app.store) == []


def test_contract_with_nothing_to_check_explains_how(app: App) -> None:
    replies = send(app, "e007", "/contract")
    assert "契約書のファイル" in replies[0].text and "/contract" in replies[0].text
    replies = send(app, "e007", "/contract amount=abc", (file_of(app, "n.pdf", make_pdf(JA_MUTUAL_NDA)),))
    assert "abc" in replies[0].text
    assert records.list_requests(app.store) == []


def test_the_requester_s_amount_and_counterparty_win_over_what_is_read(app: App) -> None:
    path = file_of(app, "nda.pdf", make_pdf(JA_MUTUAL_NDA))
    send(app, "e007", "/contract amount=12,000,000 counterparty=黒鉄興業", (path,))
    req = records.get_request(app.store, 1)
    assert req is not None and isinstance(req.details, ContractReview)
    assert req.details.amount_yen == 12_000_000
    assert [s.role for s in records.get_steps(app.store, 1)] == ["legal", "ceo"]
    assert any(f.rule_id == "C5" for f in req.decision.findings)  # type: ignore[union-attr]


def test_the_report_renders_in_the_console(app: App) -> None:
    from rich.console import Console

    replies = send(app, "e007", "/contract 紙", (file_of(app, "g.pdf", make_pdf(BY_NAME["ja_renewal_3_months"].text)),))
    console = Console(width=100, record=True)
    assert replies[0].card is not None
    console.print(render_card(replies[0].card, "ja"))
    out = console.export_text()
    assert "契約審査 #1" in out and "自動更新" in out and "[C2.renewal]" in out


def test_a_file_sent_with_words_asking_for_a_check_is_checked(app: App) -> None:
    path = file_of(app, "NDA_sample.pdf", make_pdf(JA_MUTUAL_NDA))
    replies = send(app, "e007", "このNDAチェックお願いします", (path,))
    req = records.get_request(app.store, 1)
    assert req is not None and req.kind == "contract" and req.status is Status.APPROVED
    assert "規程により承認しました" in replies[0].text
    assert isinstance(req.details, ContractReview) and req.details.note == "このNDAチェックお願いします"


def test_asked_without_the_file_the_bot_asks_for_it_and_takes_the_next_file(app: App) -> None:
    replies = send(app, "e007", "業務委託契約のレビューをお願いしたいです")
    assert "ファイル" in replies[0].text
    assert records.list_requests(app.store) == []
    path = file_of(app, "outsourcing.docx", make_docx(BY_NAME["ja_outsourcing_90_days"].text))
    replies = send(app, "e007", "", (path,))  # the file alone, as chat apps send it
    req = records.get_request(app.store, 1)
    assert req is not None and req.kind == "contract" and req.status is Status.PENDING
    assert "田中 誠さんのレビュー待ち" in replies[0].text


def test_after_asking_for_the_file_another_request_is_still_understood(app: App) -> None:
    send(app, "e007", "NDAのチェックをお願いします")
    replies = send(app, "e007", "明日有給を取ります")
    req = records.get_request(app.store, 1)
    assert req is not None and req.kind == "leave", replies[0].text


def test_a_contract_pasted_without_a_command_is_checked(app: App) -> None:
    replies = send(app, "e007", BY_NAME["ja_renewal_3_months"].text)
    req = records.get_request(app.store, 1)
    assert req is not None and req.kind == "contract", replies[0].text


def test_a_long_expense_message_is_not_taken_for_a_contract(app: App) -> None:
    story = "昨日の客先訪問のタクシー代 3,200円です。" + "渋滞で遅れたため経路を変更しました。" * 20
    send(app, "e007", story)
    reqs = records.list_requests(app.store)
    assert reqs and reqs[0].kind == "expense"
