// The server goes away: within 5 s of the failed polls the header badge says "Offline" (or
// "Remote" when a remote server answers) and the meter cards give the age of their data.
// jest-expo runs as iOS, so live power is polled; the web's stream has its e2e check.
import { act, render, screen } from '@testing-library/react-native';
import { QueryClientProvider } from '@tanstack/react-query';
import { createQueryClient } from '@/api/query-client';
import type { Health, PowerNow } from '@/api/types';
import { ConnectionProvider } from '@/features/connection/connection-provider';
import { defaultSettings } from '@/features/connection/settings';
import { saveStoredSettings } from '@/features/connection/settings-storage';
import { useLivePower } from '@/features/now/api';
import { MeterCard, meterAge } from '@/features/now/phase-detail';
import { useClock } from '@/lib/use-clock';
import { ConnectionBadge } from './connection-badge';

const HOME = 'http://192.168.1.20:8000';
const REMOTE = 'https://cloud.example.net';
const START = Date.UTC(2025, 5, 15, 13, 0, 0); // the test's pinned clock

const health = (site: string): Health =>
  ({
    status: 'ok',
    version: '1.0.0',
    site,
    store: { backend: site === 'cloud' ? 'mongodb' : 'sqlite' },
  }) as Health;

function sample(): PowerNow {
  const ts = Date.now() / 1000;
  return {
    ts,
    time: new Date(Date.now()).toISOString(),
    grid_w: -5180,
    solar_w: 5560,
    home_w: 380,
    stale: false,
    age_s: 0.3,
    max_1m: null,
    meters: [
      { id: 'grid', role: 'grid', ts, online: true, stale: false, total_w: -5180, phases: [] },
    ],
  };
}

/** Servers by base URL; one that is switched off refuses connections (fetch rejects). */
class Servers {
  up = new Set<string>([HOME]);
  fetch = async (url: string): Promise<Response> => {
    const base = [HOME, REMOTE].find((b) => url.startsWith(b));
    if (!base || !this.up.has(base)) throw new TypeError('Network request failed');
    const body = url.endsWith('/health') ? health(base === HOME ? 'home' : 'cloud') : sample();
    return { ok: true, status: 200, json: async () => body } as Response;
  };
}

function Harness() {
  const live = useLivePower({ visible: true });
  const now = useClock(250);
  const data = live.data;
  return (
    <>
      <ConnectionBadge />
      {data?.meters.map((m) => (
        <MeterCard
          key={m.id}
          meter={m}
          unit="kW"
          age={meterAge(m, data, live.dataUpdatedAt, now)}
          receiving={!live.isError}
        />
      ))}
    </>
  );
}

async function advance(ms: number) {
  for (let t = 0; t < ms; t += 250) {
    await act(async () => {
      jest.advanceTimersByTime(250);
    });
  }
}

let client = createQueryClient();

async function start(servers: Servers, remoteUrl = '') {
  await saveStoredSettings({ ...defaultSettings(), homeUrl: HOME, remoteUrl, token: 'secret' });
  global.fetch = servers.fetch as typeof fetch;
  render(
    <QueryClientProvider client={client}>
      <ConnectionProvider>
        <Harness />
      </ConnectionProvider>
    </QueryClientProvider>,
  );
  await advance(2000);
  expect(screen.getByTestId('connection-badge')).toHaveTextContent('Home');
  expect(screen.getByTestId('meter-grid-state')).toHaveTextContent('online');
}

describe('when the server goes away', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: START });
    client = createQueryClient();
  });
  afterEach(() => {
    // Unmount and drop the queries while the clock is still fake: their day-long garbage
    // collection timers would otherwise keep jest from exiting.
    screen.unmount();
    client.clear();
    jest.useRealTimers();
  });

  it('shows Offline and the age of the meter data within 5 s of failed polls', async () => {
    const servers = new Servers();
    await start(servers);
    servers.up.delete(HOME);
    await advance(5000);
    expect(screen.getByTestId('connection-badge')).toHaveTextContent('Offline');
    // The last sample arrived at most 1 s (one poll) before the server went; 5 s since.
    const state = screen.getByTestId('meter-grid-state');
    expect(state).toHaveTextContent(/^stale · \d(\.\d)? s old$/);
    const age = Number(/· ([\d.]+) s old/.exec(String(state.props.children))![1]);
    expect(age).toBeGreaterThanOrEqual(5);
    expect(age).toBeLessThanOrEqual(6.5); // 5 s + one poll interval + the server's 0.3 s
    await advance(10_000);
    expect(screen.getByTestId('meter-grid-state')).toHaveTextContent(/^stale · 1[56] s old$/);
  });

  it('switches the badge to Remote within 5 s when a remote server answers', async () => {
    const servers = new Servers();
    servers.up.add(REMOTE);
    await start(servers, REMOTE);
    servers.up.delete(HOME);
    await advance(5000);
    expect(screen.getByTestId('connection-badge')).toHaveTextContent('Remote');
  });
});
