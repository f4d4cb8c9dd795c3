"""A fleet of simulated charge points for one core, plus background drivers.

In-process use (tests, the app)::

    sim = Simulator("http://127.0.0.1:8123", ["<Cp.id>", ...], speed=60)
    await sim.start()          # fetches the stations' connectors over GraphQL, connects
    await sim.wait_online()
    ...
    await sim.stop()

The station list comes from the core's public be.ENERGISED GraphQL API (this package may
not import the core: it meets it only over the network, like a real charger would).

Background drivers: other people who drive up, hold their own RFID card against the reader
(Authorize, StartTransaction), charge for a while and leave. Their tags start with
``GUEST_TAG_PREFIX``; the core accepts such tags as roaming guests (the same constant lives
in ``services.core.domain.charging``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Iterable
from typing import Any

import httpx

from services.hardware.charger import ConnectorSpec, SimStation, StationSpec
from services.hardware.ev import random_vehicle

log = logging.getLogger(__name__)

GUEST_TAG_PREFIX = "EE00"

_CP_FIELDS = "id connectors { id sortOrder connectorType { chargePointType maxPowerRating } }"


class CatalogError(RuntimeError):
    pass


def _spec_from_cp(cp: dict[str, Any]) -> StationSpec:
    conns = []
    for i, c in enumerate(cp.get("connectors") or [], start=1):
        ctype = (c.get("connectorType") or {}) if c else {}
        try:
            number = int(c.get("sortOrder") or i)
        except (TypeError, ValueError):
            number = i
        conns.append(
            ConnectorSpec(
                number=number,
                current_type="DC"
                if (ctype.get("chargePointType") or "AC").upper() == "DC"
                else "AC",
                max_kw=float(ctype.get("maxPowerRating") or 22.0),
            )
        )
    return StationSpec(identity=cp["id"], connectors=conns or [ConnectorSpec(1)])


class Catalog:
    """Reads stations from a core over its public GraphQL API."""

    def __init__(self, core_url: str, timeout: float = 30.0) -> None:
        self.url = core_url.rstrip("/") + "/graphql/"
        self.http = httpx.AsyncClient(timeout=timeout)
        self._token: str | None = None

    async def close(self) -> None:
        await self.http.aclose()

    async def _gql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        r = await self.http.post(
            self.url, json={"query": query, "variables": variables}, headers=headers
        )
        body = r.json()
        if body.get("errors") and not body.get("data"):
            raise CatalogError(body["errors"][0].get("message", "GraphQL error"))
        return body.get("data") or {}

    async def _login_anonymously(self) -> None:
        # Public data may need an anonymous session; without one we still try.
        with contextlib.suppress(Exception):
            data = await self._gql("mutation { initAnonymousSession { sessionToken } }", {})
            self._token = (data.get("initAnonymousSession") or {}).get("sessionToken")

    async def by_ids(self, ids: Iterable[str]) -> list[StationSpec]:
        await self._login_anonymously()
        out = []
        for ident in ids:
            data = await self._gql(
                f"query($id: ID!) {{ cp(id: $id) {{ {_CP_FIELDS} }} }}", {"id": ident}
            )
            if not data.get("cp"):
                raise CatalogError(f"station {ident!r} not found in the core")
            out.append(_spec_from_cp(data["cp"]))
        return out

    async def near(
        self, lat: float, lon: float, radius_km: float, limit: int | None
    ) -> list[StationSpec]:
        await self._login_anonymously()
        q = (
            f"query($loc: LocationFilter, $p: PaginationFilter) {{ cpsPagedLocationBased("
            f"location: $loc, pagination: $p) {{ pagination {{ isLastPage }} data {{ "
            f"{_CP_FIELDS} }} }} }}"
        )
        return await self._paged(
            q,
            {"loc": {"latitude": lat, "longitude": lon, "radius": radius_km}},
            "cpsPagedLocationBased",
            limit,
        )

    async def all(self, limit: int | None) -> list[StationSpec]:
        await self._login_anonymously()
        q = (
            f"query($p: PaginationFilter) {{ cpsPaged(pagination: $p) {{ pagination {{ "
            f"isLastPage }} data {{ {_CP_FIELDS} }} }} }}"
        )
        return await self._paged(q, {}, "cpsPaged", limit)

    async def _paged(
        self, q: str, variables: dict[str, Any], field: str, limit: int | None
    ) -> list[StationSpec]:
        out: list[StationSpec] = []
        offset, page = 0, 100
        while limit is None or len(out) < limit:
            data = await self._gql(q, {**variables, "p": {"limit": page, "offset": offset}})
            block = data.get(field) or {}
            cps = [c for c in (block.get("data") or []) if c]
            out.extend(_spec_from_cp(c) for c in cps)
            if not cps or (block.get("pagination") or {}).get("isLastPage", True):
                break
            offset += len(cps)
        return out[:limit] if limit is not None else out


class Simulator:
    def __init__(
        self,
        core_url: str,
        station_ids: Iterable[str] = (),
        *,
        speed: float = 1.0,
        specs: Iterable[StationSpec] = (),
        drivers: bool = False,
        occupancy: float = 0.3,
        seed: int | None = None,
        meter_interval_s: float | None = None,
        call_timeout: float = 30.0,
    ) -> None:
        self.core_url = core_url.rstrip("/")
        self.station_ids = list(station_ids)
        self.speed = speed
        self.rng = random.Random(seed)
        self.drivers_enabled = drivers
        self.occupancy = occupancy
        self.meter_interval_s = meter_interval_s
        self.call_timeout = call_timeout
        self._specs = list(specs)
        self.stations: dict[str, SimStation] = {}
        self._driver_task: asyncio.Task | None = None

    @classmethod
    async def around(
        cls,
        core_url: str,
        latitude: float,
        longitude: float,
        radius_km: float = 3.0,
        count: int = 200,
        **kw: Any,
    ) -> Simulator:
        """A simulator for the stations around a point (what ``voltra`` starts for the map's
        start view). Reads the stations over GraphQL; call ``start()`` next."""
        cat = Catalog(core_url)
        try:
            specs = await cat.near(latitude, longitude, radius_km, count)
        finally:
            await cat.close()
        return cls(core_url, specs=specs, **kw)

    async def start(self) -> None:
        specs = list(self._specs)
        if self.station_ids:
            cat = Catalog(self.core_url)
            try:
                specs += await cat.by_ids(self.station_ids)
            finally:
                await cat.close()
        self.add(specs)
        if self.drivers_enabled:
            self._driver_task = asyncio.create_task(self._drive())

    def add(self, specs: Iterable[StationSpec]) -> None:
        for spec in specs:
            if spec.identity in self.stations:
                continue
            st = SimStation(
                spec,
                self.core_url,
                speed=self.speed,
                rng=random.Random(self.rng.random()),
                call_timeout=self.call_timeout,
                meter_interval_s=self.meter_interval_s,
            )
            self.stations[spec.identity] = st
            st.start()

    async def wait_online(self, within_s: float = 30.0) -> None:
        await asyncio.wait_for(
            asyncio.gather(*(s.online.wait() for s in self.stations.values())), within_s
        )

    async def stop(self) -> None:
        if self._driver_task is not None:
            self._driver_task.cancel()
            with contextlib.suppress(BaseException):
                await self._driver_task
        await asyncio.gather(*(s.stop() for s in self.stations.values()), return_exceptions=True)

    def station(self, identity: str) -> SimStation:
        return self.stations[identity]

    # -------------------------------------------------------- background drivers

    def guest_tag(self) -> str:
        return GUEST_TAG_PREFIX + "".join(self.rng.choice("0123456789ABCDEF") for _ in range(10))

    async def _drive(self) -> None:
        """Keep roughly ``occupancy`` of the connectors busy with other people's sessions.

        When a station comes online its share of drivers is already there (the map looks
        alive at once); afterwards a new driver arrives every ~2 simulated minutes per 10
        connectors whenever occupancy is below the target."""
        seeded: set[str] = set()
        while True:
            online = [s for s in self.stations.values() if s.online.is_set()]
            for st in online:
                if st.identity not in seeded:
                    seeded.add(st.identity)
                    for c in st.connectors.values():
                        if self.rng.random() < self.occupancy and not c.busy:
                            st.spawn(self._guest_session(c, arrive_within_s=5.0))
            conns = [c for s in online for c in s.connectors.values()]
            if not conns:
                await asyncio.sleep(0.5)
                continue
            busy = sum(1 for c in conns if c.busy)
            free = [
                c
                for c in conns
                if not c.busy and not c.faulted and not c.inoperative and c.status == "Available"
            ]
            if free and busy < self.occupancy * len(conns):
                c = self.rng.choice(free)
                c.station.spawn(self._guest_session(c))
            gap = 120.0 * 10 / len(conns)
            # capped in real time so newly connected stations are noticed soon
            await asyncio.sleep(min(2.0, self.rng.expovariate(1.0 / gap) / self.speed) + 0.01)

    async def _guest_session(self, c: Any, arrive_within_s: float = 0.0) -> None:
        st = c.station
        if arrive_within_s:
            await asyncio.sleep(self.rng.uniform(0, arrive_within_s))
            if c.busy or c.faulted or c.inoperative or c.status != "Available":
                return
        tag = self.guest_tag()
        vehicle = random_vehicle(self.rng)
        c.plug_in(vehicle)
        await st.sim_sleep(self.rng.uniform(10, 40))
        status = await c.swipe(tag)
        if status != "Accepted":
            if c.vehicle is vehicle:
                c.unplug()
            return
        tx = c.tx
        await st.sim_sleep(self.rng.uniform(20 * 60, 90 * 60))
        if c.tx is tx and tx is not None:
            c.stop_transaction("Local")
        elif c.vehicle is vehicle and c.tx is None and c.status != "Finishing":
            # the session ended otherwise (fault, unlock, reset): the driver leaves anyway
            c.unplug()
