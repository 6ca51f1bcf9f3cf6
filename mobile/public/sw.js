// Wattboard's service worker, hand-written (no Workbox: the app shell is five pages and their
// hashed bundles, and a build step that injects a precache list would have to run in every
// export path). It keeps the app openable offline; the data itself comes from the app's own
// saved query cache, with its age. The API is never cached here: answers must be live or absent.
const SHELL = 'wattboard-shell-v1';
const PAGES = ['/', '/day', '/history', '/prices', '/settings'];
const ASSET = /^\/(_expo\/static|assets|icons)\//;

// Install: fetch every page and the files they name (bundles, CSS, icons), so the first offline
// start works without having visited each tab.
self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      const assets = new Set(['/manifest.webmanifest', '/favicon.ico']);
      for (const page of PAGES) {
        const response = await fetch(page, { cache: 'no-cache' });
        if (!response.ok) continue;
        const html = await response.clone().text();
        await cache.put(page, response);
        for (const match of html.matchAll(/(?:src|href)="(\/[^"]+)"/g)) {
          const path = match[1];
          if (ASSET.test(path) || path === '/manifest.webmanifest') assets.add(path);
        }
      }
      // One missing file (a favicon, say) must not keep the rest from being cached.
      await Promise.all(
        [...assets].map(async (path) => {
          try {
            const response = await fetch(path);
            if (response.ok) await cache.put(path, response);
          } catch {
            // offline during install: the next visit fills it in
          }
        }),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('wattboard-') && name !== SHELL) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request, url));
  } else if (ASSET.test(url.pathname) || url.pathname === '/manifest.webmanifest') {
    event.respondWith(asset(request));
  }
});

// Pages: the network first (a new release shows at once), the cached copy when it fails.
async function page(request, url) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(url.pathname, response.clone());
    return response;
  } catch (err) {
    const cached = (await cache.match(url.pathname)) ?? (await cache.match('/'));
    if (cached) return cached;
    throw err;
  }
}

// Bundles, icons, fonts: their names carry a content hash, so a cached copy is always right.
async function asset(request) {
  const cache = await caches.open(SHELL);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}
