// The age of energy figures shown from the cache while no server answers (the Day screen's
// totals, saved on this device): a number without its age would pass for today's.
import { StyleSheet, Text } from 'react-native';
import type { ConnectionStatus } from '@/features/connection/connection-provider';
import { formatAge } from '@/lib/format';
import { usePalette } from '@/lib/theme';

/** Whether figures on screen may be old: no server answers now, or their refresh failed. */
export function fromCache(status: ConnectionStatus, refreshFailed: boolean): boolean {
  return refreshFailed || (status !== 'ok' && status !== 'needs-token');
}

/** "Saved data, 2 h 5 min old: …"; `updatedAt` and `now` in ms. */
export function dataAgeText(updatedAt: number, now: number): string {
  const age = formatAge(Math.max(0, now - updatedAt) / 1000);
  return `Saved data, ${age} old: it updates when the server answers again.`;
}

export function DataAge({
  updatedAt,
  now,
  testID = 'data-age',
}: {
  updatedAt: number;
  now: number;
  testID?: string;
}) {
  const palette = usePalette();
  return (
    <Text
      testID={testID}
      accessibilityRole="text"
      style={[styles.text, { color: palette.warning }]}
    >
      {dataAgeText(updatedAt, now)}
    </Text>
  );
}

const styles = StyleSheet.create({
  text: { fontSize: 12, fontWeight: '600' },
});
