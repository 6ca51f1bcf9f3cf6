// While no server answers: say so, and how old the data on screen is (saved data included,
// when the installed web app was opened offline).
import { useQueryClient } from '@tanstack/react-query';
import { StyleSheet, Text, View } from 'react-native';
import { targetKey } from '@/api/client';
import { useConnection } from '@/features/connection/connection-provider';
import { formatAge } from '@/lib/format';
import { usePalette } from '@/lib/theme';
import { useClock } from '@/lib/use-clock';

/** The newest data from `target` in the cache (epoch ms), or null. */
function newestData(
  queries: { queryKey: readonly unknown[]; state: { dataUpdatedAt: number } }[],
  server: string,
) {
  let newest = 0;
  for (const query of queries) {
    if (query.queryKey[1] === server) newest = Math.max(newest, query.state.dataUpdatedAt);
  }
  return newest || null;
}

export function OfflineBanner() {
  const palette = usePalette();
  const connection = useConnection();
  const queryClient = useQueryClient();
  const now = useClock(10_000);
  if (connection.status !== 'offline') return null;
  const newest = newestData(queryClient.getQueryCache().getAll(), targetKey(connection.target));
  const text = newest
    ? `Offline: no server answers. Showing data from ${formatAge((now - newest) / 1000)} ago.`
    : 'Offline: no server answers, and no data is saved on this device yet.';
  return (
    <View
      testID="offline-banner"
      accessibilityRole="alert"
      style={[styles.banner, { backgroundColor: palette.warning }]}
    >
      <Text style={styles.text}>{text}</Text>
    </View>
  );
}

const styles = StyleSheet.create({
  banner: { paddingHorizontal: 12, paddingVertical: 6 },
  text: { color: '#111', fontSize: 13, fontWeight: '600', textAlign: 'center' },
});
