"""Minute ingestion and gap repair, one mechanism: fetch every record after the watermark.

After any absence (first start, restart, crash, network or meter outage) the same call
backfills all the meter still holds: large gaps through the CSV endpoint in chunks of at
most six hours, the last few minutes through `EMData.GetData`. Writes are upserts keyed by
(meter, ts), so running anything twice changes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Final

from wattboard.config import MeterSettings
from wattboard.energy.plausible import REASON, split_implausible
from wattboard.energy.records import MINUTE, MinuteRecord, invert_phases
from wattboard.shelly.client import CSV_CHUNK_SECONDS, ShellyClient
from wattboard.store.asyncstore import AsyncStore

log = logging.getLogger(__name__)
# Below this many missing minutes GetData (six records a call) is cheaper than a CSV download.
CSV_THRESHOLD: Final = 15 * MINUTE
GAP_OLDER: Final = "older than the meter keeps"
GAP_UNRECORDED: Final = "not recorded by the meter"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Fetched:
    """New records of one meter and the spans the meter could not give.

    `partial` marks one chunk of a long backfill: it is stored at once, so an interrupted
    backfill resumes where it stopped instead of starting over.
    """

    meter: str
    records: list[MinuteRecord]
    gaps: list[tuple[int, int, str]]
    partial: bool = False


class MeterIngest:
    """Fetches one meter's records after its watermark."""

    def __init__(self, meter: MeterSettings, client: ShellyClient, *, csv: bool = True) -> None:
        self.meter = meter
        self.client = client
        self.csv = csv
        self.watermark: int | None = None

    async def batches(
        self, since: int | None = None, progress: Progress | None = None
    ) -> AsyncIterator[Fetched]:
        """Yield every record after the watermark (or `since`) that the meter holds."""
        blocks = (await self.client.emdata_records())["data_blocks"]
        if not blocks:
            return
        first_held = int(blocks[0]["ts"])
        last_held = int(blocks[-1]["ts"]) + MINUTE * (int(blocks[-1]["records"]) - 1)
        start = self._start(first_held, since)
        gaps: list[tuple[int, int, str]] = []
        if start < first_held:
            gaps.append((start, first_held, GAP_OLDER))
            start = first_held
        if start > last_held:
            if gaps:
                yield Fetched(self.meter.id, [], gaps)
            return
        end = last_held + MINUTE
        if not self.csv or end - start <= CSV_THRESHOLD:
            records = await self.client.fetch_records(start, end)
            yield self._batch(records, (start, end), gaps, partial=False)
            return
        for chunk in range(start, end, CSV_CHUNK_SECONDS):
            stop = min(chunk + CSV_CHUNK_SECONDS, end)
            records = await self.client.fetch_csv(chunk, stop)
            yield self._batch(records, (chunk, stop), gaps, partial=True)
            gaps = []
            if progress is not None:
                progress(self.meter.id, stop - start, end - start)

    def _start(self, first_held: int, since: int | None) -> int:
        if since is not None:
            return since - since % MINUTE
        return first_held if self.watermark is None else self.watermark + MINUTE

    def _batch(
        self,
        records: list[MinuteRecord],
        span: tuple[int, int],
        gaps: list[tuple[int, int, str]],
        *,
        partial: bool,
    ) -> Fetched:
        inverted = [invert_phases(r, self.meter.invert_phases) for r in records]
        holes = _holes(span, inverted)
        kept, dropped = split_implausible(inverted)
        bad = [(r.ts, r.ts + MINUTE, reason) for r, reason in dropped]
        return Fetched(self.meter.id, kept, [*gaps, *holes, *bad], partial)

    def advance(self, fetched: Fetched) -> None:
        """Move the watermark past what was stored (call after the store acknowledged it)."""
        # A minute dropped as implausible is done with too: fetching it again changes nothing.
        stamps = [r.ts for r in fetched.records]
        stamps += [start for start, _, reason in fetched.gaps if reason.startswith(REASON)]
        if stamps:
            newest = max(stamps)
            self.watermark = newest if self.watermark is None else max(self.watermark, newest)


def _holes(span: tuple[int, int], records: Sequence[MinuteRecord]) -> list[tuple[int, int, str]]:
    """Return the parts of `[start, end)` that the meter holds no record for."""
    start, end = span
    holes = []
    expected = start
    for ts in sorted({r.ts for r in records}):
        if ts > expected:
            holes.append((expected, ts, GAP_UNRECORDED))
        expected = ts + MINUTE
    if expected < end:
        holes.append((expected, end, GAP_UNRECORDED))
    return holes


async def store_fetched(store: AsyncStore, batches: Sequence[Fetched]) -> int:
    """Write every batch in one transaction: records, then the gaps found on the way."""
    records = [r for batch in batches for r in batch.records]
    gaps = [(batch.meter, *gap) for batch in batches for gap in batch.gaps]
    written = await store.ingest(records, gaps)
    for meter, start, end, reason in gaps:
        # Logged once: the watermark moves past the minute, so it is not fetched again.
        log.log(
            logging.WARNING if reason.startswith(REASON) else logging.INFO,
            "meter %s: %d minutes %s (%s .. %s UTC)",
            meter,
            (end - start) // MINUTE,
            reason,
            time.strftime("%Y-%m-%d %H:%M", time.gmtime(start)),
            time.strftime("%Y-%m-%d %H:%M", time.gmtime(end)),
        )
    return written
