import type { ReactNode } from 'react';
import { ActivityIndicator, View } from 'react-native';
import { useHydrated } from '@/lib/use-hydrated';
import { usePalette } from '@/lib/theme';

/** Render `children` once the page is hydrated (web); a spinner in the static HTML. */
export function AfterHydration({
  children,
  testID,
}: {
  children: () => ReactNode;
  testID: string;
}) {
  const hydrated = useHydrated();
  const palette = usePalette();
  if (hydrated) return children();
  return (
    <View
      testID={`${testID}-loading`}
      style={{ flex: 1, padding: 24, backgroundColor: palette.background }}
    >
      <ActivityIndicator color={palette.accent} accessibilityLabel="Loading" />
    </View>
  );
}
