import { render, screen } from '@testing-library/react-native';
import type { Prices } from '@/api/types';
import fallBack from '@/test/fixtures/prices-2025-10-25.json';
import { gridMoneyText, PriceNow } from './price-now';

const prices = fallBack as Prices;
// 18:20 on 26 Oct 2025 in Helsinki: the 18:15 quarter, 18.29 c/kWh in full, export 8.891 c/kWh.
const NOW = Date.parse('2025-10-26T18:20:00+02:00') / 1000;
const period = prices.periods.find((p) => p.start === '2025-10-26T18:15:00+02:00')!;

describe('PriceNow', () => {
  it('shows the full import price of the current quarter and the cost per hour of the import', () => {
    render(<PriceNow prices={prices} gridW={2500} nowTs={NOW} unit="kW" />);
    expect(period.import_price).toBe(0.182904);
    expect(screen.getByTestId('price-now-value').props.accessibilityLabel).toBe(
      'Price now: 18.29 c/kWh, full import price, until 18:30',
    );
    // 2.5 kW × 0.182904 €/kWh = €0.457 per hour.
    expect(screen.getByTestId('price-now-rate').props.children).toBe(
      'Spending €0.46 per hour (buying 2.50 kW).',
    );
  });

  it.each([
    [-4000, 'Earning €0.36 per hour (selling 4.00 kW).'], // 4 kW × 0.08891 = €0.3556
    [2, 'Neither buying nor selling right now.'],
    [undefined, 'Waiting for live power…'],
  ])('grid %s W', (gridW, expected) => {
    expect(gridMoneyText(gridW, prices, NOW, 'kW')).toBe(expected);
  });

  it('pays to export at a negative price, and says when no price is known', () => {
    // 14:00 on the Sunday: spot −0.748 c, export price −1.048 c/kWh.
    const noon = Date.parse('2025-10-26T14:05:00+02:00') / 1000;
    expect(gridMoneyText(-3000, prices, noon, 'kW')).toBe(
      'Paying €0.03 per hour to sell 3.00 kW (a negative price).',
    );
    const later = Date.parse('2025-11-02T12:00:00+02:00') / 1000;
    expect(gridMoneyText(1500, prices, later, 'W')).toBe(
      'Buying 1,500 W; the price of this moment is not known.',
    );
    render(<PriceNow prices={prices} gridW={1500} nowTs={later} unit="W" />);
    expect(screen.getByTestId('price-now-missing')).toBeTruthy();
  });
});
