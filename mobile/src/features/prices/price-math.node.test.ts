// Table tests of the price arithmetic: no clock is read; "now" is a parameter of every case.
import type { PricePeriod, Prices } from '@/api/types';
import hourlyThenQuarters from '@/test/fixtures/prices-2025-09-30.json';
import springForward from '@/test/fixtures/prices-2025-03-29.json';
import fallBack from '@/test/fixtures/prices-2025-10-25.json';
import {
  cheapestWindow,
  gridMoneyNow,
  importPoints,
  offsetSeconds,
  periodAt,
  periodsOfDate,
  siteClock,
  windowAverage,
  type PricePoint,
} from './price-math';

const H = 3600;
const Q = 900;
const T0 = 1_760_000_400; // any hour start (2025-10-09T12:00:00+03:00); the arithmetic is in UTC

/** Back-to-back periods of `step` seconds from `start` with these prices. */
function points(prices: number[], step = H, start = T0): PricePoint[] {
  return prices.map((price, i) => ({
    startTs: start + i * step,
    endTs: start + (i + 1) * step,
    price,
  }));
}

const round = (x: number) => Math.round(x * 1e9) / 1e9;

describe('cheapestWindow @dates', () => {
  it.each([
    // name, prices, step, now (s after T0), duration (s), expected start (s after T0), average
    ['hourly, 2 h', [5, 3, 1, 2, 8, 1], H, 0, 2 * H, 2 * H, 1.5],
    ['hourly, 1 h: the last hour', [5, 3, 2, 2, 8, 1], H, 0, H, 5 * H, 1],
    ['the past does not count', [1, 9, 2], H, 30 * 60, H, 2 * H, 2],
    ['now itself, mid-period', [1, 1, 9], H, 30 * 60, H, 30 * 60, 1],
    ['15 minutes, 1 h', [4, 4, 1, 1, 1, 1, 4, 4], Q, 0, H, 2 * Q, 1],
    ['15 minutes, 45 min', [4, 2, 1, 1, 3, 0.5, 0.25, 9], Q, 0, 3 * Q, 4 * Q, 1.25],
    ['ending on a boundary, starting mid-period', [5, 1, 9], H, 0, 1.5 * H, 0.5 * H, 3.5 / 1.5],
    ['negative prices', [0.02, -0.01, -0.03, 0.01], H, 0, 2 * H, H, -0.02],
    ['ties: the earliest', [2, 1, 1, 2, 1, 1], H, 0, 2 * H, H, 1],
  ])('%s', (_name, prices, step, now, duration, start, average) => {
    const best = cheapestWindow(points(prices, step), duration, T0 + now);
    expect(best).not.toBeNull();
    expect(best!.startTs - T0).toBe(start);
    expect(best!.endTs - best!.startTs).toBe(duration);
    expect(round(best!.average)).toBe(round(average));
  });

  it('finds nothing when the window would run past the known prices', () => {
    const known = points([1, 2, 3]); // three hours from T0
    expect(cheapestWindow(known, 2 * H, T0 + 2 * H)).toBeNull();
    expect(cheapestWindow(known, 4 * H, T0)).toBeNull();
    expect(cheapestWindow(known, 2 * H, T0 + 3 * H)).toBeNull(); // all in the past
    // One hour still fits, exactly up to the last known price.
    expect(cheapestWindow(known, H, T0 + 2 * H)).toEqual({
      startTs: T0 + 2 * H,
      endTs: T0 + 3 * H,
      average: 3,
    });
    expect(cheapestWindow(known, 0, T0)).toBeNull();
  });

  it('never spans a period without a price', () => {
    // 13:00–14:00 has no price: the cheap hour before it cannot pair with the cheap hour after.
    const gap = [...points([5, 1]), ...points([1, 6], H, T0 + 3 * H)];
    expect(cheapestWindow(gap, 2 * H, T0)).toEqual({
      startTs: T0,
      endTs: T0 + 2 * H,
      average: 3,
    });
    expect(cheapestWindow(gap, 3 * H, T0)).toBeNull();
  });

  it('counts the 25-hour day of autumn in real time (both 03:00 hours)', () => {
    // 26 Oct 2025 in Helsinki: 03:00+03:00 (00:00 UTC) and 03:00+02:00 (01:00 UTC) are both cheap.
    const periods = (fallBack as Prices).periods.map((p) => ({
      ...p,
      import_price: p.start.slice(0, 13) === '2025-10-26T03' ? 0.01 : 0.2,
    }));
    expect(periodsOfDate(periods, '2025-10-26')).toHaveLength(100); // quarters of 25 hours
    const now = Date.UTC(2025, 9, 25, 21, 0) / 1000; // 00:00+03:00 on the 26th
    const best = cheapestWindow(importPoints(periods), 2 * H, now)!;
    expect(best.startTs).toBe(Date.UTC(2025, 9, 26, 0, 0) / 1000);
    expect(round(best.average)).toBe(0.01);
    expect(siteClock(best.startTs, periods)).toEqual({ date: '2025-10-26', time: '03:00' });
    // Two hours later the clock reads 04:00: the hour 03:00–04:00 came twice.
    expect(siteClock(best.endTs, periods)).toEqual({ date: '2025-10-26', time: '04:00' });
  });

  it('counts the 23-hour day of spring in real time (there is no 03:00)', () => {
    const periods = (springForward as Prices).periods.map((p) => ({
      ...p,
      import_price: ['2025-03-30T02', '2025-03-30T04'].includes(p.start.slice(0, 13)) ? -0.01 : 0.2,
    }));
    expect(periodsOfDate(periods, '2025-03-30')).toHaveLength(23);
    const now = Date.UTC(2025, 2, 29, 22, 0) / 1000; // 00:00+02:00 on the 30th
    const best = cheapestWindow(importPoints(periods), 2 * H, now)!;
    expect(best.startTs).toBe(Date.UTC(2025, 2, 30, 0, 0) / 1000); // 02:00+02:00
    expect(round(best.average)).toBe(-0.01);
    expect(siteClock(best.startTs, periods)?.time).toBe('02:00');
    expect(siteClock(best.endTs, periods)?.time).toBe('05:00'); // 04:00+03:00 + 1 h
  });

  it('is the exact minimum over every start, from hourly into 15-minute prices', () => {
    // 30 Sep 2025 is priced by the hour, 1 Oct by the quarter (the market's change that day).
    const periods = (hourlyThenQuarters as Prices).periods;
    expect(periodsOfDate(periods, '2025-09-30')).toHaveLength(24);
    expect(periodsOfDate(periods, '2025-10-01')).toHaveLength(96);
    const known = importPoints(periods);
    const last = known[known.length - 1]!.endTs;
    for (const [nowLocal, hours] of [
      ['2025-09-30T20:07:00+03:00', 3],
      ['2025-09-30T23:30:00+03:00', 1.5],
      ['2025-10-01T10:00:00+03:00', 5],
    ] as const) {
      const now = Date.parse(nowLocal) / 1000;
      const duration = hours * H;
      const best = cheapestWindow(known, duration, now)!;
      expect(best.startTs).toBeGreaterThanOrEqual(now);
      expect(best.endTs).toBeLessThanOrEqual(last);
      // Every start a minute apart from now to the last that fits: none is cheaper.
      for (let start = now; start + duration <= last; start += 60) {
        expect(windowAverage(known, start, duration)!).toBeGreaterThanOrEqual(best.average - 1e-12);
      }
      expect(windowAverage(known, best.startTs, duration)).toBeCloseTo(best.average, 12);
    }
  });
});

describe('the site clock and the current period @dates', () => {
  const periods = (fallBack as Prices).periods as PricePeriod[];

  it('reads offsets', () => {
    expect(offsetSeconds('2025-10-26T03:00:00+03:00')).toBe(10_800);
    expect(offsetSeconds('2025-10-26T03:00:00+02:00')).toBe(7200);
    expect(offsetSeconds('2025-01-01T00:00:00-05:00')).toBe(-18_000);
    expect(offsetSeconds('2025-01-01T00:00:00Z')).toBe(0);
    expect(offsetSeconds('2025-01-01')).toBeNull();
  });

  it('finds the period of an instant, in the site’s time whatever the device’s zone', () => {
    const ts = Date.UTC(2025, 9, 26, 1, 20) / 1000; // 03:20+02:00, the second 03:00 hour
    const period = periodAt(periods, ts)!;
    expect(period.start).toBe('2025-10-26T03:15:00+02:00');
    expect(period.end_ts - period.start_ts).toBe(Q);
    expect(siteClock(ts, periods)).toEqual({ date: '2025-10-26', time: '03:20' });
    // 22:30 UTC on the 25th is already the 26th in Helsinki.
    expect(siteClock(Date.UTC(2025, 9, 25, 22, 30) / 1000, periods)?.date).toBe('2025-10-26');
    expect(periodAt(periods, Date.UTC(2025, 10, 1) / 1000)).toBeUndefined();
    expect(siteClock(Date.UTC(2025, 10, 1) / 1000, periods)).toBeNull();
  });
});

describe('gridMoneyNow', () => {
  const period: PricePeriod = {
    start: '2025-10-26T18:00:00+02:00',
    end: '2025-10-26T18:15:00+02:00',
    start_ts: 1_761_494_400,
    end_ts: 1_761_495_300,
    spot: 0.1,
    import_price: 0.2,
    export_price: 0.097,
  };

  it.each([
    ['import', 2500, { kind: 'spending', perHour: 0.5 }], // 2.5 kW × 0.20 €/kWh
    ['export', -4000, { kind: 'earning', perHour: 0.388 }], // 4 kW × 0.097 €/kWh
    ['noise', 3, { kind: 'idle' }],
  ])('%s', (_name, gridW, expected) => {
    const result = gridMoneyNow(gridW, period);
    expect(result.kind).toBe(expected.kind);
    if ('perHour' in expected && 'perHour' in result) {
      expect(result.perHour).toBeCloseTo(expected.perHour, 10);
    }
  });

  it('earns less than nothing at a negative export price, and knows no price without one', () => {
    const negative = gridMoneyNow(-1000, { ...period, export_price: -0.005 });
    expect(negative).toEqual({ kind: 'earning', perHour: -0.005 });
    expect(gridMoneyNow(1000, { ...period, import_price: null })).toEqual({ kind: 'unpriced' });
    expect(gridMoneyNow(1000, undefined)).toEqual({ kind: 'unpriced' });
  });
});
