// The Prices tab: the query, its errors, and the view.
import { Text } from 'react-native';
import { AfterHydration } from '@/components/ui/after-hydration';
import { Card } from '@/components/ui/card';
import { ErrorNotice } from '@/components/ui/notice';
import { Screen } from '@/components/ui/screen';
import { useConnection } from '@/features/connection/connection-provider';
import { usePalette } from '@/lib/theme';
import { useClock } from '@/lib/use-clock';
import { usePrices } from './api';
import { PricesView } from './prices-view';

export default function PricesScreen() {
  return <AfterHydration testID="screen-prices">{() => <PricesContent />}</AfterHydration>;
}

function PricesContent() {
  const palette = usePalette();
  const connection = useConnection();
  // The current period is at least 15 minutes long: a 10 s tick moves the marker in time.
  const now = useClock(10_000);
  const prices = usePrices();
  const data = prices.data;
  return (
    <Screen testID="screen-prices">
      {prices.isError ? (
        <ErrorNotice
          action="load the prices"
          error={prices.error}
          target={connection.target}
          updatedAt={data ? prices.dataUpdatedAt : undefined}
          now={now}
        />
      ) : null}
      {data && data.periods.length ? (
        <PricesView prices={data} nowTs={Math.floor(now / 1000)} />
      ) : data ? (
        <Card title="Prices" testID="card-prices-none">
          <Text style={{ color: palette.muted }}>
            No prices stored. Set a price source in the server&apos;s configuration ([prices]).
          </Text>
        </Card>
      ) : !prices.isError ? (
        <Text style={{ color: palette.muted }}>Loading…</Text>
      ) : null}
    </Screen>
  );
}
