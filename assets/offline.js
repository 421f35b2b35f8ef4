// Tremplin — offline reading of a course. Progressive: pages work without it.
// Registers the service worker (/sw.js), asks it to keep the open lessons listed on this
// page (links marked data-offline), says when they are on the phone, and shows when the
// phone is offline. On the offline page, lists what can be read.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  var status = document.getElementById("offline-status");
  function say(text) { if (status && text) status.textContent = text; }

  function showNetwork() {
    document.documentElement.classList.toggle("offline", !navigator.onLine);
    if (!navigator.onLine) say(status && status.getAttribute("data-offline-text"));
  }
  window.addEventListener("online", showNetwork);
  window.addEventListener("offline", showNetwork);

  navigator.serviceWorker.addEventListener("message", function (event) {
    var d = event.data || {};
    if (typeof d.kept === "number" && status && d.of > 0) {
      say(status.getAttribute("data-kept-text").replace("{n}", d.kept).replace("{of}", d.of));
    }
  });

  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (reg) {
    var links = document.querySelectorAll("a[data-offline]");
    var urls = Array.prototype.map.call(links, function (a) { return a.getAttribute("href"); });
    urls.unshift(location.pathname);
    if (reg.active) reg.active.postMessage({ keep: urls });
    showNetwork();
  }).catch(function () { /* no offline reading; the pages still work */ });

  // The offline page: the lessons kept on this phone.
  var list = document.getElementById("kept-pages");
  if (list && window.caches) {
    caches.open("pages-v1").then(function (c) { return c.keys(); }).then(function (keys) {
      return Promise.all(keys.map(function (k) {
        return caches.match(k).then(function (r) { return r.text(); }).then(function (html) {
          var title = /<title>([^<]*)<\/title>/.exec(html);
          return { path: new URL(k.url).pathname, title: title ? title[1].replace(/ · Tremplin$/, "") : "" };
        });
      }));
    }).then(function (pages) {
      pages.forEach(function (p) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = p.path;
        a.textContent = p.title || p.path;
        li.appendChild(a);
        list.appendChild(li);
      });
      if (pages.length) list.hidden = false;
    });
  }
})();
