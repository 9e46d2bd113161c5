"""freee API (bot/accounting/freee.py) on a real httpx client, freee faked by respx: unsettled expense deals,
idempotent by ref_number, master data looked up and cached, the single-use refresh token, 429 backoff."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from bot.accounting import export, freee
from bot.app import App
from bot.cli import main
from bot.clock import FixedClock
from tests.test_journal import MONTH, NOV, ROOT, approve

API = "https://api.freee.co.jp"
TOKEN = "https://accounts.secure.freee.co.jp/public_api/token"
COMPANY = 4242
TAXES = [
    {"code": 136, "name": "purchase_with_tax_10", "name_ja": "課対仕入10%"},
    {"code": 163, "name": "purchase_with_tax_reduced_8", "name_ja": "課対仕入8%（軽）"},
    {"code": 189, "name": "purchase_with_tax_10_exempt_80", "name_ja": "課対仕入（控80）10%"},
    {"code": 234, "name": "purchase_with_tax_10_exempt_70", "name_ja": "課対仕入（控70）10%"},
    {"code": 2, "name": "non_taxable", "name_ja": "対象外"},
]
NAMES = ["会議費", "研修費", "旅費交通費", "消耗品費", "支払手数料"]
ACCOUNTS = [{"id": 900 + i, "name": n} for i, n in enumerate(NAMES)]


class FakeFreee:
    """freee's side: what was asked, the tokens it gave out, the deals it holds."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.refresh_tokens_seen: list[str] = []
        self.deals: list[dict[str, object]] = []
        self.partners: dict[str, int] = {}
        # Queued answers to POST /deals (None: the normal one), then normal answers.
        self.deal_answers: list[httpx.Response | Exception | None] = []
        self.issued = 0
        router.post(TOKEN).mock(side_effect=self.token)
        self.companies = router.get(f"{API}/api/1/companies").mock(
            return_value=httpx.Response(200, json={"companies": [{"id": COMPANY, "display_name": "ヒカリワークス"}]})
        )
        self.accounts = router.get(f"{API}/api/1/account_items").mock(
            return_value=httpx.Response(200, json={"account_items": ACCOUNTS})
        )
        self.taxes = router.get(f"{API}/api/1/taxes/companies/{COMPANY}").mock(
            return_value=httpx.Response(200, json={"taxes": TAXES})
        )
        router.get(f"{API}/api/1/partners").mock(side_effect=self.find_partner)
        router.post(f"{API}/api/1/partners").mock(side_effect=self.add_partner)
        self.post_deal = router.post(f"{API}/api/1/deals").mock(side_effect=self.add_deal)
        self.list_deals = router.get(f"{API}/api/1/deals").mock(side_effect=self.find_deals)

    def _authorised(self, request: httpx.Request) -> bool:
        return request.headers.get("authorization") == f"Bearer access-{self.issued}"

    def token(self, request: httpx.Request) -> httpx.Response:
        form = parse_qs(request.content.decode())
        assert form["grant_type"] == ["refresh_token"] and form["client_id"] == ["cid"]
        used = form["refresh_token"][0]
        if used in self.refresh_tokens_seen or not used.startswith("refresh-"):
            return httpx.Response(401, json={"error": "invalid_grant"})  # single use
        self.refresh_tokens_seen.append(used)
        self.issued += 1
        return httpx.Response(200, json={"access_token": f"access-{self.issued}", "token_type": "bearer",
                                         "expires_in": 21600, "refresh_token": f"refresh-{self.issued}"})  # fmt: skip

    def find_partner(self, request: httpx.Request) -> httpx.Response:
        assert self._authorised(request)
        name = request.url.params["keyword"]
        found = [{"id": pid, "name": n} for n, pid in self.partners.items() if n == name]
        return httpx.Response(200, json={"partners": found})

    def add_partner(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.partners[body["name"]] = 7000 + len(self.partners)
        return httpx.Response(201, json={"partner": {"id": self.partners[body["name"]], "name": body["name"]}})

    def add_deal(self, request: httpx.Request) -> httpx.Response:
        assert self._authorised(request)
        body = json.loads(request.content)
        answer = self.deal_answers.pop(0) if self.deal_answers else None
        if isinstance(answer, httpx.Response):
            return answer
        deal = {"id": 50000 + len(self.deals), **body}
        self.deals.append(deal)
        if isinstance(answer, Exception):
            raise answer  # freee made the deal, but the answer never arrived
        return httpx.Response(201, json={"deal": deal})

    def find_deals(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        found = [d for d in self.deals if d["partner_id"] == int(params["partner_id"])
                 and d["issue_date"] == params["start_issue_date"]]  # fmt: skip
        return httpx.Response(200, json={"deals": found})


@pytest.fixture
def fake(http: respx.MockRouter) -> FakeFreee:
    return FakeFreee(http)


@pytest.fixture
def clients(app: App, waits: list[float]) -> Iterator[list[freee.FreeeClient]]:
    made: list[freee.FreeeClient] = []
    yield made
    for c in made:
        c.http.close()


def client(app: App, made: list[freee.FreeeClient], waits: list[float], **kw: object) -> freee.FreeeClient:
    options: dict[str, object] = {"client_id": "cid", "client_secret": "secret", "refresh_token": "refresh-0",
                                  "sleep": waits.append, "backoff": 1.0}  # fmt: skip
    options.update(kw)
    c = freee.FreeeClient(httpx.Client(), app.store, app.services.clock, **options)  # type: ignore[arg-type]
    made.append(c)
    return c


def batch(app: App, *which: int) -> str:
    for i in which:
        approve(app, *MONTH[i])
    return export.export_period(app.services, "csv", *NOV, "e003").batch.id


def test_each_claim_becomes_an_unsettled_expense_deal_once(
    app: App, fake: FakeFreee, clients: list[freee.FreeeClient], waits: list[float]
) -> None:
    batch_id = batch(app, 1, 4, 6)  # 70% class; a compound claim (10% + 8%); 対象外 abroad
    report = freee.post_batch(app.services, client(app, clients, waits), batch_id, "e003")
    assert report.posted == ["EXP-1", "EXP-2", "EXP-3"] and not report.left and not report.skipped
    first, compound, abroad = fake.deals
    assert first["type"] == "expense" and "payments" not in first  # no payments: 未決済, 未払金 in 支払管理
    assert first["company_id"] == COMPANY and first["issue_date"] == "2026-10-01" and first["ref_number"] == "EXP-1"
    assert first["details"] == [{"account_item_id": 900, "tax_code": 234, "amount": 12000,
                                 "description": "喫茶ひかり 打合せ 茶菓（経過措置70%控除）"}]  # fmt: skip
    assert [(d["tax_code"], d["amount"]) for d in compound["details"]] == [(136, 9600), (163, 5400)]  # type: ignore[index, union-attr]
    assert abroad["details"][0]["tax_code"] == 2  # type: ignore[index]
    assert first["partner_id"] == fake.partners["エミリー・クラーク"]  # one 取引先 per employee, made when missing
    # Again: nothing posted twice, and the master data came from the cache.
    again = freee.post_batch(app.services, client(app, clients, waits), batch_id, "e003")
    assert again.posted == [] and again.skipped == ["EXP-1", "EXP-2", "EXP-3"] and len(fake.deals) == 3
    assert (fake.companies.call_count, fake.accounts.call_count, fake.taxes.call_count) == (1, 1, 1)
    audit = app.store.query("SELECT request_id, data FROM audit_log WHERE action = 'freee.deal_posted'")
    assert len(audit) == 3 and '"deal_id":50000' in audit[0]["data"].replace(" ", "")


def test_the_refresh_token_is_used_once_and_the_new_one_kept(
    app: App, fake: FakeFreee, clients: list[freee.FreeeClient], waits: list[float]
) -> None:
    batch_id = batch(app, 3)
    freee.post_batch(app.services, client(app, clients, waits), batch_id, "e003")
    [stored] = app.store.query("SELECT refresh_token FROM freee_tokens")
    assert stored["refresh_token"] == "refresh-1" and fake.refresh_tokens_seen == ["refresh-0"]
    clock = app.services.clock
    assert isinstance(clock, FixedClock)
    clock.advance(hours=7)  # the 6 h access token ran out: the kept refresh token is used, not the setting's
    approve(app, *MONTH[5], "2026-11-21T10:00:00+09:00")
    second = export.export_period(app.services, "csv", *NOV, "e003").batch.id
    assert freee.post_batch(app.services, client(app, clients, waits), second, "e003").posted == ["EXP-2"]
    assert fake.refresh_tokens_seen == ["refresh-0", "refresh-1"]
    # After authorising again, a new FREEE_REFRESH_TOKEN wins over the kept one.
    fake.issued = 9
    fresh = client(app, clients, waits, refresh_token="refresh-new")
    clock.advance(hours=7)
    fresh.company_id()
    fresh._access_token()
    assert fake.refresh_tokens_seen[-1] == "refresh-new"


def test_busy_freee_is_retried_with_backoff_and_nothing_is_dropped(
    app: App, fake: FakeFreee, clients: list[freee.FreeeClient], waits: list[float]
) -> None:
    batch_id = batch(app, 2, 3, 5)
    busy = httpx.Response(429, headers={"Retry-After": "3"}, json={"message": "too many"})
    fake.deal_answers = [busy, httpx.Response(429), None, busy, busy, busy]
    report = freee.post_batch(app.services, client(app, clients, waits, tries=3), batch_id, "e003")
    # The first claim went after two waits (Retry-After, then backoff); the second met 429 three times.
    assert report.posted == ["EXP-1"] and report.left == ["EXP-2", "EXP-3"] and report.reason == "HTTP 429"
    assert waits == [3.0, 2.0, 3.0, 3.0]
    assert "run it again later" in report.text("en")
    assert [r["state"] for r in app.store.query("SELECT state FROM freee_deals")] == ["posted"]
    fake.deal_answers = []
    later = freee.post_batch(app.services, client(app, clients, waits), batch_id, "e003")
    assert later.posted == ["EXP-2", "EXP-3"] and later.skipped == ["EXP-1"]
    assert sorted(str(d["ref_number"]) for d in fake.deals) == ["EXP-1", "EXP-2", "EXP-3"]


def test_a_lost_answer_is_looked_up_before_posting_again(
    app: App, fake: FakeFreee, clients: list[freee.FreeeClient], waits: list[float]
) -> None:
    batch_id = batch(app, 3, 5)
    fake.deal_answers = [httpx.ReadTimeout("no answer")]
    report = freee.post_batch(app.services, client(app, clients, waits), batch_id, "e003")
    assert report.posted == [] and report.left == ["EXP-1", "EXP-2"] and report.reason == "ReadTimeout"
    assert len(fake.deals) == 1  # freee has it, we do not know
    again = freee.post_batch(app.services, client(app, clients, waits), batch_id, "e003")
    assert again.skipped == ["EXP-1"] and again.posted == ["EXP-2"]
    assert [d["ref_number"] for d in fake.deals] == ["EXP-1", "EXP-2"] and fake.list_deals.call_count == 1
    [row] = app.store.query("SELECT state, deal_id FROM freee_deals WHERE ref_number = 'EXP-1'")
    assert (row["state"], row["deal_id"]) == ("posted", 50000)


def test_a_tax_class_freee_does_not_have_is_named(
    app: App, fake: FakeFreee, clients: list[freee.FreeeClient], waits: list[float]
) -> None:
    batch_id = batch(app, 0)  # bought 2026-09-30: 課対仕入（控80）10% …
    fake.taxes.mock(return_value=httpx.Response(200, json={"taxes": TAXES[:2]}))
    with pytest.raises(freee.FreeeError) as err:
        freee.post_batch(app.services, client(app, clients, waits), batch_id, "e003")
    assert "課対仕入（控80）10%" in err.value.text("en") and fake.deals == []
    assert app.store.query("SELECT * FROM freee_deals") == []


def test_several_companies_need_freee_company_id(
    app: App, fake: FakeFreee, clients: list[freee.FreeeClient], waits: list[float]
) -> None:
    batch_id = batch(app, 3)
    fake.companies.mock(return_value=httpx.Response(200, json={"companies": [
        {"id": 1, "display_name": "A社"}, {"id": 2, "display_name": "B社"}]}))  # fmt: skip
    with pytest.raises(freee.FreeeError) as err:
        freee.post_batch(app.services, client(app, clients, waits), batch_id, "e003")
    assert "FREEE_COMPANY_ID" in err.value.text("en") and "1 A社, 2 B社" in err.value.text("en")
    report = freee.post_batch(app.services, client(app, clients, waits, company_id=COMPANY), batch_id, "e003")
    assert report.posted == ["EXP-1"]


def test_cli_freee_post(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeFreee, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.app import build_app
    from bot.config import Settings

    monkeypatch.chdir(tmp_path)
    for key, value in {"BACKOFFICE_DB": str(tmp_path / "bot.db"), "BACKOFFICE_KNOWLEDGE_DIR": str(ROOT / "knowledge"),
                       "BACKOFFICE_ATTACHMENTS_DIR": str(tmp_path / "files"), "BACKOFFICE_NOW": "2026-11-24T10:00",
                       "BACKOFFICE_LOCALE": "en", "FREEE_CLIENT_ID": "cid", "FREEE_CLIENT_SECRET": "secret",
                       "FREEE_REFRESH_TOKEN": "refresh-0"}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    app = build_app(Settings(), FixedClock("2026-11-24T10:00"))
    try:
        batch_id = batch(app, 3, 4)
    finally:
        app.close()
    assert main(["freee", "post", "--batch", batch_id.lower()]) == 0
    assert "posted 2 claims to freee as unsettled deals (0 there already, 0 left)" in capsys.readouterr().out
    assert main(["freee", "post", "--batch", "B209912-01"]) == 2
    assert "There is no batch B209912-01" in capsys.readouterr().err


def test_a_spent_refresh_token_asks_for_a_new_authorisation(
    app: App, fake: FakeFreee, clients: list[freee.FreeeClient], waits: list[float]
) -> None:
    batch_id = batch(app, 3)
    with pytest.raises(freee.FreeeError) as err:
        freee.post_batch(app.services, client(app, clients, waits, refresh_token="stolen-or-old"), batch_id, "e003")
    assert "FREEE_REFRESH_TOKEN" in err.value.text("en") and "Authorise the app again" in err.value.text("en")
    assert fake.deals == [] and app.store.query("SELECT * FROM freee_tokens") == []
