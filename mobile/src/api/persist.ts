// Native: nothing is saved between launches yet (the query cache lives in memory). The web
// build saves it (persist.web.ts) so the installed app opens offline with its last data.
import type { QueryClient } from '@tanstack/react-query';
import type { Target } from './client';

export interface SavedConnection {
  target: Target;
  /** When that server last answered (epoch ms). */
  at: number;
}

export function restoreQueries(_client: QueryClient): SavedConnection | null {
  return null;
}

export function persistQueries(
  _client: QueryClient,
  _connection: () => SavedConnection | null,
): () => void {
  return () => undefined;
}
