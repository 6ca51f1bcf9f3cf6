// Geometry of the price bars, in pixels, as a pure function: one bar per settlement period
// (15 or 60 minutes, so a day has 92–100 or 23–25 bars), positive prices above the axis and
// negative ones below, on one scale.
import { columns, plotArea, signedScale, type ColumnLayout, type Padding } from './scale';

export interface PriceBar {
  x: number;
  width: number;
  y: number;
  height: number;
}

export interface PriceLayout extends ColumnLayout {
  bars: PriceBar[];
}

export const PRICE_PADDING: Padding = { left: 40, right: 8, top: 18, bottom: 22 };
/** An axis spans at least this much per kWh (0.05: 5 c), so a flat day does not look wild. */
export const MIN_PRICE_RANGE = 0.05;

export function layoutPrices(
  prices: readonly number[],
  width: number,
  height: number,
  pad: Padding = PRICE_PADDING,
): PriceLayout {
  const plot = plotArea(width, height, pad);
  const finite = prices.filter(Number.isFinite);
  const up = Math.max(0, ...finite);
  const down = Math.max(0, ...finite.map((p) => -p));
  const { step, zeroY: axisY, perUnit, ticks } = signedScale(up, down, MIN_PRICE_RANGE, plot);
  // Thin periods (96 a day) touch; hourly ones keep a gap.
  const {
    slot,
    width: barWidth,
    x,
  } = columns(prices.length, plot, prices.length > 48 ? 0.9 : 0.75);
  const bars = prices.map((price, i): PriceBar => {
    const h = Number.isFinite(price) ? Math.abs(price) * perUnit : 0;
    return { x: x(i), width: barWidth, y: price >= 0 ? axisY - h : axisY, height: h };
  });
  return { plot, axisY, slot, step, bars, ticks };
}
