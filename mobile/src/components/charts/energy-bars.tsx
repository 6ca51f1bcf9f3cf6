// Stacked energy bars per bucket: self-consumed solar + grid import above the axis (together the
// consumption), export below. Each bar is a button: tap it for its numbers.
import { useState } from 'react';
import { Pressable, StyleSheet, View } from 'react-native';
import Svg, { G, Line, Rect, Text as SvgText } from 'react-native-svg';
import { moneyOf } from '@/lib/money';
import type { EnergyBucket, Money } from '@/api/types';
import {
  formatEnergy,
  formatEnergyTick,
  formatMoney,
  formatMoneyTick,
  formatPercent,
  type EnergyUnit,
} from '@/lib/format';
import { bucketLabel, bucketTitle, type PeriodKind } from '@/lib/periods';
import { chartFont, type Palette } from '@/lib/theme';
import { layoutBars, type StackValues } from './bar-layout';
import { labelEvery } from './scale';

export interface EnergyBarsProps {
  kind: PeriodKind;
  buckets: EnergyBucket[];
  /** The site's first record (the report's `first_ts`): earlier bars are not missing data. */
  firstTs?: number | null;
  unit: EnergyUnit;
  palette: Palette;
  /** What the chart shows, for screen readers ("Energy per hour, Fri 16 May 2025"). */
  label: string;
  height?: number;
  selected?: number | null;
  onSelect?: (index: number) => void;
  /** Money instead of energy: cost above the axis, revenue below, in this currency. */
  currency?: string | null;
  /** Fixed width (tests); otherwise the chart fills its container. */
  width?: number;
  testID?: string;
}

export function stackOf(bucket: EnergyBucket): StackValues {
  return {
    selfConsumption: bucket.self_consumption,
    gridImport: bucket.grid_import,
    gridExport: bucket.grid_export,
  };
}

/** The least span of a money axis (currency units): an empty chart reads 0 … 0.1. */
export const MIN_RANGE_MONEY = 0.1;

/**
 * Money as bars: fixed fees at the bottom and the energy's cost on top (together the cost),
 * revenue below the axis. A negative amount changes side: export at a negative price is a
 * cost, import at a negative price an income. A bucket without money draws nothing.
 */
export function moneyStackOf(money: Money | null): StackValues {
  if (!money) return { selfConsumption: 0, gridImport: 0, gridExport: 0 };
  const pos = (x: number) => Math.max(0, x);
  return {
    selfConsumption: pos(money.fixed_fees),
    gridImport: pos(money.import_cost) + pos(-money.export_revenue),
    gridExport: pos(money.export_revenue) + pos(-money.import_cost),
  };
}

/** What a money bar says to a screen reader (and the tests). */
export function describeMoneyBucket(
  kind: PeriodKind,
  bucket: EnergyBucket,
  siblingKeys: readonly string[] = [],
  firstTs?: number | null,
): string {
  const title = bucketTitle(kind, bucket.key, siblingKeys);
  const money = moneyOf(bucket);
  if (!money) return `${title}: no prices`;
  const c = money.currency;
  const parts = [
    `${title}: net cost ${formatMoney(money.net_cost, c)}`,
    `import ${formatMoney(money.import_cost, c)}`,
    `fixed fees ${formatMoney(money.fixed_fees, c)}`,
    `export revenue ${formatMoney(money.export_revenue, c)}`,
    `solar saved ${formatMoney(money.solar_savings, c)}`,
  ];
  if (firstTs != null && bucket.end_ts <= firstTs) parts.push('before this installation');
  else if (money.priced == null) parts.push('no energy');
  else if (money.priced < 0.99) parts.push(`${formatPercent(money.priced)} of the energy priced`);
  return parts.join(', ');
}

export function describeBucket(
  kind: PeriodKind,
  bucket: EnergyBucket,
  unit: EnergyUnit,
  siblingKeys: readonly string[] = [],
  firstTs?: number | null,
): string {
  const parts = [
    `${bucketTitle(kind, bucket.key, siblingKeys)}: used ${formatEnergy(bucket.consumption, unit)}`,
    `${formatEnergy(bucket.self_consumption, unit)} from solar`,
    `${formatEnergy(bucket.grid_import, unit)} from the grid`,
    `exported ${formatEnergy(bucket.grid_export, unit)}`,
    `self-sufficiency ${formatPercent(bucket.self_sufficiency)}`,
  ];
  if (firstTs != null && bucket.end_ts <= firstTs) parts.push('before this installation');
  else if (bucket.coverage == null) parts.push('no data');
  else if (bucket.coverage < 0.99) parts.push(`data ${formatPercent(bucket.coverage)} complete`);
  return parts.join(', ');
}

export function EnergyBars({
  kind,
  buckets,
  firstTs,
  unit,
  palette,
  label,
  height = 220,
  selected = null,
  onSelect,
  width: fixedWidth,
  currency,
  testID = 'energy-bars',
}: EnergyBarsProps) {
  const [measured, setMeasured] = useState(0);
  const width = fixedWidth ?? measured;
  const money = currency !== undefined;
  const layout = money
    ? layoutBars(
        buckets.map((b) => moneyStackOf(moneyOf(b))),
        width,
        height,
        undefined,
        MIN_RANGE_MONEY,
      )
    : layoutBars(buckets.map(stackOf), width, height);
  // Money: fees in the muted colour under the energy's cost; revenue in the export colour.
  const colors = money
    ? { bottom: palette.muted, top: palette.gridImport, below: palette.gridExport }
    : { bottom: palette.solar, top: palette.gridImport, below: palette.gridExport };
  const every = labelEvery(buckets.length, layout.slot, kind === 'year' ? 26 : 22);
  const keys = buckets.map((b) => b.key);
  return (
    <View
      testID={testID}
      accessibilityLabel={label}
      onLayout={fixedWidth ? undefined : (e) => setMeasured(e.nativeEvent.layout.width)}
      style={{ width: '100%', height }}
    >
      {width > 0 ? (
        // The drawing is hidden from screen readers: the bar buttons below speak for it.
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
                  strokeWidth={tick.value === 0 ? 0 : 1}
                />
                <SvgText
                  x={layout.plot.left - 6}
                  y={tick.y + 4}
                  fontSize={10}
                  fill={palette.muted}
                  textAnchor="end"
                  fontFamily={chartFont}
                >
                  {money
                    ? formatMoneyTick(Math.abs(tick.value), layout.step)
                    : formatEnergyTick(Math.abs(tick.value), unit, layout.step)}
                </SvgText>
              </G>
            ))}
            <SvgText x={4} y={10} fontSize={10} fill={palette.muted} fontFamily={chartFont}>
              {money ? (currency ?? '') : unit}
            </SvgText>
            {layout.bars.map((bar, i) => {
              const bucket = buckets[i]!;
              const share = money ? moneyOf(bucket)?.priced : bucket.coverage;
              const partial = share != null && share < 0.99;
              const isSelected = selected === i;
              return (
                <G key={bucket.key}>
                  {isSelected ? (
                    <Rect
                      x={layout.plot.left + i * layout.slot}
                      y={layout.plot.top}
                      width={layout.slot}
                      height={layout.plot.height}
                      fill={palette.accent}
                      opacity={0.12}
                    />
                  ) : null}
                  <G opacity={partial ? 0.6 : 1}>
                    <Rect
                      testID={`bar-${i}-${money ? 'fees' : 'solar'}`}
                      x={bar.x}
                      y={bar.solar.y}
                      width={bar.width}
                      height={bar.solar.height}
                      fill={colors.bottom}
                    />
                    <Rect
                      testID={`bar-${i}-${money ? 'cost' : 'import'}`}
                      x={bar.x}
                      y={bar.grid.y}
                      width={bar.width}
                      height={bar.grid.height}
                      fill={colors.top}
                    />
                    <Rect
                      testID={`bar-${i}-${money ? 'revenue' : 'export'}`}
                      x={bar.x}
                      y={bar.export.y}
                      width={bar.width}
                      height={bar.export.height}
                      fill={colors.below}
                    />
                  </G>
                  {i % every === 0 ? (
                    <SvgText
                      x={bar.x + bar.width / 2}
                      y={height - 6}
                      fontSize={10}
                      fill={isSelected ? palette.text : palette.muted}
                      fontWeight={isSelected ? '700' : '400'}
                      textAnchor="middle"
                      fontFamily={chartFont}
                    >
                      {bucketLabel(kind, bucket.key)}
                    </SvgText>
                  ) : null}
                </G>
              );
            })}
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
      {width > 0 && onSelect
        ? buckets.map((bucket, i) => (
            <Pressable
              key={bucket.key}
              testID={`bar-${i}`}
              accessibilityRole="button"
              accessibilityLabel={
                money
                  ? describeMoneyBucket(kind, bucket, keys, firstTs)
                  : describeBucket(kind, bucket, unit, keys, firstTs)
              }
              accessibilityState={{ selected: selected === i }}
              onPress={() => onSelect(i)}
              style={{
                position: 'absolute',
                left: layout.plot.left + i * layout.slot,
                top: layout.plot.top,
                width: layout.slot,
                height: layout.plot.height + 20,
              }}
            />
          ))
        : null}
    </View>
  );
}
