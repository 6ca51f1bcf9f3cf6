import { render, screen } from '@testing-library/react-native';
import type { Flows } from '@/api/types';
import { coverageNote, Totals } from './totals';

// October 2025 in Europe/Helsinki; the site's first record came on 10 October at 00:00.
const OCTOBER_9_END = 1_760_043_600; // 2025-10-10T00:00:00+03:00
const FIRST_TS = OCTOBER_9_END;
const OCTOBER_END = 1_761_948_000; // 2025-11-01T00:00:00+02:00

function flows(coverage: number | null): Flows {
  return {
    grid_import: 4200,
    grid_export: 1300,
    solar: 5100,
    consumption: 8000,
    self_consumption: 3800,
    self_sufficiency: 0.475, // 3800 / 8000
    self_consumption_ratio: 0.7451, // 3800 / 5100
    coverage,
  };
}

describe('coverageNote', () => {
  it('calls a day that ended before the first record "before this installation"', () => {
    const note = coverageNote(flows(null), { endTs: OCTOBER_9_END, firstTs: FIRST_TS });
    expect(note).toEqual({
      tone: 'info',
      text: 'Before this installation: nothing was recorded yet.',
    });
  });

  it('says nothing of a month complete since the first record', () => {
    // 22 days recorded of 31: complete, because the server counts from 10 October.
    expect(coverageNote(flows(1), { endTs: OCTOBER_END, firstTs: FIRST_TS })).toBeNull();
  });

  it('warns of minutes missing after the first record', () => {
    // 2 meters × 22 days (one of 25 h): 63 480 meter-minutes expected, 2 880 missing.
    const coverage = Math.round((60_600 / 63_480) * 1e4) / 1e4; // 0.9546
    expect(coverageNote(flows(coverage), { endTs: OCTOBER_END, firstTs: FIRST_TS })).toEqual({
      tone: 'warning',
      text: 'Data 95 % complete: some minutes are missing.',
    });
  });

  it('keeps the warning when the server knows no first record', () => {
    expect(coverageNote(flows(0.04), { endTs: OCTOBER_END, firstTs: null })?.text).toBe(
      'Data 4 % complete: some minutes are missing.',
    );
  });
});

describe('Totals', () => {
  it('shows "before this installation" and no missing-data warning before the first record', () => {
    render(
      <Totals
        flows={flows(null)}
        unit="kWh"
        installed={{ endTs: OCTOBER_9_END, firstTs: FIRST_TS }}
        testID="t"
      />,
    );
    expect(screen.getByTestId('t-coverage')).toHaveTextContent(
      'Before this installation: nothing was recorded yet.',
    );
    expect(screen.queryByText(/missing/)).toBeNull();
    expect(screen.getByLabelText('Used: 8.00 kWh')).toBeTruthy();
  });
});
