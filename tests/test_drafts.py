"""Contract drafts from the company's own templates, as a person meets them: asked for in words or with
`/contract draft`, a missing slot asked for, then the DOCX (0600, under the bot's folder) and the text; the
draft filed as a `contract` request the rules route (a standard mutual NDA approved by rule; a 業務委託 to
legal); the final DOCX to the requester once legal approves. Every template drafts clean in both languages.

The demo company: e007 Watanabe asks; e005 Tanaka is legal.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
from pathlib import Path

import docx
import pytest

from bot.app import App
from bot.cards import notification_reply
from bot.contracts import check_contract, read_document
from bot.drafting.checks import sample_slots, variants
from bot.drafting.docx_write import docx_bytes
from bot.drafting.fill import fill
from bot.drafting.templates import LOCALES, Templates, load_templates
from bot.models import ContractReview, Reply, Status
from bot.rules.loader import RuleError, RuleSet
from bot.store import records
from handlers import Inbound
from tests.conftest import ROOT

MADE_ON = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def templates() -> Templates:
    return load_templates(ROOT / "knowledge")


def send(app: App, who: str, text: str, files: tuple[str, ...] = ()) -> list[Reply]:
    return app.router.handle(Inbound(app.directory.require(who), text, platform="test", attachments=files))


def _cases() -> list[tuple[str, str, str | None]]:
    ts = load_templates(ROOT / "knowledge")
    return [(t.key, loc, v) for t in ts.ordered() for loc in LOCALES for v in variants(t)]


@pytest.mark.parametrize(("key", "locale", "variant"), _cases())
def test_every_template_drafts_a_docx_whose_checklist_is_all_ok(
    templates: Templates, rules: RuleSet, key: str, locale: str, variant: str | None
) -> None:
    template = templates.templates[key]
    slots = sample_slots(template, locale, variant)
    draft = fill(templates, template, locale, slots, {k: True for k in template.spec.optional_clauses})
    data = docx_bytes(draft)
    assert docx_bytes(draft) == data  # the same draft is the same bytes (one file under its hash)
    paragraphs = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert paragraphs[0] == draft.title and slots["counterparty"] in "\n".join(paragraphs)
    assert not any("{{" in p for p in paragraphs)  # every slot filled
    report = check_contract(read_document(data, "d.docx", max_bytes=len(data) + 1), rules, made_on=MADE_ON,
                            counterparty=slots["counterparty"])  # fmt: skip
    assert report.statuses() == dict.fromkeys(report.statuses(), "ok")
    assert report.meta.type_key == template.spec.contract_type
    assert report.meta.us is not None  # our own name tells which side is us


def _copy_templates(tmp_path: Path, edit: dict[str, tuple[str, str]]) -> Path:
    """The shipped mutual NDA template in a knowledge folder of its own, with `file: (old, new)` edits."""
    folder = tmp_path / "templates"
    folder.mkdir()
    for p in (ROOT / "knowledge" / "templates").glob("*"):
        if p.name.startswith(("nda_mutual", "_company")):
            text = p.read_text(encoding="utf-8")
            if p.name in edit:
                old, replacement = edit[p.name]
                assert old in text
                text = text.replace(old, replacement)
            (folder / p.name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_template_error_names_its_file_and_key(tmp_path: Path) -> None:
    knowledge = _copy_templates(tmp_path, {"nda_mutual.yaml": ("protected: [liability", "protected: [liabilty")})
    with pytest.raises(RuleError) as err:
        load_templates(knowledge)
    assert (
        "templates/nda_mutual.yaml: key 'protected[0]': 'liabilty' is not an article of the texts" in err.value.problems
    )


def test_a_protected_clause_may_not_hold_a_slot_the_model_words(tmp_path: Path) -> None:
    knowledge = _copy_templates(tmp_path, {"nda_mutual.ja.txt": ("金100万円を上限", "{{purpose}}を上限")})
    with pytest.raises(RuleError) as err:
        load_templates(knowledge)
    assert (
        "templates/nda_mutual.yaml: texts.ja: protected article 'liability' holds '{{purpose}}', "
        "a slot the model words (slots.purpose.model)"
    ) in err.value.problems


def test_templates_check_drafts_every_template_and_passes(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    assert main(["templates", "check", "--knowledge", str(ROOT / "knowledge")]) == 0
    out = capsys.readouterr().out
    assert "nda_oneway:recipient (ja): ok" in out and "sale_master (en): ok" in out
    assert "RED FLAG" not in out


def test_a_missing_slot_is_asked_for_then_the_draft_arrives(app: App) -> None:
    (asked,) = send(app, "e007", "株式会社サクラテックと相互NDAを作って")
    assert "秘密保持契約書（相互）を作成します。有効期間を教えてください。" in asked.text
    assert records.get_request(app.store, 1) is None  # nothing filed while a slot is missing
    card, body = send(app, "e007", "2年でお願いします")
    assert card.file is not None
    path = Path(card.file.path)
    assert path.parent == Path(app.settings.db).parent / "drafts"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert card.file.name.endswith(".docx")
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "株式会社サクラテック（以下「乙」という。）" in text and "本契約締結日から2年間とする。" in text
    assert "秘密保持契約書（相互）のドラフトを作成しました(#1)" in card.text
    assert "規程により承認" in card.text  # a standard mutual NDA: C3 approves it by rule, legal told
    assert "紙の原本の印紙税:" in card.text
    assert "DOCXファイル" in card.text
    assert "第9条（準拠法及び管轄）" in body.text  # the text arrives too
    req = records.get_request(app.store, 1)
    assert req is not None and isinstance(req.details, ContractReview)
    assert req.status is Status.APPROVED and req.details.contract_type == "nda" and req.details.mutual is True
    assert [r["event"] for r in records.undelivered(app.store, "e005")] == ["auto_approved"]
    assert records.get_conversation(app.store, "e007") is None


def test_an_answer_out_of_bounds_is_asked_again_politely(app: App) -> None:
    send(app, "e008", "Prepare a mutual NDA with Sakura Tech Inc.")
    (again,) = send(app, "e008", "10 years")
    assert "must be from 1 to 60 months" in again.text and "What is the term?" in again.text
    (cancelled,) = send(app, "e008", "cancel")
    assert records.get_conversation(app.store, "e008") is None and cancelled.text


def test_a_drafted_work_contract_goes_to_legal_and_the_final_docx_to_the_requester(app: App) -> None:
    card, body = send(
        app,
        "e007",
        "/contract draft outsourcing_work counterparty=株式会社ミドリ商事 amount=300万円 "
        'description="ウェブサイトの制作"',
    )
    assert "田中" in card.text and "レビュー待ち" in card.text
    assert "印紙税は¥1,000" in card.text  # 請負, ¥3,000,000 on paper: class 2
    assert "ウェブサイトの制作（以下「本業務」という。）" in body.text
    req = records.get_request(app.store, 1)
    assert req is not None and req.status is Status.PENDING
    assert [s.role for s in records.get_steps(app.store, 1)] == ["legal"]
    send(app, "e005", "/approve 1")
    req = records.get_request(app.store, 1)
    assert req is not None and req.status is Status.APPROVED
    (row,) = [r for r in records.undelivered(app.store, "e007") if r["event"] == "decided"]
    notice = notification_reply(
        row["event"], row["request_id"], row["data"], app.services, app.directory.require("e007")
    )
    assert card.file is not None and notice.file is not None
    assert notice.file.path == card.file.path and notice.file.name == card.file.name
    assert "最終版(DOCX)をお送りします" in notice.text
    assert Path(notice.file.path).read_bytes()[:2] == b"PK"
    # Legal's own notice of the same request carries nothing.
    legal = [r for r in records.undelivered(app.store, "e005") if r["event"] != "approval_needed"]
    for row in legal:
        assert notification_reply(row["event"], row["request_id"], row["data"], app.services,
                                  app.directory.require("e005")).file is None  # fmt: skip


def test_a_one_way_nda_where_we_receive_is_drafted_in_english(app: App) -> None:
    card, body = send(app, "e008", '/contract draft nda_oneway counterparty="Sakura Tech Inc." side=receive term=18m')
    assert card.file is not None
    assert "Partner intends to disclose information to Hikari" in body.text
    assert "for a period of 18 months" in body.text


def test_a_bad_command_value_gets_a_clear_reply(app: App) -> None:
    (reply,) = send(app, "e007", "/contract draft nda counterparty=株式会社X term=10年")
    assert "1か月から60か月まで" in reply.text
    (reply,) = send(app, "e007", "/contract draft lease counterparty=株式会社X")
    assert "「lease」という契約書のテンプレートはありません" in reply.text
    assert records.get_request(app.store, 1) is None


def test_a_contract_already_made_is_still_a_check_not_a_draft(app: App) -> None:
    (reply,) = send(app, "e007", "業務委託契約書を作成したのでチェックをお願いします")
    assert "作成します" not in reply.text
    conversation = records.get_conversation(app.store, "e007")
    assert conversation is not None and conversation["kind"] == "contract"  # the file is asked for, as before


def test_a_new_request_while_a_slot_is_asked_for_is_not_taken_for_the_answer(app: App) -> None:
    (asked,) = send(app, "e007", "相互NDAを作成して。期間1年")
    assert "相手方の名称を教えてください" in asked.text
    replies = send(app, "e007", "昨日のタクシー代 3,200円")
    assert not any("秘密保持契約" in r.text for r in replies)
    conversation = records.get_conversation(app.store, "e007")
    assert conversation is None or conversation["kind"] != "draft"


@pytest.mark.parametrize("sample", ["JA_UNLIMITED", "JA_MUTUAL_NDA"])
def test_a_contract_pasted_to_be_checked_is_checked_even_though_it_says_it_was_made(app: App, sample: str) -> None:
    """Contracts end 「本書2通を作成し」: pasted in chat, they are checked, never answered with a draft."""
    from tests import contracts_samples

    send(app, "e007", getattr(contracts_samples, sample))
    [req] = records.list_requests(app.store, "e007")
    assert isinstance(req.details, ContractReview)
    assert not (Path(app.settings.db).parent / "drafts").exists() or not any(
        (Path(app.settings.db).parent / "drafts").iterdir()
    )
