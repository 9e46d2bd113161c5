"""The server at rest leaves the heavy libraries unloaded (#16: within 150 MB RSS on a small machine).

Which modules a fresh process holds, not how long anything takes: the bot built as `serve` builds it (offline
engine, the HTTP server), then the first policy question, in a process of its own so that nothing this test
run imported earlier counts. bench/bench_memory.py measures the megabytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
from pathlib import Path
from bot.app import build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.server import build_server
from handlers import Inbound

HEAVY = ("openai", "langchain_core", "langchain_openai", "langsmith", "tiktoken", "janome", "bm25s")
tmp = Path(sys.argv[1])
settings = Settings(db=tmp / "bot.db", knowledge_dir=Path(sys.argv[2]), attachments_dir=tmp / "files")
app = build_app(settings, FixedClock("2026-11-24T10:00"))
build_server(app, None, None)
at_rest = sorted(m for m in HEAVY if m in sys.modules)
replies = app.router.handle(Inbound(app.directory.require("e007"), "/ask タクシー代に領収書は必要ですか?"))
asked = sorted(m for m in HEAVY if m in sys.modules)
print(json.dumps({"rest": at_rest, "asked": asked, "answer": replies[0].text}, ensure_ascii=False))
app.close()
"""


def test_offline_server_at_rest_has_no_model_or_tokenizer_libraries_until_the_first_question(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKOFFICE_", "OPENAI_"))}
    ran = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path), str(ROOT / "knowledge")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-3000:]
    seen = json.loads(ran.stdout.strip().splitlines()[-1])
    assert seen["rest"] == []
    # The first policy question loads the tokenizer and the index, and answers; no model library even then.
    assert "janome" in seen["asked"] and "bm25s" in seen["asked"]
    assert not {"openai", "langchain_core", "langchain_openai"} & set(seen["asked"])
    assert "領収書" in seen["answer"]
