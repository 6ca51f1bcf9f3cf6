import {
  formatAge,
  formatEnergy,
  formatMoney,
  formatMoneyTick,
  formatPercent,
  formatPower,
  formatPrice,
  formatPriceTick,
} from './format';

describe('format', () => {
  it('shows power in W or kW', () => {
    expect(formatPower(1234.5, 'W')).toBe('1,235 W');
    expect(formatPower(1234.5, 'kW')).toBe('1.23 kW');
    expect(formatPower(-15300, 'kW')).toBe('−15.3 kW');
    expect(formatPower(null, 'W')).toBe('—');
  });

  it('shows energy in Wh or kWh', () => {
    expect(formatEnergy(21782.6824, 'kWh')).toBe('21.8 kWh');
    expect(formatEnergy(317452.5563, 'kWh')).toBe('317 kWh');
    expect(formatEnergy(661.3194, 'Wh')).toBe('661 Wh');
  });

  it('shows ratios and ages', () => {
    expect(formatPercent(0.6178)).toBe('62 %');
    expect(formatPercent(null)).toBe('—');
    expect(formatAge(0.42)).toBe('0.4 s');
    expect(formatAge(42)).toBe('42 s');
    expect(formatAge(7500)).toBe('2 h 5 min');
  });

  it('shows money and prices', () => {
    expect(formatMoney(1.2756, 'EUR')).toBe('€1.28');
    expect(formatMoney(-0.5, 'EUR')).toBe('−€0.50');
    expect(formatMoney(-0.001, 'EUR')).toBe('€0.00');
    expect(formatMoney(1234.5, 'SEK')).toBe('1,234.50 SEK');
    expect(formatMoney(null, 'EUR')).toBe('—');
    expect(formatPrice(0.123456, 'EUR')).toBe('12.35 c/kWh');
    expect(formatPrice(-0.0142, 'EUR')).toBe('−1.42 c/kWh');
    expect(formatPrice(1.2345, 'SEK')).toBe('1.2345 SEK/kWh');
    expect(formatPrice(null, 'EUR')).toBe('—');
    expect(formatPriceTick(0.05, 'EUR', 0.05)).toBe('5');
    expect(formatPriceTick(0.025, 'EUR', 0.005)).toBe('2.5');
    expect(formatMoneyTick(0.2, 0.1)).toBe('0.2');
    expect(formatMoneyTick(2, 1)).toBe('2');
  });
});
