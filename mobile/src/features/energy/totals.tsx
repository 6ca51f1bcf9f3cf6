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

/** When a period ends, and when the site's first record was (the report's `first_ts`). */
export interface Installed {
  endTs: number;
  firstTs: number | null | undefined;
}

/**
 * What the coverage of a period means to a reader. The server counts coverage from the site's
 * first record, so a period that ended before it has none: it is before this installation,
 * which is not missing data. Only minutes missing after it make a period incomplete.
 */
export function coverageNote(
  flows: Pick<Flows, 'coverage'>,
  installed?: Installed,
): { tone: 'info' | 'warning'; text: string } | null {
  const first = installed?.firstTs;
  if (installed && first != null && installed.endTs <= first) {
    return { tone: 'info', text: 'Before this installation: nothing was recorded yet.' };
  }
  if (flows.coverage != null && flows.coverage < 0.99) {
    return {
      tone: 'warning',
      text: `Data ${formatPercent(flows.coverage)} complete: some minutes are missing.`,
    };
  }
  return null;
}

export function Totals({
  flows,
  unit,
  installed,
  testID = 'totals',
}: {
  flows: Flows;
  unit: EnergyUnit;
  installed?: Installed;
  testID?: string;
}) {
  const palette = usePalette();
  const note = coverageNote(flows, installed);
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
      {note ? (
        <Text
          testID={`${testID}-coverage`}
          style={[
            styles.note,
            { color: note.tone === 'warning' ? palette.warning : palette.muted },
          ]}
        >
          {note.text}
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
