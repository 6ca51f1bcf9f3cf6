import { formatAge, formatEnergy, formatPercent, formatPower } from './format';

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
});
