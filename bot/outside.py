"""Work that talks to the outside world is kept out of the transaction that records its effect.

An inbound message is worked off in one SQLite transaction: its state change, its replies in
the outbox and "this message is done" commit together or not at all (bot.inbox). A model call
can take seconds, and holding the database's write lock that long would stall every ack behind
it. So a call made through `outside()` while a transaction of the inbox is open does not run
there: it aborts the pass (`NeedOutside`, which rolls the transaction back), the worker runs the
call with no lock held, keeps its answer in the pass's memo, and starts the pass again; the
second time the call is answered from the memo at once. The handler code in between is plain
straight-line code that neither knows nor cares: it is redone from the start on a consistent
database, which is what makes the redo safe.

Outside of a unit of work (the CLI, the eval, a test calling an engine directly) `outside()`
simply runs the call.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[str, Any] | None] = ContextVar("outside_memo", default=None)


class NeedOutside(BaseException):
    """Raised inside a unit's transaction when a call must first run outside it.

    A BaseException on purpose: handlers and engines catch `Exception` to fall back ("a model that
    is down changes nothing"), and this must pass through them to the worker untouched."""

    def __init__(self, key: str, call: Callable[[], Any]) -> None:
        super().__init__(key)
        self.key = key
        self.call = call


def key_of(*parts: Any) -> str:
    """A stable key for a call from what determines its answer (prompt, schema, caller)."""
    raw = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=repr)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def outside(key: str, call: Callable[[], T]) -> T:
    """`call()`, run where no transaction of the inbox is held; see the module's docstring."""
    memo = _memo.get()
    if memo is None:
        return call()
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    raise NeedOutside(key, call)


@contextlib.contextmanager
def answered_from(memo: dict[str, Any]) -> Iterator[None]:
    """Within this block, `outside()` answers from `memo` or asks to be run outside."""
    token = _memo.set(memo)
    try:
        yield
    finally:
        _memo.reset(token)
