"""Home and away in one test: `run` replicates to MongoDB, the cloud API answers the same."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from tests.mongo_server import running_server, until
from wattboard.config import Settings
from wattboard.runtime import run_cloud, run_home
from wattboard.simulator import EmulatorOptions, start_emulators

TOKEN = "cloud-token-0123456789"


async def _rebuild(_store: object) -> None:  # nothing to rebuild in a new store
    return


def _settings(sim_meters: list[dict[str, str]], db: Path, mongo_uri: str, backend: str) -> Settings:
    return Settings(
        site={"id": "e2e", "timezone": "Europe/Helsinki", "netting": "hour"},
        store={"path": db, "backend": backend},
        api={"host": "127.0.0.1", "port": 0, "token": TOKEN},
        collector={"live_interval": 0.5},
        meters=sim_meters,
        mongo={"uri": mongo_uri, "database": "wattboard_e2e"},
    )


@pytest.mark.dates
@pytest.mark.slow
async def test_run_replicates_and_serve_answers_like_home(tmp_path: Path) -> None:
    urls: list[str] = []
    with running_server(tmp_path / "mongo") as server:
        async with start_emulators(EmulatorOptions(port=0, history_days=1, seed=41)) as sim:
            meters = [{"id": r, "role": r, "url": m.url} for r, m in sim.meters.items()]
            home = _settings(meters, tmp_path / "w.db", server.uri, "sqlite")
            cloud = _settings(meters, tmp_path / "unused.db", server.uri, "mongodb")
            stop_home, stop_cloud = asyncio.Event(), asyncio.Event()
            home_task = asyncio.create_task(
                run_home(home, stop_home, collect=True, rebuild=_rebuild, announce=urls.append)
            )
            try:
                await until(lambda: len(urls) == 1)
                async with httpx.AsyncClient(base_url=urls[0] + "/api/v1", timeout=10) as pi:

                    async def caught_up() -> bool:
                        health = (await pi.get("/health")).json()
                        return health["replication"]["lag_s"] == 0.0 and all(
                            m["last_record_ts"] for m in health["meters"]
                        )

                    await until(caught_up, seconds=60)
                    cloud_task = asyncio.create_task(run_cloud(cloud, stop_cloud, urls.append))
                    await until(lambda: len(urls) == 2)
                    day = datetime.now(home.site.zone).date().isoformat()
                    auth = {"Authorization": f"Bearer {TOKEN}"}
                    async with httpx.AsyncClient(base_url=urls[1] + "/api/v1", timeout=10) as away:
                        assert (await away.get(f"/energy/day/{day}")).status_code == 401
                        # Same JSON at home and away once the replica has caught up (a new
                        # minute may land at home in between: then the next sync brings it).
                        for path in (f"/energy/day/{day}", "/energy/years", "/meters"):

                            async def same(path: str = path) -> bool:
                                at_home = (await pi.get(path)).json()
                                remote = (await away.get(path, headers=auth)).json()
                                if path == "/meters":  # only home sees the meters themselves
                                    for m in (*at_home, *remote):
                                        m.update(online=None, model=None, profile=None)
                                return bool(remote == at_home)

                            await until(same, seconds=60)
                        assert (await away.get("/power/now", headers=auth)).status_code == 503
                    stop_cloud.set()
                    await cloud_task
            finally:
                stop_home.set()
                await home_task
