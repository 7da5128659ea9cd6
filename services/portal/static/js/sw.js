/* Service worker: keeps the registration form and its assets for working offline.
   It never touches the registrations saved on the phone (they live in IndexedDB). */
'use strict';
const VERSION = 'portal-shell-v4';
const ASSETS = ['/static/css/portal.css', '/static/js/portal.js', '/static/js/queue.js',
  '/static/icon.svg', '/offline'];
const FORM = '/children/new';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(VERSION).then((c) => c.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((n) => n.startsWith('portal-shell-') && n !== VERSION).map((n) => caches.delete(n))
  )).then(() => self.clients.claim()));
});

async function keepForm() {
  const response = await fetch(FORM, {credentials: 'same-origin', cache: 'no-store'});
  if (response.ok && !response.redirected) {
    await (await caches.open(VERSION)).put(FORM, response.clone());
  }
  return response;
}

self.addEventListener('message', (event) => {
  if (event.data === 'keep-form') event.waitUntil(keepForm().catch(() => null));
  if (event.data === 'forget-form') {
    event.waitUntil(caches.open(VERSION).then((c) => c.delete(FORM)));
  }
});

async function navigate(request) {
  const url = new URL(request.url);
  try {
    /* The browser's own request: its redirects, cookies and query (?lang=) stay as they are. */
    const response = await fetch(request);
    if (url.pathname === FORM && response.ok && response.type === 'basic') {
      const copy = response.clone();
      caches.open(VERSION).then((c) => c.put(FORM, copy)).catch(() => null);
    }
    return response;
  } catch (err) {
    const cache = await caches.open(VERSION);
    if (url.pathname === FORM || url.pathname === '/') {
      const form = await cache.match(FORM);
      if (form) return form;
    }
    return (await cache.match('/offline')) || Response.error();
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && request.method === 'GET') {
    event.respondWith(navigate(request));
  } else if (request.method === 'GET' && url.pathname.startsWith('/static/')) {
    event.respondWith(caches.open(VERSION).then(async (cache) => {
      const hit = await cache.match(request, {ignoreSearch: true});
      const fresh = fetch(request).then((r) => { if (r.ok) cache.put(request, r.clone()); return r; });
      return hit || fresh;
    }));
  }
});
