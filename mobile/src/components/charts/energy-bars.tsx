// Stacked energy bars per bucket: self-consumed solar + grid import above the axis (together the
// consumption), export below. Each bar is a button: tap it for its numbers.
import { Pressable } from 'react-native';
import { G, Rect } from 'react-native-svg';
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
import type { Palette } from '@/lib/theme';
import { layoutBars, type StackValues } from './bar-layout';
import { BarChart, TimeLabels, useChartWidth } from './chart';
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
  const chart = useChartWidth(fixedWidth);
  const money = currency !== undefined;
  const layout = money
    ? layoutBars(
        buckets.map((b) => moneyStackOf(moneyOf(b))),
        chart.width,
        height,
        undefined,
        MIN_RANGE_MONEY,
      )
    : layoutBars(buckets.map(stackOf), chart.width, height);
  // Bottom to top, then below the axis. Money: fees in the muted colour under the energy's
  // cost, revenue in the export colour.
  const parts: { name: string; box: 'solar' | 'grid' | 'export'; color: string }[] = [
    { name: money ? 'fees' : 'solar', box: 'solar', color: money ? palette.muted : palette.solar },
    { name: money ? 'cost' : 'import', box: 'grid', color: palette.gridImport },
    { name: money ? 'revenue' : 'export', box: 'export', color: palette.gridExport },
  ];
  const every = labelEvery(buckets.length, layout.slot, kind === 'year' ? 26 : 22);
  const keys = buckets.map((b) => b.key);
  return (
    <BarChart
      {...chart}
      testID={testID}
      label={label}
      height={height}
      palette={palette}
      layout={layout}
      formatTick={(value) =>
        money
          ? formatMoneyTick(Math.abs(value), layout.step)
          : formatEnergyTick(Math.abs(value), unit, layout.step)
      }
      unit={money ? (currency ?? '') : unit}
      overlay={
        onSelect
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
          : null
      }
    >
      {selected !== null && layout.bars[selected] ? (
        <Rect
          x={layout.plot.left + selected * layout.slot}
          y={layout.plot.top}
          width={layout.slot}
          height={layout.plot.height}
          fill={palette.accent}
          opacity={0.12}
        />
      ) : null}
      {layout.bars.map((bar, i) => {
        const bucket = buckets[i]!;
        const share = money ? moneyOf(bucket)?.priced : bucket.coverage;
        const partial = share != null && share < 0.99;
        return (
          <G key={bucket.key} opacity={partial ? 0.6 : 1}>
            {parts.map(({ name, box, color }) => (
              <Rect
                key={name}
                testID={`bar-${i}-${name}`}
                x={bar.x}
                y={bar[box].y}
                width={bar.width}
                height={bar[box].height}
                fill={color}
              />
            ))}
          </G>
        );
      })}
      <TimeLabels
        labels={layout.bars.flatMap((bar, i) =>
          i % every === 0
            ? [
                {
                  key: buckets[i]!.key,
                  x: bar.x + bar.width / 2,
                  text: bucketLabel(kind, buckets[i]!.key),
                  strong: selected === i,
                },
              ]
            : [],
        )}
        y={height - 6}
        anchor="middle"
        palette={palette}
      />
    </BarChart>
  );
}
