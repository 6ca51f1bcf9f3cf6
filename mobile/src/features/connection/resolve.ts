// Which server to talk to: the home URL when it answers /health within ~1.5 s, else the remote
// (cloud) one. Both are asked at once, so falling back costs no more than the home timeout.
import { ApiError, getJson, normalizeBaseUrl, type FetchLike, type Target } from '@/api/client';
import type { Health, Meter, Site } from '@/api/types';

export const HOME_TIMEOUT_MS = 1500;
export const REMOTE_TIMEOUT_MS = 8000;

export interface Resolved {
  target: Target;
  health: Health;
  /** How long /health took, in ms. */
  ms: number;
  /** Why home was not used, when the remote one is. */
  homeError?: string;
}

export interface ResolveOptions {
  fetch?: FetchLike;
  homeTimeoutMs?: number;
  remoteTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface ServerEndpoints {
  homeUrl: string;
  remoteUrl: string;
  token: string;
  /** The cloud API's home to read (`?site=`); empty for its default. */
  site?: string;
}

export class NoConnectionError extends Error {
  constructor(readonly reasons: string[]) {
    super(reasons.join('; '));
    this.name = 'NoConnectionError';
  }
}

type Probe = { ok: true; health: Health; ms: number } | { ok: false; reason: string };

async function probe(target: Target, timeoutMs: number, options: ResolveOptions): Promise<Probe> {
  const started = Date.now();
  try {
    const health = await getJson<Health>(target, '/health', {
      timeoutMs,
      fetch: options.fetch,
      signal: options.signal,
    });
    if (typeof health?.status !== 'string') {
      return { ok: false, reason: `${target.baseUrl} answered, but is not a Wattboard server` };
    }
    return { ok: true, health, ms: Date.now() - started };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

export async function resolveConnection(
  servers: ServerEndpoints,
  options: ResolveOptions = {},
): Promise<Resolved> {
  const home: Target | null = servers.homeUrl.trim()
    ? { kind: 'home', baseUrl: normalizeBaseUrl(servers.homeUrl) }
    : null;
  const remote: Target | null = servers.remoteUrl.trim()
    ? {
        kind: 'remote',
        baseUrl: normalizeBaseUrl(servers.remoteUrl),
        token: servers.token || undefined,
        site: servers.site || undefined,
      }
    : null;
  if (!home && !remote) {
    throw new NoConnectionError(['no server is set up: enter the home URL in Settings']);
  }
  // The remote probe is cancelled as soon as home answers: no needless calls to the cloud.
  const remoteAbort = new AbortController();
  options.signal?.addEventListener('abort', () => remoteAbort.abort());
  const homeProbe = home && probe(home, options.homeTimeoutMs ?? HOME_TIMEOUT_MS, options);
  const remoteProbe =
    remote &&
    probe(remote, options.remoteTimeoutMs ?? REMOTE_TIMEOUT_MS, {
      ...options,
      signal: remoteAbort.signal,
    });
  const reasons: string[] = [];
  let homeError: string | undefined;
  if (home && homeProbe) {
    const result = await homeProbe;
    if (result.ok) {
      remoteAbort.abort();
      return { target: home, health: result.health, ms: result.ms };
    }
    homeError = result.reason;
    reasons.push(`home: ${result.reason}`);
  }
  if (remote && remoteProbe) {
    const result = await remoteProbe;
    if (result.ok) {
      return { target: remote, health: result.health, ms: result.ms, homeError };
    }
    reasons.push(`remote: ${result.reason}`);
  }
  throw new NoConnectionError(reasons);
}

export interface CheckResult {
  ok: boolean;
  message: string;
}

/** The Settings screen's test button: does this URL (and token) work? */
export async function checkServer(
  kind: Target['kind'],
  url: string,
  token: string,
  options: ResolveOptions = {},
): Promise<CheckResult> {
  const trimmed = url.trim();
  if (!trimmed) return { ok: false, message: 'Enter a URL first.' };
  const target: Target = { kind, baseUrl: normalizeBaseUrl(trimmed), token: token || undefined };
  const timeoutMs = kind === 'home' ? HOME_TIMEOUT_MS : REMOTE_TIMEOUT_MS;
  const health = await probe(target, timeoutMs, options);
  if (!health.ok) return { ok: false, message: health.reason };
  const about = `Wattboard ${health.health.version}, site "${health.health.site}", ${health.ms} ms`;
  if (kind === 'home') return { ok: true, message: `OK: ${about}` };
  try {
    // /health is open on the cloud API; /meters proves the token.
    const meters = await getJson<Meter[]>(target, '/meters', { timeoutMs, fetch: options.fetch });
    return { ok: true, message: `OK: ${about}, token accepted (${meters.length} meters)` };
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
      return { ok: false, message: `The server answers, but rejected the token (${err.status}).` };
    }
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** The sites `token` may read on the remote server, the default first. */
export async function listSites(
  url: string,
  token: string,
  options: ResolveOptions = {},
): Promise<Site[]> {
  const target: Target = { kind: 'remote', baseUrl: normalizeBaseUrl(url), token };
  return getJson<Site[]>(target, '/sites', {
    timeoutMs: options.remoteTimeoutMs ?? REMOTE_TIMEOUT_MS,
    fetch: options.fetch,
    signal: options.signal,
  });
}

/**
 * On the web, whether the page itself comes from a cloud API: its /health says the store is
 * MongoDB. Such an app starts in remote mode. Returns the origin, or null (a Pi, or no answer).
 */
export async function cloudOrigin(
  origin: string | undefined,
  options: ResolveOptions = {},
): Promise<string | null> {
  if (!origin || !/^https?:/.test(origin)) return null;
  const target: Target = { kind: 'remote', baseUrl: origin };
  const result = await probe(target, options.homeTimeoutMs ?? 3000, options);
  return result.ok && result.health.store?.backend === 'mongodb' ? origin : null;
}
