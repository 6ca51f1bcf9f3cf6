// Holds the settings and the server in use (home or remote) for the whole app. Data queries
// read the target from here; their keys name it, and when they fail on the network the choice
// is made again (the phone may have left the home Wi-Fi). On the web the last server that
// answered is saved with the data (api/persist), so an offline start still shows that data.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { Platform } from 'react-native';
import { ApiError, type Target } from '@/api/client';
import { persistQueries, restoreQueries, type SavedConnection } from '@/api/persist';
import { staleTimes } from '@/api/query-client';
import type { EnergyUnit, PowerUnit } from '@/lib/format';
import { connectionKeys } from './api';
import { cloudOrigin, resolveConnection, type Resolved } from './resolve';
import { cloudSettings, defaultSettings, mergeSettings, type Settings } from './settings';
import { loadStoredSettings, saveStoredSettings } from './settings-storage';

export type ConnectionStatus =
  | 'loading'
  | 'unconfigured'
  | 'resolving'
  | 'ok'
  | 'offline'
  /** A cloud API answers, but the app has no token for it yet (first use from the cloud). */
  | 'needs-token';

export interface Connection {
  settings: Settings;
  saveSettings: (next: Settings) => Promise<void>;
  /** The server in use, or the last one that answered while none does. */
  target: Target | null;
  resolved: Resolved | null;
  status: ConnectionStatus;
  /** Why no server answers (when status is offline). */
  error: unknown;
  /** Ask home and remote again now. */
  recheck: () => void;
  /**
   * A request or the live stream failed on the network: ask again which server answers, at
   * once after a working connection (so the badge turns within seconds), then rate limited.
   */
  networkFailed: () => void;
}

const ConnectionContext = createContext<Connection | null>(null);
/** While connected, the first failure re-checks at once; this only stops a burst of them. */
const RECHECK_WHILE_OK_MS = 1000;
/** While no server answers, failures keep coming (polls, stream retries): re-check this often. */
const RECHECK_WHILE_DOWN_MS = 5000;

export function ConnectionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [settings, setSettings] = useState<Settings>(defaultSettings);
  const [loaded, setLoaded] = useState(false);
  const [revision, setRevision] = useState(0);
  // The last server that answered: saved data stays on screen under its key while none does.
  const [lastGood, setLastGood] = useState<SavedConnection | null>(() =>
    restoreQueries(queryClient),
  );

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const stored = await loadStoredSettings().catch(() => null); // unreadable: defaults
      let next = mergeSettings(defaultSettings(), stored);
      // First use of an app served by a cloud API: that origin is the remote server.
      if (stored === null && Platform.OS === 'web' && typeof window !== 'undefined') {
        const cloud = await cloudOrigin(window.location?.origin).catch(() => null);
        if (cloud) next = cloudSettings(next, cloud);
      }
      if (cancelled) return;
      setSettings(next);
      setLoaded(true);
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  const configured = !!(settings.homeUrl.trim() || settings.remoteUrl.trim());
  const resolution = useQuery({
    queryKey: connectionKeys.resolve(revision),
    queryFn: ({ signal }) => resolveConnection(settings, { signal }),
    enabled: loaded && configured,
    staleTime: staleTimes.connection,
    // Re-check now and then: coming home should switch from remote to home by itself.
    refetchInterval: 60_000,
    retry: false,
  });

  const fresh = resolution.data;
  useEffect(() => {
    if (fresh) setLastGood({ target: withoutToken(fresh.target), at: Date.now() });
  }, [fresh]);
  const resolved = fresh ?? null;
  // While nothing answers, keep using the last server that did (its token from the settings):
  // data queries keep their keys, so the last data stays on screen with its age.
  const target = useMemo<Target | null>(() => {
    if (fresh) return fresh.target;
    if (!lastGood) return null;
    const last = lastGood.target;
    return last.kind === 'remote' ? { ...last, token: settings.token || undefined } : last;
  }, [fresh, lastGood, settings.token]);

  // Save the data queries (web) with the server they came from, for an offline start.
  const saved = useRef(lastGood);
  useEffect(() => {
    saved.current = lastGood;
  }, [lastGood]);
  useEffect(() => persistQueries(queryClient, () => saved.current), [queryClient]);

  // A data request failed on the network: maybe we left home, or the server is gone; choose
  // again. The status this recheck sets (offline, or the remote server) is what the badge shows.
  const lastRecheck = useRef(0);
  const connected = useRef(false);
  const recheck = useCallback(() => {
    lastRecheck.current = Date.now();
    void queryClient.refetchQueries({ queryKey: connectionKeys.all });
  }, [queryClient]);
  const networkFailed = useCallback(() => {
    const gap = connected.current ? RECHECK_WHILE_OK_MS : RECHECK_WHILE_DOWN_MS;
    if (Date.now() - lastRecheck.current > gap) recheck();
  }, [recheck]);
  useEffect(() => {
    return queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'error') return;
      if (event.query.queryKey[0] === connectionKeys.all[0]) return;
      const error = event.action.error;
      if (error instanceof ApiError && (error.kind === 'network' || error.kind === 'timeout')) {
        networkFailed();
      }
    });
  }, [queryClient, networkFailed]);

  const saveSettings = useCallback(async (next: Settings) => {
    setSettings(next);
    setRevision((r) => r + 1);
    await saveStoredSettings(next);
  }, []);

  let status: ConnectionStatus;
  if (!loaded) status = 'loading';
  else if (!configured) status = 'unconfigured';
  else if (resolution.isError) status = 'offline';
  else if (fresh) status = needsToken(fresh, settings.token) ? 'needs-token' : 'ok';
  else status = 'resolving';
  useEffect(() => {
    connected.current = status === 'ok';
  }, [status]);

  const value = useMemo<Connection>(
    () => ({
      settings,
      saveSettings,
      target,
      resolved,
      status,
      error: resolution.error,
      recheck,
      networkFailed,
    }),
    [settings, saveSettings, target, resolved, status, resolution.error, recheck, networkFailed],
  );
  return <ConnectionContext.Provider value={value}>{children}</ConnectionContext.Provider>;
}

export function useConnection(): Connection {
  const value = useContext(ConnectionContext);
  if (!value) throw new Error('useConnection() outside <ConnectionProvider>');
  return value;
}

export function useUnits(): { power: PowerUnit; energy: EnergyUnit } {
  const { settings } = useConnection();
  return { power: settings.powerUnit, energy: settings.energyUnit };
}

/** A target-bound query function helper: `enabled` is false until a server is known. */
export function useTarget(): Target | null {
  return useConnection().target;
}

/** A cloud API (its store is MongoDB) locks every read behind a token the app does not have. */
function needsToken(resolved: Resolved, token: string): boolean {
  return (
    resolved.target.kind === 'remote' && !token && resolved.health.store?.backend === 'mongodb'
  );
}

/** The saved copy leaves the token out: it is stored once, with the settings. */
function withoutToken(target: Target): Target {
  return { ...target, token: undefined };
}
