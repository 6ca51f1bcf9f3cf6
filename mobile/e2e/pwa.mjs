#!/usr/bin/env node
// End-to-end, the app as a homeowner gets it, in Debian's Chromium (playwright-core):
//  1. Installable and offline: `wattboard serve` over SQLite (seeded through POST /readings)
//     serves the web build; every route has its title; the DevTools protocol reports no
//     installability errors; the service worker caches the shell; with the server stopped the
//     app still opens and shows the saved data with its age.
//  2. From the cloud: `wattboard serve` over a MongoDB-wire server with two sites behind one
//     token; the app starts in remote mode, asks for the token, lists the sites, remembers the
//     choice and asks for it with ?site=, and never puts the token in a URL.
// Prints one JSON line of measurements; exit 0 only when every step passed.
//
//   node e2e/pwa.mjs     needs dist/ (npm run build:web) and ../.venv (make in the repo)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  bin,
  chromiumOptions,
  chromiumPath,
  freePort,
  mobile,
  repo,
  startGroup,
  waiter,
} from './lib.mjs';

const venvBin = join(repo, '.venv', 'bin');
const python = join(venvBin, 'python');
const secantusd = join(venvBin, 'secantusd-py');
const webDir = join(mobile, 'dist');
const work = mkdtempSync(join(tmpdir(), 'wattboard-pwa-'));
// This check's pace: a poll every 200 ms, 30 s unless a wait gives its own timeout.
const waitUntil = waiter({ timeout: 30_000, every: 200 });

// A fixed day in the past: the Day screen shows it whatever today is.
const DAY = '2025-06-02';
const NOON = Date.UTC(2025, 5, 2, 12) / 1000;
const TOKEN = 'pwa-e2e-token-0123456789';
const SHELL_CACHE = 'wattboard-shell-v1';

const results = [];
const measured = {};
const cleanups = [];

async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, ms: Date.now() - started });
    console.log(`pwa: ok   ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ name, ok: false, error: String(err?.message ?? err) });
    console.log(`pwa: FAIL ${name}: ${err?.stack ?? err}`);
    throw err;
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** Start a process in its own group; returns stop(), which ends it and waits. */
function start(name, command, args) {
  const log = openSync(join(work, `${name}.log`), 'w');
  // SIGTERM, SIGKILL after 10 s; a death by a signal counts as exited.
  const { stop, exited } = startGroup(command, args, {
    cwd: work,
    stdio: ['ignore', log, log],
    waitMs: 10_000,
    signalIsExit: true,
  });
  cleanups.push(stop);
  return { stop, exited, log: join(work, `${name}.log`) };
}

async function serve(name, toml) {
  const config = join(work, `${name}.toml`);
  writeFileSync(config, toml);
  const proc = start(name, bin, ['serve', '--config', config]);
  const port = /port = (\d+)/.exec(toml)[1];
  const base = `http://127.0.0.1:${port}`;
  await waitUntil(
    `${name} to answer`,
    async () => {
      if (proc.exited() !== null) throw new Error(`exited (${proc.exited()}); see ${proc.log}`);
      return (await fetch(`${base}/api/v1/health`)).ok;
    },
    120_000,
  );
  return { ...proc, base };
}

function reading(minute) {
  const values = {};
  for (const p of 'abc') {
    Object.assign(values, {
      [`${p}_import_wh`]: 0,
      [`${p}_export_wh`]: 0,
      [`${p}_max_w`]: 0,
      [`${p}_min_w`]: 0,
      [`${p}_avg_v`]: 230,
      [`${p}_avg_a`]: 0,
    });
  }
  // 1.2 kW for an hour: 1.2 kWh imported.
  Object.assign(values, { a_import_wh: 20, a_max_w: 1200, a_min_w: 1200 });
  return { meter: 'grid', ts: NOON + 60 * minute, ...values };
}

/** A browser with a profile on disk: an incognito context is never installable. */
async function launch(name) {
  const context = await chromium.launchPersistentContext(
    join(work, `profile-${name}`),
    chromiumOptions(),
  );
  cleanups.push(() => context.close());
  return context;
}

const importedLabel = '[aria-label^="Imported: 1.2"]';

// ---------------------------------------------------------------- 1. installable and offline

async function installableAndOffline() {
  const port = await freePort();
  const home = await serve(
    'home',
    `[site]\nid = "pwa"\ntimezone = "UTC"\n[store]\npath = "${join(work, 'pwa.db')}"\n` +
      `[api]\nhost = "127.0.0.1"\nport = ${port}\ntoken = "${TOKEN}"\nweb_dir = "${webDir}"\n` +
      `[[meters]]\nid = "grid"\nrole = "grid"\nurl = "http://127.0.0.1:9"\n`,
  );
  await step('seed 60 minutes through POST /readings', async () => {
    const r = await fetch(`${home.base}/api/v1/readings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(Array.from({ length: 60 }, (_, m) => reading(m))),
    });
    expect(r.ok, `POST /readings answered ${r.status}: ${await r.text()}`);
  });

  const context = await launch('home');
  const page = context.pages()[0] ?? (await context.newPage());
  await step('every route has its own title', async () => {
    for (const [path, title] of [
      ['/', 'Now · Wattboard'],
      ['/history', 'History · Wattboard'],
      ['/settings', 'Settings · Wattboard'],
      ['/prices', 'Prices · Wattboard'],
      [`/day?date=${DAY}`, 'Day · Wattboard'],
    ]) {
      await page.goto(`${home.base}${path}`);
      await waitUntil(`the title of ${path}`, async () => (await page.title()) === title);
    }
  });
  await step('the Day screen shows the seeded hour', async () => {
    await page.locator(importedLabel).first().waitFor({ timeout: 60_000 });
  });
  await step('the service worker is active and holds the shell', async () => {
    const cached = await waitUntil(
      'the shell cache',
      () =>
        page.evaluate(async (name) => {
          const registration = await navigator.serviceWorker.ready;
          if (!registration.active) return 0;
          const cache = await caches.open(name);
          const keys = await cache.keys();
          const paths = keys.map((k) => new URL(k.url).pathname);
          const complete =
            ['/', '/day', '/history', '/prices', '/settings'].every((p) => paths.includes(p)) &&
            paths.some((p) => p.startsWith('/_expo/static/js/'));
          return complete ? keys.length : 0;
        }, SHELL_CACHE),
      60_000,
    );
    measured.sw_cache_entries = cached;
    measured.sw_cache_bytes = await page.evaluate(async (name) => {
      const cache = await caches.open(name);
      let total = 0;
      for (const key of await cache.keys()) total += (await (await cache.match(key)).blob()).size;
      return total;
    }, SHELL_CACHE);
  });
  await step('Chromium finds it installable (Page.getInstallabilityErrors)', async () => {
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors.length === 0, `manifest errors: ${JSON.stringify(manifest.errors)}`);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(
      installabilityErrors.length === 0,
      `installability errors: ${JSON.stringify(installabilityErrors)}`,
    );
  });
  await step('the data is saved for an offline start', async () => {
    await waitUntil('the saved query cache', () =>
      page.evaluate(() => (localStorage.getItem('wattboard.cache.v1') ?? '').includes('"energy"')),
    );
  });

  await home.stop();
  await step(
    'with the server stopped, the app opens from the cache with the saved data',
    async () => {
      const response = await page.goto(`${home.base}/day?date=${DAY}`);
      expect(response?.fromServiceWorker(), 'the page did not come from the service worker');
      await page.locator(importedLabel).first().waitFor({ timeout: 60_000 });
      const banner = page.getByTestId('offline-banner');
      await banner.waitFor({ timeout: 60_000 });
      const text = await banner.innerText();
      expect(/Showing data from .+ ago/.test(text), `offline banner says: ${text}`);
      measured.offline_banner = text;
    },
  );
  await step('offline, another route opens from the cache too', async () => {
    await page.goto(`${home.base}/history`);
    await waitUntil(
      'the History title',
      async () => (await page.title()) === 'History · Wattboard',
    );
    await page.getByTestId('screen-history').first().waitFor({ timeout: 60_000 });
  });
  await context.close();
}

// ---------------------------------------------------------------- 2. from the cloud

async function mongo() {
  const port = await freePort();
  const proc = start('mongo', secantusd, [
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--storage-path',
    join(work, 'mongo'),
    '--log-level',
    'WARNING',
  ]);
  await waitUntil(
    'the MongoDB-wire server',
    () =>
      new Promise((resolve) => {
        const socket = createConnection(port, '127.0.0.1');
        socket.once('connect', () => socket.end(() => resolve(true)));
        socket.once('error', () => resolve(false));
      }),
    60_000,
  );
  const uri = `mongodb://127.0.0.1:${port}/`;
  // A second home's site document, as its Pi's replicator would write it.
  const seed = spawnSync(
    python,
    [
      '-c',
      'import sys, datetime; from pymongo import MongoClient; ' +
        'c = MongoClient(sys.argv[1], serverSelectionTimeoutMS=20000); ' +
        'c.pwa.sites.replace_one({"site": "cabin"}, {"site": "cabin", "timezone": "UTC", ' +
        '"netting": "minute", "meters": 1, ' +
        '"updated": datetime.datetime.now(datetime.UTC)}, upsert=True)',
      uri,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(seed.status === 0, `seeding the cabin site failed: ${seed.stderr}`);
  return uri;
}

async function fromTheCloud() {
  let uri;
  await step('a MongoDB-wire server with a second site', async () => {
    uri = await mongo();
  });
  const port = await freePort();
  const cloud = await serve(
    'cloud',
    `[site]\nid = "home"\ntimezone = "UTC"\n[store]\nbackend = "mongodb"\n` +
      `[api]\nhost = "127.0.0.1"\nport = ${port}\ntoken = "${TOKEN}"\nweb_dir = "${webDir}"\n` +
      `[api.site_tokens]\ncabin = "${TOKEN}"\n[mongo]\nuri = "${uri}"\ndatabase = "pwa"\n`,
  );
  const context = await launch('cloud');
  const page = context.pages()[0] ?? (await context.newPage());
  const requests = [];
  page.on('request', (r) => requests.push({ url: r.url(), auth: r.headers().authorization }));

  await step('the cloud serves the app without a token', async () => {
    const r = await fetch(`${cloud.base}/history`);
    expect(r.ok && (await r.text()).includes('/_expo/static/'), `/history answered ${r.status}`);
  });
  await step('opened from the cloud, the app asks for the token', async () => {
    await page.goto(`${cloud.base}/`);
    await page.getByTestId('token-prompt').waitFor({ timeout: 60_000 });
  });
  await step('a wrong token is refused with the reason', async () => {
    await page.getByTestId('prompt-token').fill('not-the-token');
    await page.getByTestId('prompt-submit').click();
    const error = page.getByTestId('prompt-error');
    await error.waitFor({ timeout: 30_000 });
    const text = await error.innerText();
    expect(text.includes('rejected the token (401)'), `prompt error: ${text}`);
  });
  await step('the right token lists both homes; choosing one opens it', async () => {
    await page.getByTestId('prompt-token').fill(TOKEN);
    await page.getByTestId('prompt-submit').click();
    await page.getByTestId('card-sites').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('site-home').isVisible(), 'no button for home');
    await page.getByTestId('site-cabin').click();
    await page.getByTestId('token-prompt').waitFor({ state: 'detached', timeout: 30_000 });
    await waitUntil('the Remote badge', async () =>
      (await page.getByTestId('connection-badge').first().innerText()).includes('Remote'),
    );
    await waitUntil('a request for the cabin', () =>
      requests.some((r) => r.url.includes('/api/v1/') && r.url.includes('site=cabin') && r.auth),
    );
  });
  await step('the choice and token are remembered, and never in a URL', async () => {
    const saved = JSON.parse(await page.evaluate(() => localStorage.getItem('wattboard.settings')));
    expect(saved.token === TOKEN && saved.site === 'cabin', `saved: ${JSON.stringify(saved)}`);
    expect(saved.homeUrl === '' && saved.remoteUrl === cloud.base, 'not in remote mode');
    await page.reload();
    const before = requests.length;
    await waitUntil('a request for the cabin after reload', () =>
      requests.slice(before).some((r) => r.url.includes('site=cabin')),
    );
    expect(!(await page.getByTestId('token-prompt').isVisible()), 'asked for the token again');
    expect(!requests.some((r) => r.url.includes(TOKEN)), 'the token went into a URL');
    expect(!page.url().includes(TOKEN), 'the token is in the page URL');
  });
  await context.close();
}

// ---------------------------------------------------------------- main

let failed = false;
try {
  for (const path of [bin, secantusd, join(webDir, 'index.html'), chromiumPath]) {
    expect(existsSync(path), `${path} missing: run make test (or npm run build:web) first`);
  }
  await installableAndOffline();
  await fromTheCloud();
} catch {
  failed = true;
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  if (!failed) rmSync(work, { recursive: true, force: true });
}
console.log(
  JSON.stringify({ pwa_e2e: failed ? 'failed' : 'passed', steps: results.length, ...measured }),
);
if (failed) console.log(`pwa: logs kept in ${work}`);
process.exit(failed ? 1 : 0);
