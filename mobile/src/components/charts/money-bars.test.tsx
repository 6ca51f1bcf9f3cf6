// The money view of the bars: fees and energy cost above the axis, export revenue below.
import { screen } from '@testing-library/react-native';
import type { Energy, EnergyBucket, Money } from '@/api/types';
import moneyDay from '@/test/fixtures/energy-day-demo-money.json';
import { rect, renderBars } from '@/test/bars';
import { moneyStackOf } from './energy-bars';

const day = moneyDay as unknown as Energy;

function money(patch: Partial<Money>): Money {
  return {
    currency: 'EUR',
    import_cost: 0,
    export_revenue: 0,
    fixed_fees: 0,
    net_cost: 0,
    solar_savings: 0,
    priced: 1,
    ...patch,
  };
}

describe('money bars', () => {
  it('stacks fixed fees on the axis and the energy cost on top, revenue below', () => {
    renderBars(day.buckets, { currency: 'EUR' });
    // 12:00 of the demo day: import €0.0342, fees €0.0085, export revenue €0.0200.
    const fees = rect(12, 'fees');
    const cost = rect(12, 'cost');
    const revenue = rect(12, 'revenue');
    const axis = revenue.y;
    expect(fees.y + fees.height).toBeCloseTo(axis, 6);
    expect(cost.y + cost.height).toBeCloseTo(fees.y, 6);
    expect(cost.height / fees.height).toBeCloseTo(0.0342 / 0.0085, 6);
    expect(revenue.height / cost.height).toBeCloseTo(0.02 / 0.0342, 6);
    // 20:00 cost €0.2360 + €0.0085: ten times 12:00's €0.0342 + €0.0085, on one scale.
    const h20 = rect(20, 'fees').height + rect(20, 'cost').height;
    expect(h20 / (fees.height + cost.height)).toBeCloseTo(0.2445 / 0.0427, 6);
  });

  it('says of a bar whose energy was not all priced how much was', () => {
    renderBars(day.buckets, { currency: 'EUR' });
    expect(screen.getByTestId('bar-20').props.accessibilityLabel).toBe(
      '20:00: net cost €0.24, import €0.24, fixed fees €0.01, export revenue €0.00, solar saved €0.00, 75 % of the energy priced',
    );
    expect(screen.getByTestId('bar-12').props.accessibilityLabel).toBe(
      '12:00: net cost €0.02, import €0.03, fixed fees €0.01, export revenue €0.02, solar saved €0.07',
    );
  });

  it('moves negative amounts to the other side, and draws nothing without money', () => {
    // Export at a negative price costs money: it goes above the axis with the import cost.
    // Binary fractions, so the sums are exact: 0.25 + 0.5 = 0.75.
    expect(
      moneyStackOf(money({ import_cost: 0.25, export_revenue: -0.5, fixed_fees: 0.125 })),
    ).toEqual({
      selfConsumption: 0.125,
      gridImport: 0.75,
      gridExport: 0,
    });
    expect(moneyStackOf(money({ import_cost: -0.25, export_revenue: 0.5 }))).toEqual({
      selfConsumption: 0,
      gridImport: 0,
      gridExport: 0.75,
    });
    expect(moneyStackOf(null)).toEqual({ selfConsumption: 0, gridImport: 0, gridExport: 0 });
  });

  it('labels a bucket without prices and one without energy', () => {
    const [first] = day.buckets;
    renderBars(
      [
        { ...first!, money: null } as EnergyBucket,
        {
          ...first!,
          key: '2026-11-26T01:00:00+02:00',
          money: money({ priced: null }),
        } as EnergyBucket,
      ],
      { currency: 'EUR' },
    );
    expect(screen.getByTestId('bar-0').props.accessibilityLabel).toBe('00:00: no prices');
    expect(screen.getByTestId('bar-1').props.accessibilityLabel).toMatch(/, no energy$/);
  });
});
