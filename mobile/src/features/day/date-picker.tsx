// A small month calendar in a modal: the same on phones and in browsers, no native module.
import { useState } from 'react';
import { Modal, Pressable, StyleSheet, Text, View } from 'react-native';
import { Button, IconButton } from '@/components/ui/button';
import {
  addDays,
  dateKey,
  daysInMonth,
  monthName,
  parseDateKey,
  periodLabel,
  weekday,
} from '@/lib/periods';
import { usePalette } from '@/lib/theme';

const HEAD = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];

export function DatePicker({
  visible,
  value,
  max,
  onChange,
  onClose,
}: {
  visible: boolean;
  value: string;
  max: string;
  onChange: (date: string) => void;
  onClose: () => void;
}) {
  const palette = usePalette();
  const initial = parseDateKey(value);
  const [month, setMonth] = useState({ y: initial.y, m: initial.m });
  const first = dateKey({ ...month, d: 1 });
  const lead = (weekday(first) + 6) % 7; // Monday first
  const days = daysInMonth(month.y, month.m);
  const cells: (string | null)[] = [
    ...Array.from({ length: lead }, () => null),
    ...Array.from({ length: days }, (_, i) => addDays(first, i)),
  ];
  const shift = (delta: number) => {
    const index = month.y * 12 + month.m - 1 + delta;
    setMonth({ y: Math.floor(index / 12), m: (index % 12) + 1 });
  };
  const nextMonthStart = addDays(dateKey({ ...month, d: days }), 1);
  return (
    <Modal visible={visible} transparent animationType="fade" onRequestClose={onClose}>
      <Pressable style={styles.backdrop} onPress={onClose} accessibilityLabel="Close the calendar">
        <Pressable
          testID="date-picker"
          style={[styles.sheet, { backgroundColor: palette.card, borderColor: palette.border }]}
          accessibilityViewIsModal
          onPress={() => undefined}
        >
          <View style={styles.header}>
            <IconButton
              glyph="‹"
              accessibilityLabel="Previous month"
              onPress={() => shift(-1)}
              testID="picker-prev"
            />
            <Text accessibilityRole="header" style={[styles.month, { color: palette.text }]}>
              {monthName(month.m)} {month.y}
            </Text>
            <IconButton
              glyph="›"
              accessibilityLabel="Next month"
              onPress={() => shift(1)}
              disabled={nextMonthStart > max}
              testID="picker-next"
            />
          </View>
          <View style={styles.grid}>
            {HEAD.map((h) => (
              <Text key={h} style={[styles.cell, styles.head, { color: palette.muted }]}>
                {h}
              </Text>
            ))}
            {cells.map((day, i) => {
              if (!day) return <View key={`blank-${i}`} style={styles.cell} />;
              const disabled = day > max;
              const selected = day === value;
              return (
                <Pressable
                  key={day}
                  testID={`picker-day-${day}`}
                  accessibilityRole="button"
                  accessibilityLabel={periodLabel('day', day)}
                  accessibilityState={{ disabled, selected }}
                  disabled={disabled}
                  onPress={() => {
                    onChange(day);
                    onClose();
                  }}
                  style={[
                    styles.cell,
                    styles.day,
                    selected && { backgroundColor: palette.accent },
                    { opacity: disabled ? 0.3 : 1 },
                  ]}
                >
                  <Text
                    style={{
                      color: selected ? palette.onAccent : palette.text,
                      fontWeight: selected ? '700' : '400',
                    }}
                  >
                    {Number(day.slice(8))}
                  </Text>
                </Pressable>
              );
            })}
          </View>
          <View style={styles.footer}>
            <Button
              label="Today"
              onPress={() => {
                onChange(max);
                onClose();
              }}
              compact
            />
            <Button label="Cancel" onPress={onClose} compact />
          </View>
        </Pressable>
      </Pressable>
    </Modal>
  );
}

const styles = StyleSheet.create({
  backdrop: {
    flex: 1,
    backgroundColor: 'rgba(0,0,0,0.45)',
    alignItems: 'center',
    justifyContent: 'center',
    padding: 16,
  },
  sheet: { width: '100%', maxWidth: 360, borderRadius: 16, borderWidth: 1, padding: 14, gap: 10 },
  header: { flexDirection: 'row', alignItems: 'center', justifyContent: 'space-between' },
  month: { fontSize: 17, fontWeight: '700' },
  grid: { flexDirection: 'row', flexWrap: 'wrap' },
  cell: { width: `${100 / 7}%`, aspectRatio: 1, alignItems: 'center', justifyContent: 'center' },
  head: { fontSize: 12, textAlign: 'center', aspectRatio: 2, textAlignVertical: 'center' },
  day: { borderRadius: 999 },
  footer: { flexDirection: 'row', justifyContent: 'flex-end', gap: 8 },
});
