// A period's figures as a grid of cells (a coloured dot, a label, a big value) with an optional
// note under them: the energy totals and the money totals of Day and History.
import { StyleSheet, Text, View } from 'react-native';
import { usePalette } from '@/lib/theme';

export interface Figure {
  /** Names the cell's testID: `${testID}-${id}`. */
  id: string;
  label: string;
  value: string;
  color: string;
}

export interface FiguresNote {
  /** Names the note's testID: `${testID}-${id}`. */
  id: string;
  text: string;
  color: string;
}

export function Figures({
  figures,
  note,
  testID,
}: {
  figures: readonly Figure[];
  note?: FiguresNote | null;
  testID: string;
}) {
  const palette = usePalette();
  return (
    <View testID={testID} style={styles.grid}>
      {figures.map((f) => (
        <View
          key={f.id}
          testID={`${testID}-${f.id}`}
          accessible
          accessibilityLabel={`${f.label}: ${f.value}`}
          style={[styles.cell, { borderColor: palette.border }]}
        >
          <View style={styles.labelRow}>
            <View style={[styles.dot, { backgroundColor: f.color }]} />
            <Text style={[styles.label, { color: palette.muted }]}>{f.label}</Text>
          </View>
          <Text style={[styles.value, { color: palette.text }]}>{f.value}</Text>
        </View>
      ))}
      {note ? (
        <Text testID={`${testID}-${note.id}`} style={[styles.note, { color: note.color }]}>
          {note.text}
        </Text>
      ) : null}
    </View>
  );
}

const styles = StyleSheet.create({
  grid: { flexDirection: 'row', flexWrap: 'wrap', gap: 8 },
  cell: {
    flexGrow: 1,
    flexBasis: 140,
    borderWidth: StyleSheet.hairlineWidth,
    borderRadius: 10,
    paddingVertical: 8,
    paddingHorizontal: 10,
    gap: 2,
  },
  labelRow: { flexDirection: 'row', alignItems: 'center', gap: 6 },
  dot: { width: 8, height: 8, borderRadius: 4 },
  label: { fontSize: 12 },
  value: { fontSize: 18, fontWeight: '700', fontVariant: ['tabular-nums'] },
  note: { width: '100%', fontSize: 12 },
});
