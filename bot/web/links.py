"""Where the dashboard is served, for the sign-in links /login sends (handlers/login.py).

The web app registers its address when it is built; the handler, in the same process, asks for it by the
database it serves (so several bots in one process, as in the tests, never mix their addresses). No address
registered means the dashboard is off in this process, and /login says so instead of sending a dead link.
"""

from __future__ import annotations

import threading

from bot.store.db import Store

_lock = threading.Lock()
_bases: dict[str, str] = {}


def register(store: Store, base_url: str) -> None:
    with _lock:
        _bases[store.path] = base_url.rstrip("/")


def base_for(store: Store) -> str | None:
    with _lock:
        return _bases.get(store.path)


def login_url(base_url: str, token: str) -> str:
    return f"{base_url}/admin/login/{token}"
