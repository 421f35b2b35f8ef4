// Tremplin — work written offline waits on the phone until it can be sent.
// Progressive: the exercise form (form[data-queue]) posts as usual without this script.
// With it, "send" and "save the draft" go to the API as JSON. When the network fails the
// work is kept in localStorage ("tremplin:queue") and the page says it is waiting to be
// sent; it goes as soon as the network answers again (the browser's online event, the next
// page opened, or a new try every 10 s). A refusal (the module closed, the grace period
// over…) is shown with its reason and the work stays in the form: nothing written is
// dropped silently. Texts: data-waiting, data-sending, data-sent, data-saved, data-refused.
(function () {
  "use strict";
  if (!window.fetch || !window.JSON || !window.localStorage) return;
  var KEY = "tremplin:queue", RETRY_MS = 10000;
  var form = document.querySelector("form[data-queue]");
  var status = document.getElementById("queue-status");
  var flushing = false;

  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(q) { try { localStorage.setItem(KEY, JSON.stringify(q)); return true; } catch (e) { return false; } }
  function text(name) { return (form && form.getAttribute("data-" + name)) || ""; }
  function say(t, cls) { if (status) { status.textContent = t; status.className = cls || "meta"; } }
  function mine(entry) { return form && entry.key === form.getAttribute("data-queue"); }

  function collect() {
    var work = { text: "", link: "", form: {} }, multiple = {};
    form.querySelectorAll("[data-multiple]").forEach(function (f) { multiple[f.getAttribute("data-multiple")] = true; });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name === "text") work.text = el.value;
      else if (el.name === "link") work.link = el.value;
      else if (el.name && el.name.indexOf("a.") === 0) {
        var id = el.name.slice(2);
        if (multiple[id]) {
          if (!work.form[id]) work.form[id] = [];
          if (el.checked) work.form[id].push(el.value);
        } else if (el.type === "radio") {
          if (el.checked) work.form[id] = el.value;
        } else if (el.value !== "") {
          work.form[id] = el.value;
        }
      }
    });
    return work;
  }

  function restore(work) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name === "text") el.value = work.text || "";
      else if (el.name === "link") el.value = work.link || "";
      else if (el.name && el.name.indexOf("a.") === 0) {
        var v = (work.form || {})[el.name.slice(2)];
        if (v === undefined) return;
        if (el.type === "radio" || el.type === "checkbox") el.checked = Array.isArray(v) ? v.indexOf(el.value) >= 0 : v === el.value;
        else el.value = v;
      }
    });
  }

  function reason(data) {
    var e = data && data.error;
    if (!e) return "";
    var fields = e.fields || {};
    return Object.keys(fields).map(function (k) { return fields[k]; }).join(" ") || e.message || "";
  }

  function show(entry) {
    if (entry.refused) say(text("refused") + " " + entry.refused, "alert");
    else say(text("waiting").replace("{time}", new Date(entry.at).toLocaleTimeString().slice(0, 5)), "alert");
  }

  // Sends the oldest entry not refused, then the next; stops at the first network failure.
  function flush() {
    if (flushing) return;
    var entry = load().filter(function (e) { return !e.refused; })[0];
    if (!entry) return;
    flushing = true;
    if (mine(entry)) say(text("sending"));
    fetch(entry.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ work: entry.work, send: entry.send })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
    }).then(function (res) {
      var rest = load().filter(function (e) { return !(e.key === entry.key && e.at === entry.at); });
      if (res.ok) {
        save(rest);
        if (mine(entry)) {
          say(text(entry.send ? "sent" : "saved"), "ok");
          location.replace(location.pathname + "?fait=" + (entry.send ? "envoye" : "brouillon"));
        }
      } else if (res.status >= 500 || res.status === 408 || res.status === 429) {
        if (mine(entry)) show(entry); // the server will take it later
      } else {
        entry.refused = reason(res.data) || ("HTTP " + res.status);
        save(rest.concat([entry]));
        if (mine(entry)) show(entry);
      }
      flushing = false;
      if (res.ok) flush();
    }, function () {
      flushing = false;
      if (mine(entry)) show(entry);
    });
  }

  if (form) {
    var action = "send";
    form.querySelectorAll("button[name=action]").forEach(function (b) {
      b.addEventListener("click", function () { action = b.value; });
    });
    form.addEventListener("submit", function (ev) {
      var entry = { key: form.getAttribute("data-queue"), api: form.getAttribute("data-api"), work: collect(),
                    send: (ev.submitter ? ev.submitter.value : action) === "send", at: Date.now() };
      var q = load().filter(function (e) { return e.key !== entry.key; });
      if (!save(q.concat([entry]))) return; // no storage: the plain form post
      ev.preventDefault();
      show(entry);
      flush();
    });
    var kept = load().filter(mine)[0];
    if (kept) { restore(kept.work); show(kept); }
  }
  window.addEventListener("online", flush);
  setInterval(flush, RETRY_MS);
  flush();
})();
