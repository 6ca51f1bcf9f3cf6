// How fresh the live numbers are: "Live · 0.6 s ago", or a loud stale marker with the age.
import { StyleSheet, Text, View } from 'react-native';
import { formatAge } from '@/lib/format';
import { usePalette } from '@/lib/theme';
import type { LiveMode } from './api';

export function LiveStatus({ age, stale, mode }: { age: number; stale: boolean; mode: LiveMode }) {
  const palette = usePalette();
  const updating = mode === 'stream' || mode === 'polling';
  const how = mode === 'stream' ? 'streaming' : 'polling';
  if (stale) {
    return (
      <View
        testID="stale-marker"
        accessibilityRole="alert"
        accessibilityLabel={`Stale data: the newest reading is ${formatAge(age)} old`}
        style={[styles.chip, { backgroundColor: palette.warning }]}
      >
        <Text style={[styles.chipText, { color: palette.card }]}>STALE · {formatAge(age)} old</Text>
      </View>
    );
  }
  if (!updating) {
    return (
      <View
        testID="live-status"
        accessible
        accessibilityLabel={`Last reading, ${formatAge(age)} old, not updating`}
        style={styles.row}
      >
        <View style={[styles.dot, { backgroundColor: palette.muted }]} />
        <Text style={[styles.text, { color: palette.muted }]}>
          Last reading · {formatAge(age)} ago
        </Text>
      </View>
    );
  }
  return (
    <View
      testID="live-status"
      accessible
      accessibilityLabel={`Live data, ${formatAge(age)} old, ${how}`}
      style={styles.row}
    >
      <View style={[styles.dot, { backgroundColor: palette.ok }]} />
      <Text style={[styles.text, { color: palette.muted }]}>
        Live · {formatAge(age)} ago · {how}
      </Text>
    </View>
  );
}

const styles = StyleSheet.create({
  row: { flexDirection: 'row', alignItems: 'center', gap: 6 },
  dot: { width: 8, height: 8, borderRadius: 4 },
  text: { fontSize: 13, fontVariant: ['tabular-nums'] },
  chip: { borderRadius: 999, paddingHorizontal: 10, paddingVertical: 3 },
  chipText: { fontSize: 13, fontWeight: '800', fontVariant: ['tabular-nums'] },
});
