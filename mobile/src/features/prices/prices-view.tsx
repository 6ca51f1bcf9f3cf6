// Prices: today's and tomorrow's full import price per settlement period, the current one
// marked, and the cheapest window of a chosen length from now. Everything is in the site's
// time (the offsets and zone the server sent), never the device's.
import { useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import type { PricePeriod, Prices } from '@/api/types';
import { PriceBars } from '@/components/charts/price-bars';
import { Card } from '@/components/ui/card';
import { Segmented } from '@/components/ui/segmented';
import { formatPrice } from '@/lib/format';
import { addDays, periodLabel, todayIn } from '@/lib/periods';
import { usePalette } from '@/lib/theme';
import {
  cheapestWindow,
  importPoints,
  periodAt,
  periodsOfDate,
  siteClock,
  windowAverage,
  type PriceWindow,
} from './price-math';

export const DURATIONS = [
  { value: '0.5', label: '½ h' },
  { value: '1', label: '1 h' },
  { value: '2', label: '2 h' },
  { value: '3', label: '3 h' },
  { value: '4', label: '4 h' },
  { value: '6', label: '6 h' },
] as const;
export type Duration = (typeof DURATIONS)[number]['value'];

/** The site's date at `nowTs`: from the periods' offsets, else from the API's zone. */
export function siteToday(prices: Prices, nowTs: number): string {
  return siteClock(nowTs, prices.periods)?.date ?? todayIn(prices.timezone, new Date(nowTs * 1000));
}

/** "today", "tomorrow" or the date, as seen from `today`. */
function dayWord(date: string, today: string): string {
  if (date === today) return 'today';
  if (date === addDays(today, 1)) return 'tomorrow';
  return periodLabel('day', date);
}

/** "02:00 tomorrow": the site's clock at `ts`. */
export function whenLabel(ts: number, periods: readonly PricePeriod[], today: string): string {
  const clock = siteClock(ts, periods);
  return clock ? `${clock.time} ${dayWord(clock.date, today)}` : '';
}

/** The sentence about the cheapest window (or why there is none). */
export function cheapestText(
  best: PriceWindow | null,
  hours: number,
  prices: Prices,
  today: string,
  nowTs: number,
): string {
  const length = hours < 1 ? `${hours * 60} minutes` : `${hours} h`;
  const periods = prices.periods;
  if (!best) {
    const last = periods[periods.length - 1];
    return last && last.end_ts > nowTs
      ? `Not enough prices ahead for ${length}: the known prices end at ${whenLabel(last.end_ts, periods, today)}.`
      : `No prices ahead of now.`;
  }
  const start = best.startTs <= nowTs ? 'now' : `at ${whenLabel(best.startTs, periods, today)}`;
  return (
    `Start ${start}, until ${whenLabel(best.endTs, periods, today)}: ` +
    `${formatPrice(best.average, prices.currency)} on average.`
  );
}

export function PricesView({
  prices,
  nowTs,
  width,
}: {
  prices: Prices;
  /** Now, epoch seconds. */
  nowTs: number;
  /** Fixed chart width (tests). */
  width?: number;
}) {
  const palette = usePalette();
  const [duration, setDuration] = useState<Duration>('2');
  const today = siteToday(prices, nowTs);
  const tomorrow = addDays(today, 1);
  const hasTariff = prices.periods.some((p) => p.import_price != null);
  const priceOf = (p: PricePeriod) => p.import_price ?? p.spot;
  const points = importPoints(prices.periods);
  const hours = Number(duration);
  const best = cheapestWindow(points, hours * 3600, nowTs);
  const startNow = windowAverage(points, nowTs, hours * 3600);
  const current = periodAt(prices.periods, nowTs);
  const what = hasTariff ? 'Full import price' : 'Spot price (no tariff set, so no fees or VAT)';

  const day = (date: string, testID: string) => {
    const periods = periodsOfDate(prices.periods, date);
    if (!periods.length) return null;
    const bars = periods.map((p) => ({ ...p, price: priceOf(p) }));
    const low = bars.reduce((a, b) => (b.price < a.price ? b : a));
    const high = bars.reduce((a, b) => (b.price > a.price ? b : a));
    const minutes = (periods[0]!.end_ts - periods[0]!.start_ts) / 60;
    const summary =
      `lowest ${formatPrice(low.price, prices.currency)} at ${low.start.slice(11, 16)}, ` +
      `highest ${formatPrice(high.price, prices.currency)} at ${high.start.slice(11, 16)}`;
    return (
      <>
        <PriceBars
          testID={testID}
          periods={bars}
          currency={prices.currency}
          palette={palette}
          nowTs={nowTs}
          highlight={best}
          width={width}
          label={`${what} per ${minutes} minutes on ${periodLabel('day', date)}: ${summary}`}
        />
        <Text style={[styles.small, { color: palette.muted }]} testID={`${testID}-summary`}>
          {periods.length} periods of {minutes} min · {summary}
        </Text>
      </>
    );
  };
  const todayChart = day(today, 'prices-today');
  const tomorrowChart = day(tomorrow, 'prices-tomorrow');

  return (
    <>
      <Card title={`Today, ${periodLabel('day', today)}`} testID="card-prices-today">
        <Text style={[styles.small, { color: palette.muted }]}>{what}.</Text>
        {current ? (
          <Text
            testID="prices-current"
            style={[styles.current, { color: palette.text }]}
            accessibilityLabel={`Now, until ${current.end.slice(11, 16)}: ${formatPrice(priceOf(current), prices.currency)}`}
          >
            Now {formatPrice(priceOf(current), prices.currency)}
            <Text style={[styles.small, { color: palette.muted }]}>
              {'  '}
              {current.start.slice(11, 16)}–{current.end.slice(11, 16)}
            </Text>
          </Text>
        ) : (
          <Text testID="prices-current-missing" style={{ color: palette.warning }}>
            The price of this period is not known.
          </Text>
        )}
        {todayChart ?? (
          <Text style={{ color: palette.muted }} testID="prices-today-missing">
            No prices for today.
          </Text>
        )}
      </Card>
      <Card title={`Tomorrow, ${periodLabel('day', tomorrow)}`} testID="card-prices-tomorrow">
        {tomorrowChart ?? (
          <Text style={{ color: palette.muted }} testID="prices-tomorrow-missing">
            Not yet published. Day-ahead prices come out in the early afternoon.
          </Text>
        )}
      </Card>
      <Card title="The cheapest time from now" testID="card-cheapest">
        <Segmented
          testID="cheapest-duration"
          accessibilityLabel="How long it runs"
          options={DURATIONS.map((d) => ({
            value: d.value,
            label: d.label,
            accessibilityLabel: `Runs ${d.label}`,
          }))}
          value={duration}
          onChange={setDuration}
        />
        <Text testID="cheapest-result" style={[styles.result, { color: palette.text }]}>
          {cheapestText(best, hours, prices, today, nowTs)}
        </Text>
        {best && startNow != null && best.startTs > nowTs ? (
          <Text testID="cheapest-now" style={[styles.small, { color: palette.muted }]}>
            Starting now: {formatPrice(startNow, prices.currency)} on average.
          </Text>
        ) : null}
        <View style={styles.legend}>
          <View style={[styles.swatch, { backgroundColor: palette.accent }]} />
          <Text style={[styles.small, { color: palette.muted }]}>now</Text>
          <View style={[styles.swatch, { backgroundColor: palette.ok }]} />
          <Text style={[styles.small, { color: palette.muted }]}>the cheapest window</Text>
        </View>
      </Card>
    </>
  );
}

const styles = StyleSheet.create({
  small: { fontSize: 12 },
  current: { fontSize: 22, fontWeight: '700', fontVariant: ['tabular-nums'] },
  result: { fontSize: 15, fontWeight: '600' },
  legend: { flexDirection: 'row', alignItems: 'center', gap: 6 },
  swatch: { width: 12, height: 12, borderRadius: 3 },
});
