"""A fake Slack Socket Mode endpoint: a real WebSocket server on a free loopback port.

Slack's side of the protocol as documented: `apps.connections.open` (answered by FakeSlack)
hands the app this server's URL; on connect the server says `hello`; it then pushes envelopes
(`slash_commands`, `events_api`, `interactive`) and the app must answer each with its
`envelope_id` (and a payload, for the ones that accept one) within 3 seconds.
"""

from __future__ import annotations

import itertools
import json
import queue
import threading
import time
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve


class FakeSocketMode:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._acks: dict[str, queue.Queue[dict[str, Any]]] = {}
        self._connection: ServerConnection | None = None
        self._connected = threading.Event()
        self.server = serve(self._session, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link/?ticket=t1&app_id=A1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _session(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"},
                                    "connection_info": {"app_id": "A1"}}))  # fmt: skip
        self._connection = connection
        self._connected.set()
        try:
            for raw in connection:
                message = json.loads(raw)
                box = self._acks.get(message.get("envelope_id", ""))
                if box is not None:
                    box.put(message)
        except ConnectionClosed:
            pass  # the app went away (the test is over): Slack would wait for it to reconnect

    def wait_connected(self, timeout: float = 10.0) -> None:
        if not self._connected.wait(timeout):
            raise AssertionError("the app never connected over Socket Mode")

    def push(self, kind: str, payload: dict[str, Any], retry_attempt: int = 0, timeout: float = 3.0) -> dict[str, Any]:
        """Send one envelope and return the app's acknowledgement; fail as Slack would after 3 seconds."""
        assert self._connection is not None, "not connected"
        envelope_id = f"env-{next(self._ids)}"
        box: queue.Queue[dict[str, Any]] = queue.Queue()
        self._acks[envelope_id] = box
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api", "retry_attempt": retry_attempt,
                    "retry_reason": "timeout" if retry_attempt else ""}  # fmt: skip
        started = time.monotonic()
        self._connection.send(json.dumps(envelope))
        try:
            ack = box.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"envelope {envelope_id} ({kind}) not acknowledged within {timeout} s") from None
        ack["_seconds"] = time.monotonic() - started
        return ack

    def close(self) -> None:
        self.server.shutdown()
