// What every chart draws the same way: its frame (fixed or measured width), the value axis at
// the left with its unit, the time labels under the plot, and the bar charts' zero line.
import { useState, type ReactNode } from 'react';
import { StyleSheet, View, type LayoutChangeEvent } from 'react-native';
import Svg, { G, Line, Text as SvgText } from 'react-native-svg';
import { chartFont, type Palette } from '@/lib/theme';
import type { ColumnLayout, Plot } from './scale';

export interface ChartWidth {
  width: number;
  /** Measures the container; absent when the width is fixed. */
  onLayout?: (e: LayoutChangeEvent) => void;
}

/** The chart's width: `fixed` (tests), else its container's, 0 until measured. */
export function useChartWidth(fixed?: number): ChartWidth {
  const [measured, setMeasured] = useState(0);
  return fixed
    ? { width: fixed }
    : { width: measured, onLayout: (e) => setMeasured(e.nativeEvent.layout.width) };
}

export interface ValueAxisProps {
  plot: Plot;
  ticks: readonly { value: number; y: number }[];
  format: (value: number) => string;
  /** The unit, in the top left corner. */
  unit: string;
  palette: Palette;
  /**
   * The grid line at zero: `hidden` where the chart draws its own over the bars (BarChart),
   * `muted` to set it apart from the others.
   */
  zero: 'hidden' | 'muted';
}

/** Grid lines across the plot at each tick, their values at the left, the unit above them. */
export function ValueAxis({ plot, ticks, format, unit, palette, zero }: ValueAxisProps) {
  return (
    <>
      {ticks.map((tick) => {
        const isZero = Math.abs(tick.value) < 1e-12;
        return (
          <G key={tick.value}>
            <Line
              x1={plot.left}
              x2={plot.left + plot.width}
              y1={tick.y}
              y2={tick.y}
              stroke={isZero && zero === 'muted' ? palette.muted : palette.grid}
              strokeWidth={isZero && zero === 'hidden' ? 0 : 1}
            />
            <SvgText
              x={plot.left - 6}
              y={tick.y + 4}
              fontSize={10}
              fill={palette.muted}
              textAnchor="end"
              fontFamily={chartFont}
            >
              {format(tick.value)}
            </SvgText>
          </G>
        );
      })}
      <SvgText x={4} y={10} fontSize={10} fill={palette.muted} fontFamily={chartFont}>
        {unit}
      </SvgText>
    </>
  );
}

export interface TimeLabel {
  key: string | number;
  x: number;
  text: string;
  /** The selected bucket's label, in bold. */
  strong?: boolean;
}

/** The labels of the time axis, under the plot at `y`. */
export function TimeLabels({
  labels,
  y,
  anchor,
  palette,
}: {
  labels: readonly TimeLabel[];
  y: number;
  /** `start`: the label begins where its period does; `middle`: centred on `x`. */
  anchor: 'start' | 'middle';
  palette: Palette;
}) {
  return labels.map((label) => (
    <SvgText
      key={label.key}
      x={label.x}
      y={y}
      fontSize={10}
      fill={label.strong ? palette.text : palette.muted}
      fontWeight={label.strong ? '700' : undefined}
      textAnchor={anchor === 'start' ? undefined : anchor}
      fontFamily={chartFont}
    >
      {label.text}
    </SvgText>
  ));
}

export interface BarChartProps extends ChartWidth {
  testID: string;
  /** What the chart shows, for screen readers. */
  label: string;
  /** `image` when the chart speaks as one; without, its `overlay` buttons speak for it. */
  accessibilityRole?: 'image';
  height: number;
  palette: Palette;
  /** The layout's plot, value ticks and zero line. */
  layout: Pick<ColumnLayout, 'plot' | 'ticks' | 'axisY'>;
  formatTick: (value: number) => string;
  unit: string;
  /** The series, drawn over the grid and under the zero line. */
  children: ReactNode;
  /** Laid over the drawing (tap targets). */
  overlay?: ReactNode;
}

/**
 * A bar chart's frame: the value axis, the series the caller draws (`children`), the zero line
 * over them. The drawing is hidden from screen readers: the label (or the overlay) speaks.
 */
export function BarChart({
  testID,
  label,
  accessibilityRole,
  width,
  onLayout,
  height,
  palette,
  layout,
  formatTick,
  unit,
  children,
  overlay,
}: BarChartProps) {
  const { plot } = layout;
  return (
    <View
      testID={testID}
      accessibilityRole={accessibilityRole}
      accessibilityLabel={label}
      onLayout={onLayout}
      style={{ width: '100%', height }}
    >
      {width > 0 ? (
        <View aria-hidden style={StyleSheet.absoluteFill}>
          <Svg width={width} height={height}>
            <ValueAxis
              plot={plot}
              ticks={layout.ticks}
              format={formatTick}
              unit={unit}
              palette={palette}
              zero="hidden"
            />
            {children}
            <Line
              x1={plot.left}
              x2={plot.left + plot.width}
              y1={layout.axisY}
              y2={layout.axisY}
              stroke={palette.muted}
              strokeWidth={1}
            />
          </Svg>
        </View>
      ) : null}
      {width > 0 ? overlay : null}
    </View>
  );
}
