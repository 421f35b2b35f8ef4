// Checks assets/upload.js against a running Tremplin, in Node.js (no browser needed): a fake
// DOM and an XMLHttpRequest over node:http that drops 40 % of the pieces at a random byte.
// A 9 MB file is sent, the network is lost for good after 3 pieces, the page is "reloaded"
// and must resume from the address kept in localStorage; then a file of a refused type must
// give the form its file input back. Exit status 0 when the server has the file intact.
//
//   D=$(mktemp -d)
//   echo tremplin-js-harness | target/debug/tremplin --data-dir $D user create \
//     --email js@example.sn --name JS --password-stdin
//   target/debug/tremplin --data-dir $D serve --addr 127.0.0.1:18931 &
//   node scripts/upload_js_check.js     # BASE=… and JS=… to change the defaults
const http = require("node:http");
const fs = require("node:fs");
const vm = require("node:vm");
const crypto = require("node:crypto");
const BASE = process.env.BASE || "http://127.0.0.1:18931";
const SRC = fs.readFileSync(process.env.JS || "assets/upload.js", "utf8");
let cookie = "";
let stats = { bodyBytes: 0, requests: {}, drops: 0 };
let offlineAfter = Infinity; // PATCHes allowed before the "network" dies for good

class XHR {
  constructor() { this.upload = {}; this.headers = {}; this.status = 0; this.responseText = ""; }
  open(m, u) { this.method = m; this.url = u; }
  setRequestHeader(k, v) { this.headers[k] = v; }
  getResponseHeader(n) { const v = this.res && this.res.headers[n.toLowerCase()]; return v === undefined ? null : v; }
  abort() { if (this.req) this.req.destroy(); }
  async send(body) {
    stats.requests[this.method] = (stats.requests[this.method] || 0) + 1;
    let buf = body ? Buffer.from(await body.arrayBuffer()) : null;
    const headers = Object.assign({}, this.headers, { Cookie: cookie });
    if (buf) headers["Content-Length"] = buf.length;
    const failHard = this.method === "PATCH" && stats.requests.PATCH > offlineAfter;
    const dropAt = this.method === "PATCH" && Math.random() < 0.4 ? Math.floor(buf.length * Math.random()) : -1;
    const req = http.request(BASE + this.url, { method: this.method, headers });
    this.req = req;
    let failed = false;
    const fail = () => { if (failed) return; failed = true; this.onerror && this.onerror(); };
    req.on("error", fail);
    req.on("response", (res) => {
      this.res = res; this.status = res.statusCode; let chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => { this.responseText = Buffer.concat(chunks).toString(); if (!failed) this.onload(); });
    });
    if (failHard) { req.destroy(); return fail(); }
    if (!buf) return req.end();
    let at = 0;
    const step = () => {
      while (at < buf.length) {
        const n = Math.min(65536, buf.length - at);
        if (dropAt >= 0 && at + n > dropAt) { stats.drops++; req.write(buf.subarray(at, dropAt)); stats.bodyBytes += dropAt - at; setTimeout(() => { req.destroy(); fail(); }, 20); return; }
        const ok = req.write(buf.subarray(at, at + n)); stats.bodyBytes += n; at += n;
        if (this.upload.onprogress) this.upload.onprogress({ loaded: at });
        if (!ok) return req.once("drain", step);
      }
      req.end();
    };
    step();
  }
}

function page(file, storage) {
  const listeners = {}, formListeners = {}, inserted = [];
  const input = {
    name: "video", files: [file], attrs: { "data-resumable": "exercise", "data-max": String(200 * 1024 * 1024) },
    getAttribute(n) { return n in this.attrs ? this.attrs[n] : null; },
    removeAttribute(n) { if (n === "name") this.name = ""; },
    addEventListener(t, f) { listeners[t] = f; },
    parentNode: { insertBefore(el) { inserted.push(el); } },
    form: { addEventListener(t, f) { formListeners[t] = f; } },
  };
  const winListeners = {};
  const ctx = {
    XMLHttpRequest: XHR, Blob, Promise, JSON, Math, String, parseInt, Object, Array, Error, btoa, unescape, encodeURIComponent,
    setTimeout, clearTimeout,
    localStorage: { getItem: (k) => (k in storage ? storage[k] : null), setItem: (k, v) => { storage[k] = String(v); }, removeItem: (k) => { delete storage[k]; } },
    document: { querySelectorAll: () => [input], createElement: (tag) => ({ tag, setAttribute() {} }) },
    addEventListener: (t, f) => { (winListeners[t] = winListeners[t] || []).push(f); },
    removeEventListener: () => {},
  };
  ctx.window = ctx;
  vm.createContext(ctx);
  vm.runInContext(SRC, ctx);
  listeners.change();
  return { input, inserted, formListeners, status: () => inserted.find((e) => e.tag === "span").textContent, hidden: () => inserted.find((e) => e.tag === "input") };
}

async function main() {
  const r = await fetch(BASE + "/api/v1/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "js@example.sn", password: "tremplin-js-harness" }) });
  if (r.status !== 200) throw new Error("sign in " + r.status);
  cookie = r.headers.get("set-cookie").split(";")[0];
  const size = 9 * 1024 * 1024 + 12345;
  const bytes = crypto.randomBytes(size);
  Buffer.from("\0\0\0\x18ftypmp42", "latin1").copy(bytes, 0);
  const file = new File([bytes], "pitch été.mp4", { type: "video/mp4", lastModified: 1700000000000 });
  const storage = {};
  // First visit: the network dies for good after 3 PATCH requests.
  offlineAfter = 3;
  const p1 = page(file, storage);
  await new Promise((r) => setTimeout(r, 4000));
  console.log("first visit:", p1.status(), "| stored:", Object.values(storage), "| input name:", JSON.stringify(p1.input.name));
  // Reload with the network back: resumes from the stored address.
  offlineAfter = Infinity;
  const p2 = page(file, storage);
  for (let i = 0; i < 120 && !p2.hidden().value; i++) await new Promise((r) => setTimeout(r, 500));
  const id = p2.hidden().value;
  console.log("second visit:", p2.status(), "| hidden", p2.hidden().name, "=", id, "| stored left:", Object.keys(storage).length);
  const info = await (await fetch(BASE + "/api/v1/uploads/" + id, { headers: { Cookie: cookie } })).json();
  const ok = info.sha256 === crypto.createHash("sha256").update(bytes).digest("hex");
  console.log("server:", info.complete, info.type, info.name, "sha256 equal:", ok);
  console.log("stats:", JSON.stringify(stats), "size", size, "re-sent", stats.bodyBytes - size);
  // A refused file (not a recognised type): the plain form gets the file back.
  const bad = new File([Buffer.alloc(300000, 7)], "virus.exe", { lastModified: 1 });
  const p3 = page(bad, {});
  for (let i = 0; i < 40 && p3.input.name !== "video"; i++) await new Promise((r) => setTimeout(r, 250));
  console.log("refused file:", p3.status(), "| input name restored:", p3.input.name);
  process.exit(ok ? 0 : 1);
}
main().catch((e) => { console.error(e); process.exit(1); });
