// The web build registers public/sw.js, which keeps the app shell for offline starts. Not in
// development (`expo start`): a cached shell would hide code changes.
export function registerServiceWorker(): void {
  if (__DEV__ || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  // Browsers allow service workers on https and localhost only; on http the app just runs online.
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}
