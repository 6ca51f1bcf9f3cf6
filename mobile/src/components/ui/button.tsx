import type { ReactNode } from 'react';
import { Pressable, StyleSheet, Text } from 'react-native';
import { usePalette } from '@/lib/theme';

export function Button({
  label,
  onPress,
  accessibilityLabel,
  variant = 'secondary',
  disabled = false,
  testID,
  compact = false,
}: {
  label: string;
  onPress: () => void;
  accessibilityLabel?: string;
  variant?: 'primary' | 'secondary';
  disabled?: boolean;
  testID?: string;
  compact?: boolean;
}) {
  const palette = usePalette();
  const primary = variant === 'primary';
  return (
    <Pressable
      testID={testID}
      accessibilityRole="button"
      accessibilityLabel={accessibilityLabel ?? label}
      accessibilityState={{ disabled }}
      disabled={disabled}
      onPress={onPress}
      style={({ pressed }) => [
        styles.button,
        compact && styles.compact,
        {
          backgroundColor: primary ? palette.accent : 'transparent',
          borderColor: primary ? palette.accent : palette.border,
          opacity: disabled ? 0.4 : pressed ? 0.7 : 1,
        },
      ]}
    >
      <Text style={[styles.label, { color: primary ? palette.onAccent : palette.text }]}>
        {label}
      </Text>
    </Pressable>
  );
}

/** A square arrow/step button with a visible glyph and a spoken label. */
export function IconButton({
  glyph,
  accessibilityLabel,
  onPress,
  disabled = false,
  testID,
}: {
  glyph: ReactNode;
  accessibilityLabel: string;
  onPress: () => void;
  disabled?: boolean;
  testID?: string;
}) {
  const palette = usePalette();
  return (
    <Pressable
      testID={testID}
      accessibilityRole="button"
      accessibilityLabel={accessibilityLabel}
      accessibilityState={{ disabled }}
      disabled={disabled}
      onPress={onPress}
      hitSlop={6}
      style={({ pressed }) => [
        styles.icon,
        { borderColor: palette.border, opacity: disabled ? 0.3 : pressed ? 0.6 : 1 },
      ]}
    >
      {typeof glyph === 'string' ? (
        <Text style={[styles.glyph, { color: palette.text }]}>{glyph}</Text>
      ) : (
        glyph
      )}
    </Pressable>
  );
}

const styles = StyleSheet.create({
  button: {
    minHeight: 44,
    paddingHorizontal: 16,
    borderRadius: 10,
    borderWidth: 1,
    alignItems: 'center',
    justifyContent: 'center',
  },
  compact: { minHeight: 36, paddingHorizontal: 12 },
  label: { fontSize: 15, fontWeight: '600' },
  icon: {
    width: 44,
    height: 44,
    borderRadius: 10,
    borderWidth: 1,
    alignItems: 'center',
    justifyContent: 'center',
  },
  glyph: { fontSize: 22, lineHeight: 24, fontWeight: '600' },
});
