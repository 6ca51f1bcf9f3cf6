// Native apps have no service worker; see service-worker.web.ts.
export function registerServiceWorker(): void {}
