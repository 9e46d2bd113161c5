"""Chatwork webhook signatures: HMAC-SHA256 of the raw body, keyed with the base64-decoded token."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac


def sign(token: str, body: bytes) -> str:
    """The signature Chatwork sends for `body`. The key is the token *decoded*: its ASCII bytes give a mismatch."""
    key = base64.b64decode(token)
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode("ascii")


def verify(token: str, body: bytes, header: str | None, query: str | None = None) -> bool:
    """True when the header's signature (or, failing a header, the query string's copy) matches the raw body.

    Only the exact bytes received are signed: re-serialised JSON would not match.
    """
    try:
        expected = sign(token, body)
    except (binascii.Error, ValueError):
        return False  # a token that is not base64 can verify nothing
    for candidate in (header, query):
        if not candidate:
            continue
        # A query string decoded as a form turns "+" into " "; base64 never contains a space.
        candidate = candidate.strip().replace(" ", "+")
        if hmac.compare_digest(expected.encode(), candidate.encode("utf-8", "replace")):
            return True
    return False
