// History: weeks, months, years and all years as stacked bars with their totals. Arrows or a
// swipe step between periods; a tapped bar shows its numbers and opens the level below.
import { router, useLocalSearchParams } from 'expo-router';
import { useState } from 'react';
import { Text, View } from 'react-native';
import { AfterHydration } from '@/components/ui/after-hydration';
import { EnergyBars } from '@/components/charts/energy-bars';
import { Card } from '@/components/ui/card';
import { BarsLegend } from '@/components/ui/legend';
import { ErrorNotice } from '@/components/ui/notice';
import { Screen } from '@/components/ui/screen';
import { Segmented } from '@/components/ui/segmented';
import { useConnection, useUnits } from '@/features/connection/connection-provider';
import { useEnergy, useSiteToday } from '@/features/energy/api';
import { BucketDetail } from '@/features/energy/bucket-detail';
import { PeriodNav } from '@/features/energy/period-nav';
import { PeriodTotals, useUnitSwitch } from '@/features/energy/unit-switch';
import {
  drillDown,
  firstDay,
  isValidKey,
  periodLabel,
  periodOf,
  shiftPeriod,
  type PeriodKind,
} from '@/lib/periods';
import { usePalette } from '@/lib/theme';
import { useClock } from '@/lib/use-clock';
import { useSwipe } from '@/lib/use-swipe';

export type HistoryKind = Exclude<PeriodKind, 'day'>;
const KINDS: { value: HistoryKind; label: string; accessibilityLabel: string }[] = [
  { value: 'week', label: 'Week', accessibilityLabel: 'Show a week, by day' },
  { value: 'month', label: 'Month', accessibilityLabel: 'Show a month, by day' },
  { value: 'year', label: 'Year', accessibilityLabel: 'Show a year, by month' },
  { value: 'years', label: 'All years', accessibilityLabel: 'Show all years' },
];
const MONEY_OF: Record<HistoryKind, string> = {
  week: 'Money per day',
  month: 'Money per day',
  year: 'Money per month',
  years: 'Money per year',
};
const UNIT_OF: Record<HistoryKind, string> = {
  week: 'Energy per day',
  month: 'Energy per day',
  year: 'Energy per month',
  years: 'Energy per year',
};

function isHistoryKind(value: string | undefined): value is HistoryKind {
  return KINDS.some((k) => k.value === value);
}

export default function HistoryScreen() {
  return <AfterHydration testID="screen-history">{() => <HistoryContent />}</AfterHydration>;
}

function HistoryContent() {
  const palette = usePalette();
  const units = useUnits();
  const connection = useConnection();
  const now = useClock(10_000);
  const today = useSiteToday();
  const params = useLocalSearchParams<{ period?: string; key?: string }>();
  const kind: HistoryKind = isHistoryKind(params.period) ? params.period : 'month';
  const key = isValidKey(kind, params.key) ? params.key : periodOf(kind, today);
  const [selected, setSelected] = useState<{ id: string; index: number } | null>(null);
  const id = `${kind} ${key}`;

  const energy = useEnergy(kind, key, { today });
  const data =
    energy.data?.period === kind && (kind === 'years' || energy.data.key === key)
      ? energy.data
      : undefined;
  // While the next period loads, the previous one's bars stay (dimmed), if they are of this kind.
  const placeholder = energy.data?.period === kind ? energy.data.buckets : [];
  const canNext = kind !== 'years' && firstDay(kind, shiftPeriod(kind, key, 1)) <= today;
  const show = (nextKind: HistoryKind, nextKey: string) => {
    setSelected(null);
    router.setParams({ period: nextKind, key: nextKey });
  };
  const step = (delta: number) => {
    if (kind === 'years' || (delta > 0 && !canNext)) return;
    show(kind, shiftPeriod(kind, key, delta));
  };
  const swipe = useSwipe(
    () => step(-1),
    () => step(1),
  );
  const changeKind = (next: HistoryKind) => {
    // Keep looking at the same time: May 2025 → 2025 → the week of 1 May...
    const anchor = kind === 'years' ? today : firstDay(kind, key);
    show(next, periodOf(next, anchor > today ? today : anchor));
  };

  const selectedIndex = selected?.id === id ? selected.index : null;
  const bucket = selectedIndex !== null ? data?.buckets[selectedIndex] : undefined;
  const target = bucket ? drillDown(kind, bucket.key) : null;
  const drill = () => {
    if (!target) return;
    if (target.kind === 'day') router.navigate({ pathname: '/day', params: { date: target.key } });
    else show(target.kind as HistoryKind, target.key);
  };
  const label = periodLabel(kind, key);
  // The previous period's answer while this one loads: the switch stays put.
  const { showMoney, currency, switcher } = useUnitSwitch(energy.data, units.energy);

  return (
    <Screen testID="screen-history">
      <Segmented
        testID="history-kind"
        accessibilityLabel="Period length"
        options={KINDS}
        value={kind}
        onChange={changeKind}
      />
      {kind === 'years' ? (
        <Text
          accessibilityRole="header"
          style={{ color: palette.text, fontSize: 17, fontWeight: '700', textAlign: 'center' }}
        >
          All years
        </Text>
      ) : (
        <PeriodNav
          testID="history-nav"
          label={label}
          onPrev={() => step(-1)}
          onNext={() => step(1)}
          prevLabel={`Previous ${kind}, ${periodLabel(kind, shiftPeriod(kind, key, -1))}`}
          nextLabel={`Next ${kind}, ${periodLabel(kind, shiftPeriod(kind, key, 1))}`}
          canNext={canNext}
        />
      )}
      {energy.isError ? (
        <ErrorNotice
          action={`load the energy of ${label}`}
          error={energy.error}
          target={connection.target}
          updatedAt={data ? energy.dataUpdatedAt : undefined}
          now={now}
        />
      ) : null}
      {switcher}
      <Card title={showMoney ? MONEY_OF[kind] : UNIT_OF[kind]} testID="card-history-bars">
        <View {...swipe} style={{ opacity: data ? 1 : 0.4 }}>
          <EnergyBars
            testID="history-bars"
            kind={kind}
            buckets={data?.buckets ?? placeholder}
            firstTs={data?.first_ts}
            unit={units.energy}
            palette={palette}
            label={
              showMoney
                ? `${MONEY_OF[kind]}, ${label}: fixed fees and energy cost above the line, export revenue below`
                : `${UNIT_OF[kind]}, ${label}: solar used, grid import above the line, export below`
            }
            currency={showMoney ? currency : undefined}
            selected={selectedIndex}
            onSelect={(index) => setSelected(index === selectedIndex ? null : { id, index })}
          />
        </View>
        <BarsLegend money={showMoney} />
        {bucket ? (
          <BucketDetail
            money={showMoney}
            kind={kind}
            bucket={bucket}
            siblingKeys={(data?.buckets ?? []).map((b) => b.key)}
            firstTs={data?.first_ts}
            unit={units.energy}
            drillLabel={target ? `Open ${periodLabel(target.kind, target.key)} ›` : undefined}
            onDrill={target ? drill : undefined}
            onClose={() => setSelected(null)}
          />
        ) : (
          <Text style={{ color: palette.muted, fontSize: 12 }}>
            Tap a bar for its numbers{kind === 'years' || kind === 'year' ? ' and to open it' : ''}.
            {kind !== 'years' ? ' Swipe or use the arrows to step.' : ''}
          </Text>
        )}
      </Card>
      <Card title={`Totals, ${label}`} testID="card-history-totals">
        <PeriodTotals report={data} money={showMoney} unit={units.energy} testID="history" />
        {!data && !energy.isError ? <Text style={{ color: palette.muted }}>Loading…</Text> : null}
      </Card>
    </Screen>
  );
}
