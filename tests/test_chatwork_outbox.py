"""The Chatwork outbox and rate limits on the real httpx client (respx), with time that is ours to move."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot import outbox as rows
from bot.chatwork.client import ChatworkClient, RateLimiter
from bot.chatwork.outbox import Outbox
from bot.store.db import Store
from tests.fake_chatwork import FakeChatwork


class FakeTime:
    """Seconds pass only when someone sleeps: a minute of Chatwork traffic runs in milliseconds."""

    def __init__(self, start: float = 1_795_500_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def outbox(store: Store, time: FakeTime) -> Outbox:
    client = ChatworkClient("cw-token", limiter=RateLimiter(clock=time.clock, sleep=time.sleep))
    return Outbox(store, client, lambda: "2026-11-24T10:00:00")


def queue_messages(store: Store, room: str, count: int) -> None:
    for n in range(count):
        rows.enqueue(store, "chatwork", room, "message", {"body": f"reply {n}"}, "2026-11-24T10:00:00")


def test_a_burst_of_30_replies_to_one_room_never_exceeds_10_in_10_seconds(tmp_path: Path) -> None:
    time, store = FakeTime(), Store(tmp_path / "bot.db")
    queue_messages(store, "300", 30)
    queue_messages(store, "301", 3)
    with FakeChatwork(time.clock) as fake:
        sent = asyncio.run(outbox(store, time).drain())
    assert sent == 33
    assert fake.in_room("300") == [f"reply {n}" for n in range(30)]  # all of them, in order
    times = [m["at"] for m in fake.messages if m["room"] == "300"]
    assert max(sum(1 for t in times if start <= t < start + 10) for start in times) == 10
    assert time.now - times[0] >= 20  # it waited rather than being refused
    # Another room is not held back by the busy one.
    first_other = next(m["at"] for m in fake.messages if m["room"] == "301")
    assert first_other - times[0] < 1


def test_a_429_waits_until_the_reset_chatwork_gives(tmp_path: Path) -> None:
    time, store = FakeTime(), Store(tmp_path / "bot.db")
    queue_messages(store, "300", 1)
    with FakeChatwork(time.clock) as fake:
        fake.fail("messages", 429, headers={"x-ratelimit-reset": str(int(time.now) + 42)})
        box = outbox(store, time)
        assert asyncio.run(box.drain()) == 0  # refused for now, kept
        (job,) = rows.waiting(store, "chatwork")
        assert job["attempts"] == 0 and job["next_attempt"] == time.now + 42
        assert fake.in_room("300") == []
        time.now += 42
        assert asyncio.run(box.drain()) == 1
    assert fake.in_room("300") == ["reply 0"]
    assert rows.waiting(store, "chatwork") == []


def test_the_per_room_429_waits_ten_seconds_for_that_room_only(tmp_path: Path) -> None:
    time, store = FakeTime(), Store(tmp_path / "bot.db")
    queue_messages(store, "300", 2)
    with FakeChatwork(time.clock) as fake:
        fake.fail("messages", 429, errors=["Rate limit for message posting per room exceeded."])
        box = outbox(store, time)
        asyncio.run(box.drain())
        assert rows.waiting(store, "chatwork")[0]["next_attempt"] - time.now == 10
        time.now += 10
        asyncio.run(box.drain())
    assert fake.in_room("300") == ["reply 0", "reply 1"]


def test_a_500_keeps_the_message_and_it_goes_out_on_the_next_attempt_even_after_a_restart(tmp_path: Path) -> None:
    time = FakeTime()
    store = Store(tmp_path / "bot.db")
    queue_messages(store, "300", 2)
    with FakeChatwork(time.clock) as fake:
        fake.fail("messages", 500)
        assert asyncio.run(outbox(store, time).drain()) == 0
        first, _ = rows.waiting(store, "chatwork")
        assert first["attempts"] == 1 and "500" in first["error"] and first["next_attempt"] > time.now
        assert fake.in_room("300") == []  # the second waits behind the first: order per room is kept
        store.close()

        time.now += 60
        restarted = Store(tmp_path / "bot.db")
        assert asyncio.run(outbox(restarted, time).drain()) == 2
    assert fake.in_room("300") == ["reply 0", "reply 1"]


def test_a_refusal_for_good_is_kept_with_its_error_and_the_queue_moves_on(tmp_path: Path) -> None:
    time, store = FakeTime(), Store(tmp_path / "bot.db")
    queue_messages(store, "300", 2)
    with FakeChatwork(time.clock) as fake:
        fake.fail("messages", 403, errors=["You don't have permission to send messages in this room"])
        asyncio.run(outbox(store, time).drain())
    assert fake.in_room("300") == ["reply 1"]
    (failed,) = store.query("SELECT * FROM outbox WHERE failed_at IS NOT NULL")
    assert "permission" in failed["error"]


def test_a_direct_message_finds_the_persons_room_through_contacts(tmp_path: Path) -> None:
    time, store = FakeTime(), Store(tmp_path / "bot.db")
    rows.enqueue(store, "chatwork", "dm:1000006", "message", {"body": "承認依頼"}, "2026-11-24T10:00:00")
    rows.enqueue(store, "chatwork", "dm:1000999", "message", {"body": "not a contact"}, "2026-11-24T10:00:00")
    with FakeChatwork(time.clock, contacts={"1000006": "500006"}) as fake:
        asyncio.run(outbox(store, time).drain())
    assert fake.in_room("500006") == ["承認依頼"]
    assert [c for c, _ in fake.calls].count("contacts") == 1  # read once, not per message
    (failed,) = store.query("SELECT * FROM outbox WHERE failed_at IS NOT NULL")
    assert failed["target"] == "dm:1000999"


def test_the_token_window_of_300_in_5_minutes_is_kept(tmp_path: Path) -> None:
    time, store = FakeTime(), Store(tmp_path / "bot.db")
    for room in range(40):
        queue_messages(store, str(1000 + room), 8)  # 320 posts over 40 rooms
    with FakeChatwork(time.clock) as fake:
        assert asyncio.run(outbox(store, time).drain()) == 320
    times = sorted(m["at"] for m in fake.messages)
    assert max(sum(1 for t in times if start <= t < start + 300) for start in times[::10]) <= 300
    assert times[-1] - times[0] >= 300
