#!/usr/bin/env node
// End-to-end, in Debian's Chromium: the server goes away while the Now screen streams live
// power. Within 5 s of the stream's loss the header badge must say "Offline" and every meter
// card must give the age of its data instead of "online". Only a browser shows this: the web
// app streams (Server-Sent Events), which jest cannot run.
// Prints one JSON line of measurements; exit 0 only when every check passed.
//
//   node e2e/server-gone.mjs     needs dist/ (npm run build:web) and ../.venv (make in the repo)
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { bin, chromiumOptions, freePort, mobile, repo, startGroup, waiter } from './lib.mjs';

const LIMIT_MS = 5000;
// No default timeout: every wait here gives its own.
const waitUntil = waiter();

async function startDemo(port) {
  if (!existsSync(bin)) throw new Error(`${bin} missing: run \`make test\` in ${repo}`);
  mkdirSync(join(mobile, '.cache'), { recursive: true });
  const logPath = join(mobile, '.cache', 'e2e-server-gone.log');
  const log = openSync(logPath, 'w');
  const { stop, exited } = startGroup(bin, ['demo', '--port', String(port)], {
    cwd: repo,
    stdio: ['ignore', log, log],
    signal: 'SIGKILL', // gone without a goodbye, as a pulled plug
    thenKill: false,
    signalIsExit: true, // the clock starts when the server is gone, not after a wait
  });
  const base = `http://127.0.0.1:${port}`;
  await waitUntil(
    'the demo to answer with live meters',
    async () => {
      if (exited() !== null) throw new Error(`wattboard demo exited (${exited()}); see ${logPath}`);
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
  const context = await chromium.launchPersistentContext(profile, chromiumOptions());
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
