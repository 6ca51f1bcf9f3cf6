import { StyleSheet, Text, View } from 'react-native';
import { usePalette } from '@/lib/theme';

export function Legend({ items }: { items: { color: string; label: string; line?: boolean }[] }) {
  const palette = usePalette();
  return (
    <View style={styles.row} accessibilityLabel={`Legend: ${items.map((i) => i.label).join(', ')}`}>
      {items.map((item) => (
        <View key={item.label} style={styles.item}>
          <View
            style={[item.line ? styles.line : styles.swatch, { backgroundColor: item.color }]}
          />
          <Text style={[styles.label, { color: palette.muted }]}>{item.label}</Text>
        </View>
      ))}
    </View>
  );
}

/**
 * The legend of the stacked bars of Day and History: solar used, grid import and export, or
 * with `money` fixed fees, energy cost and export revenue (the same places, other colours).
 */
export function BarsLegend({ money = false }: { money?: boolean }) {
  const palette = usePalette();
  return (
    <Legend
      items={
        money
          ? [
              { color: palette.muted, label: 'Fixed fees' },
              { color: palette.gridImport, label: 'Energy cost' },
              { color: palette.gridExport, label: 'Export revenue (below)' },
            ]
          : [
              { color: palette.solar, label: 'Solar used' },
              { color: palette.gridImport, label: 'Grid import' },
              { color: palette.gridExport, label: 'Export (below)' },
            ]
      }
    />
  );
}

const styles = StyleSheet.create({
  row: { flexDirection: 'row', flexWrap: 'wrap', gap: 12 },
  item: { flexDirection: 'row', alignItems: 'center', gap: 6 },
  swatch: { width: 12, height: 12, borderRadius: 3 },
  line: { width: 16, height: 3, borderRadius: 2 },
  label: { fontSize: 12 },
});
