import {
  bucketLabel,
  bucketTitle,
  drillDown,
  isoWeekOf,
  isoWeekStart,
  isValidKey,
  periodLabel,
  periodOf,
  shiftPeriod,
  todayIn,
} from './periods';
import springForward from '@/test/fixtures/energy-day-2025-03-30.json';
import fallBack from '@/test/fixtures/energy-day-2025-10-26.json';

describe('periods @dates', () => {
  it('finds ISO weeks across year ends', () => {
    expect(isoWeekOf('2025-05-16')).toBe('2025-W20');
    expect(isoWeekOf('2025-12-29')).toBe('2026-W01'); // Monday of the week with 1 Jan 2026 (Thu)
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53'); // Sunday closing 2020's 53rd week
    expect(isoWeekStart('2026-W01')).toBe('2025-12-29');
    expect(isoWeekStart('2020-W53')).toBe('2020-12-28');
  });

  it('steps days, weeks, months and years', () => {
    expect(shiftPeriod('day', '2025-03-01', -1)).toBe('2025-02-28');
    expect(shiftPeriod('day', '2024-02-28', 1)).toBe('2024-02-29');
    expect(shiftPeriod('week', '2020-W53', 1)).toBe('2021-W01');
    expect(shiftPeriod('month', '2025-01', -1)).toBe('2024-12');
    expect(shiftPeriod('month', '2025-12', 1)).toBe('2026-01');
    expect(shiftPeriod('year', '2025', -1)).toBe('2024');
  });

  it('names periods', () => {
    expect(periodLabel('day', '2025-05-16')).toBe('Fri 16 May 2025');
    expect(periodLabel('week', '2025-W20')).toBe('Week 20, 12–18 May 2025');
    expect(periodLabel('week', '2025-W22')).toBe('Week 22, 26 May–1 Jun 2025');
    expect(periodLabel('month', '2025-05')).toBe('May 2025');
    expect(periodOf('week', '2025-05-16')).toBe('2025-W20');
  });

  it('labels buckets from their keys, DST hours included', () => {
    expect(bucketLabel('day', '2025-10-26T03:00:00+02:00')).toBe('03');
    expect(bucketLabel('week', '2025-05-12')).toBe('Mon');
    expect(bucketLabel('month', '2025-05-09')).toBe('9');
    expect(bucketLabel('year', '2025-05')).toBe('May');
  });

  it('drills down year → month → day', () => {
    expect(drillDown('years', '2025')).toEqual({ kind: 'year', key: '2025' });
    expect(drillDown('year', '2025-05')).toEqual({ kind: 'month', key: '2025-05' });
    expect(drillDown('month', '2025-05-16')).toEqual({ kind: 'day', key: '2025-05-16' });
    expect(drillDown('day', '2025-05-16T10:00:00+03:00')).toBeNull();
  });

  it('validates keys from the URL', () => {
    expect(isValidKey('day', '2025-02-29')).toBe(false);
    expect(isValidKey('week', '2025-W53')).toBe(false); // 2025 has 52 ISO weeks
    expect(isValidKey('week', '2020-W53')).toBe(true);
    expect(isValidKey('month', '2025-13')).toBe(false);
  });

  it("takes today's date in the site's zone", () => {
    // 22:30 UTC on 29 March is already 30 March in Helsinki (+02:00), still 29th in New York.
    const instant = new Date(Date.UTC(2025, 2, 29, 22, 30));
    expect(todayIn('Europe/Helsinki', instant)).toBe('2025-03-30');
    expect(todayIn('America/New_York', instant)).toBe('2025-03-29');
  });
});

describe('bucketTitle on DST days (Europe/Helsinki)', () => {
  it('names a fall-back day hour by local time, with the offset only on the repeated 03:00', () => {
    const keys = fallBack.buckets.map((b) => b.key);
    expect(keys).toHaveLength(25); // 24 h + the hour that repeats
    const titles = keys.map((key) => bucketTitle('day', key, keys));
    expect(titles.slice(0, 3)).toEqual(['00:00', '01:00', '02:00']);
    expect(titles[3]).toBe('03:00 (UTC+03:00)'); // summer time, the first time round
    expect(titles[4]).toBe('03:00 (UTC+02:00)'); // standard time, the second
    expect(titles[5]).toBe('04:00');
    expect(titles[14]).toBe('13:00');
    expect(titles.filter((t) => t.includes('UTC'))).toHaveLength(2);
  });

  it('never shows an offset on a spring-forward day, whose 03:00 does not exist', () => {
    const keys = springForward.buckets.map((b) => b.key);
    expect(keys).toHaveLength(23);
    const titles = keys.map((key) => bucketTitle('day', key, keys));
    expect(titles.slice(2, 4)).toEqual(['02:00', '04:00']);
    expect(titles.some((t) => t.includes('UTC'))).toBe(false);
  });
});
