// The day's power curve: solar as a filled area, home use and grid (export below zero) as lines.
import { useState } from 'react';
import { View } from 'react-native';
import Svg, { G, Line, Path, Text as SvgText } from 'react-native-svg';
import type { PowerBucket } from '@/api/types';
import { formatPower, formatPowerTick, type PowerUnit } from '@/lib/format';
import { chartFont, type Palette } from '@/lib/theme';
import { layoutCurve } from './curve-layout';

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
  const [measured, setMeasured] = useState(0);
  const width = fixedWidth ?? measured;
  const layout = layoutCurve(buckets, span, width, height, now);
  return (
    <View
      testID="power-curve"
      accessible
      accessibilityRole="image"
      accessibilityLabel={`${label}. ${describeCurve(buckets, unit)}`}
      onLayout={fixedWidth ? undefined : (e) => setMeasured(e.nativeEvent.layout.width)}
      style={{ width: '100%', height }}
    >
      {width > 0 ? (
        <Svg width={width} height={height}>
          {layout.ticks.map((tick) => (
            <G key={tick.value}>
              <Line
                x1={layout.plot.left}
                x2={layout.plot.left + layout.plot.width}
                y1={tick.y}
                y2={tick.y}
                stroke={tick.value === 0 ? palette.muted : palette.grid}
                strokeWidth={1}
              />
              <SvgText
                x={layout.plot.left - 6}
                y={tick.y + 4}
                fontSize={10}
                fill={palette.muted}
                textAnchor="end"
                fontFamily={chartFont}
              >
                {formatPowerTick(tick.value, unit, layout.step)}
              </SvgText>
            </G>
          ))}
          <SvgText x={4} y={10} fontSize={10} fill={palette.muted} fontFamily={chartFont}>
            {unit}
          </SvgText>
          {layout.hours.map((h) => (
            <SvgText
              key={h.x}
              x={h.x}
              y={height - 5}
              fontSize={10}
              fill={palette.muted}
              textAnchor="middle"
              fontFamily={chartFont}
            >
              {h.label}
            </SvgText>
          ))}
          <Path
            testID="curve-solar-area"
            d={layout.solarArea}
            fill={palette.solar}
            fillOpacity={0.3}
          />
          <Path
            testID="curve-solar"
            d={layout.paths.solar}
            stroke={palette.solar}
            strokeWidth={1.5}
            fill="none"
          />
          <Path
            testID="curve-grid"
            d={layout.paths.grid}
            stroke={palette.gridImport}
            strokeWidth={1.5}
            fill="none"
          />
          <Path
            testID="curve-home"
            d={layout.paths.home}
            stroke={palette.home}
            strokeWidth={2}
            fill="none"
          />
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
