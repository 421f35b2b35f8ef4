// Tremplin — service worker: keeps the course on the phone for reading with no network.
// What it keeps: the app shell (stylesheet, icon, the offline page) and the course pages a
// learner opened or that her course page listed as open lessons, within a budget. Lesson
// pages are fetched from the network first (fresh when online) and from the phone when the
// network fails. Nothing else is cached: other pages go to the network, and fall back to the
// offline page. Signing out empties what was kept, so the next person on a shared phone
// does not read it.
"use strict";
var VERSION = "__VERSION__";
var SHELL = "shell-" + VERSION;
var PAGES = "pages-v1";
var SHELL_URLS = __SHELL__;
var MAX_PAGES = 80;
var MAX_BYTES = 3 * 1024 * 1024;
var NETWORK_WAIT_MS = 5000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (c) { return c.addAll(SHELL_URLS); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("shell-") === 0 && n !== SHELL; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function isCoursePage(url) {
  return url.origin === self.location.origin && url.pathname.indexOf("/cours/") === 0;
}

// Keeps a copy of a good answer to a course page, then trims the cache to its budget (the
// oldest kept first out).
function keep(request, response) {
  if (!response || response.status !== 200 || response.redirected || response.type !== "basic") return Promise.resolve();
  return response.clone().blob().then(function (blob) {
    var headers = new Headers(response.headers);
    headers.set("X-Tremplin-Size", String(blob.size));
    headers.set("X-Tremplin-Kept", String(Date.now()));
    var copy = new Response(blob, { status: 200, headers: headers });
    return caches.open(PAGES).then(function (c) { return c.put(request, copy).then(function () { return trim(c); }); });
  });
}

function trim(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.map(function (k) {
      return cache.match(k).then(function (r) {
        return { key: k, size: parseInt(r.headers.get("X-Tremplin-Size") || "0", 10),
                 at: parseInt(r.headers.get("X-Tremplin-Kept") || "0", 10) };
      });
    })).then(function (entries) {
      entries.sort(function (a, b) { return a.at - b.at; });
      var bytes = entries.reduce(function (s, e) { return s + e.size; }, 0);
      var drops = [];
      while (entries.length && (entries.length > MAX_PAGES || bytes > MAX_BYTES)) {
        var e = entries.shift();
        bytes -= e.size;
        drops.push(cache.delete(e.key));
      }
      return Promise.all(drops);
    });
  });
}

// The network, given up on after a while on a link that hangs rather than fails.
function network(request) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, NETWORK_WAIT_MS);
    fetch(request).then(function (r) { clearTimeout(timer); resolve(r); }, function (e) { clearTimeout(timer); reject(e); });
  });
}

function offlinePage() {
  return caches.match("/hors-ligne").then(function (r) {
    return r || new Response("Hors ligne", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/deconnexion") {
    event.respondWith(caches.delete(PAGES).then(function () { return fetch(request); }));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (isCoursePage(url)) {
    event.respondWith(network(request).then(function (response) {
      event.waitUntil(keep(request, response));
      return response;
    }, function () {
      return caches.match(request, { ignoreVary: true }).then(function (hit) { return hit || offlinePage(); });
    }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
  }
});

// A course page lists its open lessons: fetch them now, so they can be read later offline.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (!Array.isArray(data.keep)) return;
  var urls = data.keep.filter(function (u) { return isCoursePage(new URL(u, self.location.origin)); }).slice(0, MAX_PAGES);
  var done = 0;
  var chain = urls.reduce(function (p, u) {
    return p.then(function () {
      var request = new Request(u, { credentials: "same-origin" });
      return caches.open(PAGES).then(function (c) { return c.match(request); }).then(function (hit) {
        if (hit) { done++; return; }
        return fetch(request).then(function (r) { return keep(request, r).then(function () { if (r.ok) done++; }); });
      }).catch(function () { /* offline: try again next visit */ });
    });
  }, Promise.resolve());
  event.waitUntil(chain.then(function () {
    if (event.source) event.source.postMessage({ kept: done, of: urls.length });
  }));
});
