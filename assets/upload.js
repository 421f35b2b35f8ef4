// Tremplin — resumable uploads (tus 1.0.0, server in src/uploads.rs). Progressive: without
// JavaScript the form posts the file as usual.
//
//   <input type="file" name="video" data-resumable="exercise" data-max="209715200">
//
// With JavaScript the chosen file is sent at once in 2 MB pieces. After any network error it
// waits (1 s, 2 s, 4 s… up to 30 s, or until the phone is back online), asks the server how
// much arrived (HEAD) and goes on from there. The upload address is kept in localStorage
// under the file's name, size and date, so reloading the page resumes too. When done, the
// upload id goes into a hidden input (name: data-field, default "<name>_upload") and the
// file input loses its name, so the form does not send the file a second time.
// Texts come from data-progress ("… {percent} …"), data-offline, data-done, data-busy and
// data-too-large (catalogue keys upload.*), with French defaults.
(function () {
  "use strict";
  if (!window.XMLHttpRequest || !window.Blob || !Blob.prototype.slice || !window.Promise) return;
  var ENDPOINT = "/api/v1/uploads", CHUNK = 2 * 1024 * 1024, STALL = 60000;

  function request(method, url, headers, body, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest(), watchdog = null;
      function stalled() { clearTimeout(watchdog); watchdog = setTimeout(function () { xhr.abort(); }, STALL); }
      xhr.open(method, url);
      headers["Tus-Resumable"] = "1.0.0";
      Object.keys(headers).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
      // A connection that stops moving is as good as dropped: abort and resume.
      xhr.upload.onprogress = function (e) { stalled(); if (onProgress) onProgress(e.loaded); };
      xhr.onload = function () { clearTimeout(watchdog); resolve(xhr); };
      xhr.onerror = xhr.onabort = function () { clearTimeout(watchdog); reject(new Error("network")); };
      stalled();
      xhr.send(body || null);
    });
  }

  // The API's error: what is wrong with the file if it says, else its headline.
  function message(xhr) {
    try {
      var error = JSON.parse(xhr.responseText).error, fields = error.fields || {};
      return Object.keys(fields).map(function (k) { return fields[k]; }).join(" ") || error.message;
    } catch (e) { return "HTTP " + xhr.status; }
  }

  function b64(text) { return btoa(unescape(encodeURIComponent(text))); }

  function setup(input) {
    var text = function (name, fallback) { return input.getAttribute("data-" + name) || fallback; };
    var purpose = input.getAttribute("data-resumable");
    var max = parseInt(input.getAttribute("data-max"), 10) || 0;
    var fieldName = input.name;
    var status = document.createElement("span");
    status.setAttribute("aria-live", "polite");
    status.className = "upload-status";
    input.parentNode.insertBefore(status, input.nextSibling);
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = text("field", fieldName + "_upload");
    input.parentNode.insertBefore(hidden, status);
    var busy = false, run = 0;
    function say(s) { status.textContent = s; }

    if (input.form) {
      input.form.addEventListener("submit", function (e) {
        if (busy) { e.preventDefault(); say(text("busy", "Attendez la fin de l’envoi du fichier.")); }
      });
    }
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      hidden.value = "";
      input.name = fieldName;
      if (!file) return;
      if (max && file.size > max) { say(text("too-large", "Ce fichier est trop lourd.")); return; }
      upload(file);
    });

    function upload(file) {
      var key = "tremplin:upload:" + purpose + ":" + file.name + ":" + file.size + ":" + file.lastModified;
      var url = null, attempt = 0, timer = null, waiting = false, mine = ++run;
      // Another file chosen meanwhile: this upload stops where it is (resumable later).
      function live() { return mine === run; }
      try { url = localStorage.getItem(key); } catch (e) { /* private mode */ }
      busy = true;
      input.removeAttribute("name");

      function remember(u) { url = u; try { if (u) localStorage.setItem(key, u); else localStorage.removeItem(key); } catch (e) { /* ignore */ } }
      function progress(done) { say(text("progress", "Envoi : {percent} %").replace("{percent}", Math.floor(100 * done / file.size))); }
      // Refused (wrong type, too large…): the plain form can still send the file.
      function fail(xhr) { if (!live()) return; busy = false; remember(null); input.name = fieldName; say(message(xhr)); }
      function finished() {
        busy = false;
        hidden.value = url.split("/").pop();
        remember(null);
        say(text("done", "Fichier envoyé."));
      }

      // After a network error: wait, then ask where to resume. Back online means at once.
      function retry() {
        if (!live()) return;
        say(text("offline", "En attente du réseau…"));
        waiting = true;
        clearTimeout(timer);
        timer = setTimeout(resume, Math.min(30000, 1000 * Math.pow(2, attempt++)));
      }
      window.addEventListener("online", function () {
        if (waiting) { clearTimeout(timer); timer = setTimeout(resume, 500); }
      });

      function create() {
        var meta = "purpose " + b64(purpose) + ",filename " + b64(file.name) + (file.type ? ",filetype " + b64(file.type) : "");
        request("POST", ENDPOINT, { "Upload-Length": String(file.size), "Upload-Metadata": meta }).then(function (xhr) {
          if (xhr.status !== 201) return fail(xhr);
          remember(xhr.getResponseHeader("Location"));
          send(0);
        }, retry);
      }

      function resume() {
        clearTimeout(timer);
        waiting = false;
        if (!live()) return;
        if (!url) return create();
        request("HEAD", url, {}).then(function (xhr) {
          if (xhr.status === 404 || xhr.status === 410) { remember(null); return create(); }
          if (xhr.status !== 200) return fail(xhr);
          send(parseInt(xhr.getResponseHeader("Upload-Offset"), 10));
        }, retry);
      }

      function send(offset) {
        if (!live()) return;
        progress(offset);
        if (offset >= file.size) return finished();
        var headers = { "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" };
        var piece = file.slice(offset, offset + CHUNK);
        request("PATCH", url, headers, piece, function (sent) { progress(offset + sent); }).then(function (xhr) {
          if (xhr.status === 204) { attempt = 0; return send(parseInt(xhr.getResponseHeader("Upload-Offset"), 10)); }
          if (xhr.status === 409 || xhr.status === 460) return resume();
          if (xhr.status === 404 || xhr.status === 410) { remember(null); return create(); }
          fail(xhr);
        }, retry);
      }

      resume();
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-resumable]"), setup);
})();
