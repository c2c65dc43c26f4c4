/* The gate: scan a ticket's QR with the camera (jsQR, or the browser's BarcodeDetector) or type
   its code. Works with no network: the event's tickets are kept in localStorage and every scan
   is queued there with a client id, then synced; the server answers each client id once, so a
   retry, a second gate or a late sync never makes a second attendance. */
(function () {
  "use strict";
  var root = document.getElementById("gate");
  if (!root) { return; }
  var gateId = root.dataset.gate;
  var eventId = root.dataset.event;
  var csrf = root.dataset.csrf;
  var text = JSON.parse(document.getElementById("gate-text").textContent);
  var TICKETS = "sampark.gate." + gateId + ".tickets";
  var QUEUE = "sampark.gate." + gateId + ".queue";
  var SEEN = "sampark.gate." + gateId + ".seen";
  var ALPHABET = /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{10}$/;

  function load(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  var tickets = load(TICKETS, {after: 0, byCode: {}});
  var queue = load(QUEUE, []);
  var seen = load(SEEN, {});

  var banner = document.getElementById("gate-result");
  var pending = document.getElementById("gate-pending");
  var cached = document.getElementById("gate-cached");

  function show(kind, title, name) {
    banner.className = "gate-result " + (kind === "admitted" ? "gate-ok" : "gate-bad");
    banner.dataset.result = kind;
    banner.textContent = "";
    var h = document.createElement("strong");
    h.textContent = title;
    banner.appendChild(h);
    if (name) {
      var p = document.createElement("span");
      p.textContent = " " + name;
      banner.appendChild(p);
    }
  }
  function counts() {
    pending.textContent = String(queue.length);
    cached.textContent = String(Object.keys(tickets.byCode).length);
  }

  function codeOf(raw) {
    raw = (raw || "").trim();
    if (raw.indexOf(":") >= 0) {
      try {
        // signing.dumps: base64url(JSON) ':' timestamp-free signature; the payload is readable.
        var b64 = raw.split(":")[0].replace(/-/g, "+").replace(/_/g, "/");
        var data = JSON.parse(atob(b64 + "===".slice((b64.length + 3) % 4)));
        return {event: String(data[0]), code: String(data[1])};
      } catch (e) { return null; }
    }
    var typed = raw.toUpperCase().replace(/[^A-Z0-9]/g, "");
    return ALPHABET.test(typed) ? {event: null, code: typed} : null;
  }

  function judgeLocally(raw) {
    var t = codeOf(raw);
    if (!t) { return {result: "unknown"}; }
    if (t.event !== null && t.event !== eventId) { return {result: "foreign"}; }
    var hit = tickets.byCode[t.code];
    if (!hit) { return {result: "unknown", code: t.code}; }
    if (hit[1] === "cancelled") { return {result: "cancelled", name: hit[0]}; }
    if (seen[t.code]) { return {result: "duplicate", name: hit[0]}; }
    return {result: "admitted", name: hit[0], code: t.code};
  }

  function scan(raw) {
    var local = judgeLocally(raw);
    var id = String(Date.now()) + "-" + Math.random().toString(36).slice(2, 10);
    queue.push({client_id: id, code: raw, scanned_at: new Date().toISOString()});
    save(QUEUE, queue);
    if (local.result === "admitted") { seen[local.code] = 1; save(SEEN, seen); }
    show(local.result, text[local.result] || text.unknown, local.name);
    counts();
    sync();
  }

  var syncing = false;
  function sync() {
    if (syncing || !queue.length || !navigator.onLine) { return; }
    syncing = true;
    var batch = queue.slice(0, 200);
    fetch("/api/events/gates/" + gateId + "/sync", {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify({scans: batch})
    }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }).then(function (data) {
      var done = {};
      data.results.forEach(function (res) { done[res.client_id] = res; });
      queue = load(QUEUE, []).filter(function (s) { return !done[s.client_id]; });
      save(QUEUE, queue);
      counts();
      syncing = false;
      if (queue.length) { sync(); }
    }).catch(function () { syncing = false; });
  }

  function refreshTickets() {
    if (!navigator.onLine) { return; }
    fetch("/api/events/gates/" + gateId + "/tickets?after=" + tickets.after, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.tickets.forEach(function (t) {
          tickets.byCode[t.code] = [t.name, t.status];
          tickets.after = Math.max(tickets.after, t.id);
        });
        save(TICKETS, tickets);
        counts();
        if (data.next_after !== null) { refreshTickets(); }
      }).catch(function () {});
  }

  document.getElementById("gate-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = document.getElementById("gate-code");
    if (input.value.trim()) { scan(input.value); }
    input.value = "";
    input.focus();
  });

  // The camera: BarcodeDetector where the browser has it, else jsQR on canvas frames.
  var video = document.getElementById("gate-video");
  var camButton = document.getElementById("gate-camera");
  var last = {raw: "", at: 0};
  function found(raw) {
    var now = Date.now();
    if (raw === last.raw && now - last.at < 3000) { return; }
    last = {raw: raw, at: now};
    scan(raw);
  }
  camButton.addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var canvas = document.createElement("canvas");
      var ctx = canvas.getContext("2d", {willReadFrequently: true});
      var detector = ("BarcodeDetector" in window) ? new window.BarcodeDetector({formats: ["qr_code"]}) : null;
      function tick() {
        if (video.readyState >= 2) {
          if (detector) {
            detector.detect(video).then(function (codes) { if (codes.length) { found(codes[0].rawValue); } });
          } else if (window.jsQR) {
            canvas.width = video.videoWidth; canvas.height = video.videoHeight;
            ctx.drawImage(video, 0, 0);
            var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
            var hit = window.jsQR(img.data, img.width, img.height, {inversionAttempts: "dontInvert"});
            if (hit && hit.data) { found(hit.data); }
          }
        }
        setTimeout(tick, 250);
      }
      tick();
    }).catch(function () { show("unknown", text.nocamera, ""); });
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.sw, {scope: root.dataset.scope}).catch(function () {});
  }
  window.addEventListener("online", function () { sync(); refreshTickets(); });
  setInterval(sync, 5000);
  counts();
  refreshTickets();
  sync();
  // For tests: the page's state.
  window.samparkGate = {scan: scan, queue: function () { return load(QUEUE, []); }, sync: sync};
})();
