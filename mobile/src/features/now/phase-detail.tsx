// Per meter: its state and the age of its reading, its power in the app's one sign convention
// (production positive; the grid as import or export), and each phase's signed W, V and A.
import { StyleSheet, Text, View } from 'react-native';
import type { MeterPower, PowerNow } from '@/api/types';
import { Card } from '@/components/ui/card';
import { formatAge, formatPower, groupThousands, type PowerUnit } from '@/lib/format';
import { usePalette } from '@/lib/theme';
import { STALE_AFTER_S } from './api';

/** Below this many W a grid meter is neither importing nor exporting (as the flow diagram). */
const IDLE_GRID_W = 0.5;

/**
 * Seconds since `meter`'s reading, as of `now` (ms). The server dates the oldest reading
 * (`age_s`); a newer one is younger by the gap between the two. The time since the sample
 * arrived is added, so the age keeps growing while the server is gone.
 */
export function meterAge(meter: MeterPower, sample: PowerNow, updatedAt: number, now: number) {
  const stamps = sample.meters.map((m) => m.ts).filter((ts): ts is number => ts != null);
  const oldest = stamps.length ? Math.min(...stamps) : null;
  const atSample =
    meter.ts != null && oldest != null
      ? Math.max(0, (sample.age_s ?? 0) - (meter.ts - oldest))
      : (sample.age_s ?? 0);
  return atSample + Math.max(0, now - updatedAt) / 1000;
}

/** The state pill: "online" only while readings are fresh; otherwise it says how old they are. */
export function stateOf(
  meter: MeterPower,
  age: number,
  receiving = true,
): { text: string; tone: 'ok' | 'warning' | 'danger' } {
  // Not receiving: the server is gone, so the last "online" it sent is history.
  const fresh = receiving && age <= STALE_AFTER_S;
  if (meter.online && !meter.stale && fresh) return { text: 'online', tone: 'ok' };
  const ageText = meter.ts == null ? 'no reading' : `${formatAge(age)} old`;
  if (meter.online || meter.stale) return { text: `stale · ${ageText}`, tone: 'warning' };
  return { text: `offline · ${ageText}`, tone: 'danger' };
}

/**
 * The meter's power as the cards and the flow diagram show it: a solar meter's production
 * (it reads production as negative, flowing out of the inverter) and a grid meter's import or
 * export, always as a magnitude with its direction in words.
 */
export function headline(meter: Pick<MeterPower, 'role' | 'total_w'>): {
  watts: number | null;
  caption: string;
} {
  const total = meter.total_w;
  if (total == null) return { watts: null, caption: '' };
  if (meter.role === 'solar') {
    return {
      watts: Math.max(0, -total),
      caption: total > 0 ? 'production (inverter idle)' : 'production',
    };
  }
  if (total < -IDLE_GRID_W) return { watts: -total, caption: 'export' };
  if (total > IDLE_GRID_W) return { watts: total, caption: 'import' };
  return { watts: Math.abs(total), caption: 'no import or export' };
}

/** What the signed phase column means for this meter, in words. */
export function signLegend(role: MeterPower['role']): string {
  return role === 'solar'
    ? 'Phase power as the meter measures it: − is production leaving the inverter, + its own draw.'
    : 'Phase power as the meter measures it: + is import from the grid, − is export to it.';
}

export function MeterCard({
  meter,
  unit,
  age,
  receiving = true,
}: {
  meter: MeterPower;
  unit: PowerUnit;
  /** Seconds since this meter's reading (see `meterAge`). */
  age: number;
  /** False while no server answers: the card then gives the age of what it shows. */
  receiving?: boolean;
}) {
  const palette = usePalette();
  const state = stateOf(meter, age, receiving);
  const main = headline(meter);
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
          testID={`meter-${meter.id}-state`}
          accessibilityLabel={`Meter ${meter.id} is ${state.text}`}
          style={[styles.state, { color: stateColor, borderColor: stateColor }]}
        >
          {state.text}
        </Text>
      }
    >
      <View
        testID={`meter-${meter.id}-total`}
        accessible
        accessibilityLabel={`${main.caption}: ${formatPower(main.watts, unit)}`}
        style={styles.totalRow}
      >
        <Text style={[styles.total, { color: palette.text }]}>{formatPower(main.watts, unit)}</Text>
        <Text style={[styles.caption, { color: palette.muted }]}>{main.caption}</Text>
      </View>
      <View accessibilityRole="list">
        <View style={[styles.row, { borderColor: palette.border }]}>
          {['Phase', 'Power ±', 'Voltage', 'Current'].map((h) => (
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
            accessibilityLabel={`Phase ${p.phase.toUpperCase()}: ${formatPower(p.w, unit)} signed, ${groupThousands(p.v, 1)} volts, ${groupThousands(p.a, 2)} amperes`}
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
        ) : (
          <Text
            testID={`meter-${meter.id}-signs`}
            style={[styles.legend, { color: palette.muted }]}
          >
            {signLegend(meter.role)}
          </Text>
        )}
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
  totalRow: { flexDirection: 'row', alignItems: 'baseline', gap: 8 },
  total: { fontSize: 22, fontWeight: '700', fontVariant: ['tabular-nums'] },
  caption: { fontSize: 13 },
  legend: { fontSize: 12, paddingTop: 6 },
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
