// The numbers of one tapped bar, and the way down (year → month → day).
import { StyleSheet, Text, View } from 'react-native';
import { moneyOf } from '@/lib/money';
import type { EnergyBucket } from '@/api/types';
import { Button } from '@/components/ui/button';
import type { EnergyUnit } from '@/lib/format';
import { bucketTitle, type PeriodKind } from '@/lib/periods';
import { usePalette } from '@/lib/theme';
import { MoneyTotals } from './money-totals';
import { Totals } from './totals';

export function BucketDetail({
  kind,
  bucket,
  siblingKeys,
  firstTs,
  unit,
  drillLabel,
  onDrill,
  onClose,
  money: showMoney = false,
}: {
  kind: PeriodKind;
  bucket: EnergyBucket;
  /** The keys of every bucket of the period: a repeated DST hour is told apart by its offset. */
  siblingKeys?: readonly string[];
  /** The site's first record (the report's `first_ts`): a bucket before it is not missing data. */
  firstTs?: number | null;
  unit: EnergyUnit;
  drillLabel?: string;
  onDrill?: () => void;
  onClose: () => void;
  /** The bucket's money instead of its energy (the money view of the bars). */
  money?: boolean;
}) {
  const palette = usePalette();
  const money = showMoney ? moneyOf(bucket) : null;
  return (
    <View testID="bucket-detail" style={[styles.box, { borderColor: palette.accent }]}>
      <View style={styles.header}>
        <Text accessibilityRole="header" style={[styles.title, { color: palette.text }]}>
          {bucketTitle(kind, bucket.key, siblingKeys)}
        </Text>
        <Button compact label="Close" accessibilityLabel="Close the details" onPress={onClose} />
      </View>
      {money ? (
        <MoneyTotals money={money} testID="bucket-money" />
      ) : (
        <Totals
          flows={bucket}
          unit={unit}
          installed={{ endTs: bucket.end_ts, firstTs }}
          testID="bucket-totals"
        />
      )}
      {onDrill && drillLabel ? (
        <Button testID="drill-down" variant="primary" label={drillLabel} onPress={onDrill} />
      ) : null}
    </View>
  );
}

const styles = StyleSheet.create({
  box: { borderWidth: 1, borderRadius: 12, padding: 12, gap: 10 },
  header: { flexDirection: 'row', justifyContent: 'space-between', alignItems: 'center' },
  title: { fontSize: 15, fontWeight: '700' },
});
