// Per meter: its state, total W and each phase's W, V and A.
import { StyleSheet, Text, View } from 'react-native';
import type { MeterPower } from '@/api/types';
import { Card } from '@/components/ui/card';
import { formatPower, groupThousands, type PowerUnit } from '@/lib/format';
import { usePalette } from '@/lib/theme';

function stateOf(meter: MeterPower): { text: string; tone: 'ok' | 'warning' | 'danger' } {
  if (meter.online && !meter.stale) return { text: 'online', tone: 'ok' };
  if (meter.stale) return { text: 'stale', tone: 'warning' };
  return { text: 'offline', tone: 'danger' };
}

export function MeterCard({ meter, unit }: { meter: MeterPower; unit: PowerUnit }) {
  const palette = usePalette();
  const state = stateOf(meter);
  const stateColor =
    state.tone === 'ok' ? palette.ok : state.tone === 'warning' ? palette.warning : palette.danger;
  const roleColor = meter.role === 'solar' ? palette.solar : palette.gridImport;
  return (
    <Card
      testID={`meter-${meter.id}`}
      style={styles.card}
      title={`${meter.id === meter.role ? '' : `${meter.id} · `}${meter.role === 'solar' ? 'Solar' : 'Grid'} meter`}
      right={
        <Text
          accessibilityLabel={`Meter ${meter.id} is ${state.text}`}
          style={[styles.state, { color: stateColor, borderColor: stateColor }]}
        >
          {state.text}
        </Text>
      }
    >
      <Text
        style={[styles.total, { color: palette.text }]}
        accessibilityLabel={`Total ${formatPower(meter.total_w, unit)}`}
      >
        {formatPower(meter.total_w, unit)}
      </Text>
      <View accessibilityRole="list">
        <View style={[styles.row, { borderColor: palette.border }]}>
          {['Phase', 'Power', 'Voltage', 'Current'].map((h) => (
            <Text key={h} style={[styles.cell, styles.head, { color: palette.muted }]}>
              {h}
            </Text>
          ))}
        </View>
        {meter.phases.map((p) => (
          <View
            key={p.phase}
            testID={`meter-${meter.id}-phase-${p.phase}`}
            accessible
            accessibilityLabel={`Phase ${p.phase.toUpperCase()}: ${formatPower(p.w, unit)}, ${groupThousands(p.v, 1)} volts, ${groupThousands(p.a, 2)} amperes`}
            style={[styles.row, { borderColor: palette.border }]}
          >
            <View style={[styles.cell, styles.phaseCell]}>
              <View style={[styles.dot, { backgroundColor: roleColor }]} />
              <Text style={{ color: palette.text, fontWeight: '600' }}>
                {p.phase.toUpperCase()}
              </Text>
            </View>
            <Text style={[styles.cell, styles.num, { color: palette.text }]}>
              {formatPower(p.w, unit)}
            </Text>
            <Text style={[styles.cell, styles.num, { color: palette.text }]}>
              {groupThousands(p.v, 1)} V
            </Text>
            <Text style={[styles.cell, styles.num, { color: palette.text }]}>
              {groupThousands(p.a, 2)} A
            </Text>
          </View>
        ))}
        {meter.phases.length === 0 ? (
          <Text style={{ color: palette.muted }}>No reading from this meter yet.</Text>
        ) : null}
      </View>
    </Card>
  );
}

const styles = StyleSheet.create({
  card: { flexGrow: 1, flexBasis: 300 },
  state: {
    fontSize: 12,
    fontWeight: '700',
    borderWidth: 1,
    borderRadius: 999,
    paddingHorizontal: 8,
    paddingVertical: 2,
    overflow: 'hidden',
  },
  total: { fontSize: 22, fontWeight: '700', fontVariant: ['tabular-nums'] },
  row: {
    flexDirection: 'row',
    borderBottomWidth: StyleSheet.hairlineWidth,
    paddingVertical: 6,
    alignItems: 'center',
  },
  cell: { flex: 1, fontSize: 14 },
  head: { fontSize: 12 },
  num: { textAlign: 'left', fontVariant: ['tabular-nums'] },
  phaseCell: { flexDirection: 'row', alignItems: 'center', gap: 6 },
  dot: { width: 8, height: 8, borderRadius: 4 },
});
