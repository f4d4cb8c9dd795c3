""""Tell me when this station frees up": watches the live status feed for the stations a
driver asked about and calls back once one of their connectors becomes available."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from app.context import AppContext
from services.models import ConnectorStatus, Station
from services.provider import Capability, ProviderError

log = logging.getLogger(__name__)


class FreeAlerts:
    """One feed for every watched station; an alert fires once, then stops watching."""

    def __init__(self, ctx: AppContext, on_free: Callable[[Station], None]) -> None:
        self.ctx = ctx
        self.on_free = on_free
        self.watched: dict[str, Station] = {}
        self._task: asyncio.Task | None = None

    @property
    def available(self) -> bool:
        return self.ctx.can(Capability.LIVE_STATUS)

    def is_watching(self, station_id: str) -> bool:
        return station_id in self.watched

    def offered_for(self, station: Station) -> bool:
        """Offered on a favourite, or on a station with no free connector now."""
        if not self.available or not station.connectors:
            return False
        free = any(c.status is ConnectorStatus.AVAILABLE for c in station.connectors)
        return station.favourite or not free

    def watch(self, station: Station) -> None:
        self.watched[station.id] = station.model_copy(deep=True)
        self._restart()

    def unwatch(self, station_id: str) -> None:
        if self.watched.pop(station_id, None) is not None:
            self._restart()

    def toggle(self, station: Station) -> bool:
        """Switch the alert for this station; True when it is now on."""
        if self.is_watching(station.id):
            self.unwatch(station.id)
            return False
        self.watch(station)
        return True

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def close(self) -> None:
        self.stop()
        self.watched.clear()

    def _restart(self) -> None:
        self.stop()
        by_connector = {c.id: s.id for s in self.watched.values() for c in s.connectors}
        if by_connector:
            self._task = asyncio.create_task(self._watch(by_connector))

    async def _watch(self, by_connector: dict[str, str]) -> None:
        # A feed may repeat a connector's current status: only a connector that turns
        # available (it was not before) frees the station up
        last = {c.id: c.status for s in self.watched.values() for c in s.connectors}
        try:
            async for change in self.ctx.provider.watch_status(list(by_connector)):
                station_id = by_connector.get(change.connector_id)
                before = last.get(change.connector_id)
                last[change.connector_id] = change.status
                if (
                    change.status is not ConnectorStatus.AVAILABLE
                    or before is ConnectorStatus.AVAILABLE
                    or station_id is None
                ):
                    continue
                station = self.watched.pop(station_id, None)
                if station is None:
                    continue
                with contextlib.suppress(Exception):
                    self.on_free(station)
                if not self.watched:
                    return
                by_connector = {k: v for k, v in by_connector.items() if v != station_id}
        except asyncio.CancelledError:
            raise
        except ProviderError as exc:
            log.warning("free-connector alerts ended: %s", exc.detail or exc.message)
        except Exception:
            log.exception("free-connector alerts failed")
