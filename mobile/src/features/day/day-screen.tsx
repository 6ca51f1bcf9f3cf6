// Day: energy per hour (23, 24 or 25 bars: the server cuts the day in the site's zone) and the
// day's power curve, with previous / next / a calendar.
import { router, useLocalSearchParams } from 'expo-router';
import { useState } from 'react';
import { Text, View } from 'react-native';
import { Card } from '@/components/ui/card';
import { EnergyBars } from '@/components/charts/energy-bars';
import { PowerCurve } from '@/components/charts/power-curve';
import { AfterHydration } from '@/components/ui/after-hydration';
import { Button } from '@/components/ui/button';
import { BarsLegend, Legend } from '@/components/ui/legend';
import { ErrorNotice } from '@/components/ui/notice';
import { Screen } from '@/components/ui/screen';
import { useConnection, useUnits } from '@/features/connection/connection-provider';
import { useEnergy, useSiteToday } from '@/features/energy/api';
import { BucketDetail } from '@/features/energy/bucket-detail';
import { DataAge, fromCache } from '@/features/energy/data-age';
import { PeriodNav } from '@/features/energy/period-nav';
import { PeriodTotals, useUnitSwitch } from '@/features/energy/unit-switch';
import { addDays, isDateKey, periodLabel } from '@/lib/periods';
import { usePalette } from '@/lib/theme';
import { useClock } from '@/lib/use-clock';
import { useSwipe } from '@/lib/use-swipe';
import { usePowerDay } from './api';
import { DatePicker } from './date-picker';

export default function DayScreen() {
  return <AfterHydration testID="screen-day">{() => <DayContent />}</AfterHydration>;
}

function DayContent() {
  const palette = usePalette();
  const units = useUnits();
  const connection = useConnection();
  const now = useClock(10_000);
  const today = useSiteToday();
  const params = useLocalSearchParams<{ date?: string }>();
  const date = isDateKey(params.date) && params.date <= today ? params.date : today;
  const [selected, setSelected] = useState<{ date: string; index: number } | null>(null);
  const [picking, setPicking] = useState(false);

  const energy = useEnergy('day', date, { today });
  const curve = usePowerDay(date, today);
  const go = (next: string) => {
    if (next > today) return;
    setSelected(null);
    router.setParams({ date: next });
  };
  const swipe = useSwipe(
    () => go(addDays(date, -1)),
    () => go(addDays(date, 1)),
  );
  const label = periodLabel('day', date);
  const energyData = energy.data?.key === date ? energy.data : undefined;
  const selectedIndex = selected?.date === date ? selected.index : null;
  const selectedBucket = selectedIndex !== null ? energyData?.buckets[selectedIndex] : undefined;
  const curveData = curve.data?.date === date ? curve.data : undefined;
  // The previous day's answer while this one loads: the switch stays put.
  const { showMoney, currency, switcher } = useUnitSwitch(energy.data, units.energy);
  const span = energyData
    ? { startTs: energyData.start_ts, endTs: energyData.end_ts }
    : curveData && curveData.buckets.length
      ? {
          startTs: curveData.buckets[0]!.start_ts,
          endTs: curveData.buckets[curveData.buckets.length - 1]!.end_ts,
        }
      : null;

  return (
    <Screen testID="screen-day">
      <PeriodNav
        testID="day-nav"
        label={label}
        onPrev={() => go(addDays(date, -1))}
        onNext={() => go(addDays(date, 1))}
        prevLabel={`Previous day, ${periodLabel('day', addDays(date, -1))}`}
        nextLabel={`Next day, ${periodLabel('day', addDays(date, 1))}`}
        canNext={date < today}
        onPressLabel={() => setPicking(true)}
        labelHint="Pick a date"
      />
      {date !== today ? (
        <View style={{ alignItems: 'center' }}>
          <Button compact label="Back to today" onPress={() => go(today)} testID="day-today" />
        </View>
      ) : null}
      {energy.isError ? (
        <ErrorNotice
          action={`load the energy of ${label}`}
          error={energy.error}
          target={connection.target}
          updatedAt={energyData ? energy.dataUpdatedAt : undefined}
          now={now}
        />
      ) : null}
      {switcher}
      <Card title={showMoney ? 'Money by hour' : 'Energy by hour'} testID="card-day-bars">
        <View {...swipe} style={{ opacity: energyData ? 1 : 0.4 }}>
          <EnergyBars
            testID="day-bars"
            kind="day"
            buckets={energyData?.buckets ?? energy.data?.buckets ?? []}
            firstTs={energyData?.first_ts}
            unit={units.energy}
            palette={palette}
            label={
              showMoney
                ? `Money per hour on ${label}: fixed fees and energy cost above the line, export revenue below`
                : `Energy per hour on ${label}: solar used, grid import above the line, export below`
            }
            currency={showMoney ? currency : undefined}
            selected={selectedIndex}
            onSelect={(index) => setSelected(index === selectedIndex ? null : { date, index })}
          />
        </View>
        <BarsLegend money={showMoney} />
        {selectedBucket ? (
          <BucketDetail
            money={showMoney}
            kind="day"
            bucket={selectedBucket}
            siblingKeys={(energyData?.buckets ?? []).map((b) => b.key)}
            firstTs={energyData?.first_ts}
            unit={units.energy}
            onClose={() => setSelected(null)}
          />
        ) : (
          <Text style={{ color: palette.muted, fontSize: 12 }}>Tap a bar for its numbers.</Text>
        )}
      </Card>
      <Card title="Totals" testID="card-day-totals">
        <PeriodTotals report={energyData} money={showMoney} unit={units.energy} testID="day" />
        {energyData && energy.dataUpdatedAt && fromCache(connection.status, energy.isError) ? (
          <DataAge updatedAt={energy.dataUpdatedAt} now={now} testID="day-totals-age" />
        ) : null}
        {!energyData && !energy.isError ? (
          <Text style={{ color: palette.muted }}>Loading…</Text>
        ) : null}
      </Card>
      <Card title="Power during the day" testID="card-day-curve">
        {curve.isError ? (
          <ErrorNotice
            action="load the power curve"
            error={curve.error}
            target={connection.target}
            updatedAt={curveData ? curve.dataUpdatedAt : undefined}
            now={now}
          />
        ) : null}
        {span && curveData ? (
          <PowerCurve
            buckets={curveData.buckets}
            span={span}
            unit={units.power}
            palette={palette}
            label={`Power on ${label}: solar, home use and grid (export below zero)`}
            now={date === today ? now / 1000 : undefined}
          />
        ) : !curve.isError ? (
          <Text style={{ color: palette.muted }}>Loading…</Text>
        ) : null}
        <Legend
          items={[
            { color: palette.solar, label: 'Solar' },
            { color: palette.home, label: 'Home use', line: true },
            { color: palette.gridImport, label: 'Grid (export below 0)', line: true },
          ]}
        />
      </Card>
      <DatePicker
        key={`${date}-${picking}`}
        visible={picking}
        value={date}
        max={today}
        onChange={go}
        onClose={() => setPicking(false)}
      />
    </Screen>
  );
}
