// Runs in the plain-node jest project (jest.config.js): Node's own fetch, no React Native setup.
// Real HTTP servers on 127.0.0.1 stand in for the Pi and the cloud API: the app's own fetch,
// timeouts and headers are exercised, nothing is stubbed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getJson, targetKey } from '@/api/client';
import {
  checkServer,
  cloudOrigin,
  HOME_TIMEOUT_MS,
  listSites,
  NoConnectionError,
  resolveConnection,
} from './resolve';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
const seen: Record<string, IncomingMessage[]> = {};

const health = (site: string) => ({
  status: 'ok',
  reasons: [],
  version: '0.1.0',
  site,
  store: { backend: 'sqlite' },
  meters: [],
  replication: { lag_s: null, failing_s: null },
});

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function serve(name: string, handler: Handler): Promise<string> {
  seen[name] = [];
  const server = createServer((req, res) => {
    seen[name]!.push(req);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const home: Handler = (req, res) => json(res, 200, health('home'));
const slowHome: Handler = (req, res) => {
  setTimeout(() => json(res, 200, health('slow')), 3000).unref();
};
const cloud: Handler = (req, res) => {
  if (req.url === '/api/v1/health') return json(res, 200, health('cloud'));
  if (req.headers.authorization !== 'Bearer s3cret') {
    return json(res, 401, {
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'send the token',
    });
  }
  return json(res, 200, [{ id: 'grid' }, { id: 'solar' }]);
};

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('resolveConnection', () => {
  it('uses home when it answers, and never sends it the token', async () => {
    const homeUrl = await serve('home', home);
    const remoteUrl = await serve('cloud', cloud);
    const resolved = await resolveConnection({
      homeUrl: `${homeUrl}/`,
      remoteUrl,
      token: 's3cret',
    });
    expect(resolved.target).toEqual({ kind: 'home', baseUrl: homeUrl });
    expect(resolved.health.site).toBe('home');
    expect(seen.home![0]!.url).toBe('/api/v1/health');
    expect(seen.home![0]!.headers.authorization).toBeUndefined();
  });

  it('falls back to remote when home is slower than 1.5 s, after about 1.5 s', async () => {
    const homeUrl = await serve('slow', slowHome);
    const remoteUrl = await serve('cloud', cloud);
    const started = Date.now();
    const resolved = await resolveConnection({ homeUrl, remoteUrl, token: 's3cret' });
    const elapsed = Date.now() - started;
    expect(resolved.target).toEqual({ kind: 'remote', baseUrl: remoteUrl, token: 's3cret' });
    expect(resolved.homeError).toMatch(/did not answer within 1.5 s/);
    expect(elapsed).toBeGreaterThanOrEqual(HOME_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(HOME_TIMEOUT_MS + 1000); // remote was asked at the same time
  });

  it('falls back to remote when nothing listens at home', async () => {
    const homeUrl = await closedPort();
    const remoteUrl = await serve('cloud', cloud);
    const resolved = await resolveConnection({ homeUrl, remoteUrl, token: 's3cret' });
    expect(resolved.target.kind).toBe('remote');
    expect(resolved.homeError).toMatch(
      /^could not reach http:\/\/127\.0\.0\.1:\d+\/api\/v1\/health/,
    );
  });

  it('falls back to remote when home answers with an error', async () => {
    const homeUrl = await serve('broken', (req, res) =>
      json(res, 500, { type: 'about:blank', title: 'Internal error', status: 500, detail: 'boom' }),
    );
    const remoteUrl = await serve('cloud', cloud);
    const resolved = await resolveConnection({ homeUrl, remoteUrl, token: '' });
    expect(resolved.target.kind).toBe('remote');
    expect(resolved.homeError).toContain('500 (Internal error: boom)');
  });

  it('says what failed on both sides when neither answers', async () => {
    const homeUrl = await closedPort();
    const remoteUrl = await closedPort();
    const error = await resolveConnection({ homeUrl, remoteUrl, token: '' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NoConnectionError);
    expect((error as NoConnectionError).reasons).toEqual([
      expect.stringMatching(/^home: could not reach http:\/\/127\.0\.0\.1:\d+\/api\/v1\/health/),
      expect.stringMatching(/^remote: could not reach/),
    ]);
  });

  it('asks for a URL when none is set', async () => {
    await expect(resolveConnection({ homeUrl: ' ', remoteUrl: '', token: '' })).rejects.toThrow(
      'no server is set up',
    );
  });
});

describe('checkServer', () => {
  it('accepts a good token on the remote server', async () => {
    const url = await serve('cloud', cloud);
    const result = await checkServer('remote', url, 's3cret');
    expect(result.ok).toBe(true);
    expect(result.message).toMatch(
      /^OK: Wattboard 0\.1\.0, site "cloud", \d+ ms, token accepted \(2 meters\)$/,
    );
  });

  it('reports a rejected token', async () => {
    const url = await serve('cloud', cloud);
    expect(await checkServer('remote', url, 'wrong')).toEqual({
      ok: false,
      message: 'The server answers, but rejected the token (401).',
    });
  });

  it('reports a server that is not Wattboard', async () => {
    const url = await serve('other', (req, res) => json(res, 200, { hello: 'world' }));
    expect((await checkServer('home', url, '')).message).toBe(
      `${url} answered, but is not a Wattboard server`,
    );
  });
});

describe('the app served by a cloud API', () => {
  const cloudHealth: Handler = (req, res) => {
    if (req.url === '/api/v1/health') {
      return json(res, 200, { ...health('home'), store: { backend: 'mongodb' } });
    }
    if (req.url?.startsWith('/api/v1/sites')) {
      if (req.headers.authorization !== 'Bearer s3cret') {
        return json(res, 401, { type: 'about:blank', title: 'Unauthorized', status: 401 });
      }
      return json(res, 200, [
        { id: 'home', default: true },
        { id: 'cabin', default: false },
      ]);
    }
    return json(res, 200, { url: req.url });
  };

  it('recognises a cloud origin by its MongoDB store, and a Pi as none', async () => {
    const cloudUrl = await serve('cloud', cloudHealth);
    const piUrl = await serve('home', home);
    expect(await cloudOrigin(cloudUrl)).toBe(cloudUrl);
    expect(await cloudOrigin(piUrl)).toBeNull();
    expect(await cloudOrigin(await closedPort())).toBeNull();
  });

  it('lists the sites of a token, sending it as a bearer header only', async () => {
    const url = await serve('cloud', cloudHealth);
    expect(await listSites(url, 's3cret')).toEqual([
      { id: 'home', default: true },
      { id: 'cabin', default: false },
    ]);
    await expect(listSites(url, 'wrong')).rejects.toThrow('answered 401');
    expect(seen.cloud!.every((req) => !req.url?.includes('s3cret'))).toBe(true);
  });

  it('asks for the chosen site with ?site=, and keys its data apart', async () => {
    const url = await serve('cloud', cloudHealth);
    const cabin = { kind: 'remote' as const, baseUrl: url, token: 's3cret', site: 'cabin' };
    expect(await getJson(cabin, '/energy/years')).toEqual({
      url: '/api/v1/energy/years?site=cabin',
    });
    expect(await getJson(cabin, '/power/day/2025-06-02?resolution=5m')).toEqual({
      url: '/api/v1/power/day/2025-06-02?resolution=5m&site=cabin',
    });
    const home = { kind: 'remote' as const, baseUrl: `${url}/`, token: 's3cret' };
    expect(targetKey(cabin)).not.toBe(targetKey(home));
    expect(targetKey(home)).toBe(`remote ${url} `);
    expect(targetKey(cabin)).not.toContain('s3cret');
  });
});
