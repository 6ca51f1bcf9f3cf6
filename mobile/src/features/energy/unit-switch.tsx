// The kWh ↔ money switch of Day and History, and what it switches: the totals under the bars.
// The choice is one for both screens, kept on this device (view-preference.ts).
import type { ReactNode } from 'react';
import type { Energy } from '@/api/types';
import { Segmented } from '@/components/ui/segmented';
import type { EnergyUnit } from '@/lib/format';
import { moneyOf } from '@/lib/money';
import { MoneyTotals } from './money-totals';
import { Totals } from './totals';
import { useMoneyView, type EnergyView } from './view-preference';

/** The switch itself (shown only when the server prices energy). */
export function EnergyViewSwitch({
  view,
  onChange,
  unit,
  currency,
}: {
  view: EnergyView;
  onChange: (view: EnergyView) => void;
  unit: EnergyUnit;
  currency: string;
}) {
  return (
    <Segmented
      testID="energy-view"
      accessibilityLabel="Show energy or money"
      options={[
        { value: 'energy', label: unit, accessibilityLabel: `Show energy in ${unit}` },
        { value: 'money', label: currency, accessibilityLabel: `Show money in ${currency}` },
      ]}
      value={view}
      onChange={onChange}
    />
  );
}

export interface UnitSwitch {
  /** Money is chosen and the report has it: bars, legend and totals show money. */
  showMoney: boolean;
  /** The report's currency; null without a tariff. */
  currency: string | null;
  /** The switch, or null without a tariff (hidden, the stored choice kept for when one comes). */
  switcher: ReactNode;
}

/**
 * The kWh ↔ money choice for a screen showing `report`: pass the query's last answer, even of
 * the period before while this one loads, so the switch stays put.
 */
export function useUnitSwitch(report: Energy | undefined, unit: EnergyUnit): UnitSwitch {
  const { view, setView, currency, showMoney } = useMoneyView(
    report ? moneyOf(report.totals) : null,
  );
  return {
    showMoney,
    currency,
    switcher: currency ? (
      <EnergyViewSwitch view={view} onChange={setView} unit={unit} currency={currency} />
    ) : null,
  };
}

/**
 * A period's totals, in money (`${testID}-money`) when chosen and the period has it, else in
 * energy (`${testID}-totals`); nothing before the period's report has come.
 */
export function PeriodTotals({
  report,
  money,
  unit,
  testID,
}: {
  report: Energy | undefined;
  money: boolean;
  unit: EnergyUnit;
  testID: string;
}) {
  if (!report) return null;
  const totalsMoney = moneyOf(report.totals);
  return money && totalsMoney ? (
    <MoneyTotals money={totalsMoney} testID={`${testID}-money`} />
  ) : (
    <Totals
      flows={report.totals}
      unit={unit}
      installed={{ endTs: report.end_ts, firstTs: report.first_ts }}
      testID={`${testID}-totals`}
    />
  );
}
