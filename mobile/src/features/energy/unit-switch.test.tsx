import { act, fireEvent, render, renderHook, screen } from '@testing-library/react-native';
import * as SecureStore from 'expo-secure-store';
import type { Energy, Money } from '@/api/types';
import { moneyOf } from '@/lib/money';
import moneyDay from '@/test/fixtures/energy-day-demo-money.json';
import plainDay from '@/test/fixtures/energy-day-demo.json';
import { PeriodTotals, useUnitSwitch } from './unit-switch';
import {
  ENERGY_VIEW_KEY,
  loadEnergyView,
  resetEnergyView,
  setEnergyView,
  useMoneyView,
} from './view-preference';

const priced = moneyDay as unknown as Energy;
const unpriced = plainDay as Energy;
const totals = moneyOf(priced.totals)!;

beforeEach(() => resetEnergyView());

describe('the kWh ↔ money view', () => {
  it('is hidden without a tariff and shows money only when chosen and priced', async () => {
    const { result, rerender } = renderHook(
      ({ money }: { money: Money | null }) => useMoneyView(money),
      { initialProps: { money: moneyOf(unpriced.totals) } },
    );
    await act(() => loadEnergyView());
    // An answer without `money` (no tariff): no currency, so the screens hide the switch.
    expect(result.current).toMatchObject({ currency: null, showMoney: false, view: 'energy' });
    rerender({ money: totals });
    expect(result.current).toMatchObject({ currency: 'EUR', showMoney: false });
    await act(() => setEnergyView('money'));
    expect(result.current).toMatchObject({ view: 'money', showMoney: true });
    // The choice stays, but a period without money shows kWh.
    rerender({ money: null });
    expect(result.current).toMatchObject({ view: 'money', showMoney: false });
  });

  it('is remembered on this device', async () => {
    render(<SwitchHarness report={priced} />);
    fireEvent.press(screen.getByTestId('energy-view-money'));
    expect(SecureStore.setItemAsync).toHaveBeenCalledWith(ENERGY_VIEW_KEY, 'money');
    // A fresh start reads it back.
    resetEnergyView();
    const { result } = renderHook(() => useMoneyView(totals));
    expect(result.current.view).toBe('energy');
    await act(() => loadEnergyView());
    expect(result.current.view).toBe('money');
  });
});

describe('useUnitSwitch', () => {
  it('gives no switch for a report without money, and none before the first report', async () => {
    const { result, rerender } = renderHook(
      ({ report }: { report: Energy | undefined }) => useUnitSwitch(report, 'kWh'),
      { initialProps: { report: undefined as Energy | undefined } },
    );
    await act(() => loadEnergyView());
    expect(result.current).toEqual({ showMoney: false, currency: null, switcher: null });
    rerender({ report: unpriced });
    expect(result.current).toEqual({ showMoney: false, currency: null, switcher: null });
  });

  it('switches a priced report between kWh and euros, and the totals with it', () => {
    render(<SwitchHarness report={priced} />);
    expect(screen.getByTestId('energy-view-energy').props.accessibilityLabel).toBe(
      'Show energy in kWh',
    );
    expect(screen.getByTestId('energy-view-money').props.accessibilityLabel).toBe(
      'Show money in EUR',
    );
    // kWh first: the demo day used 21 782.6824 Wh.
    expect(screen.getByTestId('t-totals-consumption').props.accessibilityLabel).toBe(
      'Used: 21.8 kWh',
    );
    expect(screen.queryByTestId('t-money')).toBeNull();
    fireEvent.press(screen.getByTestId('energy-view-money'));
    // 2.9226 + 0.2040 − 0.0391 = 3.0875
    expect(screen.getByTestId('t-money-net').props.accessibilityLabel).toBe('Net cost: €3.09');
    expect(screen.queryByTestId('t-totals')).toBeNull();
  });
});

describe('PeriodTotals', () => {
  it('shows energy for a report without money even when money is chosen', () => {
    render(<PeriodTotals report={unpriced} money unit="kWh" testID="t" />);
    expect(screen.getByTestId('t-totals')).toBeTruthy();
    expect(screen.queryByTestId('t-money')).toBeNull();
  });

  it('shows nothing before the report has come', () => {
    render(<PeriodTotals report={undefined} money={false} unit="kWh" testID="t" />);
    expect(screen.queryByTestId('t-totals')).toBeNull();
    expect(screen.queryByTestId('t-money')).toBeNull();
  });
});

function SwitchHarness({ report }: { report: Energy }) {
  const { showMoney, switcher } = useUnitSwitch(report, 'kWh');
  return (
    <>
      {switcher}
      <PeriodTotals report={report} money={showMoney} unit="kWh" testID="t" />
    </>
  );
}
