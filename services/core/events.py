"""In-process publish/subscribe for the core: connector status changes, session updates, ...

Topics are plain strings (use the helpers below so publishers and subscribers agree).
Publishing never blocks and never fails because of a slow subscriber: each subscriber has a
bounded queue; when it is full the OLDEST queued event is dropped (for status feeds the newest
state matters most) and the subscription counts the loss in ``dropped``.

``publish`` may be called from the event loop or from a worker thread (store functions run
in threads via ``Core.db``); events are handed to each subscriber's own loop thread-safely.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

DEFAULT_QUEUE_SIZE = 256


def connector_topic(connector_id: int | str) -> str:
    """Status changes of one connector (payload: ``ConnectorStatusEvent``)."""
    return f"connector:{int(connector_id)}"


def session_topic(session_id: int | str) -> str:
    """Updates of one charging session (meter values, state changes)."""
    return f"session:{session_id}"


def reservation_topic(reservation_id: int | str) -> str:
    """Status changes of one reservation (payload: ``{"reservation_id": id}``)."""
    return f"reservation:{int(reservation_id)}"


def family_topic(kind: str) -> str:
    """Every topic ``<kind>:<id>`` at once (``"connector"``, ``"session"``): for subscribers
    that follow all connectors or sessions, such as webhook dispatch."""
    return f"{kind}:*"


@dataclass(frozen=True, slots=True)
class ConnectorStatusEvent:
    connector_id: int
    ocpp: str | None
    calculated: str | None
    simple: str


@dataclass(frozen=True, slots=True)
class Event:
    topic: str
    payload: Any


class Subscription:
    """A subscriber's bounded inbox. Iterate it with ``async for``; close it when done."""

    def __init__(self, bus: EventBus, topics: frozenset[str], maxsize: int) -> None:
        self._bus = bus
        self.topics = topics
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=maxsize)
        self.dropped = 0
        self.closed = False

    def _offer(self, event: Event) -> None:
        # Runs on the subscriber's loop only.
        if self.closed:
            return
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(event)

    def deliver(self, event: Event) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._offer(event)
        elif not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._offer, event)

    async def get(self) -> Event:
        return await self._queue.get()

    def pending(self) -> int:
        return self._queue.qsize()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._bus._remove(self)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Event]:
        try:
            while not self.closed:
                yield await self._queue.get()
        finally:
            self.close()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class EventBus:
    def __init__(self, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        self.queue_size = queue_size
        self._subs: dict[str, set[Subscription]] = defaultdict(set)
        self._lock = threading.Lock()

    def subscribe(self, topics: Iterable[str], maxsize: int | None = None) -> Subscription:
        """Subscribe to some topics; must be called from inside the subscriber's event loop."""
        sub = Subscription(self, frozenset(topics), maxsize or self.queue_size)
        with self._lock:
            for topic in sub.topics:
                self._subs[topic].add(sub)
        return sub

    def publish(self, topic: str, payload: Any) -> int:
        """Hand ``payload`` to every subscriber of ``topic``; returns how many got it."""
        kind, _, _ = topic.partition(":")
        with self._lock:
            subs = list(self._subs.get(topic, ()))
            subs += [s for s in self._subs.get(f"{kind}:*", ()) if s not in subs]
        event = Event(topic, payload)
        for sub in subs:
            sub.deliver(event)
        return len(subs)

    def subscriber_count(self, topic: str) -> int:
        with self._lock:
            return len(self._subs.get(topic, ()))

    def _remove(self, sub: Subscription) -> None:
        with self._lock:
            for topic in sub.topics:
                subs = self._subs.get(topic)
                if subs is not None:
                    subs.discard(sub)
                    if not subs:
                        del self._subs[topic]
