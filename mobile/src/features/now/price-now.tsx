// Now's price card: the full import price of the current settlement period, and what the grid
// flow of this moment costs or earns per hour at that period's prices.
import { StyleSheet, Text, View } from 'react-native';
import type { Prices } from '@/api/types';
import { formatMoney, formatPower, formatPrice, type PowerUnit } from '@/lib/format';
import { usePalette } from '@/lib/theme';
import { gridMoneyNow, periodAt } from '@/features/prices/price-math';

/** The sentence under the price: spending, earning, neither, or no price known. */
export function gridMoneyText(
  gridW: number | undefined,
  prices: Prices,
  nowTs: number,
  unit: PowerUnit,
): string {
  if (gridW === undefined) return 'Waiting for live power…';
  const money = gridMoneyNow(gridW, periodAt(prices.periods, nowTs));
  const c = prices.currency;
  switch (money.kind) {
    case 'idle':
      return 'Neither buying nor selling right now.';
    case 'unpriced':
      return `${gridW > 0 ? 'Buying' : 'Selling'} ${formatPower(Math.abs(gridW), unit)}; the price of this moment is not known.`;
    case 'spending':
      return `Spending ${formatMoney(money.perHour, c)} per hour (buying ${formatPower(gridW, unit)}).`;
    case 'earning':
      return money.perHour >= 0
        ? `Earning ${formatMoney(money.perHour, c)} per hour (selling ${formatPower(-gridW, unit)}).`
        : `Paying ${formatMoney(-money.perHour, c)} per hour to sell ${formatPower(-gridW, unit)} (a negative price).`;
  }
}

export function PriceNow({
  prices,
  gridW,
  nowTs,
  unit,
}: {
  prices: Prices;
  /** Live grid power (W, import positive), undefined before the first sample. */
  gridW: number | undefined;
  /** Now, epoch seconds. */
  nowTs: number;
  unit: PowerUnit;
}) {
  const palette = usePalette();
  const period = periodAt(prices.periods, nowTs);
  const price = period ? (period.import_price ?? period.spot) : null;
  const what = period?.import_price != null ? 'full import price' : 'spot price, no tariff set';
  return (
    <View testID="price-now-card" style={styles.box}>
      {period && price != null ? (
        <Text
          testID="price-now-value"
          style={[styles.price, { color: palette.text }]}
          accessibilityLabel={`Price now: ${formatPrice(price, prices.currency)}, ${what}, until ${period.end.slice(11, 16)}`}
        >
          {formatPrice(price, prices.currency)}
          <Text style={[styles.small, { color: palette.muted }]}>
            {'  '}
            {what}, {period.start.slice(11, 16)}–{period.end.slice(11, 16)}
          </Text>
        </Text>
      ) : (
        <Text testID="price-now-missing" style={{ color: palette.warning }}>
          The price of this period is not known.
        </Text>
      )}
      <Text testID="price-now-rate" style={{ color: palette.text }}>
        {gridMoneyText(gridW, prices, nowTs, unit)}
      </Text>
    </View>
  );
}

const styles = StyleSheet.create({
  box: { gap: 4 },
  price: { fontSize: 22, fontWeight: '700', fontVariant: ['tabular-nums'] },
  small: { fontSize: 12, fontWeight: '400' },
});
