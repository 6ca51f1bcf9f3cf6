// What the browser checks (run.mjs, pwa.mjs, server-gone.mjs) share. Only what is the same in
// all of them lives here; what differs (log names, stop signals, timeouts, what they print)
// stays in each script or comes in as a parameter.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// mobile/ and the repository, from this file: the scripts run from any working directory.
export const mobile = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repo = join(mobile, '..');
// The wattboard under test: the repository's venv unless WATTBOARD_BIN names another one.
export const bin = process.env.WATTBOARD_BIN ?? join(repo, '.venv', 'bin', 'wattboard');
// Debian's Chromium: playwright-core brings no browser of its own.
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A waitUntil(what, fn, timeout = `timeout`) that polls fn every `every` ms until it returns
// something truthy, and otherwise fails naming `what` and fn's last error. A factory because
// the scripts poll at their own pace and with their own default timeout; `firstLine` keeps
// only the first line of that error (playwright's errors run over many lines).
export function waiter({ timeout: byDefault, every = 100, firstLine = false } = {}) {
  return async function waitUntil(what, fn, timeout = byDefault) {
    const end = Date.now() + timeout;
    let last;
    while (Date.now() < end) {
      try {
        const value = await fn();
        if (value) return value;
      } catch (err) {
        last = err;
      }
      await sleep(every);
    }
    const reason = last && (firstLine ? last.message.split('\n')[0] : last.message);
    throw new Error(`timed out waiting for ${what}${last ? ` (${reason})` : ''}`);
  };
}

// A port nothing listens on right now: each run gets its own, so checks never collide.
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts `command` in its own process group (detached), so that stopping the group also ends
// what it started (the demo's meter emulators). stop() sends `signal` to the group, waits up
// to `waitMs` for the exit and then, with `thenKill`, SIGKILLs whatever is left.
// `signalIsExit`: whether a death by a signal (exit code null) counts as exited; without it
// only an exit code does, and stop() after a fatal signal waits its whole `waitMs`.
export function startGroup(
  command,
  args,
  { cwd, stdio, signal = 'SIGTERM', waitMs = 5000, thenKill = true, signalIsExit = false },
) {
  const child = spawn(command, args, { cwd, detached: true, stdio });
  let exited = null;
  child.once('exit', (code) => (exited = signalIsExit ? (code ?? -1) : code));
  const stop = async () => {
    if (exited !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      return;
    }
    for (let i = 0; i < waitMs / 100 && exited === null; i++) await sleep(100);
    if (thenKill && exited === null) process.kill(-child.pid, 'SIGKILL');
  };
  return { stop, exited: () => exited };
}

// The flags every check launches Chromium with: no sandbox (containers, root), no GPU, no
// QUIC, no background traffic. `args` adds a script's own.
export function chromiumOptions({ headless = true, args = [] } = {}) {
  return {
    executablePath: chromiumPath,
    headless,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      ...args,
    ],
  };
}

// Installs Debian's chromium when it is missing and we are root (CI, containers); otherwise
// says how to.
export function ensureChromium() {
  if (existsSync(chromiumPath)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${chromiumPath} missing; install it: sudo apt-get install -y chromium`);
  }
  console.log('e2e: installing Debian chromium (apt-get)…');
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const r = spawnSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
  }
}
