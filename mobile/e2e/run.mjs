#!/usr/bin/env node
// End-to-end: the web build in Debian's Chromium (driven by playwright-core) against
// `wattboard demo`, started here on a free port and stopped at the end. Screenshots go to
// e2e/screenshots/ (kept between runs, ignored by git). Exit 0 only when every step passed.
//
//   node e2e/run.mjs            needs dist/ (npm run build:web) and ../.venv (make in the repo)
//   WATTBOARD_BIN=…  CHROMIUM_PATH=…  E2E_HEADED=1  to override the defaults
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  bin,
  chromiumOptions,
  ensureChromium,
  freePort,
  mobile,
  repo,
  sleep,
  startGroup,
  waiter,
} from './lib.mjs';

const shots = join(mobile, 'e2e', 'screenshots');
// Playwright's errors run over many lines: a failed wait names only the first.
const waitUntil = waiter({ timeout: 15_000, firstLine: true });
const results = [];
const problems = [];

// ---------------------------------------------------------------- setup

async function startDemo(port) {
  if (!existsSync(bin))
    throw new Error(`${bin} missing: run \`make test\` (or pip install -e .) in ${repo}`);
  mkdirSync(join(mobile, '.cache'), { recursive: true });
  const logPath = join(mobile, '.cache', 'e2e-demo.log');
  const log = openSync(logPath, 'w');
  // SIGTERM first: the demo stops its collector and emulators; SIGKILL after 5 s.
  const { stop, exited } = startGroup(bin, ['demo', '--port', String(port)], {
    cwd: repo,
    stdio: ['ignore', log, log],
  });
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  while (Date.now() - started < 120_000) {
    if (exited() !== null) throw new Error(`wattboard demo exited (${exited()}); see ${logPath}`);
    try {
      const r = await fetch(`${base}/api/v1/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  // The API answers while the collector still backfills the meters' 14 days of minutes: wait
  // until every meter's newest record is recent, so the screens show whole days.
  await waitUntil(
    'the demo to finish its backfill',
    async () => {
      const health = await (await fetch(`${base}/api/v1/health`)).json();
      const recent = Date.now() / 1000 - 180;
      return (
        health.meters.length > 0 && health.meters.every((m) => (m.last_record_ts ?? 0) > recent)
      );
    },
    120_000,
  );
  const page = await (await fetch(`${base}/`)).text();
  if (!page.includes('/_expo/static/')) {
    await stop();
    throw new Error('the demo does not serve the web build: run `npm run build:web` first');
  }
  return { base, stop, startupMs: Date.now() - started };
}

// ---------------------------------------------------------------- helpers

// Every step starts from a known state: a new browser context (fresh storage, no modal or
// route left over from an earlier step), one page opened at the step's route. A failed step
// leaves nothing behind, so it never makes the next one fail.
async function step(name, browser, { base, route, options = PHONE, before }, fn) {
  const started = Date.now();
  let page;
  try {
    page = await newPage(browser, options);
    if (before) await before(page);
    await page.goto(`${base}${route}`);
    await fn(page);
    results.push({ step: name, ms: Date.now() - started, ok: true });
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ step: name, ms: Date.now() - started, ok: false, error: err.message });
    console.log(`  ✗ ${name}: ${err.message}`);
    await page?.screenshot({ path: join(shots, `failed-${name}.png`) }).catch(() => undefined);
  } finally {
    await page
      ?.context()
      .close()
      .catch(() => undefined);
  }
}

const shot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`) });
const inScreen = (page, screen) => page.getByTestId(`screen-${screen}`);
const label = (locator) => locator.getAttribute('aria-label');
const text = (locator) => locator.innerText();
const bars = (page, screen, chart) => inScreen(page, screen).getByTestId(chart).getByRole('button');

// The phone shows whole watts: the evening house drifts by a few W a second, which kW with two
// decimals would hide for longer.
const PHONE = {
  viewport: { width: 390, height: 844 },
  colorScheme: 'light',
  deviceScaleFactor: 2,
  watts: true,
};
const DESK = { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' };

async function newPage(browser, { watts = false, ...options }) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  if (watts) {
    await page.addInitScript(() => {
      if (!localStorage.getItem('wattboard.settings')) {
        localStorage.setItem('wattboard.settings', JSON.stringify({ powerUnit: 'W' }));
      }
    });
  }
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (
      msg.type() === 'error' &&
      !/ERR_CONNECTION_REFUSED|net::ERR_|Failed to load resource/.test(msg.text())
    ) {
      problems.push(
        `console error: ${process.env.E2E_FULL_ERRORS ? msg.text() : msg.text().slice(0, 300)}`,
      );
    }
  });
  return page;
}

// ---------------------------------------------------------------- the run

async function main() {
  mkdirSync(shots, { recursive: true });
  // Screenshots are kept between runs, but a failure shot of an earlier run would mislead.
  for (const name of readdirSync(shots)) if (name.startsWith('failed-')) rmSync(join(shots, name));
  ensureChromium();
  const port = await freePort();
  const t0 = Date.now();
  const demo = await startDemo(port);
  console.log(`e2e: wattboard demo on ${demo.base} (ready in ${demo.startupMs} ms)`);
  const profile = mkdtempSync(join(tmpdir(), 'wattboard-e2e-'));
  const browser = await chromium.launch(
    chromiumOptions({
      headless: !process.env.E2E_HEADED,
      args: ['--no-first-run', '--disable-component-update', '--disable-sync'],
    }),
  );
  try {
    await scenario(browser, demo);
  } finally {
    await browser.close().catch(() => undefined);
    await demo.stop();
    rmSync(profile, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok);
  console.log(
    JSON.stringify({
      e2e: {
        total_ms: Date.now() - t0,
        steps: results.length,
        failed: failed.length,
        timings: Object.fromEntries(results.map((r) => [r.step, r.ms])),
      },
    }),
  );
  for (const p of problems) console.log(`e2e: ${p}`);
  if (failed.length || problems.length) process.exit(1);
}

async function scenario(browser, demo) {
  const { base } = demo;
  const at = (route, extra = {}) => ({ base, route, ...extra });
  // The site's calendar, not this machine's: just after midnight in Helsinki, UTC (and so
  // `new Date().toISOString()`) is still on the day before.
  const { timezone } = await api(base, '/energy/years');
  const today = () => todayIn(timezone);
  console.log(`e2e: the site's date is ${today()} (${timezone})`);

  await step('now-live-values-change', browser, at('/'), async (phone) => {
    const now = inScreen(phone, 'now');
    // Every live number on screen: the three nodes and each phase's W, V and A.
    const values = async () => {
      const phases = await now
        .getByTestId(/^meter-.+-phase-[abc]$/)
        .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
      return [await label(now.getByTestId('flow-diagram')), ...phases].join(' | ');
    };
    await now.getByTestId('meter-grid-phase-a').waitFor({ timeout: 20_000 });
    const first = await values();
    // The emulated house never holds still: new readings arrive every second.
    const changed = await waitUntil(
      'a new live value',
      async () => ((await values()) !== first ? await values() : null),
      20_000,
    );
    const index = [...first].findIndex((c, i) => c !== changed[i]);
    const around = (v) => v.slice(Math.max(0, index - 40), index + 30);
    console.log(`    before: …${around(first)}…\n    after:  …${around(changed)}…`);
    await now.getByTestId('today-consumption').waitFor();
  });

  await step('now-fresh-every-2s', browser, at('/'), async (phone) => {
    // Sample the age shown to the user for 6 s once live: it must never reach 2 s.
    const status = inScreen(phone, 'now').getByTestId('live-status');
    await waitUntil('live data', async () => /Live data/.test(await label(status)), 20_000);
    let worst = 0;
    for (let i = 0; i < 24; i++) {
      const match = /([\d.]+) s old/.exec(await label(status));
      if (!match) throw new Error(`unexpected status: ${await label(status)}`);
      worst = Math.max(worst, Number(match[1]));
      await sleep(250);
    }
    if (worst >= 2) throw new Error(`live data was ${worst} s old`);
    await shot(phone, 'now-phone');
  });

  await step('now-paused-when-hidden', browser, at('/'), async (phone) => {
    // The browser hides the tab: the stream closes, so the data ages into the stale marker;
    // visible again, it is fresh within a tick.
    const now = inScreen(phone, 'now');
    const live = async () =>
      /Live data, [\d.]+ s old/.test(await label(now.getByTestId('live-status')));
    await waitUntil('live data', live, 20_000);
    const setVisibility = (state) =>
      phone.evaluate((value) => {
        Object.defineProperty(document, 'visibilityState', { value, configurable: true });
        Object.defineProperty(document, 'hidden', {
          value: value === 'hidden',
          configurable: true,
        });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await setVisibility('hidden');
    await now.getByTestId('stale-marker').waitFor({ timeout: 10_000 });
    await setVisibility('visible');
    await waitUntil('live data again', live, 5_000);
  });

  await step('day-bars-and-curve', browser, at('/'), async (phone) => {
    await phone.getByTestId('tab-day').click();
    // One bar per hour of the site's today: 23 or 25 on the days the clocks change.
    const hours = (await api(base, `/energy/day/${today()}`)).buckets.length;
    await waitUntil(
      `${hours} hourly bars`,
      async () => (await bars(phone, 'day', 'day-bars').count()) === hours,
    );
    await inScreen(phone, 'day').getByTestId('power-curve').waitFor();
    await shot(phone, 'day-today');
  });

  // At the site's today by its URL: until the first answer tells the app the site's zone, its
  // "today" is the browser's, a day behind just after midnight in Helsinki.
  const date = today();
  await step('day-step-and-pick', browser, at(`/day?date=${date}`), async (phone) => {
    const day = inScreen(phone, 'day');
    const dayInUrl = () => new URL(phone.url()).searchParams.get('date');
    await waitUntil('today’s totals', () => day.getByTestId('day-totals-consumption').isVisible());
    await day.getByTestId('day-nav-prev').click();
    const yesterday = shift(date, -1);
    await waitUntil(`yesterday, ${yesterday}`, () => dayInUrl() === yesterday);
    await waitUntil('yesterday’s totals', () =>
      day.getByTestId('day-totals-consumption').isVisible(),
    );
    await bars(phone, 'day', 'day-bars').nth(12).click();
    await day.getByTestId('bucket-detail').waitFor();
    await shot(phone, 'day-yesterday-detail');
    // Two days before yesterday: in the month before on the 2nd and 3rd (the year before in
    // January), where the calendar must first step back a month.
    const twoBefore = shift(yesterday, -2);
    await pickInCalendar(phone, day, yesterday, twoBefore, 'day-date-picker');
    await waitUntil(`the picked date ${twoBefore}`, () => dayInUrl() === twoBefore);
    await day.getByTestId('day-nav-next').click();
    const next = shift(twoBefore, 1);
    await waitUntil(`one day later, ${next}`, () => dayInUrl() === next);
    // Across a month boundary on every date: the last day of the month before, then the next.
    const lastOfPrevious = shift(`${next.slice(0, 7)}-01`, -1);
    await pickInCalendar(phone, day, next, lastOfPrevious);
    await waitUntil(`the picked date ${lastOfPrevious}`, () => dayInUrl() === lastOfPrevious);
    await day.getByTestId('day-nav-next').click();
    await waitUntil(
      `the 1st, ${next.slice(0, 7)}-01`,
      () => dayInUrl() === `${next.slice(0, 7)}-01`,
    );
  });

  await step('history-month-step-and-swipe', browser, at('/'), async (phone) => {
    await phone.getByTestId('tab-history').click();
    const history = inScreen(phone, 'history');
    const month = await waitUntil('the month', () =>
      text(history.getByTestId('history-nav-label')),
    );
    // One bar per day of the site's month.
    const days = (await api(base, `/energy/month/${today().slice(0, 7)}`)).buckets.length;
    await waitUntil(
      `${days} daily bars`,
      async () => (await bars(phone, 'history', 'history-bars').count()) === days,
    );
    await shot(phone, 'history-month');
    await history.getByTestId('history-nav-prev').click();
    await waitUntil(
      'the previous month',
      async () => (await text(history.getByTestId('history-nav-label'))) !== month,
    );
    await history.getByTestId('history-nav-next').click();
    await waitUntil(
      'back to this month',
      async () => (await text(history.getByTestId('history-nav-label'))) === month,
    );
    // A swipe to the right on the chart steps back one period.
    const box = await history.getByTestId('history-bars').boundingBox();
    await phone.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await phone.mouse.down();
    await phone.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2 + 4, { steps: 8 });
    await phone.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2 + 4, { steps: 8 });
    await phone.mouse.up();
    await waitUntil(
      'the swipe to the previous month',
      async () => (await text(history.getByTestId('history-nav-label'))) !== month,
    );
  });

  await step('history-week-and-years', browser, at('/history'), async (phone) => {
    const history = inScreen(phone, 'history');
    await history.getByTestId('history-kind-week').click();
    await waitUntil(
      '7 daily bars',
      async () => (await bars(phone, 'history', 'history-bars').count()) === 7,
    );
    const week = await text(history.getByTestId('history-nav-label'));
    await history.getByTestId('history-nav-prev').click();
    await waitUntil(
      'the week before',
      async () => (await text(history.getByTestId('history-nav-label'))) !== week,
    );
    await shot(phone, 'history-week');
    await history.getByTestId('history-kind-years').click();
    await history.getByTestId('history-totals-consumption').waitFor();
    await waitUntil('a bar per year', async () =>
      /^\d{4}:/.test(await label(bars(phone, 'history', 'history-bars').first())),
    );
    await shot(phone, 'history-years');
  });

  await step('history-drill-years-year-month-day', browser, at('/history'), async (phone) => {
    const history = inScreen(phone, 'history');
    const yearBars = bars(phone, 'history', 'history-bars');
    await history.getByTestId('history-kind-years').click();
    await waitUntil('a bar per year', async () => /^\d{4}:/.test(await label(yearBars.first())));
    const date = today();
    await yearBars.last().click(); // this year
    await history.getByTestId('drill-down').click();
    await waitUntil('12 monthly bars', async () => (await yearBars.count()) === 12);
    await yearBars.nth(Number(date.slice(5, 7)) - 1).click();
    await history.getByTestId('bucket-detail').waitFor();
    await shot(phone, 'history-year-detail');
    await history.getByTestId('drill-down').click();
    await waitUntil('the month’s daily bars', async () => (await yearBars.count()) >= 28);
    // Yesterday: a whole day of data (today, when today is the 1st).
    await yearBars.nth(Math.max(0, Number(date.slice(8, 10)) - 2)).click();
    const drill = history.getByTestId('drill-down');
    const drilledDay = /Open (.*) ›/.exec(await text(drill))?.[1] ?? '';
    await drill.click();
    await waitUntil(
      'the Day screen of the drilled day',
      async () => (await text(inScreen(phone, 'day').getByTestId('day-nav-label'))) === drilledDay,
    );
    await shot(phone, 'history-drilled-to-day');
  });

  await step('settings-test-and-units', browser, at('/'), async (phone) => {
    await phone.getByTestId('tab-settings').click();
    const settings = inScreen(phone, 'settings');
    await waitUntil('"Home: …" in use', async () =>
      (await text(settings.getByTestId('connection-status'))).startsWith(`Home: ${base}`),
    );
    await settings.getByTestId('test-home').click();
    await waitUntil('a passing test', async () =>
      (await text(settings.getByTestId('check-result'))).startsWith('OK: Wattboard'),
    );
    await settings.getByTestId('unit-power-W').click();
    await settings.getByTestId('card-connection').scrollIntoViewIfNeeded();
    await shot(phone, 'settings');
    await phone.getByTestId('tab-now').click();
    await waitUntil('watts on Now', async () =>
      / \d[\d,]* W,/.test(await label(inScreen(phone, 'now').getByTestId('flow-diagram'))),
    );
  });

  await step('fallback-to-remote', browser, at('/settings'), async (phone) => {
    // Home points at a closed port, the remote URL at the demo: the app must switch to remote.
    const settings = inScreen(phone, 'settings');
    await settings.getByTestId('home-url').fill(`http://127.0.0.1:${await freePort()}`);
    await settings.getByTestId('remote-url').fill(base);
    await settings.getByTestId('save-settings').click();
    await waitUntil(
      '"Remote: …" in use',
      async () =>
        (await text(settings.getByTestId('connection-status'))).startsWith(`Remote: ${base}`),
      10_000,
    );
    await settings.getByTestId('card-connection').scrollIntoViewIfNeeded();
    await shot(phone, 'settings-fallback-remote');
    await phone.getByTestId('tab-now').click();
    await inScreen(phone, 'now').getByTestId('remote-no-live').waitFor();
    await shot(phone, 'now-remote');
    // Back to home: the app switches back.
    await phone.getByTestId('tab-settings').click();
    await settings.getByTestId('home-url').fill(base);
    await settings.getByTestId('remote-url').fill('');
    await settings.getByTestId('save-settings').click();
    await waitUntil(
      '"Home: …" again',
      async () =>
        (await text(settings.getByTestId('connection-status'))).startsWith(`Home: ${base}`),
      10_000,
    );
  });

  // A sunny export sample, served in place of the stream, must turn the grid line around
  // (home → grid) whatever the demo's hour; kW here, the app's default unit.
  const exportSample = async (page) => {
    const sample = await api(base, '/power/now');
    Object.assign(sample, { grid_w: -1800, solar_w: 3000, home_w: 1200, stale: false, age_s: 0.3 });
    sample.ts = Date.now() / 1000;
    const body = `retry: 60000\nevent: power\ndata: ${JSON.stringify(sample)}\n\n`;
    await page.route('**/api/v1/power/stream', (route) =>
      route.fulfill({ status: 200, contentType: 'text/event-stream', body }),
    );
    await page.route('**/api/v1/power/now', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(sample) }),
    );
  };
  const kw = { viewport: PHONE.viewport, deviceScaleFactor: 2 };
  await step(
    'now-export-reverses-grid-line',
    browser,
    at('/', { options: kw, before: exportSample }),
    async (page) => {
      const now = inScreen(page, 'now');
      await waitUntil('the export sample', async () =>
        (await label(now.getByTestId('flow-diagram')))?.includes('exporting 1.80 kW to the grid'),
      );
      // The grid line is drawn from its source to its target: it must start at the home node.
      const d = await now.locator('[data-testid="flow-grid"]').getAttribute('d');
      const [x1, , x2] = d.match(/-?\d+(\.\d+)?/g).map(Number);
      if (!(x1 > x2))
        throw new Error(`grid line runs left to right (${d}); export must run home → grid`);
      await shot(page, 'now-export-sample');
    },
  );

  // Money (issue 11): the demo has a Finnish tariff and fetches the emulator's spot prices.
  // Amounts as the app shows them: euros and cents per kWh with two decimals, "−" for minus.
  const signed = (x, digits) => `${Number(x.toFixed(2)) < 0 ? '−' : ''}${digits}`;
  const euro = (x) => signed(x, `€${Math.abs(x).toFixed(2)}`);
  const cents = (x) => signed(x * 100, `${Math.abs(x * 100).toFixed(2)} c/kWh`);
  // The period holding this instant, as the API prices it (asked anew: periods end).
  const currentPeriod = async () => {
    const nowTs = Date.now() / 1000;
    const span = `start=${Math.floor(nowTs - 3600)}&end=${Math.ceil(nowTs + 3600)}`;
    const answer = await api(base, `/prices?${span}`);
    const period = answer.periods.find((p) => p.start_ts <= nowTs && nowTs < p.end_ts);
    if (!period) throw new Error(`the demo has no price for now (${answer.periods.length} near)`);
    return period;
  };

  // Yesterday: a finished day, so its money no longer moves while the step compares it.
  const finished = shift(date, -1);
  await step(
    'money-switch-day-and-history',
    browser,
    at(`/day?date=${finished}`),
    async (phone) => {
      const day = inScreen(phone, 'day');
      const { money } = (await api(base, `/energy/day/${finished}`)).totals;
      if (!money) throw new Error('the demo answers without money: no tariff?');
      await day.getByTestId('energy-view-money').click();
      await waitUntil('money totals', () => day.getByTestId('day-money-net').isVisible());
      const shown = await label(day.getByTestId('day-money-net'));
      if (shown !== `Net cost: ${euro(money.net_cost)}`) {
        throw new Error(`${shown}, but the API says ${money.net_cost} ${money.currency}`);
      }
      await waitUntil('money bars', async () =>
        /^\d\d:00: net cost /.test(await label(bars(phone, 'day', 'day-bars').first())),
      );
      await shot(phone, 'day-money');
      // Remembered on this device: History opens in money, and so does a reload.
      await phone.getByTestId('tab-history').click();
      const history = inScreen(phone, 'history');
      await history.getByTestId('history-money-savings').waitFor();
      await phone.reload();
      await history.getByTestId('history-money-net').waitFor({ timeout: 20_000 });
      await shot(phone, 'history-money');
      await history.getByTestId('energy-view-energy').click();
      await history.getByTestId('history-totals-consumption').waitFor();
    },
  );

  await step('prices-today-tomorrow-cheapest', browser, at('/prices'), async (phone) => {
    const prices = inScreen(phone, 'prices');
    await waitUntil('the current price', async () => {
      const shown = await label(prices.getByTestId('prices-current')).catch(() => null);
      return !!shown && shown.endsWith(`: ${cents((await currentPeriod()).import_price)}`);
    });
    // One bar per period of the site's today (15 minutes: 92, 96 or 100), the current marked.
    const answer = await api(base, `/prices?start=${today()}&end=${shift(today(), 2)}`);
    const periods = answer.periods.filter((p) => p.start.slice(0, 10) === today()).length;
    const chart = prices.getByTestId('prices-today');
    const drawn = () =>
      chart
        .locator('[data-testid^="price-"]')
        .evaluateAll(
          (els) =>
            els.filter((e) => /^price-(\d+(-window)?|now)$/.test(e.getAttribute('data-testid')))
              .length,
        );
    await waitUntil(`${periods} price bars`, async () => (await drawn()) === periods);
    await chart.getByTestId('price-now').waitFor();
    const tomorrow = answer.periods.some((p) => p.start.slice(0, 10) === shift(today(), 1));
    await prices.getByTestId(tomorrow ? 'prices-tomorrow' : 'prices-tomorrow-missing').waitFor();
    await prices.getByTestId('cheapest-duration-3').click();
    const cheapest =
      /^(Start (now|at \d\d:\d\d (today|tomorrow)), until \d\d:\d\d (today|tomorrow): −?[\d.]+ c\/kWh on average\.|Not enough prices ahead for 3 h)/;
    await waitUntil('the cheapest 3 h', async () =>
      cheapest.test(await text(prices.getByTestId('cheapest-result'))),
    );
    console.log(
      `    ${periods} periods today; ${await text(prices.getByTestId('cheapest-result'))}`,
    );
    await shot(phone, 'prices');
  });

  await step('now-price-and-rate', browser, at('/'), async (phone) => {
    const now = inScreen(phone, 'now');
    const value = now.getByTestId('price-now-value');
    await value.waitFor({ timeout: 20_000 });
    await waitUntil('the price of this period', async () =>
      (await label(value)).startsWith(
        `Price now: ${cents((await currentPeriod()).import_price)}, full import price`,
      ),
    );
    const rate =
      /^(Spending €[\d.]+ per hour|Earning €[\d.]+ per hour|Paying €[\d.]+ per hour|Neither buying nor selling)/;
    await waitUntil('what the grid costs or earns per hour', async () =>
      rate.test(await text(now.getByTestId('price-now-rate'))),
    );
    console.log(`    ${await label(value)} · ${await text(now.getByTestId('price-now-rate'))}`);
    await now.getByTestId('card-price-now').scrollIntoViewIfNeeded();
    await shot(phone, 'now-price');
  });

  await step('desktop-dark', browser, at('/', { options: DESK }), async (desk) => {
    await inScreen(desk, 'now').getByTestId('meter-grid').waitFor({ timeout: 20_000 });
    await sleep(500);
    await shot(desk, 'now-desktop-dark');
    await desk.goto(`${base}/day`);
    await waitUntil(
      'hourly bars',
      async () => (await bars(desk, 'day', 'day-bars').count()) >= 23,
      20_000,
    );
    await inScreen(desk, 'day').getByTestId('power-curve').waitFor();
    await shot(desk, 'day-desktop-dark');
    await desk.goto(`${base}/history?period=year&key=${today().slice(0, 4)}`);
    await waitUntil(
      'monthly bars',
      async () => (await bars(desk, 'history', 'history-bars').count()) === 12,
      20_000,
    );
    await shot(desk, 'history-year-desktop-dark');
  });

  // Last: it stops the demo.
  await step('offline-keeps-last-data', browser, at('/'), async (phone) => {
    const now = inScreen(phone, 'now');
    await waitUntil(
      'live data',
      async () => /Live data/.test(await label(now.getByTestId('live-status'))),
      20_000,
    );
    await demo.stop();
    await now.getByTestId('stale-marker').waitFor({ timeout: 15_000 });
    await now.getByTestId('live-error').waitFor({ timeout: 15_000 });
    await now.getByTestId('flow-diagram').waitFor(); // the last values stay on screen
    await sleep(1500);
    await shot(phone, 'now-offline');
  });
}

// Opens the calendar on `shown` and picks `target`, stepping the months in between first.
async function pickInCalendar(page, day, shown, target, screenshot) {
  await day.getByTestId('day-nav-pick').click();
  await page.getByTestId('date-picker').waitFor();
  await sleep(600); // the modal fades in
  if (screenshot) await shot(page, screenshot);
  const months = monthIndex(target) - monthIndex(shown);
  for (let i = 0; i < Math.abs(months); i++) {
    await page.getByTestId(months < 0 ? 'picker-prev' : 'picker-next').click();
  }
  await page.getByTestId(`picker-day-${target}`).click();
}

const monthIndex = (date) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;

async function api(base, path) {
  const response = await fetch(`${base}/api/v1${path}`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
  return response.json();
}

// The date in `timeZone` at `now`, as YYYY-MM-DD (the Canadian English format is ISO's).
function todayIn(timeZone, now = new Date()) {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

function shift(date, days) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

main().catch((err) => {
  console.error(`e2e: ${err.message}`);
  process.exit(1);
});
