"""Run a synchronous store on one dedicated thread, so the event loop never waits on disk."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from wattboard.store.sqlite import SqliteStore

P = ParamSpec("P")
T = TypeVar("T")


class AsyncStore:
    """All store work, reads and writes, is queued on one thread: SQLite has one writer anyway."""

    def __init__(self, opener: Callable[[], SqliteStore]) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wattboard-store")
        self._opener = opener
        self._store: SqliteStore | None = None

    async def open(self) -> SqliteStore:
        """Open the store on its thread; the connection then lives there."""
        self._store = await self._submit(self._opener)
        return self._store

    @property
    def sync(self) -> SqliteStore:
        if self._store is None:
            raise RuntimeError("the store is not open")
        return self._store

    async def run(self, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `func(*args, **kwargs)` on the store's thread and return its result."""
        return await self._submit(functools.partial(func, *args, **kwargs))

    async def _submit(self, call: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    async def close(self) -> None:
        if self._store is not None:
            await self._submit(self._store.close)
            self._store = None
        self._executor.shutdown(wait=True)
