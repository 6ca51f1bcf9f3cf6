import { render, screen } from '@testing-library/react-native';
import type { MeterPower, PowerNow } from '@/api/types';
import { headline, MeterCard, meterAge, stateOf } from './phase-detail';

// Midday export, as seen on a real site: 5.56 kW of sun, 0.38 kW used at home, 5.18 kW exported.
// Both meters read outflow as negative: the inverter's production and the export.
const T = 1_750_000_000; // the server's clock when the grid meter read (epoch s)
const grid: MeterPower = {
  id: 'grid',
  role: 'grid',
  ts: T,
  online: true,
  stale: false,
  total_w: -5180,
  phases: [
    { phase: 'a', w: -2100, v: 231.2, a: 9.12 },
    { phase: 'b', w: -1850, v: 230.8, a: 8.05 },
    { phase: 'c', w: -1230, v: 232.0, a: 5.33 },
  ],
};
const solar: MeterPower = {
  id: 'solar',
  role: 'solar',
  ts: T - 0.4, // read 0.4 s before the grid meter
  online: true,
  stale: false,
  total_w: -5560,
  phases: [
    { phase: 'a', w: -1853.3, v: 231.5, a: 8.01 },
    { phase: 'b', w: -1853.3, v: 231.1, a: 8.02 },
    { phase: 'c', w: -1853.4, v: 232.3, a: 7.98 },
  ],
};
const sample: PowerNow = {
  ts: T,
  time: '2025-06-15T16:06:40+03:00',
  grid_w: -5180,
  solar_w: 5560,
  home_w: 380,
  stale: false,
  age_s: 0.9, // the oldest reading (solar) was 0.9 s old when the sample was taken
  max_1m: null,
  meters: [grid, solar],
};
const RECEIVED = 1_750_000_000_900; // when the app got the sample (ms, its own clock)

describe('headline', () => {
  it('shows production positive and the grid as export, as the flow diagram does', () => {
    expect(headline(solar)).toEqual({ watts: 5560, caption: 'production' });
    expect(headline(grid)).toEqual({ watts: 5180, caption: 'export' });
    expect(headline({ role: 'grid', total_w: 1234.5 })).toEqual({
      watts: 1234.5,
      caption: 'import',
    });
    // At night the inverter draws a few W: no negative production.
    expect(headline({ role: 'solar', total_w: 4.2 })).toEqual({
      watts: 0,
      caption: 'production (inverter idle)',
    });
  });
});

describe('meterAge', () => {
  it('dates each meter from the oldest reading and the time since the sample', () => {
    expect(meterAge(solar, sample, RECEIVED, RECEIVED)).toBeCloseTo(0.9); // the oldest one
    expect(meterAge(grid, sample, RECEIVED, RECEIVED)).toBeCloseTo(0.5); // 0.4 s younger
    // The server went away: 12 s without a new sample, and the ages keep growing.
    expect(meterAge(grid, sample, RECEIVED, RECEIVED + 12_000)).toBeCloseTo(12.5);
  });
});

describe('stateOf', () => {
  it('says online only while the reading is fresh, and the age once it is not', () => {
    expect(stateOf(grid, 0.5)).toEqual({ text: 'online', tone: 'ok' });
    expect(stateOf(grid, 12.5)).toEqual({ text: 'stale · 13 s old', tone: 'warning' });
    expect(stateOf({ ...grid, online: false, stale: false }, 75)).toEqual({
      text: 'offline · 75 s old',
      tone: 'danger',
    });
  });
});

describe('MeterCard', () => {
  it('reads production and export as magnitudes; the phases keep their signs, labelled', () => {
    render(
      <>
        <MeterCard meter={solar} unit="kW" age={0.9} />
        <MeterCard meter={grid} unit="kW" age={0.5} />
      </>,
    );
    expect(screen.getByTestId('meter-solar-total')).toHaveTextContent('5.56 kWproduction');
    expect(screen.getByTestId('meter-grid-total')).toHaveTextContent('5.18 kWexport');
    expect(screen.queryByText('−5.56 kW')).toBeNull();
    expect(screen.queryByText('-5.56 kW')).toBeNull();
    // The raw signed readings stay in the per-phase table, under a signed header and a legend.
    expect(screen.getAllByText('Power ±')).toHaveLength(2);
    expect(screen.getByLabelText(/^Phase A: −2\.10 kW signed/)).toBeTruthy();
    expect(screen.getByTestId('meter-grid-signs')).toHaveTextContent(
      'Phase power as the meter measures it: + is import from the grid, − is export to it.',
    );
    expect(screen.getByTestId('meter-solar-state')).toHaveTextContent('online');
  });

  it('shows the age of its data once the server has gone quiet', () => {
    render(
      <MeterCard meter={grid} unit="kW" age={meterAge(grid, sample, RECEIVED, RECEIVED + 6_000)} />,
    );
    // 0.5 s old at the sample, 6 s since: 6.5 s, over the 5 s limit.
    expect(screen.getByTestId('meter-grid-state')).toHaveTextContent('stale · 6.5 s old');
  });
});
