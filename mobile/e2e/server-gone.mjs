#!/usr/bin/env node
// End-to-end, in Debian's Chromium: the server goes away while the Now screen streams live
// power. Within 5 s of the stream's loss the header badge must say "Offline" and every meter
// card must give the age of its data instead of "online". Only a browser shows this: the web
// app streams (Server-Sent Events), which jest cannot run.
// Prints one JSON line of measurements; exit 0 only when every check passed.
//
//   node e2e/server-gone.mjs     needs dist/ (npm run build:web) and ../.venv (make in the repo)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const mobile = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(mobile, '..');
const bin = process.env.WATTBOARD_BIN ?? join(repo, '.venv', 'bin', 'wattboard');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LIMIT_MS = 5000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what, fn, timeout) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${last.message})` : ''}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startDemo(port) {
  if (!existsSync(bin)) throw new Error(`${bin} missing: run \`make test\` in ${repo}`);
  mkdirSync(join(mobile, '.cache'), { recursive: true });
  const logPath = join(mobile, '.cache', 'e2e-server-gone.log');
  const child = spawn(bin, ['demo', '--port', String(port)], {
    cwd: repo,
    detached: true, // its own process group: stop() ends the demo and its emulators
    stdio: ['ignore', openSync(logPath, 'w'), openSync(logPath, 'a')],
  });
  let exited = null;
  child.once('exit', (code) => (exited = code));
  const stop = async () => {
    if (exited !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL'); // gone without a goodbye, as a pulled plug
    } catch {
      return;
    }
    for (let i = 0; i < 50 && exited === null; i++) await sleep(100);
  };
  const base = `http://127.0.0.1:${port}`;
  await waitUntil(
    'the demo to answer with live meters',
    async () => {
      if (exited !== null) throw new Error(`wattboard demo exited (${exited}); see ${logPath}`);
      const health = await (await fetch(`${base}/api/v1/health`)).json();
      return health.meters.length > 0 && health.meters.every((m) => m.online);
    },
    120_000,
  );
  return { base, stop };
}

async function main() {
  const port = await freePort();
  const demo = await startDemo(port);
  const profile = mkdtempSync(join(tmpdir(), 'wattboard-gone-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking'],
  });
  const measured = {};
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${demo.base}/`);
    const now = page.getByTestId('screen-now').last();
    const badge = page.getByTestId('connection-badge');
    const states = now.locator('[data-testid$="-state"][data-testid^="meter-"]');
    await waitUntil(
      'streaming live data',
      async () =>
        /streaming/.test((await now.getByTestId('live-status').getAttribute('aria-label')) ?? ''),
      60_000,
    );
    await waitUntil('the Home badge', async () => /Home/.test(await badge.innerText()), 10_000);
    const cards = await states.count();
    if (cards < 2) throw new Error(`expected 2 meter cards, found ${cards}`);
    if (!(await states.allInnerTexts()).every((t) => t === 'online')) {
      throw new Error('the meter cards should say online while the server streams');
    }

    await demo.stop();
    const gone = Date.now();
    await waitUntil(
      'the Offline badge',
      async () => /Offline/.test(await badge.innerText()),
      15_000,
    );
    measured.offline_badge_ms = Date.now() - gone;
    await waitUntil(
      'the meter cards to give their age',
      async () => (await states.allInnerTexts()).every((t) => / s old$/.test(t)),
      15_000,
    );
    measured.card_age_ms = Date.now() - gone;
    measured.card_texts = await states.allInnerTexts();
  } finally {
    await context.close();
    await demo.stop();
    rmSync(profile, { recursive: true, force: true });
  }
  const ok = measured.offline_badge_ms <= LIMIT_MS && measured.card_age_ms <= LIMIT_MS;
  console.log(JSON.stringify({ e2e: 'server-gone', ok, limit_ms: LIMIT_MS, ...measured }));
  if (!ok) process.exit(1);
}

main().catch((err) => {
  console.error(`server-gone: FAIL ${err?.stack ?? err}`);
  process.exit(1);
});
