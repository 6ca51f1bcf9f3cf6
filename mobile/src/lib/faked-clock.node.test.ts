// `make test-dates` really moves the clock: it sets WATTBOARD_FAKED_NOW (epoch seconds) next to
// libfaketime, and this checks that Node's clock, and so the site's today, are at that instant.
import { todayIn } from './periods';

const faked = process.env.WATTBOARD_FAKED_NOW;
const WINDOW_MS = 1_800_000; // as tests/run_dates.py: a case runs within 30 minutes

describe('the faked clock @dates', () => {
  (faked ? it : it.skip)('is the instant of the case, in the site’s zone too', () => {
    const expected = Number(faked) * 1000;
    const drift = Date.now() - expected;
    expect(drift).toBeGreaterThanOrEqual(-5_000); // whole-second offsets
    expect(drift).toBeLessThan(WINDOW_MS);
    expect(todayIn('Europe/Helsinki')).toBe(todayIn('Europe/Helsinki', new Date(expected)));
  });

  it('leaves the site’s today to the zone, not to UTC', () => {
    // 00:30 in Helsinki on 1 January is 22:30 UTC on 31 December.
    const instant = new Date(Date.UTC(2026, 11, 31, 22, 30));
    expect(todayIn('Europe/Helsinki', instant)).toBe('2027-01-01');
    expect(instant.toISOString().slice(0, 10)).toBe('2026-12-31');
  });
});
