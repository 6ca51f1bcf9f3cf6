// The money of a period in figures: net cost, its parts, what the sun saved, and how much of the
// energy had a price (never a silent zero for what had none).
import { StyleSheet, Text, View } from 'react-native';
import type { Money } from '@/api/types';
import { Segmented } from '@/components/ui/segmented';
import { Legend } from '@/components/ui/legend';
import { formatMoney, type EnergyUnit } from '@/lib/format';
import { usePalette, type Palette } from '@/lib/theme';
import type { EnergyView } from './view-preference';

interface Figure {
  id: string;
  label: string;
  value: string;
  color: string;
}

export function moneyFiguresOf(money: Money, palette: Palette): Figure[] {
  const c = money.currency;
  return [
    { id: 'net', label: 'Net cost', value: formatMoney(money.net_cost, c), color: palette.text },
    {
      id: 'import',
      label: 'Import cost',
      value: formatMoney(money.import_cost, c),
      color: palette.gridImport,
    },
    {
      id: 'export',
      label: 'Export revenue',
      value: formatMoney(money.export_revenue, c),
      color: palette.gridExport,
    },
    {
      id: 'fees',
      label: 'Fixed fees',
      value: formatMoney(money.fixed_fees, c),
      color: palette.muted,
    },
    {
      id: 'savings',
      label: 'Saved by the sun',
      value: formatMoney(money.solar_savings, c),
      color: palette.solar,
    },
  ];
}

/**
 * What `priced` means to a reader. Below 1, part of the energy had no price (a period the
 * source has not published or the fetcher missed): the amounts leave that part out, and say so.
 * The share is rounded down, so "100 %" is never shown for energy that was not all priced.
 */
export function pricedNote(money: Pick<Money, 'priced'>): string | null {
  const priced = money.priced;
  if (priced == null || priced >= 1) return null;
  if (priced <= 0) return 'No prices known for this energy: these amounts are not its cost.';
  const percent = Math.floor(priced * 100);
  return `Prices known for ${percent < 1 ? 'under 1' : percent} % of the energy: the amounts leave out the rest.`;
}

export function MoneyTotals({ money, testID = 'money' }: { money: Money; testID?: string }) {
  const palette = usePalette();
  const note = pricedNote(money);
  return (
    <View testID={testID} style={styles.grid}>
      {moneyFiguresOf(money, palette).map((f) => (
        <View
          key={f.id}
          testID={`${testID}-${f.id}`}
          accessible
          accessibilityLabel={`${f.label}: ${f.value}`}
          style={[styles.cell, { borderColor: palette.border }]}
        >
          <View style={styles.labelRow}>
            <View style={[styles.dot, { backgroundColor: f.color }]} />
            <Text style={[styles.label, { color: palette.muted }]}>{f.label}</Text>
          </View>
          <Text style={[styles.value, { color: palette.text }]}>{f.value}</Text>
        </View>
      ))}
      {note ? (
        <Text testID={`${testID}-priced`} style={[styles.note, { color: palette.warning }]}>
          {note}
        </Text>
      ) : null}
    </View>
  );
}

/** The kWh ↔ money switch of Day and History (shown only when the server prices energy). */
export function EnergyViewSwitch({
  view,
  onChange,
  unit,
  currency,
}: {
  view: EnergyView;
  onChange: (view: EnergyView) => void;
  unit: EnergyUnit;
  currency: string;
}) {
  return (
    <Segmented
      testID="energy-view"
      accessibilityLabel="Show energy or money"
      options={[
        { value: 'energy', label: unit, accessibilityLabel: `Show energy in ${unit}` },
        { value: 'money', label: currency, accessibilityLabel: `Show money in ${currency}` },
      ]}
      value={view}
      onChange={onChange}
    />
  );
}

/** The legend of the money bars. */
export function MoneyLegend() {
  const palette = usePalette();
  return (
    <Legend
      items={[
        { color: palette.muted, label: 'Fixed fees' },
        { color: palette.gridImport, label: 'Energy cost' },
        { color: palette.gridExport, label: 'Export revenue (below)' },
      ]}
    />
  );
}

const styles = StyleSheet.create({
  grid: { flexDirection: 'row', flexWrap: 'wrap', gap: 8 },
  cell: {
    flexGrow: 1,
    flexBasis: 140,
    borderWidth: StyleSheet.hairlineWidth,
    borderRadius: 10,
    paddingVertical: 8,
    paddingHorizontal: 10,
    gap: 2,
  },
  labelRow: { flexDirection: 'row', alignItems: 'center', gap: 6 },
  dot: { width: 8, height: 8, borderRadius: 4 },
  label: { fontSize: 12 },
  value: { fontSize: 18, fontWeight: '700', fontVariant: ['tabular-nums'] },
  note: { width: '100%', fontSize: 12 },
});
