// A labelled text input with its error line (URLs and tokens in Settings and the token prompt).
import { StyleSheet, Text, TextInput, View } from 'react-native';
import { usePalette } from '@/lib/theme';

export function Field({
  label,
  value,
  onChange,
  placeholder,
  secure = false,
  testID,
  error,
}: {
  label: string;
  value: string;
  onChange: (text: string) => void;
  placeholder?: string;
  secure?: boolean;
  testID: string;
  error?: string | null;
}) {
  const palette = usePalette();
  return (
    <View style={styles.field}>
      <Text style={[styles.label, { color: palette.text }]}>{label}</Text>
      <TextInput
        testID={testID}
        accessibilityLabel={label}
        value={value}
        onChangeText={onChange}
        placeholder={placeholder}
        placeholderTextColor={palette.muted}
        secureTextEntry={secure}
        autoCapitalize="none"
        autoCorrect={false}
        keyboardType={secure ? 'default' : 'url'}
        style={[
          styles.input,
          {
            color: palette.text,
            borderColor: error ? palette.danger : palette.border,
            backgroundColor: palette.background,
          },
        ]}
      />
      {error ? <Text style={{ color: palette.danger, fontSize: 12 }}>{error}</Text> : null}
    </View>
  );
}

const styles = StyleSheet.create({
  field: { gap: 6 },
  label: { fontSize: 14, fontWeight: '600' },
  input: { borderWidth: 1, borderRadius: 10, paddingHorizontal: 12, minHeight: 44, fontSize: 16 },
});
