// The price of each settlement period of one day as bars, the current period marked and a
// chosen window (the cheapest hours) highlighted.
import { useState } from 'react';
import { StyleSheet, View } from 'react-native';
import Svg, { G, Line, Path, Rect, Text as SvgText } from 'react-native-svg';
import { formatPriceTick, priceUnit } from '@/lib/format';
import { chartFont, type Palette } from '@/lib/theme';
import { layoutPrices } from './price-layout';

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

/** Label the axis every `every` hours, at whole hours of the site's clock. */
function hourLabel(start: string, every: number): string | null {
  if (start.slice(14, 16) !== '00') return null;
  const hour = Number(start.slice(11, 13));
  return hour % every === 0 ? start.slice(11, 13) : null;
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
  const [measured, setMeasured] = useState(0);
  const width = fixedWidth ?? measured;
  const layout = layoutPrices(
    periods.map((p) => p.price),
    width,
    height,
  );
  const every = layout.plot.width >= 480 ? 3 : 6;
  const nowIndex =
    nowTs === undefined ? -1 : periods.findIndex((p) => p.start_ts <= nowTs && nowTs < p.end_ts);
  return (
    <View
      testID={testID}
      accessibilityRole="image"
      accessibilityLabel={label}
      onLayout={fixedWidth ? undefined : (e) => setMeasured(e.nativeEvent.layout.width)}
      style={{ width: '100%', height }}
    >
      {width > 0 ? (
        <View aria-hidden style={StyleSheet.absoluteFill}>
          <Svg width={width} height={height}>
            {layout.ticks.map((tick) => (
              <G key={tick.value}>
                <Line
                  x1={layout.plot.left}
                  x2={layout.plot.left + layout.plot.width}
                  y1={tick.y}
                  y2={tick.y}
                  stroke={palette.grid}
                  strokeWidth={Math.abs(tick.value) < 1e-12 ? 0 : 1}
                />
                <SvgText
                  x={layout.plot.left - 6}
                  y={tick.y + 4}
                  fontSize={10}
                  fill={palette.muted}
                  textAnchor="end"
                  fontFamily={chartFont}
                >
                  {formatPriceTick(tick.value, currency, layout.step)}
                </SvgText>
              </G>
            ))}
            <SvgText x={4} y={10} fontSize={10} fill={palette.muted} fontFamily={chartFont}>
              {priceUnit(currency)}
            </SvgText>
            {layout.bars.map((bar, i) => {
              const period = periods[i]!;
              const inWindow =
                !!highlight &&
                period.start_ts < highlight.endTs &&
                period.end_ts > highlight.startTs;
              const isNow = i === nowIndex;
              const fill = isNow ? palette.accent : inWindow ? palette.ok : palette.gridImport;
              const text = hourLabel(period.start, every);
              return (
                <G key={period.start_ts}>
                  <Rect
                    testID={isNow ? 'price-now' : inWindow ? `price-${i}-window` : `price-${i}`}
                    x={bar.x}
                    y={bar.y}
                    width={bar.width}
                    height={bar.height}
                    fill={fill}
                    opacity={isNow || inWindow ? 1 : 0.55}
                  />
                  {text !== null ? (
                    <SvgText
                      x={bar.x}
                      y={height - 6}
                      fontSize={10}
                      fill={palette.muted}
                      fontFamily={chartFont}
                    >
                      {text}
                    </SvgText>
                  ) : null}
                </G>
              );
            })}
            {nowIndex >= 0 ? (
              // A marker over the current period: it also shows when the bar itself is tiny.
              <Path
                testID="price-now-marker"
                d={markerPath(layout.bars[nowIndex]!.x + layout.bars[nowIndex]!.width / 2)}
                fill={palette.accent}
              />
            ) : null}
            <Line
              x1={layout.plot.left}
              x2={layout.plot.left + layout.plot.width}
              y1={layout.axisY}
              y2={layout.axisY}
              stroke={palette.muted}
              strokeWidth={1}
            />
          </Svg>
        </View>
      ) : null}
    </View>
  );
}

/** A small downward triangle at the top of the plot, centred on `x`. */
function markerPath(x: number): string {
  return `M ${x - 5} 4 L ${x + 5} 4 L ${x} 12 Z`;
}
