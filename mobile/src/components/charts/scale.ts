// Axis arithmetic shared by the charts.

/** A "nice" tick step (1, 2 or 5 × 10ⁿ) that cuts `range` into about `count` parts. */
export function niceStep(range: number, count = 4): number {
  if (!(range > 0)) return 1;
  const raw = range / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

export interface Padding {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function plotArea(width: number, height: number, pad: Padding): Plot {
  return {
    left: pad.left,
    top: pad.top,
    width: Math.max(0, width - pad.left - pad.right),
    height: Math.max(0, height - pad.top - pad.bottom),
  };
}

/** Show every n-th label so labels of `labelPx` width do not overlap in `slotPx` slots. */
export function labelEvery(count: number, slotPx: number, labelPx: number): number {
  if (count <= 0 || slotPx <= 0) return 1;
  const candidates = [1, 2, 3, 4, 6, 8, 12, 24];
  return candidates.find((n) => n * slotPx >= labelPx) ?? Math.ceil(labelPx / slotPx);
}

/** One value axis with zero on it: ticks, and where a value stands. */
export interface ValueScale {
  /** Value between two ticks. */
  step: number;
  /** y of zero. */
  zeroY: number;
  /** Pixels per unit of value, the same above and below zero. */
  perUnit: number;
  ticks: { value: number; y: number }[];
}

/**
 * The value axis of a chart whose values reach `up` above zero and `down` below it (both ≥ 0),
 * spanning at least `minRange`. Both ends are whole steps; above zero at least one step.
 */
export function signedScale(up: number, down: number, minRange: number, plot: Plot): ValueScale {
  const step = niceStep(Math.max(up + down, minRange));
  // A hair over a whole number of steps is that number: 0.15 / 0.05 is 3.0000000000000004.
  const top = Math.max(step, Math.ceil(up / step - 1e-9) * step);
  const bottom = Math.ceil(down / step - 1e-9) * step;
  const perUnit = plot.height / (top + bottom);
  const zeroY = plot.top + top * perUnit;
  const ticks: ValueScale['ticks'] = [];
  // Counted, not added up step by step: the zero tick is exactly 0.
  const count = Math.round((top + bottom) / step);
  for (let k = 0; k <= count; k += 1) {
    const value = -bottom + k * step;
    ticks.push({ value, y: zeroY - value * perUnit });
  }
  return { step, zeroY, perUnit, ticks };
}

/** What every bar chart's layout has: the plot, the value axis, one slot per bar. */
export interface ColumnLayout {
  plot: Plot;
  /** y of the zero line. */
  axisY: number;
  /** Horizontal room of one bar (bar + gap). */
  slot: number;
  /** Value between two ticks. */
  step: number;
  ticks: { value: number; y: number }[];
}

/** Where the bars of `count` equal slots across the plot stand, each centred in its slot. */
export interface Columns {
  /** Horizontal room of one slot (bar + gap). */
  slot: number;
  /** The bar's width: `fill` of its slot, at least 1 px and at most `maxWidth`. */
  width: number;
  /** Left edge of the bar in slot `i`. */
  x: (i: number) => number;
}

export function columns(count: number, plot: Plot, fill: number, maxWidth = Infinity): Columns {
  const slot = count ? plot.width / count : plot.width;
  const width = Math.min(maxWidth, Math.max(1, slot * fill));
  return { slot, width, x: (i) => plot.left + i * slot + (slot - width) / 2 };
}

/**
 * The label of a period starting at `start` (local ISO with offset) on a time axis labelled
 * every `every` hours: its hour ("06") at whole hours of the site's clock, else null.
 */
export function hourLabel(start: string, every: number): string | null {
  if (start.slice(14, 16) !== '00') return null;
  const hour = Number(start.slice(11, 13));
  return hour % every === 0 ? start.slice(11, 13) : null;
}
