// One small fetch wrapper for every call: base URL + /api/v1, bearer token, a timeout, and errors
// that say what failed (network, timeout, HTTP status with the server's problem JSON).
import type { Problem } from './types';

export const API_PREFIX = '/api/v1';

/** Where requests go: the Pi at home, or the cloud API (token, no live data). */
export interface Target {
  kind: 'home' | 'remote';
  baseUrl: string;
  token?: string;
  /** A home on a cloud API that serves several (`?site=`); absent: the server's default. */
  site?: string;
}

/**
 * The part of every data query key that names the server: switching home ↔ remote, URL or site
 * never shows one server's data as another's. The token stays out (keys are not secret-safe).
 */
export function targetKey(target: Target | null): string {
  if (!target) return 'none';
  return [target.kind, normalizeBaseUrl(target.baseUrl), target.site ?? ''].join(' ');
}

/** The path with the target's site added as `?site=` (or `&site=`). */
export function withSite(target: Target, path: string): string {
  if (!target.site) return path;
  return `${path}${path.includes('?') ? '&' : '?'}site=${encodeURIComponent(target.site)}`;
}

export type ApiErrorKind = 'network' | 'timeout' | 'http' | 'invalid';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    readonly url: string,
    message: string,
    readonly status?: number,
    readonly problem?: Problem,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  fetch?: FetchLike;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Strip trailing slashes and whitespace so `${base}${API_PREFIX}` is always one slash. */
export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

export function apiUrl(baseUrl: string, path: string): string {
  return `${normalizeBaseUrl(baseUrl)}${API_PREFIX}${path}`;
}

/** GET a JSON document from the API. */
export async function getJson<T>(
  target: Target,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const url = apiUrl(target.baseUrl, withSite(target, path));
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (target.token) headers.Authorization = `Bearer ${target.token}`;
  const response = await fetchWithTimeout(url, { headers }, options);
  if (!response.ok) throw await httpError(url, response);
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError('invalid', url, `${url} answered ${response.status} but not with JSON`);
  }
}

/** fetch() that aborts after `timeoutMs` and when the caller's signal aborts. */
export async function fetchWithTimeout(
  url: string,
  init: RequestInit,
  { signal, timeoutMs = DEFAULT_TIMEOUT_MS, fetch: fetchImpl = fetch }: RequestOptions,
): Promise<Response> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const forward = () => controller.abort();
  signal?.addEventListener('abort', forward);
  try {
    return await fetchImpl(url, { ...init, signal: controller.signal });
  } catch (err) {
    if (timedOut) {
      throw new ApiError('timeout', url, `${url} did not answer within ${seconds(timeoutMs)}`);
    }
    if (signal?.aborted) throw err; // the caller gave up (TanStack Query cancels); not a failure
    const reason = err instanceof Error ? err.message : String(err);
    throw new ApiError('network', url, `could not reach ${url} (${reason})`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
  }
}

async function httpError(url: string, response: Response): Promise<ApiError> {
  let problem: Problem | undefined;
  try {
    const body: unknown = await response.json();
    if (isProblem(body)) problem = body;
  } catch {
    // Not JSON (a proxy's HTML error page, say): the status alone must do.
  }
  const what = problem ? `${problem.title}: ${problem.detail}` : response.statusText || 'error';
  return new ApiError(
    'http',
    url,
    `${url} answered ${response.status} (${what})`,
    response.status,
    problem,
  );
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.title === 'string' && typeof b.status === 'number';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} s`;
}

/** Whether retrying could help: the network and 5xx may recover, a 4xx will not. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.kind === 'network' || error.kind === 'timeout') return true;
  return error.kind === 'http' && (error.status ?? 0) >= 500 && error.status !== 503;
}

export interface ErrorAdvice {
  /** What failed, in the words of the failure. */
  what: string;
  /** What the user can try. */
  hint: string;
}

/** Turn any error into a sentence on what failed and one on what to try. */
export function describeError(error: unknown, target?: Target | null): ErrorAdvice {
  if (!(error instanceof ApiError)) {
    return { what: error instanceof Error ? error.message : String(error), hint: 'Try again.' };
  }
  const where = target?.kind === 'remote' ? 'the remote API' : 'the Wattboard server at home';
  switch (error.kind) {
    case 'timeout':
    case 'network':
      return {
        what: error.message,
        hint:
          target?.kind === 'remote'
            ? 'Check your internet connection and the remote URL in Settings.'
            : 'Check that the Pi is on and this device is on the home network, or set a remote URL in Settings.',
      };
    case 'invalid':
      return { what: error.message, hint: `Check that the URL in Settings points to ${where}.` };
    case 'http':
      return {
        what: error.problem?.detail ?? error.message,
        hint: hintForStatus(error.status ?? 0),
      };
  }
}

function hintForStatus(status: number): string {
  if (status === 401 || status === 403) return 'Check the token in Settings.';
  if (status === 404) return 'Check the URL in Settings; this server has no such page or period.';
  if (status === 503) return 'The server is up but this data is unavailable; try again later.';
  if (status >= 500) return 'The server failed; try again, and check its log if this persists.';
  return 'Try another period, or update the app and the server.';
}
