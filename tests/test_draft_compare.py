"""The other side's edits: our template sent back with the liability cap removed and the court changed. The
comparison lists each protected clause changed, both wordings side by side, as findings on the review; legal
reads it (a protected clause changed is never approved by rule)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.app import App
from bot.drafting.compare import compare, which_template
from bot.drafting.fill import fill
from bot.drafting.templates import Templates, load_templates
from bot.models import ContractReview, Reply, Status
from bot.store import records
from handlers import Inbound
from tests.conftest import ROOT
from tests.contracts_files import make_docx

SLOTS = {"counterparty": "株式会社サクラテック", "term": 24}


@pytest.fixture(scope="module")
def templates() -> Templates:
    return load_templates(ROOT / "knowledge")


def edited(text: str) -> str:
    """What the counterparty sends back: no liability article (the rest renumbered), Osaka for Tokyo."""
    cut = re.sub(r"第(\d+)条（損害賠償）\n\n[^\n]+\n\n", "", text)
    n = iter(range(1, 100))
    renumbered = re.sub(r"第\d+条（", lambda _: f"第{next(n)}条（", cut)
    return renumbered.replace("東京地方裁判所", "大阪地方裁判所")


def test_a_liability_cap_removed_and_the_court_changed_are_listed_side_by_side(templates: Templates) -> None:
    template = templates.templates["nda_mutual"]
    ours = fill(templates, template, "ja", SLOTS).text()
    theirs = edited(ours)
    assert compare(ours, templates, template) == []  # our own draft: nothing changed
    for slots in (None, SLOTS):  # held to the template alone, or to the very draft we sent
        changes = compare(theirs, templates, template, slots=slots)
        assert [c.key for c in changes] == ["liability", "jurisdiction"]
        liability, court = changes
        assert liability.removed and "金100万円を上限として賠償する" in liability.ours
        assert "東京地方裁判所を第一審の専属的合意管轄裁判所とする" in court.ours
        assert court.theirs is not None and "大阪地方裁判所を第一審の専属的合意管轄裁判所とする" in court.theirs
        assert court.their_heading == "第8条（準拠法及び管轄）"
    assert which_template(theirs, templates) is not None


def test_a_reflowed_copy_is_no_change(templates: Templates) -> None:
    template = templates.templates["outsourcing_quasi"]
    slots = {"counterparty": "株式会社ミドリ商事", "description": "経理業務の支援", "fee": 400_000, "term": 12}
    ours = fill(templates, template, "en", slots).text()
    reflowed = ours.replace(". ", ".  ").replace("Hikari shall pay", "Hikari  shall\npay")
    assert compare(reflowed, templates, template) == []
    assert [c.key for c in compare(ours.replace("JPY", "USD"), templates, template)] == []  # no protected words
    capped = ours.replace("shall not exceed the total fees paid", "shall not exceed twice the total fees paid")
    assert [c.key for c in compare(capped, templates, template)] == ["liability"]


def send(app: App, who: str, text: str, files: tuple[str, ...] = ()) -> list[Reply]:
    return app.router.handle(Inbound(app.directory.require(who), text, platform="test", attachments=files))


def test_the_returned_copy_becomes_a_review_with_the_changes_as_findings(app: App, templates: Templates) -> None:
    card, body = send(app, "e007", "/contract draft nda counterparty=株式会社サクラテック term=2年")
    assert card.file is not None
    theirs = edited(body.text.split("\n", 1)[1])
    path = Path(app.settings.db).parent / "uploads" / "nda-returned.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(make_docx(theirs))
    (reply,) = send(app, "e007", "/contract draft compare #1", (str(path),))
    assert "保護条項の変更が2件あります" in reply.text
    req = records.get_request(app.store, 2)
    assert req is not None and isinstance(req.details, ContractReview)
    assert req.status is Status.PENDING  # never approved by rule: legal reads the changes
    assert [s.role for s in records.get_steps(app.store, 2)] == ["legal"]
    found = {f.rule_id: f for f in req.details.findings if f.rule_id.startswith("T1.")}
    assert set(found) == {"T1.liability", "T1.jurisdiction"}
    court = found["T1.jurisdiction"].message("ja")
    assert "当社: 「本契約は日本法に準拠し" in court and "東京地方裁判所" in court and "大阪地方裁判所" in court
    assert "削除されています" in found["T1.liability"].message("ja")
    assert "Protected clause 'Governing law" not in found["T1.jurisdiction"].message("en")  # titles as in the template
    assert {"T1.liability", "T1.jurisdiction"} <= set(req.details.red_flags)


def test_an_unchanged_copy_says_so(app: App) -> None:
    _, body = send(app, "e008", '/contract draft nda counterparty="Sakura Tech Inc." term=1y')
    (reply,) = send(app, "e008", "/contract draft compare nda_mutual " + body.text.split("\n", 1)[1])
    assert "Every protected clause is as in our Mutual Non-Disclosure Agreement." in reply.text
