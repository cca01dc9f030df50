{% load static i18n %}// Ancrage's service worker (issue 16): today's round opens without a connection.
//
// It keeps the application shell (the static files the pages name, by their hashed names) and,
// for the logged-in worker, the pages the server marks "{{ offline_header }}: keep": the visit
// list of today and the visit forms listed in it. Pages come from the network first; the copy
// is shown only without a connection, only the same day, only while the session lasts.
// Queued submissions are sent on "sync" (static/js/offline-store.js).
"use strict";
importScripts("{% static 'js/offline-store.js' %}");

const SHELL = "ancrage-shell";
const PAGES = AncrageOffline.PAGES;
const STATIC_PREFIX = "{% get_static_prefix %}";
const LOGIN_URL = "{{ login_url|escapejs }}";
const OFFLINE_TEXT = "{% translate 'No connection, and this page is not kept on this device.'|escapejs %}";
const TODAY_TEXT = "{% translate 'My visits today'|escapejs %}";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function keepable(response) {
  return response.ok && !response.redirected && response.headers.get("{{ offline_header }}") === "keep";
}

// Collected static files carry a hash of their content in their name ("site.0123456789ab.css"):
// such a name never changes content, so the kept copy is used first. Plain names (DEBUG without
// collectstatic) may change under the same name: the network first.
const HASHED = /\.[0-9a-f]{12}(\.\w+)$/;

async function staticFile(request) {
  if (HASHED.test(new URL(request.url).pathname)) {
    return (await caches.match(request, { cacheName: SHELL })) || fetch(request);
  }
  try {
    return await fetch(request);
  } catch (error) {
    const kept = await caches.match(request, { cacheName: SHELL });
    if (kept) return kept;
    throw error;
  }
}

// A page of today's round asks for the shell and, from the visit list, the visit forms.
async function prime({ shell, today, visits }) {
  if (AncrageOffline.sessionOver(await AncrageOffline.readMeta())) return;
  const shellCache = await caches.open(SHELL);
  await Promise.all(
    shell.map(async (url) => {
      if (HASHED.test(url) && (await shellCache.match(url))) return;
      const response = await fetch(url);
      if (response.ok) await shellCache.put(url, response);
    })
  );
  // The versions of the same files before the last deployment go.
  const unhashed = new Set(shell.map((url) => url.replace(HASHED, "$1")));
  for (const request of await shellCache.keys()) {
    if (!shell.includes(request.url) && unhashed.has(request.url.replace(HASHED, "$1"))) {
      await shellCache.delete(request);
    }
  }
  if (!today) return;
  const pages = await caches.open(PAGES);
  const wanted = new Set([today, ...visits]);
  for (const request of await pages.keys()) {
    if (!wanted.has(request.url)) await pages.delete(request);
  }
  // Only what is missing: a page opened online is kept fresh by `navigate`.
  for (const url of [today, ...visits]) {
    if (await pages.match(url)) continue;
    const response = await fetch(url, { credentials: "same-origin" });
    if (keepable(response)) await pages.put(url, response);
  }
}

function offlinePage() {
  const body =
    '<!DOCTYPE html><html lang="fr"><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>Ancrage</title><body><main><p>" + OFFLINE_TEXT + "</p>" +
    '<p><a href="{% url "visits:today" %}">' + TODAY_TEXT + "</a></p></main></body></html>";
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function navigate(request) {
  try {
    const response = await fetch(request);
    if (keepable(response)) {
      const pages = await caches.open(PAGES);
      const path = new URL(request.url).pathname;
      if (path === "{% url 'visits:today' %}" || (await pages.match(request))) {
        await pages.put(request, response.clone());
      }
    }
    return response;
  } catch (error) {
    const meta = await AncrageOffline.readMeta();
    if (AncrageOffline.sessionOver(meta)) {
      if (meta) await AncrageOffline.wipe(); // the session has ended: nothing is shown
      return offlinePage();
    }
    const kept = await caches.match(request, { cacheName: PAGES });
    return kept && AncrageOffline.keptToday(kept) ? kept : offlinePage();
  }
}

// A form sent while the Wi-Fi is "connected" without reaching the server (the browser believes
// it is online, so the page could not queue it): queue it here and show the form again.
async function sendOrQueue(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (error) {
    const meta = await AncrageOffline.readMeta();
    const body = AncrageOffline.sessionOver(meta) ? [] : Array.from(await copy.formData());
    const token = body.find(([name]) => name === "form_token");
    if (!token) return offlinePage();
    const page = new URL(request.referrer || request.url).pathname;
    const draftKey = `${meta.owner}|${new URL(request.url).pathname}`;
    const draft = await AncrageOffline.store.get("drafts", draftKey);
    for (const item of await AncrageOffline.store.all("queue")) {
      if (item.draftKey === draftKey) await AncrageOffline.store.remove("queue", item.id);
    }
    await AncrageOffline.store.put("queue", {
      id: token[1],
      owner: meta.owner,
      url: request.url,
      page,
      draftKey,
      title: draft ? draft.title : page,
      body: body.map(([name, value]) => [name, String(value)]),
      state: "pending",
      savedAt: Date.now(),
    });
    if (self.registration.sync) self.registration.sync.register("ancrage-send").catch(() => {});
    return Response.redirect(page, 303);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST") {
    const form = (request.headers.get("Content-Type") || "").startsWith("application/x-www-form-urlencoded");
    if (request.mode === "navigate" && form) event.respondWith(sendOrQueue(request));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate" && url.pathname !== LOGIN_URL) {
    event.respondWith(navigate(request));
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "prime") event.waitUntil(prime(event.data));
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "ancrage-send") return;
  event.waitUntil(
    AncrageOffline.sendAll().then(({ pending }) => {
      if (pending) throw new Error("still offline"); // the browser tries again later
    })
  );
});
