// ‹ previous · the period's name · next › ; the name can open a picker (Day).
import { Pressable, StyleSheet, Text, View } from 'react-native';
import { IconButton } from '@/components/ui/button';
import { usePalette } from '@/lib/theme';

export function PeriodNav({
  label,
  onPrev,
  onNext,
  prevLabel,
  nextLabel,
  canPrev = true,
  canNext = true,
  onPressLabel,
  labelHint,
  testID = 'period-nav',
}: {
  label: string;
  onPrev: () => void;
  onNext: () => void;
  prevLabel: string;
  nextLabel: string;
  canPrev?: boolean;
  canNext?: boolean;
  onPressLabel?: () => void;
  labelHint?: string;
  testID?: string;
}) {
  const palette = usePalette();
  const text = (
    <Text
      testID={`${testID}-label`}
      style={[styles.label, { color: palette.text }]}
      numberOfLines={2}
    >
      {label}
    </Text>
  );
  return (
    <View testID={testID} style={styles.row}>
      <IconButton
        testID={`${testID}-prev`}
        glyph="‹"
        accessibilityLabel={prevLabel}
        onPress={onPrev}
        disabled={!canPrev}
      />
      {onPressLabel ? (
        <Pressable
          testID={`${testID}-pick`}
          accessibilityRole="button"
          accessibilityLabel={`${label}. ${labelHint ?? ''}`}
          onPress={onPressLabel}
          style={({ pressed }) => [styles.center, { opacity: pressed ? 0.6 : 1 }]}
        >
          {text}
          <Text style={[styles.hint, { color: palette.accent }]}>{labelHint}</Text>
        </Pressable>
      ) : (
        <View style={styles.center} accessibilityRole="header">
          {text}
        </View>
      )}
      <IconButton
        testID={`${testID}-next`}
        glyph="›"
        accessibilityLabel={nextLabel}
        onPress={onNext}
        disabled={!canNext}
      />
    </View>
  );
}

const styles = StyleSheet.create({
  row: { flexDirection: 'row', alignItems: 'center', gap: 8 },
  center: { flex: 1, alignItems: 'center' },
  label: { fontSize: 17, fontWeight: '700', textAlign: 'center' },
  hint: { fontSize: 12 },
});
