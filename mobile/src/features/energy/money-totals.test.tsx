import { render, screen } from '@testing-library/react-native';
import { moneyOf } from '@/lib/money';
import type { Energy, Money } from '@/api/types';
import moneyDay from '@/test/fixtures/energy-day-demo-money.json';
import { MoneyTotals, pricedNote } from './money-totals';

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
