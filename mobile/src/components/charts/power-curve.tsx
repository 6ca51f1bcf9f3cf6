// The day's power curve: solar as a filled area, home use and grid (export below zero) as lines.
import { View } from 'react-native';
import Svg, { Line, Path } from 'react-native-svg';
import type { PowerBucket } from '@/api/types';
import { formatPower, formatPowerTick, type PowerUnit } from '@/lib/format';
import type { Palette } from '@/lib/theme';
import { TimeLabels, useChartWidth, ValueAxis } from './chart';
import { layoutCurve, type Series } from './curve-layout';

/** The lines over the solar area, in drawing order: home use on top. */
const LINES: { series: Series; color: 'solar' | 'gridImport' | 'home'; width: number }[] = [
  { series: 'solar', color: 'solar', width: 1.5 },
  { series: 'grid', color: 'gridImport', width: 1.5 },
  { series: 'home', color: 'home', width: 2 },
];

export interface PowerCurveProps {
  buckets: PowerBucket[];
  span: { startTs: number; endTs: number };
  unit: PowerUnit;
  palette: Palette;
  label: string;
  height?: number;
  width?: number;
  now?: number;
}

/** "Peak solar 4.2 kW at 13:05, peak use 6.1 kW at 18:40" for screen readers. */
export function describeCurve(buckets: PowerBucket[], unit: PowerUnit): string {
  const peak = (field: 'solar_max_w' | 'home_max_w') => {
    let best: PowerBucket | null = null;
    for (const b of buckets) {
      if ((b[field] ?? -Infinity) > (best?.[field] ?? -Infinity)) best = b;
    }
    return best && best[field] != null
      ? `${formatPower(best[field], unit)} at ${best.start.slice(11, 16)}`
      : 'none';
  };
  if (!buckets.some((b) => (b.coverage ?? 0) > 0)) return 'No power data for this day.';
  return `Peak solar ${peak('solar_max_w')}; peak home use ${peak('home_max_w')}.`;
}

export function PowerCurve({
  buckets,
  span,
  unit,
  palette,
  label,
  height = 200,
  width: fixedWidth,
  now,
}: PowerCurveProps) {
  const { width, onLayout } = useChartWidth(fixedWidth);
  const layout = layoutCurve(buckets, span, width, height, now);
  return (
    <View
      testID="power-curve"
      accessible
      accessibilityRole="image"
      accessibilityLabel={`${label}. ${describeCurve(buckets, unit)}`}
      onLayout={onLayout}
      style={{ width: '100%', height }}
    >
      {width > 0 ? (
        <Svg width={width} height={height}>
          <ValueAxis
            plot={layout.plot}
            ticks={layout.ticks}
            format={(value) => formatPowerTick(value, unit, layout.step)}
            unit={unit}
            palette={palette}
            zero="muted"
          />
          <TimeLabels
            labels={layout.hours.map((h) => ({ key: h.x, x: h.x, text: h.label }))}
            y={height - 5}
            anchor="middle"
            palette={palette}
          />
          <Path
            testID="curve-solar-area"
            d={layout.solarArea}
            fill={palette.solar}
            fillOpacity={0.3}
          />
          {LINES.map(({ series, color, width: strokeWidth }) => (
            <Path
              key={series}
              testID={`curve-${series}`}
              d={layout.paths[series]}
              stroke={palette[color]}
              strokeWidth={strokeWidth}
              fill="none"
            />
          ))}
          {layout.nowX !== null ? (
            <Line
              x1={layout.nowX}
              x2={layout.nowX}
              y1={layout.plot.top}
              y2={layout.plot.top + layout.plot.height}
              stroke={palette.muted}
              strokeDasharray="3 3"
            />
          ) : null}
        </Svg>
      ) : null}
    </View>
  );
}
