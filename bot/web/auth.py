"""Sign-in without passwords: a one-time link sent in chat, then a session in a signed cookie.

A link's token is random, kept only as its SHA-256, bound to one person, good for ten minutes and for one
sign-in. A session is a row (so signing out ends it on the server too) named by a random id the cookie carries
with an HMAC; its CSRF token is an HMAC of that id, so a form from another site cannot carry it.

Credential lifetimes run on the real clock (`wall`, epoch seconds), as the Slack signature window does in
bot/server.py: the bot's own clock may be a fixed demo date, and a link must still expire.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.store import files
from bot.store.db import Store

LINK_SECONDS = 10 * 60
SESSION_SECONDS = 8 * 60 * 60
COOKIE = "backoffice_session"
KEY_FILE_NAME = "web.key"
KEY_BYTES = 32

Wall = Callable[[], float]
WALL: Wall = time.time  # the real clock (see the module docstring); tests pass their own


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def issue_link(store: Store, employee_id: str, now: float) -> str:
    """A new one-time token for `employee_id` (the caller builds the URL). Older unused links of the same
    person stay valid until they expire; expired rows are swept here."""
    token = secrets.token_urlsafe(32)
    with store.tx() as db:
        db.execute("DELETE FROM web_links WHERE expires < ?", (now - LINK_SECONDS,))
        db.execute(
            "INSERT INTO web_links (token_hash, employee_id, created, expires) VALUES (?, ?, ?, ?)",
            (_digest(token), employee_id, now, now + LINK_SECONDS),
        )
    return token


class LinkRefused(Exception):
    """Why a link does not sign anyone in: `reason` is unknown, expired or used (said to the person)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def redeem_link(store: Store, token: str, now: float) -> str:
    """The person the link signs in, using it up; LinkRefused otherwise. The check and the use are one
    compare-and-set, so two tabs racing with the same link sign in once."""
    if not (0 < len(token) <= 100 and token.isascii()):
        raise LinkRefused("unknown")
    digest = _digest(token)
    with store.tx() as db:
        rows = list(db.query("SELECT employee_id, expires, used FROM web_links WHERE token_hash = ?", [digest]))
        if not rows:
            raise LinkRefused("unknown")
        row = rows[0]
        if row["used"] is not None:
            raise LinkRefused("used")
        if now > float(row["expires"]):
            raise LinkRefused("expired")
        db.execute("UPDATE web_links SET used = ? WHERE token_hash = ? AND used IS NULL", (now, digest))
    return str(row["employee_id"])


def link_owner(store: Store, token: str) -> str | None:
    """Whose link this is, without using it (the sign-in page speaks their language); None when unknown."""
    if not (0 < len(token) <= 100 and token.isascii()):
        return None
    rows = store.query("SELECT employee_id FROM web_links WHERE token_hash = ?", (_digest(token),))
    return str(rows[0]["employee_id"]) if rows else None


# -- the signing key: like the audit key, from the environment or a 0600 file beside the database ------------


def load_key(secret: str | None, key_file: Path) -> bytes:
    if secret:
        return hashlib.sha256(b"backoffice-web:" + secret.encode()).digest()
    files.private_dir(key_file.parent)
    files.private_file(key_file)
    data = key_file.read_bytes().strip()
    if len(data) < KEY_BYTES:
        # A new (empty) file: the first start writes the key. Two starts racing both write a key, and the last
        # one wins; sessions signed with the other simply need a new sign-in.
        fd = os.open(key_file, os.O_WRONLY | os.O_TRUNC)
        try:
            os.write(fd, base64.b64encode(secrets.token_bytes(KEY_BYTES)))
        finally:
            os.close(fd)
        data = key_file.read_bytes().strip()
    return base64.b64decode(data)


# -- sessions --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    employee_id: str
    csrf: str
    cookie: str  # the signed value, to compare with what the browser sent


class Sessions:
    def __init__(self, store: Store, key: bytes, wall: Wall = WALL) -> None:
        self.store, self.key, self.wall = store, key, wall

    def _sign(self, text: str) -> str:
        return hmac.new(self.key, text.encode(), hashlib.sha256).hexdigest()

    def _csrf(self, session_id: str) -> str:
        return self._sign("csrf:" + session_id)[:40]

    def start(self, employee_id: str) -> Session:
        session_id = secrets.token_urlsafe(24)
        now = self.wall()
        with self.store.tx() as db:
            db.execute("DELETE FROM web_sessions WHERE expires < ?", (now,))
            db.execute(
                "INSERT INTO web_sessions (id_hash, employee_id, created, expires) VALUES (?, ?, ?, ?)",
                (_digest(session_id), employee_id, now, now + SESSION_SECONDS),
            )
        cookie = f"{session_id}.{self._sign('session:' + session_id)}"
        return Session(employee_id, self._csrf(session_id), cookie)

    def read(self, cookie: str | None) -> Session | None:
        """The live session a cookie names, or None (forged, expired, signed out)."""
        if not cookie or len(cookie) > 200 or not cookie.isascii():
            return None
        session_id, _, signature = cookie.partition(".")
        if not hmac.compare_digest(self._sign("session:" + session_id), signature):
            return None
        rows = self.store.query(
            "SELECT employee_id, expires, ended FROM web_sessions WHERE id_hash = ?", (_digest(session_id),)
        )
        if not rows or rows[0]["ended"] is not None or self.wall() > float(rows[0]["expires"]):
            return None
        return Session(str(rows[0]["employee_id"]), self._csrf(session_id), cookie)

    def end(self, session: Session) -> None:
        session_id = session.cookie.partition(".")[0]
        with self.store.tx() as db:
            db.execute("UPDATE web_sessions SET ended = ? WHERE id_hash = ?", (self.wall(), _digest(session_id)))

    @staticmethod
    def csrf_ok(session: Session, sent: str | None) -> bool:
        return bool(sent) and hmac.compare_digest(session.csrf.encode(), str(sent).encode("utf-8", "replace"))
