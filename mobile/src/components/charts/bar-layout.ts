// Geometry of the stacked energy bars, in pixels, as a pure function (the tests check it with
// real numbers). Above the axis: self-consumed solar at the bottom, grid import on top, so the
// bar is the consumption. Below the axis: grid export. One scale for both directions.
// Money bars use the same geometry: fixed fees at the bottom, energy costs on top, revenue below.
import { niceStep, plotArea, type Padding, type Plot } from './scale';

export interface StackValues {
  /** Solar used in the house (Wh). */
  selfConsumption: number;
  /** Bought from the grid (Wh). */
  gridImport: number;
  /** Sold to the grid (Wh). */
  gridExport: number;
}

export interface Box {
  y: number;
  height: number;
}

export interface BarGeometry {
  x: number;
  width: number;
  solar: Box;
  grid: Box;
  export: Box;
}

export interface BarLayout {
  plot: Plot;
  /** y of the zero line. */
  axisY: number;
  /** Pixels per Wh, the same above and below the axis. */
  pxPerWh: number;
  /** Horizontal room of one bucket (bar + gap). */
  slot: number;
  /** Wh between two ticks. */
  step: number;
  bars: BarGeometry[];
  ticks: { value: number; y: number }[];
}

export const BAR_PADDING: Padding = { left: 44, right: 8, top: 18, bottom: 22 };
/** An empty chart still spans this much (Wh), so its axis reads 0 … 100 Wh, not 0 … 0. */
export const MIN_RANGE_WH = 100;
/** The bar's share of its slot; the rest is the gap between bars. */
export const BAR_FILL = 0.72;
/** A lone bar (all years, one year of data) stays a bar, not a wall. */
export const MAX_BAR_WIDTH = 56;

const positive = (value: number) => (Number.isFinite(value) && value > 0 ? value : 0);

export function layoutBars(
  values: StackValues[],
  width: number,
  height: number,
  pad: Padding = BAR_PADDING,
  /** The least span of the axis, in the values' unit (Wh; money bars pass their own). */
  minRange: number = MIN_RANGE_WH,
): BarLayout {
  const plot = plotArea(width, height, pad);
  const up = Math.max(
    0,
    ...values.map((v) => positive(v.selfConsumption) + positive(v.gridImport)),
  );
  const down = Math.max(0, ...values.map((v) => positive(v.gridExport)));
  const step = niceStep(Math.max(up + down, minRange));
  const top = Math.max(step, Math.ceil(up / step) * step);
  const bottom = Math.ceil(down / step) * step;
  const pxPerWh = plot.height / (top + bottom);
  const axisY = plot.top + top * pxPerWh;

  const slot = values.length ? plot.width / values.length : plot.width;
  const barWidth = Math.min(MAX_BAR_WIDTH, Math.max(1, slot * BAR_FILL));
  const bars = values.map((v, i): BarGeometry => {
    const solarH = positive(v.selfConsumption) * pxPerWh;
    const gridH = positive(v.gridImport) * pxPerWh;
    return {
      x: plot.left + i * slot + (slot - barWidth) / 2,
      width: barWidth,
      solar: { y: axisY - solarH, height: solarH },
      grid: { y: axisY - solarH - gridH, height: gridH },
      export: { y: axisY, height: positive(v.gridExport) * pxPerWh },
    };
  });

  const ticks: BarLayout['ticks'] = [];
  for (let value = -bottom; value <= top + step / 2; value += step) {
    ticks.push({ value, y: axisY - value * pxPerWh });
  }
  return { plot, axisY, pxPerWh, slot, step, bars, ticks };
}
