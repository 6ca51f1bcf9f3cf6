import { render, screen } from '@testing-library/react-native';
import { DataAge, dataAgeText, fromCache } from './data-age';

const SAVED = Date.UTC(2025, 9, 26, 9, 15, 0); // the totals were fetched at 09:15 UTC

describe('fromCache', () => {
  it('flags figures as saved while no server answers or their refresh failed', () => {
    expect(fromCache('offline', false)).toBe(true);
    expect(fromCache('resolving', false)).toBe(true); // an offline start, still looking
    expect(fromCache('ok', true)).toBe(true);
    expect(fromCache('ok', false)).toBe(false);
  });
});

describe('DataAge', () => {
  it('gives the age of the cached day totals', () => {
    const now = SAVED + (2 * 3600 + 5 * 60) * 1000; // 2 h 5 min later
    render(<DataAge updatedAt={SAVED} now={now} testID="age" />);
    expect(screen.getByTestId('age')).toHaveTextContent(
      'Saved data, 2 h 5 min old: it updates when the server answers again.',
    );
  });

  it('counts seconds, minutes and days', () => {
    expect(dataAgeText(SAVED, SAVED + 42_000)).toMatch(/^Saved data, 42 s old/);
    expect(dataAgeText(SAVED, SAVED + 25 * 60_000)).toMatch(/^Saved data, 25 min old/);
    expect(dataAgeText(SAVED, SAVED + 3 * 86_400_000)).toMatch(/^Saved data, 3 d old/);
  });
});
