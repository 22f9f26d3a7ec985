import Hummingbird
import NIOCore

/// The web page at `/`: one self-contained HTML document (style and script inline, nothing
/// fetched from elsewhere) that asks for the token once, keeps it in sessionStorage and calls
/// the same API: the caller's VLANs and VXLAN VNIs with a rate chart each (fed by
/// /api/v1/events), open incidents with the ack deadline counting down and their buttons, and
/// the audit trail.
enum PortalPage {
    static func register(on router: Router<PortalContext>) {
        router.get("/") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.cacheControl] = "no-store"
            headers[.contentSecurityPolicy] = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        }
    }

    static let html = #"""
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LoopSentry portal</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d2330;color:#fff;padding:10px 18px;display:flex;gap:16px;align-items:center}
header h1{font-size:17px;margin:0}#who{opacity:.8}main{padding:14px 18px;max-width:1200px}
section{background:#fff;border-radius:6px;padding:10px 14px;margin-bottom:14px;box-shadow:0 1px 2px #0002}
h2{font-size:15px;margin:4px 0 10px}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:5px 8px;border-bottom:1px solid #e3e5ea;vertical-align:middle}
.state{font-weight:600;border-radius:3px;padding:1px 6px}.s-normal{background:#dff3e4}.s-pendingAck{background:#ffe7a8}
.s-cut{background:#ffc9c9}.s-cutting,.s-restoring,.s-detected{background:#ffd8a8}.s-cutFailed{background:#ff8787}
button{margin-right:6px;padding:4px 10px;border:1px solid #556;border-radius:4px;background:#fff;cursor:pointer}
button.ack{background:#c92a2a;color:#fff;border-color:#c92a2a}.countdown{font-variant-numeric:tabular-nums;font-weight:600}
svg{background:#fafbfc;border:1px solid #e3e5ea}#login{max-width:420px}#msg{min-height:1.2em;color:#c92a2a}
.small{color:#667;font-size:12px}
</style></head><body>
<header><h1>LoopSentry portal</h1><span id="who"></span><span style="flex:1"></span><button id="logout" hidden>Forget token</button></header>
<main>
<section id="login" hidden><h2>Token</h2><p class="small">Paste the bearer token you were given. It stays in this tab only.</p>
<input id="token" type="password" size="50" autocomplete="off"> <button id="save">Use token</button></section>
<div id="msg"></div>
<div id="app" hidden>
<section><h2>Open incidents</h2><table id="incidents"><thead><tr><th>Incident</th><th>Segment</th><th>State</th><th>Ack deadline</th><th></th></tr></thead><tbody></tbody></table></section>
<section><h2>VLANs</h2><table id="vlans"><thead><tr><th>Interface</th><th>VLAN</th><th>Tenant</th><th>Policy</th><th>State</th><th>Broadcast/s</th><th>Frames/s</th><th>Rising</th><th>Last minutes</th></tr></thead><tbody></tbody></table></section>
<section id="vni-section" hidden><h2>VXLAN VNIs</h2><table id="vnis"><thead><tr><th>Interface</th><th>VNI</th><th>Tenant</th><th>Policy</th><th>State</th><th>Broadcast/s</th><th>Frames/s</th><th>Rising</th><th>Last minutes</th></tr></thead><tbody></tbody></table></section>
<section><h2>Audit trail</h2><table id="audit"><thead><tr><th>Time</th><th>Incident</th><th>What</th><th>Who / via</th><th>Result</th></tr></thead><tbody></tbody></table></section>
</div></main>
<script>
"use strict";
const $ = s => document.querySelector(s);
const history = {};            // "vlans/if/vlan" or "vnis/if/vni" -> [[ms, broadcast], ...] for the charts
const WINDOW_MS = 5 * 60 * 1000;
let vlans = [], vnis = [], incidents = [], details = {}, source = null;
function token() { return sessionStorage.getItem("loopsentry-token"); }
function esc(s) { return String(s).replace(/[&<>"']/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;","'":"&#39;"}[c])); }
async function api(path, options = {}) {
  options.headers = Object.assign({"Authorization": "Bearer " + token()}, options.headers || {});
  const r = await fetch(path, options);
  const body = await r.json().catch(() => ({}));
  if (r.status === 401) { sessionStorage.removeItem("loopsentry-token"); show(); throw new Error(body.error || "unauthorized"); }
  if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
  return body;
}
function show() {
  const has = !!token();
  $("#login").hidden = has; $("#app").hidden = !has; $("#logout").hidden = !has;
  if (has) { refresh(); listen(); } else if (source) { source.close(); source = null; }
}
$("#save").onclick = () => { const t = $("#token").value.trim(); if (t) { sessionStorage.setItem("loopsentry-token", t); $("#token").value = ""; show(); } };
$("#logout").onclick = () => { sessionStorage.removeItem("loopsentry-token"); show(); };
async function refresh() {
  try {
    vlans = (await api("/api/v1/vlans")).vlans;
    vnis = (await api("/api/v1/vnis")).vnis;
    incidents = (await api("/api/v1/incidents")).incidents;
    const recent = incidents.slice(0, 10);
    for (const i of recent) details[i.id] = await api("/api/v1/incidents/" + i.id);
    const tenants = [...new Set(vlans.concat(vnis).map(v => v.tenant))];
    $("#who").textContent = tenants.length ? "Segments of " + tenants.join(", ") : "";
    render();
  } catch (e) { $("#msg").textContent = e.message; }
}
// A row's API path below /api/v1: vlans/IF/VLAN or vnis/IF/VNI (actions append /ack etc.).
function key(v) { return v.vni ? "vnis/" + v.interface + "/" + v.vni : "vlans/" + v.interface + "/" + v.vlan; }
function label(v) { return v.vni ? "VNI " + v.vni : "VLAN " + v.vlan; }
function segmentRows(list) {
  return list.map(v => `<tr data-key="${esc(key(v))}"><td>${esc(v.interface)}</td><td>${v.vni || v.vlan}</td><td>${esc(v.tenant)}</td>` +
    `<td>${esc(v.policy)}</td><td><span class="state s-${esc(v.state)}">${esc(v.state)}</span></td><td class="bc">${v.rates.broadcast_pps}</td>` +
    `<td class="fr">${v.rates.frames_pps}</td><td>${v.thresholds.rising_pps}</td><td class="chart">${chart(key(v))}</td></tr>`).join("");
}
function chart(k) {
  const points = history[k] || [], w = 220, h = 40, now = Date.now();
  const max = Math.max(10, ...points.map(p => p[1]));
  // The x axis spans the data kept, at least 30 s and at most WINDOW_MS.
  const span = Math.min(WINDOW_MS, Math.max(30000, points.length ? now - points[0][0] : 0));
  const path = points.map((p, i) => (i ? "L" : "M") + (w - (now - p[0]) / span * w).toFixed(1) + "," + (h - p[1] / max * (h - 4) - 2).toFixed(1)).join(" ");
  return `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><path d="${path}" fill="none" stroke="#1c7ed6" stroke-width="1.5"/>` +
         `<text x="3" y="11" font-size="9" fill="#667">broadcast/s, max ${Math.round(max)} over ${Math.round(span / 1000)} s</text></svg>`;
}
function render() {
  $("#vlans tbody").innerHTML = segmentRows(vlans);
  $("#vnis tbody").innerHTML = segmentRows(vnis);
  $("#vni-section").hidden = vnis.length === 0;
  const open = vlans.concat(vnis).filter(v => v.incident);
  $("#incidents tbody").innerHTML = open.length ? open.map(v => `<tr data-key="${esc(key(v))}"><td>#${v.incident.id}</td><td>${esc(v.interface)} ${label(v)}</td>` +
    `<td><span class="state s-${esc(v.state)}">${esc(v.state)}</span></td>` +
    `<td class="countdown" data-deadline="${esc(v.incident.ack_deadline || "")}"></td><td>` +
    (v.state === "pendingAck" ? `<button class="ack" data-act="ack">Acknowledge</button><button data-act="dismiss">Dismiss</button>` : "") +
    (v.state === "cut" || v.state === "cutFailed" ? `<button data-act="restore">Restore</button>` : "") + `</td></tr>`).join("")
    : `<tr><td colspan="5" class="small">No open incident.</td></tr>`;
  const rows = [];
  for (const i of Object.values(details)) {
    for (const t of i.transitions || []) rows.push([t.at, i.id, `${t.from} → ${t.to} (${t.cause})`, "", t.detail]);
    for (const a of i.actions || []) rows.push([a.at, i.id, a.action, `${a.author} / ${a.via}`, (a.accepted ? "" : "refused: ") + a.result]);
  }
  rows.sort((a, b) => a[0] < b[0] ? 1 : -1);
  $("#audit tbody").innerHTML = rows.slice(0, 60).map(r => `<tr><td>${esc(r[0])}</td><td>#${r[1]}</td><td>${esc(r[2])}</td><td>${esc(r[3])}</td><td>${esc(r[4])}</td></tr>`).join("");
  tick();
}
function tick() {
  for (const td of document.querySelectorAll(".countdown")) {
    const d = td.dataset.deadline;
    if (!d) { td.textContent = "—"; continue; }
    const s = Math.max(0, Math.round((Date.parse(d) - Date.now()) / 1000));
    td.textContent = s > 0 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")} left` : "deadline passed";
  }
}
setInterval(tick, 1000);
document.addEventListener("click", async e => {
  const b = e.target.closest("button[data-act]"); if (!b) return;
  const [kind, iface, number] = b.closest("tr").dataset.key.split("/");
  b.disabled = true;
  try {
    const r = await api(`/api/v1/${kind}/${encodeURIComponent(iface)}/${number}/${b.dataset.act}`,
                        {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({comment: "from the portal page"})});
    $("#msg").textContent = "";
    $("#msg").style.color = "#2b8a3e"; $("#msg").textContent = r.message;
  } catch (err) { $("#msg").style.color = "#c92a2a"; $("#msg").textContent = err.message; }
  refresh();
});
function listen() {
  if (source) source.close();
  // EventSource cannot send headers: read the stream with fetch instead.
  const controller = new AbortController();
  source = { close: () => controller.abort() };
  fetch("/api/v1/events", {headers: {"Authorization": "Bearer " + token()}, signal: controller.signal}).then(async r => {
    if (!r.ok) { $("#msg").textContent = "events: HTTP " + r.status; return; }
    const reader = r.body.getReader(), decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const {value, done} = await reader.read(); if (done) break;
      buffer += decoder.decode(value, {stream: true});
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) { handle(buffer.slice(0, cut)); buffer = buffer.slice(cut + 2); }
    }
  }).catch(() => {}).finally(() => { if (token() && !controller.signal.aborted) setTimeout(listen, 2000); });
}
function handle(frame) {
  let name = "message", data = "";
  for (const line of frame.split("\n")) {
    if (line.startsWith("event: ")) name = line.slice(7); else if (line.startsWith("data: ")) data += line.slice(6);
  }
  if (!data) return;
  const ev = JSON.parse(data);
  if (name === "rates") {
    const now = Date.now();
    for (const v of ev.vlans.concat(ev.vnis || [])) {
      const k = key(v), h = history[k] = history[k] || [];
      h.push([now, v.rates.broadcast_pps]);
      while (h.length && now - h[0][0] > WINDOW_MS) h.shift();
      const row = document.querySelector(`#${v.vni ? "vnis" : "vlans"} tr[data-key="${CSS.escape(k)}"]`);
      if (row) { row.querySelector(".bc").textContent = v.rates.broadcast_pps; row.querySelector(".fr").textContent = v.rates.frames_pps; row.querySelector(".chart").innerHTML = chart(k); }
      else refresh();
    }
  } else if (name === "state" || name === "notification") {
    refresh();
  }
}
show();
</script></body></html>
"""#
}
