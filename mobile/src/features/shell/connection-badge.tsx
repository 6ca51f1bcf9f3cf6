// Which server the app is on, always visible in the header; a tap opens Settings.
import { router } from 'expo-router';
import { Pressable, StyleSheet, Text, View } from 'react-native';
import { useConnection, type Connection } from '@/features/connection/connection-provider';
import { usePalette, type Palette } from '@/lib/theme';

export function badgeOf(connection: Pick<Connection, 'status' | 'target'>, palette: Palette) {
  const { status, target } = connection;
  switch (status) {
    case 'ok':
      return target?.kind === 'remote'
        ? {
            text: 'Remote',
            color: palette.accent,
            hint: `Using the remote server ${target.baseUrl}`,
          }
        : {
            text: 'Home',
            color: palette.ok,
            hint: `Using the home server ${target?.baseUrl ?? ''}`,
          };
    case 'offline':
      return { text: 'Offline', color: palette.danger, hint: 'No server answers' };
    case 'unconfigured':
      return { text: 'Set up', color: palette.warning, hint: 'No server set up yet' };
    default:
      return { text: 'Connecting', color: palette.muted, hint: 'Looking for the server' };
  }
}

export function ConnectionBadge() {
  const palette = usePalette();
  const connection = useConnection();
  const badge = badgeOf(connection, palette);
  return (
    <Pressable
      testID="connection-badge"
      accessibilityRole="button"
      accessibilityLabel={`${badge.hint}. Open settings`}
      onPress={() => router.navigate('/settings')}
      style={[styles.badge, { borderColor: badge.color }]}
    >
      <View style={[styles.dot, { backgroundColor: badge.color }]} />
      <Text style={[styles.text, { color: palette.text }]}>{badge.text}</Text>
    </Pressable>
  );
}

const styles = StyleSheet.create({
  badge: {
    flexDirection: 'row',
    alignItems: 'center',
    gap: 6,
    borderWidth: 1,
    borderRadius: 999,
    paddingHorizontal: 10,
    paddingVertical: 4,
    marginRight: 12,
  },
  dot: { width: 8, height: 8, borderRadius: 4 },
  text: { fontSize: 13, fontWeight: '600' },
});
