"""An OpenAI-compatible server on loopback whose model always reads a message right: it answers every
chat completion with the labelled (gold) reading of the case whose text the message is.

It measures what the hybrid engine makes of a model that never errs: how often the model is asked,
and whether what the bot keeps of a right reading is right. The reading is given the way a model
states it under the LLM engine's schema (bot/understanding/llm.py, Extraction): amounts and dates as
text, which the engine then holds to the message as it does any model's words.
"""

from __future__ import annotations

import difflib
import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.understanding.evaluate import Case
from bot.understanding.llm import Extraction
from tests.fake_openai import chat_completion

MODEL = "perfect-reader"


def gold_extraction(case: Case) -> dict[str, Any]:
    """The case's gold reading in the schema a model answers in; null where the text states nothing."""
    e = case.expected
    body: dict[str, Any] = dict.fromkeys(Extraction.model_fields)
    body["intent"] = e["intent"]
    if "amount" in e:
        currency = e.get("currency", "JPY")
        body["amount_text"] = f"{e['amount']}円" if currency == "JPY" else f"{e['amount']} {currency}"
        body["currency"] = currency
    for name, key in (("date", "date_text"), ("start", "start_text"), ("end", "end_text")):
        if name in e:
            body[key] = e[name]  # an ISO date: the engine resolves it and checks the message names that day
    for name in ("category", "vendor", "attendees", "invoice_number", "leave_type", "portion", "hours",
                 "contract_type", "counterparty"):  # fmt: skip
        if name in e:
            body[name] = e[name]
    body["confidence"] = [{"field": "intent", "confidence": 0.99}]
    return body


class PerfectModel:
    """Finds the case a prompt is about (the closest text: the engine may have masked a phone number in it)."""

    def __init__(self, cases: Iterable[Case]) -> None:
        self.cases = list(cases)
        self.calls = 0
        self._lock = threading.Lock()

    def reply_for(self, user_text: str) -> dict[str, Any]:
        with self._lock:
            self.calls += 1
        best = max(self.cases, key=lambda c: difflib.SequenceMatcher(None, c.text, user_text).ratio())
        return chat_completion(json.dumps(gold_extraction(best), ensure_ascii=False), model=MODEL)


@contextmanager
def serve(model: PerfectModel) -> Iterator[str]:
    """The fake server on a free loopback port; yields its base URL (…/v1)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = json.loads(self.rfile.read(length) or b"{}")
            users = [m.get("content") for m in request.get("messages", []) if m.get("role") == "user"]
            text = users[-1] if users and isinstance(users[-1], str) else ""
            body = json.dumps(model.reply_for(text), ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
