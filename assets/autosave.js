// Tremplin — autosave of application drafts. Progressive: the form works without it.
// Saves in the background as the applicant types (debounced), keeps unsent answers in the
// browser when the connection drops or the tab closes, and sends them when it comes back.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.JSON) return;
  var url = form.getAttribute("data-autosave");
  var status = document.getElementById("autosave-status");
  var key = "tremplin:" + url;
  var timer = null, busy = false, again = false;

  function say(text) { if (status) status.textContent = text; }
  function revisionInput() { return form.querySelector("input[name=revision]"); }

  function collect() {
    var answers = {};
    var multiple = {};
    form.querySelectorAll("[data-multiple]").forEach(function (f) { multiple["a." + f.getAttribute("data-multiple")] = true; });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name.indexOf("a.") !== 0) return;
      var id = el.name.slice(2);
      if (multiple[el.name]) {
        if (!answers[id]) answers[id] = [];
        if (el.checked) answers[id].push(el.value);
      } else if (el.type === "radio") {
        if (el.checked) answers[id] = el.value;
      } else if (el.value !== "") {
        answers[id] = el.value;
      }
    });
    return answers;
  }

  function restore(answers) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name.indexOf("a.") !== 0) return;
      var v = answers[el.name.slice(2)];
      if (v === undefined) return;
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = Array.isArray(v) ? v.indexOf(el.value) >= 0 : v === el.value;
      } else {
        el.value = v;
      }
    });
  }

  function save() {
    if (busy) { again = true; return; }
    busy = true;
    var body = { revision: parseInt(revisionInput().value, 10), answers: collect() };
    try { localStorage.setItem(key, JSON.stringify(body)); } catch (e) { /* private mode */ }
    fetch(url, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
    }).then(function (res) {
      if (res.ok) {
        revisionInput().value = res.data.revision;
        try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
        say(form.getAttribute("data-saved") + " " + new Date().toLocaleTimeString().slice(0, 5));
      } else if (res.status === 409) {
        say(form.getAttribute("data-conflict"));
      } else {
        say(res.data && res.data.error ? res.data.error.message : "");
      }
    }).catch(function () {
      say(form.getAttribute("data-offline"));
    }).then(function () {
      busy = false;
      if (again) { again = false; save(); }
    });
  }

  // Files are sent as soon as they are chosen; the answer then names the file by its id.
  // Offline, the file stays chosen and goes with the "save" button (a plain form post).
  function upload(input) {
    var file = input.files && input.files[0];
    var hidden = form.querySelector("input[type=hidden][name='a." + input.id + "']");
    if (!file || !hidden) return;
    say(form.getAttribute("data-uploading"));
    fetch(input.getAttribute("data-upload") + "?name=" + encodeURIComponent(file.name), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/octet-stream", "Accept": "application/json" },
      body: file
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (res) {
      if (res.ok) {
        hidden.value = res.data.id;
        input.value = "";
        input.removeAttribute("aria-invalid");
        var link = form.querySelector("[data-file-link='" + input.id + "']");
        if (link) { link.textContent = res.data.name; link.href = "/fichiers/" + res.data.id; }
        save();
      } else {
        var e = res.data && res.data.error;
        input.setAttribute("aria-invalid", "true");
        say(e ? (e.fields && e.fields[input.id]) || e.message : "");
      }
    }).catch(function () {
      say(form.getAttribute("data-upload-later"));
    });
  }
  form.querySelectorAll("input[type=file][data-upload]").forEach(function (input) {
    input.addEventListener("change", function (ev) { ev.stopPropagation(); upload(input); });
  });
  form.querySelectorAll("input[data-remove]").forEach(function (box) {
    box.addEventListener("change", function () {
      var hidden = form.querySelector("input[type=hidden][name='a." + box.getAttribute("data-remove") + "']");
      if (hidden && box.checked) { hidden.setAttribute("data-was", hidden.value); hidden.value = ""; }
      else if (hidden) { hidden.value = hidden.getAttribute("data-was") || hidden.value; }
    });
  });

  function later() { clearTimeout(timer); timer = setTimeout(save, 1500); }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  window.addEventListener("online", save);

  // Answers typed while offline or before the tab closed come back, if nothing newer was saved.
  try {
    var kept = JSON.parse(localStorage.getItem(key) || "null");
    if (kept && kept.revision === parseInt(revisionInput().value, 10)) { restore(kept.answers); save(); }
  } catch (e) { /* ignore */ }
})();
