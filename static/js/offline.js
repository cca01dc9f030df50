// Ancrage: nothing typed is lost, today's round opens offline, and the device forgets (issue 16).
//
// The page says (on <body>, see core.offline) whom the device's copy belongs to, whether its
// form keeps a draft, and how long the session lasts; its French words come from the template
// (#offline-strings). Storage itself is in offline-store.js.
(function () {
  "use strict";

  const offline = window.AncrageOffline;
  const page = document.body.dataset;
  if (!offline || !("indexedDB" in window) || !("caches" in window)) return;

  const words = JSON.parse(document.getElementById("offline-strings").textContent);
  const owner = page.offlineOwner;
  const justSent = [];

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) => values[name] ?? whole);
  }

  function title() {
    return document.title.replace(/ · Ancrage$/, "");
  }

  function done(state) {
    document.documentElement.dataset.offline = state; // for the tests: the script has finished
  }

  // --- Who the copy belongs to ------------------------------------------------------------------

  async function checkOwner() {
    const meta = await offline.readMeta();
    const previous = localStorage.getItem("ancrage.owner") || (meta && meta.owner);
    const anotherUser = Boolean(previous) && previous !== owner;
    const endsAt = Number(localStorage.getItem("ancrage.sessionEnds") || 0);
    const sessionEnded = endsAt > 0 && Date.now() > endsAt;
    if (anotherUser || sessionEnded) await offline.wipe();
    const sessionEnds = Date.now() + Number(page.offlineSession) * 1000;
    localStorage.setItem("ancrage.owner", owner);
    localStorage.setItem("ancrage.sessionEnds", String(sessionEnds));
    await offline.writeMeta({ owner, sessionEnds, loginPath: page.offlineLogin });
    // A page left open past the end of the session forgets too.
    window.setTimeout(() => offline.wipe(), sessionEnds - Date.now());
  }

  function wipeOnLogout() {
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (new URL(form.action, location.href).pathname !== page.offlineLogout) return;
      event.preventDefault();
      offline.wipe().finally(() => form.submit());
    });
  }

  // --- Drafts -----------------------------------------------------------------------------------

  function draftForm() {
    if (page.offlineDrafts !== "true") return null;
    const token = document.querySelector("main form[method=post] input[name=form_token]");
    return token ? token.form : null;
  }

  function draftKey(form) {
    return `${owner}|${new URL(form.action, location.href).pathname}`;
  }

  function typedFields(form) {
    return Array.from(form.elements).filter(
      (field) => field.name && !["hidden", "submit", "button", "file"].includes(field.type)
    );
  }

  function fieldValues(form) {
    return typedFields(form).map((field) => {
      if (field.type === "checkbox" || field.type === "radio") return [field.name, field.value, field.checked];
      if (field.multiple) return [field.name, Array.from(field.selectedOptions, (o) => o.value)];
      return [field.name, field.value];
    });
  }

  function restore(form, values) {
    const fields = typedFields(form);
    for (const [name, value, checked] of values) {
      for (const field of fields.filter((candidate) => candidate.name === name)) {
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.value === value) field.checked = checked;
        } else if (field.multiple) {
          for (const option of field.options) option.selected = value.includes(option.value);
        } else {
          field.value = value;
        }
      }
    }
    form.querySelectorAll("details").forEach((details) => (details.open = true));
  }

  function notice(form, text, kind) {
    const box = document.createElement("div");
    box.className = `alert alert-${kind} py-2`;
    box.setAttribute("role", "status");
    box.dataset.testid = "offline-notice";
    box.textContent = text;
    form.before(box);
  }

  async function saveDraft(form) {
    await offline.store.put("drafts", {
      key: draftKey(form),
      owner,
      url: location.pathname,
      title: title(),
      values: fieldValues(form),
      savedAt: Date.now(),
    });
  }

  async function keepDrafts(form) {
    const key = draftKey(form);
    const draft = await offline.store.get("drafts", key);
    if (draft && draft.owner === owner) {
      restore(form, draft.values);
      notice(form, words.draft_restored, "info");
    }
    let timer = null;
    const later = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => saveDraft(form), 300);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      window.clearTimeout(timer);
      if (navigator.onLine) {
        // Sent now: the draft goes once the server has taken it (the next page is another one).
        localStorage.setItem("ancrage.submitted", JSON.stringify({ key, path: location.pathname }));
        return;
      }
      event.preventDefault();
      queue(form, event.submitter);
    });
  }

  // A form sent again replaces what was queued (or refused) for it.
  async function forgetQueued(key) {
    for (const item of await offline.store.all("queue")) {
      if (item.draftKey === key) await offline.store.remove("queue", item.id);
    }
  }

  async function queue(form, submitter) {
    const body = Array.from(new FormData(form, submitter), ([name, value]) => [name, String(value)]);
    const token = body.find(([name]) => name === "form_token");
    await saveDraft(form);
    await forgetQueued(draftKey(form));
    await offline.store.put("queue", {
      id: token ? token[1] : String(Date.now()),
      owner,
      url: new URL(form.action, location.href).href,
      page: location.pathname,
      draftKey: draftKey(form),
      title: title(),
      body,
      state: "pending",
      savedAt: Date.now(),
    });
    notice(form, words.queued, "warning");
    window.scrollTo(0, 0);
    const registration = await navigator.serviceWorker?.ready;
    if (registration && registration.sync) {
      registration.sync.register("ancrage-send").catch(() => {}); // else: "online", next page
    }
    await showQueue();
  }

  async function forgetSubmittedDraft() {
    const submitted = JSON.parse(localStorage.getItem("ancrage.submitted") || "null");
    localStorage.removeItem("ancrage.submitted");
    if (submitted && submitted.path !== location.pathname) {
      await offline.store.remove("drafts", submitted.key);
      await forgetQueued(submitted.key);
    }
  }

  // --- The queue, visible -------------------------------------------------------------------------

  function stateText(item) {
    if (item.state === "refused") {
      const why = item.reasons && item.reasons.length ? item.reasons.join(" ") : say(words.refused_status, { status: item.status });
      return say(words.state_refused, { reason: why });
    }
    return item.state === "sending" ? words.state_sending : words.state_pending;
  }

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.assign(node, attributes);
    if (text) node.textContent = text;
    return node;
  }

  async function showQueue() {
    const status = document.getElementById("offline-status");
    const items = (await offline.store.all("queue")).filter((item) => item.owner === owner);
    status.replaceChildren();
    const waiting = items.filter((item) => item.state !== "refused").length;
    status.hidden = items.length === 0 && justSent.length === 0;
    if (status.hidden) return;
    const box = element("div", { className: `alert ${waiting ? "alert-warning" : items.length ? "alert-danger" : "alert-success"} py-2` });
    if (waiting) box.append(element("strong", { className: "d-block" }, say(words.waiting, { count: waiting })));
    const list = element("ul", { className: "mb-0 small ps-3" });
    for (const item of items) {
      const line = element("li", {}, `${item.title} · ${stateText(item)} `);
      line.dataset.testid = "offline-item";
      line.dataset.state = item.state;
      line.append(element("a", { href: item.page }, words.open));
      list.append(line);
    }
    for (const sent of justSent) {
      const line = element("li", {}, `${sent} · ${words.state_sent}`);
      line.dataset.testid = "offline-item";
      line.dataset.state = "sent";
      list.append(line);
    }
    box.append(list);
    status.append(box);
  }

  async function sendWaiting() {
    if (navigator.onLine) await offline.sendAll();
    await showQueue();
  }

  // --- Today's round for the service worker -------------------------------------------------------

  function shellUrls() {
    const urls = new Set();
    document.querySelectorAll("link[rel=stylesheet], link[rel=icon]").forEach((link) => urls.add(link.href));
    document.querySelectorAll("script[src]").forEach((script) => urls.add(script.src));
    document.querySelectorAll("svg use").forEach((use) => {
      const href = use.getAttribute("href");
      if (href) urls.add(new URL(href.split("#")[0], location.href).href);
    });
    return [...urls];
  }

  async function primeServiceWorker() {
    const registration = await navigator.serviceWorker.register(page.offlineWorker, { scope: "/" });
    await navigator.serviceWorker.ready;
    const worker = registration.active;
    if (!worker) return;
    const message = { type: "prime", shell: shellUrls(), today: null, visits: [] };
    if (location.pathname === page.offlineToday && !location.search) {
      const visitPath = new RegExp(`^${page.offlineToday}\\d+/$`);
      message.today = location.href;
      message.visits = Array.from(document.querySelectorAll("main a[href]"), (a) => a.href).filter(
        (href) => new URL(href).origin === location.origin && visitPath.test(new URL(href).pathname)
      );
    }
    worker.postMessage(message);
  }

  // --- Start ----------------------------------------------------------------------------------

  async function start() {
    if (!owner) {
      // The login page, or any page without a user: the device keeps nothing.
      await offline.wipe();
      return done("wiped");
    }
    await checkOwner();
    wipeOnLogout();
    await offline.purgeOld();
    await forgetSubmittedDraft();
    const form = draftForm();
    if (form) await keepDrafts(form);
    if (typeof BroadcastChannel !== "undefined") {
      new BroadcastChannel(offline.CHANNEL).onmessage = (event) => {
        if (event.data.type === "wiped") {
          document.getElementById("offline-status").hidden = true; // and nothing is written again
          return;
        }
        if (event.data.type === "sent") justSent.push(event.data.title);
        showQueue();
      };
    }
    window.addEventListener("online", sendWaiting);
    window.addEventListener("offline", showQueue);
    if ("serviceWorker" in navigator) {
      primeServiceWorker().catch(() => {}); // no service worker (private window): drafts still work
    }
    await sendWaiting();
    done("ready");
  }

  start().catch(() => done("failed"));
})();
