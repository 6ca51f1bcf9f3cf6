import { fireEvent, render, renderHook, screen, act } from '@testing-library/react-native';
import * as SecureStore from 'expo-secure-store';
import { moneyOf } from '@/lib/money';
import type { Energy, Money } from '@/api/types';
import moneyDay from '@/test/fixtures/energy-day-demo-money.json';
import plainDay from '@/test/fixtures/energy-day-demo.json';
import { EnergyViewSwitch, MoneyTotals, pricedNote } from './money-totals';
import {
  ENERGY_VIEW_KEY,
  loadEnergyView,
  resetEnergyView,
  setEnergyView,
  useMoneyView,
} from './view-preference';

const totals = moneyOf((moneyDay as unknown as Energy).totals)!;

describe('MoneyTotals', () => {
  it('shows net cost, its parts and the savings from the sun', () => {
    render(<MoneyTotals money={totals} testID="day-money" />);
    const label = (id: string) => screen.getByTestId(`day-money-${id}`).props.accessibilityLabel;
    // 2.9226 + 0.2040 − 0.0391 = 3.0875
    expect(label('net')).toBe('Net cost: €3.09');
    expect(label('import')).toBe('Import cost: €2.92');
    expect(label('export')).toBe('Export revenue: €0.04');
    expect(label('fees')).toBe('Fixed fees: €0.20');
    expect(label('savings')).toBe('Saved by the sun: €0.28');
    // 96.8 % of the demo day's energy had a price: shown, never a silent zero.
    expect(screen.getByTestId('day-money-priced').props.children).toBe(
      'Prices known for 96 % of the energy: the amounts leave out the rest.',
    );
  });

  it.each<[Money['priced'], string | null]>([
    [1, null],
    [null, null], // no energy: nothing to price
    [0.9999, 'Prices known for 99 % of the energy: the amounts leave out the rest.'],
    [0.004, 'Prices known for under 1 % of the energy: the amounts leave out the rest.'],
    [0, 'No prices known for this energy: these amounts are not its cost.'],
  ])('priced %s', (priced, text) => {
    expect(pricedNote({ priced })).toBe(text);
  });
});

describe('the kWh ↔ money view', () => {
  beforeEach(() => resetEnergyView());

  it('is hidden without a tariff and shows money only when chosen and priced', async () => {
    const { result, rerender } = renderHook(
      ({ money }: { money: Money | null }) => useMoneyView(money),
      { initialProps: { money: moneyOf((plainDay as Energy).totals) } },
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
    render(<SwitchHarness />);
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

function SwitchHarness() {
  const { view, setView, currency } = useMoneyView(totals);
  return <EnergyViewSwitch view={view} onChange={setView} unit="kWh" currency={currency!} />;
}
