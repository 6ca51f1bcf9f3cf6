// The price of each settlement period of one day as bars, the current period marked and a
// chosen window (the cheapest hours) highlighted.
import { Path, Rect } from 'react-native-svg';
import { formatPriceTick, priceUnit } from '@/lib/format';
import type { Palette } from '@/lib/theme';
import { BarChart, TimeLabels, useChartWidth } from './chart';
import { layoutPrices } from './price-layout';
import { hourLabel } from './scale';

export interface PriceBarPeriod {
  /** Local ISO start with offset: its hour labels the axis. */
  start: string;
  start_ts: number;
  end_ts: number;
  price: number;
}

export interface PriceBarsProps {
  periods: readonly PriceBarPeriod[];
  currency: string | null;
  palette: Palette;
  /** What the chart shows, for screen readers. */
  label: string;
  /** Now (epoch s): the period holding it is marked. */
  nowTs?: number;
  /** A window [start, end) (epoch s) whose periods are highlighted. */
  highlight?: { startTs: number; endTs: number } | null;
  height?: number;
  width?: number;
  testID?: string;
}

export function PriceBars({
  periods,
  currency,
  palette,
  label,
  nowTs,
  highlight,
  height = 200,
  width: fixedWidth,
  testID = 'price-bars',
}: PriceBarsProps) {
  const chart = useChartWidth(fixedWidth);
  const layout = layoutPrices(
    periods.map((p) => p.price),
    chart.width,
    height,
  );
  const every = layout.plot.width >= 480 ? 3 : 6;
  const nowIndex =
    nowTs === undefined ? -1 : periods.findIndex((p) => p.start_ts <= nowTs && nowTs < p.end_ts);
  const nowBar = layout.bars[nowIndex];
  return (
    <BarChart
      {...chart}
      testID={testID}
      accessibilityRole="image"
      label={label}
      height={height}
      palette={palette}
      layout={layout}
      formatTick={(value) => formatPriceTick(value, currency, layout.step)}
      unit={priceUnit(currency)}
    >
      {layout.bars.map((bar, i) => {
        const period = periods[i]!;
        const inWindow =
          !!highlight && period.start_ts < highlight.endTs && period.end_ts > highlight.startTs;
        const isNow = i === nowIndex;
        const fill = isNow ? palette.accent : inWindow ? palette.ok : palette.gridImport;
        return (
          <Rect
            key={period.start_ts}
            testID={isNow ? 'price-now' : inWindow ? `price-${i}-window` : `price-${i}`}
            x={bar.x}
            y={bar.y}
            width={bar.width}
            height={bar.height}
            fill={fill}
            opacity={isNow || inWindow ? 1 : 0.55}
          />
        );
      })}
      <TimeLabels
        labels={layout.bars.flatMap((bar, i) => {
          const text = hourLabel(periods[i]!.start, every);
          return text === null ? [] : [{ key: periods[i]!.start_ts, x: bar.x, text }];
        })}
        y={height - 6}
        anchor="start"
        palette={palette}
      />
      {nowBar ? (
        // A marker over the current period: it also shows when the bar itself is tiny.
        <Path
          testID="price-now-marker"
          d={markerPath(nowBar.x + nowBar.width / 2)}
          fill={palette.accent}
        />
      ) : null}
    </BarChart>
  );
}

/** A small downward triangle at the top of the plot, centred on `x`. */
function markerPath(x: number): string {
  return `M ${x - 5} 4 L ${x + 5} 4 L ${x} 12 Z`;
}
