// Geometry of the day's power curve: x follows epoch time (a 23- or 25-hour day is simply
// shorter or longer), y is W with import above zero and export below.
import type { PowerBucket } from '@/api/types';
import { hourLabel, plotArea, signedScale, type Padding, type Plot } from './scale';

export type Series = 'home' | 'solar' | 'grid';

export interface CurveLayout {
  plot: Plot;
  zeroY: number;
  /** W between two ticks. */
  step: number;
  ticks: { value: number; y: number }[];
  /** Line paths (gaps where there is no data). */
  paths: Record<Series, string>;
  /** The solar line closed down to zero, for a filled area. */
  solarArea: string;
  /** Labels at local 00, 06, 12, 18 h. */
  hours: { x: number; label: string }[];
  /** Pixel x of "now" when the day is running. */
  nowX: number | null;
}

export const CURVE_PADDING: Padding = { left: 44, right: 8, top: 18, bottom: 20 };

const FIELDS: Record<Series, keyof PowerBucket> = {
  home: 'home_avg_w',
  solar: 'solar_avg_w',
  grid: 'grid_avg_w',
};

function valueOf(bucket: PowerBucket, series: Series): number | null {
  const value = bucket[FIELDS[series]];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function layoutCurve(
  buckets: PowerBucket[],
  span: { startTs: number; endTs: number },
  width: number,
  height: number,
  now?: number,
  pad: Padding = CURVE_PADDING,
): CurveLayout {
  const plot = plotArea(width, height, pad);
  const all = buckets.flatMap((b) =>
    (['home', 'solar', 'grid'] as Series[]).map((s) => valueOf(b, s) ?? 0),
  );
  const high = Math.max(0, ...all);
  const low = Math.min(0, ...all);
  // A day without power still gets an axis, in steps of 250 W.
  const {
    step,
    zeroY,
    perUnit: pxPerW,
    ticks,
  } = signedScale(high, -low, high - low > 0 ? 0 : 1000, plot);
  const duration = Math.max(1, span.endTs - span.startTs);
  const xOf = (ts: number) => plot.left + ((ts - span.startTs) / duration) * plot.width;
  const yOf = (w: number) => zeroY - w * pxPerW;

  const points = (series: Series) =>
    buckets.map((b) => {
      const v = valueOf(b, series);
      const present = v !== null && (b.coverage ?? 0) > 0;
      return present ? { x: xOf((b.start_ts + b.end_ts) / 2), y: yOf(v) } : null;
    });
  const line = (series: Series) => {
    let d = '';
    let pen = false;
    for (const p of points(series)) {
      if (!p) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'} ${p.x.toFixed(1)} ${p.y.toFixed(1)} `;
      pen = true;
    }
    return d.trim();
  };
  let solarArea = '';
  let run: { x: number; y: number }[] = [];
  const flush = () => {
    if (run.length > 1) {
      const first = run[0]!;
      const last = run[run.length - 1]!;
      solarArea += `M ${first.x.toFixed(1)} ${zeroY.toFixed(1)} `;
      solarArea += run.map((p) => `L ${p.x.toFixed(1)} ${p.y.toFixed(1)} `).join('');
      solarArea += `L ${last.x.toFixed(1)} ${zeroY.toFixed(1)} Z `;
    }
    run = [];
  };
  for (const p of points('solar')) {
    if (p) run.push(p);
    else flush();
  }
  flush();

  const hours = buckets.flatMap((b) => {
    const label = hourLabel(b.start, 6);
    return label === null ? [] : [{ x: xOf(b.start_ts), label }];
  });
  const nowX = now !== undefined && now > span.startTs && now < span.endTs ? xOf(now) : null;
  return {
    plot,
    zeroY,
    step,
    ticks,
    paths: { home: line('home'), solar: line('solar'), grid: line('grid') },
    solarArea: solarArea.trim(),
    hours,
    nowX,
  };
}
