// Ancrage: what a phone keeps while the connection drops (issue 16), shared by the pages
// (static/js/offline.js) and the service worker (/sw.js), which loads it with importScripts.
//
// IndexedDB "ancrage" holds the user's drafts (one per form page) and queued submissions; the
// Cache Storage holds the application shell, today's visit list and its visit forms, and a small
// "meta" entry: who the copy belongs to and when the session ends. Everything goes at once
// (`wipe`), and nothing is kept longer than a day.
(function (scope) {
  "use strict";

  const DB_NAME = "ancrage";
  const MAX_AGE_MS = 24 * 60 * 60 * 1000;
  const META_CACHE = "ancrage-meta";
  const PAGES = "ancrage-pages";
  const META_URL = "/__ancrage__/meta";
  const CHANNEL = "ancrage-offline";

  let opening = null;

  function openDb() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          request.result.createObjectStore("drafts", { keyPath: "key" });
          request.result.createObjectStore("queue", { keyPath: "id" });
        };
        request.onsuccess = () => {
          const db = request.result;
          // Another context wipes the database: let it go.
          db.onversionchange = () => {
            db.close();
            opening = null;
          };
          resolve(db);
        };
        request.onerror = () => {
          opening = null;
          reject(request.error);
        };
      });
    }
    return opening;
  }

  async function dbExists() {
    if (!indexedDB.databases) return true;
    const databases = await indexedDB.databases();
    return databases.some((database) => database.name === DB_NAME);
  }

  async function run(storeName, mode, action) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(storeName, mode);
      const request = action(transaction.objectStore(storeName));
      transaction.oncomplete = () => resolve(request ? request.result : undefined);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  }

  const store = {
    get: (name, key) => run(name, "readonly", (objects) => objects.get(key)),
    all: (name) => run(name, "readonly", (objects) => objects.getAll()),
    put: (name, value) => run(name, "readwrite", (objects) => objects.put(value)),
    remove: (name, key) => run(name, "readwrite", (objects) => objects.delete(key)),
  };

  function announce(message) {
    if (typeof BroadcastChannel === "undefined") return;
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(message);
    channel.close();
  }

  function deleteDatabase() {
    return new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = () => resolve();
    });
  }

  // Everything the site kept on this device: databases, caches, local storage.
  async function wipe() {
    if (opening) {
      try {
        (await opening).close();
      } catch (error) {
        // A database that failed to open has nothing to close.
      }
      opening = null;
    }
    await deleteDatabase();
    const names = await caches.keys();
    await Promise.all(names.map((name) => caches.delete(name)));
    if (scope.localStorage) scope.localStorage.clear();
    if (scope.sessionStorage) scope.sessionStorage.clear();
    announce({ type: "wiped" });
  }

  // `caches.match` creates no cache: a wiped device stays empty.
  async function readMeta() {
    const response = await caches.match(META_URL);
    return response ? response.json() : null;
  }

  async function writeMeta(meta) {
    const cache = await caches.open(META_CACHE);
    await cache.put(
      META_URL,
      new Response(JSON.stringify(meta), { headers: { "Content-Type": "application/json" } })
    );
  }

  function sessionOver(meta, now = Date.now()) {
    return !meta || now > meta.sessionEnds;
  }

  // A page kept on the device serves the day it was fetched, for 24 hours at most.
  function keptToday(response, now = new Date()) {
    const saved = new Date(response.headers.get("Date") || 0);
    return now - saved < MAX_AGE_MS && saved.toDateString() === now.toDateString();
  }

  async function purgeOld(now = Date.now()) {
    for (const name of ["drafts", "queue"]) {
      for (const item of await store.all(name)) {
        if (now - item.savedAt > MAX_AGE_MS) await store.remove(name, item.key || item.id);
      }
    }
    if (await caches.has(PAGES)) {
      const pages = await caches.open(PAGES);
      for (const request of await pages.keys()) {
        if (!keptToday(await pages.match(request), new Date(now))) await pages.delete(request);
      }
    }
  }

  function clean(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  // Why the server refused a form: the page it answered with names the errors.
  function reasonsFrom(html) {
    let found = [];
    if (typeof DOMParser !== "undefined") {
      const page = new DOMParser().parseFromString(html, "text/html");
      const errors = page.querySelectorAll("main .alert-danger, main .invalid-feedback");
      found = Array.from(errors, (element) => clean(element.textContent));
    } else {
      const pattern =
        /<(div|span)\b[^>]*class="[^"]*\b(?:alert-danger|invalid-feedback)\b[^"]*"[^>]*>([\s\S]*?)<\/\1>/g;
      for (const match of html.matchAll(pattern)) {
        found.push(
          clean(
            match[2]
              .replace(/<[^>]+>/g, " ")
              .replace(/&#x27;|&#39;/g, "'")
              .replace(/&quot;/g, '"')
              .replace(/&lt;/g, "<")
              .replace(/&gt;/g, ">")
              .replace(/&nbsp;/g, " ")
              .replace(/&amp;/g, "&")
          )
        );
      }
    }
    return [...new Set(found.filter(Boolean))];
  }

  async function forgetPage(url) {
    for (const name of await caches.keys()) {
      await (await caches.open(name)).delete(url);
    }
  }

  // Send one queued submission. The form's one-time token makes a second sending harmless: the
  // server answers "already recorded" and saves nothing twice.
  async function sendOne(item, meta) {
    item.state = "sending";
    await store.put("queue", item);
    announce({ type: "queue" });
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        body: new URLSearchParams(item.body),
        credentials: "same-origin",
        redirect: "follow",
      });
    } catch (error) {
      item.state = "pending";
      await store.put("queue", item);
      announce({ type: "queue" });
      return "offline";
    }
    if (new URL(response.url).pathname === meta.loginPath) {
      await wipe(); // the session has ended: nothing stays on the device
      return "wiped";
    }
    const reasons = reasonsFrom(await response.text());
    if (response.ok && response.redirected && reasons.length === 0) {
      await store.remove("queue", item.id);
      await store.remove("drafts", item.draftKey);
      await forgetPage(item.page); // its form's token is spent: the next copy comes fresh
      announce({ type: "sent", title: item.title });
      return "sent";
    }
    // Refused: the draft stays for the worker to correct; the item says why.
    item.state = "refused";
    item.status = response.status;
    item.reasons = reasons;
    await store.put("queue", item);
    announce({ type: "queue" });
    return "refused";
  }

  // Send what waits, oldest first, in one context at a time (a page or the service worker).
  async function sendAll() {
    if (!(await dbExists())) return { pending: 0 };
    const send = async () => {
      const meta = await readMeta();
      if (sessionOver(meta)) return { pending: 0 };
      const waiting = (await store.all("queue"))
        .filter((item) => item.owner === meta.owner && item.state !== "refused")
        .sort((a, b) => a.savedAt - b.savedAt);
      for (const [index, item] of waiting.entries()) {
        const outcome = await sendOne(item, meta);
        if (outcome === "offline") return { pending: waiting.length - index };
        if (outcome === "wiped") return { pending: 0 };
      }
      return { pending: 0 };
    };
    const locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request("ancrage-send", send) : send();
  }

  scope.AncrageOffline = {
    CHANNEL,
    PAGES,
    keptToday,
    store,
    wipe,
    readMeta,
    writeMeta,
    sessionOver,
    purgeOld,
    reasonsFrom,
    sendAll,
  };
})(self);
