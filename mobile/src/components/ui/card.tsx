import type { ReactNode } from 'react';
import { StyleSheet, Text, View, type StyleProp, type ViewStyle } from 'react-native';
import { usePalette } from '@/lib/theme';

export function Card({
  title,
  right,
  children,
  style,
  testID,
}: {
  title?: string;
  right?: ReactNode;
  children: ReactNode;
  style?: StyleProp<ViewStyle>;
  testID?: string;
}) {
  const palette = usePalette();
  return (
    <View
      testID={testID}
      style={[styles.card, { backgroundColor: palette.card, borderColor: palette.border }, style]}
    >
      {title || right ? (
        <View style={styles.header}>
          {title ? (
            <Text accessibilityRole="header" style={[styles.title, { color: palette.text }]}>
              {title}
            </Text>
          ) : null}
          {right}
        </View>
      ) : null}
      {children}
    </View>
  );
}

const styles = StyleSheet.create({
  card: { borderRadius: 14, borderWidth: StyleSheet.hairlineWidth, padding: 14, gap: 10 },
  header: { flexDirection: 'row', alignItems: 'center', justifyContent: 'space-between', gap: 8 },
  title: { fontSize: 16, fontWeight: '700' },
});
