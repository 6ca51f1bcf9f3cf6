// Prices as pure arithmetic: which period is now, the site's clock from the periods' own offsets,
// the cheapest window to run something in, and what the home spends or earns per hour right now.
import type { PricePeriod } from '@/api/types';

/** A price over `[startTs, endTs)` (UTC epoch seconds), per kWh. */
export interface PricePoint {
  startTs: number;
  endTs: number;
  price: number;
}

export interface PriceWindow {
  startTs: number;
  endTs: number;
  /** The time-weighted mean price per kWh over the window. */
  average: number;
}

/** The full import price of each period, else (no tariff) its spot price. */
export function importPoints(periods: readonly PricePeriod[]): PricePoint[] {
  return periods.map((p) => ({
    startTs: p.start_ts,
    endTs: p.end_ts,
    price: p.import_price ?? p.spot,
  }));
}

/** The period that holds `ts`, if its price is known. */
export function periodAt<T extends { start_ts: number; end_ts: number }>(
  periods: readonly T[],
  ts: number,
): T | undefined {
  return periods.find((p) => p.start_ts <= ts && ts < p.end_ts);
}

/**
 * The site's wall clock at `ts`, read from the offsets the server wrote into the periods (the
 * zone's rules, DST included, without the engine's time zone data). Null when no period starts
 * or ends around `ts`.
 */
export function siteClock(
  ts: number,
  periods: readonly PricePeriod[],
): { date: string; time: string } | null {
  let offset: number | null = null;
  for (const p of periods) {
    if (p.start_ts <= ts && ts < p.end_ts) offset = offsetSeconds(p.start);
    else if (p.end_ts === ts) offset = offsetSeconds(p.end);
    if (offset !== null) break;
  }
  if (offset === null) return null;
  const iso = new Date((ts + offset) * 1000).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** "+03:00" at the end of a local ISO time → 10800. */
export function offsetSeconds(isoTime: string): number | null {
  if (isoTime.endsWith('Z')) return 0;
  const match = /([+-])(\d{2}):?(\d{2})$/.exec(isoTime);
  if (!match) return null;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
  return match[1] === '-' ? -seconds : seconds;
}

/** The periods of each site date (the date of the period's local start), oldest first. */
export function periodsOfDate(periods: readonly PricePeriod[], date: string): PricePeriod[] {
  return periods.filter((p) => p.start.slice(0, 10) === date);
}

/** Runs of back-to-back points: a window never spans a period whose price is unknown. */
function contiguousRuns(points: readonly PricePoint[]): PricePoint[][] {
  const sorted = [...points].sort((a, b) => a.startTs - b.startTs);
  const runs: PricePoint[][] = [];
  for (const point of sorted) {
    const run = runs[runs.length - 1];
    const last = run?.[run.length - 1];
    if (run && last && last.endTs === point.startTs) run.push(point);
    else runs.push([point]);
  }
  return runs;
}

/** ∫ price dt over the run from its start to `t` (price × seconds). */
function integralTo(run: readonly PricePoint[], prefix: readonly number[], t: number): number {
  let lo = 0;
  let hi = run.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (run[mid]!.startTs <= t) lo = mid;
    else hi = mid - 1;
  }
  const p = run[lo]!;
  return prefix[lo]! + p.price * (Math.min(t, p.endTs) - p.startTs);
}

/**
 * The cheapest contiguous window of `durationS` seconds that starts at or after `nowTs` and lies
 * within the known prices; the earliest of equally cheap ones. Null when no such window fits
 * (too few prices ahead). The mean price over a sliding window changes linearly between the
 * moments its start or its end crosses a period boundary, so the minimum lies at one of those
 * moments or at `nowTs`: checking only those is exact.
 */
export function cheapestWindow(
  points: readonly PricePoint[],
  durationS: number,
  nowTs: number,
): PriceWindow | null {
  if (!(durationS > 0)) return null;
  let best: PriceWindow | null = null;
  for (const run of contiguousRuns(points)) {
    const runStart = run[0]!.startTs;
    const runEnd = run[run.length - 1]!.endTs;
    const earliest = Math.max(nowTs, runStart);
    if (earliest + durationS > runEnd) continue;
    const prefix: number[] = [];
    let sum = 0;
    for (const p of run) {
      prefix.push(sum);
      sum += p.price * (p.endTs - p.startTs);
    }
    const candidates = new Set<number>([earliest]);
    for (const p of run) {
      for (const boundary of [p.startTs, p.endTs]) {
        candidates.add(boundary);
        candidates.add(boundary - durationS);
      }
    }
    for (const start of [...candidates].sort((a, b) => a - b)) {
      if (start < earliest || start + durationS > runEnd) continue;
      const cost = integralTo(run, prefix, start + durationS) - integralTo(run, prefix, start);
      const average = cost / durationS;
      // Ties (within rounding) go to the earlier start: candidates come in time order.
      if (!best || average < best.average - 1e-12) {
        best = { startTs: start, endTs: start + durationS, average };
      }
    }
  }
  return best;
}

/** The mean price over `[startTs, startTs + durationS)`, or null if a part has no price. */
export function windowAverage(
  points: readonly PricePoint[],
  startTs: number,
  durationS: number,
): number | null {
  for (const run of contiguousRuns(points)) {
    if (run[0]!.startTs > startTs || run[run.length - 1]!.endTs < startTs + durationS) continue;
    const prefix: number[] = [];
    let sum = 0;
    for (const p of run) {
      prefix.push(sum);
      sum += p.price * (p.endTs - p.startTs);
    }
    return (
      (integralTo(run, prefix, startTs + durationS) - integralTo(run, prefix, startTs)) / durationS
    );
  }
  return null;
}

export type GridMoneyNow =
  | { kind: 'spending'; perHour: number }
  | { kind: 'earning'; perHour: number }
  | { kind: 'idle' }
  | { kind: 'unpriced' };

/** Below this grid power the home is neither buying nor selling (meter noise). */
export const IDLE_GRID_W = 5;

/**
 * What the grid flow costs or earns per hour at this moment: import W × the full import price,
 * export W × the export price (currency per hour). Earning may be negative (export at a
 * negative price). `unpriced` when the price of the flow's direction is not known.
 */
export function gridMoneyNow(gridW: number, period: PricePeriod | undefined): GridMoneyNow {
  if (Math.abs(gridW) < IDLE_GRID_W) return { kind: 'idle' };
  if (gridW > 0) {
    const price = period?.import_price;
    return price == null
      ? { kind: 'unpriced' }
      : { kind: 'spending', perHour: (gridW / 1000) * price };
  }
  const price = period?.export_price;
  return price == null
    ? { kind: 'unpriced' }
    : { kind: 'earning', perHour: (-gridW / 1000) * price };
}
