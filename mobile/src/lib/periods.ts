// Calendar keys as the API names them (2025-05-16, 2025-W20, 2025-05, 2025) and the arithmetic
// between them. Pure calendar arithmetic: no time zone is involved in stepping from one key to
// the next; the server cuts the periods in the site's zone.
export type PeriodKind = 'day' | 'week' | 'month' | 'year' | 'years';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_MS = 86_400_000;

export interface YMD {
  y: number;
  m: number; // 1..12
  d: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function parseDateKey(key: string): YMD {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!match) throw new Error(`not a date key: ${key}`);
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

export function dateKey({ y, m, d }: YMD): string {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

export function isDateKey(key: string | undefined): key is string {
  if (!key || !/^\d{4}-\d{2}-\d{2}$/.test(key)) return false;
  const { y, m, d } = parseDateKey(key);
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function utc({ y, m, d }: YMD): number {
  return Date.UTC(y, m - 1, d);
}

function fromUtc(ms: number): YMD {
  const date = new Date(ms);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function addDays(key: string, days: number): string {
  return dateKey(fromUtc(utc(parseDateKey(key)) + days * DAY_MS));
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(key: string): number {
  return new Date(utc(parseDateKey(key))).getUTCDay();
}

/** The ISO week (Monday first; week 1 holds the year's first Thursday) of a date. */
export function isoWeekOf(key: string): string {
  const thursday = addDays(key, 3 - ((weekday(key) + 6) % 7));
  const { y } = parseDateKey(thursday);
  const week = Math.floor((utc(parseDateKey(thursday)) - Date.UTC(y, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${y}-W${pad(week)}`;
}

/** Monday of an ISO week key. */
export function isoWeekStart(weekKey: string): string {
  const match = /^(\d{4})-W(\d{2})$/.exec(weekKey);
  if (!match) throw new Error(`not a week key: ${weekKey}`);
  const jan4 = dateKey({ y: Number(match[1]), m: 1, d: 4 });
  const week1Monday = addDays(jan4, -((weekday(jan4) + 6) % 7));
  return addDays(week1Monday, (Number(match[2]) - 1) * 7);
}

/** The key of the period of `kind` that contains the day `date`. */
export function periodOf(kind: PeriodKind, date: string): string {
  switch (kind) {
    case 'day':
      return date;
    case 'week':
      return isoWeekOf(date);
    case 'month':
      return date.slice(0, 7);
    case 'year':
      return date.slice(0, 4);
    case 'years':
      return 'all';
  }
}

/** The first day of a period (for comparing with today). */
export function firstDay(kind: PeriodKind, key: string): string {
  switch (kind) {
    case 'day':
      return key;
    case 'week':
      return isoWeekStart(key);
    case 'month':
      return `${key}-01`;
    case 'year':
      return `${key}-01-01`;
    case 'years':
      return '0001-01-01';
  }
}

/** The period `delta` steps before (−) or after (+) `key`. */
export function shiftPeriod(kind: PeriodKind, key: string, delta: number): string {
  switch (kind) {
    case 'day':
      return addDays(key, delta);
    case 'week':
      return isoWeekOf(addDays(isoWeekStart(key), 7 * delta));
    case 'month': {
      const [y = 0, m = 1] = key.split('-').map(Number);
      const index = y * 12 + (m - 1) + delta;
      return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
    }
    case 'year':
      return pad(Number(key) + delta, 4);
    case 'years':
      return key;
  }
}

export function isValidKey(kind: PeriodKind, key: string | undefined): key is string {
  if (!key) return false;
  switch (kind) {
    case 'day':
      return isDateKey(key);
    case 'week': {
      const match = /^(\d{4})-W(\d{2})$/.exec(key);
      return !!match && Number(match[2]) >= 1 && isoWeekOf(isoWeekStart(key)) === key;
    }
    case 'month':
      return /^\d{4}-(0[1-9]|1[0-2])$/.test(key);
    case 'year':
      return /^\d{4}$/.test(key);
    case 'years':
      return true;
  }
}

/** Today's date key in `timeZone` (the site's), else in the device's zone. */
export function todayIn(timeZone?: string, now: Date = new Date()): string {
  if (timeZone) {
    try {
      const parts = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      }).formatToParts(now);
      const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
      const key = `${get('year')}-${get('month')}-${get('day')}`;
      if (isDateKey(key)) return key;
    } catch {
      // An engine without time zone data: the device's zone is the best guess.
    }
  }
  return dateKey({ y: now.getFullYear(), m: now.getMonth() + 1, d: now.getDate() });
}

/** A heading for a period: "Fri 16 May 2025", "Week 20, 12–18 May 2025", "May 2025". */
export function periodLabel(kind: PeriodKind, key: string): string {
  switch (kind) {
    case 'day': {
      const { y, m, d } = parseDateKey(key);
      return `${WEEKDAYS[weekday(key)]} ${d} ${MONTHS[m - 1]} ${y}`;
    }
    case 'week': {
      const start = parseDateKey(isoWeekStart(key));
      const end = parseDateKey(addDays(isoWeekStart(key), 6));
      const from = start.m === end.m ? `${start.d}` : `${start.d} ${MONTHS[start.m - 1]}`;
      return `Week ${Number(key.slice(6))}, ${from}–${end.d} ${MONTHS[end.m - 1]} ${end.y}`;
    }
    case 'month':
      return `${MONTHS_LONG[Number(key.slice(5, 7)) - 1]} ${key.slice(0, 4)}`;
    case 'year':
      return key;
    case 'years':
      return 'All years';
  }
}

/**
 * The short axis label of a bucket. Hour buckets are keyed by their local start with offset
 * ("2025-10-26T03:00:00+02:00"), so the label is the local hour and DST needs no special case.
 */
export function bucketLabel(kind: PeriodKind, bucketKey: string): string {
  switch (kind) {
    case 'day':
      return bucketKey.slice(11, 13);
    case 'week':
      return WEEKDAYS[weekday(bucketKey)] ?? bucketKey;
    case 'month':
      return String(Number(bucketKey.slice(8, 10)));
    case 'year':
      return MONTHS[Number(bucketKey.slice(5, 7)) - 1] ?? bucketKey;
    case 'years':
      return bucketKey;
  }
}

/**
 * A bucket's name in full, for accessibility labels and the detail panel. An hour reads as the
 * site's local clock ("11:00"); only the hour that repeats when the clocks go back carries its
 * offset, since nothing else tells its two bars apart. `siblingKeys` are the keys of every
 * bucket of the same period, which is how a repeated hour is recognised.
 */
export function bucketTitle(
  kind: PeriodKind,
  bucketKey: string,
  siblingKeys: readonly string[] = [],
): string {
  switch (kind) {
    case 'day': {
      const hour = bucketKey.slice(11, 16);
      const offset = bucketKey.slice(19);
      const repeated = siblingKeys.some(
        (other) => other !== bucketKey && other.slice(0, 16) === bucketKey.slice(0, 16),
      );
      return repeated && offset ? `${hour} (UTC${offset})` : hour;
    }
    case 'week':
    case 'month':
      return periodLabel('day', bucketKey);
    case 'year':
      return periodLabel('month', bucketKey);
    case 'years':
      return bucketKey;
  }
}

/** Where tapping a bucket leads: year → month → day; a week's day → that day. */
export function drillDown(
  kind: PeriodKind,
  bucketKey: string,
): { kind: PeriodKind; key: string } | null {
  switch (kind) {
    case 'years':
      return { kind: 'year', key: bucketKey };
    case 'year':
      return { kind: 'month', key: bucketKey };
    case 'month':
    case 'week':
      return { kind: 'day', key: bucketKey };
    case 'day':
      return null;
  }
}

export function monthName(m: number): string {
  return MONTHS_LONG[m - 1] ?? '';
}

export const WEEKDAY_SHORT = WEEKDAYS;
