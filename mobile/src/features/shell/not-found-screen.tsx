import { Link } from 'expo-router';
import { Text } from 'react-native';
import { Card } from '@/components/ui/card';
import { Screen } from '@/components/ui/screen';
import { usePalette } from '@/lib/theme';

export default function NotFoundScreen() {
  const palette = usePalette();
  return (
    <Screen testID="screen-not-found">
      <Card title="This page does not exist">
        <Link href="/" style={{ color: palette.accent, fontSize: 16 }}>
          Go to Now
        </Link>
        <Text style={{ color: palette.muted }}>Or pick a tab below.</Text>
      </Card>
    </Screen>
  );
}
