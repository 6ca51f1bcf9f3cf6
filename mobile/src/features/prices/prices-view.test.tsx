// The Prices view on recorded-shape fixtures: 15-minute prices across the 25-hour day, the
// current period marked, tomorrow absent, the cheapest hours. The device's zone is set far
// from the site's on purpose: every date and time must come from the server's answer.
import { fireEvent, render, screen } from '@testing-library/react-native';
import type { Prices } from '@/api/types';
import { layoutPrices } from '@/components/charts/price-layout';
import springForward from '@/test/fixtures/prices-2025-03-29.json';
import fallBack from '@/test/fixtures/prices-2025-10-25.json';
import { PricesView, siteToday } from './prices-view';

const WIDTH = 400;
const prices = fallBack as Prices;
const at = (local: string) => Date.parse(local) / 1000;
const text = (testID: string) => {
  const node = screen.getByTestId(testID);
  const children = node.props.children as unknown;
  return Array.isArray(children) ? children.join('') : String(children);
};

let zone: string | undefined;
beforeAll(() => {
  zone = process.env.TZ;
  process.env.TZ = 'America/Los_Angeles';
});
afterAll(() => {
  process.env.TZ = zone;
});

describe('PricesView', () => {
  it('draws today’s 100 quarters of the 25-hour day and marks the current one', () => {
    const now = at('2025-10-26T14:07:00+02:00');
    render(<PricesView prices={prices} nowTs={now} width={WIDTH} />);
    expect(screen.getByText('Today, Sun 26 Oct 2025')).toBeTruthy();
    expect(text('prices-today-summary')).toBe(
      '100 periods of 15 min · lowest 4.89 c/kWh at 13:15, highest 18.29 c/kWh at 18:15',
    );
    expect(screen.getByTestId('prices-current').props.accessibilityLabel).toBe(
      'Now, until 14:15: 5.82 c/kWh',
    );
    // 14:00 is the 61st quarter: 12 before 03:00, 03:00–04:00 twice (8), then 10 hours of 4.
    const marked = screen.getAllByTestId('price-now', { includeHiddenElements: true });
    expect(marked).toHaveLength(1);
    const today = prices.periods.filter((p) => p.start.startsWith('2025-10-26'));
    const layout = layoutPrices(
      today.map((p) => p.import_price!),
      WIDTH,
      200,
    );
    expect(Number(marked[0]!.props.x)).toBeCloseTo(layout.bars[60]!.x, 6);
    expect(today[60]!.start).toBe('2025-10-26T14:00:00+02:00');
    expect(text('prices-tomorrow-summary')).toMatch(/^96 periods of 15 min · /);
  });

  it('finds the cheapest hours from now, into tomorrow', () => {
    render(<PricesView prices={prices} nowTs={at('2025-10-26T14:07:00+02:00')} width={WIDTH} />);
    // Two hours (the default): tomorrow night beats this afternoon (9.08 c on average from now).
    expect(text('cheapest-result')).toBe(
      'Start at 03:00 tomorrow, until 05:00 tomorrow: 8.77 c/kWh on average.',
    );
    expect(text('cheapest-now')).toBe('Starting now: 9.08 c/kWh on average.');
    expect(
      screen.getAllByTestId(/^price-\d+-window$/, { includeHiddenElements: true }),
    ).toHaveLength(8); // eight quarters of tomorrow
    fireEvent.press(screen.getByTestId('cheapest-duration-1'));
    // The Sunday-noon dip is still on: one hour from right now is the cheapest.
    expect(text('cheapest-result')).toBe('Start now, until 15:07 today: 7.27 c/kWh on average.');
    expect(screen.queryByTestId('cheapest-now')).toBeNull();
    fireEvent.press(screen.getByTestId('cheapest-duration-6'));
    expect(text('cheapest-result')).toBe(
      'Start at 00:00 tomorrow, until 06:00 tomorrow: 10.28 c/kWh on average.',
    );
  });

  it('says tomorrow is not yet published, and what fits in the prices known', () => {
    const today = { ...prices, periods: prices.periods.filter((p) => p.start < '2025-10-27') };
    render(<PricesView prices={today} nowTs={at('2025-10-26T20:00:00+02:00')} width={WIDTH} />);
    expect(screen.getByText('Tomorrow, Mon 27 Oct 2025')).toBeTruthy();
    expect(text('prices-tomorrow-missing')).toBe(
      'Not yet published. Day-ahead prices come out in the early afternoon.',
    );
    expect(screen.queryByTestId('prices-tomorrow')).toBeNull();
    fireEvent.press(screen.getByTestId('cheapest-duration-6'));
    expect(text('cheapest-result')).toBe(
      'Not enough prices ahead for 6 h: the known prices end at 00:00 tomorrow.',
    );
  });

  it('shows spot prices by the hour on the 23-hour day when no tariff is set', () => {
    const spotOnly: Prices = {
      ...(springForward as Prices),
      currency: null,
      periods: (springForward as Prices).periods.map((p) => ({
        ...p,
        import_price: null,
        export_price: null,
      })),
    };
    render(<PricesView prices={spotOnly} nowTs={at('2025-03-30T12:30:00+03:00')} width={WIDTH} />);
    expect(screen.getByText('Today, Sun 30 Mar 2025')).toBeTruthy();
    expect(screen.getByText('Spot price (no tariff set, so no fees or VAT).')).toBeTruthy();
    expect(text('prices-today-summary')).toMatch(/^23 periods of 60 min · lowest −/);
    expect(screen.getByTestId('prices-current').props.accessibilityLabel).toMatch(
      /^Now, until 13:00: −?\d\.\d{4} \/kWh$/,
    );
  });

  it('takes today from the API’s zone when no period holds now', () => {
    // 23:30 UTC on 31 Oct is 1 November in Helsinki (and still 31 Oct in Los Angeles).
    const now = Date.UTC(2025, 9, 31, 23, 30) / 1000;
    expect(siteToday(prices, now)).toBe('2025-11-01');
    render(<PricesView prices={prices} nowTs={now} width={WIDTH} />);
    expect(screen.getByTestId('prices-current-missing')).toBeTruthy();
    expect(text('prices-today-missing')).toBe('No prices for today.');
    expect(text('cheapest-result')).toBe('No prices ahead of now.');
  });
});
