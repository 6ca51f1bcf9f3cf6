// Holds the settings and the server in use (home or remote) for the whole app. Data queries
// read the target from here; when it changes they refetch, and when they fail on the network
// the choice is made again (the phone may have left the home Wi-Fi).
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
import { ApiError, type Target } from '@/api/client';
import { staleTimes } from '@/api/query-client';
import type { EnergyUnit, PowerUnit } from '@/lib/format';
import { connectionKeys } from './api';
import { resolveConnection, type Resolved } from './resolve';
import { defaultSettings, mergeSettings, type Settings } from './settings';
import { loadStoredSettings, saveStoredSettings } from './settings-storage';

export type ConnectionStatus = 'loading' | 'unconfigured' | 'resolving' | 'ok' | 'offline';

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
}

const ConnectionContext = createContext<Connection | null>(null);
const RECHECK_AFTER_FAILURE_MS = 5000;

export function ConnectionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [settings, setSettings] = useState<Settings>(defaultSettings);
  const [loaded, setLoaded] = useState(false);
  const [revision, setRevision] = useState(0);

  useEffect(() => {
    let cancelled = false;
    loadStoredSettings()
      .catch(() => null) // unreadable storage: start from the defaults
      .then((stored) => {
        if (cancelled) return;
        setSettings(mergeSettings(defaultSettings(), stored));
        setLoaded(true);
      });
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

  // Keep the last server that answered, so its data stays on screen while none answers.
  const lastGood = useRef<Resolved | null>(null);
  if (resolution.data) lastGood.current = resolution.data;
  const resolved = resolution.data ?? lastGood.current;
  const target = resolved?.target ?? null;

  // A new server (home ↔ remote): everything shown may differ, so fetch it again.
  const targetId = target ? `${target.kind} ${target.baseUrl}` : '';
  useEffect(() => {
    if (!targetId) return;
    void queryClient.invalidateQueries({
      predicate: (query) => query.queryKey[0] !== connectionKeys.all[0],
    });
  }, [queryClient, targetId]);

  // A data request failed on the network: maybe we left home; choose again (rate limited).
  const lastRecheck = useRef(0);
  const recheck = useCallback(() => {
    lastRecheck.current = Date.now();
    void queryClient.refetchQueries({ queryKey: connectionKeys.all });
  }, [queryClient]);
  useEffect(() => {
    return queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'error') return;
      if (event.query.queryKey[0] === connectionKeys.all[0]) return;
      const error = event.action.error;
      const networkFailure =
        error instanceof ApiError && (error.kind === 'network' || error.kind === 'timeout');
      if (networkFailure && Date.now() - lastRecheck.current > RECHECK_AFTER_FAILURE_MS) recheck();
    });
  }, [queryClient, recheck]);

  const saveSettings = useCallback(async (next: Settings) => {
    setSettings(next);
    setRevision((r) => r + 1);
    await saveStoredSettings(next);
  }, []);

  let status: ConnectionStatus;
  if (!loaded) status = 'loading';
  else if (!configured) status = 'unconfigured';
  else if (resolution.isError) status = 'offline';
  else if (resolution.data) status = 'ok';
  else status = 'resolving';

  const value = useMemo<Connection>(
    () => ({
      settings,
      saveSettings,
      target,
      resolved,
      status,
      error: resolution.error,
      recheck,
    }),
    [settings, saveSettings, target, resolved, status, resolution.error, recheck],
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
