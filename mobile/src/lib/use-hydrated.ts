import { useSyncExternalStore } from 'react';

const subscribe = () => () => undefined;

/**
 * False while React hydrates the web build's static HTML, true in every other render (and
 * always on native). The static HTML knows neither the query string, nor the window size, nor
 * the colour scheme, nor today's date; what depends on them waits one render so hydration
 * matches the HTML. useSyncExternalStore's server snapshot is what React uses for exactly the
 * hydrating render, also in route boundaries that hydrate after the shell.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
