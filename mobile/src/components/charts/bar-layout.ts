// Geometry of the stacked energy bars, in pixels, as a pure function (the tests check it with
// real numbers). Above the axis: self-consumed solar at the bottom, grid import on top, so the
// bar is the consumption. Below the axis: grid export. One scale for both directions.
// Money bars use the same geometry: fixed fees at the bottom, energy costs on top, revenue below.
import { columns, plotArea, signedScale, type ColumnLayout, type Padding } from './scale';

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

export interface BarLayout extends ColumnLayout {
  /** Pixels per Wh, the same above and below the axis. */
  pxPerWh: number;
  bars: BarGeometry[];
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
  const { step, zeroY: axisY, perUnit: pxPerWh, ticks } = signedScale(up, down, minRange, plot);
  const { slot, width: barWidth, x } = columns(values.length, plot, BAR_FILL, MAX_BAR_WIDTH);
  const bars = values.map((v, i): BarGeometry => {
    const solarH = positive(v.selfConsumption) * pxPerWh;
    const gridH = positive(v.gridImport) * pxPerWh;
    return {
      x: x(i),
      width: barWidth,
      solar: { y: axisY - solarH, height: solarH },
      grid: { y: axisY - solarH - gridH, height: gridH },
      export: { y: axisY, height: positive(v.gridExport) * pxPerWh },
    };
  });
  return { plot, axisY, pxPerWh, slot, step, bars, ticks };
}
