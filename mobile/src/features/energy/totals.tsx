// The flows of a period in figures: import, export, solar, consumption, self-sufficiency.
import { StyleSheet, Text, View } from 'react-native';
import type { Flows } from '@/api/types';
import { formatEnergy, formatPercent, type EnergyUnit } from '@/lib/format';
import { usePalette, type Palette } from '@/lib/theme';

interface Figure {
  id: string;
  label: string;
  value: string;
  color: string;
}

export function figuresOf(flows: Flows, unit: EnergyUnit, palette: Palette): Figure[] {
  return [
    {
      id: 'consumption',
      label: 'Used',
      value: formatEnergy(flows.consumption, unit),
      color: palette.home,
    },
    { id: 'solar', label: 'Solar', value: formatEnergy(flows.solar, unit), color: palette.solar },
    {
      id: 'import',
      label: 'Imported',
      value: formatEnergy(flows.grid_import, unit),
      color: palette.gridImport,
    },
    {
      id: 'export',
      label: 'Exported',
      value: formatEnergy(flows.grid_export, unit),
      color: palette.gridExport,
    },
    {
      id: 'self-sufficiency',
      label: 'Self-sufficiency',
      value: formatPercent(flows.self_sufficiency),
      color: palette.ok,
    },
    {
      id: 'self-consumption',
      label: 'Solar used at home',
      value: formatPercent(flows.self_consumption_ratio),
      color: palette.solar,
    },
  ];
}

export function Totals({
  flows,
  unit,
  testID = 'totals',
}: {
  flows: Flows;
  unit: EnergyUnit;
  testID?: string;
}) {
  const palette = usePalette();
  const partial = flows.coverage != null && flows.coverage < 0.99;
  return (
    <View testID={testID} style={styles.grid}>
      {figuresOf(flows, unit, palette).map((f) => (
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
      {partial ? (
        <Text style={[styles.note, { color: palette.warning }]}>
          Data {formatPercent(flows.coverage)} complete: some minutes are missing.
        </Text>
      ) : null}
    </View>
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
