"""freee会計 API (optional): each approved claim of a batch posted as an unsettled expense deal (未払金).

accounting.md §1.4 and §8: `POST /api/1/deals` with type `expense`, no `payments` (so it stays 未決済 and appears in
支払管理), `ref_number` = our claim reference, the employee as the partner (取引先, freee has no 補助科目 on deals),
amounts tax-included, one detail per tax rate. Nothing about the company is hard-coded: the company, account
items, tax codes (by the freee name in accounting.yaml) and partners are looked up and kept in the database.

Idempotent by ref_number: a claim is marked `posting` before its POST and `posted` with the deal id after; when a
`posting` mark is found (the answer was lost), freee is searched for a deal with that ref_number before posting
again. The refresh token works once: the new one is stored the moment it arrives. HTTP 429 is retried with
backoff (Retry-After when given); when freee stays busy the rest of the batch is left for the next run, never
dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx

from bot.accounting import batches
from bot.accounting.export import ExportError, entries_of
from bot.accounting.journal import Entry
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import t
from bot.services import Services
from bot.store.db import Store

TOKEN_MARGIN = dt.timedelta(minutes=5)  # refresh a little before the 6 h access token runs out
PAGE = 100


class FreeeError(Exception):
    def __init__(self, key: str, **data: object) -> None:
        super().__init__(f"{key} {data}")
        self.key = key
        self.data = data

    def text(self, locale: str) -> str:
        return t(self.key, locale, **self.data)


class FreeeBusy(FreeeError):
    """HTTP 429 on every try: nothing more is sent this run."""


class FreeeUnreachable(FreeeError):
    """No answer (network error, timeout): a POST may or may not have arrived."""


@dataclass
class PostReport:
    batch_id: str
    posted: list[str] = field(default_factory=list)  # refs posted now
    skipped: list[str] = field(default_factory=list)  # refs posted before (or found in freee)
    left: list[str] = field(default_factory=list)  # refs not posted this run (freee busy)
    reason: str = ""

    def text(self, locale: str) -> str:
        said = t("freee.posted", locale, batch=self.batch_id, posted=len(self.posted), skipped=len(self.skipped),
                 left=len(self.left))  # fmt: skip
        if self.left:
            said += "\n" + t("freee.left", locale, reason=self.reason)
        return said


class FreeeClient:
    """The API calls this bot makes, on an httpx client it is given (respx in tests)."""

    def __init__(
        self,
        http: httpx.Client,
        store: Store,
        clock: Clock,
        *,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        company_id: int | None = None,
        api_url: str = "https://api.freee.co.jp",
        token_url: str = "https://accounts.secure.freee.co.jp/public_api/token",
        tries: int = 5,
        backoff: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.http = http
        self.store = store
        self.clock = clock
        self.client_id = client_id
        self.client_secret = client_secret
        self.seed_token = refresh_token
        self.configured_company = company_id
        self.api_url = api_url.rstrip("/")
        self.token_url = token_url
        self.tries = tries
        self.backoff = backoff
        self.sleep = sleep

    def __enter__(self) -> FreeeClient:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.http.close()

    # -- tokens ---------------------------------------------------------------------------------------
    def _seed(self) -> str:
        return hashlib.sha256(self.seed_token.encode()).hexdigest()

    def _stored(self) -> dict[str, Any] | None:
        rows = self.store.query("SELECT * FROM freee_tokens WHERE id = 1")
        if rows and rows[0]["seed"] == self._seed():
            return rows[0]
        return None  # none yet, or FREEE_REFRESH_TOKEN was set anew after authorising again: start from it

    def _refresh(self) -> str:
        stored = self._stored()
        refresh = str(stored["refresh_token"]) if stored else self.seed_token
        response = self._send("POST", self.token_url, data={
            "grant_type": "refresh_token", "client_id": self.client_id, "client_secret": self.client_secret,
            "refresh_token": refresh,
        }, auth=False)  # fmt: skip
        body = response.json()
        access, new_refresh = body.get("access_token"), body.get("refresh_token")
        if not isinstance(access, str) or not isinstance(new_refresh, str):
            raise FreeeError("freee.error", reason="token response without tokens")
        expires = self.clock.now() + dt.timedelta(seconds=int(body.get("expires_in", 21600)))
        # Kept at once: the old refresh token is spent, so losing this one would need a new authorisation.
        self.store.execute(
            "INSERT INTO freee_tokens (id, seed, refresh_token, access_token, expires_at, updated_at) "
            "VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET seed = excluded.seed, "
            "refresh_token = excluded.refresh_token, access_token = excluded.access_token, "
            "expires_at = excluded.expires_at, updated_at = excluded.updated_at",
            (self._seed(), new_refresh, access, expires.isoformat(), self.clock.now().isoformat()),
        )
        return access

    def _access_token(self) -> str:
        stored = self._stored()
        expires = dt.datetime.fromisoformat(str(stored["expires_at"])) if stored and stored["expires_at"] else None
        if stored and stored["access_token"] and expires and expires - TOKEN_MARGIN > self.clock.now():
            return str(stored["access_token"])
        return self._refresh()

    # -- HTTP -----------------------------------------------------------------------------------------
    def _send(self, method: str, url: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        refreshed = False
        for attempt in range(self.tries):
            headers = {"Authorization": f"Bearer {self._access_token()}"} if auth else {}
            try:
                response = self.http.request(method, url, headers=headers, timeout=30, **kwargs)
            except httpx.HTTPError as err:
                raise FreeeUnreachable("freee.error", reason=type(err).__name__) from None
            if response.status_code == 401 and auth and not refreshed:
                refreshed = True
                self._refresh()
                continue
            if response.status_code == 429:
                if attempt + 1 < self.tries:
                    self.sleep(self._wait(response, attempt))
                    continue
                raise FreeeBusy("freee.error", reason="HTTP 429")
            if not auth and response.status_code in (400, 401):
                # The refresh token was refused (spent, revoked, older than 90 days): only a new authorisation helps.
                raise FreeeError("freee.reauthorise")
            if response.status_code >= 400:
                raise FreeeError("freee.error", reason=f"HTTP {response.status_code} {method} {url.split('?')[0]}")
            return response
        raise FreeeBusy("freee.error", reason="HTTP 429")

    def _wait(self, response: httpx.Response, attempt: int) -> float:
        after = response.headers.get("retry-after", "")
        if after.isdigit():
            return min(float(after), 300.0)
        return self.backoff * 2**attempt

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        body = self._send("GET", self.api_url + path, params=params).json()
        return body if isinstance(body, dict) else {}

    def post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = self._send("POST", self.api_url + path, json=payload).json()
        return body if isinstance(body, dict) else {}

    # -- master data ------------------------------------------------------------------------------------
    def company_id(self) -> int:
        if self.configured_company is not None:
            return self.configured_company
        cached = self._cached(0, "company", "id")
        if cached is not None:
            return int(cached)
        companies = self.get("/api/1/companies").get("companies") or []
        if len(companies) != 1:
            listed = ", ".join(f"{c.get('id')} {c.get('display_name', '')}".strip() for c in companies) or "-"
            raise FreeeError("freee.no_company", companies=listed)
        self._keep(0, "company", {"id": int(companies[0]["id"])})
        return int(companies[0]["id"])

    def _cached(self, company: int, kind: str, name: str) -> Any:
        rows = self.store.query(
            "SELECT value FROM freee_master WHERE company_id = ? AND kind = ? AND name = ?", (company, kind, name)
        )
        return json.loads(str(rows[0]["value"])) if rows else None

    def _keep(self, company: int, kind: str, values: dict[str, Any]) -> None:
        at = self.clock.now().isoformat()
        with self.store.tx():
            for name, value in values.items():
                self.store.execute(
                    "INSERT OR REPLACE INTO freee_master (company_id, kind, name, value, fetched_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (company, kind, name, json.dumps(value), at),
                )

    def account_item_id(self, company: int, name: str) -> int:
        found = self._cached(company, "account_item", name)
        if found is None:
            items = self.get("/api/1/account_items", company_id=company).get("account_items") or []
            self._keep(company, "account_item", {str(i["name"]): int(i["id"]) for i in items if "name" in i})
            found = self._cached(company, "account_item", name)
        if found is None:
            raise FreeeError("freee.no_account", name=name)
        return int(found)

    def tax_code(self, company: int, name: str) -> int:
        found = self._cached(company, "tax", name)
        if found is None:
            taxes = self.get(f"/api/1/taxes/companies/{company}", available="true").get("taxes") or []
            self._keep(company, "tax", {str(x["name_ja"]): int(x["code"]) for x in taxes if "name_ja" in x})
            found = self._cached(company, "tax", name)
        if found is None:
            raise FreeeError("freee.no_tax", name=name)
        return int(found)

    def partner_id(self, company: int, name: str) -> int:
        found = self._cached(company, "partner", name)
        if found is not None:
            return int(found)
        partners = self.get("/api/1/partners", company_id=company, keyword=name).get("partners") or []
        match = next((p for p in partners if p.get("name") == name), None)
        if match is None:
            match = self.post("/api/1/partners", {"company_id": company, "name": name}).get("partner") or {}
            if "id" not in match:
                raise FreeeError("freee.error", reason="partner not created")
        self._keep(company, "partner", {name: int(match["id"])})
        return int(match["id"])

    def find_deal(self, company: int, entry: Entry, partner: int) -> int | None:
        """The deal freee already has with this ref_number (posted before the answer was lost), if any."""
        offset = 0
        while True:
            deals = self.get("/api/1/deals", company_id=company, partner_id=partner, type="expense",
                             start_issue_date=entry.date.isoformat(), end_issue_date=entry.date.isoformat(),
                             limit=PAGE, offset=offset).get("deals") or []  # fmt: skip
            for deal in deals:
                if deal.get("ref_number") == entry.ref and "id" in deal:
                    return int(deal["id"])
            if len(deals) < PAGE:
                return None
            offset += PAGE


def client_from_settings(settings: Settings, store: Store, clock: Clock) -> FreeeClient | None:
    """The client when FREEE_CLIENT_ID, FREEE_CLIENT_SECRET and FREEE_REFRESH_TOKEN are set, else None."""
    if not (settings.freee_client_id and settings.freee_client_secret and settings.freee_refresh_token):
        return None
    return FreeeClient(
        httpx.Client(), store, clock, client_id=settings.freee_client_id,
        client_secret=settings.freee_client_secret.get_secret_value(),
        refresh_token=settings.freee_refresh_token.get_secret_value(), company_id=settings.freee_company_id,
        api_url=settings.freee_api_url, token_url=settings.freee_token_url,
    )  # fmt: skip


def _mark(services: Services, entry: Entry, batch_id: str, company: int, state: str, deal: int | None) -> None:
    services.store.execute(
        "INSERT INTO freee_deals (request_id, batch_id, ref_number, company_id, state, deal_id, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(request_id) DO UPDATE SET state = excluded.state, "
        "deal_id = excluded.deal_id, updated_at = excluded.updated_at",
        (entry.request_id, batch_id, entry.ref, company, state, deal, services.now_iso()),
    )


def deal_payload(client: FreeeClient, services: Services, company: int, entry: Entry, partner: int) -> dict[str, Any]:
    classes = services.rules.accounting.tax_classes
    details = [
        {"account_item_id": client.account_item_id(company, line.account),
         "tax_code": client.tax_code(company, classes[line.tax_class].freee), "amount": line.amount,
         "description": entry.memo[:250]}  # freee's limit is not in our research: 250 (UNCONFIRMED)
        for line in entry.lines
    ]  # fmt: skip
    # No `payments`: the deal stays 未決済 (未払金 to the employee) until it is paid (accounting.md §1.4, §8).
    # No `vat`: freee computes it from the tax code, as the receipt's own tax figure is not on the claim.
    return {"company_id": company, "issue_date": entry.date.isoformat(), "type": "expense", "partner_id": partner,
            "ref_number": entry.ref, "details": details}  # fmt: skip


def post_batch(services: Services, client: FreeeClient, batch_id: str, actor: str | None) -> PostReport:
    """Post every claim of the batch not in freee yet; safe to run again (nothing is posted twice)."""
    batch = batches.get_batch(services.store, batch_id)
    if batch is None:
        raise FreeeError("journal.no_batch", batch=batch_id)
    try:
        entries = entries_of(services, batches.claims_in_batch(services.store, batch.id))
    except ExportError as err:
        raise FreeeError(err.key, **err.data) from None
    report = PostReport(batch.id)
    company = client.company_id()
    marks = {
        int(r["request_id"]): r
        for r in services.store.query("SELECT * FROM freee_deals WHERE batch_id = ?", (batch.id,))
    }
    for n, entry in enumerate(entries):
        mark = marks.get(entry.request_id)
        if mark is not None and mark["state"] == "posted":
            report.skipped.append(entry.ref)
            continue
        try:
            partner = client.partner_id(company, entry.employee)
            if mark is not None:  # a POST whose answer never came: freee may have the deal already
                found = client.find_deal(company, entry, partner)
                if found is not None:
                    _mark(services, entry, batch.id, company, "posted", found)
                    report.skipped.append(entry.ref)
                    continue
            payload = deal_payload(client, services, company, entry, partner)
            _mark(services, entry, batch.id, company, "posting", None)
            try:
                deal = client.post("/api/1/deals", payload).get("deal") or {}
            except FreeeUnreachable:
                raise  # the mark stays: the next run looks the deal up before posting again
            except FreeeError:
                # freee answered with an error (429 included): no deal was made, so the mark goes.
                services.store.execute("DELETE FROM freee_deals WHERE request_id = ?", (entry.request_id,))
                raise
            deal_id = int(deal["id"]) if "id" in deal else None
            _mark(services, entry, batch.id, company, "posted", deal_id)
            with services.store.tx():
                services.store.audit(services.now_iso(), actor, "freee.deal_posted", entry.request_id,
                                     {"batch": batch.id, "ref": entry.ref, "deal_id": deal_id})  # fmt: skip
            report.posted.append(entry.ref)
        except (FreeeBusy, FreeeUnreachable) as err:
            report.left = [e.ref for e in entries[n:]]
            report.reason = str(err.data.get("reason", ""))
            break
    return report
