"""EventBus: topic routing, bounded queues that drop the oldest, thread-safe publishing."""

from __future__ import annotations

import asyncio
import threading

from services.core.events import EventBus, connector_topic, family_topic, session_topic
from tests.waits import WITHIN_S


async def test_routes_by_topic_and_unsubscribes() -> None:
    bus = EventBus()
    async with bus.subscribe([connector_topic(1), connector_topic(2)]) as sub:
        assert bus.publish(connector_topic(3), "x") == 0
        assert bus.publish(connector_topic(2), "two") == 1
        assert bus.publish("connector:1", "one") == 1
        first, second = await sub.get(), await sub.get()
        assert (first.topic, first.payload) == ("connector:2", "two")
        assert (second.topic, second.payload) == ("connector:1", "one")
    assert bus.subscriber_count(connector_topic(1)) == 0
    assert bus.publish(connector_topic(1), "late") == 0


async def test_slow_subscriber_loses_oldest_and_never_blocks() -> None:
    bus = EventBus(queue_size=3)
    sub = bus.subscribe(["t"])
    for i in range(10):
        bus.publish("t", i)  # returns immediately although nobody reads
    assert sub.dropped == 7
    assert [(await sub.get()).payload for _ in range(3)] == [7, 8, 9]
    sub.close()


async def test_publish_from_worker_thread_reaches_loop_subscriber() -> None:
    bus = EventBus()
    sub = bus.subscribe(["t"])
    worker = threading.Thread(target=lambda: [bus.publish("t", i) for i in range(5)])
    worker.start()
    worker.join()
    got = [(await asyncio.wait_for(sub.get(), WITHIN_S)).payload for _ in range(5)]
    assert got == [0, 1, 2, 3, 4]
    sub.close()


async def test_async_iteration_ends_subscription_when_consumer_stops() -> None:
    bus = EventBus()
    sub = bus.subscribe(["t"])

    async def consume() -> list[int]:
        out = []
        async for event in sub:
            out.append(event.payload)
            if len(out) == 2:
                break
        return out

    task = asyncio.create_task(consume())
    await asyncio.sleep(0)
    bus.publish("t", 1)
    bus.publish("t", 2)
    assert await asyncio.wait_for(task, WITHIN_S) == [1, 2]
    assert bus.subscriber_count("t") == 0


async def test_a_family_subscriber_gets_every_topic_of_its_kind_once() -> None:
    bus = EventBus()
    async with bus.subscribe([family_topic("connector"), connector_topic(7)]) as sub:
        assert bus.publish(connector_topic(7), "seven") == 1  # subscribed twice, told once
        assert bus.publish(connector_topic(8), "eight") == 1
        assert bus.publish(session_topic(8), "session") == 0
        got = [await sub.get(), await sub.get()]
        assert [(e.topic, e.payload) for e in got] == [("connector:7", "seven"),
                                                       ("connector:8", "eight")]
        assert sub.pending() == 0
