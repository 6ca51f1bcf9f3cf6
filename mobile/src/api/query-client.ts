// The one QueryClient and its defaults, each chosen on purpose (the library's defaults suit a
// website on the internet; this app talks to a Pi on the home network first).
import { focusManager, QueryClient } from '@tanstack/react-query';
import { AppState, Platform } from 'react-native';
import { isTransient } from './client';

/** Named freshness windows, used by the features' api.ts. */
export const staleTimes = {
  /** Live power is replaced every second; never serve it from cache as fresh. */
  live: 0,
  /** Energy of a period that is still running (today, this week...) grows every minute. */
  current: 60_000,
  /** Energy of a finished period changes only when someone corrects records. */
  past: 10 * 60_000,
  /** Which server answers (home or remote) is re-checked this often. */
  connection: 30_000,
} as const;

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Features set their own stale time; this is the floor for anything that forgets.
        staleTime: staleTimes.current,
        // Keep unused data a day, so the last values stay visible offline and on return.
        gcTime: 24 * 60 * 60_000,
        // Two quick retries for the network and 5xx; a 4xx (bad token, no such day) never heals.
        retry: (failureCount, error) => failureCount < 2 && isTransient(error),
        retryDelay: (attempt) => Math.min(1000 * 2 ** attempt, 8000),
        // "Online" as the OS sees it (internet) says nothing about the Pi on the LAN: always try,
        // and report the real failure instead of pausing silently.
        networkMode: 'always',
        // Coming back to the app (or the browser tab) refreshes what is stale.
        refetchOnWindowFocus: true,
        refetchOnReconnect: true,
        // Polling (live power on native) stops while the app is in the background.
        refetchIntervalInBackground: false,
        // Errors are shown next to the last data, never thrown to an error boundary.
        throwOnError: false,
      },
      mutations: {
        // Mutations here are connection tests: a retry would hide the answer the user asked for.
        retry: 0,
        networkMode: 'always',
      },
    },
  });
}

/** On native, "focused" follows AppState (on web TanStack already listens to visibilitychange). */
export function connectFocusToAppState(): () => void {
  if (Platform.OS === 'web') return () => undefined;
  const subscription = AppState.addEventListener('change', (state) => {
    focusManager.setFocused(state === 'active');
  });
  return () => subscription.remove();
}
