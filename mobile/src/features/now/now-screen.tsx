// Now: the live flows (solar → home ↔ grid), today's totals, the price of this moment and what
// the grid flow costs or earns, and each meter's phases.
import { router, useIsFocused } from 'expo-router';
import { StyleSheet, Text, useWindowDimensions, View } from 'react-native';
import { AfterHydration } from '@/components/ui/after-hydration';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ErrorNotice, Notice } from '@/components/ui/notice';
import { Screen } from '@/components/ui/screen';
import { useConnection, useUnits } from '@/features/connection/connection-provider';
import { useEnergy, useSiteToday } from '@/features/energy/api';
import { Totals } from '@/features/energy/totals';
import { usePrices } from '@/features/prices/api';
import { formatPower } from '@/lib/format';
import { usePalette } from '@/lib/theme';
import { useAppActive } from '@/lib/use-app-active';
import { useClock } from '@/lib/use-clock';
import { dataAge, STALE_AFTER_S, useLivePower } from './api';
import { FlowDiagram } from './flow-diagram';
import { LiveStatus } from './live-status';
import { MeterCard, meterAge } from './phase-detail';
import { PriceNow } from './price-now';

export default function NowScreen() {
  return <AfterHydration testID="screen-now">{() => <NowContent />}</AfterHydration>;
}

function NowContent() {
  const palette = usePalette();
  const units = useUnits();
  const connection = useConnection();
  const focused = useIsFocused();
  const active = useAppActive();
  // Live updates run only while this screen is on show and the app is in the foreground.
  const visible = focused && active;
  const live = useLivePower({ visible });
  const now = useClock(1000);
  const siteToday = useSiteToday();
  const sample = live.data;
  // The server's local time names the site's day, whatever zone this device is in.
  const today = sample?.time.slice(0, 10) ?? siteToday;
  const energy = useEnergy('day', today, { today, poll: visible });
  const prices = usePrices({ enabled: visible });
  const { width } = useWindowDimensions();
  const wide = width >= 820;

  const age = sample ? dataAge(sample, live.dataUpdatedAt, now) : 0;
  const stale = !!sample && (sample.stale || age > STALE_AFTER_S);

  return (
    <Screen testID="screen-now">
      {connection.status === 'unconfigured' ? (
        <Card title="Welcome to Wattboard">
          <Text style={{ color: palette.text }}>
            Enter the address of your Wattboard server (the Pi at home) to see your power flows.
          </Text>
          <Button
            variant="primary"
            label="Open Settings"
            onPress={() => router.navigate('/settings')}
          />
        </Card>
      ) : null}
      {live.mode === 'unavailable' && connection.target?.kind === 'remote' ? (
        <Notice
          tone="info"
          testID="remote-no-live"
          title="Live power is only available at home"
          body="You are connected to the remote server, which keeps the history but not live readings. Today's energy is below."
        />
      ) : null}
      {live.isError ? (
        <ErrorNotice
          testID="live-error"
          action="get live power"
          error={live.error}
          target={connection.target}
          updatedAt={sample ? live.dataUpdatedAt : undefined}
          now={now}
        />
      ) : null}
      <View style={[styles.columns, wide && styles.row]}>
        <Card
          style={wide ? styles.flowWide : undefined}
          title="Power now"
          right={sample ? <LiveStatus age={age} stale={stale} mode={live.mode} /> : null}
          testID="card-flow"
        >
          {sample ? (
            <>
              <FlowDiagram sample={sample} unit={units.power} palette={palette} dimmed={stale} />
              {sample.max_1m ? (
                <Text
                  style={[styles.peak, { color: palette.muted }]}
                  accessibilityLabel={`Highest in the last minute: home ${formatPower(sample.max_1m.home_w, units.power)}, solar ${formatPower(sample.max_1m.solar_w, units.power)}`}
                >
                  Last minute's peak: home {formatPower(sample.max_1m.home_w, units.power)} · solar{' '}
                  {formatPower(sample.max_1m.solar_w, units.power)}
                </Text>
              ) : null}
            </>
          ) : (
            <Text style={{ color: palette.muted }} testID="live-waiting">
              {live.mode === 'unavailable'
                ? 'No live data on this connection.'
                : live.isError
                  ? 'No live data yet.'
                  : 'Waiting for live data…'}
            </Text>
          )}
        </Card>
        <Card style={wide ? styles.todayWide : undefined} title="Today" testID="card-today">
          {energy.data ? (
            <Totals
              flows={energy.data.totals}
              unit={units.energy}
              installed={{ endTs: energy.data.end_ts, firstTs: energy.data.first_ts }}
              testID="today"
            />
          ) : energy.isError ? null : (
            <Text style={{ color: palette.muted }}>Loading today's energy…</Text>
          )}
          {energy.isError ? (
            <ErrorNotice
              action="load today's energy"
              error={energy.error}
              target={connection.target}
              updatedAt={energy.data ? energy.dataUpdatedAt : undefined}
              now={now}
            />
          ) : null}
        </Card>
      </View>
      {prices.data && prices.data.periods.length ? (
        // Prices are optional on Now: a server without them (or failing them) shows no card.
        <Card title="Price now" testID="card-price-now">
          <PriceNow
            prices={prices.data}
            gridW={sample?.grid_w}
            nowTs={Math.floor(now / 1000)}
            unit={units.power}
          />
        </Card>
      ) : null}
      {sample && sample.meters.length ? (
        <View style={styles.meters}>
          {sample.meters.map((meter) => (
            <MeterCard
              key={meter.id}
              meter={meter}
              unit={units.power}
              age={meterAge(meter, sample, live.dataUpdatedAt, now)}
              receiving={connection.status === 'ok' && !live.isError}
            />
          ))}
        </View>
      ) : null}
    </Screen>
  );
}

const styles = StyleSheet.create({
  columns: { gap: 12 },
  row: { flexDirection: 'row', alignItems: 'flex-start' },
  flowWide: { flex: 1.25 },
  todayWide: { flex: 1 },
  peak: { fontSize: 12, textAlign: 'center' },
  meters: { flexDirection: 'row', flexWrap: 'wrap', gap: 12 },
});
