// A scrolling page: phone width first, centred and width-capped on tablets and desktops.
import type { ReactNode } from 'react';
import { RefreshControl, ScrollView, StyleSheet, View } from 'react-native';
import { usePalette } from '@/lib/theme';

export const MAX_CONTENT_WIDTH = 1040;
/** Forms read better narrow, also on a desktop. */
export const MAX_FORM_WIDTH = 720;

export function Screen({
  children,
  testID,
  onRefresh,
  refreshing = false,
  narrow = false,
}: {
  children: ReactNode;
  testID: string;
  narrow?: boolean;
  onRefresh?: () => void;
  refreshing?: boolean;
}) {
  const palette = usePalette();
  return (
    <ScrollView
      testID={testID}
      style={{ flex: 1, backgroundColor: palette.background }}
      contentContainerStyle={styles.content}
      refreshControl={
        onRefresh ? <RefreshControl refreshing={refreshing} onRefresh={onRefresh} /> : undefined
      }
    >
      <View style={[styles.inner, narrow && { maxWidth: MAX_FORM_WIDTH }]}>{children}</View>
    </ScrollView>
  );
}

const styles = StyleSheet.create({
  content: { padding: 12, paddingBottom: 32, alignItems: 'center' },
  inner: { width: '100%', maxWidth: MAX_CONTENT_WIDTH, gap: 12 },
});
