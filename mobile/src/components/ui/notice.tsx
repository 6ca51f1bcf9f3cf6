// Problems in words: what failed and what to try, next to the data that is still shown.
import { StyleSheet, Text, View } from 'react-native';
import { describeError, type Target } from '@/api/client';
import { formatAge } from '@/lib/format';
import { usePalette } from '@/lib/theme';

export function Notice({
  tone,
  title,
  body,
  testID,
}: {
  tone: 'error' | 'warning' | 'info';
  title: string;
  body?: string;
  testID?: string;
}) {
  const palette = usePalette();
  const color =
    tone === 'error' ? palette.danger : tone === 'warning' ? palette.warning : palette.accent;
  return (
    <View
      testID={testID}
      accessibilityRole={tone === 'info' ? undefined : 'alert'}
      style={[styles.box, { borderColor: color, backgroundColor: palette.card }]}
    >
      <Text style={[styles.title, { color }]}>{title}</Text>
      {body ? <Text style={[styles.body, { color: palette.text }]}>{body}</Text> : null}
    </View>
  );
}

/** "Could not load X: <what failed>. <what to try>", plus the age of the data still shown. */
export function ErrorNotice({
  action,
  error,
  target,
  updatedAt,
  now,
  testID,
}: {
  action: string;
  error: unknown;
  target: Target | null;
  updatedAt?: number;
  now: number;
  testID?: string;
}) {
  const { what, hint } = describeError(error, target);
  const age = updatedAt ? ` Showing data from ${formatAge((now - updatedAt) / 1000)} ago.` : '';
  return (
    <Notice
      tone="error"
      testID={testID}
      title={`Could not ${action}`}
      body={`${what.replace(/\.$/, '')}. ${hint}${age}`}
    />
  );
}

const styles = StyleSheet.create({
  box: { borderWidth: 1, borderLeftWidth: 4, borderRadius: 10, padding: 12, gap: 4 },
  title: { fontSize: 14, fontWeight: '700' },
  body: { fontSize: 14, lineHeight: 20 },
});
