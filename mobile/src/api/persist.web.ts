// Web: the energy data and the last server that answered are saved in localStorage, so the
// installed app (opened from the service worker's cache) shows its last data, with its age,
// while no server answers. Live power is left out: a saved "now" would only mislead.
import { dehydrate, hydrate, type DehydratedState, type QueryClient } from '@tanstack/react-query';
import type { SavedConnection } from './persist';

export type { SavedConnection } from './persist';

const KEY = 'wattboard.cache.v1';
const SAVED_ROOTS = new Set(['energy', 'power-day']);
const WRITE_EVERY_MS = 2000;
/** Older saved data is dropped rather than shown. */
const MAX_AGE_MS = 30 * 24 * 3600_000;

interface Snapshot {
  savedAt: number;
  connection: SavedConnection | null;
  queries: DehydratedState;
}

function storage(): Storage | null {
  return typeof localStorage === 'undefined' ? null : localStorage;
}

/** Put the saved queries back into `client`; returns the server that last answered. */
export function restoreQueries(client: QueryClient): SavedConnection | null {
  const store = storage();
  if (!store) return null;
  try {
    const text = store.getItem(KEY);
    if (!text) return null;
    const snapshot = JSON.parse(text) as Snapshot;
    if (Date.now() - snapshot.savedAt > MAX_AGE_MS) return null;
    hydrate(client, snapshot.queries);
    return snapshot.connection;
  } catch {
    store.removeItem(KEY); // unreadable: start empty rather than fail every launch
    return null;
  }
}

/** Save the energy queries whenever they change (at most every 2 s); returns the unsubscribe. */
export function persistQueries(
  client: QueryClient,
  connection: () => SavedConnection | null,
): () => void {
  const store = storage();
  if (!store) return () => undefined;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = () => {
    timer = null;
    const snapshot: Snapshot = {
      savedAt: Date.now(),
      connection: connection(),
      queries: dehydrate(client, {
        shouldDehydrateQuery: (query) =>
          query.state.status === 'success' && SAVED_ROOTS.has(String(query.queryKey[0])),
      }),
    };
    try {
      store.setItem(KEY, JSON.stringify(snapshot));
    } catch {
      // Quota full or storage disabled: the app works, it just will not open offline with data.
    }
  };
  const unsubscribe = client.getQueryCache().subscribe((event) => {
    if (event.type !== 'updated' || event.action.type !== 'success') return;
    if (!SAVED_ROOTS.has(String(event.query.queryKey[0]))) return;
    timer ??= setTimeout(write, WRITE_EVERY_MS);
  });
  const onHide = () => {
    if (timer) clearTimeout(timer);
    write();
  };
  window.addEventListener('pagehide', onHide);
  return () => {
    unsubscribe();
    window.removeEventListener('pagehide', onHide);
    if (timer) clearTimeout(timer);
  };
}
