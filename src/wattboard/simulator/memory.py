"""The device's minute-record memory: append-only rows of 51 values, oldest dropped first."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

WIDTH: Final = 51
PERIOD: Final = 60


@dataclass(frozen=True, slots=True)
class Block:
    """A contiguous run of records, as `EMData.GetRecords` lists them."""

    ts: int
    records: int


class RecordMemory:
    """Minute records sorted by timestamp, in a growable array with a moving start."""

    def __init__(self, capacity: int = 4096) -> None:
        self._ts: NDArray[np.int64] = np.empty(capacity, dtype=np.int64)
        self._vals: NDArray[np.float64] = np.empty((capacity, WIDTH), dtype=np.float64)
        self._start = 0
        self._end = 0

    def __len__(self) -> int:
        return self._end - self._start

    @property
    def timestamps(self) -> NDArray[np.int64]:
        return self._ts[self._start : self._end]

    @property
    def values(self) -> NDArray[np.float64]:
        return self._vals[self._start : self._end]

    @property
    def first_ts(self) -> int | None:
        return int(self._ts[self._start]) if len(self) else None

    @property
    def last_ts(self) -> int | None:
        return int(self._ts[self._end - 1]) if len(self) else None

    def overwrite(self, ts: int | None, column: int, value: float) -> None:
        """Replace one value of the stored record of minute `ts` (a corrupted record)."""
        index = np.searchsorted(self.timestamps, ts) if ts is not None else len(self)
        if index >= len(self) or int(self.timestamps[index]) != ts:
            raise ValueError(f"no stored record at ts {ts}")
        self._vals[self._start + int(index), column] = value

    def extend(self, ts: NDArray[np.int64], values: NDArray[np.float64]) -> None:
        """Append rows whose timestamps are ascending and after the last stored one."""
        if not len(ts):
            return
        last = self.last_ts
        if last is not None and int(ts[0]) <= last:
            raise ValueError(f"record ts {int(ts[0])} is not after the last one {last}")
        self._reserve(len(ts))
        self._ts[self._end : self._end + len(ts)] = ts
        self._vals[self._end : self._end + len(ts)] = values
        self._end += len(ts)

    def _reserve(self, extra: int) -> None:
        if self._end + extra <= len(self._ts):
            return
        size = len(self)
        capacity = max(2 * (size + extra), 4096)
        ts = np.empty(capacity, dtype=np.int64)
        vals = np.empty((capacity, WIDTH), dtype=np.float64)
        ts[:size] = self.timestamps
        vals[:size] = self.values
        self._ts, self._vals, self._start, self._end = ts, vals, 0, size

    def select(
        self, start: int, end: int | None = None
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Return the rows with `start <= ts <= end` (views, not copies)."""
        ts = self.timestamps
        lo = int(np.searchsorted(ts, start, side="left"))
        hi = len(ts) if end is None else int(np.searchsorted(ts, end, side="right"))
        return ts[lo:hi], self.values[lo:hi]

    def drop_before(self, ts: int) -> int:
        """Forget rows older than `ts` (retention); return how many were dropped."""
        count = int(np.searchsorted(self.timestamps, ts, side="left"))
        self._start += count
        return count

    def delete_range(self, start: int, end: int) -> int:
        """Remove rows with `start <= ts < end`, as if the device had been off then."""
        keep = (self.timestamps < start) | (self.timestamps >= end)
        removed = len(self) - int(keep.sum())
        ts, vals = self.timestamps[keep].copy(), self.values[keep].copy()
        self.clear()
        self.extend(ts, vals)
        return removed

    def clear(self) -> None:
        self._start = self._end = 0

    def blocks(self, start: int = 0) -> list[Block]:
        """Split the rows from `start` on into contiguous runs of one-minute records."""
        ts, _ = self.select(start)
        if not len(ts):
            return []
        breaks = np.flatnonzero(np.diff(ts) != PERIOD) + 1
        edges = [0, *breaks.tolist(), len(ts)]
        return [Block(int(ts[a]), b - a) for a, b in itertools.pairwise(edges)]
